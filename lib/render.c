/*
** render.c: the output forms of a result (render.h). Nothing here reads
** the index; everything is built from a struct thp_result.
*/
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "thp/json.h"
#include "thp/passage.h"
#include "thp/render.h"

/* ---- marked text --------------------------------------------------------- */

/*
** Append s[0..n) HTML-escaped, without the snippet marks (0x01, 0x02).
** Bytes that are not UTF-8 become U+FFFD, one for each byte that starts
** no valid sequence (thp_utf8_decode: overlong forms, surrogates, code
** points past U+10FFFF and sequences cut short count as invalid), the
** policy of thp_json_str, so a page is valid UTF-8 whatever it is given.
*/
static void html_escape(struct thp_buf *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0; /* run: bytes before i still to copy as they are */

    while (i < n) {
        const char *rep;
        unsigned cp;
        size_t k;

        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\x01': case '\x02': rep = ""; break;
        default:
            k = s[i] < 0x80 ? 1 : thp_utf8_decode(s + i, n - i, &cp);
            if (k > 0) {
                i += k;
                run += k;
                continue;
            }
            rep = "\xEF\xBF\xBD";
        }
        thp_buf_append(out, str + i - run, run);
        run = 0;
        thp_buf_puts(out, rep);
        i++;
    }
    thp_buf_append(out, str + i - run, run);
}

int thp_render_html_text(struct thp_buf *out, const char *s)
{
    if (s != NULL)
        html_escape(out, s, strlen(s));
    return out->rc;
}

int thp_render_html_marked(struct thp_buf *out, const char *s)
{
    while (s && *s) {
        /* the text up to the next mark or break, escaped in one piece so
        ** that no UTF-8 sequence is split */
        size_t k = strcspn(s, "\x01\x02\n\f");

        html_escape(out, s, k);
        s += k;
        switch (*s) {
        case '\0': return out->rc;
        case '\x01': thp_buf_puts(out, "<mark>"); break;
        case '\x02': thp_buf_puts(out, "</mark>"); break;
        default: /* '\n', '\f' */
            if (out->n == 0 || out->s[out->n - 1] != ' ')
                thp_buf_putc(out, ' ');
        }
        s++;
    }
    return out->rc;
}

int thp_render_term_marked(struct thp_buf *out, const char *s,
                           const char *open, const char *close)
{
    for (; s && *s; s++) {
        if (*s == '\x01')
            thp_buf_puts(out, open);
        else if (*s == '\x02')
            thp_buf_puts(out, close);
        else if (*s == '\n' || *s == '\f') {
            if (out->n == 0 || out->s[out->n - 1] != ' ')
                thp_buf_putc(out, ' ');
        } else
            thp_buf_putc(out, *s);
    }
    return out->rc;
}

const char *thp_render_mime(int format)
{
    switch (format) {
    case THP_FMT_JSON: return "application/json; charset=utf-8";
    case THP_FMT_JSONL: return "application/x-ndjson; charset=utf-8";
    case THP_FMT_CSV: return "text/csv; charset=utf-8; header=present";
    case THP_FMT_TSV: return "text/tab-separated-values; charset=utf-8";
    case THP_FMT_HTML: return "text/html; charset=utf-8";
    }
    return "text/plain; charset=utf-8";
}

/* ---- json ---------------------------------------------------------------- */

static void json_opt_str(struct thp_buf *b, const char *key, const char *v)
{
    thp_json_key(b, key, 0);
    thp_json_cstr(b, v);
}

static void json_str_array(struct thp_buf *b, const char *key, char **v,
                           size_t n)
{
    size_t j;

    thp_json_key(b, key, 0);
    thp_buf_putc(b, '[');
    for (j = 0; j < n; j++) {
        if (j)
            thp_buf_putc(b, ',');
        thp_json_cstr(b, v[j]);
    }
    thp_buf_putc(b, ']');
}

static void json_marked(struct thp_buf *b, const char *s)
{
    struct thp_buf h;

    thp_buf_init(&h, 0);
    thp_render_html_marked(&h, s ? s : "");
    thp_json_str(b, h.s ? h.s : "", h.n);
    if (h.rc != THP_OK && b->rc == THP_OK)
        b->rc = h.rc;
    thp_buf_release(&h);
}

