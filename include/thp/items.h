/*
** items.h: splitting a listing page into its items, and reading the
** metadata lines an item carries.
**
** THP's listing pages hold many items (news, events, publications), each a
** title line, optional label lines (Location:, date:, Partners:, Authors:,
** Publication date:) written inconsistently, and paragraphs, wrapped in
** boilerplate lines ("back to overview", "More news", "Download the
** Report"). thp_items_split finds the items in clean text (text.h output,
** or extract.h's body of an HTML page); a page that holds only one item is
** returned as one item. Boilerplate lines are left out of item bodies.
**
** Label matching is forgiving: any case, ':' or ',' after the label, blanks
** anywhere. Dates become ISO 8601 prefixes: "SEPTEMBER 2011" -> 2011-09,
** "Publication date: 2014" -> 2014, "28 June 2011" -> 2011-06-28.
*/
#ifndef THP_ITEMS_H
#define THP_ITEMS_H

#include <stddef.h>

#include "thp/buf.h"
#include "thp/err.h"

struct thp_item {
    struct thp_buf title;
    struct thp_buf body;     /* paragraphs, boilerplate and labels removed */
    char anchor[64];         /* slug of the title, unique within the page */
    char date[11];           /* ISO prefix: YYYY, YYYY-MM or YYYY-MM-DD */
    int year;                /* 0 when unknown */
    struct thp_buf location;
    struct thp_buf partners;
    struct thp_buf authors;
};

struct thp_items {
    struct thp_item *v;
    size_t n;
};

/*
** Split text[0..n) into items, appended to out (release with
** thp_items_release). Fails only on allocation failure.
*/
int thp_items_split(const char *text, size_t n, struct thp_items *out,
                    struct thp_err *err);

void thp_items_release(struct thp_items *items);

/*
** Parse a free-form date ("february 2008", "SEPTEMBER 2011", "2014",
** "28-29 June 2011", "2011-09-28") into an ISO prefix in out[11].
** Returns the year, or 0 (and out = "") when there is no date.
*/
int thp_items_parse_date(const char *s, size_t n, char out[11]);

/* 1 if the line s[0..n) is page furniture ("back to overview", ...). */
int thp_items_is_boilerplate(const char *s, size_t n);

#endif
