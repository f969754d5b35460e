/*
** tok.c: the "thp" FTS5 tokenizer (the rules are in tok.h). One pass over
** the text; each word is folded into stack buffers and stemmed by Snowball
** stemmers cached per tokenizer instance. It never allocates per token,
** never reads outside [0, n), and emits only ordered offsets that fall on
** character boundaries. Built twice: into libthp.a, and with
** -DTHP_TOK_EXTENSION into build/thp_fts5.so, where sqlite3_* calls go
** through the loading program's API table (tok_ext.c).
*/
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "thp/mem.h"
#include "thp/tok.h"

#ifdef THP_TOK_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif

#define MAXLEN    THP_TOK_MAXLEN
#define WORD_READ 128  /* bytes of a word read for folding */
#define U32_CAP   1024 /* decomposed code points of WORD_READ bytes (x6) */
#define FOLD_CAP  256  /* code points kept after filtering: > 64 bytes */
#define ACRO_MAX  16   /* letters of a U.S.-style acronym */
#define MAXALT    (1 + 2 * THP_TOK_MAXLANG) /* alternatives of a query word */
#define STEM_TOK  (MAXLEN + 8) /* "~" code ":" stem */

/* tok.h's flags are FTS5's */
_Static_assert(THP_TOK_QUERY == FTS5_TOKENIZE_QUERY, "THP_TOK_QUERY");
_Static_assert(THP_TOK_PREFIX == FTS5_TOKENIZE_PREFIX, "THP_TOK_PREFIX");
_Static_assert(THP_TOK_DOCUMENT == FTS5_TOKENIZE_DOCUMENT, "THP_TOK_DOCUMENT");
_Static_assert(THP_TOK_AUX == FTS5_TOKENIZE_AUX, "THP_TOK_AUX");
_Static_assert(THP_TOK_COLOCATED == FTS5_TOKEN_COLOCATED, "THP_TOK_COLOCATED");

/*
** Stems of recent words, per language: word frequencies are Zipfian, so a
** small direct-mapped cache saves most Snowball calls. Documents only
** (queries are short); allocated on first use, uncached if that fails.
*/
#define CACHE_SLOTS 8192 /* a power of two; 384 KiB a language */
#define CACHE_WORD  23   /* longest stemmer input and stem cached */

struct stem_slot {
    unsigned char nkey;  /* 0: empty */
    unsigned char nstem;
    char key[CACHE_WORD];
    char stem[CACHE_WORD];
};

struct lang {
    char code[4];            /* "en", "por"; "" for none */
    struct sb_stemmer *sb;   /* NULL: no stemming */
    struct stem_slot *cache; /* CACHE_SLOTS, or NULL */
    int cache_failed;        /* do not try to allocate it again */
};

/*
** What a connection tells its tokenizers (thp_tok_query_langs): the
** languages whose stems a query looks for, as codes "en nl"; "" all.
** Changed only by the thread that uses the connection.
*/
struct tokctx {
    char langs[64];
    unsigned gen;            /* bumped on every change */
};

/* One tokenizer instance: the languages of tokenize='thp ...'. */
struct tokenizer {
    int nlang;
    int def; /* index of the default document language */
    struct lang lang[THP_TOK_MAXLANG];
    struct tokctx *ctx;      /* the connection's, or NULL */
    unsigned ctx_gen;        /* ctx->gen when qmask was computed */
    unsigned qmask;          /* query stems: bit i for language i */
};

enum { M_DOC, M_AUX, M_EXACT, M_STEM };              /* how to tokenize */
enum { C_SEP, C_WORD, C_CJK };                       /* character class */
enum { FOLD_EXACT, FOLD_STEMIN, FOLD_STEMIN_TR };    /* how to fold */

/* One call of tokenize(): the text and where tokens go. */
struct run {
    struct tokenizer *t;
    void *ctx;
    thp_tok_fn cb;
    const char *s;
    size_t n;
    int mode;
    int lang;       /* M_DOC: language index of the text, -1: no stems */
    unsigned qmask; /* M_STEM: bit i set: look for stems of language i */
};

/* ------------------------------------------------------------------ */
/* Characters                                                          */
/* ------------------------------------------------------------------ */

