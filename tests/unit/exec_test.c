/*
** exec_test.c: the reader and executor on an index of known documents:
** totals, filters and facets against a brute-force count over the same
** data, sort orders, paging as a slice of the full order, streaming,
** near-duplicates counted once, the simple mode's fallback, suggestions
** and completions, the time budget, a reader following writes and a
** renamed-over file, and the stored best hits of frequent words giving
** exactly the full pass's answer.
*/
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "thp/exec.h"
#include "thp/index.h"
#include "thp/mem.h"
#include "thp/plan.h"
#include "thp/toplist.h"

#define NDOC 42   /* 0..39 plain, 40 and 41 near-duplicates */

struct doc {
    char path[32], title[64], body[1024], date[16];
    const char *kind, *lang, *loc, *authors;
    int year;
    unsigned words; /* W_* */
};

#define W_KESTREL 1u
#define W_FALCON  2u
#define W_OSPREY  4u
#define W_HARBOUR 8u

static struct doc D[NDOC];
static char dbpath[] = "/tmp/thp-exec-test-XXXXXX";
static char path2[64];

static const char long_text[] =
    "Cities are places where both migrants and non-migrants interact, be it "
    "through working, studying, living, playing or raising their families. "
    "This report blazes a trail by linking migrant and refugee integration "
    "policies, public-private partnerships and the local level in a "
    "comparative discussion of eight global cities, with the harbour, a "
    "kestrel and a falcon.";

static void make_docs(void)
{
    static const char *kinds[] = {"page", "item", "report"};
    static const char *langs[] = {NULL, "en", "nl", "pt", "en"};
    static const char *locs[] = {"Rotterdam", "Lyon", "S\xC3\xA3o Paulo",
                                 NULL};
    static const char *auth[] = {"Ann Lee, Bo Chen", "Bo Chen; Cy Dee",
                                 NULL};
    int i;

    for (i = 0; i < 40; i++) {
        struct doc *d = &D[i];
        char *b = d->body;
        int k;

        snprintf(d->path, sizeof d->path, "d%02d.txt", i);
        d->kind = kinds[i % 3];
        d->lang = langs[i % 5];
        d->loc = locs[i % 4];
        d->authors = auth[i % 3];
        d->year = i % 10 == 9 ? 0 : 2008 + i % 7;
        if (d->year == 0)
            d->date[0] = '\0';
        else if (i % 4 == 0)
            snprintf(d->date, sizeof d->date, "%d", d->year);
        else if (i % 4 == 1)
            snprintf(d->date, sizeof d->date, "%d-%02d", d->year,
                     1 + i % 12);
        else
            snprintf(d->date, sizeof d->date, "%d-%02d-%02d", d->year,
                     1 + i % 12, 1 + i % 28);
        d->words = W_HARBOUR | (i % 2 == 0 ? W_KESTREL : 0) |
                   (i % 3 == 0 ? W_FALCON : 0) | (i % 5 == 0 ? W_OSPREY : 0);
        snprintf(d->title, sizeof d->title, "Doc %02d%s", 41 - i,
                 i % 8 == 0 ? " kestrel sightings" : "");
        b += sprintf(b, "Notes number %d on the harbour.", i);
        for (k = 0; k <= i % 4; k++) {
            if (d->words & W_KESTREL)
                b += sprintf(b, " A kestrel flew by.");
            if (d->words & W_FALCON)
                b += sprintf(b, " The falcon rested.");
        }
        if (d->words & W_OSPREY)
            b += sprintf(b, " An osprey, rarely.");
        for (k = 0; k < i % 6; k++)
            b += sprintf(b, " Some filler words about nothing.");
        /* words of its own, so that no two are near-duplicates */
        {
            /* a pseudo-random generator per document, so words repeat
            ** across documents no more than chance has them */
            unsigned x = 2463534242u ^ (unsigned)(i * 2654435761u);

            for (k = 0; k < 60; k++) {
                char w[6];
                int j;

                for (j = 0; j < 5; j++) {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    w[j] = (char)('a' + x % 26);
                }
                w[5] = '\0';
                b += sprintf(b, " %s", w);
            }
        }
    }
    for (i = 40; i < 42; i++) {
        struct doc *d = &D[i];

        snprintf(d->path, sizeof d->path, "dup%d.txt", i);
        snprintf(d->title, sizeof d->title, "Global cities");
        snprintf(d->body, sizeof d->body, "%s%s", long_text,
                 i == 41 ? " Extra." : "");
        d->kind = "report";
        d->lang = "en";
        d->loc = "Lyon";
        d->authors = "Ann Lee";
        d->year = 2012;
        snprintf(d->date, sizeof d->date, "2012-05-01");
        d->words = W_HARBOUR | W_KESTREL | W_FALCON;
    }
}

static void put_doc(thp_index *idx, const struct doc *d, int n)
{
    struct thp_record r;
    struct thp_source src;
    struct thp_err e;

    memset(&r, 0, sizeof r);
    r.source_key = r.source_path = d->path;
    r.title = d->title;
    r.body = d->body;
    r.kind = d->kind;
    r.date = d->date[0] ? d->date : NULL;
    r.year = d->year;
    r.lang = d->lang;
    r.location = d->loc;
    r.authors = d->authors;
    r.mtime = 100 + n;
    r.size = 10;
    thp_err_clear(&e);
    CHECK(thp_index_put(idx, &r, NULL, &e) == THP_OK);
    memset(&src, 0, sizeof src);
    src.path = d->path;
    src.mtime = 100 + n;
    src.size = 10;
    src.hash = "0123456789abcdef";
    CHECK(thp_index_source_done(idx, &src, NULL, &e) == THP_OK);
}