static void json_hit(struct thp_buf *b, const struct thp_hit *h, size_t rank)
{
    size_t j;

    thp_buf_putc(b, '{');
    thp_json_key(b, "id", 1);
    thp_buf_printf(b, "%lld", (long long)h->id);
    thp_json_key(b, "rank", 0);
    thp_buf_printf(b, "%zu", rank + 1);
    json_opt_str(b, "title", h->title);
    json_opt_str(b, "url", h->url);
    {
        struct thp_buf l;

        thp_buf_init(&l, 0);
        thp_render_link(&l, h, "/");
        json_opt_str(b, "link", l.s ? l.s : "");
        thp_buf_release(&l);
    }
    json_opt_str(b, "path", h->path);
    json_opt_str(b, "kind", h->kind);
    json_opt_str(b, "date", h->date);
    thp_json_key(b, "year", 0);
    if (h->year)
        thp_buf_printf(b, "%d", h->year);
    else
        thp_buf_puts(b, "null");
    json_opt_str(b, "location", h->location);
    json_opt_str(b, "partners", h->partners);
    json_opt_str(b, "authors", h->authors);
    json_opt_str(b, "lang", h->lang && *h->lang ? h->lang : "en");
    thp_json_key(b, "page", 0);
    if (h->page)
        thp_buf_printf(b, "%d", h->page);
    else
        thp_buf_puts(b, "null");
    thp_json_key(b, "score", 0);
    thp_buf_printf(b, "%.4f", h->score);
    thp_json_key(b, "snippet", 0);
    json_marked(b, h->npassages ? h->passages[0].text : "");
    thp_json_key(b, "passages", 0);
    thp_buf_putc(b, '[');
    for (j = 0; j < h->npassages; j++) {
        if (j)
            thp_buf_putc(b, ',');
        thp_buf_putc(b, '{');
        thp_json_key(b, "text", 1);
        json_marked(b, h->passages[j].text);
        thp_json_key(b, "page", 0);
        if (h->page)
            thp_buf_printf(b, "%d", h->page);
        else
            thp_buf_puts(b, "null");
        thp_json_key(b, "offset", 0);
        thp_buf_printf(b, "%zu", h->passages[j].offset);
        thp_buf_putc(b, '}');
    }
    thp_buf_putc(b, ']');
    thp_json_key(b, "repairs", 0);
    /* stored as JSON by thp-index; anything else is not passed on */
    if (h->repairs && h->repairs[0] == '{')
        thp_buf_puts(b, h->repairs);
    else
        thp_buf_puts(b, "null");
    json_str_array(b, "sources", h->sources, h->nsources);
    json_str_array(b, "near_duplicates", h->similar, h->nsimilar);
    thp_buf_putc(b, '}');
}

static void json_facets(struct thp_buf *b, const struct thp_result *res)
{
    size_t i, j;

    thp_buf_putc(b, '{');
    for (i = 0; i < res->nfacets; i++) {
        const struct thp_facet *f = &res->facets[i];

        thp_json_key(b, f->name, i == 0);
        thp_buf_puts(b, "{\"values\":[");
        for (j = 0; j < f->n; j++) {
            if (j)
                thp_buf_putc(b, ',');
            thp_buf_putc(b, '{');
            thp_json_key(b, "value", 1);
            thp_json_cstr(b, f->v[j].value);
            thp_json_key(b, "count", 0);
            thp_buf_printf(b, "%lld", (long long)f->v[j].count);
            thp_buf_putc(b, '}');
        }
        thp_buf_printf(b, "],\"distinct\":%zu}", f->nvalues);
    }
    thp_buf_putc(b, '}');
}

static const char *mode_name(int mode)
{
    return mode == THP_MODE_SIMPLE ? "simple"
         : mode == THP_MODE_ANY ? "any" : "advanced";
}

