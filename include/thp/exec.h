/*
** exec.h: running a search request on an index: the reader and the
** executor.
**
**   request (request.h) -> plan (plan.h, qparse.h, expand.h)
**       -> execute (here) -> result -> render (render.h)
**
** A reader is one read-only connection to an index with what its queries
** reuse: prepared statements, the query tokenizer, and the per-document
** values filters, facets, grouping and date order read (group, date,
** kind, language, location, authors), loaded once per index generation.
** A reader belongs to one thread at a time. Before each request it checks
** whether the index changed (another process committed, or a new file
** was renamed over the old one) and, if so, drops what it had cached and
** reopens the file when it was replaced.
**
** The executor ranks with thp_rank() (rank.h) in one pass over the
** matches, keeping only the best (offset + limit) in a bounded heap, so
** nothing per match is read from the documents table; near-duplicates
** (one dup_group) count and rank as one. Passages (passage.h), sources
** and near-duplicates are made for the hits shown only.
*/
#ifndef THP_EXEC_H
#define THP_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "thp/err.h"
#include "thp/index.h"
#include "thp/passage.h"
#include "thp/request.h"

typedef struct thp_reader thp_reader;

struct thp_hit {
    int64_t id;
    char *title, *url, *path, *kind;    /* url: where a visitor opens it;
                                           path: the source, as indexed */
    char *date, *location, *partners, *authors, *anchor, *lang; /* or NULL */
    int year, page;                     /* 0 when unknown */
    double score;                       /* thp_rank(), higher is better */
    char *repairs;                      /* JSON, or NULL */
    struct thp_passage *passages;       /* best first (passage.h) */
    size_t npassages;
    size_t nmatches;                    /* occurrences found in the text */
    char **sources;                     /* every url it was found at */
    size_t nsources;
    int64_t group;                      /* its near-duplicate group */
    char **similar;                     /* urls of its near-duplicates */
    size_t nsimilar;
};

struct thp_facet_value {
    char *value;
    int64_t count;
};

struct thp_facet {
    const char *name;                   /* "year", "kind", ... */
    struct thp_facet_value *v;          /* most documents first */
    size_t n;                           /* values given */
    size_t nvalues;                     /* values there are */
};

#define THP_MAX_FACETS 5

/* A result page. Every string is owned by the result. */
struct thp_result {
    char *query;            /* the user's query as given */
    char *match;            /* the FTS5 expression it compiled to */
    char *roles;            /* its phrases' roles for thp_rank() */
    int mode;               /* enum thp_mode as run */
    int relaxed;            /* simple mode found nothing with every word
                               and shows documents with any of them */
    int64_t total;          /* matching documents, near-duplicates as one */
    int total_exact;        /* 1: total is exact; 0: at least total */
    size_t limit, offset;
    int all;
    size_t nhits;
    struct thp_hit *hits;
    struct thp_facet facets[THP_MAX_FACETS];
    size_t nfacets;
    char *suggestion;       /* "did you mean", or NULL */
    int64_t generation;     /* of the index answered from */
    double took_ms;
};

/*
** Called once per hit when a request streams (limit=all, or each != NULL
** in thp_exec): res has its head filled (total, facets) and no hits; hit
** is freed after the call. Return THP_OK to go on.
*/
typedef int (*thp_hit_fn)(void *arg, const struct thp_result *res,
                          const struct thp_hit *hit, size_t rank);

/* Open a reader on the index file at path. *out is the caller's. */
int thp_reader_open(const char *path, thp_reader **out, struct thp_err *err);

/* A reader over an index already open (borrowed: the caller closes idx
** after the reader). Such a reader never reopens the file. */
int thp_reader_wrap(thp_index *idx, thp_reader **out, struct thp_err *err);

void thp_reader_close(thp_reader *rd);

/* The index it reads (owned by the reader). */
thp_index *thp_reader_index(thp_reader *rd);

/*
** Check whether the index changed since the last request and catch up:
** drop the cached values, and reopen when the file was replaced.
** *generation (may be NULL) is a number that changes with the index.
*/
int thp_reader_refresh(thp_reader *rd, int64_t *generation,
                       struct thp_err *err);

/*
** Run req on rd. Without each, res holds the page (release with
** thp_result_release). With each, every hit goes to each in order and
** res keeps only the head. A malformed query is THP_ERR_SYNTAX (err->pos
** when err->haspos), too long THP_ERR_TOOBIG, the index THP_ERR_DB, a
** query over its time budget THP_ERR_TOOBIG. On failure res is empty.
*/
int thp_exec(thp_reader *rd, const struct thp_request *req,
             struct thp_result *res, thp_hit_fn each, void *arg,
             struct thp_err *err);

/*
** Whether req's query and filters parse, without an index: the syntax
** error thp_exec would give (THP_ERR_SYNTAX with err->pos, or
** THP_ERR_TOOBIG), or THP_OK. A server answers a bad query with it
** before the query waits for a reader.
*/
int thp_request_check(const struct thp_request *req, struct thp_err *err);

void thp_result_release(struct thp_result *res);
void thp_hit_release(struct thp_hit *h);

/*
** Completions of the word being typed at the end of q[0..n): titles that
** match the words so far (prefix on the last), then frequent index terms
** that start with the last word. Up to limit strings in *out (each and
** the array freed with thp_free).
*/
int thp_suggest(thp_reader *rd, const char *q, size_t n, size_t limit,
                char ***out, size_t *nout, struct thp_err *err);

/* Time budget of one request, in milliseconds (0: none). */
void thp_reader_budget(thp_reader *rd, unsigned ms);

/*
** While a request runs, fn(arg) is asked every few milliseconds whether
** to stop it (its client went away, the program is stopping); nonzero
** stops the request with THP_ERR_IO "query cancelled", and
** thp_reader_cancelled says so until the next request. fn NULL: never.
*/
typedef int (*thp_cancel_fn)(void *arg);
void thp_reader_cancel(thp_reader *rd, thp_cancel_fn fn, void *arg);
int thp_reader_cancelled(const thp_reader *rd);

#endif