static int doc_of(const char *path)
{
    int i;

    for (i = 0; path && i < NDOC; i++)
        if (!strcmp(D[i].path, path))
            return i;
    return -1;
}

/* ---- brute force ---------------------------------------------------------- */

struct filt {
    const char *kind, *lang, *year, *date;
};

static int passes(const struct doc *d, const struct filt *f,
                  const struct thp_request *r)
{
    long key = thp_plan_date_key(d->date[0] ? d->date : NULL);

    (void)f;
    if (r->kinds && !(r->kinds & thp_plan_kind(d->kind, strlen(d->kind))))
        return 0;
    if (r->nlangs) {
        const char *l = d->lang ? d->lang : "en";
        size_t i;

        for (i = 0; i < r->nlangs; i++)
            if (!strcmp(r->langs[i], l))
                break;
        if (i == r->nlangs)
            return 0;
    }
    if (r->date_lo && (key == 0 || key < r->date_lo))
        return 0;
    if (r->date_hi && (key == 0 || key > r->date_hi))
        return 0;
    return 1;
}

/* Units matching: docs 0..40 (41 is 40's near-duplicate). */
static int64_t brute(unsigned all_of, const struct thp_request *r,
                     unsigned char *in)
{
    int64_t n = 0;
    int i;

    for (i = 0; i < 41; i++) {
        int ok = (D[i].words & all_of) == all_of && passes(&D[i], NULL, r);

        if (in)
            in[i] = (unsigned char)ok;
        n += ok;
    }
    return n;
}

/* ---- running requests --------------------------------------------------- */

static int set_all(struct thp_request *r, const char *const *kv)
{
    struct thp_err e;

    thp_request_init(r);
    for (; kv && kv[0]; kv += 2) {
        thp_err_clear(&e);
        if (thp_request_set(r, kv[0], kv[1], &e) != THP_OK) {
            fprintf(stderr, "%s=%s: %s\n", kv[0], kv[1], e.msg);
            return -1;
        }
    }
    return 0;
}

static int run(thp_reader *rd, const struct thp_request *r,
               struct thp_result *res)
{
    struct thp_err e;
    int rc;

    thp_err_clear(&e);
    rc = thp_exec(rd, r, res, NULL, NULL, &e);
    if (rc != THP_OK)
        fprintf(stderr, "exec '%s': %s\n", r->q, e.msg);
    return rc;
}

struct collect {
    int64_t ids[200];
    double scores[200];
    int docs[200];
    size_t n, first;
    int64_t total;
};

static int on_hit(void *arg, const struct thp_result *res,
                  const struct thp_hit *h, size_t rank)
{
    struct collect *c = arg;

    if (c->n == 0)
        c->first = rank;
    if (rank != c->first + c->n)
        return THP_ERR_DB; /* out of order */
    if (c->n < 200) {
        c->ids[c->n] = h->id;
        c->scores[c->n] = h->score;
        c->docs[c->n] = doc_of(h->path);
    }
    c->n++;
    c->total = res->total;
    return THP_OK;
}

static int stream(thp_reader *rd, const struct thp_request *r,
                  struct collect *c)
{
    struct thp_result res;
    struct thp_err e;
    int rc;

    memset(c, 0, sizeof *c);
    thp_err_clear(&e);
    rc = thp_exec(rd, r, &res, on_hit, c, &e);
    if (rc != THP_OK)
        fprintf(stderr, "stream '%s': %s\n", r->q, e.msg);
    if (rc == THP_OK)
        CHECK(res.nhits == 0);
    thp_result_release(&res);
    return rc;
}

/* ---- tests ------------------------------------------------------------------ */

static const struct { const char *q; unsigned words; } queries[] = {
    {"harbour", W_HARBOUR}, {"kestrel", W_KESTREL}, {"falcon", W_FALCON},
    {"osprey", W_OSPREY}, {"kestrel falcon", W_KESTREL | W_FALCON},
    {"falcon osprey", W_FALCON | W_OSPREY}};

static const char *const filters[][8] = {
    {NULL},
    {"kind", "item", NULL},
    {"kind", "page,report", NULL},
    {"lang", "en", NULL},
    {"lang", "nl,pt", NULL},
    {"year", "2010", NULL},
    {"year", "2009..2011", NULL},
    {"year", "2012..", NULL},
    {"year", "..2010", NULL},
    {"date", "2011-03..2012", NULL},
    {"date", ">=2012-05", NULL},
    {"date", "<2010-06", NULL},
    {"kind", "report", "year", "2012", NULL},
    {"kind", "item", "lang", "en", "date", "2009..2014", NULL},
};

static void test_filters(thp_reader *rd)
{
    size_t qi, fi;

    for (qi = 0; qi < sizeof queries / sizeof *queries; qi++)
        for (fi = 0; fi < sizeof filters / sizeof *filters; fi++) {
            struct thp_request r;
            struct collect c;
            unsigned char in[NDOC];
            int64_t want;
            size_t i;

            CHECK(set_all(&r, filters[fi]) == 0);
            thp_request_set(&r, "q", queries[qi].q, NULL);
            thp_request_set(&r, "limit", "all", NULL);
            want = brute(queries[qi].words, &r, in);
            CHECK(stream(rd, &r, &c) == THP_OK);
            if (c.total != want || (int64_t)c.n != want)
                fprintf(stderr, "q=%s filter %zu: total %lld hits %zu "
                        "want %lld\n", queries[qi].q, fi,
                        (long long)c.total, c.n, (long long)want);
            CHECK(c.total == want && (int64_t)c.n == want);
            /* the very documents */
            for (i = 0; i < c.n && i < 200; i++) {
                int d = c.docs[i] == 41 ? 40 : c.docs[i];

                CHECK(d >= 0 && in[d]);
                if (d >= 0)
                    in[d] = 2;
            }
            /* the page's total agrees with the stream's */
            {
                struct thp_result res;

                thp_request_set(&r, "limit", "3", NULL);
                CHECK(run(rd, &r, &res) == THP_OK);
                CHECK(res.total == want && res.total_exact);
                CHECK(res.nhits == (size_t)(want < 3 ? want : 3));
                thp_result_release(&res);
            }
        }
}