static void json_head(struct thp_buf *b, const struct thp_result *res)
{
    thp_buf_putc(b, '{');
    thp_json_key(b, "query", 1);
    thp_json_cstr(b, res->query);
    json_opt_str(b, "mode", mode_name(res->mode));
    thp_json_key(b, "total", 0);
    thp_buf_printf(b, "%lld", (long long)res->total);
    thp_json_key(b, "total_exact", 0);
    thp_buf_puts(b, res->total_exact ? "true" : "false");
    thp_json_key(b, "limit", 0);
    if (res->all)
        thp_buf_puts(b, "\"all\"");
    else
        thp_buf_printf(b, "%zu", res->limit);
    thp_json_key(b, "offset", 0);
    thp_buf_printf(b, "%zu", res->offset);
    thp_json_key(b, "relaxed", 0);
    thp_buf_puts(b, res->relaxed ? "true" : "false");
    json_opt_str(b, "suggestion", res->suggestion);
    thp_json_key(b, "generation", 0);
    thp_buf_printf(b, "%lld", (long long)res->generation);
    thp_json_key(b, "facets", 0);
    json_facets(b, res);
    thp_json_key(b, "hits", 0);
    thp_buf_putc(b, '[');
}

/* ---- csv and tsv ----------------------------------------------------------- */

static const char *const columns[] = {
    "rank", "id", "title", "url", "path", "kind", "date", "year",
    "location", "authors", "partners", "lang", "page", "score", "passage"};

static void csv_field(struct thp_buf *b, const char *s, int tsv)
{
    const char *p;

    if (s == NULL)
        s = "";
    if (tsv) {
        for (p = s; *p; p++)
            if (*p == '\t' || *p == '\n' || *p == '\r')
                thp_buf_putc(b, ' ');
            else if (*p != '\x01' && *p != '\x02')
                thp_buf_putc(b, *p);
        return;
    }
    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ') {
        for (p = s; *p; p++)
            if (*p != '\x01' && *p != '\x02')
                thp_buf_putc(b, *p);
        return;
    }
    thp_buf_putc(b, '"');
    for (p = s; *p; p++) {
        if (*p == '"')
            thp_buf_putc(b, '"');
        if (*p != '\x01' && *p != '\x02')
            thp_buf_putc(b, *p);
    }
    thp_buf_putc(b, '"');
}

static void csv_row(struct thp_buf *b, const char **v, size_t n, int tsv)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (i)
            thp_buf_putc(b, tsv ? '\t' : ',');
        csv_field(b, v[i], tsv);
    }
    thp_buf_puts(b, tsv ? "\n" : "\r\n");
}

static void csv_hit(struct thp_buf *b, const struct thp_hit *h, size_t rank,
                    int tsv)
{
    char r[24], id[24], year[16], page[16], score[32];
    const char *v[sizeof columns / sizeof *columns];
    struct thp_buf pas;

    thp_buf_init(&pas, 0);
    thp_render_term_marked(&pas, h->npassages ? h->passages[0].text : "", "",
                           "");
    snprintf(r, sizeof r, "%zu", rank + 1);
    snprintf(id, sizeof id, "%lld", (long long)h->id);
    snprintf(year, sizeof year, "%d", h->year);
    snprintf(page, sizeof page, "%d", h->page);
    snprintf(score, sizeof score, "%.4f", h->score);
    v[0] = r; v[1] = id; v[2] = h->title; v[3] = h->url; v[4] = h->path;
    v[5] = h->kind; v[6] = h->date; v[7] = h->year ? year : "";
    v[8] = h->location; v[9] = h->authors; v[10] = h->partners;
    v[11] = h->lang && *h->lang ? h->lang : "en";
    v[12] = h->page ? page : ""; v[13] = score; v[14] = pas.s ? pas.s : "";
    csv_row(b, v, sizeof columns / sizeof *columns, tsv);
    thp_buf_release(&pas);
}

/* ---- text ------------------------------------------------------------------ */

static void text_meta(struct thp_buf *b, const struct thp_hit *h)
{
    thp_buf_printf(b, "[%s", h->kind);
    if (h->date)
        thp_buf_printf(b, ", %s", h->date);
    if (h->location)
        thp_buf_printf(b, ", %s", h->location);
    if (h->page)
        thp_buf_printf(b, ", p. %d", h->page);
    if (h->nsources > 1)
        thp_buf_printf(b, ", %zu sources", h->nsources);
    thp_buf_putc(b, ']');
}

