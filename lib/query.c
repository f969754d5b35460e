/*
** query.c: running a compiled query against the index: counting, BM25
** ranking, snippets, paging, and the JSON form of a result page. Reads
** only; every write belongs to index.c.
*/
#include <string.h>
#include <time.h>

#include "schema.h"
#include "thp/expand.h"
#include "thp/json.h"
#include "thp/mem.h"
#include "thp/qparse.h"
#include "thp/query.h"
#include "thp/rank.h"
#include "thp/tok.h"

/* Near-duplicates (same dup_group) count and rank as one document. */
static const char count_sql[] =
    "SELECT count(DISTINCT coalesce(d.dup_group, d.id)) FROM " THP_T_FTS
    " JOIN " THP_T_DOCS " d ON d.id = " THP_T_FTS ".rowid"
    " WHERE " THP_T_FTS " MATCH ?1";

/*
** The best of each near-duplicate group, by rank; ties broken by id so
** that paging is stable. Snippets are made afterwards, for this page only.
*/
static const char hits_sql[] =
    "WITH m AS MATERIALIZED ("
    "  SELECT d.id, d.title, d.url, d.kind, d.date, d.year, d.location,"
    "   d.partners, d.authors, d.anchor, d.page, d.repairs,"
    "   coalesce(d.dup_group, d.id) AS grp,"
    "   " THP_RANK_NAME "(" THP_T_FTS ", ?4, ?5, d.year, ?6) AS r"
    "  FROM " THP_T_FTS " JOIN " THP_T_DOCS " d ON d.id = " THP_T_FTS ".rowid"
    "  WHERE " THP_T_FTS " MATCH ?1),"
    " best AS (SELECT *, row_number() OVER (PARTITION BY grp"
    "  ORDER BY r DESC, id) AS rn FROM m)"
    " SELECT id, title, url, kind, date, r, year, location, partners,"
    " authors, anchor, page, repairs, grp FROM best WHERE rn = 1"
    " ORDER BY r DESC, id LIMIT ?2 OFFSET ?3";

static const char snippet_sql[] =
    "SELECT snippet(" THP_T_FTS ", 1, char(1), char(2), '…', 32) FROM "
    THP_T_FTS " WHERE " THP_T_FTS " MATCH ?1 AND rowid = ?2";

static const char sources_sql[] =
    "SELECT url FROM doc_sources WHERE doc_id = ?1 ORDER BY source_key";

/* The other members of a hit's near-duplicate group. */
static const char similar_sql[] =
    "SELECT url FROM " THP_T_DOCS " WHERE (dup_group = ?2 OR id = ?2)"
    " AND id != ?1 ORDER BY id";

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *v = sqlite3_column_text(st, i);

    if (v == NULL)
        return NULL;
    return thp_strndup((const char *)v, (size_t)sqlite3_column_bytes(st, i));
}

/* Append the first column of every row of st (bound already) to *v. */
static int collect_urls(sqlite3_stmt *st, char ***v, size_t *n)
{
    int step;

    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        char **nv = thp_realloc(*v, (*n + 1) * sizeof *nv);

        if (nv == NULL)
            break;
        *v = nv;
        if ((nv[*n] = col_dup(st, 0)) == NULL)
            break;
        (*n)++;
    }
    sqlite3_reset(st);
    return step;
}

/*
** An error from FTS5 while running a compiled query. qparse quotes every
** word, so this is rare (e.g. a query too complex); it is the query's
** fault, not the server's, unless SQLite reports an I/O-level problem.
*/
static int run_error(sqlite3 *db, int rc, struct thp_err *err)
{
    int prim = rc & 0xFF;

    if (prim == SQLITE_ERROR)
        return thp_err_set(err, THP_ERR_SYNTAX, "query rejected: %s",
                           sqlite3_errmsg(db));
    return thp_err_set(err, THP_ERR_DB, "searching: %s", sqlite3_errmsg(db));
}

void thp_result_release(struct thp_result *res)
{
    size_t i;

    for (i = 0; i < res->nhits; i++) {
        struct thp_hit *h = &res->hits[i];

        size_t j;

        thp_free(h->title);
        thp_free(h->url);
        thp_free(h->kind);
        thp_free(h->date);
        thp_free(h->location);
        thp_free(h->partners);
        thp_free(h->authors);
        thp_free(h->anchor);
        thp_free(h->repairs);
        thp_free(h->snippet);
        for (j = 0; j < h->nsources; j++)
            thp_free(h->sources[j]);
        thp_free(h->sources);
        for (j = 0; j < h->nsimilar; j++)
            thp_free(h->similar[j]);
        thp_free(h->similar);
    }
    thp_free(res->hits);
    thp_free(res->query);
    thp_free(res->match);
    thp_free(res->roles);
    memset(res, 0, sizeof *res);
}