static const struct thp_facet *facet(const struct thp_result *res,
                                     const char *name)
{
    size_t i;

    for (i = 0; i < res->nfacets; i++)
        if (!strcmp(res->facets[i].name, name))
            return &res->facets[i];
    return NULL;
}

static int64_t facet_count(const struct thp_facet *f, const char *value,
                           int *dups)
{
    size_t i;
    int64_t c = 0;
    int seen = 0;

    for (i = 0; f && i < f->n; i++)
        if (!strcmp(f->v[i].value, value)) {
            c += f->v[i].count;
            seen++;
        }
    if (dups && seen > 1)
        *dups = 1;
    return c;
}

static void test_facets(thp_reader *rd)
{
    static const char *qs[] = {"harbour", "kestrel", "falcon osprey"};
    static const unsigned ws[] = {W_HARBOUR, W_KESTREL, W_FALCON | W_OSPREY};
    size_t qi, fi;

    for (qi = 0; qi < 3; qi++)
        for (fi = 0; fi < 4; fi++) {
            struct thp_request r;
            struct thp_result res;
            unsigned char in[NDOC];
            const struct thp_facet *f;
            int i, dups = 0;
            size_t j;
            int64_t sum;

            CHECK(set_all(&r, filters[fi]) == 0);
            thp_request_set(&r, "q", qs[qi], NULL);
            thp_request_set(&r, "facets", "year,kind,location,lang,author",
                            NULL);
            brute(ws[qi], &r, in);
            CHECK(run(rd, &r, &res) == THP_OK);
            CHECK(res.nfacets == 5);
            /* year */
            f = facet(&res, "year");
            sum = 0;
            for (j = 0; f && j < f->n; j++)
                sum += f->v[j].count;
            for (i = 2008; i <= 2014; i++) {
                char y[16];
                int64_t want = 0;
                int k;

                snprintf(y, sizeof y, "%d", i);
                for (k = 0; k < 41; k++)
                    want += in[k] && D[k].year == i;
                CHECK(facet_count(f, y, &dups) == want);
                sum -= want;
            }
            CHECK(sum == 0); /* no other years */
            /* kind */
            f = facet(&res, "kind");
            {
                static const char *kinds[] = {"page", "item", "report"};

                for (j = 0; j < 3; j++) {
                    int64_t want = 0;
                    int k;

                    for (k = 0; k < 41; k++)
                        want += in[k] && !strcmp(D[k].kind, kinds[j]);
                    CHECK(facet_count(f, kinds[j], &dups) == want);
                }
            }
            /* location */
            f = facet(&res, "location");
            {
                static const char *locs[] = {"Rotterdam", "Lyon",
                                             "S\xC3\xA3o Paulo"};

                for (j = 0; j < 3; j++) {
                    int64_t want = 0;
                    int k;

                    for (k = 0; k < 41; k++)
                        want += in[k] && D[k].loc &&
                                !strcmp(D[k].loc, locs[j]);
                    CHECK(facet_count(f, locs[j], &dups) == want);
                }
                CHECK(f && f->nvalues <= 3);
            }
            /* lang: a document without one is English */
            f = facet(&res, "lang");
            {
                static const char *langs[] = {"en", "nl", "pt"};

                for (j = 0; j < 3; j++) {
                    int64_t want = 0;
                    int k;

                    for (k = 0; k < 41; k++)
                        want += in[k] && !strcmp(D[k].lang ? D[k].lang : "en",
                                                 langs[j]);
                    if (facet_count(f, langs[j], NULL) != want)
                        fprintf(stderr, "lang %s: %lld, want %lld\n",
                                langs[j],
                                (long long)facet_count(f, langs[j], NULL),
                                (long long)want);
                    CHECK(facet_count(f, langs[j], &dups) == want);
                }
            }
            /* author: lists split at commas and semicolons */
            f = facet(&res, "author");
            {
                static const char *names[] = {"Ann Lee", "Bo Chen", "Cy Dee"};

                for (j = 0; j < 3; j++) {
                    int64_t want = 0;
                    int k;

                    for (k = 0; k < 41; k++)
                        want += in[k] && D[k].authors &&
                                strstr(D[k].authors, names[j]);
                    CHECK(facet_count(f, names[j], &dups) == want);
                }
            }
            CHECK(dups == 0); /* each value once */
            /* most documents first */
            for (j = 0; j < res.nfacets; j++) {
                size_t k;

                for (k = 1; k < res.facets[j].n; k++)
                    CHECK(res.facets[j].v[k - 1].count >=
                          res.facets[j].v[k].count);
            }
            thp_result_release(&res);
        }
    /* top=N keeps the N largest, and says how many there are */
    {
        struct thp_request r;
        struct thp_result res;
        static const char *const kv[] = {"q", "harbour", "facets", "year",
                                         "top", "2", NULL};

        CHECK(set_all(&r, kv) == 0);
        CHECK(run(rd, &r, &res) == THP_OK);
        CHECK(res.nfacets == 1 && res.facets[0].n == 2 &&
              res.facets[0].nvalues == 7);
        thp_result_release(&res);
    }
}

