/*
** passage.c: passages and concordance lines from a hit's own text (see
** passage.h): the query's tokens once per query, then one tokenizer pass
** over each shown hit's text (at most THP_PASSAGE_SCAN bytes).
*/
#include <string.h>

#include "thp/buf.h"
#include "thp/mem.h"
#include "thp/passage.h"

#define MAX_TERMS 256

struct term {
    char tok[THP_TOK_MAXLEN + 16];
    size_t len;
    int word;    /* which query word it stands for */
    int prefix;  /* matches tokens that start with it */
};

struct thp_terms {
    struct term t[MAX_TERMS];
    size_t n;
    int cur_word, cur_prefix;
};

static int add_term(void *arg, int tflags, const char *tok, int n, int start,
                    int end)
{
    thp_terms *ts = arg;
    struct term *t;
    size_t i;

    (void)tflags;
    (void)start;
    (void)end;
    if (n <= 0 || (size_t)n >= sizeof t->tok || ts->n >= MAX_TERMS)
        return 0;
    for (i = 0; i < ts->n; i++)
        if (ts->t[i].len == (size_t)n && !memcmp(ts->t[i].tok, tok, n) &&
            ts->t[i].prefix == ts->cur_prefix)
            return 0;
    t = &ts->t[ts->n++];
    memcpy(t->tok, tok, (size_t)n);
    t->len = (size_t)n;
    t->word = ts->cur_word;
    t->prefix = ts->cur_prefix;
    return 0;
}

int thp_terms_new(thp_tokenizer *tok, const char *q,
                  const struct thp_plan *plan, thp_terms **out)
{
    thp_terms *ts = thp_calloc(1, sizeof *ts);
    char buf[THP_TOK_MAXLEN * 4 + 8];
    size_t i;

    *out = NULL;
    if (ts == NULL)
        return THP_ERR_NOMEM;
    for (i = 0; i < plan->nwords; i++) {
        const struct thp_qword *w = &plan->words[i];
        size_t n = w->len < sizeof buf - 2 ? w->len : sizeof buf - 2, k = 0;
        int flags = THP_TOK_QUERY;

        if (!w->exact && !w->prefix)
            buf[k++] = THP_TOK_STEM_MARK[0];
        memcpy(buf + k, q + w->off, n);
        k += n;
        if (w->prefix)
            flags |= THP_TOK_PREFIX;
        ts->cur_word = (int)i;
        ts->cur_prefix = w->prefix;
        if (thp_tok_run(tok, buf, k, flags, add_term, ts) == THP_ERR_NOMEM) {
            thp_free(ts);
            return THP_ERR_NOMEM;
        }
    }
    *out = ts;
    return THP_OK;
}

void thp_terms_free(thp_terms *t)
{
    thp_free(t);
}

/* ---- spans ------------------------------------------------------------- */

struct span {
    size_t start, end;
    int word;
};

struct scan {
    int (*gap_blank)(const struct scan *s, size_t a, size_t e);
    const char *text;    /* without the tag */
    const thp_terms *ts;
    size_t shift;        /* bytes of the language tag in front */
    struct span *v;
    size_t n, cap;
    int oom;
};

static int match_token(void *arg, int tflags, const char *tok, int n,
                       int start, int end)
{
    struct scan *s = arg;
    size_t i;

    (void)tflags;
    if (start < (int)s->shift || n <= 0)
        return 0;
    for (i = 0; i < s->ts->n; i++) {
        const struct term *t = &s->ts->t[i];

        if (t->prefix ? (size_t)n >= t->len && !memcmp(tok, t->tok, t->len)
                      : (size_t)n == t->len && !memcmp(tok, t->tok, t->len))
            break;
    }
    if (i == s->ts->n)
        return 0;
    /* a stem is colocated with its word: the same bytes, one span (also
    ** when that word was joined to the span before it) */
    if (s->n && (size_t)start - s->shift < s->v[s->n - 1].end)
        return 0;
    /* words marked side by side ("São Paulo") are one mark */
    if (s->n && s->gap_blank(s, s->v[s->n - 1].end, (size_t)start - s->shift)) {
        s->v[s->n - 1].end = (size_t)end - s->shift;
        return 0;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct span *v = thp_realloc(s->v, cap * sizeof *v);

        if (v == NULL) {
            s->oom = 1;
            return 1;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n].start = (size_t)start - s->shift;
    s->v[s->n].end = (size_t)end - s->shift;
    s->v[s->n].word = s->ts->t[i].word;
    s->n++;
    return s->n >= (size_t)THP_KWIC_MAX * 4 ? 2 : 0;
}

/* 1 if text[a..e) is only blanks (and not empty of them). */
static int blank_gap(const struct scan *s, size_t a, size_t e)
{
    size_t i;

    if (e <= a)
        return 0;
    for (i = a; i < e; i++)
        if (s->text[i] != ' ' && s->text[i] != '\t')
            return 0;
    return 1;
}

/* ---- text helpers ------------------------------------------------------ */

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Move back from i over up to chars characters, not before lo. */
static size_t back_chars(const char *s, size_t i, size_t lo, size_t chars)
{
    while (i > lo && chars > 0) {
        i--;
        while (i > lo && is_cont((unsigned char)s[i]))
            i--;
        chars--;
    }
    return i;
}

static size_t fwd_chars(const char *s, size_t i, size_t hi, size_t chars)
{
    while (i < hi && chars > 0) {
        i++;
        while (i < hi && is_cont((unsigned char)s[i]))
            i++;
        chars--;
    }
    return i;
}

static size_t count_chars(const char *s, size_t a, size_t b)
{
    size_t n = 0;

    for (; a < b; a++)
        if (!is_cont((unsigned char)s[a]))
            n++;
    return n;
}

static int is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
}

