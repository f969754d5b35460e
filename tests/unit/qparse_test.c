/*
** qparse_test.c: the query language: user input -> FTS5 expression, error
** positions in strict mode, and repairs in lenient mode. First the classic
** language of thp_qparse, then the full one of thp_qparse_plan (words,
** shape, filters, every error with its message and position, lenient
** versions that never fail), then a property test: thousands of random
** queries, each compiled in both modes and run on a real FTS5 table.
*/
#include <stdint.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "check.h"
#include "thp/mem.h"
#include "thp/plan.h"
#include "thp/qparse.h"
#include "thp/tok.h"

#define S 0
#define L THP_QP_LENIENT
#define P THP_QP_PREFIX_LAST
#define A THP_QP_ANY_WORD

/* A bare word: any inflection (the tokenizer's marker), or its exact form. */
#define W(x) "(\"\x01" x "\" OR \"" x "\")"

static const struct {
    const char *q;
    int flags;
    const char *want;  /* FTS5 expression; NULL: a syntax error */
    const char *roles; /* the phrases' roles for thp_rank() */
    long pos;          /* error position when want is NULL */
} cases[] = {
    {"refugee", S, W("refugee"), "Te", 0},
    {"refugee camps", S, W("refugee") " AND " W("camps"), "TeTe", 0},
    {"  spaced   out  ", S, W("spaced") " AND " W("out"), "Tete", 0},
    {"\"labour market\"", S, "\"labour market\"", "X", 0},
    {"asy*", S, "\"asy\"*", "X", 0},
    {"\"labour mar\"*", S, "\"labour mar\"*", "X", 0},
    {"refugee OR migrant", S, "(" W("refugee") ") OR (" W("migrant") ")", "TeTe", 0},
    {"a b OR c", S, "(" W("a") " AND " W("b") ") OR (" W("c") ")", "teTeTe", 0},
    {"a OR b OR c", S, "(" W("a") ") OR (" W("b") ") OR (" W("c") ")", "teTeTe", 0},
    {"OR OR", S, NULL, NULL, 0},
    {"a OR OR b", S, NULL, NULL, 2},
    {"rotterdam -pilot", S, "(" W("rotterdam") ") NOT " W("pilot"), "Tenn", 0},
    {"rotterdam NOT pilot", S, "(" W("rotterdam") ") NOT " W("pilot"), "Tenn", 0},
    {"a AND b", S, W("a") " AND " W("b"), "teTe", 0},
    {"+a b", S, W("a") " AND " W("b"), "teTe", 0},
    {"(a OR b) c", S, "((" W("a") ") OR (" W("b") ")) AND " W("c"), "teTeTe", 0},
    {"title:rotterdam", S, "title : " W("rotterdam"), "Te", 0},
    {"title:(global OR cities)", S, "title : ((" W("global") ") OR (" W("cities") "))", "TeTe", 0},
    {"title:(x", L, "title : (" W("x") ")", "Te", 0},
    {"body:\"port of\"", S, "body : \"port of\"", "X", 0},
    {"author:x", S, W("author:x"), "Te", 0},
    /* punctuation that breaks raw FTS5 is just text inside quotes */
    {"asylum-seekers", S, W("asylum-seekers"), "Te", 0},
    {"C++", S, W("C++"), "Te", 0},
    {"l'asile", S, W("l'asile"), "Te", 0},
    {"2015-2020", S, W("2015-2020"), "Te", 0},
    {"U.S.", S, W("U.S."), "Te", 0},
    {"say \"\"\"", S, NULL, NULL, 6},
    {"a\"b", S, NULL, NULL, 1},
    {"S\xC3\xA3o Paulo", S, W("S\xC3\xA3o") " AND " W("Paulo"), "TeTe", 0},
    {"and or not", S, W("and") " AND " W("or") " AND " W("not"), "tetete", 0},
    /* words FTS5 would not index vanish instead of failing */
    {"+++ ---", S, "", "", 0},
    {"", S, "", "", 0},
    {"refugee ^", S, W("refugee"), "Te", 0},
    /* strict errors, with 0-based character positions */
    {"\"asylum", S, NULL, NULL, 0},
    {"asylum \"labour", S, NULL, NULL, 7},
    {"S\xC3\xA3o \"x", S, NULL, NULL, 4},
    {"asylum )", S, NULL, NULL, 7},
    {"(asylum", S, NULL, NULL, 0},
    {"OR refugees", S, NULL, NULL, 0},
    {"refugees OR", S, NULL, NULL, 9},
    {"AND refugees", S, NULL, NULL, 0},
    {"-refugees", S, NULL, NULL, 0},
    {"refugees NOT", S, NULL, NULL, 9},
    /* lenient: the same inputs repaired */
    {"\"asylum", L, "\"asylum\"", "X", 0},
    {"asylum \"labour", L, W("asylum") " AND \"labour\"", "TeX", 0},
    {"asylum )", L, W("asylum"), "Te", 0},
    {"a OR", L, W("a"), "te", 0},
    {"a ) b", L, "(" W("a") ") AND (" W("b") ")", "teTe", 0},
    {"(asylum", L, "(" W("asylum") ")", "Te", 0},
    {"OR refugees", L, W("refugees"), "Te", 0},
    {"refugees OR", L, W("refugees"), "Te", 0},
    {"-refugees", L, "", "", 0},
    {"((((", L, "", "", 0},
    /* as you type: the last bare word is a prefix */
    {"rotter", L | P, "\"rotter\"*", "X", 0},
    {"port of rotter", L | P, W("port") " AND " W("of") " AND \"rotter\"*", "TeteX", 0},
    {"\"port of\"", L | P, "\"port of\"", "X", 0},
    /* quoted stop words are searched as written, and scored lightly */
    {"\"the\"", S, "\"the\"", "x", 0},
    /* ranked retrieval of a question: stop words drop out of the OR... */
    {"what is a boundary layer", A, W("boundary") " OR " W("layer"), "TeTe",
     0},
    {"what is a \"the\" layer", A, "\"the\" OR " W("layer"), "xTe", 0},
    /* ...unless nothing else is left */
    {"what is it", A, W("what") " AND " W("is") " AND " W("it"), "tetete", 0},
    /* control characters never reach the tokenizer (the marker is one) */
    {"ref\x01ugee \x01x", S, W("refugee") " AND " W("x"), "TeTe", 0},
};

