/*
** toplist.c: computing the stored best hits of frequent words (see
** toplist.h). The lists are the executor's own answers, so a reader that
** uses one gives exactly what the full pass would; exec.c reads them.
*/
#include <pthread.h>
#include <string.h>

#include "schema.h"
#include "thp/exec.h"
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

        thp_request_init(req);
        req->limit = THP_TOPLIST_DEPTH;
        req->snippets = 0;
        if ((sh->rc = thp_request_set(req, "q", sh->terms[i], &sh->err)) !=
                THP_OK ||
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

#define THREADS 2

int thp_toplist_build(thp_index *idx, size_t max_words, int64_t min_df,
                      long *words, struct thp_err *err)
{
    sqlite3 *db = thp_index_db(idx);
    struct thp_toplist_row *rows = NULL;
    struct share sh[THREADS];
    pthread_t th[THREADS];
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
    if ((rc = thp_index_toplist_key(idx, key, sizeof key, &valid, err)) !=
        THP_OK)
        return rc;
    if (valid) {
        if (words)
            *words = -1;
        return THP_OK;
    }
    if ((rows = thp_calloc(max_words + 1, sizeof *rows)) == NULL ||
        (terms = thp_calloc(max_words + 1, sizeof *terms)) == NULL) {
        rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* exact forms (stems start with '~'), most frequent first */
    if (sqlite3_prepare_v2(db, "SELECT term FROM " THP_T_VOCAB " WHERE doc >="
                           " ?1 AND term NOT GLOB '~*' ORDER BY doc DESC"
                           " LIMIT ?2", -1, &st, NULL) != SQLITE_OK) {
        rc = thp_err_set(err, THP_ERR_DB, "listing frequent words: %s",
                         sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_bind_int64(st, 1, min_df);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max_words);
    while ((step = sqlite3_step(st)) == SQLITE_ROW && n < max_words) {
        const char *t = (const char *)sqlite3_column_text(st, 0);

        if (t == NULL || strlen(t) > 64)
            continue;
        if ((terms[n] = thp_strdup(t)) == NULL) {
            rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
            goto out;
        }
        n++;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (step != SQLITE_DONE && step != SQLITE_ROW) {
        rc = thp_err_set(err, THP_ERR_DB, "listing frequent words: %s",
                         sqlite3_errmsg(db));
        goto out;
    }
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
    return rc;
}