/* Append s[a..b) with blanks folded to one space and no marks. */
static void put_text(struct thp_buf *b, const char *s, size_t a, size_t e)
{
    for (; a < e; a++) {
        char c = s[a];

        if (is_space(c) || c == '\x01' || c == '\x02') {
            if (b->n && b->s[b->n - 1] != ' ')
                thp_buf_putc(b, ' ');
        } else {
            thp_buf_putc(b, c);
        }
    }
}

/* The passage text[a..e) with spans sp[0..ns) marked. */
static char *render(const char *text, size_t n, size_t a, size_t e,
                    const struct span *sp, size_t ns)
{
    struct thp_buf b;
    size_t i, at = a;

    thp_buf_init(&b, 0);
    if (a > 0)
        thp_buf_puts(&b, "…");
    for (i = 0; i < ns; i++) {
        if (sp[i].start < at || sp[i].end > e)
            continue;
        put_text(&b, text, at, sp[i].start);
        thp_buf_puts(&b, THP_MARK_OPEN);
        put_text(&b, text, sp[i].start, sp[i].end);
        thp_buf_puts(&b, THP_MARK_CLOSE);
        at = sp[i].end;
    }
    put_text(&b, text, at, e);
    if (e < n)
        thp_buf_puts(&b, "…");
    if (b.rc != THP_OK) {
        thp_buf_release(&b);
        return NULL;
    }
    if (b.s == NULL)
        return thp_strdup("");
    return thp_buf_detach(&b);
}

/* Widen [a, e) to about width characters, at word boundaries. */
static void widen(const char *text, size_t n, size_t *a, size_t *e,
                  size_t width)
{
    size_t have = count_chars(text, *a, *e);
    size_t more = have < width ? width - have : 0;
    size_t lo, hi;

    lo = back_chars(text, *a, 0, more / 3);
    hi = fwd_chars(text, *e, n, more - more / 3);
    /* give what one side cannot use to the other */
    if (lo == 0)
        hi = fwd_chars(text, *e, n, more - count_chars(text, 0, *a));
    if (hi == n)
        lo = back_chars(text, *a, 0, more - count_chars(text, *e, n));
    /* start and end on word boundaries */
    if (lo > 0) {
        size_t k = lo;

        while (k < *a && !is_space(text[k]))
            k++;
        if (k < *a)
            lo = k + 1;
    }
    if (hi < n) {
        size_t k = hi;

        while (k > *e && !is_space(text[k - 1]))
            k--;
        if (k > *e)
            hi = k - 1;
    }
    *a = lo;
    *e = hi;
}

static int push(struct thp_passage **v, size_t *nv, char *text,
                size_t offset, size_t pad)
{
    struct thp_passage *nvv;

    if (text == NULL)
        return THP_ERR_NOMEM;
    nvv = thp_realloc(*v, (*nv + 1) * sizeof **v);
    if (nvv == NULL) {
        thp_free(text);
        return THP_ERR_NOMEM;
    }
    *v = nvv;
    nvv[*nv].text = text;
    nvv[*nv].offset = offset;
    nvv[*nv].pad = pad;
    (*nv)++;
    return THP_OK;
}

static int kwic_lines(const char *text, size_t n, const struct span *sp,
                      size_t ns, size_t width, struct thp_passage **out,
                      size_t *nout)
{
    size_t i;

    for (i = 0; i < ns && i < THP_KWIC_MAX; i++) {
        size_t a = back_chars(text, sp[i].start, 0, width);
        size_t e = fwd_chars(text, sp[i].end, n, width);
        size_t left;
        struct thp_buf b;
        int rc;

        thp_buf_init(&b, 0);
        put_text(&b, text, a, sp[i].start);
        /* folded blanks shorten the left side: pad for the difference */
        left = b.n ? count_chars(b.s, 0, b.n) : 0;
        thp_buf_puts(&b, THP_MARK_OPEN);
        put_text(&b, text, sp[i].start, sp[i].end);
        thp_buf_puts(&b, THP_MARK_CLOSE);
        put_text(&b, text, sp[i].end, e);
        if (b.rc != THP_OK || b.s == NULL) {
            thp_buf_release(&b);
            return THP_ERR_NOMEM;
        }
        rc = push(out, nout, thp_buf_detach(&b), sp[i].start,
                  left < width ? width - left : 0);
        if (rc != THP_OK)
            return rc;
    }
    return THP_OK;
}

