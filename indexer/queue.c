/*
** queue.c: the ordered work queue of queue.h. A ring of slots and three
** counters that only grow: tail (next put), claim (next claim), head (next
** take); head <= claim <= tail and tail - head <= slots. One mutex guards
** all of it; three condition variables wake producer, workers, consumer.
*/
#include <pthread.h>

#include "queue.h"
#include "thp/mem.h"

enum { S_QUEUED, S_CLAIMED, S_DONE };

struct slot {
    void *job;
    size_t weight;  /* once done */
    int state;
};

struct queue {
    pthread_mutex_t mu;
    pthread_cond_t space;  /* a slot came free: the producer may put */
    pthread_cond_t work;   /* a job may be claimed */
    pthread_cond_t ready;  /* the oldest job may be done */
    struct slot *ring;
    size_t slots, max_weight;
    size_t head, claim, tail;
    size_t weight;         /* of done jobs not yet taken */
    int closed, cancelled;
};

int queue_new(size_t slots, size_t max_weight, struct queue **out,
              struct thp_err *err)
{
    struct queue *q;

    *out = NULL;
    if (slots == 0)
        return thp_err_set(err, THP_ERR_MISUSE, "queue of no slots");
    q = thp_calloc(1, sizeof *q);
    if (q == NULL || (q->ring = thp_calloc(slots, sizeof *q->ring)) == NULL) {
        thp_free(q);
        return thp_err_set(err, THP_ERR_NOMEM, "queue: out of memory");
    }
    if (pthread_mutex_init(&q->mu, NULL) != 0)
        goto no_threads;
    if (pthread_cond_init(&q->space, NULL) != 0)
        goto no_space;
    if (pthread_cond_init(&q->work, NULL) != 0)
        goto no_work;
    if (pthread_cond_init(&q->ready, NULL) != 0)
        goto no_ready;
    q->slots = slots;
    q->max_weight = max_weight;
    *out = q;
    return THP_OK;
no_ready:
    pthread_cond_destroy(&q->work);
no_work:
    pthread_cond_destroy(&q->space);
no_space:
    pthread_mutex_destroy(&q->mu);
no_threads:
    thp_free(q->ring);
    thp_free(q);
    return thp_err_set(err, THP_ERR_MISUSE, "queue: cannot set up locks");
}

void queue_free(struct queue *q)
{
    if (q == NULL)
        return;
    pthread_cond_destroy(&q->space);
    pthread_cond_destroy(&q->work);
    pthread_cond_destroy(&q->ready);
    pthread_mutex_destroy(&q->mu);
    thp_free(q->ring);
    thp_free(q);
}

int queue_put(struct queue *q, void *job)
{
    int rc = THP_OK;

    pthread_mutex_lock(&q->mu);
    while (!q->cancelled && !q->closed && q->tail - q->head == q->slots)
        pthread_cond_wait(&q->space, &q->mu);
    if (q->cancelled || q->closed) {
        rc = THP_ERR_MISUSE;
    } else {
        struct slot *s = &q->ring[q->tail % q->slots];

        s->job = job;
        s->weight = 0;
        s->state = S_QUEUED;
        q->tail++;
        pthread_cond_signal(&q->work);
    }
    pthread_mutex_unlock(&q->mu);
    return rc;
}

void queue_close(struct queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->work);
    pthread_cond_broadcast(&q->ready);
    pthread_cond_broadcast(&q->space);
    pthread_mutex_unlock(&q->mu);
}

/* May the next job be claimed now? (Called with the lock held.) */
static int claimable(const struct queue *q)
{
    if (q->claim == q->tail)
        return 0;
    /* the oldest job always: the consumer waits for it */
    return q->max_weight == 0 || q->weight <= q->max_weight ||
           q->claim == q->head;
}

void *queue_claim(struct queue *q, size_t *seq)
{
    void *job = NULL;

    pthread_mutex_lock(&q->mu);
    while (!q->cancelled && !claimable(q) &&
           !(q->closed && q->claim == q->tail))
        pthread_cond_wait(&q->work, &q->mu);
    if (!q->cancelled && claimable(q)) {
        struct slot *s = &q->ring[q->claim % q->slots];

        s->state = S_CLAIMED;
        job = s->job;
        *seq = q->claim++;
    }
    pthread_mutex_unlock(&q->mu);
    return job;
}

void queue_done(struct queue *q, size_t seq, size_t weight)
{
    struct slot *s;

    pthread_mutex_lock(&q->mu);
    s = &q->ring[seq % q->slots];
    s->state = S_DONE;
    s->weight = weight;
    q->weight += weight;
    if (seq == q->head)
        pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->mu);
}

void *queue_take(struct queue *q)
{
    void *job = NULL;

    pthread_mutex_lock(&q->mu);
    for (;;) {
        if (q->cancelled)
            break;
        if (q->head < q->tail && q->ring[q->head % q->slots].state == S_DONE)
            break;
        if (q->closed && q->head == q->tail)
            break;
        pthread_cond_wait(&q->ready, &q->mu);
    }
    if (!q->cancelled && q->head < q->tail) {
        struct slot *s = &q->ring[q->head % q->slots];

        job = s->job;
        q->weight -= s->weight;
        s->job = NULL;
        q->head++;
        /* a slot is free, and the weight may have fallen under the cap */
        pthread_cond_signal(&q->space);
        pthread_cond_broadcast(&q->work);
    }
    pthread_mutex_unlock(&q->mu);
    return job;
}

void queue_cancel(struct queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->cancelled = 1;
    pthread_cond_broadcast(&q->work);
    pthread_cond_broadcast(&q->ready);
    pthread_cond_broadcast(&q->space);
    pthread_mutex_unlock(&q->mu);
}

void *queue_drain(struct queue *q)
{
    void *job = NULL;

    pthread_mutex_lock(&q->mu);
    if (q->head < q->tail) {
        job = q->ring[q->head % q->slots].job;
        q->ring[q->head % q->slots].job = NULL;
        q->head++;
    }
    if (q->claim < q->head)
        q->claim = q->head;
    pthread_mutex_unlock(&q->mu);
    return job;
}
