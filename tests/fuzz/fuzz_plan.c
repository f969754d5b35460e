/*
** fuzz_plan.c: libFuzzer target for a search end to end: the query
** parser, the planner (filters, expansion) and the executor (exec.h) on
** a small index built once (tinyindex.h).
**
** Input: two bytes of options, then the query.
**   byte 0: mode (advanced, simple, any), prefix, sort (relevance, date,
**           oldest, title), facets, expand
**   byte 1: limit (1, 2, 3, 10, 50, 1000), offset 2, filters (kind,
**           year, lang, location), an exact count
** Each request runs with a 250 ms budget on two readers of the same
** documents, one with the stored best hits of frequent words and one
** without (both with the stored vocabulary, which completions and the
** as-you-type search read), and again streamed. The target abort()s when a promise
** breaks:
**   - a failure is a syntax error (advanced mode only, its position
**     inside the query), a query too long, or the budget running out;
**   - a page holds at most limit hits, each document and near-duplicate
**     group once, in the order asked (relevance: scores not rising),
**     keeping the filters; its total counts at least the hits up to it;
**     passages are clean text with their marks paired; facet values
**     are counted, most first; "did you mean" is clean text when the
**     query is;
**   - stored best hits never change results: both readers give the same
**     hits with the same scores (ARCHITECTURE.md's invariant), except a
**     search box preview, which a stored prefix list may answer with the
**     full ranking (the reader without lists must then give that ranking
**     for the same request with an exact count), and a
**     streamed request gives the page's hits in the page's order;
**   - completions of the query (thp_suggest) are at most 8, and clean
**     text when the query is (they begin with the query's own words).
** Memory errors are the sanitizers'.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promise.h"
#include "thp/exec.h"
#include "thp/mem.h"
#include "thp/plan.h"
#include "thp/request.h"
#include "tinyindex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUDGET_MS 250

static thp_reader *with_lists, *without_lists;

static void setup(void)
{
    if (with_lists != NULL)
        return;
    with_lists = tiny_open(TINY_TOPLIST, BUDGET_MS);
    without_lists = tiny_open(TINY_VOCAB, BUDGET_MS);
}

static void set(struct thp_request *r, const char *name, const char *value)
{
    struct thp_err e;

    thp_err_clear(&e);
    promise(thp_request_set(r, name, value, &e) == THP_OK);
}

/* The request the two option bytes and the query q describe. */
static int make_request(struct thp_request *r, uint8_t a, uint8_t b,
                        const char *q)
{
    static const char *const modes[] = {"advanced", "simple", "any",
                                        "advanced"};
    static const char *const sorts[] = {"relevance", "date", "oldest",
                                        "title"};
    static const char *const limits[] = {"1", "2", "3", "10",
                                         "10", "50", "1000", "3"};
    struct thp_err e;
    int rc;

    thp_request_init(r);
    thp_err_clear(&e);
    rc = thp_request_set(r, "q", q, &e);
    if (rc != THP_OK) { /* too long: said so */
        promise(rc == THP_ERR_TOOBIG || rc == THP_ERR_SYNTAX);
        promise(strlen(q) > THP_REQUEST_MAX_Q);
        return -1;
    }
    set(r, "mode", modes[a & 3]);
    set(r, "prefix", a & 4 ? "1" : "0");
    set(r, "sort", sorts[(a >> 3) & 3]);
    if (a & 0x20)
        set(r, "facets", THP_FACET_NAMES);
    if (a & 0x40)
        set(r, "expand", "1");
    set(r, "limit", limits[b & 7]);
    if (b & 0x08)
        set(r, "offset", "2");
    if (b & 0x10)
        set(r, "kind", "report,item");
    if (b & 0x20)
        set(r, "year", "2011..2014");
    if (b & 0x40)
        set(r, "lang", "en,pt");
    if ((b & 0x70) == 0x70)
        set(r, "location", "Lyon");
    if (b & 0x80)
        set(r, "count", "exact");
    return 0;
}

/* Marks come in pairs, open then close, never nested. */
static void check_marks(const char *s)
{
    int open = 0;

    for (; *s; s++) {
        if (*s == THP_MARK_OPEN[0]) {
            promise(!open);
            open = 1;
        } else if (*s == THP_MARK_CLOSE[0]) {
            promise(open);
            open = 0;
        }
    }
    promise(!open);
}

