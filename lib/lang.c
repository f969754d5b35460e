/*
** lang.c: language detection by function words (contract in lang.h).
** Owns the word scan, the weighting of stop-word hits among candidate
** languages and the decision rule. The stop lists themselves belong to
** tok.c (thp_tok_is_stopword), so detection and the tokenizer agree on
** what a function word is.
*/
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <textcat.h>
#include <fingerprint.h>
#include <constants.h>
#include <utf8proc.h>

#include "thp/lang.h"
#include "thp/mem.h"
#include "thp/tok.h"

/* Longest word looked up: the longest stop word is 10 letters (2 bytes
** each at most in these lists); longer words cannot be on a list. */
#define WORD_MAX 24

#define EPS 1e-9

/*
** The languages thp_tok_is_stopword has lists for, each with the letters
** beyond a-z that it writes (lower case). The stop lists are folded, so
** Turkish "iş" would match English "is" and "önce" English "once": a word
** with a letter its language does not write is no stop word of it.
*/
static const struct {
    const char *code;
    const char *letters;
} known[] = {
    {"en", ""},
    {"nl", "áéíóúàèëïöü"},
    {"pt", "áâãàçéêíóôõúü"},
    {"es", "áéíñóúü"},
    {"fr", "àâæçéèêëîïôœùûüÿ"},
    {"de", "äöüß"},
    {"tr", "âçğıîöşûü"},
};
#define NKNOWN (sizeof known / sizeof known[0])

/*
** Turkish's list in tok.c is a short common one without the language's
** most frequent function words; these are weighed as Turkish stop words
** too (compared lower-cased, accents kept). No other candidate has them.
*/
static const char *const more_tr[] = {
    "ancak", "bir", "değil", "göre", "kadar", "olan", "olarak", "sonra",
    "var", "yok",
};

/* Is w[0..n) one of more_tr, ignoring case? */
static int is_more_tr(const char *w, size_t n)
{
    char low[WORD_MAX * 2 + 4] = ""; /* defined even when n is 0 */
    size_t i = 0, m = 0, k;

    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t r = utf8proc_iterate(
            (const utf8proc_uint8_t *)w + i, (utf8proc_ssize_t)(n - i), &cp);

        if (r <= 0 || m + 4 > sizeof low)
            return 0;
        i += (size_t)r;
        m += (size_t)utf8proc_encode_char(utf8proc_tolower(cp),
                                          (utf8proc_uint8_t *)low + m);
    }
    for (k = 0; k < sizeof more_tr / sizeof more_tr[0]; k++)
        if (strlen(more_tr[k]) == m && memcmp(more_tr[k], low, m) == 0)
            return 1;
    return 0;
}


struct thp_lang {
    int n;                        /* candidates */
    char code[THP_LANG_MAX][4];   /* their codes, NUL-terminated */
    const char *letters[THP_LANG_MAX]; /* their letters beyond a-z */
    int tr;                       /* Turkish's index, or -1 */
    void *fp[THP_LANG_MAX];       /* libexttextcat fingerprints (fp_Read) */
};

static int find_known(const char *code)
{
    size_t i;

    for (i = 0; i < NKNOWN; i++)
        if (strcmp(code, known[i].code) == 0)
            return (int)i;
    return -1;
}

int thp_lang_open(thp_lang **out, const char *langs, const char *models,
                  struct thp_err *err)
{
    thp_lang *det;
    const char *p;
    int i, k;

    if (!out)
        return thp_err_set(err, THP_ERR_MISUSE, "thp_lang_open: out is NULL");
    *out = NULL;
    if (!langs || !*langs)
        langs = THP_LANG_DEFAULT;
    det = thp_calloc(1, sizeof *det);
    if (!det)
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    det->tr = -1;
    for (p = langs; *p;) {
        size_t len;
        char code[4];

        if (*p == ' ' || *p == ',') {
            p++;
            continue;
        }
        len = strcspn(p, " ,");
        if (len != 2)
            goto bad;
        memcpy(code, p, 2);
        code[2] = '\0';
        k = find_known(code);
        if (k < 0) {
            thp_free(det);
            return thp_err_set(err, THP_ERR_MISUSE,
                               "no stop list for language '%s'", code);
        }
        for (i = 0; i < det->n; i++)
            if (strcmp(det->code[i], code) == 0)
                goto bad;
        if (det->n == THP_LANG_MAX)
            goto bad;
        det->letters[det->n] = known[k].letters;
        if (strcmp(code, "tr") == 0)
            det->tr = det->n;
        memcpy(det->code[det->n++], code, 3);
        p += len;
    }
    if (det->n == 0)
        goto bad;
    if (!models)
        models = THP_LANG_MODELS;
    for (i = 0; i < det->n && *models; i++) {
        char path[512];
        FILE *f;

        if ((size_t)snprintf(path, sizeof path, "%s/%s.lm", models,
                             det->code[i]) >= sizeof path) {
            thp_lang_close(det);
            return thp_err_set(err, THP_ERR_MISUSE,
                               "model folder name too long");
        }
        /* fp_Read says only 0 on failure; look first, to say why */
        f = fopen(path, "r");
        if (!f) {
            int e = errno;

            thp_lang_close(det);
            return thp_err_set(err, THP_ERR_IO,
                               "cannot read language model '%s': %s", path,
                               strerror(e));
        }
        fclose(f);
        det->fp[i] = fp_Init(det->code[i]);
        if (!det->fp[i]) {
            thp_lang_close(det);
            return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
        }
        fp_SetProperty(det->fp[i], TCPROP_UTF8AWARE, TC_TRUE);
        if (!fp_Read(det->fp[i], path, MAXNGRAMS)) {
            thp_lang_close(det);
            return thp_err_set(err, THP_ERR_IO,
                               "cannot read language model '%s'", path);
        }
    }
    *out = det;
    return THP_OK;

bad:
    thp_free(det);
    return thp_err_set(err, THP_ERR_MISUSE, "bad language list '%.64s'",
                       langs);
}

