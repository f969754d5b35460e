/*
** tok_test.c: the "thp" tokenizer. Tables of input -> tokens per mode and
** language, offsets, limits and bad bytes; then the marker protocol end to
** end through a real FTS5 table (external content through a view that
** adds the language tag, as the index does), stop words, and allocation
** failures.
*/
#include <stdlib.h>

#include "check.h"
#include "thp/mem.h"
#include "thp/tok.h"

#define DOC   THP_TOK_DOCUMENT
#define QRY   THP_TOK_QUERY
#define PFX   (THP_TOK_QUERY | THP_TOK_PREFIX)
#define AUX   THP_TOK_AUX
#define ALL7  "en nl pt es fr de tr"
#define TAG(code) THP_TOK_TAG_OPEN code THP_TOK_TAG_CLOSE
#define MARK  THP_TOK_STEM_MARK

/*
** Tokens rendered as text: positions separated by spaces, a colocated
** token joined to its position with '|'. Every token is also checked:
** offsets inside the input, from a character's first byte to one's
** last, non-colocated starts in order, a sane length, the first token
** not colocated.
*/
struct render {
    char out[4096];
    size_t n;
    const char *in;
    int len;
    int count;
    int last_start;
    int offsets; /* also write @start-end */
    int bad;
};

static int on_token(void *arg, int tflags, const char *tok, int n, int start,
                    int end)
{
    struct render *r = arg;
    const unsigned char *in = (const unsigned char *)r->in;

    if (start < 0 || end > r->len || start >= end || n <= 0 ||
        n > THP_TOK_MAXLEN + 8 || (in[start] & 0xC0) == 0x80 ||
        in[end - 1] >= 0xC0 ||
        (r->count == 0 && (tflags & THP_TOK_COLOCATED)) ||
        (!(tflags & THP_TOK_COLOCATED) && start < r->last_start))
        r->bad++;
    if (!(tflags & THP_TOK_COLOCATED))
        r->last_start = start;
    if (r->n + (size_t)n + 32 < sizeof r->out) {
        if (r->count)
            r->out[r->n++] = tflags & THP_TOK_COLOCATED ? '|' : ' ';
        memcpy(r->out + r->n, tok, (size_t)n);
        r->n += (size_t)n;
        if (r->offsets)
            r->n += (size_t)snprintf(r->out + r->n, sizeof r->out - r->n,
                                     "@%d-%d", start, end);
        r->out[r->n] = '\0';
    }
    r->count++;
    return 0;
}

static const char *tokens(const char *langs, const char *s, int flags,
                          int offsets)
{
    static struct render r;
    int rc;

    memset(&r, 0, sizeof r);
    r.in = s;
    r.len = (int)strlen(s);
    r.offsets = offsets;
    rc = thp_tok_each(langs, s, strlen(s), flags, on_token, &r);
    CHECK(rc == THP_OK);
    CHECK(r.bad == 0);
    return r.out;
}

/* ------------------------------------------------------------------ */