static void test_sort(thp_reader *rd)
{
    static const char *sorts[] = {"date", "oldest", "title"};
    size_t si, i;

    for (si = 0; si < 3; si++) {
        struct thp_request r;
        struct collect c;
        struct thp_result res;
        static const char *const kv[] = {"q", "harbour", "limit", "all",
                                         NULL};
        int undated = 0;

        CHECK(set_all(&r, kv) == 0);
        thp_request_set(&r, "sort", sorts[si], NULL);
        CHECK(stream(rd, &r, &c) == THP_OK);
        CHECK(c.n == 41);
        for (i = 0; i < c.n; i++)
            CHECK(c.docs[i] >= 0);
        for (i = 1; i < c.n && c.docs[i] >= 0 && c.docs[i - 1] >= 0; i++) {
            const struct doc *a = &D[c.docs[i - 1]], *b = &D[c.docs[i]];
            long ka = thp_plan_date_key(a->date[0] ? a->date : NULL);
            long kb = thp_plan_date_key(b->date[0] ? b->date : NULL);

            if (si == 2) {
                CHECK(strcmp(a->title, b->title) <= 0);
                continue;
            }
            if (kb == 0) {
                undated = 1;
                continue;
            }
            CHECK(!undated); /* undated documents come last */
            CHECK(ka != 0);
            CHECK(si == 0 ? ka >= kb : ka <= kb);
        }
        /* a page of it is the same order */
        thp_request_set(&r, "limit", "7", NULL);
        thp_request_set(&r, "offset", "5", NULL);
        CHECK(run(rd, &r, &res) == THP_OK);
        CHECK(res.nhits == 7);
        for (i = 0; i < res.nhits; i++) {
            int d = doc_of(res.hits[i].path);

            /* ties may change places, the keys may not */
            if (si == 2)
                CHECK(d >= 0 && !strcmp(D[d].title, D[c.docs[5 + i]].title));
            else
                CHECK(d >= 0 &&
                      thp_plan_date_key(D[d].date[0] ? D[d].date : NULL) ==
                          thp_plan_date_key(D[c.docs[5 + i]].date[0]
                                                ? D[c.docs[5 + i]].date
                                                : NULL));
        }
        thp_result_release(&res);
    }
}

static void test_paging(thp_reader *rd)
{
    static const char *qs[] = {"harbour", "kestrel", "falcon"};
    size_t qi;

    for (qi = 0; qi < 3; qi++) {
        struct thp_request r;
        struct thp_result full, page;
        struct collect c;
        size_t off, i;

        thp_request_init(&r);
        thp_request_set(&r, "q", qs[qi], NULL);
        thp_request_set(&r, "limit", "1000", NULL);
        CHECK(run(rd, &r, &full) == THP_OK);
        CHECK((int64_t)full.nhits == full.total);
        for (i = 1; i < full.nhits; i++)
            CHECK(full.hits[i - 1].score >= full.hits[i].score);
        /* the stream: the same hits in the same order */
        CHECK(stream(rd, &r, &c) == THP_OK);
        CHECK(c.n == full.nhits && c.total == full.total);
        for (i = 0; i < c.n && i < full.nhits; i++)
            CHECK(c.ids[i] == full.hits[i].id &&
                  c.scores[i] == full.hits[i].score);
        thp_request_set(&r, "limit", "all", NULL);
        CHECK(stream(rd, &r, &c) == THP_OK);
        CHECK(c.n == full.nhits);
        for (i = 0; i < c.n && i < full.nhits; i++)
            CHECK(c.ids[i] == full.hits[i].id);
        /* every page is a slice of the full order */
        for (off = 0; off <= full.nhits + 2; off += 3) {
            char o[16];

            snprintf(o, sizeof o, "%zu", off);
            thp_request_set(&r, "limit", "4", NULL);
            thp_request_set(&r, "offset", o, NULL);
            CHECK(run(rd, &r, &page) == THP_OK);
            CHECK(page.total == full.total);
            CHECK(page.nhits == (off >= full.nhits ? 0
                                 : full.nhits - off < 4 ? full.nhits - off
                                                        : 4));
            for (i = 0; i < page.nhits && off + i < full.nhits; i++) {
                CHECK(page.hits[i].id == full.hits[off + i].id);
                CHECK(page.hits[i].score == full.hits[off + i].score);
            }
            thp_result_release(&page);
            /* streamed with an offset: the rest, from there */
            thp_request_set(&r, "limit", "all", NULL);
            CHECK(stream(rd, &r, &c) == THP_OK);
            CHECK(c.n == (off < full.nhits ? full.nhits - off : 0));
            for (i = 0; i < c.n && off + i < full.nhits; i++)
                CHECK(c.ids[i] == full.hits[off + i].id);
        }
        thp_result_release(&full);
    }
}

