/*
** query.h: one-call searches over an open index, for tests and tools that
** hold a thp_index (thp_query_run: a request run through exec.h on a
** reader made for the call), and one stored document as /doc/ID shows it.
** Programs that answer many searches keep a reader (exec.h) instead.
*/
#ifndef THP_QUERY_H
#define THP_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "thp/err.h"
#include "thp/exec.h"
#include "thp/index.h"
#include "thp/rank.h"

#define THP_QUERY_MAX_LIMIT THP_REQUEST_MAX_LIMIT

/* Beside the THP_QP_* flags of qparse.h, in thp_query_opts.flags: */
#define THP_QUERY_NO_SNIPPET 0x100 /* ranking only: no passages made */

struct thp_query_opts {
    size_t limit;  /* hits wanted; 0 means 10 */
    size_t offset; /* hits to skip */
    int flags;     /* THP_QP_* from qparse.h, THP_QUERY_* above */
    const struct thp_rank_params *rank; /* NULL: the defaults (rank.h) */
};

/*
** Run query q[0..n) against idx with opts. On success res holds the page
** (release with thp_result_release). Errors as thp_exec's.
*/
int thp_query_run(thp_index *idx, const char *q, size_t n,
                  const struct thp_query_opts *opts, struct thp_result *res,
                  struct thp_err *err);

/* One stored document, as /doc/ID shows it. Strings owned by it. */
struct thp_document {
    int64_t id;
    char *title, *url, *path, *kind, *date, *body; /* date may be NULL */
    char *lang, *repairs, *location, *authors, *partners; /* may be NULL */
    int page;
};

/* Fetch document id; THP_ERR_NOTFOUND if there is none. body is cut to
** max bytes when max > 0 (at a character boundary). */
int thp_query_document(thp_index *idx, int64_t id, size_t max,
                       struct thp_document *doc, struct thp_err *err);

void thp_document_release(struct thp_document *doc);

#endif
