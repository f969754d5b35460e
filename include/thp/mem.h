/*
** mem.h: the one allocation wrapper. Every allocation in lib/ and the
** programs goes through these calls, so a test can make the Nth one fail
** (thp_mem_fail_after) and check that the failure is reported cleanly.
**
** thp_malloc/thp_realloc return NULL on failure; they never abort.
** thp_free(NULL) is a no-op. Memory from these calls is released with
** thp_free, never with free(), and vice versa.
*/
#ifndef THP_MEM_H
#define THP_MEM_H

#include <stddef.h>

void *thp_malloc(size_t n);
void *thp_calloc(size_t count, size_t size);
void *thp_realloc(void *p, size_t n);
void thp_free(void *p);

/* A NUL-terminated copy of s[0..n), or NULL on failure. Caller frees. */
char *thp_strndup(const char *s, size_t n);
char *thp_strdup(const char *s);

/*
** Fault injection for tests: after n more successful allocations, every
** allocation fails until thp_mem_fail_after(-1) switches it off.
*/
void thp_mem_fail_after(long n);

#endif