/* Snippet, sources and near-duplicates of each hit on the page. */
static int fetch_details(sqlite3 *db, struct thp_result *res, int flags,
                         struct thp_err *err)
{
    sqlite3_stmt *sn = NULL, *so = NULL, *si = NULL;
    size_t i;
    int rc = THP_OK;

    if (sqlite3_prepare_v2(db, snippet_sql, -1, &sn, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sources_sql, -1, &so, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, similar_sql, -1, &si, NULL) != SQLITE_OK) {
        rc = thp_err_set(err, THP_ERR_DB, "preparing snippets: %s",
                         sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_bind_text(sn, 1, res->match, -1, SQLITE_STATIC);
    for (i = 0; i < res->nhits && rc == THP_OK; i++) {
        struct thp_hit *h = &res->hits[i];
        int step;

        if (flags & THP_QUERY_NO_SNIPPET) {
            step = SQLITE_DONE;
        } else {
            sqlite3_bind_int64(sn, 2, h->id);
            step = sqlite3_step(sn);
        }
        if (step == SQLITE_ROW) {
            /* a snippet from the start of the body begins with the
            ** language tag FTS5 was shown (tok.h): not for readers */
            const char *v = (const char *)sqlite3_column_text(sn, 0);
            size_t len = (size_t)sqlite3_column_bytes(sn, 0);
            size_t tag = v ? thp_tok_tag_len(v, len) : 0;

            h->snippet = v ? thp_strndup(v + tag, len - tag) : thp_strdup("");
        } else {
            h->snippet = thp_strdup("");
        }
        sqlite3_reset(sn);
        if (step != SQLITE_ROW && step != SQLITE_DONE) {
            rc = run_error(db, step, err);
            break;
        }
        sqlite3_bind_int64(so, 1, h->id);
        step = collect_urls(so, &h->sources, &h->nsources);
        if (step == SQLITE_DONE) {
            sqlite3_bind_int64(si, 1, h->id);
            sqlite3_bind_int64(si, 2, h->group);
            step = collect_urls(si, &h->similar, &h->nsimilar);
        }
        if (step != SQLITE_DONE && step != SQLITE_ROW)
            rc = run_error(db, step, err);
        else if (step == SQLITE_ROW || h->snippet == NULL)
            rc = thp_err_set(err, THP_ERR_NOMEM, "search: out of memory");
    }
out:
    sqlite3_finalize(sn);
    sqlite3_finalize(so);
    sqlite3_finalize(si);
    return rc;
}

static int fetch_hits(sqlite3 *db, struct thp_result *res,
                      const struct thp_query_opts *opts, const char *params,
                      const char *weights, struct thp_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, hits_sql, -1, &st, NULL) != SQLITE_OK)
        return thp_err_set(err, THP_ERR_DB, "preparing search: %s",
                           sqlite3_errmsg(db));
    res->hits = thp_calloc(res->limit, sizeof *res->hits);
    if (res->hits == NULL) {
        sqlite3_finalize(st);
        return thp_err_set(err, THP_ERR_NOMEM, "search: out of memory");
    }
    sqlite3_bind_text(st, 1, res->match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)res->limit);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)res->offset);
    sqlite3_bind_text(st, 4, res->roles, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, params, -1, SQLITE_STATIC);
    if (weights && weights[0])
        sqlite3_bind_text(st, 6, weights, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && res->nhits < res->limit) {
        struct thp_hit *h = &res->hits[res->nhits++];

        h->id = sqlite3_column_int64(st, 0);
        h->title = col_dup(st, 1);
        h->url = col_dup(st, 2);
        h->kind = col_dup(st, 3);
        h->date = col_dup(st, 4);
        h->score = sqlite3_column_double(st, 5);
        h->year = sqlite3_column_int(st, 6);
        h->location = col_dup(st, 7);
        h->partners = col_dup(st, 8);
        h->authors = col_dup(st, 9);
        h->anchor = col_dup(st, 10);
        h->page = sqlite3_column_int(st, 11);
        h->repairs = col_dup(st, 12);
        h->group = sqlite3_column_int64(st, 13);
        if (!h->title || !h->url || !h->kind) {
            sqlite3_finalize(st);
            return thp_err_set(err, THP_ERR_NOMEM, "search: out of memory");
        }
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        rc = run_error(db, rc, err);
        sqlite3_finalize(st);
        return rc;
    }
    sqlite3_finalize(st);
    return fetch_details(db, res, opts->flags, err);
}

