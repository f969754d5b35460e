/*
** toplist.c: computing the stored best hits of frequent words (see
** toplist.h). The lists are the executor's own answers, so a reader that
** uses one gives exactly what the full pass would; exec.c reads them.
*/
#include <string.h>

#include "schema.h"
#include "thp/exec.h"
#include "thp/mem.h"
#include "thp/rank.h"
#include "thp/toplist.h"

int thp_toplist_build(thp_index *idx, size_t max_words, int64_t min_df,
                      long *words, struct thp_err *err)
{
    sqlite3 *db = thp_index_db(idx);
    struct thp_toplist_row *rows = NULL;
    struct thp_request *req = NULL;
    thp_reader *rd = NULL;
    sqlite3_stmt *st = NULL;
    char key[600];
    size_t n = 0, i;
    int valid = 0, rc, step;

    if (words)
        *words = 0;
    if ((rc = thp_index_toplist_key(idx, key, sizeof key, &valid, err)) != THP_OK)
        return rc;
    if (valid) {
        if (words)
            *words = -1;
        return THP_OK;
    }
    if ((rows = thp_calloc(max_words + 1, sizeof *rows)) == NULL ||
        (req = thp_malloc(sizeof *req)) == NULL) {
        rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = thp_reader_wrap(idx, &rd, err)) != THP_OK)
        goto out;
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
        struct thp_result res;
        double *v;

        if (t == NULL || strlen(t) > 64)
            continue;
        thp_request_init(req);
        req->limit = THP_TOPLIST_DEPTH;
        req->snippets = 0;
        if ((rc = thp_request_set(req, "q", t, err)) != THP_OK ||
            (rc = thp_exec(rd, req, &res, NULL, NULL, err)) != THP_OK)
            goto out;
        v = thp_malloc(res.nhits * 16 + 1);
        rows[n].term = thp_strdup(t);
        if (v == NULL || rows[n].term == NULL) {
            thp_free(v);
            thp_result_release(&res);
            rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (i = 0; i < res.nhits; i++) {
            int64_t id = res.hits[i].id;

            memcpy(&v[2 * i], &id, 8);
            v[2 * i + 1] = res.hits[i].score;
        }
        rows[n].hits = v;
        rows[n].nhits = res.nhits;
        rows[n].total = res.total;
        n++;
        thp_result_release(&res);
    }
    if (step != SQLITE_DONE && step != SQLITE_ROW) {
        rc = thp_err_set(err, THP_ERR_DB, "listing frequent words: %s",
                         sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    rc = thp_index_toplist_store(idx, key, rows, n, err);
    if (rc == THP_OK && words)
        *words = (long)n;
out:
    sqlite3_finalize(st);
    thp_reader_close(rd);
    for (i = 0; rows && i < n; i++) {
        thp_free((void *)rows[i].term);
        thp_free((void *)rows[i].hits);
    }
    thp_free(rows);
    thp_free(req);
    return rc;
}