static void text_hit(struct thp_buf *b, const struct thp_hit *h, size_t rank,
                     const struct thp_render_opts *o)
{
    const char *on = o->color ? "\033[1m" : "", *off = o->color ? "\033[0m"
                                                                : "";
    size_t j;

    thp_buf_printf(b, "%s%zu. %s%s  ", on, rank + 1, h->title, off);
    text_meta(b, h);
    thp_buf_printf(b, "\n   %s\n", h->url);
    for (j = 0; j < h->npassages; j++) {
        thp_buf_puts(b, "   ");
        thp_render_term_marked(b, h->passages[j].text, on, off);
        thp_buf_putc(b, '\n');
    }
    for (j = 0; j < h->nsimilar; j++)
        thp_buf_printf(b, "   also: %s\n", h->similar[j]);
    if (o->explain)
        thp_buf_printf(b, "   repairs: %s\n", h->repairs ? h->repairs : "{}");
    thp_buf_putc(b, '\n');
}

static void text_tail(struct thp_buf *b, const struct thp_result *res,
                      size_t shown)
{
    if (res->relaxed)
        thp_buf_puts(b, "(no document has every word; these have some)\n");
    if (shown)
        thp_buf_printf(b, "%zu-%zu of %s%lld results (%.1f ms)\n",
                       res->offset + 1, res->offset + shown,
                       res->total_exact ? "" : "more than ",
                       (long long)res->total, res->took_ms);
    else if (res->total)
        thp_buf_printf(b, "no results past %zu (%lld in all)\n", res->offset,
                       (long long)res->total);
    else
        thp_buf_puts(b, "no results\n");
    if (res->suggestion)
        thp_buf_printf(b, "did you mean: %s\n", res->suggestion);
}

/* ---- kwic ------------------------------------------------------------------ */

static void kwic_hit(struct thp_buf *b, const struct thp_hit *h,
                     const struct thp_render_opts *o)
{
    const char *on = o->color ? "\033[1m" : "", *off = o->color ? "\033[0m"
                                                                : "";
    char label[48];
    size_t j, k;

    if (h->page)
        snprintf(label, sizeof label, "%lld p.%d", (long long)h->id, h->page);
    else
        snprintf(label, sizeof label, "%lld", (long long)h->id);
    for (j = 0; j < h->npassages; j++) {
        thp_buf_printf(b, "%-12s ", label);
        for (k = 0; k < h->passages[j].pad; k++)
            thp_buf_putc(b, ' ');
        thp_render_term_marked(b, h->passages[j].text, on, off);
        thp_buf_putc(b, '\n');
    }
}

/* ---- html ------------------------------------------------------------------ */

static void url_escape(struct thp_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
            c == '~')
            thp_buf_putc(b, (char)c);
        else if (c == ' ')
            thp_buf_putc(b, '+');
        else {
            thp_buf_putc(b, '%');
            thp_buf_putc(b, hex[c >> 4]);
            thp_buf_putc(b, hex[c & 15]);
        }
    }
}

static const char *base_of(const char *base)
{
    return base && *base ? base : "/";
}

int thp_render_is_web(const struct thp_hit *h)
{
    if (h->url == NULL || *h->url == '\0')
        return 0;
    if (!strncasecmp(h->url, "http://", 7) ||
        !strncasecmp(h->url, "https://", 8))
        return 1;
    /* a canonical address, --url-base or a JSON Lines url: not the path */
    return h->path != NULL && strcmp(h->url, h->path) != 0;
}

int thp_render_link(struct thp_buf *out, const struct thp_hit *h,
                    const char *base)
{
    if (thp_render_is_web(h))
        thp_buf_puts(out, h->url);
    else
        thp_buf_printf(out, "%sdoc/%lld", base_of(base), (long long)h->id);
    return out->rc;
}

int thp_render_page_open(struct thp_buf *out, const char *title,
                         const char *base)
{
    base = base_of(base);
    thp_buf_puts(out, "<!doctype html>\n<html lang=\"en\"><head>"
                      "<meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width,"
                      " initial-scale=1\">"
                      "<meta name=\"color-scheme\" content=\"light dark\">"
                      "<title>");
    thp_render_html_text(out, title);
    thp_buf_puts(out, " – The Hague Process on Refugees and Migration"
                      "</title><link rel=\"stylesheet\" href=\"");
    thp_render_html_text(out, base);
    thp_buf_puts(out, "searchbox.css\"><script src=\"");
    thp_render_html_text(out, base);
    thp_buf_puts(out, "searchbox.js\" defer></script></head>\n<body "
                      "class=\"thp-page\"><a class=\"thp-skip\" href=\"#main\">"
                      "Skip to content</a>\n<header class=\"thp-site\"><a "
                      "href=\"");
    thp_render_html_text(out, base);
    thp_buf_puts(out, "\">The Hague Process on Refugees and Migration</a>"
                      "</header>\n<main id=\"main\" class=\"thp-main\" "
                      "tabindex=\"-1\">\n");
    return out->rc;
}