static int count_hits(sqlite3 *db, struct thp_result *res,
                      struct thp_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, count_sql, -1, &st, NULL) != SQLITE_OK)
        return thp_err_set(err, THP_ERR_DB, "preparing count: %s",
                           sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, res->match, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        res->total = sqlite3_column_int64(st, 0);
        rc = THP_OK;
    } else {
        rc = run_error(db, rc, err);
    }
    sqlite3_finalize(st);
    return rc;
}

int thp_query_run(thp_index *idx, const char *q, size_t n,
                  const struct thp_query_opts *opts, struct thp_result *res,
                  struct thp_err *err)
{
    sqlite3 *db = thp_index_db(idx);
    struct thp_buf match, roles, weights;
    struct thp_rank_params rank;
    char params[512];
    double t0 = now_ms();
    int rc;

    memset(res, 0, sizeof *res);
    res->limit = opts->limit ? opts->limit : 10;
    if (res->limit > THP_QUERY_MAX_LIMIT)
        res->limit = THP_QUERY_MAX_LIMIT;
    res->offset = opts->offset;
    if (opts->rank)
        rank = *opts->rank;
    else
        thp_rank_defaults(&rank);
    if (thp_rank_format(&rank, params, sizeof params) >= sizeof params)
        return thp_err_set(err, THP_ERR_MISUSE, "ranking parameters too long");
    thp_buf_init(&match, 0);
    thp_buf_init(&roles, 0);
    thp_buf_init(&weights, 0);
    rc = thp_qparse(q, n, opts->flags & 0xFF, &match, &roles, err);
    if (rc == THP_OK && rank.fb_docs > 0 && match.n > 0)
        rc = thp_expand(db, &rank, params, &match, &roles, &weights, err);
    if (rc == THP_OK) {
        res->match = thp_buf_detach(&match);
        res->roles = thp_buf_detach(&roles);
        res->query = thp_strndup(q, n);
        if (res->match == NULL || res->roles == NULL || res->query == NULL)
            rc = thp_err_set(err, THP_ERR_NOMEM, "search: out of memory");
    }
    thp_buf_release(&match);
    thp_buf_release(&roles);
    /* An empty expression (nothing searchable) has no hits, not an error. */
    if (rc == THP_OK && res->match[0] != '\0') {
        rc = count_hits(db, res, err);
        if (rc == THP_OK && res->total > (int64_t)res->offset)
            rc = fetch_hits(db, res, opts, params, weights.s, err);
    }
    thp_buf_release(&weights);
    if (rc != THP_OK) {
        thp_result_release(res);
        return rc;
    }
    res->took_ms = now_ms() - t0;
    return THP_OK;
}

static const char doc_sql[] =
    "SELECT title, url, kind, date, body FROM " THP_T_DOCS " WHERE id = ?1";

int thp_query_document(thp_index *idx, int64_t id, struct thp_document *doc,
                       struct thp_err *err)
{
    sqlite3 *db = thp_index_db(idx);
    sqlite3_stmt *st = NULL;
    int rc;

    memset(doc, 0, sizeof *doc);
    if (sqlite3_prepare_v2(db, doc_sql, -1, &st, NULL) != SQLITE_OK)
        return thp_err_set(err, THP_ERR_DB, "preparing document: %s",
                           sqlite3_errmsg(db));
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        doc->id = id;
        doc->title = col_dup(st, 0);
        doc->url = col_dup(st, 1);
        doc->kind = col_dup(st, 2);
        doc->date = col_dup(st, 3);
        doc->body = col_dup(st, 4);
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
    thp_free(doc->kind);
    thp_free(doc->date);
    thp_free(doc->body);
    memset(doc, 0, sizeof *doc);
}

/*==================== Output ====================*/