static const struct {
    const char *langs;
    int flags;
    const char *in;
    const char *want;
} cases[] = {
    /* segmentation (no stems) */
    {"none", DOC, "asylum-seekers", "asylum seekers"},
    {"none", DOC, "2015-2020", "2015 2020"},
    {"none", DOC, "3.5% of e-mail", "3 5 of e mail"},
    {"none", DOC, "thp.nl a_b", "thp nl a b"},
    {"none", DOC, "the U.S. policy", "the us policy"},
    {"none", DOC, "U.S.A. and U.S", "usa and us"},
    {"none", DOC, "e.g. this", "eg this"},
    {"none", DOC, "plan B. Then A.Smith", "plan b then a smith"},
    {"none", DOC, "C++ and C#, F# c++11", "c++ and c# f# c 11"},
    {"none", DOC, "Notepad++ C+++", "notepad++ c"},
    {"none", DOC, "l'asile d\xE2\x80\x99" "accueil", "l asile d accueil"},
    {"none", DOC, "THP's work", "thp work"},
    {"none", DOC, "THP\xE2\x80\x99s work", "thp work"},
    {"none", DOC, "THP\xCA\xBCs", "thp"},
    {"none", DOC, "THP's", "thp"},
    {"none", DOC, "rock'n'roll its' it'sx", "rock n roll its it sx"},
    {"none", DOC, "the refugees' camps", "the refugees camps"},
    {"none", DOC, "\xF0\x9F\x98\x80refugee\xF0\x9F\x98\x80", "refugee"},
    /* folding */
    {"none", DOC, "S\xC3\xA3o Paulo SAO PAULO", "sao paulo sao paulo"},
    {"none", DOC, "\xC5\x81\xC3\xB3" "d\xC5\xBA \xC3\x86r\xC3\xB8 c\xC5\x93ur "
                  "Stra\xC3\x9F" "e", "lodz aero coeur strasse"},
    {"none", DOC, "\xC4\xB0stanbul \xC4\xB1stanbul", "istanbul istanbul"},
    {"none", DOC,
     "\xEF\xAC\x81nance \xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\x91 x\xC2\xB2",
     "finance ab1 x2"},
    {"none", DOC, "na\xC3\xAFve caf\xC3\xA9 M\xC3\xBCller",
     "naive cafe muller"},
    {"none", DOC, "\xCE\x95\xCE\xBB\xCE\xBB\xCE\xAC\xCE\xB4\xCE\xB1",
     "\xCE\xB5\xCE\xBB\xCE\xBB\xCE\xB1\xCE\xB4\xCE\xB1"},
    /* Hebrew points and Arabic harakat go; Devanagari signs stay */
    {"none", DOC, "\xD7\xA9\xD7\x81\xD6\xB8\xD7\x9C\xD7\x95\xD6\xB9\xD7\x9D",
     "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D"},
    {"none", DOC,
     "\xD9\x85\xD9\x8E\xD8\xB1\xD9\x92\xD8\xAD\xD9\x8E\xD8\xA8\xD9\x8B\xD8\xA7",
     "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7"},
    {"none", DOC, "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D"
                  "\xE0\xA4\xA6\xE0\xA5\x80",
     "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D"
     "\xE0\xA4\xA6\xE0\xA5\x80"},
    /* Hangul is spaced: whole words, recomposed */
    {"none", DOC,
     "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 \xED\x95\x99\xEA\xB5\x90",
     "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 \xED\x95\x99\xEA\xB5\x90"},
    /* CJK: bigrams, documents add unigrams; queries only bigrams */
    {"none", DOC, "难民营", "难民|难 民营|民|营"},
    {"none", QRY, "难民营", "难民 民营"},
    {"none", DOC, "難 東京2020", "難 東京|東|京 2020"},
    {"none", QRY, "難", "難"},
    {"none", DOC, "キャンプ・難民", "キャ|キ ャン|ャ ンプ|ン|プ 難民|難|民"},
    {"none", DOC, "\xEF\xBD\xB6\xEF\xBE\x80\xEF\xBD\xB6\xEF\xBE\x85",
     "カタ|カ タカ|タ カナ|カ|ナ"},
    /* bad bytes separate */
    {"none", DOC, "abc\xFF" "def\xC3(ghi\xE2\x82", "abc def ghi"},
    {"none", DOC, "a\xED\xA0\x80" "b\xC0\xAF" "c\xF4\x90\x80\x80" "d",
     "a b c d"},
    {"none", DOC, "\xC3", ""},
    {"none", DOC, "", ""},
    {"none", DOC, "\x01\x02 \t--", ""},
    /* stems, in the document's language, even when equal to the word */
    {"en", DOC, "Refugees asylum in 2015 covid19",
     "refugees|~en:refuge asylum|~en:asylum in 2015 covid19"},
    {"en", AUX, "Refugees asylum", "refugees asylum"},
    {"en nl", DOC, TAG("nl") "De vluchtelingen",
     "de vluchtelingen|~nl:vluchtel"},
    {"en", DOC, TAG("nl") "vluchtelingen", "vluchtelingen"},
    {"en", DOC, TAG("") "refugees", "refugees|~en:refuge"},
    {"en", DOC, TAG("xyz") "refugees", "refugees"},
    {"en", DOC, THP_TOK_TAG_OPEN "EN" THP_TOK_TAG_CLOSE "refugees",
     "en refugees|~en:refuge"},
    {"en", DOC, " " TAG("en") "refugees", "en refugees|~en:refuge"},
    {ALL7, DOC, TAG("pt") "refugiados migra\xC3\xA7\xC3\xB5" "es",
     "refugiados|~pt:refugi migracoes|~pt:migraco"},
    {ALL7, DOC, TAG("de") "Fl\xC3\xBC" "chtlinge",
     "fluchtlinge|~de:fluchtling"},
    {ALL7, DOC, TAG("fr") "r\xC3\xA9" "fugi\xC3\xA9s", "refugies|~fr:refugi"},
    {ALL7, DOC, TAG("es") "refugiados", "refugiados|~es:refugi"},
    {ALL7, DOC, TAG("tr") "K\xC4\xB0TAPLAR \xC4\xB0stanbul'da",
     "kitaplar|~tr:kitap istanbul|~tr:istanbul da"},
    {ALL7, DOC, TAG("en") "C++ U.S.A.", "c++ usa|~en:usa"},
    /* queries: exact, any form, a tag narrowing languages, prefix */
    {"en nl", QRY, "Refugees", "refugees"},
    {"en nl", QRY, MARK "Refugees", "refugees|~en:refuge|~nl:refuges"},
    {"en nl", QRY, MARK TAG("nl") "refugees", "refugees|~nl:refuges"},
    {"en nl", QRY, MARK TAG("") "refugees", "refugees|~en:refuge"},
    {"en nl", QRY, MARK "refugee camps",
     "refugee|~en:refuge|~nl:refugee camps|~en:camp|~nl:camp"},
    {"en", QRY, MARK "in 2015", "in 2015"},
    {"en", PFX, MARK "asy", "asy"},
    {"en", PFX, "asy", "asy"},
    {"en", QRY, " " MARK "refugees", "refugees"},
    {"en", QRY, "refugees" MARK "camps", "refugees camps"},
    {"en", DOC, MARK "refugees", "refugees|~en:refuge"},
};

