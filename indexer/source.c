/*
** source.c: a source file made ready for the index (source.h): reading,
** hashing, the text path (thp_text_prepare), extraction, splitting into
** documents and their digests. Touches no index and no shared state, so
** worker threads run it side by side; what to do with the result (skip,
** store, record a failure) is the writer's decision, in main.c.
*/
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "pdf.h"
#include "source.h"
#include "thp/extract.h"
#include "thp/items.h"
#include "thp/mem.h"
#include "thp/repair.h"
#include "thp/sniff.h"
#include "thp/text.h"

enum src_kind src_kind_of(const char *path)
{
    const char *dot = strrchr(path, '.');

    if (dot == NULL || strchr(dot, '/'))
        return K_NONE;
    if (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"))
        return K_HTML;
    if (!strcasecmp(dot, ".txt"))
        return K_TEXT;
    if (!strcasecmp(dot, ".pdf"))
        return K_PDF;
    return K_NONE;
}

struct src *src_new(const char *path, const char *abs, const char *rel,
                    const struct stat *st)
{
    struct src *s = thp_calloc(1, sizeof *s);

    if (s == NULL)
        return NULL;
    s->path = thp_strdup(path);
    s->abs = thp_strdup(abs);
    s->rel = thp_strdup(rel ? rel : path);
    if (s->path == NULL || s->abs == NULL || s->rel == NULL) {
        src_free(s);
        return NULL;
    }
    s->st = *st;
    s->kind = src_kind_of(path);
    thp_err_clear(&s->err);
    thp_buf_init(&s->raw, SRC_MAX_FILE);
    thp_buf_init(&s->arena, 0);
    return s;
}

void src_free(struct src *s)
{
    if (s == NULL)
        return;
    thp_free(s->path);
    thp_free(s->abs);
    thp_free(s->rel);
    thp_buf_release(&s->raw);
    thp_buf_release(&s->arena);
    thp_free(s->docs);
    thp_free(s);
}

size_t src_weight(const struct src *s)
{
    return sizeof *s + s->raw.cap + s->arena.cap +
           s->ndocs * sizeof *s->docs;
}

/*==================== Reading ====================*/

int src_read_file(const char *path, size_t size, struct thp_buf *b,
                     struct thp_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return thp_err_set(err, THP_ERR_IO, "cannot open: %s",
                           strerror(errno));
    if (thp_buf_grow(b, size) != THP_OK) {
        close(fd);
        return thp_err_set(err, b->rc, "cannot read: %s",
                           thp_strerror(b->rc));
    }
    for (;;) {
        ssize_t k;

        if (thp_buf_grow(b, 65536) != THP_OK) {
            close(fd);
            return thp_err_set(err, b->rc, "cannot read: %s",
                               thp_strerror(b->rc));
        }
        k = read(fd, b->s + b->n, b->cap - b->n - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;

            close(fd);
            return thp_err_set(err, THP_ERR_IO, "cannot read: %s",
                               strerror(e));
        }
        if (k == 0)
            break;
        b->n += (size_t)k;
    }
    b->s[b->n] = '\0';
    close(fd);
    return THP_OK;
}

void src_read(struct src *s)
{
    if (s->state != SRC_NEW)
        return;
    s->state = SRC_READ;
    if ((size_t)s->st.st_size > SRC_MAX_FILE)
        s->rc = thp_err_set(&s->err, THP_ERR_TOOBIG, "too large (%lld "
                            "bytes, limit %u)", (long long)s->st.st_size,
                            SRC_MAX_FILE);
    else
        s->rc = src_read_file(s->abs, (size_t)s->st.st_size, &s->raw, &s->err);
    if (s->rc == THP_OK) {
        s->nbytes = s->raw.n;
        thp_index_hash(s->raw.s ? s->raw.s : "", s->raw.n, s->hash);
    }
}

/*==================== Documents ====================*/

/*
** A document being made: its strings as offsets into the arena (which
** may move while it grows) plus one; 0 is NULL.
*/
struct draft {
    size_t key, url, title, body, date, location, partners, authors;
    size_t repairs;  /* its own repair record, or 0: the source's */
    int anchored;  /* the key's suffix is "#anchor" */
    const char *kind;
    int year, page;
};

/* The drafts of one source, and what all its documents share. */
struct maker {
    struct src *s;
    struct draft *v;
    size_t n, cap;
    size_t links, repairs;  /* shared strings, arena offsets plus one */
    const char *canonical;  /* the address the page gives itself, or NULL */
};

static const char *url_base; /* --url-base, ending in '/', or NULL */

void src_set_url_base(const char *base)
{
    url_base = base;
}

/* Append s percent-encoded as a URL path: unreserved bytes and '/' kept. */
static void put_url_path(struct thp_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || strchr("-._~/!$&'()*+,;=:@", c)) {
            thp_buf_putc(b, c);
        } else {
            thp_buf_putc(b, '%');
            thp_buf_putc(b, hex[c >> 4]);
            thp_buf_putc(b, hex[c & 15]);
        }
    }
}