int thp_snippet_html(struct thp_buf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\x01': thp_buf_puts(out, "<mark>"); break;
        case '\x02': thp_buf_puts(out, "</mark>"); break;
        case '&': thp_buf_puts(out, "&amp;"); break;
        case '<': thp_buf_puts(out, "&lt;"); break;
        case '>': thp_buf_puts(out, "&gt;"); break;
        case '"': thp_buf_puts(out, "&quot;"); break;
        case '\'': thp_buf_puts(out, "&#39;"); break;
        case '\n': case '\f':
            if (out->n == 0 || out->s[out->n - 1] != ' ')
                thp_buf_putc(out, ' ');
            break;
        default: thp_buf_putc(out, *s); break;
        }
    }
    return out->rc;
}

int thp_snippet_term(struct thp_buf *out, const char *s, const char *open,
                     const char *close)
{
    for (; *s; s++) {
        if (*s == '\x01')
            thp_buf_puts(out, open);
        else if (*s == '\x02')
            thp_buf_puts(out, close);
        else if (*s == '\n' || *s == '\f') {
            if (out->n == 0 || out->s[out->n - 1] != ' ')
                thp_buf_putc(out, ' ');
        }
        else
            thp_buf_putc(out, *s);
    }
    return out->rc;
}

int thp_result_json(const struct thp_result *res, struct thp_buf *out)
{
    struct thp_buf snip;
    size_t i, j;

    thp_buf_init(&snip, 0);
    thp_buf_putc(out, '{');
    thp_json_key(out, "query", 1);
    thp_json_cstr(out, res->query);
    thp_json_key(out, "total", 0);
    thp_buf_printf(out, "%lld", (long long)res->total);
    thp_json_key(out, "limit", 0);
    thp_buf_printf(out, "%zu", res->limit);
    thp_json_key(out, "offset", 0);
    thp_buf_printf(out, "%zu", res->offset);
    thp_json_key(out, "took_ms", 0);
    thp_buf_printf(out, "%.3f", res->took_ms);
    thp_json_key(out, "hits", 0);
    thp_buf_putc(out, '[');
    for (i = 0; i < res->nhits; i++) {
        const struct thp_hit *h = &res->hits[i];

        if (i)
            thp_buf_putc(out, ',');
        thp_buf_putc(out, '{');
        thp_json_key(out, "id", 1);
        thp_buf_printf(out, "%lld", (long long)h->id);
        thp_json_key(out, "title", 0);
        thp_json_cstr(out, h->title);
        thp_json_key(out, "url", 0);
        thp_json_cstr(out, h->url);
        thp_json_key(out, "kind", 0);
        thp_json_cstr(out, h->kind);
        thp_json_key(out, "date", 0);
        thp_json_cstr(out, h->date);
        thp_json_key(out, "year", 0);
        if (h->year)
            thp_buf_printf(out, "%d", h->year);
        else
            thp_buf_puts(out, "null");
        thp_json_key(out, "location", 0);
        thp_json_cstr(out, h->location);
        thp_json_key(out, "partners", 0);
        thp_json_cstr(out, h->partners);
        thp_json_key(out, "authors", 0);
        thp_json_cstr(out, h->authors);
        thp_json_key(out, "page", 0);
        if (h->page)
            thp_buf_printf(out, "%d", h->page);
        else
            thp_buf_puts(out, "null");
        thp_json_key(out, "score", 0);
        thp_buf_printf(out, "%.4f", h->score);
        thp_json_key(out, "snippet", 0);
        thp_buf_reset(&snip);
        thp_snippet_html(&snip, h->snippet ? h->snippet : "");
        thp_json_str(out, snip.s ? snip.s : "", snip.n);
        thp_json_key(out, "repairs", 0);
        /* stored as JSON by thp-index; anything else is not passed on */
        if (h->repairs && h->repairs[0] == '{')
            thp_buf_puts(out, h->repairs);
        else
            thp_buf_puts(out, "null");
        thp_json_key(out, "sources", 0);
        thp_buf_putc(out, '[');
        for (j = 0; j < h->nsources; j++) {
            if (j)
                thp_buf_putc(out, ',');
            thp_json_cstr(out, h->sources[j]);
        }
        thp_buf_putc(out, ']');
        thp_json_key(out, "near_duplicates", 0);
        thp_buf_putc(out, '[');
        for (j = 0; j < h->nsimilar; j++) {
            if (j)
                thp_buf_putc(out, ',');
            thp_json_cstr(out, h->similar[j]);
        }
        thp_buf_puts(out, "]}");
    }
    thp_buf_puts(out, "]}");
    if (snip.rc != THP_OK && out->rc == THP_OK)
        out->rc = snip.rc;
    thp_buf_release(&snip);
    return out->rc;
}
