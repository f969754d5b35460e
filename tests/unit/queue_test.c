/*
** queue_test.c: thp-index's ordered work queue (indexer/queue.c): input
** order kept whatever order the work finishes in, the slot and weight
** bounds, close and cancel, and many threads at once.
*/
#include <pthread.h>
#include <stdint.h>

#include "../../indexer/queue.h"
#include "check.h"
#include "thp/err.h"

#define NJOBS 20000
#define NWORKERS 3

struct job {
    int n;       /* input, in put order */
    int square;  /* the work: n * n */
    int worked;  /* times a worker did it */
};

static struct job jobs[NJOBS];

static void *producer(void *arg)
{
    struct queue *q = arg;
    int i;

    for (i = 0; i < NJOBS; i++) {
        jobs[i].n = i;
        if (queue_put(q, &jobs[i]) != THP_OK)
            break;
    }
    queue_close(q);
    return NULL;
}

static void *worker(void *arg)
{
    struct queue *q = arg;
    struct job *j;
    size_t seq;

    while ((j = queue_claim(q, &seq)) != NULL) {
        j->square = j->n * j->n;
        j->worked++;
        queue_done(q, seq, (size_t)(j->n % 7));
    }
    return NULL;
}

/* Put in order, finish out of order, take in order; then the bounds. */
static void single_thread(void)
{
    struct queue *q;
    struct thp_err err;
    int a = 1, b = 2, c = 3;
    size_t sa, sb, sc;

    thp_err_clear(&err);
    CHECK(queue_new(0, 0, &q, &err) == THP_ERR_MISUSE && q == NULL);
    CHECK(queue_new(3, 10, &q, NULL) == THP_OK && q != NULL);
    CHECK(queue_put(q, &a) == THP_OK);
    CHECK(queue_put(q, &b) == THP_OK);
    CHECK(queue_put(q, &c) == THP_OK);
    CHECK(queue_claim(q, &sa) == &a);
    CHECK(queue_claim(q, &sb) == &b);
    CHECK(queue_claim(q, &sc) == &c);
    queue_done(q, sc, 1);
    queue_done(q, sb, 1);
    queue_done(q, sa, 1);
    CHECK(queue_take(q) == &a);
    CHECK(queue_take(q) == &b);

    /* weight: counted when done, given back when taken */
    CHECK(queue_put(q, &a) == THP_OK);
    CHECK(queue_put(q, &b) == THP_OK);
    CHECK(queue_claim(q, &sa) == &a);
    queue_done(q, sa, 100);     /* c (1) + a (100) done, not taken */
    CHECK(queue_take(q) == &c); /* the oldest is c: 100 left */
    CHECK(queue_take(q) == &a); /* 0 left */
    CHECK(queue_claim(q, &sb) == &b);
    queue_done(q, sb, 0);
    CHECK(queue_take(q) == &b);

    /* close: the rest is handed out, then NULL; put refused */
    CHECK(queue_put(q, &c) == THP_OK);
    queue_close(q);
    CHECK(queue_put(q, &a) == THP_ERR_MISUSE);
    CHECK(queue_claim(q, &sc) == &c);
    CHECK(queue_claim(q, &sa) == NULL);
    queue_done(q, sc, 0);
    CHECK(queue_take(q) == &c);
    CHECK(queue_take(q) == NULL);
    queue_free(q);

    /* cancel: waits end, the jobs left come back through drain */
    CHECK(queue_new(2, 0, &q, NULL) == THP_OK);
    CHECK(queue_put(q, &a) == THP_OK);
    CHECK(queue_put(q, &b) == THP_OK);
    CHECK(queue_claim(q, &sa) == &a);
    queue_cancel(q);
    CHECK(queue_put(q, &c) == THP_ERR_MISUSE); /* full, but no wait */
    CHECK(queue_claim(q, &sb) == NULL);
    CHECK(queue_take(q) == NULL);
    CHECK(queue_drain(q) == &a);
    CHECK(queue_drain(q) == &b);
    CHECK(queue_drain(q) == NULL);
    queue_free(q);
    queue_free(NULL);
}

/* A producer, NWORKERS workers and this thread as the consumer. */
static void threads(size_t slots, size_t max_weight)
{
    pthread_t p, w[NWORKERS];
    struct queue *q;
    struct job *j;
    int i, in_order = 1, right = 1, once = 1, n = 0;

    for (i = 0; i < NJOBS; i++)
        jobs[i].worked = jobs[i].square = 0;
    CHECK(queue_new(slots, max_weight, &q, NULL) == THP_OK);
    CHECK(pthread_create(&p, NULL, producer, q) == 0);
    for (i = 0; i < NWORKERS; i++)
        CHECK(pthread_create(&w[i], NULL, worker, q) == 0);
    while ((j = queue_take(q)) != NULL) {
        in_order &= j->n == n;
        right &= j->square == j->n * j->n;
        once &= j->worked == 1;
        n++;
    }
    CHECK(n == NJOBS);
    CHECK(in_order);
    CHECK(right);
    CHECK(once);
    pthread_join(p, NULL);
    for (i = 0; i < NWORKERS; i++)
        pthread_join(w[i], NULL);
    queue_free(q);
}

/* The consumer stops half-way: cancel ends the producer and workers. */
static void cancel_midway(void)
{
    pthread_t p, w[NWORKERS];
    struct queue *q;
    int i, n = 0;

    CHECK(queue_new(8, 0, &q, NULL) == THP_OK);
    CHECK(pthread_create(&p, NULL, producer, q) == 0);
    for (i = 0; i < NWORKERS; i++)
        CHECK(pthread_create(&w[i], NULL, worker, q) == 0);
    while (n < 100 && queue_take(q) != NULL)
        n++;
    queue_cancel(q);
    CHECK(queue_take(q) == NULL);
    pthread_join(p, NULL);
    for (i = 0; i < NWORKERS; i++)
        pthread_join(w[i], NULL);
    n = 0;
    while (queue_drain(q) != NULL)
        n++;
    CHECK(n <= 8); /* never more than the slots */
    queue_free(q);
}

int main(void)
{
    single_thread();
    threads(1, 0);
    threads(64, 0);
    threads(64, 5); /* the weight cap binds all the time */
    cancel_midway();
    return check_done("queue");
}
