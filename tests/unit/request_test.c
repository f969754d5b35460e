/*
** request_test.c: the option table shared by the CLI and the daemon:
** accepted values, ranges, lists and flags, and the exact message of
** every bad value (naming the option and what it accepts).
*/
#include <stdlib.h>

#include "check.h"
#include "thp/plan.h"
#include "thp/request.h"

static struct thp_request R;

/* Set name=value on a fresh request; return the code, message in *msg. */
static int try_set(const char *name, const char *value, const char **msg)
{
    static struct thp_err e;

    thp_request_init(&R);
    thp_err_clear(&e);
    *msg = e.msg;
    return thp_request_set(&R, name, value, &e);
}

#define OK(name, value)                                                   \
    do {                                                                  \
        const char *m_;                                                   \
        int rc_ = try_set(name, value, &m_);                              \
        if (rc_ != THP_OK)                                                \
            fprintf(stderr, "%s=%s: %s\n", name,                          \
                    (value) ? (const char *)(value) : "(null)", m_);      \
        CHECK(rc_ == THP_OK);                                             \
    } while (0)

#define BAD(name, value, want)                                            \
    do {                                                                  \
        const char *m_;                                                   \
        CHECK(try_set(name, value, &m_) == THP_ERR_SYNTAX);               \
        CHECK_STR(m_, want);                                              \
    } while (0)

static void test_defaults(void)
{
    thp_request_init(&R);
    CHECK(R.limit == 10 && !R.all && R.offset == 0);
    CHECK(R.mode == THP_MODE_ADVANCED && R.sort == THP_SORT_RELEVANCE);
    CHECK(R.format == THP_FMT_JSON && R.passages == 1);
    CHECK(R.kwic_width == 40 && R.snippets == 1 && R.facets == 0);
    CHECK(R.date_lo == 0 && R.date_hi == 0 && R.kinds == 0);
    CHECK(R.nlangs == 0 && R.facet_top == 0 && R.qlen == 0);
}

static void test_q(void)
{
    const char *m;
    char *big = malloc(THP_REQUEST_MAX_Q + 2);

    OK("q", "refugee integration");
    CHECK_STR(R.q, "refugee integration");
    CHECK(R.qlen == 19);
    OK("q", "");
    CHECK(R.qlen == 0 && R.q[0] == '\0');
    memset(big, 'a', THP_REQUEST_MAX_Q);
    big[THP_REQUEST_MAX_Q] = '\0';
    OK("q", big);
    CHECK(R.qlen == THP_REQUEST_MAX_Q);
    big[THP_REQUEST_MAX_Q] = 'a';
    big[THP_REQUEST_MAX_Q + 1] = '\0';
    CHECK(try_set("q", big, &m) == THP_ERR_TOOBIG);
    CHECK_STR(m, "query longer than 4096 bytes (4097)");
    free(big);
}

static void test_mode(void)
{
    OK("mode", "advanced");
    CHECK(R.mode == THP_MODE_ADVANCED);
    OK("mode", "simple");
    CHECK(R.mode == THP_MODE_SIMPLE);
    OK("mode", "any");
    CHECK(R.mode == THP_MODE_ANY);
    BAD("mode", "fuzzy",
        "'mode' must be advanced, simple or any, not 'fuzzy'");
    BAD("mode", "Simple",
        "'mode' must be advanced, simple or any, not 'Simple'");
    BAD("mode", NULL, "'mode' must be advanced, simple or any, not ''");
    OK("lenient", "1");
    CHECK(R.mode == THP_MODE_SIMPLE);
    OK("lenient", "off");
    CHECK(R.mode == THP_MODE_ADVANCED);
    BAD("lenient", "2", "'lenient' must be a flag, not '2'");
}