/*
** The address a visitor opens for the document with suffix ("#anchor",
** "#page=N" or none), into the arena; 0 when there is none (the index
** then uses the local path): the page's own canonical address, else
** --url-base joined with the path below the corpus root.
*/
static size_t put_url(struct maker *m, const char *suffix)
{
    struct thp_buf *a = &m->s->arena;
    size_t at = a->n;

    if (m->canonical) {
        thp_buf_append(a, m->canonical, strcspn(m->canonical, "#"));
    } else if (url_base) {
        thp_buf_puts(a, url_base);
        put_url_path(a, m->s->rel);
    } else {
        return 0;
    }
    if (suffix && suffix[0] == '#') {
        thp_buf_putc(a, '#');
        put_url_path(a, suffix + 1);
    }
    thp_buf_putc(a, '\0');
    return at + 1;
}

/* Copy s[0..n) into the arena; its offset plus one, or 0 for NULL. */
static size_t arena_put(struct thp_buf *a, const char *s, size_t n)
{
    size_t at = a->n;

    if (s == NULL)
        return 0;
    thp_buf_append(a, s, n);
    thp_buf_putc(a, '\0');
    return at + 1;
}

static size_t arena_puts(struct thp_buf *a, const char *s)
{
    return s ? arena_put(a, s, strlen(s)) : 0;
}

/* One document of the source: key path+suffix, the item's metadata. */
static int add_doc(struct maker *m, const char *suffix, const char *kind,
                   const char *title, const char *body,
                   const struct thp_item *meta, int page)
{
    struct thp_buf *a = &m->s->arena;
    struct draft *d;

    if (m->n == m->cap) {
        size_t ncap = m->cap ? 2 * m->cap : 4;
        struct draft *v = thp_realloc(m->v, ncap * sizeof *v);

        if (v == NULL)
            return thp_err_set(&m->s->err, THP_ERR_NOMEM, "out of memory");
        m->v = v;
        m->cap = ncap;
    }
    d = &m->v[m->n];
    memset(d, 0, sizeof *d);
    d->key = a->n + 1;
    d->anchored = suffix && suffix[0] == '#';
    thp_buf_puts(a, m->s->path);
    thp_buf_puts(a, suffix ? suffix : "");
    thp_buf_putc(a, '\0');
    d->url = put_url(m, suffix);
    d->kind = kind;
    d->title = arena_puts(a, title);
    d->body = arena_puts(a, body);
    if (meta) {
        d->date = meta->date[0] ? arena_puts(a, meta->date) : 0;
        d->year = meta->year;
        d->location = arena_puts(a, meta->location.s);
        d->partners = arena_puts(a, meta->partners.s);
        d->authors = arena_puts(a, meta->authors.s);
    }
    d->page = page;
    if (a->rc != THP_OK)
        return thp_err_set(&m->s->err, a->rc, "%s", thp_strerror(a->rc));
    m->n++;
    return THP_OK;
}

