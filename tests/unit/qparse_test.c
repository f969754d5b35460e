/*
** qparse_test.c: the query language: user input -> FTS5 expression, error
** positions in strict mode, and repairs in lenient mode.
*/
#include "check.h"
#include "thp/qparse.h"

#define S 0
#define L THP_QP_LENIENT
#define P THP_QP_PREFIX_LAST

static const struct {
    const char *q;
    int flags;
    const char *want; /* FTS5 expression; NULL: a syntax error */
    long pos;         /* error position when want is NULL */
} cases[] = {
    {"refugee", S, "\"refugee\"", 0},
    {"refugee camps", S, "\"refugee\" AND \"camps\"", 0},
    {"  spaced   out  ", S, "\"spaced\" AND \"out\"", 0},
    {"\"labour market\"", S, "\"labour market\"", 0},
    {"asy*", S, "\"asy\"*", 0},
    {"\"labour mar\"*", S, "\"labour mar\"*", 0},
    {"refugee OR migrant", S, "(\"refugee\") OR (\"migrant\")", 0},
    {"a b OR c", S, "(\"a\" AND \"b\") OR (\"c\")", 0},
    {"a OR b OR c", S, "(\"a\") OR (\"b\") OR (\"c\")", 0},
    {"OR OR", S, NULL, 0},
    {"a OR OR b", S, NULL, 2},
    {"rotterdam -pilot", S, "(\"rotterdam\") NOT \"pilot\"", 0},
    {"rotterdam NOT pilot", S, "(\"rotterdam\") NOT \"pilot\"", 0},
    {"a AND b", S, "\"a\" AND \"b\"", 0},
    {"+a b", S, "\"a\" AND \"b\"", 0},
    {"(a OR b) c", S, "((\"a\") OR (\"b\")) AND \"c\"", 0},
    {"title:rotterdam", S, "title : \"rotterdam\"", 0},
    {"title:(global OR cities)", S, "title : ((\"global\") OR (\"cities\"))", 0},
    {"title:(x", L, "title : (\"x\")", 0},
    {"body:\"port of\"", S, "body : \"port of\"", 0},
    {"author:x", S, "\"author:x\"", 0},
    /* punctuation that breaks raw FTS5 is just text inside quotes */
    {"asylum-seekers", S, "\"asylum-seekers\"", 0},
    {"C++", S, "\"C++\"", 0},
    {"l'asile", S, "\"l'asile\"", 0},
    {"2015-2020", S, "\"2015-2020\"", 0},
    {"U.S.", S, "\"U.S.\"", 0},
    {"say \"\"\"", S, NULL, 6},
    {"a\"b", S, NULL, 1},
    {"S\xC3\xA3o Paulo", S, "\"S\xC3\xA3o\" AND \"Paulo\"", 0},
    {"and or not", S, "\"and\" AND \"or\" AND \"not\"", 0},
    /* words FTS5 would not index vanish instead of failing */
    {"+++ ---", S, "", 0},
    {"", S, "", 0},
    {"refugee ^", S, "\"refugee\"", 0},
    /* strict errors, with 0-based character positions */
    {"\"asylum", S, NULL, 0},
    {"asylum \"labour", S, NULL, 7},
    {"S\xC3\xA3o \"x", S, NULL, 4},
    {"asylum )", S, NULL, 7},
    {"(asylum", S, NULL, 0},
    {"OR refugees", S, NULL, 0},
    {"refugees OR", S, NULL, 9},
    {"AND refugees", S, NULL, 0},
    {"-refugees", S, NULL, 0},
    {"refugees NOT", S, NULL, 9},
    /* lenient: the same inputs repaired */
    {"\"asylum", L, "\"asylum\"", 0},
    {"asylum \"labour", L, "\"asylum\" AND \"labour\"", 0},
    {"asylum )", L, "\"asylum\"", 0},
    {"a OR", L, "\"a\"", 0},
    {"a ) b", L, "(\"a\") AND (\"b\")", 0},
    {"(asylum", L, "(\"asylum\")", 0},
    {"OR refugees", L, "\"refugees\"", 0},
    {"refugees OR", L, "\"refugees\"", 0},
    {"-refugees", L, "", 0},
    {"((((", L, "", 0},
    /* as you type: the last bare word is a prefix */
    {"rotter", L | P, "\"rotter\"*", 0},
    {"port of rotter", L | P, "\"port\" AND \"of\" AND \"rotter\"*", 0},
    {"\"port of\"", L | P, "\"port of\"", 0},
};

int main(void)
{
    struct thp_buf b;
    struct thp_err e;
    size_t i;
    char big[THP_QP_MAXLEN + 2];

    thp_buf_init(&b, 0);
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        int rc;

        thp_buf_reset(&b);
        thp_err_clear(&e);
        rc = thp_qparse(cases[i].q, strlen(cases[i].q), cases[i].flags, &b,
                        &e);
        if (cases[i].want) {
            if (rc != THP_OK)
                fprintf(stderr, "case %zu (%s): %s\n", i, cases[i].q, e.msg);
            CHECK(rc == THP_OK);
            CHECK_STR(b.s ? b.s : "", cases[i].want);
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
    CHECK(thp_qparse(big, strlen(big), L, &b, &e) == THP_ERR_TOOBIG);
    thp_err_clear(&e);
    CHECK(thp_qparse("a\xFF", 2, L, &b, &e) == THP_ERR_SYNTAX);
    /* deep nesting is refused, not a stack overflow */
    {
        char deep[200];

        memset(deep, '(', sizeof deep - 1);
        deep[sizeof deep - 1] = '\0';
        thp_err_clear(&e);
        CHECK(thp_qparse(deep, strlen(deep), S, &b, &e) == THP_ERR_SYNTAX);
    }
    thp_buf_release(&b);
    return check_done("qparse");
}
