/* imap_test.c: int64 -> int64 maps: put, get, overwrite, growth, walking
** the slots, allocation failure. */
#include "check.h"
#include "thp/err.h"
#include "thp/imap.h"
#include "thp/mem.h"

/* The i-th key: spread out, every other one negative. */
#define KEY(i) ((int64_t)(i) * 7919 * ((i) % 2 ? 1 : -1))

int main(void)
{
    struct thp_imap m = {0};
    int64_t v = -1, sum = 0;
    size_t i, n = 0;

    CHECK(thp_imap_get(&m, 5, &v) == 0 && v == -1); /* empty: no slots */
    CHECK(thp_imap_put(&m, 5, 50) == THP_OK);
    CHECK(thp_imap_get(&m, 5, &v) == 1 && v == 50);
    CHECK(thp_imap_put(&m, 5, 51) == THP_OK && m.n == 1);
    CHECK(thp_imap_get(&m, 5, &v) == 1 && v == 51);
    CHECK(thp_imap_get(&m, 6, &v) == 0);
    /* many keys, negative and large ones too, through several growths */
    for (i = 1; i <= 10000; i++)
        CHECK(thp_imap_put(&m, KEY(i), (int64_t)i) == THP_OK);
    CHECK(m.n == 10001 && m.cap >= 2 * m.n);
    for (i = 1; i <= 10000; i++)
        if (!thp_imap_get(&m, KEY(i), &v) || v != (int64_t)i)
            break;
    CHECK(i == 10001);
    CHECK(thp_imap_put(&m, INT64_MAX, 1) == THP_OK &&
          thp_imap_get(&m, INT64_MAX, &v) && v == 1);
    /* the slots hold every entry once */
    for (i = 0; i < m.cap; i++)
        if (m.k[i] != 0) {
            n++;
            sum += m.v[i];
        }
    CHECK(n == m.n && sum == 51 + 10000 * 10001 / 2 + 1);
    /* a growth that cannot allocate leaves the map as it was */
    while ((m.n + 1) * 2 <= m.cap)
        CHECK(thp_imap_put(&m, (int64_t)(m.n + 1) << 40, 0) == THP_OK);
    n = m.n;
    thp_mem_fail_after(0);
    CHECK(thp_imap_put(&m, 3, 3) == THP_ERR_NOMEM);
    thp_mem_fail_after(-1);
    CHECK(m.n == n && thp_imap_get(&m, 5, &v) && v == 51 &&
          !thp_imap_get(&m, 3, &v));
    thp_imap_clear(&m);
    CHECK(m.k == NULL && m.n == 0 && m.cap == 0 && !thp_imap_get(&m, 5, &v));
    return check_done("imap");
}
