/*
** fuzz_extract.c: libFuzzer target for HTML extraction (extract.h), as
** the indexer runs it on a page's bytes.
**
** The input is a file named page.html. It is made clean UTF-8 as every
** source is (thp_text_prepare with THP_TEXT_HTML), then:
**   - both HTML paths of lib/extract.c read it when its nesting allows
**     them: the fast tokenizer either gives up, leaving the document
**     untouched, or gives exactly what gumbo's tree walk gives (title,
**     body, report links; extract.h's promise of the same output);
**   - thp_extract_html gives a title on one line (cut to about 300
**     bytes), a body (both trimmed) and report links without control
**     characters, and
**     a web address that is absolute http(s) without blanks; the body
**     splits into items as items.h promises (promise.h);
**   - the indexer's whole preparation of the file (srcdoc.h: sniff,
**     decode, repair, extract, items, the headline kept in the body,
**     per-document repair records, language, digest) makes documents
**     that keep every promise of the index, or fails with a message.
** A broken promise abort()s; memory errors are the sanitizers'.
**
** lib/extract.c is included to reach its two paths (static functions);
** its public functions are renamed here so that they do not clash with
** libthp's own copy, which the indexer's code (srcdoc.h) calls.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "srcdoc.h"
#include "thp/extract.h"
#include "thp/lang.h"
#include "thp/text.h"

#define thp_doc_init fx_doc_init
#define thp_doc_release fx_doc_release
#define thp_extract_fold fx_extract_fold
#define thp_extract_html fx_extract_html
#define thp_extract_text fx_extract_text
void fx_doc_init(struct thp_doc *doc, size_t max);
void fx_doc_release(struct thp_doc *doc);
int fx_extract_fold(struct thp_buf *b, const char *s, size_t n);
int fx_extract_html(const char *s, size_t n, struct thp_doc *doc,
                    struct thp_err *err);
int fx_extract_text(const char *s, size_t n, struct thp_doc *doc,
                    struct thp_err *err);
#include "../../lib/extract.c"
#undef thp_doc_init
#undef thp_doc_release
#undef thp_extract_fold
#undef thp_extract_html
#undef thp_extract_text

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static int same(const struct thp_buf *a, const struct thp_buf *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->s, b->s, a->n) == 0);
}

/* The fast path gives up untouched or agrees with gumbo. */
static void two_paths(const char *s, size_t n)
{
    struct thp_doc a, b;
    int fast;

    if (nesting_depth(s, n, DEEP_LIMIT) > DEEP_LIMIT)
        return; /* neither reads it: strip_html does */
    thp_doc_init(&a, 0);
    thp_doc_init(&b, 0);
    fast = fast_html(s, n, &a);
    promise(gumbo_html(s, n, &b, NULL) == THP_OK);
    if (fast == FAST_OK)
        promise(same(&a.title, &b.title) && same(&a.body, &b.body) &&
                same(&a.links, &b.links));
    else
        promise(a.title.n == 0 && a.body.n == 0 && a.links.n == 0);
    thp_doc_release(&a);
    thp_doc_release(&b);
}

/* Each report link on a line of its own, as stored. */
static void check_links(const struct thp_buf *l)
{
    size_t i = 0;

    promise_buf(l, 1);
    while (i < l->n) {
        const char *nl = memchr(l->s + i, '\n', l->n - i);

        promise(nl != NULL && nl > l->s + i); /* ends in '\n', not empty */
        i = (size_t)(nl - l->s) + 1;
    }
}

static void check_doc(const struct thp_doc *d)
{
    struct thp_items items;
    size_t i;

    promise_buf(&d->title, 0);
    promise(d->title.n <= TITLE_MAX + 3); /* 300 bytes and "…" */
    promise_buf(&d->body, 1);
    /* both trimmed at the end */
    promise(d->title.n == 0 ||
            !is_space((unsigned char)d->title.s[d->title.n - 1]));
    promise(d->body.n == 0 ||
            !is_space((unsigned char)d->body.s[d->body.n - 1]));
    check_links(&d->links);
    promise_buf(&d->url, 0);
    if (d->url.n) {
        promise(!strncasecmp(d->url.s, "http://", 7) ||
                !strncasecmp(d->url.s, "https://", 8));
        for (i = 0; i < d->url.n; i++)
            promise((unsigned char)d->url.s[i] > ' ');
    }
    promise(thp_items_split(d->body.s ? d->body.s : "", d->body.n, &items,
                            NULL) == THP_OK);
    promise_items(&items);
    thp_items_release(&items);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct thp_buf clean;
    struct thp_doc doc;
    struct thp_err err;
    struct src *s;

    srcdoc_setup();
    thp_buf_init(&clean, 0);
    thp_err_clear(&err);
    promise(thp_text_prepare((const char *)data, size, THP_TEXT_HTML,
                             &clean, NULL, &err) == THP_OK);
    promise(thp_text_utf8_valid(clean.s ? clean.s : "", clean.n));
    two_paths(clean.s ? clean.s : "", clean.n);
    thp_doc_init(&doc, 0);
    promise(thp_extract_html(clean.s ? clean.s : "", clean.n, &doc, &err) ==
            THP_OK);
    check_doc(&doc);
    thp_doc_release(&doc);
    thp_buf_release(&clean);

    s = srcdoc_prepare("page.html", data, size, NULL);
    srcdoc_check(s, srcdoc_langs);
    src_free(s);
    return 0;
}