static void test_limit_offset(void)
{
    struct thp_err e;

    OK("limit", "1");
    CHECK(R.limit == 1 && !R.all);
    OK("limit", "1000");
    CHECK(R.limit == 1000);
    OK("limit", "all");
    CHECK(R.all == 1);
    BAD("limit", "0", "'limit' must be a number from 1 to 1000, or all, "
        "not '0'");
    BAD("limit", "1001", "'limit' must be a number from 1 to 1000, or all, "
        "not '1001'");
    BAD("limit", "-1", "'limit' must be a number from 1 to 1000, or all, "
        "not '-1'");
    BAD("limit", "", "'limit' must be a number from 1 to 1000, or all, "
        "not ''");
    BAD("limit", "10x", "'limit' must be a number from 1 to 1000, or all, "
        "not '10x'");
    BAD("limit", " 10", "'limit' must be a number from 1 to 1000, or all, "
        "not ' 10'");
    BAD("limit", "ALL", "'limit' must be a number from 1 to 1000, or all, "
        "not 'ALL'");
    BAD("limit", "99999999999999999999", "'limit' must be a number from 1 "
        "to 1000, or all, not '99999999999999999999'");
    /* a later limit=N ends limit=all */
    thp_request_init(&R);
    thp_err_clear(&e);
    CHECK(thp_request_set(&R, "limit", "all", &e) == THP_OK && R.all);
    CHECK(thp_request_set(&R, "limit", "5", &e) == THP_OK);
    CHECK(!R.all && R.limit == 5);

    OK("offset", "0");
    CHECK(R.offset == 0);
    OK("offset", "1000000000");
    CHECK(R.offset == 1000000000);
    BAD("offset", "1000000001", "'offset' must be a number from 0 to "
        "1000000000, not '1000000001'");
    BAD("offset", "1000000000000", "'offset' must be a number from 0 to "
        "1000000000, not '1000000000000'");
    BAD("offset", "-5", "'offset' must be a number from 0 to 1000000000, "
        "not '-5'");
    BAD("offset", "1e3", "'offset' must be a number from 0 to 1000000000, "
        "not '1e3'");
    OK("all", NULL);
    CHECK(R.all == 1);
}

static void test_sort(void)
{
    static const struct { const char *v; int s; } ok[] = {
        {"relevance", THP_SORT_RELEVANCE}, {"rank", THP_SORT_RELEVANCE},
        {"date", THP_SORT_DATE}, {"-date", THP_SORT_DATE},
        {"newest", THP_SORT_DATE}, {"+date", THP_SORT_DATE_ASC},
        {"date-asc", THP_SORT_DATE_ASC}, {"oldest", THP_SORT_DATE_ASC},
        {"title", THP_SORT_TITLE}};
    size_t i;

    for (i = 0; i < sizeof ok / sizeof *ok; i++) {
        OK("sort", ok[i].v);
        CHECK(R.sort == ok[i].s);
    }
    BAD("sort", "author", "'sort' must be relevance, date, oldest or title, "
        "not 'author'");
    BAD("sort", "", "'sort' must be relevance, date, oldest or title, "
        "not ''");
}

static void test_kind_lang(void)
{
    struct thp_err e;

    OK("kind", "page");
    CHECK(R.kinds == THP_KIND_PAGE);
    OK("kind", "item,report");
    CHECK(R.kinds == (THP_KIND_ITEM | THP_KIND_REPORT));
    OK("kind", "page, item report");
    CHECK(R.kinds == (THP_KIND_PAGE | THP_KIND_ITEM | THP_KIND_REPORT));
    OK("kind", ",,item,,");
    CHECK(R.kinds == THP_KIND_ITEM);
    BAD("kind", "item,video", "'kind' must be page, item or report "
        "(comma-separated), not 'video'");
    BAD("kind", "Page", "'kind' must be page, item or report "
        "(comma-separated), not 'Page'");
    /* a later kind= or lang= replaces the earlier one */
    thp_request_init(&R);
    thp_err_clear(&e);
    CHECK(thp_request_set(&R, "kind", "page", &e) == THP_OK);
    CHECK(thp_request_set(&R, "kind", "report", &e) == THP_OK);
    CHECK(R.kinds == THP_KIND_REPORT);
    CHECK(thp_request_set(&R, "lang", "en,nl", &e) == THP_OK);
    CHECK(thp_request_set(&R, "lang", "pt", &e) == THP_OK);
    CHECK(R.nlangs == 1 && !strcmp(R.langs[0], "pt"));

    OK("lang", "en");
    CHECK(R.nlangs == 1 && !strcmp(R.langs[0], "en"));
    OK("lang", "en,nl pt");
    CHECK(R.nlangs == 3 && !strcmp(R.langs[1], "nl") &&
          !strcmp(R.langs[2], "pt"));
    OK("lang", "fil");
    CHECK(R.nlangs == 1 && !strcmp(R.langs[0], "fil"));
    OK("lang", "aa,bb,cc,dd,ee,ff,gg,hh");
    CHECK(R.nlangs == 8);
    BAD("lang", "aa,bb,cc,dd,ee,ff,gg,hh,ii", "'lang' must be language codes "
        "such as en,nl, not 'ii'");
    BAD("lang", "english", "'lang' must be language codes such as en,nl, "
        "not 'english'");
    BAD("lang", "e", "'lang' must be language codes such as en,nl, not 'e'");
    BAD("lang", "EN", "'lang' must be language codes such as en,nl, "
        "not 'EN'");
    BAD("lang", "en,n1", "'lang' must be language codes such as en,nl, "
        "not 'n1'");
}