static void test_classic(void)
{
    struct thp_buf b, r;
    struct thp_err e;
    size_t i;
    char big[THP_QP_MAXLEN + 2];

    thp_buf_init(&b, 0);
    thp_buf_init(&r, 0);
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        int rc;

        thp_buf_reset(&b);
        thp_err_clear(&e);
        thp_buf_reset(&r);
        rc = thp_qparse(cases[i].q, strlen(cases[i].q), cases[i].flags, &b,
                        &r, &e);
        if (cases[i].want) {
            if (rc != THP_OK)
                fprintf(stderr, "case %zu (%s): %s\n", i, cases[i].q, e.msg);
            CHECK(rc == THP_OK);
            CHECK_STR(b.s ? b.s : "", cases[i].want);
            CHECK_STR(r.s ? r.s : "", cases[i].roles);
        } else {
            if (rc != THP_ERR_SYNTAX || (long)e.pos != cases[i].pos)
                fprintf(stderr, "case %zu (%s): rc %d pos %zu: %s\n", i,
                        cases[i].q, rc, e.pos, e.msg);
            CHECK(rc == THP_ERR_SYNTAX);
            CHECK((long)e.pos == cases[i].pos);
            CHECK(strstr(e.msg, "position") != NULL);
            CHECK(b.n == 0);
        }
    }
    /* too long, and not UTF-8 */
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    thp_buf_reset(&b);
    thp_err_clear(&e);
    CHECK(thp_qparse(big, strlen(big), L, &b, NULL, &e) == THP_ERR_TOOBIG);
    thp_err_clear(&e);
    CHECK(thp_qparse("a\xFF", 2, L, &b, NULL, &e) == THP_ERR_SYNTAX);
    /* deep nesting is refused, not a stack overflow */
    {
        char deep[200];

        memset(deep, '(', sizeof deep - 1);
        deep[sizeof deep - 1] = '\0';
        thp_err_clear(&e);
        CHECK(thp_qparse(deep, strlen(deep), S, &b, NULL, &e) == THP_ERR_SYNTAX);
    }
    thp_buf_release(&b);
    thp_buf_release(&r);
}

/*==== The full language: thp_qparse_plan ====*/

/* A word inside NEAR: its any-inflection phrase alone. */
#define N(x) "\"\x01" x "\""

#define KP THP_KIND_PAGE
#define KI THP_KIND_ITEM
#define KR THP_KIND_REPORT