static void test_dups_relax_suggest(thp_reader *rd)
{
    struct thp_request r;
    struct thp_result res;
    struct thp_err e;
    size_t i;
    int pair = 0;

    /* near-duplicates: one hit, the other named as similar */
    thp_request_init(&r);
    thp_request_set(&r, "q", "\"global cities\"", NULL);
    CHECK(run(rd, &r, &res) == THP_OK);
    CHECK(res.total == 1 && res.nhits == 1);
    if (res.nhits == 1)
        CHECK(res.hits[0].nsimilar == 1);
    thp_result_release(&res);
    thp_request_set(&r, "q", "kestrel", NULL);
    thp_request_set(&r, "limit", "100", NULL);
    CHECK(run(rd, &r, &res) == THP_OK);
    for (i = 0; i < res.nhits; i++) {
        int d = doc_of(res.hits[i].path);

        pair += d == 40 || d == 41;
    }
    CHECK(pair == 1);
    thp_result_release(&res);

    /* simple mode: every word when some document has them all */
    thp_request_init(&r);
    thp_request_set(&r, "mode", "simple", NULL);
    thp_request_set(&r, "q", "kestrel osprey", NULL);
    CHECK(run(rd, &r, &res) == THP_OK);
    CHECK(res.relaxed == 0 && res.total == brute(W_KESTREL | W_OSPREY, &r,
                                                   NULL));
    thp_result_release(&res);
    /* ... any word when none has (kestrel and osprey alone never meet
    ** falcon's absence: use a word no document has) */
    thp_request_set(&r, "q", "kestrel quetzalcoatl", NULL);
    CHECK(run(rd, &r, &res) == THP_OK);
    CHECK(res.relaxed == 1 && res.total == brute(W_KESTREL, &r, NULL));
    thp_result_release(&res);
    /* advanced mode never relaxes */
    thp_request_set(&r, "mode", "advanced", NULL);
    CHECK(run(rd, &r, &res) == THP_OK);
    CHECK(res.relaxed == 0 && res.total == 0 && res.nhits == 0);
    thp_result_release(&res);
    /* any mode: words OR-ed, no relaxation to report */
    thp_request_set(&r, "mode", "any", NULL);
    thp_request_set(&r, "q", "osprey falcon", NULL);
    CHECK(run(rd, &r, &res) == THP_OK);
    {
        int64_t want = 0;
        int k;

        for (k = 0; k < 41; k++)
            want += (D[k].words & (W_OSPREY | W_FALCON)) != 0;
        CHECK(res.total == want && res.relaxed == 0);
    }
    thp_result_release(&res);

    /* did you mean */
    thp_request_init(&r);
    thp_request_set(&r, "q", "kestral", NULL);
    CHECK(run(rd, &r, &res) == THP_OK);
    CHECK(res.total == 0);
    CHECK(res.suggestion != NULL && !strcmp(res.suggestion, "kestrel"));
    thp_result_release(&res);
    thp_request_set(&r, "q", "harbour ospray", NULL);
    CHECK(run(rd, &r, &res) == THP_OK);
    CHECK(res.suggestion != NULL && strstr(res.suggestion, "osprey") &&
          strstr(res.suggestion, "harbour"));
    thp_result_release(&res);
    /* a query with hits and right words needs no suggestion */
    thp_request_set(&r, "q", "kestrel", NULL);
    CHECK(run(rd, &r, &res) == THP_OK);
    CHECK(res.suggestion == NULL);
    thp_result_release(&res);

    /* completions */
    {
        char **v = NULL;
        size_t n = 0;
        int found = 0;

        thp_err_clear(&e);
        CHECK(thp_suggest(rd, "kes", 3, 5, &v, &n, &e) == THP_OK);
        CHECK(n >= 1 && n <= 5);
        for (i = 0; i < n; i++) {
            int k, title = 0;

            found += strstr(v[i], "kestrel") != NULL ||
                     strstr(v[i], "Kestrel") != NULL;
            /* a title as stored, without the index's language tag */
            CHECK(strstr(v[i], "\xEE\x80") == NULL);
            for (k = 0; k < NDOC; k++)
                title += !strcmp(v[i], D[k].title);
            if (strchr(v[i], ' '))
                CHECK(title == 1);
            thp_free(v[i]);
        }
        thp_free(v);
        CHECK(found >= 1);
        CHECK(thp_suggest(rd, "harbour osp", 11, 3, &v, &n, &e) == THP_OK);
        found = 0;
        CHECK(n <= 3);
        for (i = 0; i < n; i++) {
            found += strstr(v[i], "osprey") != NULL;
            thp_free(v[i]);
        }
        thp_free(v);
        CHECK(found >= 1);
        CHECK(thp_suggest(rd, "qqqzz", 5, 5, &v, &n, &e) == THP_OK);
        CHECK(n == 0);
        for (i = 0; i < n; i++)
            thp_free(v[i]);
        thp_free(v);
        CHECK(thp_suggest(rd, "kes", 3, 0, &v, &n, &e) == THP_OK && n == 0);
    }
}

/* Compare a request's hits with the same request through the full pass
** (a kind filter that keeps every kind). */
static void same_as_full(thp_reader *rd, const char *q, const char *limit,
                         const char *offset)
{
    struct thp_request r, f;
    struct thp_result a, b;
    size_t i;

    thp_request_init(&r);
    thp_request_set(&r, "q", q, NULL);
    thp_request_set(&r, "limit", limit, NULL);
    thp_request_set(&r, "offset", offset, NULL);
    f = r;
    thp_request_set(&f, "kind", "page,item,report", NULL);
    CHECK(run(rd, &r, &a) == THP_OK);
    CHECK(run(rd, &f, &b) == THP_OK);
    CHECK(a.total == b.total && a.nhits == b.nhits);
    for (i = 0; i < a.nhits && i < b.nhits; i++) {
        CHECK(a.hits[i].id == b.hits[i].id);
        CHECK(a.hits[i].score == b.hits[i].score);
    }
    thp_result_release(&a);
    thp_result_release(&b);
    /* and a ranking parameter a hair off the default: the full pass too */
    thp_request_set(&f, "kind", "", NULL);
    thp_request_set(&f, "rank", "k1=1.8000001", NULL);
    CHECK(run(rd, &r, &a) == THP_OK);
    CHECK(run(rd, &f, &b) == THP_OK);
    CHECK(a.total == b.total && a.nhits == b.nhits);
    for (i = 0; i < a.nhits && i < b.nhits; i++)
        CHECK(a.hits[i].id == b.hits[i].id);
    thp_result_release(&a);
    thp_result_release(&b);
}

