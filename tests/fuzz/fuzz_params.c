/*
** fuzz_params.c: libFuzzer target for HTTP parameters, from the query
** string to the rendered page, as thp-searchd's /search and /?q= handle
** them (searchd/http.c handle_search), on a small index (tinyindex.h).
**
** The input is a URL's query string ("q=refugees&limit=3&format=csv"),
** read as libmicrohttpd reads GET arguments: split at '&', then at the
** first '=' (a name without one has no value), '+' as a blank, then
** percent-decoded (MHD_http_unescape). A leading '?' asks for the HTML
** results page (mode simple, format html by default) instead of /search.
** Every parameter goes through thp_request_set (request.h) with the
** daemon's rules (at most 64, a missing q, limit=all only for csv, tsv
** and jsonl), then the request runs (250 ms budget) and the result is
** rendered in the format asked, as json and as html (render.h); so is a
** made-up result whose hits carry the parameters' text (cleaned as
** stored text is, marks around its first word) in every format. The
** target abort()s when a promise breaks:
**   - a parameter is taken or refused with a one-line message naming it;
**     the request stays within its limits (q at most THP_REQUEST_MAX_Q
**     bytes, limit 1..THP_REQUEST_MAX_LIMIT);
**   - a failed search is a client's error (syntax, too long) or the
**     budget: never the index's ("a client cannot cause a 500");
**   - json is one object and jsonl one per line that the strict reader
**     takes; csv has the header's 15 fields in every record (RFC 4180
**     quoting) and tsv 15 columns on every line; text and kwic hold no
**     control character (unless the query held one: "did you mean"
**     shows the query as typed); html is valid UTF-8 and parses (gumbo)
**     into only the elements and attributes render.c writes: no
**     parameter gets markup in.
** Memory errors are the sanitizers'.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gumbo.h>
#include <microhttpd.h>

#include "promise.h"
#include "thp/exec.h"
#include "thp/mem.h"
#include "thp/render.h"
#include "thp/request.h"
#include "thp/text.h"
#include "tinyindex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PARAMS 64 /* the daemon's limit (searchd/http.c) */

static thp_reader *rd;

/*==================== Checks of each format ====================*/

static void check_json(const char *s, size_t n)
{
    promise(n > 1 && s[n - 1] == '\n');
    promise_json_object(s, n - 1);
}

static void check_jsonl(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);

        promise(nl != NULL);
        promise_json_object(s + i, (size_t)(nl - s) - i);
        i = (size_t)(nl - s) + 1;
    }
}

/* RFC 4180: records end in CRLF, fields quoted with "" for a quote. */
static void check_csv(const char *s, size_t n, size_t fields)
{
    size_t i = 0, k = 1, nrec = 0;

    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < n) {
        if (s[i] == '"') {
            for (i++;; i++) {
                promise(i < n);
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        i++;
                        continue;
                    }
                    break;
                }
            }
            i++;
            promise(i < n && (s[i] == ',' || s[i] == '\r'));
            continue;
        }
        if (s[i] == ',') {
            k++;
        } else if (s[i] == '\r') {
            promise(i + 1 < n && s[i + 1] == '\n');
            promise(k == fields);
            nrec++;
            k = 1;
            i++;
        } else {
            promise(s[i] != '\n' && s[i] != '\x01' && s[i] != '\x02');
        }
        i++;
    }
    promise(k == 1 && nrec >= 1);
}

static void check_tsv(const char *s, size_t n, size_t fields)
{
    size_t i = 0, k = 1, nrec = 0;

    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        i = 3;
    for (; i < n; i++) {
        promise(s[i] != '\r' && s[i] != '\x01' && s[i] != '\x02');
        if (s[i] == '\t') {
            k++;
        } else if (s[i] == '\n') {
            promise(k == fields);
            nrec++;
            k = 1;
        }
    }
    promise(k == 1 && nrec >= 1);
}

/* For people at a terminal, without color: no control but line ends. */
static void check_plain(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        promise((unsigned char)s[i] >= 0x20 || s[i] == '\n');
}

static int one_of(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(v, *list))
            return 1;
    return 0;
}

/* Every element and attribute is one render.c writes. */
static void check_node(const GumboNode *node, int depth)
{
    static const char *const tags[] = {
        "html", "head", "body", "meta", "title", "link", "main", "form",
        "label", "input", "button", "p", "a", "nav", "ul", "li", "ol",
        "h1", "h2", "mark", "script", "header", "div", "span", NULL};
    static const char *const attrs[] = {
        "lang", "charset", "name", "content", "rel", "href", "class",
        "role", "action", "method", "for", "id", "type", "value",
        "aria-label", "start", "src", "defer", "tabindex", "aria-current",
        "data-thp-search", NULL};
    const GumboVector *v;
    unsigned i;

    promise(depth < 64);
    if (node->type != GUMBO_NODE_ELEMENT)
        return;
    promise(node->v.element.tag != GUMBO_TAG_UNKNOWN &&
            one_of(gumbo_normalized_tagname(node->v.element.tag), tags));
    v = &node->v.element.attributes;
    for (i = 0; i < v->length; i++)
        promise(one_of(((const GumboAttribute *)v->data[i])->name, attrs));
    v = &node->v.element.children;
    for (i = 0; i < v->length; i++)
        check_node(v->data[i], depth + 1);
}