/*
** A paged report: one document per page (form feeds separate pages), all
** titled by the report's first line and carrying the metadata of its first
** page (authors, date).
*/
static int make_report(struct maker *m, const char *text, size_t n)
{
    struct thp_err *err = &m->s->err;
    struct thp_items first;
    const char *title = "";
    size_t i = 0;
    int page = 1, rc;
    char suffix[32];

    const char *ff = memchr(text, '\f', n);

    if (thp_items_split(text, ff ? (size_t)(ff - text) : n, &first, err))
        return THP_ERR_NOMEM;
    if (first.n && first.v[0].title.n)
        title = first.v[0].title.s;
    rc = THP_OK;
    while (i <= n && rc == THP_OK) {
        const char *end = memchr(text + i, '\f', n - i);
        size_t len = end ? (size_t)(end - (text + i)) : n - i;
        struct thp_buf body;

        thp_buf_init(&body, 0);
        /* page text as it stands, blank lines trimmed at both ends */
        while (len && (text[i] == '\n' || text[i] == ' ')) {
            i++;
            len--;
        }
        while (len && (text[i + len - 1] == '\n' || text[i + len - 1] == ' '))
            len--;
        if (len > 0) {
            thp_buf_append(&body, text + i, len);
            snprintf(suffix, sizeof suffix, "#page=%d", page);
            if (body.rc != THP_OK)
                rc = thp_err_set(err, body.rc, "%s", thp_strerror(body.rc));
            else
                rc = add_doc(m, suffix, "report", title, body.s,
                             first.n ? &first.v[0] : NULL, page);
        }
        thp_buf_release(&body);
        if (end == NULL)
            break;
        i = (size_t)(end - text) + 1;
        page++;
    }
    thp_items_release(&first);
    return rc;
}

/*
** A page: split into items. One item is the page itself (kind page, keyed
** by the path); several are documents of kind item, keyed path#anchor.
*/
static int make_page(struct maker *m, const char *page_title,
                     const char *text, size_t n)
{
    struct thp_items items;
    size_t i;
    int rc = THP_OK;

    if (thp_items_split(text, n, &items, &m->s->err) != THP_OK)
        return THP_ERR_NOMEM;
    if (items.n == 1) {
        const struct thp_item *it = &items.v[0];
        const char *title = page_title && *page_title ? page_title
                            : it->title.s                ? it->title.s
                                                         : "";
        struct thp_buf body;

        /*
        ** The page's own title wins; the first line of its text (a
        ** headline that differs from <title>, or a short first paragraph)
        ** then stays in the body, so no word of the page is lost.
        */
        thp_buf_init(&body, 0);
        if (title != it->title.s && it->title.s && it->title.n &&
            strcasestr(title, it->title.s) == NULL) {
            thp_buf_append(&body, it->title.s, it->title.n);
            if (it->body.n)
                thp_buf_puts(&body, "\n\n");
        }
        thp_buf_append(&body, it->body.s ? it->body.s : "", it->body.n);
        if (body.rc != THP_OK)
            rc = thp_err_set(&m->s->err, body.rc, "%s",
                             thp_strerror(body.rc));
        else
            rc = add_doc(m, NULL, "page", title, body.s ? body.s : "", it, 0);
        thp_buf_release(&body);
    }
    if (items.n == 0 && page_title && *page_title) /* only a title */
        rc = add_doc(m, NULL, "page", page_title, "", NULL, 0);
    for (i = 0; items.n > 1 && i < items.n && rc == THP_OK; i++) {
        const struct thp_item *it = &items.v[i];
        char suffix[80];

        snprintf(suffix, sizeof suffix, "#%s", it->anchor);
        rc = add_doc(m, suffix, "item",
                     it->title.n ? it->title.s
                                 : (page_title ? page_title : ""),
                     it->body.s ? it->body.s : "", it, 0);
    }
    thp_items_release(&items);
    return rc;
}

static const struct thp_lang *lang_detector;

void src_set_lang(const struct thp_lang *det)
{
    lang_detector = det;
}