static void test_cases(void)
{
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = tokens(cases[i].langs, cases[i].in, cases[i].flags,
                                 0);

        if (strcmp(got, cases[i].want) != 0)
            fprintf(stderr, "case %zu: %s\n", i, cases[i].in);
        CHECK_STR(got, cases[i].want);
    }
}

static void test_offsets(void)
{
    CHECK_STR(tokens("none", "THP\xE2\x80\x99s S\xC3\xA3o U.S. C++ x", DOC, 1),
              "thp@0-3 sao@8-12 us@13-17 c++@18-21 x@22-23");
    CHECK_STR(tokens("none", TAG("nl") "a 难民", DOC, 1),
              "a@8-9 难民@10-16|难@10-13|民@13-16");
    CHECK_STR(tokens("en", MARK TAG("en") "Camps", QRY, 1),
              "camps@9-14|~en:camp@9-14");
    CHECK_STR(tokens("none", "U.S", DOC, 1), "us@0-3");
    CHECK_STR(tokens("none", "C#", DOC, 1), "c#@0-2");
}

/* Words longer than THP_TOK_MAXLEN are cut; huge ones cost one pass. */
static void test_limits(void)
{
    char in[300], want[THP_TOK_MAXLEN + 1], *huge;
    size_t i, n = 4 << 20;

    memset(in, 'A', 100);
    in[100] = '\0';
    memset(want, 'a', THP_TOK_MAXLEN);
    want[THP_TOK_MAXLEN] = '\0';
    CHECK_STR(tokens("en", in, DOC, 0), want); /* cut: no stem */
    for (i = 0; i < 100; i++)
        memcpy(in + 2 * i, "\xC3\xA9", 2); /* é x 100 */
    in[200] = '\0';
    memset(want, 'e', THP_TOK_MAXLEN);
    CHECK_STR(tokens("en", in, DOC, 0), want);
    /* 63 x 'a' + é: the é folds to e and still fits */
    memset(in, 'a', 63);
    memcpy(in + 63, "\xC3\xA9", 3);
    memset(want, 'a', 63);
    want[63] = 'e';
    CHECK_STR(tokens("none", in, DOC, 0), want);
    /* 63 x 'a' + 한: a 3-byte character that does not fit is left out */
    memcpy(in + 63, "\xED\x95\x9C", 4);
    want[63] = '\0';
    CHECK_STR(tokens("none", in, DOC, 0), want);

    huge = malloc(n + 1);
    CHECK(huge != NULL);
    if (huge) {
        memset(huge, 'x', n);
        memcpy(huge + n - 4, " end", 5);
        memset(want, 'x', THP_TOK_MAXLEN);
        want[THP_TOK_MAXLEN] = '\0';
        CHECK(strncmp(tokens("en", huge, DOC, 0), want,
                      THP_TOK_MAXLEN) == 0);
        CHECK_STR(tokens("none", huge, DOC, 0) + THP_TOK_MAXLEN, " end");
        free(huge);
    }
}

