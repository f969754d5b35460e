/*
** imap.c: int64 -> int64 maps by open addressing (imap.h).
*/
#include <string.h>

#include "thp/err.h"
#include "thp/imap.h"
#include "thp/mem.h"

static size_t slot(const struct thp_imap *m, int64_t key)
{
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ULL;
    size_t i = (size_t)(h >> 17) & (m->cap - 1);

    while (m->k[i] != 0 && m->k[i] != key)
        i = (i + 1) & (m->cap - 1);
    return i;
}

int thp_imap_put(struct thp_imap *m, int64_t key, int64_t val)
{
    size_t i;

    if ((m->n + 1) * 2 > m->cap) {
        struct thp_imap b = {0};
        size_t j;

        b.cap = m->cap ? m->cap * 2 : 64;
        b.k = thp_calloc(b.cap, sizeof *b.k);
        b.v = thp_calloc(b.cap, sizeof *b.v);
        if (!b.k || !b.v) {
            thp_free(b.k);
            thp_free(b.v);
            return THP_ERR_NOMEM;
        }
        for (j = 0; j < m->cap; j++)
            if (m->k[j]) {
                size_t s = slot(&b, m->k[j]);

                b.k[s] = m->k[j];
                b.v[s] = m->v[j];
                b.n++;
            }
        thp_free(m->k);
        thp_free(m->v);
        *m = b;
    }
    i = slot(m, key);
    if (m->k[i] == 0)
        m->n++;
    m->k[i] = key;
    m->v[i] = val;
    return THP_OK;
}

int thp_imap_get(const struct thp_imap *m, int64_t key, int64_t *val)
{
    size_t i;

    if (m->cap == 0)
        return 0;
    i = slot(m, key);
    if (m->k[i] == 0)
        return 0;
    *val = m->v[i];
    return 1;
}

void thp_imap_clear(struct thp_imap *m)
{
    thp_free(m->k);
    thp_free(m->v);
    memset(m, 0, sizeof *m);
}