/*
** Plan cases. words: the positive words as "text" with '*' for a prefix,
** '!' for exact, "@F" for a field, separated by '|'. shape: 'o' has_or,
** 'n' has_not, 'r' has_near, 'p' has_phrase. langs: the codes, blank-
** separated.
*/
static const struct {
    const char *q;
    int flags;
    const char *match, *roles, *words, *shape;
    long lo, hi;
    unsigned kinds;
    const char *langs;
} plans[] = {
    /* the classic language, with its words and shape */
    {"refugee camps", S, W("refugee") " AND " W("camps"), "TeTe",
     "refugee|camps", "", 0, 0, 0, ""},
    {"\"labour market\"", S, "\"labour market\"", "X", "labour!|market!",
     "p", 0, 0, 0, ""},
    {"asy*", S, "\"asy\"*", "X", "asy*", "", 0, 0, 0, ""},
    {"\"labour mar\"*", S, "\"labour mar\"*", "X", "labour!|mar*!", "p", 0,
     0, 0, ""},
    {"refugee OR migrant", S, "(" W("refugee") ") OR (" W("migrant") ")",
     "TeTe", "refugee|migrant", "o", 0, 0, 0, ""},
    {"rotterdam -pilot", S, "(" W("rotterdam") ") NOT " W("pilot"), "Tenn",
     "rotterdam", "n", 0, 0, 0, ""},
    {"a -(b c) NOT \"d e\" f", S,
     "(" W("a") " AND " W("f") ") NOT (" W("b") " AND " W("c") ") NOT "
     "\"d e\"",
     "teTennnnn", "a|f", "np", 0, 0, 0, ""},
    {"(a OR b) c", S, "((" W("a") ") OR (" W("b") ")) AND " W("c"),
     "teTeTe", "a|b|c", "o", 0, 0, 0, ""},
    {"+a AND b", S, W("a") " AND " W("b"), "teTe", "a|b", "", 0, 0, 0, ""},
    /* NEAR groups: a bare word is its any-inflection phrase alone */
    {"NEAR(refugee camps, 5)", S,
     "NEAR(" N("refugee") " " N("camps") ", 5)", "TT", "refugee|camps", "r",
     0, 0, 0, ""},
    {"NEAR(refugee camps)", S, "NEAR(" N("refugee") " " N("camps") ")", "TT",
     "refugee|camps", "r", 0, 0, 0, ""},
    {"NEAR( refugee   camps ,5 )", S,
     "NEAR(" N("refugee") " " N("camps") ", 5)", "TT", "refugee|camps", "r",
     0, 0, 0, ""},
    {"NEAR(\"labour market\" policy asy*, 3)", S,
     "NEAR(\"labour market\" " N("policy") " \"asy\"*, 3)", "XTX",
     "labour!|market!|policy|asy*", "rp", 0, 0, 0, ""},
    {"NEAR(the port, 0)", S, "NEAR(" N("the") " " N("port") ", 0)", "tT",
     "the|port", "r", 0, 0, 0, ""},
    {"rotterdam -NEAR(port city)", S,
     "(" W("rotterdam") ") NOT NEAR(" N("port") " " N("city") ")", "Tenn",
     "rotterdam", "nr", 0, 0, 0, ""},
    /* a phrase with a distance: NEAR of its words' exact forms */
    {"\"refugee camps\"~5", S, "NEAR(\"refugee\" \"camps\", 5)", "XX",
     "refugee!|camps!", "r", 0, 0, 0, ""},
    {"\"refugee camps\"~0", S, "NEAR(\"refugee\" \"camps\", 0)", "XX",
     "refugee!|camps!", "r", 0, 0, 0, ""},
    {"\"labour mar\"*~3", S, "NEAR(\"labour\" \"mar\"*, 3)", "XX",
     "labour!|mar*!", "r", 0, 0, 0, ""},
    {"\"asylum-seekers in camps\"~4", S,
     "NEAR(\"asylum-seekers\" \"in\" \"camps\", 4)", "XxX",
     "asylum-seekers!|in!|camps!", "r", 0, 0, 0, ""},
    {"\"refugee\"~5", S, "\"refugee\"", "X", "refugee!", "", 0, 0, 0, ""},
    /* fields */
    {"title:rotterdam", S, "title : " W("rotterdam"), "Te", "rotterdam@1",
     "", 0, 0, 0, ""},
    {"body:\"port of\"", S, "body : \"port of\"", "X", "port!@2|of!@2", "p",
     0, 0, 0, ""},
    {"location:rotterdam", S, "meta : " W("rotterdam"), "Te",
     "rotterdam@3", "", 0, 0, 0, ""},
    {"author:siegel", S, "meta : " W("siegel"), "Te", "siegel@3", "", 0, 0,
     0, ""},
    {"partner:unhcr*", S, "meta : \"unhcr\"*", "X", "unhcr*@3", "", 0, 0, 0,
     ""},
    {"Title:x TITLE:y", S, "title : " W("x") " AND title : " W("y"), "TeTe",
     "x@1|y@1", "", 0, 0, 0, ""},
    {"title:(global OR cities)", S,
     "title : ((" W("global") ") OR (" W("cities") "))", "TeTe",
     "global@1|cities@1", "o", 0, 0, 0, ""},
    {"title:NEAR(port city, 2)", S,
     "title : NEAR(" N("port") " " N("city") ", 2)", "TT", "port@1|city@1",
     "r", 0, 0, 0, ""},
    {"author:\"a b\"~2", S, "meta : NEAR(\"a\" \"b\", 2)", "xX", "a!@3|b!@3",
     "r", 0, 0, 0, ""},
    {"title:body:x", S, "title : (body : " W("x") ")", "Te", "x@2", "", 0, 0,
     0, ""},
    {"-author:x y", S, "(" W("y") ") NOT meta : " W("x"), "Tenn", "y", "n", 0,
     0, 0, ""},
    /* text that merely holds a colon */
    {"http://x.org", S, W("http://x.org"), "Te", "http://x.org", "", 0, 0, 0,
     ""},
    {"10:30", S, W("10:30"), "Te", "10:30", "", 0, 0, 0, ""},
    {"C++:", S, W("C++:"), "Te", "C++:", "", 0, 0, 0, ""},
    {"a:b", S, W("a:b"), "Te", "a:b", "", 0, 0, 0, ""},
    {"Note: x", S, W("Note:") " AND " W("x"), "TeTe", "Note:|x", "", 0, 0, 0,
     ""},
    {"abcdefghijk:x", S, W("abcdefghijk:x"), "Te", "abcdefghijk:x", "", 0, 0,
     0, ""},
    {"title::x", S, W("title::x"), "Te", "title::x", "", 0, 0, 0, ""},
    {"\"autor:siegel\"", S, "\"autor:siegel\"", "X", "autor:siegel!", "", 0,
     0, 0, ""},
    {"near(a b)", S, W("near") " AND (" W("a") " AND " W("b") ")", "TeteTe",
     "near|a|b", "", 0, 0, 0, ""},
    /* filters: no text, only the plan */
    {"kind:item kind:report rotterdam", S, W("rotterdam"), "Te", "rotterdam",
     "", 0, 0, KI | KR, ""},
    {"kind:Page x", S, W("x"), "Te", "x", "", 0, 0, KP, ""},
    {"lang:nl lang:EN x lang:nl", S, W("x"), "Te", "x", "", 0, 0, 0, "nl en"},
    {"lang:por x", S, W("x"), "Te", "x", "", 0, 0, 0, "por"},
    {"year:2011", S, "", "", "", "", 20110000, 20119999, 0, ""},
    {"year:2010..2014 x", S, W("x"), "Te", "x", "", 20100000, 20149999, 0,
     ""},
    {"date:2010..2012", S, "", "", "", "", 20100000, 20129999, 0, ""},
    {"date:2011-06", S, "", "", "", "", 20110600, 20110699, 0, ""},
    {"date:2011-06-15", S, "", "", "", "", 20110615, 20110615, 0, ""},
    {"date:>=2011-06", S, "", "", "", "", 20110600, 0, 0, ""},
    {"date:<2012", S, "", "", "", "", 0, 20119999, 0, ""},
    {"date:<=2012-03-31", S, "", "", "", "", 0, 20120331, 0, ""},
    {"date:>2011", S, "", "", "", "", 20120000, 0, 0, ""},
    {"date:>2011-06", S, "", "", "", "", 20110700, 0, 0, ""},
    {"date:2010..", S, "", "", "", "", 20100000, 0, 0, ""},
    {"date:..2012", S, "", "", "", "", 0, 20129999, 0, ""},
    {"date:2011-06..2011", S, "", "", "", "", 20110600, 20119999, 0, ""},
    {"year:>=2011 year:<2014", S, "", "", "", "", 20110000, 20139999, 0, ""},
    {"year:2010..2014 date:>=2012-06", S, "", "", "", "", 20120600,
     20149999, 0, ""},
    /* two dates that exclude each other: nothing can match */
    {"year:2010 year:2012", S, "", "", "", "", 20120000, 20109999, 0, ""},
    {"rotterdam AND year:2011 port", S, W("rotterdam") " AND " W("port"),
     "TeTe", "rotterdam|port", "", 20110000, 20119999, 0, ""},
    {"what is a boundary layer year:2011", A,
     W("boundary") " OR " W("layer"), "TeTe", "boundary|layer", "o",
     20110000, 20119999, 0, ""},
    /* as you type */
    {"NEAR(port rott", L | P, "NEAR(" N("port") " \"rott\"*)", "TX",
     "port|rott*", "r", 0, 0, 0, ""},
    {"rotterdam kind:item", L | P, W("rotterdam"), "Te", "rotterdam", "", 0,
     0, KI, ""},
    /* lenient: what cannot apply is searched as text */
    {"autor:siegel", L, "(" W("autor") " AND " W("siegel") ")", "TeTe",
     "autor|siegel", "", 0, 0, 0, ""},
    {"autor:\"x y\"", L, "(" W("autor") " AND \"x y\")", "TeX",
     "autor|x!|y!", "p", 0, 0, 0, ""},
    {"year:2014..2010", L, "(" W("year") " AND " W("2014..2010") ")", "TeTe",
     "year|2014..2010", "", 0, 0, 0, ""},
    {"kind:foo", L, "(" W("kind") " AND " W("foo") ")", "TeTe", "kind|foo",
     "", 0, 0, 0, ""},
    {"a OR year:2011", L,
     "(" W("a") ") OR ((" W("year") " AND " W("2011") "))", "teTeTe",
     "a|year|2011", "o", 0, 0, 0, ""},
    {"year:2011 x OR a kind:item", L,
     "((" W("year") " AND " W("2011") ") AND " W("x") ") OR (" W("a")
     " AND (" W("kind") " AND " W("item") "))",
     "TeTeTeteTeTe", "year|2011|x|a|kind|item", "o", 0, 0, 0, ""},
    {"(year:2011) x", L, "((" W("year") " AND " W("2011") ")) AND " W("x"),
     "TeTeTe", "year|2011|x", "", 0, 0, 0, ""},
    {"NEAR(a b, x)", L,
     "(" W("a") " AND " W("b,") " AND " W("x") ")", "teTeTe", "a|b,|x", "",
     0, 0, 0, ""},
    {"NEAR(port city", L, "NEAR(" N("port") " " N("city") ")", "TT",
     "port|city", "r", 0, 0, 0, ""},
    {"NEAR(port", L, N("port"), "T", "port", "", 0, 0, 0, ""},
    {"NEAR(", L, "", "", "", "", 0, 0, 0, ""},
    {"\"a b\"~x", L, "\"a b\" AND " W("~x"), "XTe", "a!|b!|~x", "p", 0, 0,
     0, ""},
    {"OR OR OR", L, "", "", "", "", 0, 0, 0, ""},
    {"a\xFF" "b \xC3", L, W("a") " AND " W("b"), "teTe", "a|b", "", 0, 0, 0,
     ""},
    {"*", S, "", "", "", "", 0, 0, 0, ""},
    {"", S, "", "", "", "", 0, 0, 0, ""},
};

