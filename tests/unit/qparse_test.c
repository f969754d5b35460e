/*
** qparse_test.c: the query language: user input -> FTS5 expression, error
** positions in strict mode, and repairs in lenient mode.
*/
#include "check.h"
#include "thp/qparse.h"

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

int main(void)
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
    return check_done("qparse");
}
