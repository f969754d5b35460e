/*
** toplist.c: computing the stored best hits of frequent words (see
** toplist.h). The lists are the executor's own answers, so a reader that
** uses one gives exactly what the full pass would; exec.c reads them.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "thp/exec.h"
#include "thp/imap.h"
#include "thp/mem.h"
#include "thp/rank.h"
#include "thp/toplist.h"

/* One thread's share of the words: every nth from first. */
struct share {
    thp_reader *rd;
    char **terms;
    struct thp_toplist_row *rows;
    size_t n, first, step;
    int rc;
    struct thp_err err;
};

static void *run_share(void *arg)
{
    struct share *sh = arg;
    struct thp_request *req = thp_malloc(sizeof *req);
    size_t i, j;

    thp_err_clear(&sh->err);
    if (req == NULL) {
        sh->rc = thp_err_set(&sh->err, THP_ERR_NOMEM, "out of memory");
        return NULL;
    }
    for (i = sh->first; i < sh->n && sh->rc == THP_OK; i += sh->step) {
        struct thp_result res;
        double *v;
        size_t tl = strlen(sh->terms[i]);
        char word[THP_TOPLIST_PREFIX_MAX + 1];

        thp_request_init(req);
        req->limit = THP_TOPLIST_DEPTH;
        req->snippets = 0;
        if (tl > 1 && sh->terms[i][tl - 1] == '*') {
            /* a prefix: the search box's request for it, ranked in full */
            snprintf(word, sizeof word, "%.*s", (int)(tl - 1), sh->terms[i]);
            if ((sh->rc = thp_request_set(req, "mode", "simple",
                                          &sh->err)) != THP_OK ||
                (sh->rc = thp_request_set(req, "prefix", "1", &sh->err)) !=
                    THP_OK ||
                (sh->rc = thp_request_set(req, "count", "exact",
                                          &sh->err)) != THP_OK ||
                (sh->rc = thp_request_set(req, "q", word, &sh->err)) !=
                    THP_OK ||
                (sh->rc = thp_exec(sh->rd, req, &res, NULL, NULL,
                                   &sh->err)) != THP_OK)
                break;
        } else if ((sh->rc = thp_request_set(req, "q", sh->terms[i],
                                             &sh->err)) != THP_OK ||
            (sh->rc = thp_exec(sh->rd, req, &res, NULL, NULL, &sh->err)) !=
                THP_OK)
            break;
        if ((v = thp_malloc(res.nhits * 16 + 1)) == NULL) {
            thp_result_release(&res);
            sh->rc = thp_err_set(&sh->err, THP_ERR_NOMEM, "out of memory");
            break;
        }
        for (j = 0; j < res.nhits; j++) {
            int64_t id = res.hits[j].id;

            memcpy(&v[2 * j], &id, 8);
            v[2 * j + 1] = res.hits[j].score;
        }
        sh->rows[i].term = sh->terms[i];
        sh->rows[i].hits = v;
        sh->rows[i].nhits = res.nhits;
        sh->rows[i].total = res.total;
        thp_result_release(&res);
    }
    thp_free(req);
    return NULL;
}

/* Candidate words or prefixes with their document counts. */
struct cand {
    char *term;
    int64_t df;
};

struct cands {
    struct cand *v;
    size_t n, cap;
};

static int cand_add(struct cands *c, const char *term, int64_t df)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        struct cand *v = thp_realloc(c->v, cap * sizeof *v);

        if (v == NULL)
            return -1;
        c->v = v;
        c->cap = cap;
    }
    if ((c->v[c->n].term = thp_strdup(term)) == NULL)
        return -1;
    c->v[c->n++].df = df;
    return 0;
}

static void cands_free(struct cands *c)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        thp_free(c->v[i].term);
    thp_free(c->v);
}

/* Most documents first; ties by term, so the choice is the same on
** every run. */
static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;

    if (x->df != y->df)
        return x->df > y->df ? -1 : 1;
    return strcmp(x->term, y->term);
}

/* Move the terms of the (at most) max most frequent candidates of c to
** out, most frequent first; their number. */
static size_t take_best(struct cands *c, size_t max, char **out)
{
    size_t i;

    if (c->n > 1)
        qsort(c->v, c->n, sizeof *c->v, cand_cmp);
    for (i = 0; i < c->n && i < max; i++) {
        out[i] = c->v[i].term;
        c->v[i].term = NULL;
    }
    return i;
}

/*
** Document counts of the prefixes of THP_TOPLIST_PREFIX_MIN..MAX
** characters [a-z0-9] (what a toplist key may hold), summed over the
** terms that start with them: an upper bound of the documents a prefix
** search matches. Kept in a thp_imap keyed by the packed prefix.
*/
static int prefix_add(struct thp_imap *m, const char *t, int64_t df)
{
    int64_t key = 0, sum;
    int len;

    for (len = 0; len < THP_TOPLIST_PREFIX_MAX && t[len]; len++) {
        if (!((t[len] >= 'a' && t[len] <= 'z') ||
              (t[len] >= '0' && t[len] <= '9')))
            return 0;
        key = key << 8 | (unsigned char)t[len];
        /* the packed length keeps "abc" and "abc\0..." apart */
        if (len + 1 >= THP_TOPLIST_PREFIX_MIN) {
            int64_t k = key | (int64_t)(len + 1) << 56;

            sum = 0;
            thp_imap_get(m, k, &sum);
            if (thp_imap_put(m, k, sum + df) != THP_OK)
                return -1;
        }
    }
    return 0;
}