/* The plan's words in the form of plans[].words. */
static void render_words(const struct thp_plan *pl, const char *q, char *out,
                         size_t len)
{
    size_t i, n = 0;

    out[0] = '\0';
    for (i = 0; i < pl->nwords && n < len; i++) {
        const struct thp_qword *w = &pl->words[i];

        n += (size_t)snprintf(out + n, len - n, "%s%.*s%s%s", i ? "|" : "",
                              (int)w->len, q + w->off, w->prefix ? "*" : "",
                              w->exact ? "!" : "");
        if (w->field && n < len)
            n += (size_t)snprintf(out + n, len - n, "@%d", w->field);
    }
}

static void render_shape(const struct thp_plan *pl, char *out)
{
    if (pl->has_or)
        *out++ = 'o';
    if (pl->has_not)
        *out++ = 'n';
    if (pl->has_near)
        *out++ = 'r';
    if (pl->has_phrase)
        *out++ = 'p';
    *out = '\0';
}

static void render_langs(const struct thp_plan *pl, char *out, size_t len)
{
    size_t i, n = 0;

    out[0] = '\0';
    for (i = 0; i < pl->nlangs && n < len; i++)
        n += (size_t)snprintf(out + n, len - n, "%s%s", i ? " " : "",
                              pl->langs[i]);
}

static void test_plans(void)
{
    size_t i;

    for (i = 0; i < sizeof plans / sizeof *plans; i++) {
        struct thp_plan pl;
        struct thp_err e;
        char words[512], shape[8], langs[64];
        int rc;

        thp_plan_init(&pl);
        thp_err_clear(&e);
        rc = thp_qparse_plan(plans[i].q, strlen(plans[i].q), plans[i].flags,
                             &pl, &e);
        if (rc != THP_OK) {
            fprintf(stderr, "plan %zu (%s): %s\n", i, plans[i].q, e.msg);
            CHECK(0);
            continue;
        }
        render_words(&pl, plans[i].q, words, sizeof words);
        render_shape(&pl, shape);
        render_langs(&pl, langs, sizeof langs);
        if (strcmp(pl.match.s ? pl.match.s : "", plans[i].match) ||
            strcmp(words, plans[i].words) || strcmp(shape, plans[i].shape))
            fprintf(stderr, "plan %zu (%s)\n", i, plans[i].q);
        CHECK_STR(pl.match.s ? pl.match.s : "", plans[i].match);
        CHECK_STR(pl.roles.s ? pl.roles.s : "", plans[i].roles);
        CHECK_STR(words, plans[i].words);
        CHECK_STR(shape, plans[i].shape);
        CHECK(pl.date_lo == plans[i].lo);
        CHECK(pl.date_hi == plans[i].hi);
        CHECK(pl.kinds == plans[i].kinds);
        CHECK_STR(langs, plans[i].langs);
        thp_plan_release(&pl);
    }
}

/* The classic cases read the same in the full language, but for the one
** field the full language adds. */
static void test_classic_in_plan(void)
{
    size_t i;

    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct thp_plan pl;
        struct thp_err e;
        int rc;

        if (!strcmp(cases[i].q, "author:x"))
            continue;
        thp_plan_init(&pl);
        thp_err_clear(&e);
        rc = thp_qparse_plan(cases[i].q, strlen(cases[i].q), cases[i].flags,
                             &pl, &e);
        if (cases[i].want) {
            CHECK(rc == THP_OK);
            CHECK_STR(pl.match.s ? pl.match.s : "", cases[i].want);
            CHECK_STR(pl.roles.s ? pl.roles.s : "", cases[i].roles);
        } else {
            CHECK(rc == THP_ERR_SYNTAX && e.haspos &&
                  (long)e.pos == cases[i].pos);
        }
        thp_plan_release(&pl);
    }
}

