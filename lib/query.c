/*
** query.c: one-call searches over an open index (query.h), and stored
** documents for /doc/ID. Reads only.
*/
#include <string.h>

#include "schema.h"
#include "thp/mem.h"
#include "thp/qparse.h"
#include "thp/query.h"

int thp_query_run(thp_index *idx, const char *q, size_t n,
                  const struct thp_query_opts *opts, struct thp_result *res,
                  struct thp_err *err)
{
    struct thp_request *req = thp_malloc(sizeof *req);
    thp_reader *rd = NULL;
    int rc;

    memset(res, 0, sizeof *res);
    if (req == NULL)
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    thp_request_init(req);
    if (n > THP_REQUEST_MAX_Q) {
        thp_free(req);
        return thp_err_set(err, THP_ERR_TOOBIG,
                           "query too long: %zu bytes, at most %d", n,
                           THP_REQUEST_MAX_Q);
    }
    memcpy(req->q, q, n);
    req->q[n] = '\0';
    req->qlen = n;
    req->limit = opts->limit ? opts->limit : 10;
    if (req->limit > THP_REQUEST_MAX_LIMIT)
        req->limit = THP_REQUEST_MAX_LIMIT;
    req->offset = opts->offset;
    req->mode = (opts->flags & THP_QP_ANY_WORD)   ? THP_MODE_ANY
              : (opts->flags & THP_QP_LENIENT)    ? THP_MODE_SIMPLE
                                                  : THP_MODE_ADVANCED;
    req->prefix = (opts->flags & THP_QP_PREFIX_LAST) != 0;
    req->snippets = !(opts->flags & THP_QUERY_NO_SNIPPET);
    if (opts->rank)
        req->rank = *opts->rank;
    rc = thp_reader_wrap(idx, &rd, err);
    if (rc == THP_OK)
        rc = thp_exec(rd, req, res, NULL, NULL, err);
    thp_reader_close(rd);
    thp_free(req);
    return rc;
}

static const char doc_sql[] =
    "SELECT title, url, kind, date, substr(body, 1, ?2), lang, repairs,"
    " location, authors, partners, page, path FROM " THP_T_DOCS
    " WHERE id = ?1";

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *v = sqlite3_column_text(st, i);

    if (v == NULL)
        return NULL;
    return thp_strndup((const char *)v, (size_t)sqlite3_column_bytes(st, i));
}

int thp_query_document(thp_index *idx, int64_t id, size_t max,
                       struct thp_document *doc, struct thp_err *err)
{
    sqlite3 *db = thp_index_db(idx);
    sqlite3_stmt *st = NULL;
    int rc;

    memset(doc, 0, sizeof *doc);
    if (sqlite3_prepare_v2(db, doc_sql, -1, &st, NULL) != SQLITE_OK)
        return thp_err_set(err, THP_ERR_DB, "preparing document: %s",
                           sqlite3_errmsg(db));
    sqlite3_bind_int64(st, 1, id);
    /* substr counts characters: max bytes hold at least max/4 of them */
    sqlite3_bind_int64(st, 2, max ? (sqlite3_int64)max : -1);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        doc->id = id;
        doc->title = col_dup(st, 0);
        doc->url = col_dup(st, 1);
        doc->kind = col_dup(st, 2);
        doc->date = col_dup(st, 3);
        doc->body = col_dup(st, 4);
        doc->lang = col_dup(st, 5);
        doc->repairs = col_dup(st, 6);
        doc->location = col_dup(st, 7);
        doc->authors = col_dup(st, 8);
        doc->partners = col_dup(st, 9);
        doc->page = sqlite3_column_int(st, 10);
        doc->path = col_dup(st, 11);
        if (doc->body == NULL)
            doc->body = thp_strdup("");
        rc = doc->title && doc->url && doc->kind && doc->body
                 ? THP_OK
                 : thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    } else if (rc == SQLITE_DONE) {
        rc = thp_err_set(err, THP_ERR_NOTFOUND, "no document %lld",
                         (long long)id);
    } else {
        rc = thp_err_set(err, THP_ERR_DB, "reading document: %s",
                         sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    if (rc != THP_OK)
        thp_document_release(doc);
    return rc;
}

void thp_document_release(struct thp_document *doc)
{
    thp_free(doc->title);
    thp_free(doc->url);
    thp_free(doc->path);
    thp_free(doc->kind);
    thp_free(doc->date);
    thp_free(doc->body);
    thp_free(doc->lang);
    thp_free(doc->repairs);
    thp_free(doc->location);
    thp_free(doc->authors);
    thp_free(doc->partners);
    memset(doc, 0, sizeof *doc);
}
