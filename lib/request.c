/*
** request.c: the options of a search request (request.h), as one table
** that both programs read: the CLI turns --NAME VALUE into
** thp_request_set(r, NAME, VALUE), the daemon each URL parameter.
*/
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "thp/plan.h"
#include "thp/request.h"

enum opt_type { OPT_FLAG, OPT_COUNT, OPT_TEXT };

struct opt {
    const char *name;
    int type;
    const char *arg;   /* how the value is written, for help */
    const char *help;
    int (*set)(struct thp_request *r, const struct opt *o, const char *v,
               struct thp_err *err);
};

/* ---- values ------------------------------------------------------------ */

static int bad(const struct opt *o, const char *v, struct thp_err *err)
{
    return thp_err_set(err, THP_ERR_SYNTAX, "'%s' must be %s, not '%.40s'",
                       o->name, o->arg, v);
}

/* 1, 0, or -1 for a value that is no flag. */
static int flag_value(const char *v)
{
    static const char *on[] = {"", "1", "true", "yes", "on"};
    static const char *off[] = {"0", "false", "no", "off"};
    size_t i;

    if (v == NULL)
        return 1;
    for (i = 0; i < sizeof on / sizeof *on; i++)
        if (!strcasecmp(v, on[i]))
            return 1;
    for (i = 0; i < sizeof off / sizeof *off; i++)
        if (!strcasecmp(v, off[i]))
            return 0;
    return -1;
}

/* A decimal number in lo..hi, or -1 on anything else. */
static long long number(const char *v, long long lo, long long hi)
{
    long long n = 0;
    const char *s = v;

    if (v == NULL || *v == '\0' || strlen(v) > 12)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        n = n * 10 + (*s - '0');
    }
    return n >= lo && n <= hi ? n : -1;
}

/* Call fn on each comma- or blank-separated item of v. */
static int each_item(struct thp_request *r, const struct opt *o,
                     const char *v, struct thp_err *err,
                     int (*fn)(struct thp_request *, const struct opt *,
                               const char *, size_t, struct thp_err *))
{
    const char *s = v ? v : "";

    while (*s) {
        size_t n;
        int rc;

        s += strspn(s, ", ");
        n = strcspn(s, ", ");
        if (n == 0)
            break;
        if ((rc = fn(r, o, s, n, err)) != THP_OK)
            return rc;
        s += n;
    }
    return THP_OK;
}

/* ---- setters ----------------------------------------------------------- */

static int set_q(struct thp_request *r, const struct opt *o, const char *v,
                 struct thp_err *err)
{
    size_t n = v ? strlen(v) : 0;

    if (n > THP_REQUEST_MAX_Q)
        return thp_err_set(err, THP_ERR_TOOBIG,
                           "query longer than %d bytes (%zu)",
                           THP_REQUEST_MAX_Q, n);
    memcpy(r->q, v ? v : "", n);
    r->q[n] = '\0';
    r->qlen = n;
    return THP_OK;
}

static int set_mode(struct thp_request *r, const struct opt *o,
                    const char *v, struct thp_err *err)
{
    if (v && !strcmp(v, "advanced"))
        r->mode = THP_MODE_ADVANCED;
    else if (v && !strcmp(v, "simple"))
        r->mode = THP_MODE_SIMPLE;
    else if (v && !strcmp(v, "any"))
        r->mode = THP_MODE_ANY;
    else
        return bad(o, v ? v : "", err);
    return THP_OK;
}

static int set_flag(int *out, const struct opt *o, const char *v,
                    struct thp_err *err)
{
    int f = flag_value(v);

    if (f < 0)
        return bad(o, v, err);
    *out = f;
    return THP_OK;
}

static int set_lenient(struct thp_request *r, const struct opt *o,
                       const char *v, struct thp_err *err)
{
    int f = 0, rc = set_flag(&f, o, v, err);

    if (rc == THP_OK)
        r->mode = f ? THP_MODE_SIMPLE : THP_MODE_ADVANCED;
    return rc;
}

#define FLAG_SETTER(fname, field)                                          \
    static int fname(struct thp_request *r, const struct opt *o,          \
                     const char *v, struct thp_err *err)                  \
    {                                                                      \
        return set_flag(&r->field, o, v, err);                             \
    }
FLAG_SETTER(set_prefix, prefix)
FLAG_SETTER(set_bom, bom)
FLAG_SETTER(set_snippets, snippets)
FLAG_SETTER(set_explain, explain)
FLAG_SETTER(set_recent, recent)
FLAG_SETTER(set_expand, expand)
FLAG_SETTER(set_all, all)

