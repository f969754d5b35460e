/*
** rank_test.c: thp_rank() on small FTS5 tables with the thp tokenizer:
** the BM25F value against the formula computed here, and each of its
** parts moving the order the way rank.h says (field weights, exact
** forms, proximity, stop words, recency); and the parameter text.
*/
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "thp/rank.h"
#include "thp/tok.h"

static sqlite3 *db;

static void exec(const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, msg ? msg : "?");
        check_failed++;
    }
    sqlite3_free(msg);
}

/*
** thp_rank of row `rowid` for MATCH `match` with `roles` and `params`
** (NULL: none given), on table t; NAN if the row does not match or on
** error.
*/
static double score(const char *match, const char *roles, const char *params,
                    long rowid)
{
    sqlite3_stmt *st;
    double v = NAN;

    if (sqlite3_prepare_v2(db,
                           "SELECT thp_rank(t, ?2, ?3, year) FROM t"
                           " WHERE t MATCH ?1 AND rowid = ?4",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
        return v;
    }
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    if (roles)
        sqlite3_bind_text(st, 2, roles, -1, SQLITE_STATIC);
    if (params)
        sqlite3_bind_text(st, 3, params, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, rowid);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * (fabs(a) + fabs(b) + 1.0);
}

static double idf(double n, double nt)
{
    return log(1.0 + (n - nt + 0.5) / (nt + 0.5));
}

/* The BM25F value of one term, by the formula in rank.h. */
static double bm25f(double k1, double b, const double *w, const double *tf,
                    const double *len, const double *avg, int ncol, double i)
{
    double wtf = 0.0;
    int c;

    for (c = 0; c < ncol; c++)
        wtf += w[c] * tf[c] / (1.0 - b + b * len[c] / avg[c]);
    return i * wtf * (k1 + 1.0) / (wtf + k1);
}

static void test_params(void)
{
    struct thp_rank_params p, q;
    struct thp_err e;
    char buf[512];
    size_t n;

    thp_rank_defaults(&p);
    q = p;
    thp_err_clear(&e);
    CHECK(thp_rank_set(&q, "k1=1.5, b=0.3;title=4\n# a comment\nwindow=9",
                       43, &e) == THP_OK);
    CHECK(q.k1 == 1.5 && q.b == 0.3 && q.title == 4.0 && q.window == 9);
    CHECK(q.body == p.body && q.prox == p.prox);
    /* errors name the key and its byte; p stays as it was */
    q = p;
    thp_err_clear(&e);
    CHECK(thp_rank_set(&q, "k1=2 bogus=1", 12, &e) == THP_ERR_SYNTAX);
    CHECK(e.pos == 5 && strstr(e.msg, "bogus") != NULL);
    CHECK(q.k1 == p.k1);
    thp_err_clear(&e);
    CHECK(thp_rank_set(&q, "b=1.5", 5, &e) == THP_ERR_SYNTAX);
    CHECK(e.pos == 2 && strstr(e.msg, "b=1.5") != NULL);
    thp_err_clear(&e);
    CHECK(thp_rank_set(&q, "window=2.5", 10, &e) == THP_ERR_SYNTAX);
    thp_err_clear(&e);
    CHECK(thp_rank_set(&q, "k1", 2, &e) == THP_ERR_SYNTAX);
    thp_err_clear(&e);
    CHECK(thp_rank_set(&q, "k1=", 3, &e) == THP_ERR_SYNTAX);
    thp_err_clear(&e);
    CHECK(thp_rank_set(&q, "k1=nan", 6, &e) == THP_ERR_SYNTAX);
    CHECK(thp_rank_set(&q, "", 0, NULL) == THP_OK);
    /* format reads back exactly */
    q.k1 = 1.0 / 3.0;
    q.now = 2020;
    n = thp_rank_format(&q, buf, sizeof buf);
    CHECK(n > 0 && n < sizeof buf && strlen(buf) == n);
    thp_rank_defaults(&p);
    CHECK(thp_rank_set(&p, buf, n, NULL) == THP_OK);
    CHECK(memcmp(&p, &q, sizeof p) == 0);
    CHECK(thp_rank_format(&q, buf, 8) == n); /* too small: the length */
    CHECK(strlen(buf) == 7);
    /* a file */
    {
        char path[] = "/tmp/rank_testXXXXXX";
        int fd = mkstemp(path);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

        CHECK(f != NULL);
        if (f) {
            fputs("# ranking\nk1 = 2\n", f);
            fclose(f);
            thp_err_clear(&e);
            /* "k1 = 2": blanks separate, so "k1" has no value */
            CHECK(thp_rank_load(&p, path, &e) == THP_ERR_SYNTAX);
            CHECK(strstr(e.msg, path) != NULL);
            f = fopen(path, "w");
            fputs("# ranking\nk1=2\nb=0.5\n", f);
            fclose(f);
            CHECK(thp_rank_load(&p, path, NULL) == THP_OK);
            CHECK(p.k1 == 2.0 && p.b == 0.5);
            remove(path);
        }
        thp_err_clear(&e);
        CHECK(thp_rank_load(&p, "/nonexistent/rank.conf", &e) == THP_ERR_IO);
    }
}

static void test_bm25f(void)
{
    /* two columns (title, body): rank's weights title=2 body=1 */
    static const char params[] = "k1=1.2 b=0.75 title=2 body=1 exact=0 "
                                 "prox=0";
    double w[2] = {2.0, 1.0}, len[2], avg[2], tf[2], want, got;

    exec("CREATE VIRTUAL TABLE t USING fts5(title, body, year UNINDEXED,"
         " tokenize='thp');"
         "INSERT INTO t(rowid, title, body, year) VALUES"
         " (1, 'Refugee camps', 'camps near the border hold refugees', 2020),"
         " (2, 'Labour market', 'the labour market of cities', 2010),"
         " (3, 'Cities', 'refugee integration in cities and the market', 2000),"
         " (4, 'Ports', 'the port of rotterdam', 1990);");
    /* no roles: each phrase a term; "\x01camps" in row 1: title 1, body 1 */
    avg[0] = (2 + 2 + 1 + 1) / 4.0;
    avg[1] = (6 + 5 + 7 + 4) / 4.0;
    len[0] = 2;
    len[1] = 6;
    tf[0] = 1;
    tf[1] = 1;
    want = bm25f(1.2, 0.75, w, tf, len, avg, 2, idf(4, 1));
    got = score("\"\x01" "camps\"", NULL, params, 1);
    CHECK(near(got, want));
    if (!near(got, want))
        fprintf(stderr, "bm25f: got %.12g want %.12g\n", got, want);
    /* two terms add; refugee/refugees both count (any form) in row 1 */
    tf[0] = 1; /* Refugee */
    tf[1] = 1; /* refugees */
    want += bm25f(1.2, 0.75, w, tf, len, avg, 2, idf(4, 2));
    got = score("\"\x01" "camps\" AND \"\x01" "refugee\"", NULL, params, 1);
    CHECK(near(got, want));
    if (!near(got, want))
        fprintf(stderr, "bm25f 2 terms: got %.12g want %.12g\n", got, want);
    /* the default parameters are used when none are given */
    CHECK(score("\"\x01" "camps\"", NULL, NULL, 1) > 0);
    /* a title match outweighs the same match in the body */
    CHECK(score("\"\x01" "cities\"", NULL, "title=3", 3) >
          score("\"\x01" "cities\"", NULL, "title=3", 2));
    CHECK(score("\"\x01" "cities\"", NULL, "title=0", 3) <
          score("\"\x01" "cities\"", NULL, "title=0", 2));
    /* a term matching every row scores less than a rare one */
    CHECK(score("\"\x01" "port\"", NULL, params, 4) >
          score("\"the\"", NULL, params, 4));
}

static void test_parts(void)
{
    static const char q[] = "(\"\x01" "refugee\" OR \"refugee\")";
    static const char q2[] = "(\"\x01" "refugee\" OR \"refugee\") AND"
                             " (\"\x01" "camp\" OR \"camp\")";
    double a, b;

    exec("DROP TABLE t;"
         "CREATE VIRTUAL TABLE t USING fts5(title, body, year UNINDEXED,"
         " tokenize='thp');"
         "INSERT INTO t(rowid, title, body, year) VALUES"
         " (1, 'x', 'the refugee camp was near a river', 2024),"
         " (2, 'x', 'the refugees camp was near a river', 2024),"
         " (3, 'x', 'the refugee was near a river camp', 2004),"
         " (4, 'x', 'a list of other words here too', 2024);");
    /* exact form: 'refugee' over 'refugees' with exact > 0, equal at 0 */
    a = score(q, "Te", "exact=0.5 prox=0", 1);
    b = score(q, "Te", "exact=0.5 prox=0", 2);
    CHECK(a > b);
    CHECK(near(score(q, "Te", "exact=0 prox=0", 1),
               score(q, "Te", "exact=0 prox=0", 2)));
    /* without roles the exact phrase is a term of its own: more score */
    CHECK(score(q, NULL, "exact=0 prox=0", 1) >
          score(q, "Te", "exact=0 prox=0", 1));
    /* proximity: adjacent words over words far apart, equal without */
    a = score(q2, "TeTe", "exact=0 prox=1", 1);
    b = score(q2, "TeTe", "exact=0 prox=1", 3);
    CHECK(a > b);
    CHECK(near(score(q2, "TeTe", "exact=0 prox=0", 1),
               score(q2, "TeTe", "exact=0 prox=0", 3)));
    /* outside the window, no proximity bonus either */
    CHECK(near(score(q2, "TeTe", "exact=0 prox=1 window=2", 3),
               score(q2, "TeTe", "exact=0 prox=0", 3)));
    /* a stop-word term ('t') weighs `stop` times a plain term */
    a = score(q, "Te", "exact=0 prox=0", 1);
    b = score(q, "te", "exact=0 prox=0 stop=0.25", 1);
    CHECK(near(b, 0.25 * a));
    /* excluded phrases ('n') are not scored */
    CHECK(near(score(q, "nn", NULL, 1), 0.0));
    /* recency: newer first when asked, no effect when off */
    a = score(q, "Te", "exact=0 prox=0 recency=1 halflife=5 now=2024", 1);
    b = score(q, "Te", "exact=0 prox=0 recency=0 now=2024", 1);
    CHECK(near(a, 2.0 * b)); /* this year: factor 1 + 1 */
    a = score(q, "Te", "exact=0 prox=0 recency=1 halflife=5 now=2024", 3);
    b = score(q, "Te", "exact=0 prox=0 now=2024", 3);
    CHECK(near(a, b * (1.0 + 0.0625))); /* 20 years: four half-lives */
    /* bad parameters are an SQL error, not a crash */
    CHECK(isnan(score(q, "Te", "k1=-1", 1)));
    /* rows not matching are not scored at all */
    CHECK(isnan(score(q, "Te", NULL, 4)));
}

int main(void)
{
    test_params();
    CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    CHECK(thp_tok_register(db, NULL) == THP_OK);
    CHECK(thp_rank_register(db, NULL) == THP_OK);
    test_bm25f();
    test_parts();
    sqlite3_close(db);
    return check_done("rank");
}