/*
** Strict errors: code, 0-based character position and message (msg: the
** whole message when full, else a part of it). Each one also goes through
** lenient mode, which must not fail.
*/
static const struct {
    const char *q;
    int rc;
    long pos;
    const char *msg;
    int full;
} errors[] = {
    {"autor:siegel", THP_ERR_SYNTAX, 0,
     "unknown field 'autor' at position 0; fields: title, body, location, "
     "author, partner, kind, lang, year, date",
     1},
    {"rotterdam Autor:x", THP_ERR_SYNTAX, 10, "unknown field 'Autor'", 0},
    {"S\xC3\xA3o autor:x", THP_ERR_SYNTAX, 4, "unknown field 'autor'", 0},
    {"title:autor:x", THP_ERR_SYNTAX, 6, "unknown field 'autor'", 0},
    {"year:2014..2010", THP_ERR_SYNTAX, 5,
     "reversed range '2014..2010': its start is after its end at position 5",
     1},
    {"date:2012-03..2012-01", THP_ERR_SYNTAX, 5, "reversed range", 0},
    {"year:20111", THP_ERR_SYNTAX, 5,
     "bad year '20111' at position 5; years: 2011, 2010..2014, 2010.., "
     "..2014, >=2011, <2012",
     1},
    {"year:2011-06", THP_ERR_SYNTAX, 5, "bad year '2011-06'", 0},
    {"date:2011-13", THP_ERR_SYNTAX, 5,
     "bad date '2011-13' at position 5; dates: 2011, 2011-06, 2011-06-30, "
     "2010..2012, >=2011-06, <2012",
     1},
    {"date:>=", THP_ERR_SYNTAX, 5, "bad date '>='", 0},
    {"date:..", THP_ERR_SYNTAX, 5, "bad date '..'", 0},
    {"date:0000", THP_ERR_SYNTAX, 5, "bad date '0000'", 0},
    {"kind:foo", THP_ERR_SYNTAX, 5,
     "unknown kind 'foo' at position 5; kinds: page, item, report", 1},
    {"lang:english", THP_ERR_SYNTAX, 5,
     "bad language 'english': a language is a code of two or three letters "
     "(en, nl) at position 5",
     1},
    {"lang:a1", THP_ERR_SYNTAX, 5, "bad language 'a1'", 0},
    {"lang:aa lang:ab lang:ac lang:ad lang:ae lang:af lang:ag lang:ah "
     "lang:ai",
     THP_ERR_SYNTAX, 64, "too many languages: 8 at most at position 64", 1},
    {"a OR year:2011", THP_ERR_SYNTAX, 5,
     "filter 'year:' applies to the whole query and cannot stand inside OR, "
     "NOT, parentheses or a field at position 5",
     1},
    {"year:2011 x OR a", THP_ERR_SYNTAX, 0, "filter 'year:'", 0},
    {"(year:2011)", THP_ERR_SYNTAX, 1, "filter 'year:'", 0},
    {"-year:2011 x", THP_ERR_SYNTAX, 1, "filter 'year:'", 0},
    {"x NOT kind:item", THP_ERR_SYNTAX, 6, "filter 'kind:'", 0},
    {"title:year:2011", THP_ERR_SYNTAX, 6, "filter 'year:'", 0},
    {"title:(lang:nl)", THP_ERR_SYNTAX, 7, "filter 'lang:'", 0},
    {"NEAR(", THP_ERR_SYNTAX, 0,
     "unclosed NEAR group: 'NEAR(' has no matching ')' at position 0", 1},
    {"x NEAR(a b", THP_ERR_SYNTAX, 2, "unclosed NEAR group", 0},
    {"NEAR(a b, 5", THP_ERR_SYNTAX, 0, "unclosed NEAR group", 0},
    {"NEAR(a b, x)", THP_ERR_SYNTAX, 10,
     "NEAR distance must be a number from 0 to 1000, not 'x' at position 10",
     1},
    {"NEAR(a b, 5000)", THP_ERR_SYNTAX, 10, "not '5000'", 0},
    {"NEAR(a b, )", THP_ERR_SYNTAX, 10, "NEAR distance must be", 0},
    {"NEAR(a b, 5 c)", THP_ERR_SYNTAX, 12,
     "NEAR( ) ends with ')' after its distance", 0},
    {"NEAR(a)", THP_ERR_SYNTAX, 0, "NEAR( ) needs two or more words", 0},
    {"NEAR()", THP_ERR_SYNTAX, 0, "NEAR( ) needs two or more words", 0},
    {"NEAR(a ...)", THP_ERR_SYNTAX, 0, "NEAR( ) needs two or more words", 0},
    {"NEAR(a OR b)", THP_ERR_SYNTAX, 7,
     "NEAR( ) takes only words and phrases, not 'OR' at position 7", 1},
    {"NEAR(a (b))", THP_ERR_SYNTAX, 7, "not '('", 0},
    {"NEAR(a -b)", THP_ERR_SYNTAX, 7, "not '-b'", 0},
    {"NEAR(title:a b)", THP_ERR_SYNTAX, 5, "not 'title:a'", 0},
    {"NEAR(a NEAR(b c))", THP_ERR_SYNTAX, 7, "not 'NEAR'", 0},
    {"NEAR(\"a b\"~2 c)", THP_ERR_SYNTAX, 10,
     "a phrase inside NEAR( ) takes no '~'", 0},
    {"NEAR(a \"b)", THP_ERR_SYNTAX, 7, "unterminated phrase", 0},
    {"\"a b\"~", THP_ERR_SYNTAX, 5,
     "'~' after a phrase takes a distance from 0 to 1000 at position 5", 1},
    {"\"a b\"~x", THP_ERR_SYNTAX, 5, "'~' after a phrase", 0},
    {"\"a b\"~5000", THP_ERR_SYNTAX, 5, "'~' after a phrase", 0},
    {"\"a b\"~5x", THP_ERR_SYNTAX, 5, "'~' after a phrase", 0},
    {"OR OR OR", THP_ERR_SYNTAX, 0, "'OR' needs a word before it", 0},
    {"a OR OR b", THP_ERR_SYNTAX, 2, "'OR' needs a word after it", 0},
    {"\"asylum", THP_ERR_SYNTAX, 0, "unterminated phrase", 0},
    {"asylum )", THP_ERR_SYNTAX, 7, "unmatched ')'", 0},
    {"-refugees", THP_ERR_SYNTAX, 0, "only excluded words", 0},
    {"ab \xFF", THP_ERR_SYNTAX, 3,
     "query is not valid UTF-8 at position 3", 1},
    {"S\xC3\xA3o \xC3", THP_ERR_SYNTAX, 4, "not valid UTF-8", 0},
};

static void test_errors(void)
{
    size_t i;

    for (i = 0; i < sizeof errors / sizeof *errors; i++) {
        struct thp_plan pl;
        struct thp_err e;
        size_t n = strlen(errors[i].q);
        int rc;

        thp_plan_init(&pl);
        thp_err_clear(&e);
        rc = thp_qparse_plan(errors[i].q, n, S, &pl, &e);
        if (rc != errors[i].rc || (long)e.pos != errors[i].pos ||
            !(errors[i].full ? strcmp(e.msg, errors[i].msg) == 0
                             : strstr(e.msg, errors[i].msg) != NULL))
            fprintf(stderr, "error %zu (%s): rc %d pos %zu: %s\n", i,
                    errors[i].q, rc, e.pos, e.msg);
        CHECK(rc == errors[i].rc);
        CHECK(e.haspos);
        CHECK((long)e.pos == errors[i].pos);
        if (errors[i].full)
            CHECK_STR(e.msg, errors[i].msg);
        else
            CHECK(strstr(e.msg, errors[i].msg) != NULL);
        CHECK(strstr(e.msg, "position") != NULL);
        /* a failure leaves the plan empty */
        CHECK(pl.match.n == 0 && pl.roles.n == 0 && pl.nwords == 0 &&
              pl.words == NULL && pl.kinds == 0 && pl.date_lo == 0);
        /* lenient mode searches the same input as text */
        thp_err_clear(&e);
        rc = thp_qparse_plan(errors[i].q, n, L, &pl, &e);
        if (rc != THP_OK)
            fprintf(stderr, "lenient %zu (%s): %s\n", i, errors[i].q, e.msg);
        CHECK(rc == THP_OK);
        thp_plan_release(&pl);
    }
}