static int set_limit(struct thp_request *r, const struct opt *o,
                     const char *v, struct thp_err *err)
{
    long long n;

    if (v && !strcmp(v, "all")) {
        r->all = 1;
        return THP_OK;
    }
    if ((n = number(v, 1, THP_REQUEST_MAX_LIMIT)) < 0)
        return bad(o, v ? v : "", err);
    r->limit = (size_t)n;
    r->all = 0;
    return THP_OK;
}

static int set_offset(struct thp_request *r, const struct opt *o,
                      const char *v, struct thp_err *err)
{
    long long n = number(v, 0, 1000000000LL);

    if (n < 0)
        return bad(o, v ? v : "", err);
    r->offset = (size_t)n;
    return THP_OK;
}

static int set_sort(struct thp_request *r, const struct opt *o,
                    const char *v, struct thp_err *err)
{
    if (v && (!strcmp(v, "relevance") || !strcmp(v, "rank")))
        r->sort = THP_SORT_RELEVANCE;
    else if (v && (!strcmp(v, "date") || !strcmp(v, "-date") ||
                   !strcmp(v, "newest")))
        r->sort = THP_SORT_DATE;
    else if (v && (!strcmp(v, "+date") || !strcmp(v, "date-asc") ||
                   !strcmp(v, "oldest")))
        r->sort = THP_SORT_DATE_ASC;
    else if (v && !strcmp(v, "title"))
        r->sort = THP_SORT_TITLE;
    else
        return bad(o, v ? v : "", err);
    return THP_OK;
}

static int add_kind(struct thp_request *r, const struct opt *o,
                    const char *s, size_t n, struct thp_err *err)
{
    unsigned k = thp_plan_kind(s, n);

    if (k == 0)
        return thp_err_set(err, THP_ERR_SYNTAX,
                           "'%s' must be %s, not '%.*s'", o->name, o->arg,
                           (int)(n > 40 ? 40 : n), s);
    r->kinds |= k;
    return THP_OK;
}

static int set_kind(struct thp_request *r, const struct opt *o,
                    const char *v, struct thp_err *err)
{
    r->kinds = 0;
    return each_item(r, o, v, err, add_kind);
}

static int add_lang(struct thp_request *r, const struct opt *o,
                    const char *s, size_t n, struct thp_err *err)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            break;
    if (n < 2 || n > 3 || i < n || r->nlangs >= 8)
        return thp_err_set(err, THP_ERR_SYNTAX,
                           "'%s' must be %s, not '%.*s'", o->name, o->arg,
                           (int)(n > 40 ? 40 : n), s);
    memcpy(r->langs[r->nlangs], s, n);
    r->langs[r->nlangs][n] = '\0';
    r->nlangs++;
    return THP_OK;
}

static int set_lang(struct thp_request *r, const struct opt *o,
                    const char *v, struct thp_err *err)
{
    r->nlangs = 0;
    return each_item(r, o, v, err, add_lang);
}

/*
** A date range: A, A..B, A.., ..B, >=A, >A, <=A, <A, with A and B dates
** of plan.h (2011, 2011-06, 2011-06-30). year= takes the same.
*/
static int set_date(struct thp_request *r, const struct opt *o,
                    const char *v, struct thp_err *err)
{
    const char *dots = v ? strstr(v, "..") : NULL;
    long lo = 0, hi = 0;
    size_t n = v ? strlen(v) : 0;

    if (n == 0)
        return bad(o, "", err);
    if (dots) {
        size_t a = (size_t)(dots - v), b = n - a - 2;

        if ((a && thp_plan_date(v, a, 0, &lo)) ||
            (b && thp_plan_date(dots + 2, b, 1, &hi)) || (!a && !b))
            return bad(o, v, err);
    } else if (v[0] == '>' || v[0] == '<') {
        int eq = v[1] == '=';
        const char *d = v + 1 + eq;
        long x;

        if (thp_plan_date(d, strlen(d), (v[0] == '>') != eq, &x))
            return bad(o, v, err);
        if (v[0] == '>')
            lo = eq ? x : x + 1;
        else
            hi = eq ? x : x - 1;
    } else {
        if (thp_plan_date(v, n, 0, &lo) || thp_plan_date(v, n, 1, &hi))
            return bad(o, v, err);
    }
    if (!strcmp(o->name, "year") && (strchr(v, '-') != NULL))
        return bad(o, v, err);
    if (lo && hi && lo > hi)
        return thp_err_set(err, THP_ERR_SYNTAX,
                           "'%s' range is reversed: '%.40s'", o->name, v);
    r->date_lo = lo;
    r->date_hi = hi;
    return THP_OK;
}

