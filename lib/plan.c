/*
** plan.c: the parsed search request (plan.h): its lifetime, and the date
** and kind values its filters compare.
*/
#include <string.h>

#include "thp/mem.h"
#include "thp/plan.h"

void thp_plan_init(struct thp_plan *p)
{
    memset(p, 0, sizeof *p);
    thp_buf_init(&p->match, 0);
    thp_buf_init(&p->roles, 0);
    thp_buf_init(&p->weights, 0);
}

void thp_plan_release(struct thp_plan *p)
{
    thp_buf_release(&p->match);
    thp_buf_release(&p->roles);
    thp_buf_release(&p->weights);
    thp_free(p->words);
    thp_plan_init(p);
}

/* n decimal digits at s, or -1. */
static long digits(const char *s, size_t n)
{
    long v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int thp_plan_date(const char *s, size_t n, int hi, long *out)
{
    long y, m = hi ? 99 : 0, d = hi ? 99 : 0;

    if (n != 4 && n != 7 && n != 10)
        return -1;
    if ((y = digits(s, 4)) < 0)
        return -1;
    if (n >= 7) {
        if (s[4] != '-' || (m = digits(s + 5, 2)) < 1 || m > 12)
            return -1;
        d = hi ? 99 : 0;
    }
    if (n == 10) {
        if (s[7] != '-' || (d = digits(s + 8, 2)) < 1 || d > 31)
            return -1;
    }
    *out = y * 10000 + m * 100 + d;
    return 0;
}

long thp_plan_date_key(const char *date)
{
    long y, m = 0, d = 0;
    size_t n;

    if (date == NULL)
        return 0;
    n = strlen(date);
    if (n < 4 || (y = digits(date, 4)) < 0)
        return 0;
    if (n >= 7 && date[4] == '-' && (m = digits(date + 5, 2)) < 0)
        m = 0;
    if (n >= 10 && date[7] == '-' && (d = digits(date + 8, 2)) < 0)
        d = 0;
    return y * 10000 + m * 100 + d;
}

unsigned thp_plan_kind(const char *name, size_t n)
{
    if (n == 4 && !memcmp(name, "page", 4))
        return THP_KIND_PAGE;
    if (n == 4 && !memcmp(name, "item", 4))
        return THP_KIND_ITEM;
    if (n == 6 && !memcmp(name, "report", 6))
        return THP_KIND_REPORT;
    return 0;
}