/*
** Decode one strictly valid UTF-8 sequence at s[0..n) (n >= 1): returns
** its length and stores the code point, or 0 (overlong forms, surrogates
** and values past U+10FFFF are invalid too).
*/
static size_t decode(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned c = s[0], v;
    size_t k, i;

    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        k = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        k = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (n < k)
        return 0;
    for (i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((k == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
        (k == 4 && (v < 0x10000 || v > 0x10FFFF)))
        return 0;
    *cp = (int32_t)v;
    return k;
}

static int is_alnum_ascii(unsigned c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Letters, marks and numbers: categories Lu..No are 1..11 in utf8proc. */
static int is_word_cat(int32_t cp)
{
    utf8proc_category_t cat = utf8proc_category(cp);

    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

static int is_letter(int32_t cp)
{
    utf8proc_category_t cat = utf8proc_category(cp);

    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/* Han, hiragana and katakana blocks (word categories only, see below). */
static int in_cjk_block(int32_t cp)
{
    return (cp >= 0x3005 && cp <= 0x3007) || (cp >= 0x3040 && cp <= 0x30FF) ||
           (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFF66 && cp <= 0xFF9F) || (cp >= 0x20000 && cp <= 0x323AF);
}

/*
** Class of a non-ASCII code point. The kana middle dot separates, and so
** does U+02BC, a letter by category but typed as an apostrophe: l'asile
** must tokenize alike whichever apostrophe it was written with.
*/
static int char_class(int32_t cp)
{
    if (cp == 0x02BC || !is_word_cat(cp))
        return C_SEP;
    return in_cjk_block(cp) ? C_CJK : C_WORD;
}

/* 1 if a word or CJK character starts at s[i] (i < n). */
static int word_at(const char *s, size_t n, size_t i)
{
    int32_t cp;
    size_t k;

    if ((unsigned char)s[i] < 0x80)
        return is_alnum_ascii((unsigned char)s[i]);
    k = decode((const unsigned char *)s + i, n - i, &cp);
    return k > 0 && char_class(cp) != C_SEP;
}

/* Length of an apostrophe (' U+2019 U+02BC) at s[i], or 0. */
static size_t apostrophe_at(const char *s, size_t n, size_t i)
{
    const unsigned char *u = (const unsigned char *)s + i;

    if (i < n && u[0] == '\'')
        return 1;
    if (n - i >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x99)
        return 3;
    if (n - i >= 2 && u[0] == 0xCA && u[1] == 0xBC)
        return 2;
    return 0;
}

/* Generic combining diacritics, Hebrew points and Arabic harakat. */
static int is_diacritic(int32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0x0591 && cp <= 0x05BD) ||
           cp == 0x05BF || cp == 0x05C1 || cp == 0x05C2 || cp == 0x05C4 ||
           cp == 0x05C5 || cp == 0x05C7 || (cp >= 0x064B && cp <= 0x065F);
}

/*
** Letters that do not decompose but that people type without their
** stroke or ligature (after case folding). Writes 1 or 2 code points to
** out and returns how many, or 0 if cp is not one of them.
*/
static int letter_map(int32_t cp, int32_t out[2])
{
    switch (cp) {
    case 0x0131: out[0] = 'i'; return 1; /* ı */
    case 0x00F8: out[0] = 'o'; return 1; /* ø */
    case 0x0142: out[0] = 'l'; return 1; /* ł */
    case 0x0111: out[0] = 'd'; return 1; /* đ */
    case 0x0127: out[0] = 'h'; return 1; /* ħ */
    case 0x0167: out[0] = 't'; return 1; /* ŧ */
    case 0x00E6: out[0] = 'a'; out[1] = 'e'; return 2; /* æ */
    case 0x0153: out[0] = 'o'; out[1] = 'e'; return 2; /* œ */
    default: return 0;
    }
}

/* Turkish lower-casing before case folding: I -> ı, İ -> i. */
static utf8proc_int32_t tr_lower(utf8proc_int32_t cp, void *data)
{
    (void)data;
    if (cp == 'I')
        return 0x0131;
    if (cp == 0x0130)
        return 'i';
    return cp;
}

/* ------------------------------------------------------------------ */
/* Folding                                                             */
/* ------------------------------------------------------------------ */

/* The non-ASCII path of fold(). */
static size_t fold_unicode(const char *w, size_t n, int how, char *out,
                           int *trunc)
{
    utf8proc_int32_t u[U32_CAP], v[FOLD_CAP];
    utf8proc_ssize_t m, j, k = 0;
    utf8proc_option_t opts =
        UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_COMPAT;
    size_t take = n, o = 0;

    if (take > WORD_READ) {
        take = WORD_READ;
        while (take > 0 && ((unsigned char)w[take] & 0xC0) == 0x80)
            take--;
        *trunc = 1;
    }
    m = utf8proc_decompose_custom((const utf8proc_uint8_t *)w,
                                  (utf8proc_ssize_t)take, u, U32_CAP, opts,
                                  how == FOLD_STEMIN_TR ? tr_lower : NULL,
                                  NULL);
    if (m < 0 || m > U32_CAP)
        return 0;
    for (j = 0; j < m; j++) {
        int32_t rep[2];
        int nrep = 0, r;

        if (how == FOLD_EXACT) {
            if (is_diacritic(u[j]))
                continue;
            nrep = letter_map(u[j], rep);
        }
        if (nrep == 0) {
            if (!is_word_cat(u[j]))
                continue;
            rep[0] = u[j];
            nrep = 1;
        }
        for (r = 0; r < nrep; r++) {
            if (k == FOLD_CAP) {
                *trunc = 1;
                break;
            }
            v[k++] = rep[r];
        }
    }
    k = utf8proc_normalize_utf32(v, k, UTF8PROC_COMPOSE);
    if (k < 0)
        return 0;
    for (j = 0; j < k; j++) {
        utf8proc_uint8_t b[4];
        utf8proc_ssize_t len = utf8proc_encode_char(v[j], b);

        if (o + (size_t)len > MAXLEN) {
            *trunc = 1;
            break;
        }
        memcpy(out + o, b, (size_t)len);
        o += (size_t)len;
    }
    return o;
}

/*
** Fold the word w[0..n) into out (MAXLEN bytes) as how says; returns the
** length and sets *trunc when the word did not fit. ascii says w is all
** ASCII, which takes the fast path (except for Turkish stemmer input,
** where I is ı).
*/
static size_t fold(const char *w, size_t n, int ascii, int how, char *out,
                   int *trunc)
{
    size_t i, m;

    *trunc = 0;
    if (!ascii || how == FOLD_STEMIN_TR)
        return fold_unicode(w, n, how, out, trunc);
    m = n;
    if (m > MAXLEN) {
        m = MAXLEN;
        *trunc = 1;
    }
    for (i = 0; i < m; i++) {
        unsigned char c = (unsigned char)w[i];

        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return m;
}

/* ------------------------------------------------------------------ */
/* Stemming                                                            */
/* ------------------------------------------------------------------ */

/* A folded form worth stemming: 3+ bytes, no ASCII digit, not cut. */
static int stemmable(const char *w, size_t n, int trunc)
{
    size_t i;

    if (n < 3 || trunc)
        return 0;
    for (i = 0; i < n; i++)
        if (w[i] >= '0' && w[i] <= '9')
            return 0;
    return 1;
}

/*
** Stem in[0..nin) (the stemmer's input form) with language li and fold
** the result into out (MAXLEN bytes). Returns its length, or -1 when the
** stemmer ran out of memory.
*/
static int stem_uncached(struct tokenizer *t, int li, const char *in,
                         size_t nin, char *out)
{
    const sb_symbol *p;
    int m, i, ascii = 1, trunc;

    p = sb_stemmer_stem(t->lang[li].sb, (const sb_symbol *)in, (int)nin);
    if (p == NULL)
        return -1;
    m = sb_stemmer_length(t->lang[li].sb);
    for (i = 0; i < m; i++)
        if (p[i] >= 0x80)
            ascii = 0;
    return (int)fold((const char *)p, (size_t)m, ascii, FOLD_EXACT, out,
                     &trunc);
}

/* As stem_uncached(), through the language's cache if use_cache. */
static int stem_raw(struct tokenizer *t, int li, const char *in, size_t nin,
                    char *out, int use_cache)
{
    struct lang *l = &t->lang[li];
    struct stem_slot *slot;
    uint32_t h = 2166136261u;
    size_t i;
    int ns;

    if (!use_cache)
        return stem_uncached(t, li, in, nin, out);
    if (l->cache == NULL && !l->cache_failed && nin <= CACHE_WORD) {
        l->cache = thp_calloc(CACHE_SLOTS, sizeof *l->cache);
        l->cache_failed = l->cache == NULL;
    }
    if (l->cache == NULL || nin > CACHE_WORD)
        return stem_uncached(t, li, in, nin, out);
    for (i = 0; i < nin; i++)
        h = (h ^ (unsigned char)in[i]) * 16777619u;
    slot = &l->cache[h & (CACHE_SLOTS - 1)];
    if (slot->nkey == nin && memcmp(slot->key, in, nin) == 0) {
        memcpy(out, slot->stem, slot->nstem);
        return slot->nstem;
    }
    ns = stem_uncached(t, li, in, nin, out);
    if (ns > 0 && ns <= CACHE_WORD) {
        slot->nkey = (unsigned char)nin;
        slot->nstem = (unsigned char)ns;
        memcpy(slot->key, in, nin);
        memcpy(slot->stem, out, (size_t)ns);
    }
    return ns;
}

/*
** The folded stem of word w[0..n) (ascii: all ASCII) whose exact form is
** exact[0..ne), stemmable, in language li; into out. Returns its length
** (0: no stem), or -1 for out of memory. Documents use the cache.
*/
static int stem_word(struct tokenizer *t, int li, const char *w, size_t n,
                     int ascii, const char *exact, size_t ne, char *out,
                     int use_cache)
{
    char in[MAXLEN];
    size_t nin;
    int tr = strcmp(t->lang[li].code, "tr") == 0, trunc;

    if (t->lang[li].sb == NULL)
        return 0;
    if (ascii && !(tr && memchr(w, 'I', n)))
        return stem_raw(t, li, exact, ne, out, use_cache);
    nin = fold(w, n, ascii, tr ? FOLD_STEMIN_TR : FOLD_STEMIN, in, &trunc);
    if (nin == 0 || trunc)
        return 0;
    return stem_raw(t, li, in, nin, out, use_cache);
}

/* Write the stem token "~" code ":" stem into out; returns its length. */
static size_t stem_token(const struct tokenizer *t, int li, const char *stem,
                         size_t ns, char *out)
{
    size_t nc = strlen(t->lang[li].code);

    out[0] = '~';
    memcpy(out + 1, t->lang[li].code, nc);
    out[1 + nc] = ':';
    memcpy(out + 2 + nc, stem, ns);
    return 2 + nc + ns;
}

/* ------------------------------------------------------------------ */
/* Emitting tokens                                                     */
/* ------------------------------------------------------------------ */

/* A query word's alternatives, deduplicated. */
struct alts {
    int n;
    size_t len[MAXALT];
    char tok[MAXALT][STEM_TOK];
};

static void alt_add(struct alts *a, const char *tok, size_t len)
{
    int i;

    for (i = 0; i < a->n; i++)
        if (a->len[i] == len && memcmp(a->tok[i], tok, len) == 0)
            return;
    if (a->n == MAXALT)
        return;
    memcpy(a->tok[a->n], tok, len);
    a->len[a->n++] = len;
}

/*
** Stem-mode query word: its exact form, then the stem token of each
** query language, all at one position.
*/
static int emit_any_form(struct run *r, const char *w, size_t n, int ascii,
                         const char *exact, size_t ne, int trunc, int start,
                         int end)
{
    struct alts a;
    int li, i, rc;

    a.n = 0;
    alt_add(&a, exact, ne);
    for (li = 0; li < r->t->nlang && stemmable(exact, ne, trunc); li++) {
        char stem[MAXLEN], tok[STEM_TOK];
        int ns;

        if (!(r->qmask & (1u << li)) || r->t->lang[li].sb == NULL)
            continue;
        ns = stem_word(r->t, li, w, n, ascii, exact, ne, stem, 0);
        if (ns < 0)
            return SQLITE_NOMEM;
        if (ns > 0)
            alt_add(&a, tok, stem_token(r->t, li, stem, (size_t)ns, tok));
    }
    for (i = 0; i < a.n; i++) {
        rc = r->cb(r->ctx, i ? THP_TOK_COLOCATED : 0, a.tok[i], (int)a.len[i],
                   start, end);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

/*
** Emit the word w[0..n) found at input bytes [start, end), with suffix
** ("++", "#" or NULL) after its folded form.
*/
static int emit_word(struct run *r, const char *w, size_t n, int ascii,
                     const char *suffix, int start, int end)
{
    char exact[MAXLEN + 2], stem[MAXLEN], tok[STEM_TOK];
    size_t ne;
    int trunc, rc, ns;

    ne = fold(w, n, ascii, FOLD_EXACT, exact, &trunc);
    if (ne == 0)
        return SQLITE_OK;
    if (suffix) {
        memcpy(exact + ne, suffix, strlen(suffix));
        ne += strlen(suffix);
        trunc = 1; /* never stemmed */
    }
    if (r->mode == M_STEM)
        return emit_any_form(r, w, n, ascii, exact, ne, trunc, start, end);
    rc = r->cb(r->ctx, 0, exact, (int)ne, start, end);
    if (rc != SQLITE_OK || r->mode != M_DOC || r->lang < 0 ||
        !stemmable(exact, ne, trunc))
        return rc;
    ns = stem_word(r->t, r->lang, w, n, ascii, exact, ne, stem, 1);
    if (ns < 0)
        return SQLITE_NOMEM;
    if (ns == 0)
        return SQLITE_OK;
    return r->cb(r->ctx, THP_TOK_COLOCATED, tok,
                 (int)stem_token(r->t, r->lang, stem, (size_t)ns, tok), start,
                 end);
}

/* ------------------------------------------------------------------ */
/* Segmentation                                                        */
/* ------------------------------------------------------------------ */

/* End of the run of word characters from s[i]; clears *ascii on others. */
static size_t word_end(const char *s, size_t n, size_t i, int *ascii)
{
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        int32_t cp;
        size_t k;

        if (c < 0x80) {
            if (!is_alnum_ascii(c))
                break;
            i++;
            continue;
        }
        k = decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0 || char_class(cp) != C_WORD)
            break;
        *ascii = 0;
        i += k;
    }
    return i;
}

/* Length of a single letter at s[i] that no word character follows. */
static size_t lone_letter(const char *s, size_t n, size_t i)
{
    int32_t cp;
    size_t k;

    if (i >= n)
        return 0;
    k = decode((const unsigned char *)s + i, n - i, &cp);
    if (k == 0 || !is_letter(cp) || in_cjk_block(cp))
        return 0;
    if (i + k < n && word_at(s, n, i + k))
        return 0;
    return k;
}

/*
** A U.S.-style acronym at [start, e), where the word is one letter: two or
** more lone letters joined by dots. On success copies the letters to buf,
** sets *blen, *end (past a final dot) and returns 1.
*/
static int acronym(const char *s, size_t n, size_t start, size_t e,
                   char *buf, size_t *blen, size_t *end)
{
    size_t pos = e, len, count = 1;

    if (e >= n || s[e] != '.' || e - start > 4 ||
        lone_letter(s, n, start) != e - start)
        return 0;
    memcpy(buf, s + start, e - start);
    len = e - start;
    while (pos < n && s[pos] == '.' && count < ACRO_MAX) {
        size_t k = lone_letter(s, n, pos + 1);

        if (k == 0)
            break;
        memcpy(buf + len, s + pos + 1, k);
        len += k;
        count++;
        pos += 1 + k;
    }
    if (count < 2)
        return 0;
    *blen = len;
    *end = pos < n && s[pos] == '.' ? pos + 1 : pos;
    return 1;
}

/* One word from s[*pi] (a word character); advances *pi past it. */
static int word(struct run *r, size_t *pi)
{
    const char *s = r->s;
    size_t n = r->n, start = *pi, e, alen, end;
    char buf[ACRO_MAX * 4];
    size_t blen, i;
    int ascii = 1;
    const char *suffix = NULL;

    e = word_end(s, n, start, &ascii);
    if (acronym(s, n, start, e, buf, &blen, &end)) {
        *pi = end;
        for (i = 0; i < blen; i++)
            if ((unsigned char)buf[i] >= 0x80)
                ascii = 0;
        return emit_word(r, buf, blen, ascii, NULL, (int)start, (int)end);
    }
    end = e;
    *pi = e;
    alen = apostrophe_at(s, n, e);
    if (alen && e + alen < n && (s[e + alen] | 0x20) == 's' &&
        (e + alen + 1 == n || !word_at(s, n, e + alen + 1))) {
        *pi = e + alen + 1; /* possessive 's: no token */
    } else if ((unsigned char)s[e - 1] < 0x80 &&
               !(s[e - 1] >= '0' && s[e - 1] <= '9')) {
        if (n - e >= 2 && s[e] == '+' && s[e + 1] == '+' &&
            (e + 2 == n || (s[e + 2] != '+' && !word_at(s, n, e + 2)))) {
            suffix = "++";
            end = *pi = e + 2;
        } else if (e < n && s[e] == '#' &&
                   (e + 1 == n || !word_at(s, n, e + 1))) {
            suffix = "#";
            end = *pi = e + 1;
        }
    }
    return emit_word(r, s + start, e - start, ascii, suffix, (int)start,
                     (int)end);
}

/* One folded CJK character. */
struct unit {
    char b[16];
    size_t n;
    int start, end;
};

/*
** A run of CJK characters from s[*pi]: overlapping bigrams, and in
** documents each character also as a colocated unigram; a lone character
** is a unigram.
*/
static int cjk_run(struct run *r, size_t *pi)
{
    struct unit u[2];
    size_t i = *pi, count = 0;
    char tok[sizeof u[0].b * 2];
    int rc = SQLITE_OK, cur = 0, doc = r->mode == M_DOC;

    while (i < r->n && rc == SQLITE_OK) {
        char f[MAXLEN];
        int32_t cp;
        int trunc;
        size_t k = decode((const unsigned char *)r->s + i, r->n - i, &cp), nf;
        struct unit *p = &u[!cur], *c = &u[cur];

        if (k == 0 || char_class(cp) != C_CJK)
            break;
        nf = fold(r->s + i, k, 0, FOLD_EXACT, f, &trunc);
        c->start = (int)i;
        c->end = (int)(i + k);
        i += k;
        if (nf == 0 || nf > sizeof c->b)
            continue;
        memcpy(c->b, f, nf);
        c->n = nf;
        if (count++ > 0) {
            memcpy(tok, p->b, p->n);
            memcpy(tok + p->n, c->b, c->n);
            rc = r->cb(r->ctx, 0, tok, (int)(p->n + c->n), p->start, c->end);
            if (rc == SQLITE_OK && doc)
                rc = r->cb(r->ctx, THP_TOK_COLOCATED, p->b, (int)p->n,
                           p->start, p->end);
        }
        cur = !cur;
    }
    *pi = i;
    if (rc == SQLITE_OK && (count == 1 || (count > 1 && doc))) {
        const struct unit *last = &u[!cur];

        rc = r->cb(r->ctx, count == 1 ? 0 : THP_TOK_COLOCATED, last->b,
                   (int)last->n, last->start, last->end);
    }
    return rc;
}

/* Whether code is one of the space-separated codes in list. */
static int in_list(const char *list, const char *code)
{
    size_t n = strlen(code);

    while (*list) {
        size_t k = strcspn(list, " ,");

        if (k == n && memcmp(list, code, n) == 0)
            return 1;
        list += k;
        list += strspn(list, " ,");
    }
    return 0;
}

/*
** The languages whose stems queries look for: those the connection named
** (thp_tok_query_langs), always with the default language (a document of
** no known language is stemmed in it); all when it named none.
*/
static unsigned query_mask(struct tokenizer *t)
{
    int i;

    if (t->ctx_gen != t->ctx->gen) {
        t->ctx_gen = t->ctx->gen;
        t->qmask = (1u << t->nlang) - 1;
        if (t->ctx->langs[0]) {
            t->qmask = 1u << t->def;
            for (i = 0; i < t->nlang; i++)
                if (in_list(t->ctx->langs, t->lang[i].code))
                    t->qmask |= 1u << i;
        }
    }
    return t->qmask;
}

/* Index of the language code s[0..n) in t, or -1. */
static int find_lang(const struct tokenizer *t, const char *s, size_t n)
{
    int i;

    for (i = 0; i < t->nlang; i++)
        if (strlen(t->lang[i].code) == n && memcmp(t->lang[i].code, s, n) == 0)
            return i;
    return -1;
}

size_t thp_tok_tag_len(const char *s, size_t n)
{
    size_t i;

    if (n < 6 || memcmp(s, THP_TOK_TAG_OPEN, 3) != 0)
        return 0;
    for (i = 3; i <= 6 && i + 3 <= n; i++) {
        if (memcmp(s + i, THP_TOK_TAG_CLOSE, 3) == 0)
            return i + 3;
        if (s[i] < 'a' || s[i] > 'z')
            return 0;
    }
    return 0;
}

/* Tokenize s[0..n) for FTS5 flags, sending tokens to cb(ctx, ...). */
static int tokenize(struct tokenizer *t, void *ctx, int flags, const char *s,
                    size_t n, thp_tok_fn cb)
{
    struct run r;
    size_t i = 0, tag;
    int rc = SQLITE_OK;

    if (s == NULL || n > INT_MAX)
        return SQLITE_OK;
    memset(&r, 0, sizeof r);
    r.t = t;
    r.ctx = ctx;
    r.cb = cb;
    r.s = s;
    r.n = n;
    r.lang = t->def;
    r.qmask = (1u << t->nlang) - 1;
    if (t->ctx && (flags & FTS5_TOKENIZE_QUERY))
        r.qmask = query_mask(t);
    if (flags & FTS5_TOKENIZE_QUERY) {
        r.mode = M_EXACT;
        if (n > 0 && s[0] == THP_TOK_STEM_MARK[0]) {
            i = 1;
            if (!(flags & FTS5_TOKENIZE_PREFIX))
                r.mode = M_STEM;
        }
    } else {
        r.mode = flags & FTS5_TOKENIZE_AUX ? M_AUX : M_DOC;
    }
    tag = thp_tok_tag_len(s + i, n - i);
    if (tag) {
        r.lang = tag == 6 ? t->def : find_lang(t, s + i + 3, tag - 6);
        r.qmask = r.lang < 0 ? 0 : 1u << r.lang;
        i += tag;
    }
    while (i < n && rc == SQLITE_OK) {
        unsigned char c = (unsigned char)s[i];
        int32_t cp;
        size_t k;
        int cls;

        if (c < 0x80) {
            if (is_alnum_ascii(c))
                rc = word(&r, &i);
            else
                i++;
            continue;
        }
        k = decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0) {
            i++; /* a bad byte separates */
            continue;
        }
        cls = char_class(cp);
        if (cls == C_SEP)
            i += k;
        else if (cls == C_CJK)
            rc = cjk_run(&r, &i);
        else
            rc = word(&r, &i);
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Tokenizer instances and registration                                */
/* ------------------------------------------------------------------ */

static void tokenizer_free(struct tokenizer *t)
{
    int i;

    if (t == NULL)
        return;
    for (i = 0; i < t->nlang; i++) {
        if (t->lang[i].sb)
            sb_stemmer_delete(t->lang[i].sb);
        thp_free(t->lang[i].cache);
    }
    thp_free(t);
}

/*
** Add language code s[0..n) (2-3 lowercase letters, or "none") to t, once.
** Returns its index, or -1 (bad code, no stemmer, too many languages).
*/
static int add_lang(struct tokenizer *t, const char *s, size_t n)
{
    struct lang *l;
    size_t i;
    int at;

    if (n == 4 && memcmp(s, "none", 4) == 0)
        n = 0;
    at = find_lang(t, s, n);
    if (at >= 0)
        return at;
    if (n == 1 || n > 3 || t->nlang == THP_TOK_MAXLANG)
        return -1;
    for (i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return -1;
    l = &t->lang[t->nlang];
    memcpy(l->code, s, n);
    l->code[n] = '\0';
    l->sb = NULL;
    l->cache = NULL;
    l->cache_failed = 0;
    if (n > 0) {
        l->sb = sb_stemmer_new(l->code, "UTF_8");
        if (l->sb == NULL)
            return -1;
    }
    return t->nlang++;
}

/* Add every code of the list s (spaces or commas); -1 on a bad one. */
static int add_list(struct tokenizer *t, const char *s, int *first)
{
    while (*s) {
        size_t k = strcspn(s, " ,");
        int at;

        if (k > 0) {
            at = add_lang(t, s, k);
            if (at < 0)
                return -1;
            if (*first < 0)
                *first = at;
        }
        s += k;
        if (*s)
            s++;
    }
    return 0;
}

/*
** Build a tokenizer from FTS5 arguments: lang XX, langs XX YY ... Returns
** THP_OK, THP_ERR_NOMEM or THP_ERR_MISUSE.
*/
static int tokenizer_new(const char **argv, int argc, struct tokenizer **out)
{
    struct tokenizer *t = thp_calloc(1, sizeof *t);
    int i, mode = 0, def = -1, any = -1;

    *out = NULL;
    if (t == NULL)
        return THP_ERR_NOMEM;
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "lang") == 0) {
            mode = 1;
        } else if (strcmp(argv[i], "langs") == 0) {
            mode = 2;
        } else if (mode == 0 ||
                   add_list(t, argv[i], mode == 1 ? &def : &any) < 0) {
            tokenizer_free(t);
            return THP_ERR_MISUSE;
        } else if (mode == 1) {
            mode = 0; /* lang takes one code */
        }
    }
    if (def < 0 && mode != 1)
        def = add_lang(t, "en", 2);
    if (def < 0) { /* also "lang" without a code */
        tokenizer_free(t);
        return THP_ERR_MISUSE;
    }
    t->def = def;
    *out = t;
    return THP_OK;
}

static int fts_create(void *ctx, const char **argv, int argc,
                      Fts5Tokenizer **out)
{
    struct tokenizer *t;
    int rc = tokenizer_new(argv, argc, &t);

    if (t) {
        t->ctx = ctx;
        t->ctx_gen = ~0u;
    }
    *out = (Fts5Tokenizer *)t;
    if (rc == THP_ERR_NOMEM)
        return SQLITE_NOMEM;
    return rc == THP_OK ? SQLITE_OK : SQLITE_ERROR;
}

static void fts_delete(Fts5Tokenizer *t)
{
    tokenizer_free((struct tokenizer *)t);
}

static int fts_tokenize(Fts5Tokenizer *t, void *ctx, int flags,
                        const char *s, int n,
                        int (*token)(void *, int, const char *, int, int,
                                     int))
{
    return tokenize((struct tokenizer *)t, ctx, flags, s,
                    n > 0 ? (size_t)n : 0, token);
}

fts5_api *thp_tok_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) !=
        SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api && api->iVersion >= 2 ? api : NULL;
}

int thp_tok_register(sqlite3 *db, struct thp_err *err)
{
    fts5_tokenizer tok = {fts_create, fts_delete, fts_tokenize};
    fts5_api *api = thp_tok_fts5_api(db);
    struct tokctx *ctx;

    if (api == NULL)
        return thp_err_set(err, THP_ERR_DB, "registering the thp tokenizer:"
                           " this SQLite has no FTS5");
    if ((ctx = thp_calloc(1, sizeof *ctx)) == NULL)
        return thp_err_set(err, THP_ERR_NOMEM, "registering the thp "
                           "tokenizer: out of memory");
    /* FTS5 frees ctx with the connection (or now, if this fails) */
    if (api->xCreateTokenizer(api, THP_TOK_NAME, ctx, &tok, thp_free) !=
        SQLITE_OK)
        return thp_err_set(err, THP_ERR_DB,
                           "registering the thp tokenizer: %s",
                           sqlite3_errmsg(db));
    return THP_OK;
}

int thp_tok_query_langs(sqlite3 *db, const char *langs)
{
    fts5_api *api = thp_tok_fts5_api(db);
    fts5_tokenizer tok;
    void *ud = NULL;
    struct tokctx *ctx;

    if (api == NULL ||
        api->xFindTokenizer(api, THP_TOK_NAME, &ud, &tok) != SQLITE_OK ||
        ud == NULL)
        return THP_ERR_MISUSE;
    ctx = ud;
    if (langs == NULL)
        langs = "";
    if (strlen(langs) >= sizeof ctx->langs)
        langs = "";             /* too many to be worth it: all */
    if (strcmp(ctx->langs, langs) != 0) {
        strcpy(ctx->langs, langs);
        ctx->gen++;
    }
    return THP_OK;
}

/* thp_tok_each's context: the caller's callback and what it returned. */
struct each {
    thp_tok_fn cb;
    void *arg;
    int rc;
};

static int each_token(void *ctx, int tflags, const char *tok, int n,
                      int start, int end)
{
    struct each *x = ctx;

    x->rc = x->cb(x->arg, tflags, tok, n, start, end);
    return x->rc;
}

int thp_tok_each(const char *langs, const char *s, size_t n, int flags,
                 thp_tok_fn cb, void *arg)
{
    struct tokenizer *t = thp_calloc(1, sizeof *t);
    struct each x;
    int def = -1, rc;

    if (t == NULL)
        return THP_ERR_NOMEM;
    if (n > INT_MAX) {
        tokenizer_free(t);
        return THP_ERR_TOOBIG;
    }
    if (add_list(t, langs && *langs ? langs : "en", &def) < 0 || def < 0) {
        tokenizer_free(t);
        return THP_ERR_MISUSE;
    }
    t->def = def;
    x.cb = cb;
    x.arg = arg;
    x.rc = 0;
    rc = tokenize(t, &x, flags, s, n, each_token);
    tokenizer_free(t);
    if (x.rc != 0)
        return x.rc;
    return rc == SQLITE_OK ? THP_OK : THP_ERR_NOMEM;
}

struct thp_tokenizer {
    struct tokenizer *t;
};

int thp_tok_new(const char *langs, thp_tokenizer **out)
{
    thp_tokenizer *h = thp_calloc(1, sizeof *h);
    int def = -1;

    *out = NULL;
    if (h == NULL || (h->t = thp_calloc(1, sizeof *h->t)) == NULL) {
        thp_free(h);
        return THP_ERR_NOMEM;
    }
    if (add_list(h->t, langs && *langs ? langs : "en", &def) < 0 ||
        def < 0) {
        thp_tok_free(h);
        return THP_ERR_MISUSE;
    }
    h->t->def = def;
    *out = h;
    return THP_OK;
}

int thp_tok_run(thp_tokenizer *h, const char *s, size_t n, int flags,
                thp_tok_fn cb, void *arg)
{
    struct each x;
    int rc;

    if (n > INT_MAX)
        return THP_ERR_TOOBIG;
    x.cb = cb;
    x.arg = arg;
    x.rc = 0;
    rc = tokenize(h->t, &x, flags, s, n, each_token);
    if (x.rc != 0)
        return x.rc;
    return rc == SQLITE_OK ? THP_OK : THP_ERR_NOMEM;
}

void thp_tok_free(thp_tokenizer *h)
{
    if (h == NULL)
        return;
    if (h->t)
        tokenizer_free(h->t);
    thp_free(h);
}

/* ------------------------------------------------------------------ */
/* Stop words                                                          */
/* ------------------------------------------------------------------ */

/* Snowball's stop lists (Turkish: a common list), folded, in byte order. */
static const char *const stop_de[] = {
    "aber", "alle", "allem", "allen", "aller", "alles", "als", "also", "am",
    "an", "andere", "anderen", "auch", "auf", "aus", "bei", "bin", "bis",
    "bist", "da", "damit", "dann", "das", "dass", "dein", "deine", "dem",
    "den", "der", "des", "dich", "die", "dies", "diese", "diesem", "diesen",
    "dieser", "dieses", "dir", "doch", "dort", "du", "durch", "ein", "eine",
    "einem", "einen", "einer", "eines", "er", "es", "etwas", "euer", "eure",
    "fur", "gegen", "gewesen", "hab", "habe", "haben", "hat", "hatte",
    "hatten", "hier", "hin", "hinter", "ich", "ihm", "ihn", "ihnen", "ihr",
    "ihre", "ihrem", "ihren", "ihrer", "ihres", "im", "in", "indem", "ins",
    "ist", "jede", "jedem", "jeden", "jeder", "jedes", "jetzt", "kann", "kein",
    "keine", "keinem", "keinen", "keiner", "man", "manche", "mein", "meine",
    "meinem", "meinen", "meiner", "mich", "mir", "mit", "muss", "musste",
    "nach", "nicht", "nichts", "noch", "nun", "nur", "ob", "oder", "ohne",
    "sehr", "sein", "seine", "seinem", "seinen", "seiner", "selbst", "sich",
    "sie", "sind", "so", "solche", "soll", "sollte", "sondern", "sonst",
    "uber", "um", "und", "uns", "unser", "unsere", "unter", "viel", "vom",
    "von", "vor", "war", "waren", "was", "weil", "welche", "welchem",
    "welchen", "welcher", "welches", "wenn", "werde", "werden", "wie",
    "wieder", "will", "wir", "wird", "wo", "wollen", "wollte", "wurde",
    "wurden", "zu", "zum", "zur", "zwar", "zwischen",
};
static const char *const stop_en[] = {
    "a", "about", "above", "after", "again", "against", "all", "am", "an",
    "and", "any", "are", "as", "at", "be", "because", "been", "before",
    "being", "below", "between", "both", "but", "by", "can", "could", "did",
    "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no",
    "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other",
    "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "she",
    "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
    "them", "themselves", "then", "there", "these", "they", "this", "those",
    "through", "to", "too", "under", "until", "up", "very", "was", "we",
    "were", "what", "when", "where", "which", "while", "who", "whom", "why",
    "will", "with", "would", "you", "your", "yours", "yourself", "yourselves",
};
static const char *const stop_es[] = {
    "a", "al", "algo", "algunas", "algunos", "ante", "antes", "como", "con",
    "contra", "cual", "cuando", "de", "del", "desde", "donde", "durante", "e",
    "el", "ella", "ellas", "ellos", "en", "entre", "era", "es", "esa", "esas",
    "ese", "eso", "esos", "esta", "estaba", "estado", "estan", "estar",
    "estas", "este", "esto", "estos", "fue", "fueron", "ha", "han", "hasta",
    "hay", "la", "las", "le", "les", "lo", "los", "mas", "me", "mi", "mis",
    "mucho", "muchos", "muy", "nada", "ni", "no", "nos", "nosotras",
    "nosotros", "nuestra", "nuestras", "nuestro", "nuestros", "o", "os",
    "otra", "otras", "otro", "otros", "para", "pero", "poco", "por", "porque",
    "que", "quien", "quienes", "se", "sea", "ser", "si", "sin", "sobre", "son",
    "su", "sus", "tambien", "tanto", "te", "tiene", "tienen", "todo", "todos",
    "tu", "tus", "un", "una", "uno", "unos", "vosotras", "vosotros", "y", "ya",
    "yo",
};
static const char *const stop_fr[] = {
    "a", "ai", "au", "aux", "avait", "avec", "c", "ce", "ces", "cette", "d",
    "dans", "de", "des", "du", "elle", "elles", "en", "est", "et", "ete",
    "etre", "eux", "il", "ils", "j", "je", "l", "la", "le", "les", "leur",
    "leurs", "lui", "m", "ma", "mais", "me", "meme", "mes", "moi", "mon", "n",
    "ne", "nos", "notre", "nous", "on", "ont", "ou", "par", "pas", "pour",
    "qu", "que", "qui", "s", "sa", "se", "ses", "son", "sont", "sur", "t",
    "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous",
    "y",
};
static const char *const stop_nl[] = {
    "aan", "al", "alles", "als", "altijd", "andere", "ben", "bij", "daar",
    "dan", "dat", "de", "der", "deze", "die", "dit", "doch", "doen", "door",
    "dus", "een", "eens", "en", "er", "ge", "geen", "geweest", "haar", "had",
    "heb", "hebben", "heeft", "hem", "het", "hier", "hij", "hoe", "hun",
    "iemand", "iets", "ik", "in", "is", "ja", "je", "kan", "kon", "kunnen",
    "maar", "me", "meer", "men", "met", "mij", "mijn", "moet", "na", "naar",
    "niet", "niets", "nog", "nu", "of", "om", "omdat", "onder", "ons", "ook",
    "op", "over", "reeds", "te", "tegen", "toch", "toen", "tot", "u", "uit",
    "uw", "van", "veel", "voor", "want", "waren", "was", "wat", "werd",
    "wezen", "wie", "wil", "worden", "wordt", "zal", "ze", "zelf", "zich",
    "zij", "zijn", "zo", "zonder", "zou",
};
static const char *const stop_pt[] = {
    "a", "ao", "aos", "aquela", "aquelas", "aquele", "aqueles", "aquilo", "as",
    "ate", "com", "como", "da", "das", "de", "dela", "delas", "dele", "deles",
    "depois", "do", "dos", "e", "ela", "elas", "ele", "eles", "em", "entre",
    "era", "eram", "essa", "essas", "esse", "esses", "esta", "estao", "estas",
    "este", "estes", "eu", "foi", "foram", "ha", "isso", "isto", "ja", "lhe",
    "lhes", "mais", "mas", "me", "mesmo", "meu", "meus", "minha", "minhas",
    "muito", "na", "nao", "nas", "nem", "no", "nos", "nossa", "nossas",
    "nosso", "nossos", "num", "numa", "o", "os", "ou", "para", "pela", "pelas",
    "pelo", "pelos", "por", "qual", "quando", "que", "quem", "se", "seja",
    "sem", "ser", "seu", "seus", "so", "sua", "suas", "tambem", "te", "tem",
    "teu", "teus", "tu", "tua", "tuas", "um", "uma", "voce", "voces", "vos",
};
static const char *const stop_tr[] = {
    "acaba", "ama", "aslinda", "az", "bazi", "belki", "biri", "birkac",
    "birsey", "biz", "bu", "cok", "cunku", "da", "daha", "de", "defa", "diye",
    "eger", "en", "gibi", "hem", "hep", "hepsi", "her", "hic", "icin", "ile",
    "ise", "kez", "ki", "kim", "mi", "mu", "nasil", "ne", "neden", "nerde",
    "nerede", "nereye", "nicin", "niye", "o", "sanki", "sey", "siz", "su",
    "tum", "ve", "veya", "ya", "yani",
};

#define LIST(code, a) {code, a, sizeof(a) / sizeof((a)[0])}

static const struct {
    const char *lang;
    const char *const *words;
    size_t n;
} stoplists[] = {
    LIST("de", stop_de), LIST("en", stop_en), LIST("es", stop_es),
    LIST("fr", stop_fr), LIST("nl", stop_nl), LIST("pt", stop_pt),
    LIST("tr", stop_tr),
};

static int cmp_word(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

int thp_tok_is_stopword(const char *lang, const char *word, size_t n)
{
    char f[MAXLEN + 1];
    size_t nf, i;
    int trunc, ascii = 1;

    for (i = 0; i < n; i++)
        if ((unsigned char)word[i] >= 0x80)
            ascii = 0;
    nf = fold(word, n, ascii, FOLD_EXACT, f, &trunc);
    if (nf == 0 || trunc)
        return 0;
    f[nf] = '\0';
    for (i = 0; i < sizeof stoplists / sizeof stoplists[0]; i++) {
        if (lang && strcmp(lang, stoplists[i].lang) != 0)
            continue;
        if (bsearch(f, stoplists[i].words, stoplists[i].n,
                    sizeof stoplists[i].words[0], cmp_word))
            return 1;
    }
    return 0;
}
