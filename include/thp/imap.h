/*
** imap.h: a map from int64 keys (never 0) to int64 values, by open
** addressing. Used for the executor's per-generation maps (exec.c) and
** the prefix counts of the stored lists (toplist.c).
**
** A zeroed struct thp_imap is an empty map; thp_imap_clear frees it and
** leaves it empty. The slots are open to reading: k[i] != 0 is a key,
** v[i] its value (for walking every entry).
*/
#ifndef THP_IMAP_H
#define THP_IMAP_H

#include <stddef.h>
#include <stdint.h>

struct thp_imap {
    int64_t *k, *v;
    size_t cap, n;
};

/* Set key's value. THP_OK or THP_ERR_NOMEM (the map unchanged). */
int thp_imap_put(struct thp_imap *m, int64_t key, int64_t val);

/* 1 with *val set if key is there, else 0. */
int thp_imap_get(const struct thp_imap *m, int64_t key, int64_t *val);

void thp_imap_clear(struct thp_imap *m);

#endif
