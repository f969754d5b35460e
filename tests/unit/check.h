/*
** check.h: the unit-test harness. CHECK(cond) counts a pass or prints
** file:line and the failed condition; check_done() prints the closing line
** "NAME: N passed, N failed" that tests/run adds up.
*/
#ifndef THP_CHECK_H
#define THP_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (cond) {                                                         \
            check_passed++;                                                 \
        } else {                                                            \
            check_failed++;                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,          \
                    __LINE__, #cond);                                       \
        }                                                                   \
    } while (0)

/* Compare two C strings, printing both on mismatch. */
#define CHECK_STR(got, want)                                                \
    do {                                                                    \
        const char *g_ = (got), *w_ = (want);                               \
        if (g_ && w_ && strcmp(g_, w_) == 0) {                              \
            check_passed++;                                                 \
        } else {                                                            \
            check_failed++;                                                 \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:  %s\n"     \
                    "  want: %s\n", __FILE__, __LINE__, #got,               \
                    g_ ? g_ : "(null)", w_ ? w_ : "(null)");                \
        }                                                                   \
    } while (0)

static int check_done(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