static void check_html(const char *s, size_t n)
{
    GumboOutput *g;

    promise(thp_text_utf8_valid(s, n)); /* bad bytes of a query as U+FFFD */
    g = gumbo_parse_with_options(&kGumboDefaultOptions, s, n);
    promise(g != NULL);
    check_node(g->root, 0);
    gumbo_destroy_output(&kGumboDefaultOptions, g);
}

/* res rendered in format, then checked. */
static void render_checked(const struct thp_result *res,
                           const struct thp_request *req, int format)
{
    struct thp_render_opts ro;
    struct thp_buf b;

    memset(&ro, 0, sizeof ro);
    ro.format = format;
    ro.bom = req->bom;
    ro.base = "/";
    ro.req = req;
    thp_buf_init(&b, 0);
    promise(thp_render(&b, res, &ro) == THP_OK);
    promise(b.n == 0 || strlen(b.s) == b.n);
    switch (format) {
    case THP_FMT_JSON:
        check_json(b.s, b.n);
        break;
    case THP_FMT_JSONL:
        check_jsonl(b.s ? b.s : "", b.n);
        break;
    case THP_FMT_CSV:
        check_csv(b.s, b.n, 15);
        break;
    case THP_FMT_TSV:
        check_tsv(b.s, b.n, 15);
        break;
    case THP_FMT_HTML:
        check_html(b.s, b.n);
        break;
    default: /* "did you mean" shows the query's own bytes */
        if (clean_str(req->q))
            check_plain(b.s ? b.s : "", b.n);
    }
    thp_buf_reset(&b);
    promise(thp_render_counts(&b, res, format) == THP_OK);
    if (format == THP_FMT_JSON)
        check_json(b.s, b.n);
    else if (format == THP_FMT_CSV)
        check_csv(b.s, b.n, 3);
    else if (format == THP_FMT_TSV)
        check_tsv(b.s, b.n, 3);
    thp_buf_release(&b);
}

/*==================== A made-up result ====================*/

/*
** Two hits whose every string is text from the request, cleaned as
** stored text is: q, on one line, as title, location, facet value and
** suggestion, and as passage with its first word marked.
*/
static void fake_render(const struct thp_request *req)
{
    static char kind_page[] = "page", kind_report[] = "report";
    static char lang_en[] = "en";
    struct thp_result res;
    struct thp_hit h[2];
    struct thp_passage pas[2];
    struct thp_facet_value fv[2];
    struct thp_buf t, p;
    char *sources[1], *similar[1];
    size_t w, f;

    thp_buf_init(&t, 0);
    thp_buf_init(&p, 0);
    promise(thp_text_prepare(req->q, req->qlen, 0, &t, NULL, NULL) ==
            THP_OK);
    /* the first word between the marks, as passage.c marks a match; a
    ** stored text has no form feeds (they end a report's pages) */
    w = strcspn(t.s ? t.s : "", " \n\f");
    thp_buf_putc(&p, THP_MARK_OPEN[0]);
    thp_buf_append(&p, t.s ? t.s : "", w);
    thp_buf_putc(&p, THP_MARK_CLOSE[0]);
    thp_buf_append(&p, t.s ? t.s + w : "", t.n - w);
    promise(t.rc == THP_OK && p.rc == THP_OK);
    for (f = 0; f < p.n; f++)
        if (p.s[f] == '\f')
            p.s[f] = '\n';
    /* titles and the other fields are one line */
    for (f = 0; f < t.n; f++)
        if (t.s[f] == '\f' || t.s[f] == '\n')
            t.s[f] = ' ';

    memset(&res, 0, sizeof res);
    memset(h, 0, sizeof h);
    res.query = (char *)req->q;
    res.match = (char *)"";
    res.mode = req->mode;
    res.total = 7;
    res.total_exact = 1;
    res.limit = 2;
    res.offset = req->offset < 5 ? req->offset : 5;
    res.nhits = 2;
    res.hits = h;
    res.suggestion = t.s ? t.s : (char *)"";
    pas[0].text = p.s;
    pas[0].offset = 0;
    pas[0].pad = 3;
    pas[1] = pas[0];
    sources[0] = similar[0] = t.s ? t.s : (char *)"";
    for (w = 0; w < 2; w++) {
        h[w].id = (int64_t)w + 1;
        h[w].title = t.s ? t.s : (char *)"";
        h[w].url = h[w].path = t.s ? t.s : (char *)"";
        h[w].kind = w ? kind_report : kind_page;
        h[w].date = w ? NULL : (char *)"2011-06-28";
        h[w].location = h[w].partners = h[w].authors = t.s;
        h[w].lang = w ? lang_en : NULL;
        h[w].year = w ? 0 : 2011;
        h[w].page = (int)w * 3;
        h[w].score = 1.5 - (double)w;
        h[w].passages = pas;
        h[w].npassages = 2 - w;
        h[w].sources = sources;
        h[w].nsources = 1;
        h[w].similar = similar;
        h[w].nsimilar = w;
        h[w].repairs = w ? NULL : (char *)"{\"charset\":\"UTF-8\"}";
    }
    fv[0].value = t.s ? t.s : (char *)"";
    fv[0].count = 3;
    fv[1].value = (char *)"Lyon";
    fv[1].count = 1;
    res.nfacets = 1;
    res.facets[0].name = "location";
    res.facets[0].v = fv;
    res.facets[0].n = 2;
    res.facets[0].nvalues = 5;
    for (f = THP_FMT_TEXT; f <= THP_FMT_HTML; f++)
        render_checked(&res, req, (int)f);
    thp_buf_release(&t);
    thp_buf_release(&p);
}

