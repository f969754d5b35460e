/*
** expand.c: pseudo-relevance feedback (see expand.h). Reads the index
** through the connection it is given (the best documents, and term
** document counts from a temporary fts5vocab table), tokenizes those
** documents with the index's own tokenizer (tok.h), and rewrites the
** compiled query. Owns nothing beyond one call.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "thp/expand.h"
#include "thp/mem.h"
#include "thp/tok.h"

#define KEY_MAX (THP_TOK_MAXLEN + 16)

struct term {
    char key[KEY_MAX];     /* the indexed token: a stem, or an exact form */
    char surface[KEY_MAX]; /* an exact form it was seen as */
    int used;
    int doc;               /* the last document it was counted in */
    double tf;             /* its count in that document */
    double w;              /* accumulated RM1 weight */
    double score;          /* w * idf */
};

struct table {
    struct term *t;
    size_t cap, n;
    int doc;               /* the document being read */
    double len;            /* its length in positions */
    char pending[KEY_MAX]; /* an exact form whose stem may follow */
    int npending;
    const char *lang;
    int nomem;
};

static unsigned long hash(const char *s, size_t n)
{
    unsigned long h = 2166136261UL;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619UL;
    return h;
}

static struct term *lookup(struct table *tb, const char *key, size_t n)
{
    size_t i;

    if (tb->n * 10 >= tb->cap * 7) {
        size_t cap = tb->cap ? tb->cap * 2 : 1024, j;
        struct term *t = thp_calloc(cap, sizeof *t);

        if (t == NULL) {
            tb->nomem = 1;
            return NULL;
        }
        for (j = 0; j < tb->cap; j++) {
            if (!tb->t[j].used)
                continue;
            i = hash(tb->t[j].key, strlen(tb->t[j].key)) & (cap - 1);
            while (t[i].used)
                i = (i + 1) & (cap - 1);
            t[i] = tb->t[j];
        }
        thp_free(tb->t);
        tb->t = t;
        tb->cap = cap;
    }
    i = hash(key, n) & (tb->cap - 1);
    while (tb->t[i].used) {
        if (strlen(tb->t[i].key) == n && memcmp(tb->t[i].key, key, n) == 0)
            return &tb->t[i];
        i = (i + 1) & (tb->cap - 1);
    }
    tb->t[i].used = 1;
    memcpy(tb->t[i].key, key, n);
    tb->t[i].key[n] = '\0';
    tb->t[i].doc = -1;
    tb->n++;
    return &tb->t[i];
}

/* Count one occurrence of key, seen in the text as surface. */
static void count(struct table *tb, const char *key, size_t n,
                  const char *surface, size_t sn)
{
    struct term *t;
    size_t i;

    if (n >= KEY_MAX || sn >= KEY_MAX || sn < 3)
        return;
    for (i = 0; i < sn; i++)
        if (surface[i] >= '0' && surface[i] <= '9')
            return;
    if (thp_tok_is_stopword("en", surface, sn) ||
        thp_tok_is_stopword(tb->lang, surface, sn))
        return;
    if ((t = lookup(tb, key, n)) == NULL)
        return;
    if (t->surface[0] == '\0') {
        memcpy(t->surface, surface, sn);
        t->surface[sn] = '\0';
    }
    if (t->doc != tb->doc) {
        t->doc = tb->doc;
        t->tf = 0;
    }
    t->tf += 1.0;
}

static void flush(struct table *tb)
{
    if (tb->npending)
        count(tb, tb->pending, (size_t)tb->npending, tb->pending,
              (size_t)tb->npending);
    tb->npending = 0;
}

static int on_token(void *arg, int tflags, const char *tok, int n, int start,
                    int end)
{
    struct table *tb = arg;

    (void)start;
    (void)end;
    if (n <= 0)
        return 0;
    if (tflags & THP_TOK_COLOCATED) {
        if (tok[0] == '~' && tb->npending) {
            count(tb, tok, (size_t)n, tb->pending, (size_t)tb->npending);
            tb->npending = 0;
        }
        return 0;
    }
    flush(tb);
    tb->len += 1.0;
    if (n < KEY_MAX) {
        memcpy(tb->pending, tok, (size_t)n);
        tb->npending = n;
    }
    return tb->nomem;
}