void thp_lang_close(thp_lang *det)
{
    int i;

    if (!det)
        return;
    for (i = 0; i < THP_LANG_MAX; i++)
        if (det->fp[i])
            fp_Done(det->fp[i]);
    thp_free(det);
}

/* Where to cut s, longer than limit, at or before limit so that no
** character is split: back up over continuation bytes. */
static size_t char_floor(const char *s, size_t limit)
{
    size_t i = limit;

    while (i > 0 && i > limit - 3 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

enum { OTHER, WORD, UPPER, APOS };

/* What the character at s[0..n) is: part of a word (a letter or a
** combining mark; UPPER for an upper- or title-case letter), an
** apostrophe (' U+2019 U+02BC) or anything else; *len gets its length
** (1 for an invalid byte, which is OTHER). */
static int classify(const char *s, size_t n, size_t *len)
{
    unsigned char c = (unsigned char)s[0];
    utf8proc_int32_t cp;
    utf8proc_ssize_t r;

    *len = 1;
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
            return UPPER;
        if (c >= 'a' && c <= 'z')
            return WORD;
        return c == '\'' ? APOS : OTHER;
    }
    r = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
                         &cp);
    if (r <= 0)
        return OTHER;
    *len = (size_t)r;
    if (cp == 0x2019 || cp == 0x02BC)
        return APOS;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT:
        return UPPER;
    case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return WORD;
    default:
        return OTHER;
    }
}

/* Does language `letters` write every non-ASCII letter of w[0..n)? */
static int writes(const char *letters, const char *w, size_t n)
{
    size_t i = 0;

    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_uint8_t lc[4];
        utf8proc_ssize_t r, m;

        if ((unsigned char)w[i] < 0x80) {
            i++;
            continue;
        }
        r = utf8proc_iterate((const utf8proc_uint8_t *)w + i,
                             (utf8proc_ssize_t)(n - i), &cp);
        if (r <= 0)
            return 0;
        i += (size_t)r;
        if (utf8proc_category(cp) >= UTF8PROC_CATEGORY_MN &&
            utf8proc_category(cp) <= UTF8PROC_CATEGORY_ME)
            continue; /* text is NFC: a mark left is on a letter above */
        m = utf8proc_encode_char(utf8proc_tolower(cp), lc);
        if (m <= 0 || !memmem(letters, strlen(letters), lc, (size_t)m))
            return 0;
    }
    return 1;
}

/* Weigh one word: its evidence is shared among the candidates whose stop
** list holds it and who write its letters. */
static void weigh(const thp_lang *det, const char *w, size_t n,
                  double *score)
{
    int hit[THP_LANG_MAX], k = 0, i;

    if (n > WORD_MAX)
        return;
    if (!thp_tok_is_stopword(NULL, w, n)) {
        if (det->tr >= 0 && is_more_tr(w, n))
            score[det->tr] += 1.0;
        return;
    }
    for (i = 0; i < det->n; i++) {
        hit[i] = thp_tok_is_stopword(det->code[i], w, n) &&
                 writes(det->letters[i], w, n);
        k += hit[i];
    }
    for (i = 0; i < det->n && k; i++)
        if (hit[i])
            score[i] += 1.0 / k;
}