/* Bad input of every size: each gives a plan or a clear error. */
static void test_bad_input(void)
{
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyz012345";
    static char q[16384];
    struct thp_plan pl;
    struct thp_err e;
    size_t i, n;
    int rc;

    thp_plan_init(&pl);
    /* 10 KB: too big in both modes, with the position where it is cut */
    memset(q, 'a', 10240);
    for (i = 7; i < 10240; i += 8)
        q[i] = ' ';
    thp_err_clear(&e);
    CHECK(thp_qparse_plan(q, 10240, S, &pl, &e) == THP_ERR_TOOBIG);
    CHECK(e.haspos && e.pos == THP_QP_MAXLEN);
    CHECK_STR(e.msg, "query longer than 4096 bytes (10240): shorten it from "
                     "position 4096");
    thp_err_clear(&e);
    CHECK(thp_qparse_plan(q, 10240, L, &pl, &e) == THP_ERR_TOOBIG);
    /* 1,000 terms: a clear error in strict mode, the first 64 bare words
    ** (128 phrases) in lenient mode */
    for (n = 0, i = 0; i < 1000; i++)
        n += (size_t)snprintf(q + n, sizeof q - n, "%sk%c%c", i ? " " : "",
                              alnum[i / 32], alnum[i % 32]);
    CHECK(n <= THP_QP_MAXLEN);
    thp_err_clear(&e);
    rc = thp_qparse_plan(q, n, S, &pl, &e);
    CHECK(rc == THP_ERR_TOOBIG);
    CHECK(e.haspos && e.pos == 64 * 4);
    CHECK(strstr(e.msg, "too many words: a query compiles to at most 128 "
                        "FTS5 phrases (a bare word takes two) at position") ==
          e.msg);
    thp_err_clear(&e);
    CHECK(thp_qparse_plan(q, n, L, &pl, &e) == THP_OK);
    CHECK(pl.roles.n == THP_QP_MAXPHRASES && pl.nwords == 64);
    thp_plan_release(&pl);
    /* ... and 1,000 prefixes: one phrase each */
    for (n = 0, i = 0; i < 1000; i++)
        n += (size_t)snprintf(q + n, sizeof q - n, "%s%c%c*", i ? " " : "",
                              alnum[i / 32], alnum[i % 32]);
    CHECK(n <= THP_QP_MAXLEN);
    thp_err_clear(&e);
    CHECK(thp_qparse_plan(q, n, L, &pl, &e) == THP_OK);
    CHECK(pl.roles.n == THP_QP_MAXPHRASES && pl.nwords == 128);
    thp_plan_release(&pl);
    /* 500 nested parentheses: refused at the 33rd in strict mode; lenient
    ** mode leaves the deepest ones out */
    memset(q, '(', 500);
    q[500] = 'x';
    memset(q + 501, ')', 500);
    thp_err_clear(&e);
    CHECK(thp_qparse_plan(q, 1001, S, &pl, &e) == THP_ERR_SYNTAX);
    CHECK(e.haspos && e.pos == 32);
    CHECK(strstr(e.msg, "parentheses nested too deeply") != NULL);
    thp_err_clear(&e);
    CHECK(thp_qparse_plan(q, 1001, L, &pl, &e) == THP_OK);
    CHECK(pl.nwords == 1 && pl.roles.n == 2);
    thp_plan_release(&pl);
    /* NUL and other control characters are left out of words */
    thp_err_clear(&e);
    CHECK(thp_qparse_plan("ref\0ugee \0", 10, S, &pl, &e) == THP_OK);
    CHECK_STR(pl.match.s, W("refugee"));
    CHECK(pl.nwords == 1 && pl.words[0].off == 0 && pl.words[0].len == 8);
    thp_plan_release(&pl);
    /* 33 filters */
    for (n = 0, i = 0; i < 33; i++)
        n += (size_t)snprintf(q + n, sizeof q - n, "year:%zu ", 2000 + i % 5);
    thp_err_clear(&e);
    CHECK(thp_qparse_plan(q, n, S, &pl, &e) == THP_ERR_SYNTAX);
    CHECK(e.pos == 32 * 10 && strstr(e.msg, "too many filters") != NULL);
    thp_err_clear(&e);
    CHECK(thp_qparse_plan(q, n, L, &pl, &e) == THP_OK);
    thp_plan_release(&pl);
    /* misuse, and allocation failures reported cleanly */
    thp_err_clear(&e);
    CHECK(thp_qparse_plan("x", 1, S, NULL, &e) == THP_ERR_MISUSE);
    for (i = 0; i < 400; i++) {
        /* strict, then lenient with a filter read as text on a second
        ** pass */
        const char *fq = i < 200 ? "alpha beta gamma delta \"e f\" NEAR(g h) "
                                   "title:i year:2011 -j (k OR l) m n o p q "
                                   "r s t u v w x y z"
                                 : "year:2011 kind:item alpha beta gamma "
                                   "OR delta \"e f\" NEAR(g h, 3) autor:x";

        thp_mem_fail_after((long)(i % 200));
        thp_err_clear(&e);
        rc = thp_qparse_plan(fq, strlen(fq), i < 200 ? S : L, &pl, &e);
        thp_mem_fail_after(-1);
        if (rc != THP_OK && rc != THP_ERR_NOMEM)
            fprintf(stderr, "allocation %zu: rc %d: %s\n", i, rc, e.msg);
        CHECK(rc == THP_OK || rc == THP_ERR_NOMEM);
        if (rc != THP_OK)
            CHECK(pl.match.n == 0 && pl.words == NULL);
        thp_plan_release(&pl);
    }
}

/*==== Property test: random queries through FTS5 ====*/

static uint64_t rng = 0x9E3779B97F4A7C15u;

/* xorshift64*: the same sequence on every run. */
static unsigned rnd(unsigned n)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (unsigned)((rng * 0x2545F4914F6CDD1Du) >> 33) % n;
}

#define PICK(a) (a)[rnd(sizeof(a) / sizeof *(a))]

static const char *const vocab[] = {
    "refugee", "refugees", "camps", "camp", "rotterdam", "port", "city",
    "labour", "market", "asylum", "seekers", "the", "of", "and", "what",
    "S\xC3\xA3o", "Paulo", "migrant", "policy", "global", "cities",
    "\xE9\x9A\xBE\xE6\xB0\x91", "report", "siegel", "unhcr", "2011", "OR",
    "AND", "NOT", "NEAR", "x"};
static const char *const punct[] = {
    "C++", "10:30", "http://x.org/a", "asylum-seekers", "l'asile", "U.S.",
    "2015-2020", "Note:", "a:b", "^", "~", "~5", ",", "*", "**", "-", "+",
    "\"", "(", ")", "NEAR(", "near(", ":", "..", ">=", "\"\"", "*)"};
static const char *const fields[] = {
    "title:", "body:", "location:", "author:", "partner:", "autor:",
    "Title:", "kind:", "lang:", "year:", "date:", "x:", "abcdefghijk:"};
static const char *const values[] = {
    "item", "report", "page", "foo", "nl", "EN", "english", "2011",
    "2010..2014", "2014..2010", ">=2011-06", "<2012", "2011-13", "..2012",
    "2010..", "", "2011-06-31", ">2011", "<=2012-03-31", ".."};
static const char *const ops[] = {"AND", "OR", "NOT", "-", "+", "OR OR"};

static void put(char *q, size_t *n, size_t cap, const char *s)
{
    size_t k = strlen(s);

    if (*n + k < cap) {
        memcpy(q + *n, s, k);
        *n += k;
    }
}