/* A callback's nonzero return stops tokenizing and comes back. */
static int stop_at_second(void *arg, int tflags, const char *tok, int n,
                          int start, int end)
{
    int *count = arg;

    (void)tflags, (void)tok, (void)n, (void)start, (void)end;
    return ++*count == 2 ? 42 : 0;
}

static void test_api(void)
{
    int count = 0;

    CHECK(thp_tok_each("en", "a b c", 5, DOC, stop_at_second, &count) == 42);
    CHECK(count == 2);
    CHECK(thp_tok_each("zz", "a", 1, DOC, stop_at_second, &count) ==
          THP_ERR_MISUSE);
    CHECK(thp_tok_each("en,x", "a", 1, DOC, stop_at_second, &count) ==
          THP_ERR_MISUSE);
    CHECK_STR(tokens(NULL, "Camps", DOC, 0), "camps|~en:camp");
    CHECK_STR(tokens("", "Camps", DOC, 0), "camps|~en:camp");
    CHECK_STR(tokens("nl,en", "Camps", DOC, 0), "camps|~nl:camp");

    CHECK(thp_tok_tag_len(TAG("nl") "x", 9) == 8);
    CHECK(thp_tok_tag_len(TAG("") "x", 7) == 6);
    CHECK(thp_tok_tag_len(TAG("por"), 9) == 9);
    CHECK(thp_tok_tag_len(TAG("port"), 10) == 0);
    CHECK(thp_tok_tag_len(TAG("n1"), 8) == 0);
    CHECK(thp_tok_tag_len(THP_TOK_TAG_OPEN "nl", 5) == 0);
    CHECK(thp_tok_tag_len("x" TAG("nl"), 9) == 0);
    CHECK(thp_tok_tag_len("", 0) == 0);
}

static void test_stopwords(void)
{
    CHECK(thp_tok_is_stopword("en", "the", 3));
    CHECK(thp_tok_is_stopword("en", "The", 3));
    CHECK(thp_tok_is_stopword("en", "a", 1));
    CHECK(thp_tok_is_stopword("en", "yourselves", 10));
    CHECK(!thp_tok_is_stopword("en", "refugee", 7));
    CHECK(!thp_tok_is_stopword("en", "de", 2));
    CHECK(thp_tok_is_stopword("nl", "de", 2));
    CHECK(thp_tok_is_stopword("nl", "aan", 3));
    CHECK(thp_tok_is_stopword("nl", "zou", 3));
    CHECK(thp_tok_is_stopword("fr", "\xC3\xA9t\xC3\xA9", 5));
    CHECK(thp_tok_is_stopword("fr", "ete", 3));
    CHECK(thp_tok_is_stopword("fr", "\xC3\xA0", 2));
    CHECK(thp_tok_is_stopword("de", "\xC3\xBC" "ber", 5));
    CHECK(thp_tok_is_stopword("de", "da\xC3\x9F", 4));
    CHECK(thp_tok_is_stopword("de", "zwischen", 8));
    CHECK(thp_tok_is_stopword("de", "aber", 4));
    CHECK(thp_tok_is_stopword("pt", "n\xC3\xA3o", 4));
    CHECK(thp_tok_is_stopword("pt", "voc\xC3\xAA", 5));
    CHECK(thp_tok_is_stopword("es", "m\xC3\xA1s", 4));
    CHECK(thp_tok_is_stopword("es", "yo", 2));
    CHECK(thp_tok_is_stopword("tr", "i\xC3\xA7in", 5));
    CHECK(thp_tok_is_stopword("tr", "\xC5\x9Fu", 3));
    CHECK(thp_tok_is_stopword("tr", "acaba", 5));
    CHECK(thp_tok_is_stopword(NULL, "und", 3));
    CHECK(!thp_tok_is_stopword("xx", "the", 3));
    CHECK(!thp_tok_is_stopword(NULL, "", 0));
    CHECK(!thp_tok_is_stopword(NULL, "\xFF", 1));
}