static void test_dates(void)
{
    struct thp_err e;

    OK("year", "2011");
    CHECK(R.date_lo == 20110000 && R.date_hi == 20119999);
    OK("year", "2010..2014");
    CHECK(R.date_lo == 20100000 && R.date_hi == 20149999);
    OK("year", "2010..");
    CHECK(R.date_lo == 20100000 && R.date_hi == 0);
    OK("year", "..2014");
    CHECK(R.date_lo == 0 && R.date_hi == 20149999);
    OK("year", "2012..2012");
    CHECK(R.date_lo == 20120000 && R.date_hi == 20129999);
    OK("year", ">=2011");
    CHECK(R.date_lo == 20110000 && R.date_hi == 0);
    OK("year", ">2011");
    CHECK(R.date_lo == 20120000 && R.date_hi == 0);
    OK("year", "<=2011");
    CHECK(R.date_lo == 0 && R.date_hi == 20119999);
    OK("year", "<2011");
    CHECK(R.date_lo == 0 && R.date_hi == 20109999);
    BAD("year", "2014..2010", "'year' range is reversed: '2014..2010'");
    BAD("year", "2011-06", "'year' must be a year or a range such as "
        "2010..2014, not '2011-06'");
    BAD("year", "2010..2011-06", "'year' must be a year or a range such as "
        "2010..2014, not '2010..2011-06'");
    BAD("year", ">=2011-06", "'year' must be a year or a range such as "
        "2010..2014, not '>=2011-06'");
    BAD("year", "..", "'year' must be a year or a range such as 2010..2014, "
        "not '..'");
    BAD("year", "", "'year' must be a year or a range such as 2010..2014, "
        "not ''");
    BAD("year", "11", "'year' must be a year or a range such as 2010..2014, "
        "not '11'");
    BAD("year", "twenty", "'year' must be a year or a range such as "
        "2010..2014, not 'twenty'");
    BAD("year", "2010...2012", "'year' must be a year or a range such as "
        "2010..2014, not '2010...2012'");

    OK("date", "2011-06");
    CHECK(R.date_lo == 20110600 && R.date_hi == 20110699);
    OK("date", "2011-06-30");
    CHECK(R.date_lo == 20110630 && R.date_hi == 20110630);
    OK("date", "2010..2012");
    CHECK(R.date_lo == 20100000 && R.date_hi == 20129999);
    OK("date", "2011-06..2011-09-15");
    CHECK(R.date_lo == 20110600 && R.date_hi == 20110915);
    OK("date", ">=2011-06");
    CHECK(R.date_lo == 20110600 && R.date_hi == 0);
    OK("date", "<2011-06");
    CHECK(R.date_lo == 0 && R.date_hi < 20110600 && R.date_hi >= 20110599);
    OK("date", "2011-06..");
    CHECK(R.date_lo == 20110600 && R.date_hi == 0);
    BAD("date", "2011-09..2011-06", "'date' range is reversed: "
        "'2011-09..2011-06'");
    BAD("date", "2011-06-30..2011-06-01", "'date' range is reversed: "
        "'2011-06-30..2011-06-01'");
    BAD("date", "2011-13", "'date' must be a date or range: 2011-06, "
        "2010..2012, >=2011-06, not '2011-13'");
    BAD("date", "2011-06-32", "'date' must be a date or range: 2011-06, "
        "2010..2012, >=2011-06, not '2011-06-32'");
    BAD("date", "June 2011", "'date' must be a date or range: 2011-06, "
        "2010..2012, >=2011-06, not 'June 2011'");
    BAD("date", ">=", "'date' must be a date or range: 2011-06, "
        "2010..2012, >=2011-06, not '>='");
    /* a bad value leaves the earlier range as it was */
    thp_request_init(&R);
    thp_err_clear(&e);
    CHECK(thp_request_set(&R, "year", "2011", &e) == THP_OK);
    CHECK(thp_request_set(&R, "year", "2014..2010", &e) == THP_ERR_SYNTAX);
    CHECK(R.date_lo == 20110000 && R.date_hi == 20119999);
}