static void test_toplist(thp_index *w, thp_reader *rd)
{
    static const char *qs[] = {"harbour", "kestrel", "falcon", "osprey",
                               "notes", "number"};
    struct thp_err e;
    long words = 0;
    size_t i;
    char key[600];
    int valid = 0;

    thp_err_clear(&e);
    CHECK(thp_toplist_build(w, 400, 2, &words, &e) == THP_OK);
    CHECK(words > 0);
    CHECK(thp_index_toplist_key(w, key, sizeof key, &valid, &e) == THP_OK &&
          valid == 1);
    /* built again on the same index: nothing to do */
    CHECK(thp_toplist_build(w, 400, 2, &words, &e) == THP_OK && words == -1);
    for (i = 0; i < sizeof qs / sizeof *qs; i++) {
        same_as_full(rd, qs[i], "10", "0");
        same_as_full(rd, qs[i], "5", "3");
        same_as_full(rd, qs[i], "1000", "0");
        same_as_full(rd, qs[i], "3", "40");
    }
    /* a word being typed in the search box: a listed prefix answers with
    ** the full ranking's hits, scores and exact total */
    {
        static const char *ps[] = {"har", "harb", "kes", "fal"};
        struct thp_request r, f;
        struct thp_result a, b;
        size_t k, j;

        for (i = 0; i < sizeof ps / sizeof *ps; i++) {
            thp_request_init(&r);
            thp_request_set(&r, "q", ps[i], NULL);
            thp_request_set(&r, "mode", "simple", NULL);
            thp_request_set(&r, "prefix", "1", NULL);
            f = r; /* the full pass: no list takes a filter */
            thp_request_set(&f, "kind", "page,item,report", NULL);
            thp_request_set(&f, "count", "exact", NULL);
            CHECK(run(rd, &r, &a) == THP_OK);
            CHECK(run(rd, &f, &b) == THP_OK);
            CHECK(a.total > 0 && a.total == b.total && a.nhits == b.nhits &&
                  a.total_exact);
            for (k = 0; k < a.nhits && k < b.nhits; k++)
                CHECK(a.hits[k].id == b.hits[k].id &&
                      a.hits[k].score == b.hits[k].score);
            thp_result_release(&b);
            /* the same prefix written with its star, in advanced mode,
            ** and the box's request asking for an exact count */
            for (j = 0; j < 2; j++) {
                char star[16];

                thp_request_init(&f);
                snprintf(star, sizeof star, "%s*", ps[i]);
                thp_request_set(&f, "q", j ? ps[i] : star, NULL);
                if (j) {
                    thp_request_set(&f, "mode", "simple", NULL);
                    thp_request_set(&f, "prefix", "1", NULL);
                    thp_request_set(&f, "count", "exact", NULL);
                }
                CHECK(run(rd, &f, &b) == THP_OK);
                CHECK(a.total == b.total && a.nhits == b.nhits);
                for (k = 0; k < a.nhits && k < b.nhits; k++)
                    CHECK(a.hits[k].id == b.hits[k].id &&
                          a.hits[k].score == b.hits[k].score);
                thp_result_release(&b);
            }
            thp_result_release(&a);
        }
        /* ... read from its list: a list changed by hand shows */
        CHECK(sqlite3_exec(thp_index_db(w), "UPDATE toplist SET total ="
                           " total + 1000 WHERE term = 'har*'", NULL, NULL,
                           NULL) == SQLITE_OK &&
              sqlite3_changes(thp_index_db(w)) == 1);
        thp_request_init(&r);
        thp_request_set(&r, "q", "har", NULL);
        thp_request_set(&r, "mode", "simple", NULL);
        thp_request_set(&r, "prefix", "1", NULL);
        f = r;
        thp_request_set(&f, "kind", "page,item,report", NULL);
        thp_request_set(&f, "count", "exact", NULL);
        CHECK(run(rd, &r, &a) == THP_OK);
        CHECK(run(rd, &f, &b) == THP_OK);
        CHECK(a.total == b.total + 1000);
        thp_result_release(&a);
        thp_request_set(&r, "count", "exact", NULL);
        CHECK(run(rd, &r, &a) == THP_OK && a.total == b.total + 1000);
        thp_result_release(&a);
        thp_request_init(&f);
        thp_request_set(&f, "q", "har*", NULL);
        CHECK(run(rd, &f, &a) == THP_OK && a.total == b.total + 1000);
        thp_result_release(&a);
        /* but not har** nor har* sorted by date */
        thp_request_set(&f, "q", "har**", NULL);
        CHECK(run(rd, &f, &a) == THP_OK && a.total == b.total);
        thp_result_release(&a);
        thp_request_set(&f, "q", "har*", NULL);
        thp_request_set(&f, "sort", "date", NULL);
        CHECK(run(rd, &f, &a) == THP_OK && a.total == b.total);
        thp_result_release(&a);
        thp_request_set(&r, "count", "estimate", NULL);
        thp_result_release(&b);
        /* not for anything else: a space after the word, a filter, two
        ** words, or a word the box does not take as a prefix yet */
        thp_request_set(&r, "q", "har ", NULL);
        CHECK(run(rd, &r, &a) == THP_OK && a.total < 1000);
        thp_result_release(&a);
        thp_request_set(&r, "q", "har", NULL);
        thp_request_set(&r, "kind", "page,item,report", NULL);
        CHECK(run(rd, &r, &a) == THP_OK && a.total < 1000);
        thp_result_release(&a);
        CHECK(sqlite3_exec(thp_index_db(w), "UPDATE toplist SET total ="
                           " total - 1000 WHERE term = 'har*'", NULL, NULL,
                           NULL) == SQLITE_OK);
    }
    /* another write: the lists are stale, results still right */
    {
        struct doc d = D[0];
        struct thp_request r;
        struct thp_result res, before;

        thp_request_init(&r);
        thp_request_set(&r, "q", "harbour", NULL);
        thp_request_set(&r, "limit", "100", NULL);
        CHECK(run(rd, &r, &before) == THP_OK);
        snprintf(d.path, sizeof d.path, "late.txt");
        snprintf(d.title, sizeof d.title, "Harbour harbour harbour");
        snprintf(d.body, sizeof d.body, "The harbour, the harbour: harbour "
                 "news from the harbour.");
        put_doc(w, &d, 99);
        CHECK(thp_index_commit(w, &e) == THP_OK);
        CHECK(thp_index_toplist_key(w, key, sizeof key, &valid, &e) ==
                  THP_OK && valid == 0);
        CHECK(run(rd, &r, &res) == THP_OK);
        CHECK(res.total == before.total + 1);
        CHECK(res.nhits >= 1 && !strcmp(res.hits[0].path, "late.txt"));
        thp_result_release(&res);
        thp_result_release(&before);
        for (i = 0; i < sizeof qs / sizeof *qs; i++) {
            same_as_full(rd, qs[i], "10", "0");
            same_as_full(rd, qs[i], "3", "40");
        }
        /* rebuilt: used again, still the same answers */
        CHECK(thp_toplist_build(w, 400, 2, &words, &e) == THP_OK &&
              words > 0);
        for (i = 0; i < sizeof qs / sizeof *qs; i++)
            same_as_full(rd, qs[i], "10", "0");
    }
}