/* Detect the language of text; code is "" when undecided. Only the
** first THP_LANG_READ bytes are read, so no need to measure the rest. */
static int detect_one(const struct thp_lang *det, const char *text,
                      char code[4])
{
    struct thp_lang_guess g;

    code[0] = '\0';
    if (text && *text &&
        thp_lang_detect(det, text, strnlen(text, THP_LANG_READ + 1), &g) ==
            THP_OK && g.lang[0])
        memcpy(code, g.lang, sizeof g.lang);
    return code[0] != '\0';
}

const char *src_detect_lang(const struct thp_lang *det, const char *body,
                            const char *title, char code[4])
{
    code[0] = '\0';
    if (det == NULL)
        return NULL;
    if (detect_one(det, body, code) || detect_one(det, title, code))
        return code;
    return NULL;
}

static const char *at(const struct thp_buf *a, size_t off);

/*==================== Each document's repairs ====================*/

/*
** A fix found in the source: the repaired text around it (to find the
** document it landed in) and what it undid.
*/
struct fix {
    char *text;                  /* owned; NFC is not applied, see below */
    struct thp_repair_info info; /* this line's repairs */
};

/*
** The lines of the decoded text that the repair changed, each with the
** changed stretch of its repaired form (extended to whole words) and
** what was undone there. Lines are what the repair judges one at a time
** (repair.h), so a line's fixes are its own.
*/
static int find_fixes(const char *raw, size_t n, int html, struct fix **out,
                      size_t *nout)
{
    struct thp_buf dec, ent, rep;
    struct fix *v = NULL;
    size_t nv = 0, i = 0;
    int rc;

    *out = NULL;
    *nout = 0;
    thp_buf_init(&dec, 0);
    thp_buf_init(&ent, 0);
    thp_buf_init(&rep, 0);
    rc = thp_text_decode(raw, n, html ? THP_TEXT_HTML : 0, &dec, NULL, NULL);
    while (rc == THP_OK && i < dec.n) {
        const char *line = dec.s + i, *nl = memchr(line, '\n', dec.n - i);
        size_t len = nl ? (size_t)(nl - line) : dec.n - i, a = 0, b, e;
        struct thp_repair_info ri;
        const char *in = line;
        size_t inlen = len;

        i += len + 1;
        thp_repair_info_init(&ri);
        thp_buf_reset(&ent);
        thp_buf_reset(&rep);
        if (!html) { /* as thp_text_prepare: references first */
            rc = thp_repair_entities(line, len, &ent, &ri, NULL);
            in = ent.s ? ent.s : "";
            inlen = ent.n;
        }
        if (rc == THP_OK)
            rc = thp_repair_text(in, inlen, &rep, &ri, NULL);
        if (rc != THP_OK || (ri.runs == 0 && ri.entities == 0))
            continue;
        /* the stretch that differs from the decoded line, whole words */
        b = rep.n;
        e = len;
        while (a < b && a < len && rep.s[a] == line[a])
            a++;
        while (b > a && e > a && rep.s[b - 1] == line[e - 1]) {
            b--;
            e--;
        }
        while (a > 0 && (unsigned char)rep.s[a - 1] > ' ' &&
               rep.s[a - 1] != '>')
            a--;
        while (b < rep.n && (unsigned char)rep.s[b] > ' ' && rep.s[b] != '<')
            b++;
        while (b > a && strchr(".,;:!?)\"'", rep.s[b - 1]))
            b--;
        if (b <= a)
            continue;
        if (nv % 16 == 0) {
            struct fix *nvp = thp_realloc(v, (nv + 16) * sizeof *v);

            if (nvp == NULL) {
                rc = THP_ERR_NOMEM;
                break;
            }
            v = nvp;
        }
        v[nv].text = thp_malloc(b - a + 1);
        if (v[nv].text == NULL) {
            rc = THP_ERR_NOMEM;
            break;
        }
        memcpy(v[nv].text, rep.s + a, b - a);
        v[nv].text[b - a] = '\0';
        v[nv].info = ri;
        nv++;
    }
    thp_buf_release(&dec);
    thp_buf_release(&ent);
    thp_buf_release(&rep);
    *out = v;
    *nout = nv;
    return rc;
}