static void test_facets(void)
{
    OK("facets", "year");
    CHECK(R.facets == THP_FACET_YEAR);
    OK("facets", "year,kind,location,lang,author");
    CHECK(R.facets == (THP_FACET_YEAR | THP_FACET_KIND | THP_FACET_LOCATION |
                       THP_FACET_LANG | THP_FACET_AUTHOR));
    OK("facets", "kind lang");
    CHECK(R.facets == (THP_FACET_KIND | THP_FACET_LANG));
    OK("facets", "");
    CHECK(R.facets == 0);
    BAD("facets", "year,colour", "unknown facet 'colour'; facets: year, kind, "
        "location, lang, author");
    BAD("facets", "authors", "unknown facet 'authors'; facets: year, kind, "
        "location, lang, author");
    OK("top", "1");
    CHECK(R.facet_top == 1);
    OK("top", "100000");
    CHECK(R.facet_top == 100000);
    OK("top", "all");
    CHECK(R.facet_top == 0);
    BAD("top", "0", "'top' must be a number from 1 to 100000, or all, "
        "not '0'");
    BAD("top", "100001", "'top' must be a number from 1 to 100000, or all, "
        "not '100001'");
}

static void test_misc(void)
{
    static const char *f[] = {"text", "json", "jsonl", "csv", "tsv",
                              "kwic", "html"};
    static const int fv[] = {THP_FMT_TEXT, THP_FMT_JSON, THP_FMT_JSONL,
                             THP_FMT_CSV, THP_FMT_TSV, THP_FMT_KWIC,
                             THP_FMT_HTML};
    const char *m;
    char v[200];
    size_t i;

    OK("passages", "0");
    CHECK(R.passages == 0);
    OK("passages", "10");
    CHECK(R.passages == 10);
    BAD("passages", "11", "'passages' must be a number from 0 to 10, "
        "not '11'");
    OK("width", "5");
    CHECK(R.kwic_width == 5);
    OK("width", "200");
    CHECK(R.kwic_width == 200);
    BAD("width", "4", "'width' must be a number from 5 to 200, not '4'");
    BAD("width", "201", "'width' must be a number from 5 to 200, not '201'");
    for (i = 0; i < 7; i++) {
        OK("format", f[i]);
        CHECK(R.format == fv[i]);
        CHECK_STR(thp_format_name(fv[i]), f[i]);
    }
    CHECK_STR(thp_format_name(99), "?");
    CHECK_STR(thp_format_name(-1), "?");
    BAD("format", "xml", "'format' must be text, json, jsonl, csv, tsv, kwic "
        "or html, not 'xml'");
    BAD("format", "JSON", "'format' must be text, json, jsonl, csv, tsv, kwic "
        "or html, not 'JSON'");
    OK("count", "exact");
    CHECK(R.count_exact == 1);
    OK("count", "estimate");
    CHECK(R.count_exact == 0);
    BAD("count", "maybe", "'count' must be exact or estimate, not 'maybe'");
    OK("rank", "k1=1.5");
    CHECK(try_set("rank", "bogus=1", &m) == THP_ERR_SYNTAX);
    CHECK(strncmp(m, "'rank': ", 8) == 0 && strlen(m) > 8);
    /* a long bad value is cut in the message, which stays short */
    memset(v, 'x', sizeof v - 1);
    v[sizeof v - 1] = '\0';
    CHECK(try_set("sort", v, &m) == THP_ERR_SYNTAX);
    CHECK(strlen(m) < 120 && strstr(m, "'sort' must be") == m);
}