static int set_value(char *out, size_t cap, const struct opt *o,
                     const char *v, struct thp_err *err)
{
    size_t n = v ? strlen(v) : 0;

    if (n >= cap)
        return thp_err_set(err, THP_ERR_SYNTAX, "'%s' is longer than %zu "
                           "bytes", o->name, cap - 1);
    memcpy(out, v ? v : "", n);
    out[n] = '\0';
    return THP_OK;
}

static int set_location(struct thp_request *r, const struct opt *o,
                        const char *v, struct thp_err *err)
{
    return set_value(r->location, sizeof r->location, o, v, err);
}

static int set_author(struct thp_request *r, const struct opt *o,
                      const char *v, struct thp_err *err)
{
    return set_value(r->author, sizeof r->author, o, v, err);
}

static int add_facet(struct thp_request *r, const struct opt *o,
                     const char *s, size_t n, struct thp_err *err)
{
    static const struct { const char *name; unsigned bit; } f[] = {
        {"year", THP_FACET_YEAR}, {"kind", THP_FACET_KIND},
        {"location", THP_FACET_LOCATION}, {"lang", THP_FACET_LANG},
        {"author", THP_FACET_AUTHOR}};
    size_t i;

    for (i = 0; i < sizeof f / sizeof *f; i++)
        if (strlen(f[i].name) == n && !memcmp(f[i].name, s, n)) {
            r->facets |= f[i].bit;
            return THP_OK;
        }
    return thp_err_set(err, THP_ERR_SYNTAX,
                       "unknown facet '%.*s'; facets: " THP_FACET_NAMES,
                       (int)(n > 40 ? 40 : n), s);
}

static int set_facets(struct thp_request *r, const struct opt *o,
                      const char *v, struct thp_err *err)
{
    r->facets = 0;
    return each_item(r, o, v, err, add_facet);
}

static int set_top(struct thp_request *r, const struct opt *o,
                   const char *v, struct thp_err *err)
{
    long long n = v && !strcmp(v, "all") ? 0 : number(v, 1, 100000);

    if (n < 0)
        return bad(o, v ? v : "", err);
    r->facet_top = (size_t)n;
    return THP_OK;
}

static int set_passages(struct thp_request *r, const struct opt *o,
                        const char *v, struct thp_err *err)
{
    long long n = number(v, 0, THP_REQUEST_MAX_PASSAGES);

    if (n < 0)
        return bad(o, v ? v : "", err);
    r->passages = (size_t)n;
    return THP_OK;
}

static int set_width(struct thp_request *r, const struct opt *o,
                     const char *v, struct thp_err *err)
{
    long long n = number(v, 5, 200);

    if (n < 0)
        return bad(o, v ? v : "", err);
    r->kwic_width = (size_t)n;
    return THP_OK;
}

static const char *const formats[] = {"text", "json", "jsonl", "csv", "tsv",
                                      "kwic", "html"};

const char *thp_format_name(int format)
{
    return format >= 0 && format < (int)(sizeof formats / sizeof *formats)
               ? formats[format] : "?";
}

static int set_format(struct thp_request *r, const struct opt *o,
                      const char *v, struct thp_err *err)
{
    size_t i;

    for (i = 0; v && i < sizeof formats / sizeof *formats; i++)
        if (!strcmp(v, formats[i])) {
            r->format = (int)i;
            return THP_OK;
        }
    return bad(o, v ? v : "", err);
}

static int set_count(struct thp_request *r, const struct opt *o,
                     const char *v, struct thp_err *err)
{
    if (v && !strcmp(v, "exact"))
        r->count_exact = 1;
    else if (v && !strcmp(v, "estimate"))
        r->count_exact = 0;
    else
        return bad(o, v ? v : "", err);
    return THP_OK;
}

static int set_rank(struct thp_request *r, const struct opt *o,
                    const char *v, struct thp_err *err)
{
    struct thp_err e;
    int rc;

    thp_err_clear(&e);
    rc = thp_rank_set(&r->rank, v ? v : "", v ? strlen(v) : 0, &e);
    if (rc != THP_OK)
        return thp_err_set(err, rc, "'rank': %s", e.msg);
    return THP_OK;
}