static void add_repairs(struct thp_repair_info *to,
                        const struct thp_repair_info *from)
{
    int k;

    for (k = 0; k < THP_CP_COUNT; k++)
        to->mojibake[k] += from->mojibake[k];
    to->runs += from->runs;
    if (from->layers > to->layers)
        to->layers = from->layers;
    to->entities += from->entities;
    to->entities_invalid += from->entities_invalid;
}

static size_t count_fffd(const char *s)
{
    size_t k = 0;

    while (s && (s = strstr(s, "\xEF\xBF\xBD")) != NULL) {
        k++;
        s += 3;
    }
    return k;
}

/*
** A source of several documents (a listing's items, a report's pages):
** each gets a repair record of its own text. How the bytes were read
** (charset, source, confidence) is the file's; the counts are those of
** the fixes found in the document's title and body (mojibake runs and
** references, located by the repaired words they produced) and its
** undecodable bytes (U+FFFD); cleaning counts (C1 punctuation, dropped
** controls, no-break spaces, NFC) are the file's and left out.
*/
static int own_repairs(struct maker *m, const char *raw, size_t n, int html,
                       const struct thp_text_info *ti)
{
    struct fix *fx = NULL;
    struct thp_buf json;
    size_t nfx = 0, i, j;
    int rc = THP_OK;

    if (m->n < 2)
        return THP_OK;
    if (ti->repair.runs || ti->repair.entities)
        rc = find_fixes(raw, n, html, &fx, &nfx);
    thp_buf_init(&json, 0);
    for (i = 0; rc == THP_OK && i < m->n; i++) {
        struct draft *d = &m->v[i];
        struct thp_text_info own = *ti;
        const char *title = at(&m->s->arena, d->title);
        const char *body = at(&m->s->arena, d->body);

        own.n_invalid = count_fffd(title) + count_fffd(body);
        own.n_mixed = own.n_c1 = own.n_controls = own.n_spaces = 0;
        own.normalized = 0;
        thp_repair_info_init(&own.repair);
        for (j = 0; j < nfx; j++)
            if ((title && strstr(title, fx[j].text)) ||
                (body && strstr(body, fx[j].text)))
                add_repairs(&own.repair, &fx[j].info);
        thp_buf_reset(&json);
        thp_text_info_json(&own, &json);
        if (json.rc != THP_OK)
            rc = json.rc;
        else /* the arena may move: title and body are not used after */
            d->repairs = arena_put(&m->s->arena, json.s, json.n);
    }
    for (j = 0; j < nfx; j++)
        thp_free(fx[j].text);
    thp_free(fx);
    thp_buf_release(&json);
    if (rc != THP_OK)
        return thp_err_set(&m->s->err, rc, "%s", thp_strerror(rc));
    return m->s->arena.rc;
}

static const char *at(const struct thp_buf *a, size_t off)
{
    return off ? a->s + off - 1 : NULL;
}

/* Turn the drafts into records (the arena no longer moves) and digest. */
static int finish_docs(struct maker *m)
{
    struct src *s = m->s;
    const struct thp_buf *a = &s->arena;
    size_t i;

    if (m->n == 0)
        return THP_OK;
    s->docs = thp_calloc(m->n, sizeof *s->docs);
    if (s->docs == NULL)
        return thp_err_set(&s->err, THP_ERR_NOMEM, "out of memory");
    for (i = 0; i < m->n; i++) {
        const struct draft *d = &m->v[i];
        struct thp_record *rec = &s->docs[i].rec;
        const char *key = at(a, d->key);

        rec->source_key = key;
        rec->source_path = s->path;
        rec->path = key;
        rec->url = d->url ? at(a, d->url) : key;
        rec->anchor = d->anchored ? key + strlen(s->path) + 1 : NULL;
        rec->kind = d->kind;
        rec->title = at(a, d->title);
        rec->body = at(a, d->body);
        rec->date = at(a, d->date);
        rec->year = d->year;
        rec->location = at(a, d->location);
        rec->partners = at(a, d->partners);
        rec->authors = at(a, d->authors);
        rec->page = d->page;
        rec->links = at(a, m->links);
        rec->charset = s->charset;
        rec->repairs = at(a, d->repairs ? d->repairs : m->repairs);
        rec->mtime = (int64_t)s->st.st_mtime;
        rec->size = (int64_t)s->st.st_size;
        rec->lang = src_detect_lang(lang_detector, rec->body, rec->title,
                                    s->docs[i].lang);
        thp_index_digest(rec, &s->docs[i].digest);
        rec->digest = &s->docs[i].digest;
    }
    s->ndocs = m->n;
    return THP_OK;
}