int thp_render_page_close(struct thp_buf *out)
{
    thp_buf_puts(out, "</main></body></html>\n");
    return out->rc;
}

/* Whether the request's kept parameters hold name=value. */
static int kept(const struct thp_render_opts *o, const char *name,
                const char *value)
{
    size_t i;

    for (i = 0; i < o->nkeep; i++)
        if (!strcmp(o->keep[2 * i], name) &&
            !strcmp(o->keep[2 * i + 1] ? o->keep[2 * i + 1] : "", value))
            return 1;
    return 0;
}

/* A link to this search with q and offset given, the kept parameters, and
** parameter key set to val (val NULL: key dropped). */
static void html_link(struct thp_buf *b, const struct thp_render_opts *o,
                      const char *q, size_t offset, const char *key,
                      const char *val)
{
    struct thp_buf u;
    size_t i;

    thp_buf_init(&u, 0);
    thp_buf_puts(&u, base_of(o->base));
    thp_buf_puts(&u, "?q=");
    url_escape(&u, q);
    for (i = 0; i < o->nkeep; i++) {
        const char *name = o->keep[2 * i], *v = o->keep[2 * i + 1];

        if (key && !strcmp(name, key))
            continue;
        thp_buf_putc(&u, '&');
        url_escape(&u, name);
        thp_buf_putc(&u, '=');
        url_escape(&u, v ? v : "");
    }
    if (key && val) {
        thp_buf_printf(&u, "&%s=", key);
        url_escape(&u, val);
    }
    if (offset)
        thp_buf_printf(&u, "&offset=%zu", offset);
    thp_render_html_text(b, u.s ? u.s : "/");
    thp_buf_release(&u);
}

static const char *const facet_label[] = {
    "year", "Year", "kind", "Kind", "location", "Place", "lang", "Language",
    "author", "Author"
};

static const char *facet_title(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof facet_label / sizeof *facet_label; i += 2)
        if (!strcmp(facet_label[i], name))
            return facet_label[i + 1];
    return name;
}

static void html_head(struct thp_buf *b, const struct thp_result *res,
                      const struct thp_render_opts *o)
{
    const unsigned char *q = (const unsigned char *)res->query;
    size_t i, j, qn = strlen(res->query);
    char title[160];

    /* at most 120 bytes of the query, not cutting a character in two */
    if (qn > 120) {
        qn = 120;
        while (qn > 117 && (q[qn] & 0xC0) == 0x80)
            qn--;
    }
    snprintf(title, sizeof title, "%.*s – Search", (int)qn, res->query);
    thp_render_page_open(b, *res->query ? title : "Search", o->base);
    thp_buf_puts(b, "<h1>Search</h1>\n<div class=\"thp-search\" "
                    "data-thp-search=\"\">\n<form class=\"thp-form\" "
                    "role=\"search\" action=\"");
    thp_render_html_text(b, base_of(o->base));
    thp_buf_puts(b, "\" method=\"get\"><label class=\"thp-label\" "
                    "for=\"thp-q\">Search the site</label><div "
                    "class=\"thp-row\"><input id=\"thp-q\" name=\"q\" "
                    "type=\"search\" value=\"");
    thp_render_html_text(b, res->query);
    thp_buf_puts(b, "\"><button type=\"submit\">Search</button></div>");
    /* the filters in force go with a new search from this form */
    for (i = 0; i < o->nkeep; i++) {
        thp_buf_puts(b, "<input type=\"hidden\" name=\"");
        thp_render_html_text(b, o->keep[2 * i]);
        thp_buf_puts(b, "\" value=\"");
        thp_render_html_text(b, o->keep[2 * i + 1]);
        thp_buf_puts(b, "\">");
    }
    thp_buf_puts(b, "</form>\n");
    if (res->suggestion) {
        thp_buf_puts(b, "<p class=\"thp-dym\">Did you mean <a href=\"");
        html_link(b, o, res->suggestion, 0, NULL, NULL);
        thp_buf_puts(b, "\">");
        thp_render_html_text(b, res->suggestion);
        thp_buf_puts(b, "</a>?</p>\n");
    }
    if (res->relaxed)
        thp_buf_puts(b, "<p class=\"thp-note\">No document has every word; "
                        "these have some of them.</p>\n");
    thp_buf_printf(b, "<p class=\"thp-status\" role=\"status\">%s%lld "
                      "result%s", res->total_exact ? "" : "More than ",
                   (long long)res->total, res->total == 1 ? "" : "s");
    if (res->nhits)
        thp_buf_printf(b, ", %zu–%zu shown", res->offset + 1,
                       res->offset + res->nhits);
    thp_buf_puts(b, "</p>\n");
    for (i = 0; i < res->nfacets; i++) {
        const struct thp_facet *f = &res->facets[i];

        if (f->n == 0)
            continue;
        thp_buf_printf(b, "<nav class=\"thp-facet\" aria-label=\"Filter by "
                          "%s\"><span class=\"thp-facet-name\">%s</span> "
                          "<ul>", f->name, facet_title(f->name));
        for (j = 0; j < f->n; j++) {
            int on = kept(o, f->name, f->v[j].value);

            thp_buf_puts(b, "<li><a class=\"thp-chip\" href=\"");
            html_link(b, o, res->query, 0, f->name,
                      on ? NULL : f->v[j].value);
            thp_buf_puts(b, on ? "\" aria-current=\"true\">" : "\">");
            thp_render_html_text(b, f->v[j].value);
            thp_buf_printf(b, " <span class=\"thp-count\">%lld</span></a>"
                              "</li>", (long long)f->v[j].count);
        }
        thp_buf_puts(b, "</ul></nav>\n");
    }
    thp_buf_printf(b, "<ol class=\"thp-hits\" id=\"thp-results\" "
                      "start=\"%zu\">\n", res->offset + 1);
}