static int by_score(const void *a, const void *b)
{
    const struct term *x = a, *y = b;

    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return strcmp(x->key, y->key);
}

static const char top_sql[] =
    "SELECT d.title, d.body, coalesce(d.lang, ''),"
    " " THP_RANK_NAME "(" THP_T_FTS ", ?2, ?3, d.year) AS r"
    " FROM " THP_T_FTS " JOIN " THP_T_DOCS " d ON d.id = " THP_T_FTS ".rowid"
    " WHERE " THP_T_FTS " MATCH ?1 ORDER BY r DESC, d.id LIMIT ?4";

int thp_expand(sqlite3 *db, const struct thp_rank_params *p,
               const char *params, struct thp_buf *match,
               struct thp_buf *roles, struct thp_buf *weights,
               struct thp_err *err)
{
    struct table tb;
    sqlite3_stmt *st = NULL;
    double total = 0, *scores = NULL, ndocs = 0;
    char **texts = NULL, (*langs)[4] = NULL;
    int ndoc = 0, i, rc = THP_OK, step;
    size_t j, nterm = 0, nadd = 0;
    struct thp_buf m, r;

    memset(&tb, 0, sizeof tb);
    thp_buf_init(&m, 0);
    thp_buf_init(&r, 0);
    if (p->fb_docs <= 0 || match->n == 0)
        return THP_OK;
    texts = thp_calloc((size_t)p->fb_docs, sizeof *texts);
    scores = thp_calloc((size_t)p->fb_docs, sizeof *scores);
    langs = thp_calloc((size_t)p->fb_docs, sizeof *langs);
    if (!texts || !scores || !langs) {
        rc = thp_err_set(err, THP_ERR_NOMEM, "expanding: out of memory");
        goto out;
    }
    /* 1. the best documents of the query as it is */
    if (sqlite3_prepare_v2(db, top_sql, -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    sqlite3_bind_text(st, 1, match->s, (int)match->n, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, roles->s ? roles->s : "", (int)roles->n,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 3, params, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, p->fb_docs);
    while ((step = sqlite3_step(st)) == SQLITE_ROW && ndoc < p->fb_docs) {
        const char *title = (const char *)sqlite3_column_text(st, 0);
        const char *body = (const char *)sqlite3_column_text(st, 1);
        const char *lang = (const char *)sqlite3_column_text(st, 2);
        struct thp_buf t;

        thp_buf_init(&t, 0);
        thp_buf_printf(&t, "%s\n%s", title ? title : "", body ? body : "");
        if ((texts[ndoc] = thp_buf_detach(&t)) == NULL) {
            rc = thp_err_set(err, THP_ERR_NOMEM, "expanding: out of memory");
            goto out;
        }
        snprintf(langs[ndoc], sizeof langs[ndoc], "%s",
                 lang && strlen(lang) >= 2 && strlen(lang) <= 3 ? lang : "en");
        scores[ndoc] = sqlite3_column_double(st, 3);
        if (scores[ndoc] < 0)
            scores[ndoc] = 0;
        total += scores[ndoc];
        ndoc++;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(st);
    st = NULL;
    if (ndoc == 0)
        goto out;
    /* 2. their terms, RM1-weighted */
    for (i = 0; i < ndoc; i++) {
        double share = total > 0 ? scores[i] / total : 1.0 / ndoc;

        tb.doc = i;
        tb.len = 0;
        tb.npending = 0;
        tb.lang = langs[i];
        if (thp_tok_each(langs[i], texts[i], strlen(texts[i]),
                         THP_TOK_DOCUMENT, on_token, &tb) != THP_OK &&
            !tb.nomem) {
            /* a language without a stemmer: read it without stems */
            tb.npending = 0;
            tb.len = 0;
            tb.doc = i + 100000; /* forget what that pass counted */
            thp_tok_each("none", texts[i], strlen(texts[i]),
                         THP_TOK_DOCUMENT, on_token, &tb);
        }
        flush(&tb);
        if (tb.nomem) {
            rc = thp_err_set(err, THP_ERR_NOMEM, "expanding: out of memory");
            goto out;
        }
        for (j = 0; j < tb.cap; j++)
            if (tb.t[j].used && tb.t[j].doc == tb.doc && tb.len > 0)
                tb.t[j].w += tb.t[j].tf / tb.len * share;
    }
    /* 3. times idf, from the index's own counts */
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM " THP_T_DOCS, -1, &st,
                           NULL) != SQLITE_OK)
        goto dberr;
    if (sqlite3_step(st) == SQLITE_ROW)
        ndocs = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, "SELECT doc FROM " THP_T_VOCAB " WHERE term = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    for (j = 0; j < tb.cap; j++) {
        struct term *t = &tb.t[j];
        double df = 0;

        if (!t->used)
            continue;
        sqlite3_bind_text(st, 1, t->key, -1, SQLITE_STATIC);
        if ((step = sqlite3_step(st)) == SQLITE_ROW)
            df = sqlite3_column_double(st, 0);
        else if (step != SQLITE_DONE)
            goto dberr;
        sqlite3_reset(st);
        t->score = t->w * log(1.0 + (ndocs - df + 0.5) / (df + 0.5));
        tb.t[nterm++] = *t; /* compact: nterm <= j */
    }
    sqlite3_finalize(st);
    st = NULL;
    if (nterm == 0)
        goto out;
    qsort(tb.t, nterm, sizeof *tb.t, by_score);
    /* 4. the expanded query: (original) OR "\x01term" ... */
    for (j = 0; roles->s && j < roles->n; j++)
        if (strchr("TtXx", roles->s[j]))
            thp_buf_puts(weights, j ? " 1" : "1");
    thp_buf_putc(&m, '(');
    thp_buf_append(&m, match->s, match->n);
    thp_buf_putc(&m, ')');
    thp_buf_append(&r, roles->s ? roles->s : "", roles->n);
    for (j = 0; j < nterm && nadd < (size_t)p->fb_terms; j++) {
        if (tb.t[j].score <= 0)
            break;
        thp_buf_printf(&m, " OR \"" THP_TOK_STEM_MARK "%s\"", tb.t[j].surface);
        thp_buf_putc(&r, THP_ROLE_STEM);
        thp_buf_printf(weights, "%s%.6g", weights->n ? " " : "",
                       p->fb_weight * tb.t[j].score / tb.t[0].score);
        nadd++;
    }
    if (m.rc != THP_OK || r.rc != THP_OK || weights->rc != THP_OK) {
        rc = thp_err_set(err, THP_ERR_NOMEM, "expanding: out of memory");
        goto out;
    }
    if (nadd) {
        thp_buf_reset(match);
        thp_buf_append(match, m.s, m.n);
        thp_buf_reset(roles);
        thp_buf_append(roles, r.s, r.n);
        if (match->rc != THP_OK || roles->rc != THP_OK)
            rc = thp_err_set(err, THP_ERR_NOMEM, "expanding: out of memory");
    } else {
        thp_buf_reset(weights);
    }
    goto out;
dberr:
    rc = thp_err_set(err, THP_ERR_DB, "expanding the query: %s",
                     sqlite3_errmsg(db));
out:
    sqlite3_finalize(st);
    for (i = 0; texts && i < p->fb_docs; i++)
        thp_free(texts[i]);
    thp_free(texts);
    thp_free(scores);
    thp_free(langs);
    thp_free(tb.t);
    thp_buf_release(&m);
    thp_buf_release(&r);
    return rc;
}