/*==================== The daemon's handling ====================*/

/* One parameter as libmicrohttpd hands it over, through the table. */
static void set_param(struct thp_request *req, char *pair, int *n,
                      int *has_q, struct thp_err *err)
{
    char *eq = strchr(pair, '='), *p;
    const char *value = NULL;
    int rc;

    if (err->rc != THP_OK)
        return;
    if (++*n > MAX_PARAMS) {
        thp_err_set(err, THP_ERR_TOOBIG, "too many parameters (at most "
                    "64)");
        return;
    }
    if (eq) {
        *eq = '\0';
        value = eq + 1;
    }
    for (p = pair; *p; p++)
        if (*p == '+')
            *p = ' ';
    MHD_http_unescape(pair);
    if (eq) {
        for (p = eq + 1; *p; p++)
            if (*p == '+')
                *p = ' ';
        MHD_http_unescape(eq + 1);
    }
    if (!strcmp(pair, "q")) {
        *has_q = 1;
        if (value == NULL)
            value = "";
    }
    rc = thp_request_set(req, pair, value, err);
    if (rc != THP_OK) {
        promise(rc == THP_ERR_SYNTAX || rc == THP_ERR_TOOBIG);
        promise(err->rc == rc && err->msg[0] != '\0' &&
                strchr(err->msg, '\n') == NULL);
    }
}

static void check_request(const struct thp_request *r)
{
    promise(r->qlen <= THP_REQUEST_MAX_Q && r->q[r->qlen] == '\0');
    promise(r->all || (r->limit >= 1 && r->limit <= THP_REQUEST_MAX_LIMIT));
    promise(r->passages <= THP_REQUEST_MAX_PASSAGES);
    promise(r->nlangs <= 8);
    promise(memchr(r->location, '\0', sizeof r->location) != NULL &&
            memchr(r->author, '\0', sizeof r->author) != NULL);
    promise(r->format >= THP_FMT_TEXT && r->format <= THP_FMT_HTML);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct thp_request *req;
    struct thp_result res;
    struct thp_err err;
    char *qs, *pair;
    int n = 0, has_q = 0, rc;
    size_t i = 0;

    if (size > 8192)
        return 0;
    if (rd == NULL)
        rd = tiny_open(TINY_TOPLIST, 250);
    req = thp_malloc(sizeof *req);
    qs = thp_malloc(size + 1);
    promise(req && qs);
    memcpy(qs, data, size);
    qs[size] = '\0';
    thp_request_init(req);
    if (qs[0] == '?') { /* the results page for browsers */
        req->mode = THP_MODE_SIMPLE;
        req->format = THP_FMT_HTML;
        i = 1;
    }
    thp_err_clear(&err);
    /* the pairs, split where the string holds '&' (a C string: to NUL) */
    while (qs[i] != '\0' && err.rc == THP_OK) {
        size_t len = strcspn(qs + i, "&");

        pair = qs + i;
        i += len + (qs[i + len] == '&');
        pair[len] = '\0';
        if (len > 0)
            set_param(req, pair, &n, &has_q, &err);
    }
    if (err.rc == THP_OK && !has_q)
        thp_err_set(&err, THP_ERR_SYNTAX, "missing parameter 'q'");
    if (err.rc == THP_OK && req->all && req->format != THP_FMT_CSV &&
        req->format != THP_FMT_TSV && req->format != THP_FMT_JSONL)
        thp_err_set(&err, THP_ERR_SYNTAX, "limit=all is for format=csv, "
                    "tsv or jsonl");
    check_request(req);
    if (err.rc == THP_OK) {
        rc = thp_exec(rd, req, &res, NULL, NULL, &err);
        if (rc == THP_OK) {
            render_checked(&res, req, req->format);
            if (!req->all) {
                render_checked(&res, req, THP_FMT_JSON);
                render_checked(&res, req, THP_FMT_HTML);
            }
            thp_result_release(&res);
        } else {
            /* a 400, or the budget's 503: never the index's error */
            promise(rc == THP_ERR_SYNTAX || rc == THP_ERR_TOOBIG);
            promise(!err.haspos || err.pos <= req->qlen);
        }
    }
    fake_render(req);
    thp_free(qs);
    thp_free(req);
    return 0;
}