static void html_hit(struct thp_buf *b, const struct thp_hit *h,
                     const struct thp_render_opts *o)
{
    size_t j;

    thp_buf_puts(b, "<li class=\"thp-hit\"><a class=\"thp-title\" href=\"");
    {
        struct thp_buf l;

        thp_buf_init(&l, 0);
        thp_render_link(&l, h, o->base);
        thp_render_html_text(b, l.s ? l.s : "");
        thp_buf_release(&l);
    }
    thp_buf_puts(b, "\">");
    thp_render_html_text(b, *h->title ? h->title : "(untitled)");
    thp_buf_puts(b, "</a><p class=\"thp-meta\">");
    thp_render_html_text(b, !strcmp(h->kind, "report") ? "Report"
                            : !strcmp(h->kind, "item") ? "Item" : "Page");
    if (h->page)
        thp_buf_printf(b, " · p. %d", h->page);
    if (h->date) {
        thp_buf_puts(b, " · ");
        thp_render_html_text(b, h->date);
    }
    if (h->location) {
        thp_buf_puts(b, " · ");
        thp_render_html_text(b, h->location);
    }
    thp_buf_puts(b, "</p>");
    for (j = 0; j < h->npassages; j++) {
        thp_buf_puts(b, "<p class=\"thp-passage\">");
        thp_render_html_marked(b, h->passages[j].text);
        thp_buf_puts(b, "</p>");
    }
    if (h->nsimilar)
        thp_buf_printf(b, "<p class=\"thp-also\">Also on %zu other page%s "
                          "with nearly the same text.</p>", h->nsimilar,
                       h->nsimilar == 1 ? "" : "s");
    thp_buf_puts(b, "</li>\n");
}

static void html_tail(struct thp_buf *b, const struct thp_result *res,
                      const struct thp_render_opts *o)
{
    thp_buf_puts(b, "</ol>\n");
    if (res->nhits == 0 && *res->query)
        thp_buf_puts(b, "<p class=\"thp-none\">No results. Check the "
                        "spelling, or try fewer or other words.</p>\n");
    thp_buf_puts(b, "<nav class=\"thp-pages\" aria-label=\"Result pages\">");
    if (res->offset > 0) {
        thp_buf_puts(b, "<a rel=\"prev\" href=\"");
        html_link(b, o, res->query,
                  res->offset > res->limit ? res->offset - res->limit : 0,
                  NULL, NULL);
        thp_buf_puts(b, "\">Previous</a> ");
    }
    if ((int64_t)(res->offset + res->nhits) < res->total && res->nhits) {
        thp_buf_puts(b, "<a rel=\"next\" href=\"");
        html_link(b, o, res->query, res->offset + res->nhits, NULL, NULL);
        thp_buf_puts(b, "\">Next</a>");
    }
    thp_buf_puts(b, "</nav>\n</div>\n");
    thp_render_page_close(b);
}