int thp_passages_find(thp_tokenizer *tok, const thp_terms *terms,
                      const char *lang, const char *text, size_t n,
                      size_t want, size_t width, int kwic,
                      struct thp_passage **out, size_t *nout,
                      size_t *nmatch)
{
    struct scan s;
    struct thp_buf tagged;
    unsigned char *used = NULL;
    size_t *given = NULL; /* [a, e) of each passage given */
    size_t got = 0;
    int rc = THP_OK;

    *out = NULL;
    *nout = 0;
    if (nmatch)
        *nmatch = 0;
    if (n > (size_t)THP_PASSAGE_SCAN) {
        n = (size_t)THP_PASSAGE_SCAN;
        while (n > 0 && is_cont((unsigned char)text[n]))
            n--;
    }
    memset(&s, 0, sizeof s);
    s.ts = terms;
    s.text = text;
    s.gap_blank = blank_gap;
    thp_buf_init(&tagged, n + 16);
    thp_buf_puts(&tagged, THP_TOK_TAG_OPEN);
    thp_buf_puts(&tagged, lang && strlen(lang) <= 3 ? lang : "");
    thp_buf_puts(&tagged, THP_TOK_TAG_CLOSE);
    s.shift = tagged.n;
    thp_buf_append(&tagged, text, n);
    if (tagged.rc != THP_OK) {
        thp_buf_release(&tagged);
        return THP_ERR_NOMEM;
    }
    if (terms && terms->n)
        rc = thp_tok_run(tok, tagged.s, tagged.n, THP_TOK_DOCUMENT,
                         match_token, &s);
    thp_buf_release(&tagged);
    if (s.oom || rc == THP_ERR_NOMEM) {
        thp_free(s.v);
        return THP_ERR_NOMEM;
    }
    rc = THP_OK;
    if (nmatch)
        *nmatch = s.n;
    if (kwic) {
        rc = kwic_lines(text, n, s.v, s.n, width, out, nout);
        goto done;
    }
    if (s.n == 0) {
        size_t a = 0, e = 0;

        if (want == 0 || n == 0)
            goto done;
        e = fwd_chars(text, 0, n, width);
        widen(text, n, &a, &e, width);
        rc = push(out, nout, render(text, n, a, e, NULL, 0), 0, 0);
        goto done;
    }
    used = thp_calloc(s.n, 1);
    given = thp_calloc(2 * s.n, sizeof *given);
    if (used == NULL || given == NULL) {
        rc = THP_ERR_NOMEM;
        goto done;
    }
    while (got < want) {
        size_t i, best = s.n, best_end = 0;
        long best_score = -1;

        for (i = 0; i < s.n; i++) {
            unsigned long long seen = 0;
            size_t j;
            long score = 0;

            if (used[i])
                continue;
            /* matches within about half the width (bytes, not chars) */
            for (j = i; j < s.n && !used[j] &&
                        s.v[j].end - s.v[i].start <= width / 2 + 1;
                 j++) {
                unsigned long long bit = 1ULL << (s.v[j].word & 63);

                if (!(seen & bit))
                    score += 1000;
                seen |= bit;
                score++;
            }
            if (j == i)
                j = i + 1; /* a single match longer than the window */
            if (score > best_score) {
                best_score = score;
                best = i;
                best_end = j;
            }
        }
        if (best == s.n)
            break;
        {
            size_t a = s.v[best].start, e = s.v[best_end - 1].end, j;

            widen(text, n, &a, &e, width);
            /* never into a passage already given: no text twice */
            for (j = 0; j < got; j++) {
                if (given[2 * j] >= s.v[best_end - 1].end && e > given[2 * j])
                    e = given[2 * j];
                if (given[2 * j + 1] <= s.v[best].start &&
                    a < given[2 * j + 1])
                    a = given[2 * j + 1];
            }
            given[2 * got] = a;
            given[2 * got + 1] = e;
            for (j = 0; j < s.n; j++)
                if (s.v[j].start < e && s.v[j].end > a)
                    used[j] = 1;
            rc = push(out, nout, render(text, n, a, e, s.v, s.n),
                      s.v[best].start, 0);
            if (rc != THP_OK)
                break;
        }
        got++;
    }
done:
    thp_free(given);
    thp_free(used);
    thp_free(s.v);
    if (rc != THP_OK) {
        thp_passages_free(*out, *nout);
        *out = NULL;
        *nout = 0;
    }
    return rc;
}

void thp_passages_free(struct thp_passage *p, size_t n)
{
    size_t i;

    for (i = 0; p && i < n; i++)
        thp_free(p[i].text);
    thp_free(p);
}
