/*
** err.c: recording errors into struct thp_err. Never allocates, so it is
** safe to call after an allocation failure.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "thp/err.h"

void thp_err_clear(struct thp_err *err)
{
    if (err == NULL)
        return;
    err->rc = THP_OK;
    err->pos = 0;
    err->haspos = 0;
    err->msg[0] = '\0';
}

static int err_vset(struct thp_err *err, int rc, int haspos, size_t pos,
                    const char *fmt, va_list ap)
{
    char *nl;

    if (err == NULL || err->rc != THP_OK)
        return rc;
    err->rc = rc;
    err->pos = pos;
    err->haspos = haspos;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    /* Messages are one line: a newline from a library message is cut. */
    while ((nl = strpbrk(err->msg, "\r\n")) != NULL)
        *nl = ' ';
    return rc;
}

int thp_err_set(struct thp_err *err, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rc = err_vset(err, rc, 0, 0, fmt, ap);
    va_end(ap);
    return rc;
}

int thp_err_setpos(struct thp_err *err, int rc, size_t pos, const char *fmt,
                   ...)
{
    va_list ap;

    va_start(ap, fmt);
    rc = err_vset(err, rc, 1, pos, fmt, ap);
    va_end(ap);
    return rc;
}

const char *thp_strerror(int rc)
{
    switch (rc) {
    case THP_OK: return "ok";
    case THP_ERR_NOMEM: return "out of memory";
    case THP_ERR_IO: return "input/output error";
    case THP_ERR_SYNTAX: return "syntax error";
    case THP_ERR_TOOBIG: return "input too large";
    case THP_ERR_CORRUPT: return "index damaged or of another version";
    case THP_ERR_DB: return "database error";
    case THP_ERR_MISUSE: return "API misuse";
    case THP_ERR_NOTFOUND: return "not found";
    }
    return "unknown error";
}
