/*
** render.h: every output form of a result, for the CLI and the daemon
** alike: json, jsonl, csv, tsv, text, kwic and html (request.h's
** THP_FMT_*). A result renders as head, hits, tail, so that a streamed
** result (limit=all) goes out one hit at a time in bounded memory.
**
**   json   one object: the head fields, "facets", then "hits" (each hit
**          as in jsonl) and "took_ms" (docs/API.md lists every field)
**   jsonl  one hit object per line, nothing else
**   csv    RFC 4180: a header row, CRLF line ends, fields quoted when
**          they hold a comma, quote or line break; optional UTF-8 BOM
**   tsv    the same columns, tab-separated, tabs and breaks as spaces
**   text   for people at a terminal (bold marks when color is set)
**   kwic   a concordance: every occurrence, aligned, with its document
**          and page
**   html   the results page of the daemon for browsers without script
*/
#ifndef THP_RENDER_H
#define THP_RENDER_H

#include <stddef.h>

#include "thp/buf.h"
#include "thp/exec.h"
#include "thp/request.h"

struct thp_render_opts {
    int format;         /* THP_FMT_* */
    int color;          /* text, kwic: ANSI bold for matches */
    int bom;            /* csv, tsv */
    int explain;        /* text: each hit's repair record */
    const char *base;   /* html: the search page's path, e.g. "/" */
    const struct thp_request *req; /* html: the request, for links */
    const char *const *keep; /* html: name, value pairs (nkeep of them) a
                                link keeps: the request's filters */
    size_t nkeep;
};

/* Append the address a visitor opens for h: its web address (with its
** #anchor or #page=N) when the index knows one, else base + "doc/ID", the
** daemon's page of the stored text. base "/" when NULL. */
int thp_render_link(struct thp_buf *out, const struct thp_hit *h,
                    const char *base);

/* Whether h has a web address (not only the local path it was read from). */
int thp_render_is_web(const struct thp_hit *h);

/* The HTML page around a result page, a document or an error: doctype,
** head with title, the search box's stylesheet and script under base,
** the site header; close ends main, body and html. */
int thp_render_page_open(struct thp_buf *out, const char *title,
                         const char *base);
int thp_render_page_close(struct thp_buf *out);

int thp_render_head(struct thp_buf *out, const struct thp_result *res,
                    const struct thp_render_opts *o);
int thp_render_hit(struct thp_buf *out, const struct thp_result *res,
                   const struct thp_hit *h, size_t rank,
                   const struct thp_render_opts *o);
int thp_render_tail(struct thp_buf *out, const struct thp_result *res,
                    const struct thp_render_opts *o);

/* head + every hit of res + tail */
int thp_render(struct thp_buf *out, const struct thp_result *res,
               const struct thp_render_opts *o);

/* The facets of res as a table ("value<TAB>count" lines under a heading
** per facet) in text, csv (facet,value,count) or json. */
int thp_render_counts(struct thp_buf *out, const struct thp_result *res,
                      int format);

/* Append s HTML-escaped, marks (passage.h) as <mark>...</mark>. */
int thp_render_html_marked(struct thp_buf *out, const char *s);

/* Append s HTML-escaped. */
int thp_render_html_text(struct thp_buf *out, const char *s);

/* Append s with marks replaced by open/close (e.g. ANSI bold, or ""). */
int thp_render_term_marked(struct thp_buf *out, const char *s,
                           const char *open, const char *close);

/* The MIME type of a format, with its charset. */
const char *thp_render_mime(int format);

#endif
