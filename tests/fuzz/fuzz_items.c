/*
** fuzz_items.c: libFuzzer target for listing pages split into items and
** for the date parsers (items.h, plan.h), as the indexer runs them on a
** plain-text file.
**
** The input is a file named list.txt:
**   - every line of it, and the whole input, is read as a free-form date
**     (thp_items_parse_date: an ISO prefix YYYY, YYYY-MM or YYYY-MM-DD
**     whose year is the one returned, or "" and 0) and as a date bound
**     of a query filter (thp_plan_date: low and high ends bracket the
**     stored key of the same date, thp_plan_date_key);
**   - made clean UTF-8 as every source is, it is split into items (up
**     to its first form feed, as the indexer splits a paged text) that
**     keep items.h's promises (promise.h: no empty item, one-line
**     titles and labels, ISO dates, unique slug anchors);
**   - the indexer's whole preparation of the file (srcdoc.h: a page, a
**     listing's items, or a paged report when it holds form feeds) makes
**     documents that keep every promise of the index.
** A broken promise abort()s; memory errors are the sanitizers'.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "srcdoc.h"
#include "thp/items.h"
#include "thp/lang.h"
#include "thp/plan.h"
#include "thp/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* A yyyymmdd number: month 0..12 and day 0..31, or 99 at the high end. */
static int date_number(long v, int hi)
{
    long m = v / 100 % 100, d = v % 100;

    return v >= 0 && v <= 99999999 &&
           ((m >= (hi ? 1 : 0) && m <= 12) || (hi && m == 99)) &&
           ((d >= (hi ? 1 : 0) && d <= 31) || (hi && d == 99));
}

/* s[0..n) as a free-form date and as a filter's date bound. */
static void dates(const char *s, size_t n)
{
    char iso[11];
    long lo, hi, key;
    int year;

    memset(iso, 'x', sizeof iso);
    year = thp_items_parse_date(s, n, iso);
    promise(memchr(iso, '\0', sizeof iso) != NULL);
    promise_date(iso, year);
    if (year) {
        /* the stored date falls inside the range its own text names */
        key = thp_plan_date_key(iso);
        promise(key > 0);
        promise(thp_plan_date(iso, strlen(iso), 0, &lo) == 0 &&
                thp_plan_date(iso, strlen(iso), 1, &hi) == 0);
        promise(lo <= key && key <= hi);
    }
    if (thp_plan_date(s, n, 0, &lo) == 0) {
        promise(thp_plan_date(s, n, 1, &hi) == 0);
        promise(date_number(lo, 0) && date_number(hi, 1) && lo <= hi);
    }
    (void)thp_items_is_boilerplate(s, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *ff;
    struct thp_buf clean;
    struct thp_items items;
    struct src *src;
    size_t i = 0;

    srcdoc_setup();
    dates(s, size);
    while (i < size) {
        const char *nl = memchr(s + i, '\n', size - i);
        size_t end = nl ? (size_t)(nl - s) : size;

        dates(s + i, end - i);
        i = end + 1;
    }

    /* clean text, up to its first form feed as the indexer splits it:
    ** a text with pages is a report, whose first page carries its items */
    thp_buf_init(&clean, 0);
    promise(thp_text_prepare(s, size, 0, &clean, NULL, NULL) == THP_OK);
    ff = memchr(clean.s ? clean.s : "", '\f', clean.n);
    promise(thp_items_split(clean.s ? clean.s : "",
                            ff ? (size_t)(ff - clean.s) : clean.n, &items,
                            NULL) == THP_OK);
    promise_items(&items);
    thp_items_release(&items);
    thp_buf_release(&clean);

    src = srcdoc_prepare("list.txt", data, size, NULL);
    srcdoc_check(src, srcdoc_langs);
    src_free(src);
    return 0;
}