/* ------------------------------------------------------------------ */
/* The marker protocol through FTS5                                    */
/* ------------------------------------------------------------------ */

static sqlite3 *db;

#define TAGGED(row) "char(57344) || coalesce(" row ".lang, '') ||" \
                    " char(57345) || " row ".body"

static const char setup_sql[] =
    "CREATE TABLE docs(id INTEGER PRIMARY KEY, lang TEXT, body TEXT);"
    "CREATE VIEW docs_src AS SELECT id, " TAGGED("docs") " AS body"
    "  FROM docs;"
    "CREATE VIRTUAL TABLE fts USING fts5(body, content='docs_src',"
    "  content_rowid='id', tokenize='thp lang en langs en nl pt es fr de tr');"
    "CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN"
    "  INSERT INTO fts(rowid, body) VALUES(new.id, " TAGGED("new") ");"
    "END;"
    "CREATE TRIGGER docs_ad AFTER DELETE ON docs BEGIN"
    "  INSERT INTO fts(fts, rowid, body)"
    "  VALUES('delete', old.id, " TAGGED("old") ");"
    "END;"
    "INSERT INTO docs VALUES"
    "  (1, 'en', 'Refugees arrive in S\xC3\xA3o Paulo'),"
    "  (2, 'en', 'A refugee camp near the border'),"
    "  (3, 'en', 'The asylum system of the U.S.'),"
    "  (4, 'nl', 'De vluchtelingen komen aan in Rotterdam'),"
    "  (5, 'pt', 'As migra\xC3\xA7\xC3\xB5" "es dos refugiados no Brasil'),"
    "  (6, 'en', 'Asylum-seekers and C++ programmers'),"
    "  (7, 'fr', 'L''asile des r\xC3\xA9" "fugi\xC3\xA9s'),"
    "  (8, NULL, '难民营 and 難民'),"
    "  (9, 'de', 'Die Fl\xC3\xBC" "chtlinge in Deutschland'),"
    "  (10, 'en', 'Data protection rules'),"
    "  (11, 'nl', 'Ik weet dat het werkt'),"
    "  (12, 'tr', 'Kitaplar ve \xC4\xB0stanbul'),"
    "  (13, 'xx', 'refugees unknown');";

/* The rowids a MATCH expression finds, ascending, as "1 2 3". */
static const char *match(const char *expr)
{
    static char out[256];
    sqlite3_stmt *st = NULL;
    size_t n = 0;

    out[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT rowid FROM fts WHERE fts MATCH ?1"
                           " ORDER BY rowid", -1, &st, NULL) != SQLITE_OK) {
        snprintf(out, sizeof out, "error: %s", sqlite3_errmsg(db));
        return out;
    }
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW && n + 24 < sizeof out)
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%lld", n ? " " : "",
                              (long long)sqlite3_column_int64(st, 0));
    if (sqlite3_errcode(db) != SQLITE_OK && sqlite3_errcode(db) != SQLITE_DONE)
        snprintf(out, sizeof out, "error: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return out;
}

