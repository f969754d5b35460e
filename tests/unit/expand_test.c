/*
** expand_test.c: pseudo-relevance feedback through the query core: off by
** default; on, it finds a document that shares the best documents'
** vocabulary but not the query's words, ranks it below them, and never
** adds stop words or numbers.
*/
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "thp/expand.h"
#include "thp/index.h"
#include "thp/query.h"

static char dbpath[] = "/tmp/thp-expand-test-XXXXXX";

static const char *const docs[][2] = {
    {"Boundary layer transition on flat plates",
     "The boundary layer on a flat plate becomes turbulent: transition "
     "depends on the Reynolds number and on the pressure gradient of 1958."},
    {"Boundary layer suction",
     "Suction stabilises the laminar boundary layer and delays transition "
     "at high Reynolds number on the flat plate."},
    {"Turbulent flow at high Reynolds number",
     "Transition to turbulent flow over a flat plate at high Reynolds "
     "number, with measurements of the pressure gradient."},
    {"Heat conduction in composite slabs",
     "Composite slabs conduct heat; the solution uses Laplace transforms."},
    {"Refugee integration in cities",
     "Cities and businesses work together on the integration of refugees."},
    {"Buckling of cylindrical shells",
     "Thin cylindrical shells under axial compression buckle early."},
    {"Hypersonic heat transfer",
     "Heat transfer to blunt bodies in hypersonic flow."},
};

static int has_hit(const struct thp_result *res, int64_t id)
{
    size_t i;

    for (i = 0; i < res->nhits; i++)
        if (res->hits[i].id == id)
            return 1;
    return 0;
}

int main(void)
{
    struct thp_rank_params p;
    struct thp_query_opts o;
    struct thp_result res;
    struct thp_err e;
    thp_index *idx;
    size_t i;
    int fd = mkstemp(dbpath);

    CHECK(fd >= 0);
    close(fd);
    unlink(dbpath);
    thp_err_clear(&e);
    CHECK(thp_index_open(dbpath, THP_INDEX_WRITE, &idx, &e) == THP_OK);
    for (i = 0; i < sizeof docs / sizeof *docs; i++) {
        struct thp_record r;
        struct thp_source src;
        char key[32];

        snprintf(key, sizeof key, "doc%zu", i + 1);
        memset(&r, 0, sizeof r);
        r.source_key = r.source_path = key;
        r.title = docs[i][0];
        r.body = docs[i][1];
        r.kind = "page";
        CHECK(thp_index_put(idx, &r, NULL, &e) == THP_OK);
        memset(&src, 0, sizeof src);
        src.path = key;
        src.hash = "0123456789abcdef";
        CHECK(thp_index_source_done(idx, &src, NULL, &e) == THP_OK);
    }
    CHECK(thp_index_commit(idx, &e) == THP_OK);

    /* off by default: only the documents with both words */
    thp_rank_defaults(&p);
    memset(&o, 0, sizeof o);
    o.rank = &p;
    CHECK(thp_query_run(idx, "boundary layer", 14, &o, &res, &e) == THP_OK);
    CHECK(res.total == 2 && has_hit(&res, 1) && has_hit(&res, 2));
    thp_result_release(&res);

    /* on: the turbulent-flow document joins, below the two */
    p.fb_docs = 2;
    p.fb_terms = 8;
    p.fb_weight = 0.5;
    thp_err_clear(&e);
    CHECK(thp_query_run(idx, "boundary layer", 14, &o, &res, &e) == THP_OK);
    CHECK(has_hit(&res, 3));
    CHECK(res.nhits >= 3 && res.hits[0].id <= 2 && res.hits[1].id <= 2);
    CHECK(!has_hit(&res, 5) && !has_hit(&res, 6));
    CHECK(res.match && strstr(res.match, "\"\x01" "transition\"") != NULL);
    /* no stop words, no numbers, no words of two letters */
    CHECK(res.match && strstr(res.match, "\"\x01" "the\"") == NULL);
    CHECK(res.match && strstr(res.match, "\"\x01" "1958\"") == NULL);
    CHECK(res.match && strstr(res.match, "\"\x01" "on\"") == NULL);
    /* the roles follow: the original's, then one term per added word */
    CHECK(res.roles && strncmp(res.roles, "TeTe", 4) == 0 &&
          strspn(res.roles + 4, "T") == strlen(res.roles + 4) &&
          strlen(res.roles) > 4 && strlen(res.roles) <= 4 + 8);
    thp_result_release(&res);

    /* a query matching nothing stays as it was */
    CHECK(thp_query_run(idx, "zeppelin", 8, &o, &res, &e) == THP_OK);
    CHECK(res.total == 0);
    CHECK_STR(res.match, "(\"\x01" "zeppelin\" OR \"zeppelin\")");
    thp_result_release(&res);

    thp_index_close(idx);
    unlink(dbpath);
    {
        char wal[64];

        snprintf(wal, sizeof wal, "%s-wal", dbpath);
        unlink(wal);
        snprintf(wal, sizeof wal, "%s-shm", dbpath);
        unlink(wal);
    }
    return check_done("expand");
}
