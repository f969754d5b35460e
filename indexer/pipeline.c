/*
** pipeline.c: the threads of pipeline.h. The walker puts one item per
** file (or walk error, or finished root) into an ordered queue (queue.h);
** workers prepare the sources; the writer takes them out in order. Helper
** threads block SIGINT and SIGTERM, so the signals reach the writer, which
** decides when to stop; stopping cancels the queue, which ends every wait.
*/
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"
#include "queue.h"
#include "thp/index.h"
#include "thp/mem.h"
#include "walk.h"

#define MAX_WORKERS 16

struct pipeline {
    const char *const *roots;
    int nroots, full;
    const char *index_path;
    pipeline_name_fn name;
    size_t root_len;      /* length of the real path of the root walked */
    char root[PATH_MAX];  /* that real path */
    struct queue *q;
    thp_index *hints;     /* the walker's read-only connection, or NULL */
    pthread_t walker, worker[MAX_WORKERS];
    int nworkers, walker_started;
    int stopped;          /* the walker met a cancelled queue */
};

static struct pl_item *item_new(enum pl_what what, const char *path,
                                const char *reason)
{
    struct pl_item *it = thp_calloc(1, sizeof *it);

    if (it == NULL)
        return NULL;
    it->what = what;
    if (path && (it->path = thp_strdup(path)) == NULL) {
        thp_free(it);
        return NULL;
    }
    if (reason)
        snprintf(it->reason, sizeof it->reason, "%s", reason);
    return it;
}

void pipeline_item_free(struct pl_item *it)
{
    if (it == NULL)
        return;
    src_free(it->src);
    thp_free(it->path);
    thp_free(it);
}

/* Queue an item; a failed put (the writer stopped) stops the walk. */
static int put(struct pipeline *p, struct pl_item *it)
{
    if (it == NULL || queue_put(p->q, it) != THP_OK) {
        pipeline_item_free(it);
        p->stopped = 1;
        return 1;
    }
    return 0;
}

/*==================== The walker ====================*/

static int on_file(const char *abs, const struct stat *st, void *arg)
{
    struct pipeline *p = arg;
    char namebuf[PATH_MAX];
    const char *path = p->name(abs, namebuf, sizeof namebuf), *rel;
    struct pl_item *it;

    if (src_kind_of(path) == K_NONE)
        return 0;
    /* a link may lead anywhere: only files inside the root are read */
    if (p->root_len > 1) {
        char real[PATH_MAX];

        if (realpath(abs, real) == NULL ||
            strncmp(real, p->root, p->root_len) != 0 ||
            (real[p->root_len] != '/' && real[p->root_len] != '\0'))
            return put(p, item_new(PL_WALK_ERROR, abs,
                                   "skipped (symlink outside corpus)"));
    }
    /* below the root being walked (a root that is a file: its name) */
    rel = strlen(abs) > p->root_len && abs[p->root_len] == '/'
              ? abs + p->root_len + 1
              : strrchr(abs, '/') ? strrchr(abs, '/') + 1 : abs;
    it = item_new(PL_SOURCE, NULL, NULL);
    if (it && (it->src = src_new(path, abs, rel, st)) == NULL) {
        pipeline_item_free(it);
        it = NULL;
    }
    /* a hint only: the writer looks again on its own connection */
    if (it && p->hints && !p->full &&
        thp_index_source_get(p->hints, path, &it->src->prev, NULL) == THP_OK)
        it->src->hinted = 1;
    return put(p, it);
}

static void on_error(const char *path, const char *reason, void *arg)
{
    struct pipeline *p = arg;

    if (!p->stopped)
        put(p, item_new(PL_WALK_ERROR, path, reason));
}

static void *walker_main(void *arg)
{
    struct pipeline *p = arg;
    char real[PATH_MAX];
    int i;

    if (!p->full)
        thp_index_open(p->index_path, THP_INDEX_READ, &p->hints, NULL);
    for (i = 0; i < p->nroots && !p->stopped; i++) {
        if (realpath(p->roots[i], real) == NULL) {
            put(p, item_new(PL_ROOT_ERROR, p->roots[i], strerror(errno)));
            continue;
        }
        p->root_len = strlen(real);
        snprintf(p->root, sizeof p->root, "%s", real);
        if (walk_path(real, on_file, on_error, p) != 0 || p->stopped)
            break;
        put(p, item_new(PL_ROOT_DONE, real, NULL));
    }
    thp_index_close(p->hints);
    p->hints = NULL;
    queue_close(p->q);
    return NULL;
}

/*==================== The workers ====================*/

/* Does the hint say that this much is already known to be unneeded? */
static int hint_same_stat(const struct src *s)
{
    return s->hinted && s->prev.found && !s->prev.failed &&
           s->prev.mtime == (int64_t)s->st.st_mtime &&
           s->prev.size == (int64_t)s->st.st_size;
}

static int hint_same_hash(const struct src *s)
{
    return s->hinted && s->prev.found && !s->prev.failed &&
           strcmp(s->prev.hash, s->hash) == 0;
}

static void *worker_main(void *arg)
{
    struct pipeline *p = arg;
    struct pl_item *it;
    size_t seq;

    while ((it = queue_claim(p->q, &seq)) != NULL) {
        struct src *s = it->src;

        if (s && !hint_same_stat(s)) {
            src_read(s);
            if (s->rc != THP_OK || !hint_same_hash(s))
                src_prepare(s);
        }
        queue_done(p->q, seq, s ? src_weight(s) : sizeof *it);
    }
    return NULL;
}

/*==================== The writer's side ====================*/

int pipeline_start(const char *const *roots, int nroots,
                   const char *index_path, int full, pipeline_name_fn name,
                   int workers, struct pipeline **out, struct thp_err *err)
{
    struct pipeline *p;
    sigset_t block, old;
    int rc;

    *out = NULL;
    p = thp_calloc(1, sizeof *p);
    if (p == NULL)
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    p->roots = roots;
    p->nroots = nroots;
    p->index_path = index_path;
    p->full = full;
    p->name = name;
    if (queue_new(PIPELINE_SLOTS, PIPELINE_BYTES, &p->q, err) != THP_OK) {
        thp_free(p);
        return err && err->rc ? err->rc : THP_ERR_NOMEM;
    }
    if (workers < 1)
        workers = 1;
    if (workers > MAX_WORKERS)
        workers = MAX_WORKERS;
    /* the helpers inherit this mask: signals go to the writer */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    rc = pthread_create(&p->walker, NULL, walker_main, p);
    p->walker_started = rc == 0;
    while (rc == 0 && p->nworkers < workers) {
        rc = pthread_create(&p->worker[p->nworkers], NULL, worker_main, p);
        if (rc == 0)
            p->nworkers++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0 && p->nworkers == 0) {
        pipeline_stop(p);
        return thp_err_set(err, THP_ERR_MISUSE, "cannot start threads: %s",
                           strerror(rc));
    }
    *out = p;
    return THP_OK;
}

struct pl_item *pipeline_next(struct pipeline *p)
{
    return queue_take(p->q);
}

void pipeline_stop(struct pipeline *p)
{
    struct pl_item *it;
    int i;

    if (p == NULL)
        return;
    queue_cancel(p->q);
    if (p->walker_started)
        pthread_join(p->walker, NULL);
    for (i = 0; i < p->nworkers; i++)
        pthread_join(p->worker[i], NULL);
    while ((it = queue_drain(p->q)) != NULL)
        pipeline_item_free(it);
    queue_free(p->q);
    thp_free(p);
}