/* The prefixes of m with at least min_df documents, as "abc*". */
static int prefix_cands(const struct thp_imap *m, int64_t min_df,
                        struct cands *out)
{
    size_t i;

    for (i = 0; i < m->cap; i++) {
        char term[THP_TOPLIST_PREFIX_MAX + 2];
        int64_t key = m->k[i];
        int len, k;

        if (key == 0 || m->v[i] < min_df)
            continue;
        len = (int)(key >> 56);
        for (k = 0; k < len; k++)
            term[k] = (char)(key >> (8 * (len - 1 - k)));
        term[len] = '*';
        term[len + 1] = '\0';
        if (cand_add(out, term, m->v[i]) != 0)
            return -1;
    }
    return 0;
}

#define THREADS 2

int thp_toplist_build(thp_index *idx, size_t max_words, int64_t min_df,
                      long *words, struct thp_err *err)
{
    sqlite3 *db = thp_index_db(idx);
    struct thp_toplist_row *rows = NULL;
    struct share sh[THREADS];
    pthread_t th[THREADS];
    struct thp_imap pm = {0};
    struct cands wc = {NULL, 0, 0}, pc = {NULL, 0, 0};
    size_t max_prefixes = max_words;
    char **terms = NULL;
    sqlite3_stmt *st = NULL;
    char key[600];
    size_t n = 0, i, nth = 0;
    int valid = 0, rc, step;

    memset(sh, 0, sizeof sh);
    if (words)
        *words = 0;
    /* the readers below see only what is committed */
    if ((rc = thp_index_commit(idx, err)) != THP_OK)
        return rc;
    /* the writer's page cache is not needed while the readers work */
    sqlite3_db_release_memory(db);
    if ((rc = thp_index_toplist_key(idx, key, sizeof key, &valid, err)) !=
        THP_OK)
        return rc;
    if (valid) {
        if (words)
            *words = -1;
        return THP_OK;
    }
    if ((rows = thp_calloc(max_words + max_prefixes + 1, sizeof *rows)) ==
            NULL ||
        (terms = thp_calloc(max_words + max_prefixes + 1, sizeof *terms)) ==
            NULL) {
        rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* one pass over the index's terms: the most frequent exact forms
    ** (stems start with '~'), and the document counts of short prefixes */
    if (sqlite3_prepare_v2(db, "SELECT term, doc FROM " THP_T_VOCAB
                           " WHERE term NOT GLOB '~*'", -1, &st,
                           NULL) != SQLITE_OK) {
        rc = thp_err_set(err, THP_ERR_DB, "listing frequent words: %s",
                         sqlite3_errmsg(db));
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        int64_t df = sqlite3_column_int64(st, 1);

        if (t == NULL)
            continue;
        if (prefix_add(&pm, t, df) != 0 ||
            (df >= min_df && strlen(t) <= 64 && cand_add(&wc, t, df) != 0)) {
            rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (step != SQLITE_DONE) {
        rc = thp_err_set(err, THP_ERR_DB, "listing frequent words: %s",
                         sqlite3_errmsg(db));
        goto out;
    }
    /* the words, most frequent first; then the prefixes the search box
    ** sends most costly (most documents), up to max_prefixes */
    n = take_best(&wc, max_words, terms);
    if (prefix_cands(&pm, min_df, &pc) != 0) {
        rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
        goto out;
    }
    n += take_best(&pc, max_prefixes, terms + n);
    /* the words' searches on readers of their own, one per core */
    for (i = 0; i < THREADS; i++) {
        sh[i].terms = terms;
        sh[i].rows = rows;
        sh[i].n = n;
        sh[i].first = i;
        sh[i].step = THREADS;
        if ((rc = thp_reader_open(thp_index_path(idx), &sh[i].rd, err)) !=
            THP_OK)
            goto out;
    }
    for (nth = 0; nth < THREADS; nth++)
        if (pthread_create(&th[nth], NULL, run_share, &sh[nth]) != 0)
            break;
    if (nth == 0)
        run_share(&sh[0]);
    for (i = 0; i < nth; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < THREADS; i++)
        if (sh[i].rc != THP_OK) {
            rc = thp_err_set(err, sh[i].rc, "%s", sh[i].err.msg);
            goto out;
        }
    rc = thp_index_toplist_store(idx, key, rows, n, err);
    if (rc == THP_OK && words)
        *words = (long)n;
out:
    sqlite3_finalize(st);
    for (i = 0; i < THREADS; i++)
        thp_reader_close(sh[i].rd);
    for (i = 0; rows && i < n; i++)
        thp_free((void *)rows[i].hits);
    for (i = 0; terms && i < n; i++)
        thp_free(terms[i]);
    thp_free(rows);
    thp_free(terms);
    cands_free(&wc);
    cands_free(&pc);
    thp_imap_clear(&pm);
    return rc;
}
