/*
** extract.h: from clean UTF-8 (text.h) to a document: title and body text
** without markup or page furniture. HTML is parsed with gumbo (an HTML5
** parser, so broken markup parses as a browser would parse it).
**
** HTML: the title is <title>, else the first <h1>. The body is the text of
** <main> (or of the page's <article> when it has exactly one) when there
** is one, else of <body>, leaving out <script>, <style>, <nav>, <footer>,
** <aside>, <form> and similar furniture, and <header> outside <main> and
** <article>; every other element's text is kept, block elements (p, div,
** headings, list items, table cells, dt/dd, figcaption, br...) becoming
** paragraph breaks. Character references are decoded by the parser.
** Links to reports (.pdf/.doc/.txt) are kept. A page nested deeper than
** the tree walk follows (about 1,000 elements) is read off its markup
** instead, in time linear in its size.
** Plain text: the first non-empty line is the title, the rest the body.
*/
#ifndef THP_EXTRACT_H
#define THP_EXTRACT_H

#include <stddef.h>

#include "thp/buf.h"
#include "thp/err.h"

/* An extracted document; every field is owned by it. */
struct thp_doc {
    struct thp_buf title;
    struct thp_buf body;
    struct thp_buf links; /* report links, one URL per line */
    struct thp_buf url;   /* the address the page gives itself (HTML:
                             <link rel=canonical>, else og:url; absolute
                             http(s) only), or empty */
};

/* Set up an empty document; bodies may grow to max bytes (0: no cap). */
void thp_doc_init(struct thp_doc *doc, size_t max);
void thp_doc_release(struct thp_doc *doc);

/* Extract from an HTML page (valid UTF-8, s[0..n)). */
int thp_extract_html(const char *s, size_t n, struct thp_doc *doc,
                     struct thp_err *err);

/* Extract from plain text (valid UTF-8, s[0..n)). */
int thp_extract_text(const char *s, size_t n, struct thp_doc *doc,
                     struct thp_err *err);

/*
** Append s[0..n) to b with whitespace folded: runs of blanks become one
** space, and a space is not written at the start of b or after a newline.
*/
int thp_extract_fold(struct thp_buf *b, const char *s, size_t n);

#endif