static void test_generations(thp_index **wp, thp_reader *rd)
{
    struct thp_request r;
    struct thp_result res;
    struct thp_err e;
    int64_t g0, g1, g2;
    thp_index *w2;
    struct doc d = D[1];
    thp_index *w = *wp;

    thp_err_clear(&e);
    CHECK(thp_reader_refresh(rd, &g0, &e) == THP_OK);
    CHECK(thp_reader_refresh(rd, &g1, &e) == THP_OK && g1 == g0);
    thp_request_init(&r);
    thp_request_set(&r, "q", "pelican", NULL);
    CHECK(run(rd, &r, &res) == THP_OK && res.total == 0);
    thp_result_release(&res);
    /* another connection writes */
    snprintf(d.path, sizeof d.path, "pelican.txt");
    snprintf(d.body, sizeof d.body, "A pelican in the harbour.");
    d.kind = "item";
    put_doc(w, &d, 120);
    CHECK(thp_index_commit(w, &e) == THP_OK);
    thp_request_set(&r, "kind", "item", NULL);
    CHECK(run(rd, &r, &res) == THP_OK);
    CHECK(res.total == 1 && res.generation > g0);
    g1 = res.generation;
    thp_result_release(&res);

    /* a new file renamed over the path, the old one's writer done and its
    ** log emptied: the log is named after the path, and a non-empty one
    ** would be read as the new file's (see the note in the report of this
    ** test: a reader cannot tell) */
    CHECK(sqlite3_exec(thp_index_db(w), "PRAGMA wal_checkpoint(TRUNCATE)",
                       NULL, NULL, NULL) == SQLITE_OK);
    thp_index_close(w);
    *wp = NULL;
    snprintf(path2, sizeof path2, "%s.new", dbpath);
    unlink(path2);
    CHECK(thp_index_open(path2, THP_INDEX_WRITE, &w2, &e) == THP_OK);
    snprintf(d.path, sizeof d.path, "only.txt");
    snprintf(d.body, sizeof d.body, "Only a cormorant here.");
    put_doc(w2, &d, 130);
    CHECK(thp_index_commit(w2, &e) == THP_OK);
    thp_index_close(w2);
    CHECK(rename(path2, dbpath) == 0);
    thp_request_init(&r);
    thp_request_set(&r, "q", "cormorant", NULL);
    CHECK(run(rd, &r, &res) == THP_OK);
    CHECK(res.total == 1 && res.generation > g1);
    if (res.total != 1)
        fprintf(stderr, "after rename: total %lld gen %lld (was %lld)\n",
                (long long)res.total, (long long)res.generation,
                (long long)g1);
    g2 = res.generation;
    thp_result_release(&res);
    thp_request_set(&r, "q", "harbour", NULL);
    CHECK(run(rd, &r, &res) == THP_OK);
    CHECK(res.total == 0 && res.generation == g2);
    thp_result_release(&res);
    {
        int64_t n = -1;

        CHECK(thp_index_count(thp_reader_index(rd), &n, &e) == THP_OK &&
              n == 1);
    }
}

/* cancel functions: count the asks; stop at once, or never */
static int asked;

static int stop_now(void *arg)
{
    ++*(int *)arg;
    return 1;
}

static int go_on(void *arg)
{
    ++*(int *)arg;
    return 0;
}

