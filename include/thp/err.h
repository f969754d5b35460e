/*
** err.h: result codes and the error record every fallible call fills.
**
** A fallible function returns an int: THP_OK (0) or one of the THP_ERR_*
** codes below. Detail goes into a caller-owned struct thp_err, which may be
** NULL when the caller only wants the code. The first error recorded wins
** (later calls leave it alone), messages hold no newline, and recording an
** error never allocates.
*/
#ifndef THP_ERR_H
#define THP_ERR_H

#include <stddef.h>

#define THP_ERR_LEN 256

enum {
    THP_OK = 0,
    THP_ERR_NOMEM,   /* an allocation failed */
    THP_ERR_IO,      /* a file or socket operation failed */
    THP_ERR_SYNTAX,  /* input (a query, a page) is malformed */
    THP_ERR_TOOBIG,  /* input is larger than the configured cap */
    THP_ERR_CORRUPT, /* the index is damaged or of another version */
    THP_ERR_DB,      /* SQLite reported an error */
    THP_ERR_MISUSE,  /* the caller broke an API contract */
    THP_ERR_NOTFOUND /* the thing asked for does not exist */
};

struct thp_err {
    int rc;                 /* THP_OK until an error is recorded */
    size_t pos;             /* position in the input, if haspos */
    int haspos;             /* 1 when pos was recorded (thp_err_setpos) */
    char msg[THP_ERR_LEN];  /* one line, no trailing newline */
};

/* Reset an error record to "no error". */
void thp_err_clear(struct thp_err *err);

/*
** Record an error with a printf-style message and return rc, so that a
** failure is one line: return thp_err_set(err, THP_ERR_IO, "...", ...).
** err may be NULL. If err already holds an error it is kept unchanged.
*/
int thp_err_set(struct thp_err *err, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As thp_err_set(), also recording a position in the input (haspos). */
int thp_err_setpos(struct thp_err *err, int rc, size_t pos,
                   const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A static English description of a result code. */
const char *thp_strerror(int rc);

#endif