/*
** libexttextcat's verdict on s[0..n), n <= THP_LANG_READ, among the
** candidates: the distance of each fingerprint to the text's, and every
** language within THRESHOLDVALUE (1.03) of the nearest is a candidate,
** as textcat_Classify decides. Returns 1 and sets *best (the index) and
** *gap (1 - nearest / second nearest distance) when exactly one language
** is that close; 0 when several are, or the text has no n-grams.
*/
static int ngrams(const thp_lang *det, const char *s, size_t n, int *best,
                  double *gap)
{
    char buf[THP_LANG_READ + 1];
    void *text;
    int dist[THP_LANG_MAX], threshold = INT_MAX, second = INT_MAX;
    int cnt = 0, i;

    /* fp_Create skips runs of spaces until a NUL, past its length */
    if (n > 0)
        memcpy(buf, s, n);
    buf[n] = '\0';
    text = fp_Init(NULL);
    if (!text)
        return 0;
    fp_SetProperty(text, TCPROP_UTF8AWARE, TC_TRUE);
    if (!fp_Create(text, buf, (uint4)n, MAXNGRAMS)) {
        fp_Done(text);
        return 0;
    }
    *best = -1;
    for (i = 0; i < det->n; i++) {
        dist[i] = fp_Compare(det->fp[i], text, INT_MAX);
        if (*best < 0 || dist[i] < dist[*best]) {
            *best = i;
            threshold = (int)((double)dist[i] * THRESHOLDVALUE);
        }
    }
    fp_Done(text);
    for (i = 0; i < det->n; i++) {
        if (i == *best)
            continue;
        if (dist[i] < threshold)
            cnt++;
        if (dist[i] < second)
            second = dist[i];
    }
    if (cnt > 0 || *best < 0)
        return 0;
    *gap = second > 0 && second < INT_MAX
               ? 1.0 - (double)dist[*best] / (double)second
               : 1.0;
    return 1;
}

int thp_lang_detect(const thp_lang *det, const char *utf8, size_t n,
                    struct thp_lang_guess *out)
{
    double score[THP_LANG_MAX] = {0};
    size_t i = 0, start = 0, pstart = 0, plen = 0;
    int in_word = 0, suffix = 0, apos = 0, upper_first = 0, upper_rest = 0;
    int pending = 0, pcap = 0, best = -1, second = -1, nbest, j;

    if (!det || !out || (!utf8 && n))
        return THP_ERR_MISUSE;
    memset(out, 0, sizeof *out);
    if (n > THP_LANG_READ)
        n = char_floor(utf8, THP_LANG_READ);
    out->read = n;

    /*
    ** One pass over characters; i == n ends the last word. Two kinds of
    ** word count for nothing:
    ** - a word right after letter + apostrophe is a suffix (THP's,
    **   Mayıs'ta, Gaziantep'te); French elision (l', d', qu') puts its
    **   function word before the apostrophe;
    ** - a capitalised word followed by another is part of a name: Den
    **   Haag, De Vries, La Haya, Van Gogh, Dos Santos. So a word is
    **   weighed only once the next one is seen (pending).
    */
    while (i <= n) {
        int kind = OTHER;
        size_t len = 1;

        if (i < n)
            kind = classify(utf8 + i, n - i, &len);
        if (kind == WORD || kind == UPPER) {
            if (!in_word) {
                in_word = 1;
                start = i;
                suffix = apos;
                upper_first = kind == UPPER;
                upper_rest = 0;
            } else if (kind == UPPER) {
                upper_rest = 1;
            }
            apos = 0;
        } else {
            apos = in_word && kind == APOS;
            if (in_word) {
                int cap = upper_first && !upper_rest;

                in_word = 0;
                out->words++;
                if (pending && !(pcap && cap))
                    weigh(det, utf8 + pstart, plen, score);
                pending = !suffix;
                pstart = start;
                plen = i - start;
                pcap = cap;
            }
        }
        i += len;
    }
    if (pending)
        weigh(det, utf8 + pstart, plen, score);

    for (j = 0; j < det->n; j++) {
        if (best < 0 || score[j] > score[best]) {
            second = best;
            best = j;
        } else if (second < 0 || score[j] > score[second]) {
            second = j;
        }
    }
    if (best >= 0 && score[best] > 0)
        memcpy(out->leader, det->code[best], 3);
    out->score = best >= 0 ? score[best] : 0;
    out->runner_up = second >= 0 ? score[second] : 0;
    if (best < 0 || out->score <= 0)
        return THP_OK;
    /* EPS: thirds and fifths do not add up exactly in binary */
    if (out->score >= THP_LANG_MIN_SCORE - EPS &&
        out->score - out->runner_up >= THP_LANG_MIN_LEAD - EPS) {
        memcpy(out->lang, det->code[best], 3);
        out->confidence = 1.0 - out->runner_up / out->score;
        out->by = THP_LANG_BY_WORDS;
    } else if (det->fp[0] && out->score >= THP_LANG_MIN_AGREE - EPS &&
               ngrams(det, utf8, n, &nbest, &out->confidence) &&
               nbest == best) {
        memcpy(out->lang, det->code[best], 3);
        out->by = THP_LANG_BY_NGRAMS;
    } else {
        out->confidence = 0;
    }
    return THP_OK;
}