/* One random query of the grammar (and of its mistakes) into q. */
static void gen(char *q, size_t *n, size_t cap, int depth)
{
    unsigned items = 1 + rnd(5), i;

    for (i = 0; i < items; i++) {
        char num[16];
        unsigned r = rnd(100), k;

        if (*n && rnd(8))
            put(q, n, cap, rnd(10) ? " " : "  ");
        if (r < 30) {
            put(q, n, cap, PICK(vocab));
            if (!rnd(6))
                put(q, n, cap, "*");
        } else if (r < 40) {
            put(q, n, cap, "\"");
            for (k = 1 + rnd(3); k; k--) {
                put(q, n, cap, PICK(vocab));
                if (k > 1)
                    put(q, n, cap, " ");
            }
            if (rnd(8))
                put(q, n, cap, "\"");
            if (!rnd(5))
                put(q, n, cap, "*");
            if (!rnd(3)) {
                snprintf(num, sizeof num, "~%u", rnd(3) ? rnd(20) : rnd(3000));
                put(q, n, cap, rnd(8) ? num : "~x");
            }
        } else if (r < 50) {
            put(q, n, cap, "NEAR(");
            for (k = rnd(4); k; k--) {
                if (!rnd(4))
                    put(q, n, cap, "\"a b\"");
                else
                    put(q, n, cap, rnd(6) ? PICK(vocab) : PICK(punct));
                if (!rnd(8))
                    put(q, n, cap, "*");
                put(q, n, cap, " ");
            }
            if (!rnd(2)) {
                snprintf(num, sizeof num, ", %u", rnd(4) ? rnd(20) : rnd(2000));
                put(q, n, cap, rnd(10) ? num : ", x");
            }
            if (rnd(8))
                put(q, n, cap, ")");
        } else if (r < 58 && depth < 40) {
            put(q, n, cap, "(");
            gen(q, n, cap, depth + 1);
            if (rnd(8))
                put(q, n, cap, ")");
        } else if (r < 70) {
            const char *f = PICK(fields);

            put(q, n, cap, f);
            if (!strcmp(f, "kind:") || !strcmp(f, "lang:") ||
                !strcmp(f, "year:") || !strcmp(f, "date:"))
                put(q, n, cap, rnd(4) ? PICK(values) : PICK(vocab));
            else if (rnd(3))
                put(q, n, cap, PICK(vocab));
            else if (rnd(2) && depth < 40) {
                put(q, n, cap, "(");
                gen(q, n, cap, depth + 1);
                put(q, n, cap, ")");
            } else
                put(q, n, cap, rnd(2) ? "\"port city\"" : "NEAR(a b, 3)");
        } else if (r < 82) {
            put(q, n, cap, PICK(ops));
        } else if (r < 94) {
            put(q, n, cap, PICK(punct));
        } else {
            for (k = 1 + rnd(4); k && *n + 1 < cap; k--)
                q[(*n)++] = (char)rnd(256);
        }
    }
}

/* Number of quoted strings in an FTS5 expression ("" escapes a quote). */
static size_t count_strings(const char *s)
{
    size_t count = 0;

    while (*s) {
        if (*s++ != '"')
            continue;
        count++;
        for (;;) {
            if (*s == '\0')
                return (size_t)-1;
            if (*s == '"' && s[1] == '"') {
                s += 2;
                continue;
            }
            if (*s++ == '"')
                break;
        }
    }
    return count;
}

/* thp_phrases(t): FTS5's own count of the expression's phrases. */
static void phrases_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
                       sqlite3_context *ctx, int nval, sqlite3_value **val)
{
    (void)nval;
    (void)val;
    sqlite3_result_int(ctx, api->xPhraseCount(fts));
}

static sqlite3 *db;
static sqlite3_stmt *match_stmt;
static long matched, ran;

static int setup_db(void)
{
    static const char *const docs[][3] = {
        {"Rotterdam pilot", "the port city of Rotterdam and its refugees",
         "Rotterdam; UNHCR; Siegel"},
        {"S\xC3\xA3o Paulo workshop", "labour market policy for migrants",
         "S\xC3\xA3o Paulo"},
        {"Global cities report", "asylum seekers in camps, a global report",
         "Istanbul; OR partner"},
        {"What camps", "refugee camp near the city and the port", "x"},
        {"\xE9\x9A\xBE\xE6\xB0\x91", "\xE9\x9A\xBE\xE6\xB0\x91 2011 C++ 10:30",
         "and not near"},
    };
    fts5_api *api;
    size_t i;

    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        thp_tok_register(db, NULL) != THP_OK)
        return -1;
    if (sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE t USING fts5(title, body, meta,"
                     " tokenize='thp lang en langs en nl pt es fr de tr')",
                     NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    for (i = 0; i < sizeof docs / sizeof *docs; i++) {
        char *sql = sqlite3_mprintf("INSERT INTO t VALUES(%Q, %Q, %Q)",
                                    docs[i][0], docs[i][1], docs[i][2]);
        int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

        sqlite3_free(sql);
        if (rc != SQLITE_OK)
            return -1;
    }
    api = thp_tok_fts5_api(db);
    if (api == NULL ||
        api->xCreateFunction(api, "thp_phrases", NULL, phrases_fn, NULL) !=
            SQLITE_OK)
        return -1;
    return sqlite3_prepare_v2(db,
                              "SELECT thp_phrases(t) FROM t WHERE t MATCH ?",
                              -1, &match_stmt, NULL) == SQLITE_OK
               ? 0
               : -1;
}

/* 1 if FTS5 accepts match; on each row, FTS5's phrase count must be the
** number of roles. */
static int fts5_accepts(const char *match, size_t nroles)
{
    int rc, rows = 0, ok = 1;

    sqlite3_reset(match_stmt);
    sqlite3_bind_text(match_stmt, 1, match, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(match_stmt)) == SQLITE_ROW) {
        if ((size_t)sqlite3_column_int(match_stmt, 0) != nroles && ok) {
            fprintf(stderr, "FTS5 counts %d phrases, roles %zu: %s\n",
                    sqlite3_column_int(match_stmt, 0), nroles, match);
            ok = 0;
        }
        rows++;
    }
    ran++;
    matched += rows > 0;
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "FTS5 rejects [%s]: %s\n", match, sqlite3_errmsg(db));
        ok = 0;
    }
    sqlite3_reset(match_stmt);
    return ok;
}

/* Roles: one of TtXxen each, and an 'e' only after a 'T' or a 't'. */
static int roles_ok(const struct thp_buf *r)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        if (!strchr("TtXxen", r->s[i]))
            return 0;
        if (r->s[i] == 'e' && (i == 0 || !strchr("Tt", r->s[i - 1])))
            return 0;
    }
    return 1;
}

