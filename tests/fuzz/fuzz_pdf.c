/*
** fuzz_pdf.c: libFuzzer target for PDF handling: how the indexer turns
** a PDF into documents (indexer/source.c with indexer/pdf.c, srcdoc.h).
**
** An input that starts with "%PDF" is a PDF: it is written to a file and
** prepared as thp-index prepares report.pdf, poppler's pdftotext run on
** it as a time-limited child (slow: a process per input; keep -max_len
** small). Any other input is taken for what pdftotext wrote
** (UTF-8 text, pages ended by form feeds) and goes through the same
** code from there without poppler: the text path, the report split into
** one document per page, each page's own repair record, language and
** digest. The target abort()s when a promise breaks:
**   - the source failed with a one-line message (pdftotext refused the
**     file, or no text) or holds documents that keep every promise of
**     the index (srcdoc_check: clean text, keys, dates, JSON records);
**   - every document is a report page keyed #page=N, N counting the
**     form feeds before it in the cleaned text of what pdftotext gave,
**     one document for each page with text and none for an empty one,
**     in page order, all titled alike (the report's first line).
** Memory errors are the sanitizers'.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srcdoc.h"
#include "thp/lang.h"
#include "thp/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static char dir[] = "/tmp/thp-fuzz-pdf-XXXXXX";
static char file[64];

static void cleanup(void)
{
    unlink(file);
    rmdir(dir);
}

static void setup(void)
{
    if (dir[sizeof dir - 2] != 'X')
        return; /* done once: mkdtemp filled in the name */
    srcdoc_setup();
    promise(mkdtemp(dir) != NULL);
    snprintf(file, sizeof file, "%s/report.pdf", dir);
    atexit(cleanup);
}

/* Pages of clean text with something on them: page numbers in want[]. */
static size_t pages_with_text(const char *s, size_t n, int *want,
                              size_t max)
{
    size_t i = 0, k = 0;
    int page = 1;

    for (;;) {
        const char *ff = memchr(s + i, '\f', n - i);
        size_t end = ff ? (size_t)(ff - s) : n, j;

        for (j = i; j < end && (s[j] == '\n' || s[j] == ' '); j++)
            ;
        if (j < end && k < max)
            want[k++] = page;
        if (ff == NULL)
            break;
        i = end + 1;
        page++;
    }
    return k;
}

/* The documents of a report: one per page with text, as numbered. */
static void check_pages(const struct src *s, const char *out, size_t n)
{
    struct thp_buf clean;
    int want[1024];
    size_t np, i;

    srcdoc_check(s, srcdoc_langs);
    if (s->rc != THP_OK)
        return;
    thp_buf_init(&clean, 0);
    promise(thp_text_prepare(out, n, 0, &clean, NULL, NULL) == THP_OK);
    np = pages_with_text(clean.s ? clean.s : "", clean.n, want, 1024);
    if (np < 1024) {
        promise(s->ndocs == np);
        for (i = 0; i < np; i++)
            promise(s->docs[i].rec.page == want[i]);
    }
    for (i = 0; i < s->ndocs; i++) {
        promise(!strcmp(s->docs[i].rec.kind, "report"));
        promise(!strcmp(s->docs[i].rec.title, s->docs[0].rec.title));
    }
    thp_buf_release(&clean);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct thp_buf *out;
    struct src *s;

    setup();
    if (size >= 4 && !memcmp(data, "%PDF", 4)) {
        FILE *f = fopen(file, "wb");

        promise(f != NULL && fwrite(data, 1, size, f) == size &&
                fclose(f) == 0);
        srcdoc_fake_pdftotext(NULL, 0);
        s = srcdoc_prepare("report.pdf", data, size, file);
    } else {
        srcdoc_fake_pdftotext((const char *)data, size);
        s = srcdoc_prepare("report.pdf", data, size, NULL);
    }
    out = srcdoc_pdftotext_output();
    check_pages(s, out->s ? out->s : "", out->n);
    src_free(s);
    return 0;
}
