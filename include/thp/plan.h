/*
** plan.h: a search request once parsed: what to match, what to keep,
** in which order, what to count. The query parser (qparse.h) fills the
** match and the filters written in the query; the request (request.h)
** adds the filters, sort and facets given as options; expansion
** (expand.h) edits the match; the executor (exec.h) runs it.
**
** The match is an FTS5 expression in which every user word is quoted
** (qparse.h), with one THP_ROLE_* byte per FTS5 phrase (rank.h) and an
** optional weights text for thp_rank(). Filters are conjunctive and apply
** to the whole query: a document is kept only if it passes all of them.
** Dates are compared as yyyymmdd numbers in which an unknown month or
** day is 00: a document dated "2011" is 20110000, "2011-09" 20110900.
** A range's low end fills missing parts with 00 and its high end with 99,
** so year:2011 is 20110000..20119999 and holds both of those documents.
*/
#ifndef THP_PLAN_H
#define THP_PLAN_H

#include <stddef.h>

#include "thp/buf.h"

/* Kinds of document, as bits of thp_plan.kinds. */
#define THP_KIND_PAGE   0x1
#define THP_KIND_ITEM   0x2
#define THP_KIND_REPORT 0x4

/* Languages a filter can name at most. */
#define THP_PLAN_MAX_LANGS 8

/* A positive word of the query as the user typed it: where it stands in
** the query (bytes), for "did you mean" and for top-k term lookups. */
struct thp_qword {
    size_t off, len;   /* the word's bytes in the query, quotes excluded */
    int prefix;        /* written (or taken, in prefix mode) as word* */
    int exact;         /* inside a quoted phrase: exact forms only */
    int field;         /* 0 any, else a THP_FIELD_* of qparse.h */
};

struct thp_plan {
    /* What to match (empty match: nothing searchable, zero hits). */
    struct thp_buf match;   /* FTS5 expression */
    struct thp_buf roles;   /* one THP_ROLE_* byte per FTS5 phrase */
    struct thp_buf weights; /* thp_rank's weights text, or empty */
    struct thp_qword *words; /* positive words, in query order */
    size_t nwords;
    int has_or, has_not, has_near, has_phrase; /* shape of the match */

    /* What to keep. 0 means no bound / any. */
    long date_lo, date_hi;  /* yyyymmdd, inclusive */
    unsigned kinds;         /* THP_KIND_* bits */
    char langs[THP_PLAN_MAX_LANGS][4]; /* ISO 639-1 codes, "" unused */
    size_t nlangs;
    const char *location;   /* exact value, or NULL (borrowed) */
    const char *author;     /* one of the document's authors, or NULL */
};

/* An empty plan (matches nothing, keeps everything). */
void thp_plan_init(struct thp_plan *p);

/* Release what p owns and leave it empty. */
void thp_plan_release(struct thp_plan *p);

/*
** Parse a date bound: "2011", "2011-06", "2011-06-30". hi: fill missing
** parts with 99 instead of 00. Returns 0 and sets *out, or -1 if s[0..n)
** is not such a date.
*/
int thp_plan_date(const char *s, size_t n, int hi, long *out);

/* The yyyymmdd key of a stored document date ("2011", "2011-09", ...),
** 0 if there is none. */
long thp_plan_date_key(const char *date);

/* THP_KIND_* of a kind name ("page", "item", "report"), 0 if unknown. */
unsigned thp_plan_kind(const char *name, size_t n);

#endif