void src_prepare(struct src *s)
{
    struct thp_buf clean, repairs, pdf;
    struct thp_text_info ti;
    struct thp_doc doc;
    struct maker m;
    int rc;

    src_read(s);
    if (s->state == SRC_PREPARED)
        return;
    s->state = SRC_PREPARED;
    if (s->rc != THP_OK)
        return;
    memset(&m, 0, sizeof m);
    m.s = s;
    thp_buf_init(&clean, 0);
    thp_buf_init(&repairs, 1024);
    thp_buf_init(&pdf, SRC_MAX_FILE);
    thp_doc_init(&doc, 0);
    thp_text_info_init(&ti);
    if (s->kind == K_PDF) {
        rc = pdf_text(s->abs, &pdf, &s->err);
        if (rc == THP_OK)
            rc = thp_text_prepare(pdf.s ? pdf.s : "", pdf.n, 0, &clean, &ti,
                                  &s->err);
    } else {
        /* a binary file under a text name is refused, with the reason */
        rc = thp_sniff_bytes(s->raw.s ? s->raw.s : "", s->raw.n, &s->err);
        if (rc == THP_OK)
            rc = thp_text_prepare(s->raw.s ? s->raw.s : "", s->raw.n,
                                  s->kind == K_HTML ? THP_TEXT_HTML : 0,
                                  &clean, &ti, &s->err);
        if (rc == THP_OK)
            rc = thp_sniff_text(clean.s ? clean.s : "", clean.n, &ti,
                                &s->err);
        s->not_text = rc == THP_ERR_SYNTAX;
    }
    if (rc != THP_OK)
        goto out;
    thp_text_info_json(&ti, &repairs);
    snprintf(s->charset, sizeof s->charset, "%s",
             s->kind == K_PDF ? "PDF" : ti.charset);
    m.repairs = repairs.n ? arena_put(&s->arena, repairs.s, repairs.n) : 0;
    if (s->kind == K_HTML) {
        rc = thp_extract_html(clean.s ? clean.s : "", clean.n, &doc,
                              &s->err);
        m.links = doc.links.n ? arena_put(&s->arena, doc.links.s,
                                          doc.links.n)
                              : 0;
        m.canonical = doc.url.n ? doc.url.s : NULL;
        if (rc == THP_OK)
            rc = make_page(&m, doc.title.s, doc.body.s ? doc.body.s : "",
                           doc.body.n);
    } else if (s->kind == K_PDF ||
               memchr(clean.s ? clean.s : "", '\f', clean.n)) {
        rc = make_report(&m, clean.s ? clean.s : "", clean.n);
    } else {
        rc = make_page(&m, NULL, clean.s ? clean.s : "", clean.n);
    }
    if (rc == THP_OK && s->kind == K_PDF) /* pdftotext's text, as read */
        rc = own_repairs(&m, pdf.s ? pdf.s : "", pdf.n, 0, &ti);
    else if (rc == THP_OK)
        rc = own_repairs(&m, s->raw.s ? s->raw.s : "", s->raw.n,
                         s->kind == K_HTML, &ti);
    /* documents made before a failure are kept, as they were stored */
    if (finish_docs(&m) != THP_OK && rc == THP_OK)
        rc = THP_ERR_NOMEM;
    if (rc == THP_OK && s->ndocs == 0)
        rc = thp_err_set(&s->err, THP_ERR_SYNTAX, "no text found");
out:
    s->rc = rc;
    thp_buf_release(&s->raw);
    thp_free(m.v);
    thp_buf_release(&clean);
    thp_buf_release(&repairs);
    thp_buf_release(&pdf);
    thp_doc_release(&doc);
}
