/*
** srcdoc.h: the indexer's preparation of one source (indexer/source.c,
** src_prepare: sniff, decode, repair, clean, extract, split into items
** or report pages, each document's repair record, language and digest)
** compiled into a fuzz target, with the checks on the documents it makes.
**
** The fuzz and replay builds link only lib/, so the indexer's two files
** are included here: source.c whole, and pdf.c with its pdf_text renamed
** pdftotext_run, so that the target decides what "pdftotext" gives:
** either the bytes it sets with srcdoc_fake_pdftotext (as if pdftotext
** had written them: the PDF path without poppler, fast enough to fuzz),
** or, by default, the real pdftotext on the file; either way the text
** given is kept for the target (srcdoc_pdftotext_output). Include it
** from one target file only.
**
**   srcdoc_prepare(name, kind, data, n, path)   a source of those bytes,
**       prepared; path: the file pdftotext reads (PDFs), else NULL
**   srcdoc_setup()     the language detector, once per process
**   srcdoc_check(s, srcdoc_langs)   every promise about the documents,
**       or abort()
*/
#ifndef FUZZ_SRCDOC_H
#define FUZZ_SRCDOC_H

#include "../../indexer/source.c"

int pdftotext_run(const char *path, struct thp_buf *out,
                  struct thp_err *err);
#define pdf_text pdftotext_run
#include "../../indexer/pdf.c"
#undef pdf_text

#include "promise.h"

static const char *fake_text; /* pdftotext's output, when set */
static size_t fake_len;
static struct thp_buf last_text; /* what "pdftotext" gave last */

/* From now on pdftotext "writes" s[0..n); NULL runs the real one. */
PROMISE_UNUSED static void srcdoc_fake_pdftotext(const char *s, size_t n)
{
    fake_text = s;
    fake_len = n;
}

/* The text the last "pdftotext" run gave (the real one's or the fake),
** valid until the next run. */
PROMISE_UNUSED static const struct thp_buf *srcdoc_pdftotext_output(void)
{
    return &last_text;
}

int pdf_text(const char *path, struct thp_buf *out, struct thp_err *err)
{
    size_t at = out->n;
    int rc;

    if (fake_text == NULL) {
        rc = pdftotext_run(path, out, err);
    } else if (thp_buf_append(out, fake_text, fake_len) != THP_OK) {
        rc = thp_err_set(err, out->rc, "PDF text: %s",
                         thp_strerror(out->rc));
    } else {
        rc = THP_OK;
    }
    thp_buf_reset(&last_text);
    if (out->n > at)
        thp_buf_append(&last_text, out->s + at, out->n - at);
    return rc;
}

/*
** A source named name (its extension gives the kind) holding data[0..n)
** as if read from disk, prepared as a worker thread prepares it. abs is
** where pdftotext finds the file, for PDFs (else name is used).
*/
static struct src *srcdoc_prepare(const char *name, const uint8_t *data,
                                  size_t n, const char *abs)
{
    struct stat st;
    struct src *s;

    memset(&st, 0, sizeof st);
    st.st_size = (off_t)n;
    st.st_mtime = 1300000000;
    s = src_new(name, abs ? abs : name, name, &st);
    promise(s != NULL);
    promise(thp_buf_append(&s->raw, (const char *)data, n) == THP_OK);
    s->state = SRC_READ;
    s->rc = THP_OK;
    s->nbytes = n;
    thp_index_hash(s->raw.s ? s->raw.s : "", n, s->hash);
    src_prepare(s);
    return s;
}

static int is_kind(const char *k)
{
    return k && (!strcmp(k, "page") || !strcmp(k, "item") ||
                 !strcmp(k, "report"));
}

/* The languages the indexer tags documents with. */
static const char *const srcdoc_langs[] = {"en", "nl", "pt", "es",
                                           "fr", "de", "tr", NULL};

/* Once per process: the indexer's language detector, as thp-index sets
** it up (kept for the process's life). */
static void srcdoc_setup(void)
{
    static thp_lang *det;

    if (det != NULL)
        return;
    promise(thp_lang_open(&det, NULL, NULL, NULL) == THP_OK);
    src_set_lang(det);
}

/*
** What a prepared source promises: it failed with a message (binary,
** no text, pdftotext refused the file) or holds documents, each keyed
** path, path#anchor or path#page=N (keys unique, pages in order) with
** clean one-line titles, clean bodies, metadata on one line, an ISO date,
** a JSON repair record, a known language or none, and its digest.
*/
static void srcdoc_check(const struct src *s, const char *const *langs)
{
    size_t i, j, plen = strlen(s->path);
    int last_page = 0;

    promise(s->state == SRC_PREPARED);
    if (s->rc != THP_OK) {
        promise(s->rc == THP_ERR_SYNTAX || s->rc == THP_ERR_IO);
        promise(s->err.msg[0] != '\0' && strchr(s->err.msg, '\n') == NULL);
        return;
    }
    promise(s->ndocs > 0 && s->docs != NULL);
    for (i = 0; i < s->ndocs; i++) {
        const struct thp_record *r = &s->docs[i].rec;

        promise(r->source_key && !strncmp(r->source_key, s->path, plen));
        promise(r->path && !strcmp(r->path, r->source_key));
        promise(is_kind(r->kind));
        if (s->ndocs > 1)
            promise(strcmp(r->kind, "page") != 0);
        if (!strcmp(r->kind, "page"))
            promise(r->source_key[plen] == '\0' && r->page == 0);
        if (!strcmp(r->kind, "item")) {
            promise(r->source_key[plen] == '#' && r->anchor != NULL);
            promise(!strcmp(r->anchor, r->source_key + plen + 1));
            promise_anchor(r->anchor);
        }
        if (!strcmp(r->kind, "report")) {
            char want[32];

            promise(r->page > last_page);
            last_page = r->page;
            snprintf(want, sizeof want, "#page=%d", r->page);
            promise(!strcmp(r->source_key + plen, want));
            promise(r->body && r->body[0] != '\0');
            promise(strchr(r->body, '\f') == NULL);
        }
        for (j = 0; j < i; j++)
            promise(strcmp(s->docs[j].rec.source_key, r->source_key) != 0);
        promise(r->title != NULL && r->body != NULL);
        promise_str(r->title, 0);
        promise_str(r->body, 1);
        promise_str(r->location, 0);
        promise_str(r->partners, 0);
        promise_str(r->authors, 0);
        promise_str(r->url, 0);
        promise_str(r->links, 1);
        promise_date(r->date, r->year);
        promise(r->repairs != NULL);
        promise_json_object(r->repairs, strlen(r->repairs));
        if (r->lang != NULL) {
            const char *const *l = langs;

            while (*l && strcmp(*l, r->lang))
                l++;
            promise(*l != NULL);
        }
        promise(r->digest == &s->docs[i].digest);
        promise(strlen(r->digest->hash) == 16 &&
                strspn(r->digest->hash, "0123456789abcdef") == 16);
        promise(r->digest->nsample >= 0 &&
                r->digest->nsample <= THP_DIGEST_SAMPLES);
        for (j = 0; j < (size_t)r->digest->nsample; j++)
            promise((r->digest->sample[j] & 3) == 0 &&
                    (j == 0 ||
                     r->digest->sample[j - 1] < r->digest->sample[j]));
    }
}

#endif
