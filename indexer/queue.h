/*
** queue.h: a bounded, ordered hand-over of jobs between threads.
**
** One producer appends jobs in order (queue_put). Any number of workers
** claim the oldest job nobody has claimed (queue_claim), work on it
** without holding any lock, and hand it back (queue_done). One consumer
** takes the jobs out in the order they were put (queue_take), each only
** once its worker is done with it. So work runs in parallel and results
** come out in input order.
**
** Bounds: at most `slots` jobs are in the queue (put blocks while it is
** full), and workers stop claiming while the weight of finished jobs not
** yet taken exceeds `max_weight` -- except the oldest job, which is always
** claimable so that the consumer can go on. Memory is then bounded by
** max_weight plus one job per worker, whatever the input.
**
** The queue never owns a job: jobs are the caller's, passed by pointer.
** All functions are thread-safe. Nothing here prints or exits.
*/
#ifndef THP_QUEUE_H
#define THP_QUEUE_H

#include <stddef.h>

#include "thp/err.h"

struct queue;

/*
** A queue of slots jobs (>= 1) and a finished weight of max_weight (0: no
** limit). On success *out is the caller's (queue_free); THP_ERR_NOMEM or
** THP_ERR_MISUSE (slots 0, or threads unavailable) otherwise.
*/
int queue_new(size_t slots, size_t max_weight, struct queue **out,
              struct thp_err *err);

/* Free the queue; no thread may use it any more. NULL is a no-op. */
void queue_free(struct queue *q);

/*
** Producer: append job (not NULL), waiting while the queue is full.
** Returns THP_OK, or THP_ERR_MISUSE if the queue was cancelled or closed
** (the job was not queued and stays the caller's).
*/
int queue_put(struct queue *q, void *job);

/* Producer: no more jobs. Workers and the consumer finish what is left. */
void queue_close(struct queue *q);

/*
** Worker: the oldest unclaimed job, waiting for one; *seq gets its ticket
** for queue_done. NULL when the queue is closed and every job claimed, or
** cancelled.
*/
void *queue_claim(struct queue *q, size_t *seq);

/* Worker: the job of ticket seq is finished and weighs weight. */
void queue_done(struct queue *q, size_t seq, size_t weight);

/*
** Consumer: the oldest job once it is done, waiting for it. NULL when the
** queue is closed and empty, or cancelled.
*/
void *queue_take(struct queue *q);

/*
** Anyone: stop. Every wait returns at once; put fails, claim and take
** give NULL from now on. Jobs still in the queue are left there:
** queue_drain hands them back for freeing once the workers have stopped.
*/
void queue_cancel(struct queue *q);

/*
** After the workers and the producer have stopped (threads joined): take
** out the next job left in the queue, done or not, or NULL when empty.
*/
void *queue_drain(struct queue *q);

#endif