static const char *one_text(const char *sql)
{
    static char out[512];
    sqlite3_stmt *st = NULL;

    out[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(out, sizeof out, "error: %s", sqlite3_errmsg(db));
        return out;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, sizeof out, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static int exec(const char *sql)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

    if (rc != SQLITE_OK)
        fprintf(stderr, "tok_test: %s: %s\n", sql, sqlite3_errmsg(db));
    return rc;
}

static const struct {
    const char *expr;
    const char *want;
} queries[] = {
    /* a plain word (marked) finds every inflection, in its language */
    {"\"" MARK "refugee\"", "1 2"},
    {"\"" MARK "Refugees\"", "1 2 13"},
    {"\"" MARK "camps\"", "2"},
    {"\"" MARK "vluchteling\"", "4"},
    {"\"" MARK "refugiado\"", "5"},
    {"\"" MARK "r\xC3\xA9" "fugi\xC3\xA9\"", "5 7"}, /* pt stem too */
    {"\"" MARK "Fl\xC3\xBC" "chtling\"", "9"},
    {"\"" MARK "kitap\"", "12"},
    {"\"" MARK "asylums\"", "3 6"},
    {"\"" MARK TAG("nl") "vluchteling\"", "4"},
    {"\"" MARK TAG("en") "vluchteling\"", ""},
    /* "data" must not find Dutch "dat": stems carry their language */
    {"\"" MARK "data\"", "10"},
    {"\"dat\"", "11"},
    /* a quoted phrase: exact forms only (accents and case aside) */
    {"\"refugee\"", "2"},
    {"\"refugees\"", "1 13"},
    {"\"refugee camps\"", ""},
    {"\"" MARK "refugee camps\"", "2"},
    {"\"s\xC3\xA3o paulo\"", "1"},
    {"\"Sao Paulo\"", "1"},
    {"\"SAO PAULO\"", "1"},
    {"\"asylum seekers\"", "6"},
    {"\"asylum-seekers\"", "6"},
    {"\"l'asile\"", "7"},
    {"\"U.S.\"", "3"},
    {"\"us\"", "3"},
    {"\"C++\"", "6"},
    {"\"istanbul\"", "12"},
    {"\"\xC4\xB0STANBUL\"", "12"},
    /* prefixes: exact forms, so asy* finds asylum, never a stem */
    {"\"asy\"*", "3 6"},
    {"\"" MARK "asy\"*", "3 6"},
    {"\"refug\"*", "1 2 5 7 13"},
    {"\"en\"*", ""},
    /* CJK */
    {"\"难民营\"", "8"},
    {"\"难民\"", "8"},
    {"\"民营\"", "8"},
    {"\"营\"", "8"},
    {"\"難\"", "8"},
    {"\"難民\"", "8"},
    {"\"民难\"", ""},
    /* operators still work around marked strings */
    {"\"" MARK "refugee\" NOT \"camp\"", "1"},
    {"\"" MARK "refugee\" OR \"" MARK "kitap\"", "1 2 12"},
    {"NEAR(\"" MARK "refugee\" \"paulo\", 3)", "1"},
};

static void test_fts5(void)
{
    size_t i;

    CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    CHECK(thp_tok_register(db, NULL) == THP_OK);
    CHECK(thp_tok_register(db, NULL) == THP_OK); /* again: harmless */
    if (exec(setup_sql) != SQLITE_OK) {
        CHECK(0);
        sqlite3_close(db);
        return;
    }
    for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        const char *got = match(queries[i].expr);

        if (strcmp(got, queries[i].want) != 0)
            fprintf(stderr, "query %zu: %s\n", i, queries[i].expr);
        CHECK_STR(got, queries[i].want);
    }
    /* queries look only for the stems of the languages named */
    CHECK_STR(match("\"" MARK "vluchteling\""), "4");
    CHECK(thp_tok_query_langs(db, "en") == THP_OK);
    CHECK_STR(match("\"" MARK "vluchteling\""), "");
    CHECK_STR(match("\"" MARK "refugee\""), "1 2");
    CHECK_STR(match("\"vluchtelingen\""), "4"); /* exact forms as ever */
    CHECK(thp_tok_query_langs(db, "pt,nl") == THP_OK); /* + default en */
    CHECK_STR(match("\"" MARK "vluchteling\""), "4");
    CHECK_STR(match("\"" MARK "refugee\""), "1 2");
    CHECK(thp_tok_query_langs(db, "") == THP_OK);
    CHECK_STR(match("\"" MARK "vluchteling\""), "4");
    /* highlight() maps stem matches back to the words; the tag is text */
    CHECK_STR(one_text("SELECT highlight(fts, 0, '[', ']') FROM fts"
                       " WHERE fts MATCH '\"' || char(1) || 'refugee\"'"
                       " AND rowid = 1"),
              TAG("en") "[Refugees] arrive in S\xC3\xA3o Paulo");
    CHECK_STR(one_text("SELECT highlight(fts, 0, '[', ']') FROM fts"
                       " WHERE fts MATCH '\"sao paulo\"'"),
              TAG("en") "Refugees arrive in [S\xC3\xA3o Paulo]");
    CHECK_STR(one_text("SELECT highlight(fts, 0, '[', ']') FROM fts"
                       " WHERE fts MATCH '\"民营\"'"),
              TAG("") "难[民营] and 難民");
    CHECK_STR(one_text("SELECT snippet(fts, 0, '[', ']', '...', 3) FROM fts"
                       " WHERE fts MATCH '\"' || char(1) || 'Deutschland\"'"),
              "...Fl\xC3\xBC" "chtlinge in [Deutschland]");
    /* the view gives FTS5 the same tagged text on delete and rebuild */
    CHECK(exec("INSERT INTO fts(fts) VALUES('integrity-check')") == SQLITE_OK);
    CHECK(exec("DELETE FROM docs WHERE id = 4") == SQLITE_OK);
    CHECK_STR(match("\"" MARK "vluchteling\""), "");
    CHECK(exec("INSERT INTO fts(fts) VALUES('integrity-check')") == SQLITE_OK);
    CHECK(exec("INSERT INTO fts(fts) VALUES('rebuild')") == SQLITE_OK);
    CHECK(exec("INSERT INTO fts(fts) VALUES('integrity-check')") == SQLITE_OK);
    CHECK_STR(match("\"" MARK "refugee\""), "1 2");
    /* bad arguments fail the constructor */
    CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE bad USING fts5(x,"
                       " tokenize='thp lang zz')", NULL, NULL, NULL) !=
          SQLITE_OK);
    CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE bad USING fts5(x,"
                       " tokenize='thp colour blue')", NULL, NULL, NULL) !=
          SQLITE_OK);
    CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE bad USING fts5(x,"
                       " tokenize='thp langs en lang')", NULL, NULL, NULL) !=
          SQLITE_OK);
    CHECK(exec("CREATE VIRTUAL TABLE ok USING fts5(x,"
               " tokenize='thp lang nl langs ''en,pt''')") == SQLITE_OK);
    sqlite3_close(db);
    db = NULL;
}

/* ------------------------------------------------------------------ */

static void test_nomem(void)
{
    char want[128];
    int rc;

    thp_mem_fail_after(0);
    rc = thp_tok_each("en", "refugees", 8, DOC, on_token, NULL);
    thp_mem_fail_after(-1);
    CHECK(rc == THP_ERR_NOMEM);

    /* the stem cache failing to allocate only makes stemming slower */
    snprintf(want, sizeof want, "%s", tokens("en", "Refugees camps", DOC, 0));
    thp_mem_fail_after(1);
    CHECK_STR(tokens("en", "Refugees camps", DOC, 0), want);
    thp_mem_fail_after(-1);

    CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    CHECK(thp_tok_register(db, NULL) == THP_OK);
    thp_mem_fail_after(0);
    CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x,"
                       " tokenize='thp')", NULL, NULL, NULL) != SQLITE_OK);
    thp_mem_fail_after(-1);
    CHECK(exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='thp')") ==
          SQLITE_OK);
    sqlite3_close(db);
    db = NULL;
}

int main(void)
{
    test_cases();
    test_offsets();
    test_limits();
    test_api();
    test_stopwords();
    test_fts5();
    test_nomem();
    return check_done("tok");
}