/* Every property of one compiled query; returns 1 when all hold. */
static int check_plan(const char *q, size_t n, int flags, int rc,
                      const struct thp_plan *pl, const struct thp_err *e)
{
    size_t i;

    if (rc != THP_OK) {
        if (flags & THP_QP_LENIENT) {
            fprintf(stderr, "lenient failed: %s\n", e->msg);
            return 0;
        }
        return (rc == THP_ERR_SYNTAX || rc == THP_ERR_TOOBIG) && e->haspos &&
               strstr(e->msg, "position") != NULL && pl->match.n == 0 &&
               pl->words == NULL;
    }
    if (count_strings(pl->match.s ? pl->match.s : "") != pl->roles.n ||
        !roles_ok(&pl->roles) || pl->roles.n > THP_QP_MAXPHRASES)
        return 0;
    for (i = 0; i < pl->nwords; i++)
        if (pl->words[i].len == 0 || pl->words[i].off + pl->words[i].len > n)
            return 0;
    if (pl->date_lo < 0 || pl->date_hi < 0 || pl->nlangs > THP_PLAN_MAX_LANGS)
        return 0;
    (void)q;
    return pl->match.n == 0 || fts5_accepts(pl->match.s, pl->roles.n);
}

/*
** Nesting that FTS5's parser cannot hold (its stack overflows well before
** 32 levels when each level waits on operators): an error in strict mode
** at the deepest parenthesis, shallower nesting in lenient mode, in both
** languages.
*/
static void test_deep_fts5(void)
{
    static const struct {
        const char *level;
        size_t times; /* within MAX_DEPTH, beyond FTS5's stack */
    } levels[] = {{"a -(b -(", 16}, {"c -d NOT (", 31}, {"a OR -b (", 20}};
    char q[THP_QP_MAXLEN];
    size_t i, k, n;

    for (k = 0; k < sizeof levels / sizeof *levels; k++) {
        struct thp_plan pl;
        struct thp_err e;
        struct thp_buf b;
        size_t last = 0;

        for (n = 0, i = 0; i < levels[k].times; i++) {
            last = n + strlen(levels[k].level) - 1;
            n += (size_t)snprintf(q + n, sizeof q - n, "%s", levels[k].level);
        }
        q[n++] = 'w';
        for (i = 0; i < n - 1; i++)
            if (q[i] == '(')
                q[n++] = ')';
        thp_plan_init(&pl);
        thp_err_clear(&e);
        CHECK(thp_qparse_plan(q, n, S, &pl, &e) == THP_ERR_SYNTAX);
        CHECK(strstr(e.msg, "parentheses nested too deeply at position") ==
              e.msg);
        CHECK(e.haspos && e.pos > 0 && e.pos <= last);
        thp_err_clear(&e);
        CHECK(thp_qparse_plan(q, n, L, &pl, &e) == THP_OK);
        CHECK(pl.match.n > 0 && fts5_accepts(pl.match.s, pl.roles.n));
        CHECK(pl.nwords >= 1);
        thp_plan_release(&pl);
        thp_buf_init(&b, 0);
        thp_err_clear(&e);
        CHECK(thp_qparse(q, n, S, &b, NULL, &e) == THP_ERR_SYNTAX);
        CHECK(b.n == 0);
        thp_err_clear(&e);
        CHECK(thp_qparse(q, n, L, &b, NULL, &e) == THP_OK);
        CHECK(b.n > 0 && fts5_accepts(b.s, count_strings(b.s)));
        thp_buf_release(&b);
    }
}

static void test_random(void)
{
    static const int modes[] = {S, L, L | P, A, L | A, S | P};
    char q[THP_QP_MAXLEN];
    struct thp_buf b, r;
    long ok = 0, bad = 0, strict_ok = 0;
    int round;

    if (setup_db() != 0) {
        fprintf(stderr, "cannot set up the FTS5 table: %s\n",
                db ? sqlite3_errmsg(db) : "no db");
        CHECK(0);
        return;
    }
    test_deep_fts5();
    thp_buf_init(&b, 0);
    thp_buf_init(&r, 0);
    for (round = 0; round < 6000; round++) {
        struct thp_plan pl;
        struct thp_err e;
        size_t n = 0;
        int flags = modes[rnd(6)], rc;

        if (round % 10 == 9) {
            /* random bytes, sometimes with a grammar prefix */
            size_t k = rnd(64);

            if (rnd(2))
                gen(q, &n, sizeof q, 0);
            while (k-- && n < sizeof q)
                q[n++] = (char)rnd(256);
        } else {
            gen(q, &n, sizeof q, 0);
        }
        thp_plan_init(&pl);
        thp_err_clear(&e);
        rc = thp_qparse_plan(q, n, flags, &pl, &e);
        if (!check_plan(q, n, flags, rc, &pl, &e)) {
            fprintf(stderr, "random query %d (flags %d) [%.*s] -> [%s] %s\n",
                    round, flags, (int)n, q, pl.match.s ? pl.match.s : "",
                    pl.roles.s ? pl.roles.s : "");
            bad++;
        } else {
            ok++;
        }
        strict_ok += rc == THP_OK && !(flags & THP_QP_LENIENT);
        thp_plan_release(&pl);
        /* the same query in lenient mode never fails */
        if (!(flags & THP_QP_LENIENT)) {
            thp_err_clear(&e);
            rc = thp_qparse_plan(q, n, flags | L, &pl, &e);
            if (!check_plan(q, n, flags | L, rc, &pl, &e)) {
                fprintf(stderr, "random query %d lenient [%.*s] -> [%s]\n",
                        round, (int)n, q, pl.match.s ? pl.match.s : "");
                bad++;
            }
            thp_plan_release(&pl);
        }
        /* the classic language on the same input: FTS5 takes its output */
        thp_buf_reset(&b);
        thp_buf_reset(&r);
        thp_err_clear(&e);
        if (thp_qparse(q, n, flags, &b, &r, &e) == THP_OK && b.n &&
            (count_strings(b.s) != r.n || !fts5_accepts(b.s, r.n))) {
            fprintf(stderr, "classic [%.*s] -> [%s]\n", (int)n, q, b.s);
            bad++;
        }
    }
    CHECK(bad == 0);
    /* the generator is useful: strict mode accepts a fair share, and
    ** FTS5 finds rows for many outputs (so phrase counts were compared) */
    CHECK(strict_ok > 300);
    CHECK(matched > 1000);
    printf("qparse (random): %ld queries, %ld FTS5 runs, %ld with rows\n",
           ok + bad, ran, matched);
    thp_buf_release(&b);
    thp_buf_release(&r);
    sqlite3_finalize(match_stmt);
    sqlite3_close(db);
}

int main(void)
{
    test_classic();
    test_classic_in_plan();
    test_plans();
    test_errors();
    test_bad_input();
    test_random();
    return check_done("qparse");
}