static void check_passage(const char *s)
{
    size_t n = strlen(s), i;

    promise(thp_text_utf8_valid(s, n));
    for (i = 0; i < n; i++)
        promise((unsigned char)s[i] >= 0x20 || s[i] == '\n' ||
                s[i] == THP_MARK_OPEN[0] || s[i] == THP_MARK_CLOSE[0]);
    check_marks(s);
}

static int in_list(const char *v, const char *list)
{
    size_t n = strlen(v);
    const char *p = list;

    while ((p = strstr(p, v)) != NULL) {
        if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
            return 1;
        p++;
    }
    return 0;
}

static void check_hit(const struct thp_request *r, const struct thp_hit *h)
{
    size_t k;

    promise(h->id > 0 && h->id <= (int64_t)TINY_NDOCS);
    promise(h->title && h->url && h->path && h->kind);
    promise_str(h->title, 0);
    promise(thp_plan_kind(h->kind, strlen(h->kind)) != 0);
    if (r->kinds)
        promise(r->kinds & thp_plan_kind(h->kind, strlen(h->kind)));
    if (r->nlangs)
        promise(in_list(h->lang ? h->lang : "en", "en,pt"));
    if (r->date_lo || r->date_hi)
        promise(h->year >= 2011 && h->year <= 2014);
    if (r->location[0])
        promise(h->location && !strcmp(h->location, r->location));
    for (k = 0; k < h->npassages; k++)
        check_passage(h->passages[k].text);
}

static void check_result(const struct thp_request *r,
                         const struct thp_result *res)
{
    size_t i, j, f, v;

    promise(res->query && !strcmp(res->query, r->q));
    promise(res->nhits <= r->limit || r->all);
    promise(res->total >= 0);
    if (res->total_exact)
        promise(res->nhits == 0 ||
                (int64_t)(r->offset + res->nhits) <= res->total);
    for (i = 0; i < res->nhits; i++) {
        const struct thp_hit *h = &res->hits[i];

        check_hit(r, h);
        for (j = 0; j < i; j++) {
            promise(res->hits[j].id != h->id);
            promise(res->hits[j].group != h->group || h->group == 0);
        }
        if (i > 0 && r->sort == THP_SORT_RELEVANCE)
            promise(res->hits[i - 1].score >= h->score - 1e-9);
    }
    for (f = 0; f < res->nfacets; f++) {
        const struct thp_facet *fc = &res->facets[f];

        promise(fc->name != NULL && fc->n <= fc->nvalues);
        for (v = 0; v < fc->n; v++) {
            promise(fc->v[v].value != NULL && fc->v[v].count > 0);
            promise_str(fc->v[v].value, 0);
            if (v > 0)
                promise(fc->v[v - 1].count >= fc->v[v].count);
        }
    }
    if (res->suggestion && clean_str(r->q)) /* else it echoes the bytes */
        promise_str(res->suggestion, 0);
}

/* A failure is one the header names, with its position in the query. */
static void check_failure(const struct thp_request *r, int rc,
                          const struct thp_err *e)
{
    promise(e->rc == rc && e->msg[0] && strchr(e->msg, '\n') == NULL);
    if (rc == THP_ERR_SYNTAX) {
        promise(r->mode == THP_MODE_ADVANCED);
        promise(!e->haspos || e->pos <= r->qlen);
        return;
    }
    promise(rc == THP_ERR_TOOBIG);
}

static int timed_out(int rc, const struct thp_err *e)
{
    return rc == THP_ERR_TOOBIG && !strncmp(e->msg, "query stopped", 13);
}

/* Hits as they stream. */
struct stream {
    int64_t ids[THP_REQUEST_MAX_LIMIT];
    double scores[THP_REQUEST_MAX_LIMIT];
    size_t n, offset;
};

static int on_hit(void *arg, const struct thp_result *res,
                  const struct thp_hit *h, size_t rank)
{
    struct stream *s = arg;

    promise(res->nhits == 0 && rank == s->offset + s->n &&
            s->n < THP_REQUEST_MAX_LIMIT);
    s->ids[s->n] = h->id;
    s->scores[s->n] = h->score;
    s->n++;
    return THP_OK;
}

static int same_score(double a, double b)
{
    return fabs(a - b) <= 1e-9 * (fabs(a) + fabs(b) + 1);
}