static int *flag_field(const char *name)
{
    return !strcmp(name, "prefix") ? &R.prefix
         : !strcmp(name, "all") ? &R.all
         : !strcmp(name, "bom") ? &R.bom
         : !strcmp(name, "snippets") ? &R.snippets
         : !strcmp(name, "explain") ? &R.explain
         : !strcmp(name, "recent") ? &R.recent : &R.expand;
}

static void test_flags(void)
{
    static const char *names[] = {"prefix", "all", "bom", "snippets",
                                  "explain", "recent", "expand"};
    static const char *on[] = {"1", "true", "yes", "on", "TRUE", "Yes", "",
                               NULL};
    static const char *off[] = {"0", "false", "no", "off", "OFF", "False"};
    int is_flag;
    size_t i, j, k;

    for (i = 0; i < sizeof names / sizeof *names; i++) {
        char want[128];

        is_flag = 0;
        CHECK(thp_request_known(names[i], &is_flag) && is_flag);
        for (j = 0; j < sizeof on / sizeof *on; j++) {
            struct thp_err e;

            thp_request_init(&R);
            thp_err_clear(&e);
            CHECK(thp_request_set(&R, names[i], "0", &e) == THP_OK);
            CHECK(*flag_field(names[i]) == 0);
            CHECK(thp_request_set(&R, names[i], on[j], &e) == THP_OK);
            CHECK(*flag_field(names[i]) == 1);
        }
        for (k = 0; k < sizeof off / sizeof *off; k++) {
            struct thp_err e;

            thp_request_init(&R);
            thp_err_clear(&e);
            CHECK(thp_request_set(&R, names[i], "1", &e) == THP_OK);
            CHECK(thp_request_set(&R, names[i], off[k], &e) == THP_OK);
            CHECK(*flag_field(names[i]) == 0);
        }
        snprintf(want, sizeof want, "'%s' must be a flag, not 'maybe'",
                 names[i]);
        BAD(names[i], "maybe", want);
        snprintf(want, sizeof want, "'%s' must be a flag, not '2'", names[i]);
        BAD(names[i], "2", want);
    }
    is_flag = 1;
    CHECK(thp_request_known("limit", &is_flag) && !is_flag);
    CHECK(thp_request_known("q", NULL));
    CHECK(!thp_request_known("colour", NULL));
    CHECK(!thp_request_known("", NULL));
    CHECK(!thp_request_known(NULL, NULL));
}

static void test_unknown_and_help(void)
{
    static const char *names[] = {"mode", "lenient", "prefix", "limit",
        "all", "offset", "sort", "kind", "lang", "year", "date", "facets",
        "top", "passages", "width", "format", "bom", "count", "snippets",
        "explain", "rank", "recent", "expand"};
    char *cli = NULL, *web = NULL;
    size_t ncli = 0, nweb = 0, i;
    const char *m;
    FILE *f;

    BAD("colour", "red", "unknown option 'colour'");
    BAD("Limit", "5", "unknown option 'Limit'");
    BAD("", "5", "unknown option ''");
    CHECK(try_set(NULL, "5", &m) == THP_ERR_SYNTAX);
    CHECK_STR(m, "unknown option ''");
    /* the help lists every option in both spellings */
    f = open_memstream(&cli, &ncli);
    thp_request_help(f, 1);
    fclose(f);
    f = open_memstream(&web, &nweb);
    thp_request_help(f, 0);
    fclose(f);
    for (i = 0; i < sizeof names / sizeof *names; i++) {
        char a[40], b[40];

        snprintf(a, sizeof a, "  --%s", names[i]);
        snprintf(b, sizeof b, "  %s=", names[i]);
        CHECK(strstr(cli, a) != NULL);
        CHECK(strstr(web, b) != NULL);
        CHECK(thp_request_known(names[i], NULL));
    }
    CHECK(strstr(cli, "--q ") == NULL);
    CHECK(strstr(web, "  q=V") != NULL);
    free(cli);
    free(web);
}

int main(void)
{
    test_defaults();
    test_q();
    test_mode();
    test_limit_offset();
    test_sort();
    test_kind_lang();
    test_dates();
    test_facets();
    test_misc();
    test_flags();
    test_unknown_and_help();
    return check_done("request");
}
