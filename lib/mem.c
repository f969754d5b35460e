/*
** mem.c: the allocation wrapper with a fault-injection hook for tests.
** The counter is process-wide and not thread-safe: only tests set it.
*/
#include <stdlib.h>
#include <string.h>

#include "thp/mem.h"

static long fail_countdown = -1;

static int should_fail(void)
{
    if (fail_countdown < 0)
        return 0;
    if (fail_countdown == 0)
        return 1;
    fail_countdown--;
    return 0;
}

void thp_mem_fail_after(long n)
{
    fail_countdown = n;
}

void *thp_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *thp_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *thp_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void thp_free(void *p)
{
    free(p);
}

char *thp_strndup(const char *s, size_t n)
{
    char *d = thp_malloc(n + 1);

    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *thp_strdup(const char *s)
{
    return thp_strndup(s, strlen(s));
}
