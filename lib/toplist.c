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

int thp_toplist_fingerprint(thp_index *idx, char fp[17], struct thp_err *err)
{
    sqlite3 *db = thp_index_db(idx);
    sqlite3_stmt *st = NULL;
    int rc;

    /* FTS5's structure record (rowid 10) changes with every write */
    if (sqlite3_prepare_v2(db, "SELECT block FROM " THP_T_FTS "_data"
                           " WHERE id = 10", -1, &st, NULL) != SQLITE_OK)
        return thp_err_set(err, THP_ERR_DB, "reading the index: %s",
                           sqlite3_errmsg(db));
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        thp_index_hash(sqlite3_column_blob(st, 0),
                       (size_t)sqlite3_column_bytes(st, 0), fp);
    else
        memcpy(fp, "0000000000000000", 17);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return thp_err_set(err, THP_ERR_DB, "reading the index: %s",
                           sqlite3_errmsg(db));
    return THP_OK;
}

/* The meta key lists are valid for: fingerprint, then the parameters. */
static int make_key(thp_index *idx, char *key, size_t len,
                    struct thp_err *err)
{
    struct thp_rank_params p;
    char fp[17];
    size_t n;
    int rc;

    if ((rc = thp_toplist_fingerprint(idx, fp, err)) != THP_OK)
        return rc;
    thp_rank_defaults(&p);
    memcpy(key, fp, 16);
    key[16] = ' ';
    n = thp_rank_format(&p, key + 17, len - 17);
    if (n >= len - 17)
        return thp_err_set(err, THP_ERR_MISUSE, "ranking parameters too long");
    return THP_OK;
}

static int stored_key(thp_index *idx, char *out, size_t len)
{
    sqlite3_stmt *st = NULL;
    int found = 0;

    out[0] = '\0';
    if (sqlite3_prepare_v2(thp_index_db(idx), "SELECT value FROM meta WHERE"
                           " key = 'toplist'", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);

        if (v && strlen(v) < len) {
            strcpy(out, v);
            found = 1;
        }
    }
    sqlite3_finalize(st);
    return found;
}

int thp_toplist_key(thp_index *idx, char *key, size_t len, int *valid,
                    struct thp_err *err)
{
    char have[600];
    int rc = make_key(idx, key, len, err);

    *valid = rc == THP_OK && stored_key(idx, have, sizeof have) &&
             !strcmp(have, key);
    return rc;
}

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
    if ((rc = thp_toplist_key(idx, key, sizeof key, &valid, err)) != THP_OK)
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