static void test_budget(void)
{
    char path[64];
    thp_index *w;
    thp_reader *rd;
    struct thp_err e;
    struct thp_request r;
    struct thp_result res;
    int i, rc;
    struct timespec t0, t1;
    double ms;

    snprintf(path, sizeof path, "%s.big", dbpath);
    unlink(path);
    thp_err_clear(&e);
    CHECK(thp_index_open(path, THP_INDEX_WRITE, &w, &e) == THP_OK);
    for (i = 0; i < 4000; i++) {
        struct doc d = D[i % 40];
        int k;
        char *b = d.body;

        snprintf(d.path, sizeof d.path, "big%05d.txt", i);
        b += sprintf(b, "harbour %d", i);
        for (k = 0; k < 40; k++)
            b += sprintf(b, " w%d harbour kestrel", (i * 7 + k) % 500);
        put_doc(w, &d, i);
    }
    CHECK(thp_index_commit(w, &e) == THP_OK);
    CHECK(thp_reader_wrap(w, &rd, &e) == THP_OK);
    thp_reader_budget(rd, 1);
    thp_request_init(&r);
    thp_request_set(&r, "q", "harbour OR kestrel OR w1* OR w2* OR w3*", NULL);
    thp_request_set(&r, "facets", "year,kind,author", NULL);
    thp_request_set(&r, "count", "exact", NULL);
    for (i = 0; i < 3; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t0);
        thp_err_clear(&e);
        rc = thp_exec(rd, &r, &res, NULL, NULL, &e);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
             (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        CHECK(rc == THP_OK || rc == THP_ERR_TOOBIG);
        if (rc == THP_ERR_TOOBIG) {
            CHECK(strstr(e.msg, "1 ms") != NULL);
            CHECK(res.nhits == 0 && res.hits == NULL);
        }
        CHECK(ms < 3000);
        thp_result_release(&res);
    }
    /* without a budget the same query answers */
    thp_reader_budget(rd, 0);
    thp_err_clear(&e);
    CHECK(thp_exec(rd, &r, &res, NULL, NULL, &e) == THP_OK);
    CHECK(res.total > 0);
    thp_result_release(&res);
    /* and the reader still works after a stopped query */
    thp_reader_budget(rd, 1);
    thp_err_clear(&e);
    thp_exec(rd, &r, &res, NULL, NULL, &e);
    thp_result_release(&res);
    thp_reader_budget(rd, 0);
    thp_request_set(&r, "q", "w7", NULL);
    CHECK(thp_exec(rd, &r, &res, NULL, NULL, &e) == THP_OK && res.total > 0);
    thp_result_release(&res);
    /* a cancel function that says stop: the query stops, says so, and the
    ** next request (never asked to stop) answers */
    thp_request_set(&r, "q", "harbour OR kestrel OR w1* OR w2* OR w3*", NULL);
    asked = 0;
    thp_reader_cancel(rd, stop_now, &asked);
    thp_err_clear(&e);
    rc = thp_exec(rd, &r, &res, NULL, NULL, &e);
    CHECK(rc == THP_ERR_IO && strstr(e.msg, "query cancelled") != NULL);
    CHECK(asked >= 1 && thp_reader_cancelled(rd));
    CHECK(res.nhits == 0 && res.hits == NULL);
    thp_result_release(&res);
    asked = 0;
    thp_reader_cancel(rd, go_on, &asked);
    thp_err_clear(&e);
    CHECK(thp_exec(rd, &r, &res, NULL, NULL, &e) == THP_OK && res.total > 0);
    CHECK(asked >= 1 && !thp_reader_cancelled(rd));
    thp_result_release(&res);
    thp_reader_cancel(rd, NULL, NULL);
    /* a query's syntax checked without the index, as thp_exec finds it */
    thp_request_set(&r, "q", "harbour AND (kestrel", NULL);
    thp_err_clear(&e);
    CHECK(thp_request_check(&r, &e) == THP_ERR_SYNTAX && e.haspos);
    {
        struct thp_err e2;
        size_t pos = e.pos;

        thp_err_clear(&e2);
        CHECK(thp_exec(rd, &r, &res, NULL, NULL, &e2) == THP_ERR_SYNTAX &&
              e2.haspos && e2.pos == pos && !strcmp(e2.msg, e.msg));
        thp_result_release(&res);
    }
    thp_request_set(&r, "lenient", "1", NULL);
    thp_err_clear(&e);
    CHECK(thp_request_check(&r, &e) == THP_OK);
    thp_reader_close(rd);
    thp_index_close(w);
    unlink(path);
}

int main(void)
{
    thp_index *w;
    thp_reader *rd, *own;
    struct thp_err e;
    int i, fd = mkstemp(dbpath);

    CHECK(fd >= 0);
    close(fd);
    unlink(dbpath);
    make_docs();
    thp_err_clear(&e);
    CHECK(thp_index_open(dbpath, THP_INDEX_WRITE, &w, &e) == THP_OK);
    for (i = 0; i < NDOC; i++)
        put_doc(w, &D[i], i);
    CHECK(thp_index_commit(w, &e) == THP_OK);
    {
        int64_t n = 0;

        CHECK(thp_index_count(w, &n, &e) == THP_OK && n == NDOC);
    }
    /* a reader of its own on the path (another connection) */
    CHECK(thp_reader_open(dbpath, &own, &e) == THP_OK);
    test_filters(own);
    test_facets(own);
    test_sort(own);
    test_paging(own);
    test_dups_relax_suggest(own);
    /* a wrapped reader over the same file answers the same */
    {
        thp_index *ro;

        CHECK(thp_index_open(dbpath, THP_INDEX_READ, &ro, &e) == THP_OK);
        CHECK(thp_reader_wrap(ro, &rd, &e) == THP_OK);
        test_filters(rd);
        thp_reader_close(rd);
        thp_index_close(ro);
    }
    test_toplist(w, own);
    test_generations(&w, own);
    thp_reader_close(own);
    thp_index_close(w);
    test_budget();
    unlink(dbpath);
    snprintf(path2, sizeof path2, "%s-wal", dbpath);
    unlink(path2);
    snprintf(path2, sizeof path2, "%s-shm", dbpath);
    unlink(path2);
    return check_done("exec");
}