/* ---- entry points ------------------------------------------------------------ */

int thp_render_head(struct thp_buf *out, const struct thp_result *res,
                    const struct thp_render_opts *o)
{
    switch (o->format) {
    case THP_FMT_JSON:
        json_head(out, res);
        break;
    case THP_FMT_CSV:
    case THP_FMT_TSV:
        if (o->bom)
            thp_buf_puts(out, "\xEF\xBB\xBF");
        csv_row(out, (const char **)columns, sizeof columns / sizeof *columns,
                o->format == THP_FMT_TSV);
        break;
    case THP_FMT_HTML:
        html_head(out, res, o);
        break;
    }
    return out->rc;
}

int thp_render_hit(struct thp_buf *out, const struct thp_result *res,
                   const struct thp_hit *h, size_t rank,
                   const struct thp_render_opts *o)
{
    switch (o->format) {
    case THP_FMT_JSON:
        if (rank > res->offset)
            thp_buf_putc(out, ',');
        json_hit(out, h, rank);
        break;
    case THP_FMT_JSONL:
        json_hit(out, h, rank);
        thp_buf_putc(out, '\n');
        break;
    case THP_FMT_CSV:
    case THP_FMT_TSV:
        csv_hit(out, h, rank, o->format == THP_FMT_TSV);
        break;
    case THP_FMT_KWIC:
        kwic_hit(out, h, o);
        break;
    case THP_FMT_HTML:
        html_hit(out, h, o);
        break;
    default:
        text_hit(out, h, rank, o);
    }
    return out->rc;
}

int thp_render_tail(struct thp_buf *out, const struct thp_result *res,
                    const struct thp_render_opts *o)
{
    switch (o->format) {
    case THP_FMT_JSON:
        thp_buf_puts(out, "]");
        thp_json_key(out, "took_ms", 0);
        thp_buf_printf(out, "%.3f}\n", res->took_ms);
        break;
    case THP_FMT_TEXT:
        text_tail(out, res,
                  res->nhits ? res->nhits
                  : (int64_t)res->offset < res->total && res->all
                      ? (size_t)(res->total - (int64_t)res->offset)
                      : 0);
        break;
    case THP_FMT_HTML:
        html_tail(out, res, o);
        break;
    }
    return out->rc;
}

int thp_render(struct thp_buf *out, const struct thp_result *res,
               const struct thp_render_opts *o)
{
    size_t i;

    thp_render_head(out, res, o);
    for (i = 0; i < res->nhits; i++)
        thp_render_hit(out, res, &res->hits[i], res->offset + i, o);
    return thp_render_tail(out, res, o);
}

int thp_render_counts(struct thp_buf *out, const struct thp_result *res,
                      int format)
{
    size_t i, j;

    if (format == THP_FMT_JSON) {
        json_facets(out, res);
        thp_buf_putc(out, '\n');
        return out->rc;
    }
    if (format == THP_FMT_CSV || format == THP_FMT_TSV) {
        const char *h[] = {"facet", "value", "count"};

        csv_row(out, h, 3, format == THP_FMT_TSV);
    }
    for (i = 0; i < res->nfacets; i++) {
        const struct thp_facet *f = &res->facets[i];

        if (format == THP_FMT_TEXT)
            thp_buf_printf(out, "%s%s\tdocuments\n", i ? "\n" : "", f->name);
        for (j = 0; j < f->n; j++) {
            char c[24];
            const char *row[3];

            snprintf(c, sizeof c, "%lld", (long long)f->v[j].count);
            if (format == THP_FMT_TEXT) {
                thp_buf_printf(out, "%s\t%s\n", f->v[j].value, c);
                continue;
            }
            row[0] = f->name;
            row[1] = f->v[j].value;
            row[2] = c;
            csv_row(out, row, 3, format == THP_FMT_TSV);
        }
    }
    return out->rc;
}
