/*
** query.h: the query core shared by thp-search and thp-searchd. A user
** query is compiled by qparse into an FTS5 expression, ranked by
** thp_rank() (BM25F with exact-form, proximity and recency terms, see
** rank.h), and returned as hits with snippets.
** Both programs answer through these calls and differ only in output.
**
** Snippets mark matched words with THP_MARK_OPEN / THP_MARK_CLOSE (control
** bytes the index never stores, see text.h); thp_snippet_html and
** thp_snippet_term turn them into <mark> or terminal bold.
*/
#ifndef THP_QUERY_H
#define THP_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "thp/buf.h"
#include "thp/err.h"
#include "thp/index.h"
#include "thp/rank.h"

#define THP_MARK_OPEN  "\x01"
#define THP_MARK_CLOSE "\x02"

#define THP_QUERY_MAX_LIMIT 1000 /* hits per page at most */

/* Beside the THP_QP_* flags of qparse.h, in thp_query_opts.flags: */
#define THP_QUERY_NO_SNIPPET 0x100 /* ranking only: no snippets made */

struct thp_query_opts {
    size_t limit;  /* hits wanted; 0 means 10 */
    size_t offset; /* hits to skip */
    int flags;     /* THP_QP_* from qparse.h, THP_QUERY_* above */
    const struct thp_rank_params *rank; /* NULL: the defaults (rank.h) */
};

struct thp_hit {
    int64_t id;
    char *title, *url, *kind;
    char *date, *location, *partners, *authors, *anchor; /* may be NULL */
    int year, page;                  /* 0 when unknown */
    char *snippet;                   /* body text with marks */
    double score;                    /* thp_rank(), higher is better */
    char *repairs;                   /* JSON: how its text was decoded and
                                        repaired, or NULL */
    char **sources;                  /* every url it was found at */
    size_t nsources;
    int64_t group;                   /* its near-duplicate group */
    char **similar;                  /* urls of its near-duplicates, which */
    size_t nsimilar;                 /* are not hits of their own */
};

/* A result page. Every string is owned by the result. */
struct thp_result {
    char *query;          /* the user's query as given */
    char *match;          /* the FTS5 expression it compiled to */
    char *roles;          /* its phrases' roles for thp_rank() */
    int64_t total;        /* matching documents, near-duplicates as one */
    size_t limit, offset;
    size_t nhits;
    struct thp_hit *hits;
    double took_ms;
};

/*
** Run query q[0..n) against idx. On success res holds the page (release
** with thp_result_release). A malformed query is THP_ERR_SYNTAX with
** err->pos set; an index problem THP_ERR_DB. On failure res is empty.
*/
int thp_query_run(thp_index *idx, const char *q, size_t n,
                  const struct thp_query_opts *opts, struct thp_result *res,
                  struct thp_err *err);

void thp_result_release(struct thp_result *res);

/* One stored document, as /doc/ID shows it. Strings owned by it. */
struct thp_document {
    int64_t id;
    char *title, *url, *kind, *date, *body; /* date may be NULL */
};

/* Fetch document id; THP_ERR_NOTFOUND if there is none. */
int thp_query_document(thp_index *idx, int64_t id, struct thp_document *doc,
                       struct thp_err *err);

void thp_document_release(struct thp_document *doc);

/*
** The JSON form shared by the CLI (--json) and the daemon:
** {"query","total","limit","offset","took_ms","hits":[{"id","title","url",
** "kind","date","year","location","partners","authors","page","score",
** "snippet","repairs","sources","near_duplicates"}]}, snippets HTML-escaped with <mark>; "sources"
** lists every place the document was found.
*/
int thp_result_json(const struct thp_result *res, struct thp_buf *out);

/* Append s HTML-escaped, marks as <mark>...</mark>. */
int thp_snippet_html(struct thp_buf *out, const char *s);

/* Append s with marks replaced by open/close (e.g. ANSI bold, or ""). */
int thp_snippet_term(struct thp_buf *out, const char *s, const char *open,
                     const char *close);

#endif