static void suggest(const char *q)
{
    struct thp_err e;
    char **v = NULL;
    size_t nv = 0, i;
    int clean = clean_str(q);

    thp_err_clear(&e);
    if (thp_suggest(with_lists, q, strlen(q), 8, &v, &nv, &e) != THP_OK) {
        promise(v == NULL || nv == 0);
        return;
    }
    promise(nv <= 8);
    for (i = 0; i < nv; i++) {
        promise(v[i] != NULL);
        if (clean) /* else the query's own bytes come back, as typed */
            promise_str(v[i], 0);
        thp_free(v[i]);
    }
    thp_free(v);
}

/* The same page: hits, scores, relaxed, and the total when both are
** exact. */
static int same_page(const struct thp_result *a, const struct thp_result *b)
{
    size_t i;

    if (a->nhits != b->nhits || a->relaxed != b->relaxed)
        return 0;
    for (i = 0; i < a->nhits; i++)
        if (a->hits[i].id != b->hits[i].id ||
            !same_score(a->hits[i].score, b->hits[i].score))
            return 0;
    return !(a->total_exact && b->total_exact) || a->total == b->total;
}

/* A search box request the executor previews within a bound (exec.c). */
static int box_preview(const struct thp_request *r)
{
    return r->mode == THP_MODE_SIMPLE && r->prefix && !r->facets &&
           !r->count_exact && !r->all && r->sort == THP_SORT_RELEVANCE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct thp_request *r;
    struct thp_result a, b, head;
    struct thp_err ea, eb, es;
    struct stream *st;
    char *q;
    int rca, rcb, rcs;
    size_t i;

    if (size < 2 || size > THP_REQUEST_MAX_Q + 64)
        return 0;
    setup();
    q = thp_malloc(size - 1);
    r = thp_malloc(sizeof *r);
    st = thp_malloc(sizeof *st);
    promise(q && r && st);
    memcpy(q, data + 2, size - 2);
    q[size - 2] = '\0'; /* as the daemon and the CLI have it: a C string */
    if (make_request(r, data[0], data[1], q) != 0)
        goto out;
    suggest(q);

    thp_err_clear(&ea);
    thp_err_clear(&eb);
    rca = thp_exec(with_lists, r, &a, NULL, NULL, &ea);
    rcb = thp_exec(without_lists, r, &b, NULL, NULL, &eb);
    if (rca != THP_OK)
        check_failure(r, rca, &ea);
    else
        check_result(r, &a);
    if (rcb != THP_OK)
        check_failure(r, rcb, &eb);
    else
        check_result(r, &b);
    if (!timed_out(rca, &ea) && !timed_out(rcb, &eb)) {
        promise(rca == rcb);
        if (rca == THP_OK && !same_page(&a, &b)) {
            /* only a search box preview may differ: a stored prefix list
            ** gives the full ranking where the reader without lists
            ** previews a bounded one; the full ranking it must then be */
            struct thp_result c;
            struct thp_err ec;
            int rcc;

            promise(box_preview(r));
            r->count_exact = 1;
            thp_err_clear(&ec);
            rcc = thp_exec(without_lists, r, &c, NULL, NULL, &ec);
            r->count_exact = 0;
            if (rcc == THP_OK) {
                promise(same_page(&a, &c) && a.total_exact &&
                        a.total == c.total);
                thp_result_release(&c);
            } else {
                promise(timed_out(rcc, &ec));
            }
        }
    }

    /* the same request streamed: the page's hits, in order */
    if (rcb == THP_OK) {
        st->n = 0;
        st->offset = r->offset;
        thp_err_clear(&es);
        rcs = thp_exec(without_lists, r, &head, on_hit, st, &es);
        if (rcs == THP_OK) {
            promise(head.nhits == 0);
            if (!r->all) {
                promise(st->n == b.nhits);
                for (i = 0; i < st->n; i++)
                    promise(st->ids[i] == b.hits[i].id &&
                            same_score(st->scores[i], b.hits[i].score));
            }
            thp_result_release(&head);
        } else {
            promise(timed_out(rcs, &es));
        }
    }
    if (rca == THP_OK)
        thp_result_release(&a);
    if (rcb == THP_OK)
        thp_result_release(&b);
out:
    thp_free(q);
    thp_free(r);
    thp_free(st);
    return 0;
}
