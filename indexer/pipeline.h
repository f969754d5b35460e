/*
** pipeline.h: the sources of a run, walked and prepared on threads and
** handed to the writer in walk order.
**
** A walker thread walks the roots (sorted, as walk.h) and looks each file
** up in the manifest through its own read-only connection, as a hint of
** what work it needs; worker threads read, hash and prepare the sources
** (source.h) in parallel; the caller's thread takes the results out in
** walk order with pipeline_next and alone writes the index. A source the
** hint calls unchanged is passed on unread, one touched but unchanged is
** passed on read but not prepared: the writer decides again on its own
** connection and finishes any work a stale hint skipped (src_prepare).
**
** Memory is bounded: at most PIPELINE_SLOTS items in flight, and workers
** pause while finished ones not yet taken hold more than PIPELINE_BYTES.
*/
#ifndef THP_PIPELINE_H
#define THP_PIPELINE_H

#include <stddef.h>

#include "source.h"
#include "thp/err.h"

#define PIPELINE_SLOTS 64
#define PIPELINE_BYTES (16u << 20)

/* What the writer gets, in walk order. */
enum pl_what {
    PL_SOURCE,     /* a source file: src */
    PL_WALK_ERROR, /* path (absolute) could not be walked: reason */
    PL_ROOT_ERROR, /* the root as given (path) does not resolve: reason */
    PL_ROOT_DONE   /* the walk of root path (absolute) is complete */
};

struct pl_item {
    enum pl_what what;
    struct src *src;  /* PL_SOURCE, owned */
    char *path;       /* owned */
    char reason[128];
};

/* The name a source is known by in the index, from its absolute path. */
typedef const char *(*pipeline_name_fn)(const char *abs, char *buf,
                                        size_t len);

struct pipeline;

/*
** Start walking roots[0..nroots) (borrowed until pipeline_stop) for the
** index at index_path. full: no hints, every source is prepared. workers:
** threads preparing sources (>= 1). On success *out is the caller's.
*/
int pipeline_start(const char *const *roots, int nroots,
                   const char *index_path, int full, pipeline_name_fn name,
                   int workers, struct pipeline **out, struct thp_err *err);

/* The next item in walk order, the caller's; NULL once all are taken. */
struct pl_item *pipeline_next(struct pipeline *p);

void pipeline_item_free(struct pl_item *it);

/*
** Stop (the walk and the work may be unfinished), wait for the threads,
** free what was not taken, and the pipeline. NULL is a no-op.
*/
void pipeline_stop(struct pipeline *p);

#endif
