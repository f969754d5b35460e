/*
** request.h: one search request, and the table of its options.
**
** Every option a search takes (q, mode, limit, offset, sort, filters,
** facets, passages, format, rank, expand, ...) is one row of a table in
** lib/request.c with its name, type, range and help line. The CLI fills a
** request from --NAME VALUE flags and the daemon from NAME=VALUE URL
** parameters, both through thp_request_set, so the two cannot drift and
** print the same errors. thp_request_help lists the table.
*/
#ifndef THP_REQUEST_H
#define THP_REQUEST_H

#include <stddef.h>
#include <stdio.h>

#include "thp/err.h"
#include "thp/rank.h"

#define THP_REQUEST_MAX_LIMIT 1000   /* hits per page (limit=all streams) */
#define THP_REQUEST_MAX_PASSAGES 10
#define THP_REQUEST_MAX_Q 4096       /* bytes of q */

/* How q is read. */
enum thp_mode {
    THP_MODE_ADVANCED = 0, /* the full language; errors are reported */
    THP_MODE_SIMPLE,       /* the search box: malformed input is repaired,
                              all words first, any word if none has all */
    THP_MODE_ANY           /* ranked retrieval: words OR-ed */
};

enum thp_sort {
    THP_SORT_RELEVANCE = 0,
    THP_SORT_DATE,         /* newest first */
    THP_SORT_DATE_ASC,     /* oldest first */
    THP_SORT_TITLE
};

enum thp_format {
    THP_FMT_TEXT = 0, THP_FMT_JSON, THP_FMT_JSONL, THP_FMT_CSV,
    THP_FMT_TSV, THP_FMT_KWIC, THP_FMT_HTML
};

/* Facets, as bits. */
#define THP_FACET_YEAR     0x01
#define THP_FACET_KIND     0x02
#define THP_FACET_LOCATION 0x04
#define THP_FACET_LANG     0x08
#define THP_FACET_AUTHOR   0x10
#define THP_FACET_NAMES    "year, kind, location, lang, author"

struct thp_request {
    char q[THP_REQUEST_MAX_Q + 1];
    size_t qlen;
    int mode;              /* enum thp_mode */
    int prefix;            /* the last word is a prefix (as-you-type) */
    size_t limit;          /* hits per page, 1..THP_REQUEST_MAX_LIMIT */
    int all;               /* every hit (limit=all), streamed */
    size_t offset;         /* hits to skip */
    int sort;              /* enum thp_sort */
    /* filters (plan.h) */
    long date_lo, date_hi; /* yyyymmdd; 0 is open */
    unsigned kinds;        /* THP_KIND_* bits, 0 any */
    char langs[8][4];
    size_t nlangs;
    char location[128];    /* only documents at this location ("" any) */
    char author[128];      /* only documents by this author ("" any) */
    unsigned facets;       /* THP_FACET_* bits */
    size_t facet_top;      /* values per facet, 0 all */
    size_t passages;       /* passages per hit (default 1) */
    size_t kwic_width;     /* characters of context each side */
    int format;            /* enum thp_format */
    int bom;               /* csv/tsv: a UTF-8 byte order mark first */
    int count_exact;       /* an exact total, whatever it costs */
    int snippets;          /* 0: no passages at all (ranking only) */
    int explain;           /* hits carry their repair record */
    struct thp_rank_params rank;
    int recent;            /* favour recent documents */
    int expand;            /* pseudo-relevance feedback */
};

/* A request with every default (limit 10, relevance, json...). */
void thp_request_init(struct thp_request *r);

/*
** Set option name to value (a flag takes "1"/"true"/"yes"/"on" or
** "0"/"false"/"no"/"off"; NULL or "" sets a flag on). Unknown names and
** bad values are THP_ERR_SYNTAX with a message naming the option, its
** accepted values and the value given. Later settings win.
*/
int thp_request_set(struct thp_request *r, const char *name,
                    const char *value, struct thp_err *err);

/* 1 if name is an option of the table (and whether it is a flag). */
int thp_request_known(const char *name, int *is_flag);

/* Print the table: "  --NAME ARG   help" (cli) or "  NAME=ARG  help". */
void thp_request_help(FILE *f, int cli);

/* Names of formats, sorts, modes (for messages). */
const char *thp_format_name(int format);

#endif