static const struct opt opts[] = {
    {"q", OPT_TEXT, "TEXT", "the query (thp-search: the words after the "
     "options)", set_q},
    {"mode", OPT_TEXT, "advanced, simple or any", "advanced: the full "
     "language, errors reported (default); simple: the search box's, "
     "repairs malformed input and falls back to any word; any: words "
     "OR-ed", set_mode},
    {"lenient", OPT_FLAG, "a flag", "the same as mode=simple", set_lenient},
    {"prefix", OPT_FLAG, "a flag", "the last word is a prefix (as you "
     "type)", set_prefix},
    {"limit", OPT_COUNT, "a number from 1 to 1000, or all", "hits per page "
     "(default 10; all: every hit, streamed)", set_limit},
    {"all", OPT_FLAG, "a flag", "every hit (limit=all)", set_all},
    {"offset", OPT_COUNT, "a number from 0 to 1000000000", "hits to skip "
     "first", set_offset},
    {"sort", OPT_TEXT, "relevance, date, oldest or title", "order of the "
     "hits (date: newest first)", set_sort},
    {"kind", OPT_TEXT, "page, item or report (comma-separated)", "only "
     "these kinds of document", set_kind},
    {"lang", OPT_TEXT, "language codes such as en,nl", "only documents in "
     "these languages", set_lang},
    {"year", OPT_TEXT, "a year or a range such as 2010..2014", "only "
     "documents of these years", set_date},
    {"date", OPT_TEXT, "a date or range: 2011-06, 2010..2012, >=2011-06",
     "only documents dated so", set_date},
    {"location", OPT_TEXT, "a location as the location facet names it",
     "only documents at this location", set_location},
    {"author", OPT_TEXT, "an author as the author facet names them",
     "only documents by this author", set_author},
    {"facets", OPT_TEXT, "names among " THP_FACET_NAMES, "count the "
     "matching documents by these", set_facets},
    {"top", OPT_COUNT, "a number from 1 to 100000, or all", "values per "
     "facet (default all)", set_top},
    {"passages", OPT_COUNT, "a number from 0 to 10", "best passages per hit "
     "(default 1)", set_passages},
    {"width", OPT_COUNT, "a number from 5 to 200", "characters each side "
     "of a concordance line (default 40)", set_width},
    {"format", OPT_TEXT, "text, json, jsonl, csv, tsv, kwic or html",
     "output form", set_format},
    {"bom", OPT_FLAG, "a flag", "csv/tsv: begin with a UTF-8 byte order "
     "mark (for spreadsheets)", set_bom},
    {"count", OPT_TEXT, "exact or estimate", "how the total is counted "
     "(default estimate: exact up to a bound)", set_count},
    {"snippets", OPT_FLAG, "a flag", "make passages (default on)",
     set_snippets},
    {"explain", OPT_FLAG, "a flag", "text output: show how each hit's "
     "text was decoded and repaired", set_explain},
    {"rank", OPT_TEXT, "key=value pairs", "ranking parameters "
     "(docs/RELEVANCE.md)", set_rank},
    {"recent", OPT_FLAG, "a flag", "favour recent documents", set_recent},
    {"expand", OPT_FLAG, "a flag", "add words of the best hits and search "
     "again", set_expand},
};

void thp_request_init(struct thp_request *r)
{
    memset(r, 0, sizeof *r);
    r->limit = 10;
    r->passages = 1;
    r->kwic_width = 40;
    r->format = THP_FMT_JSON;
    r->snippets = 1;
    thp_rank_defaults(&r->rank);
}

static const struct opt *find(const char *name)
{
    size_t i;

    for (i = 0; name && i < sizeof opts / sizeof *opts; i++)
        if (!strcmp(opts[i].name, name))
            return &opts[i];
    return NULL;
}

int thp_request_known(const char *name, int *is_flag)
{
    const struct opt *o = find(name);

    if (o && is_flag)
        *is_flag = o->type == OPT_FLAG;
    return o != NULL;
}

int thp_request_set(struct thp_request *r, const char *name,
                    const char *value, struct thp_err *err)
{
    const struct opt *o = find(name);

    if (o == NULL)
        return thp_err_set(err, THP_ERR_SYNTAX, "unknown option '%.40s'",
                           name ? name : "");
    return o->set(r, o, value, err);
}

void thp_request_help(FILE *f, int cli)
{
    size_t i;

    for (i = 0; i < sizeof opts / sizeof *opts; i++) {
        const struct opt *o = &opts[i];
        char head[64];

        if (cli && !strcmp(o->name, "q"))
            continue;
        if (cli)
            snprintf(head, sizeof head, "--%s%s", o->name,
                     o->type == OPT_FLAG ? "" : " V");
        else
            snprintf(head, sizeof head, "%s=%s", o->name,
                     o->type == OPT_FLAG ? "1" : "V");
        fprintf(f, "  %-14s %s\n  %-14s   V: %s\n", head, o->help, "",
                o->type == OPT_FLAG ? "1 or 0" : o->arg);
    }
}
