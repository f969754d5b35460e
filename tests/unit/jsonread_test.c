/* jsonread_test.c: reading JSON Lines objects (jsonread.h). */
#include "check.h"
#include "thp/jsonread.h"
#include "thp/mem.h"

/* One member's expected value: want NULL means get() returns NULL. */
static const struct {
    const char *line;
    const char *key;
    const char *want;
    size_t wantlen; /* 0: strlen(want) */
    int type;       /* expected type of find(key), or -1: key absent */
} values[] = {
    /* documents as thp-index --jsonl gets them */
    {"{\"id\":\"d1\",\"title\":\"T\",\"text\":\"body\"}", "id", "d1", 0,
     THP_JSONREAD_STRING},
    {"{\"id\":\"d1\",\"title\":\"T\",\"text\":\"body\"}", "text", "body", 0,
     THP_JSONREAD_STRING},
    {"{\"id\":\"d1\",\"title\":\"T\"}", "url", NULL, 0, -1},
    {" \t{ \"a\" : \"b\" ,\"c\":1} \r\n", "a", "b", 0, THP_JSONREAD_STRING},
    {"\xEF\xBB\xBF{\"a\":\"bom\"}", "a", "bom", 0, THP_JSONREAD_STRING},
    {"{}", "a", NULL, 0, -1},
    {"{\"\":\"empty key\"}", "", "empty key", 0, THP_JSONREAD_STRING},
    {"{\"s\":\"\"}", "s", "", 0, THP_JSONREAD_STRING},
    /* numbers keep their text; booleans are their words; null is NULL */
    {"{\"id\": 42}", "id", "42", 0, THP_JSONREAD_NUMBER},
    {"{\"id\":0}", "id", "0", 0, THP_JSONREAD_NUMBER},
    {"{\"id\":-0}", "id", "-0", 0, THP_JSONREAD_NUMBER},
    {"{\"id\":-0.5e+10}", "id", "-0.5e+10", 0, THP_JSONREAD_NUMBER},
    {"{\"id\":1.50E3}", "id", "1.50E3", 0, THP_JSONREAD_NUMBER},
    {"{\"id\":2e-7,\"x\":1}", "id", "2e-7", 0, THP_JSONREAD_NUMBER},
    {"{\"id\":123456789012345678901234567890}", "id",
     "123456789012345678901234567890", 0, THP_JSONREAD_NUMBER},
    {"{\"x\":true}", "x", "true", 0, THP_JSONREAD_TRUE},
    {"{\"x\":false }", "x", "false", 0, THP_JSONREAD_FALSE},
    {"{\"x\":null}", "x", NULL, 0, THP_JSONREAD_NULL},
    /* nested values are checked, then skipped */
    {"{\"x\":{\"a\":[1,{\"b\":null}]},\"y\":\"z\"}", "x", NULL, 0,
     THP_JSONREAD_OBJECT},
    {"{\"x\":{\"a\":[1,{\"b\":null}]},\"y\":\"z\"}", "y", "z", 0,
     THP_JSONREAD_STRING},
    {"{\"x\":[],\"y\":[\"s\",-1.5,true,false,null,{}]}", "x", NULL, 0,
     THP_JSONREAD_ARRAY},
    {"{\"x\":[],\"y\":[\"s\",-1.5,true,false,null,{}]}", "y", NULL, 0,
     THP_JSONREAD_ARRAY},
    {"{\"x\":{},\"b\":\"c\"}", "x", NULL, 0, THP_JSONREAD_OBJECT},
    {"{\"m\":{\"title\":\"inner\"},\"title\":\"outer\"}", "title", "outer",
     0, THP_JSONREAD_STRING},
    {"{\"m\":{\"title\":\"inner\"}}", "title", NULL, 0, -1},
    /* every escape */
    {"{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "s", "\"\\/\b\f\n\r\t", 0,
     THP_JSONREAD_STRING},
    {"{\"s\":\"\\u0041\\u00e9\\u20AC\\u00C9\"}", "s",
     "A\xC3\xA9\xE2\x82\xAC\xC3\x89", 0, THP_JSONREAD_STRING},
    {"{\"s\":\"a\\u0000b\"}", "s", "a\0b", 3, THP_JSONREAD_STRING},
    {"{\"s\":\"\\u001f\\u007f\\u0080\\u07ff\\u0800\\uffff\"}", "s",
     "\x1f\x7f\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF", 0,
     THP_JSONREAD_STRING},
    {"{\"a\\u0062\":1}", "ab", "1", 0, THP_JSONREAD_NUMBER},
    {"{\"s\":\"<\\/script>\"}", "s", "</script>", 0, THP_JSONREAD_STRING},
    /* surrogates: pairs join, anything lone is U+FFFD */
    {"{\"s\":\"\\ud83d\\ude00\"}", "s", "\xF0\x9F\x98\x80", 0,
     THP_JSONREAD_STRING},
    {"{\"s\":\"\\uD834\\uDD1E!\"}", "s", "\xF0\x9D\x84\x9E!", 0,
     THP_JSONREAD_STRING},
    {"{\"s\":\"\\udbff\\udfff\"}", "s", "\xF4\x8F\xBF\xBF", 0,
     THP_JSONREAD_STRING},
    {"{\"s\":\"\\ud83dx\"}", "s", "\xEF\xBF\xBDx", 0, THP_JSONREAD_STRING},
    {"{\"s\":\"\\ud83d\"}", "s", "\xEF\xBF\xBD", 0, THP_JSONREAD_STRING},
    {"{\"s\":\"\\ude00\"}", "s", "\xEF\xBF\xBD", 0, THP_JSONREAD_STRING},
    {"{\"s\":\"\\ud83d\\ud83d\\ude00\"}", "s",
     "\xEF\xBF\xBD\xF0\x9F\x98\x80", 0, THP_JSONREAD_STRING},
    {"{\"s\":\"\\ud83d\\u0041\"}", "s", "\xEF\xBF\xBD" "A", 0,
     THP_JSONREAD_STRING},
    {"{\"s\":\"\\ud83d\\n\"}", "s", "\xEF\xBF\xBD\n", 0,
     THP_JSONREAD_STRING},
    /* raw UTF-8 passes through */
    {"{\"s\":\"S\xC3\xA3o \xE2\x98\x83 \xF0\x9F\x98\x80\"}", "s",
     "S\xC3\xA3o \xE2\x98\x83 \xF0\x9F\x98\x80", 0, THP_JSONREAD_STRING},
    {"{\"t\xC3\xADtulo\":\"x\"}", "t\xC3\xADtulo", "x", 0,
     THP_JSONREAD_STRING},
    /* duplicate keys: the last one wins, even when null or nested */
    {"{\"t\":\"first\",\"t\":\"second\"}", "t", "second", 0,
     THP_JSONREAD_STRING},
    {"{\"t\":\"first\",\"t\":null}", "t", NULL, 0, THP_JSONREAD_NULL},
    {"{\"t\":\"first\",\"t\":[\"x\"]}", "t", NULL, 0, THP_JSONREAD_ARRAY},
    {"{\"t\":null,\"t\":7}", "t", "7", 0, THP_JSONREAD_NUMBER},
};

/* A line that fails: the code, err->pos and the whole message. */
static const struct {
    const char *line;
    size_t n; /* 0: strlen(line) */
    size_t pos;
    const char *msg;
} errors[] = {
    {"{\"a\":\"abc", 0, 5, "unterminated string at byte 5"},
    {"{\"a\":\"abc\r\n", 0, 5, "unterminated string at byte 5"},
    {"{\"a\":\"abc}\n", 0, 5, "unterminated string at byte 5"},
    {"{\"a\" 1}", 0, 5, "expected ':' after key, found '1' at byte 5"},
    {"{\"a\"", 0, 4, "expected ':' after key, found end of line at byte 4"},
    {"{\"a\":\"x\",\"a\"}", 0, 12,
     "expected ':' after key, found '}' at byte 12"},
    {"{\"a\":1,}", 0, 7, "trailing comma before '}' at byte 7"},
    {"{\"a\":[1,2,]}", 0, 10, "trailing comma before ']' at byte 10"},
    {"{\"a\":\"x\\qy\"}", 0, 7,
     "invalid escape: '\\' followed by 'q' at byte 7"},
    {"{\"a\":\"x\\\"}", 0, 5, "unterminated string at byte 5"},
    {"{\"a\":\"x\\", 0, 7,
     "unfinished escape at the end of the line at byte 7"},
    {"{\"a\":\"\\u12G4\"}", 0, 6,
     "invalid \\u escape: expected 4 hex digits at byte 6"},
    {"{\"a\":\"\\u12\"}", 0, 6,
     "invalid \\u escape: expected 4 hex digits at byte 6"},
    {"{\"a\":\"\\ud83d\\u12\"}", 0, 12,
     "invalid \\u escape: expected 4 hex digits at byte 12"},
    {"{\"a\":\"x\ty\"}", 0, 7,
     "control character 0x09 in a string (it must be escaped) at byte 7"},
    {"{\"a\":\"x\ny\"}", 0, 7,
     "control character 0x0a in a string (it must be escaped) at byte 7"},
    {"{\"a\":\"x\0y\"}", 11, 7,
     "control character 0x00 in a string (it must be escaped) at byte 7"},
    {"{\"a\":\"\xC3\"}", 0, 6, "invalid UTF-8 in a string at byte 6"},
    {"{\"a\":\"\xC0\x80\"}", 0, 6, "invalid UTF-8 in a string at byte 6"},
    {"{\"a\":\"\xED\xA0\x80\"}", 0, 6, "invalid UTF-8 in a string at byte 6"},
    {"{\"a\":\"ok\xF5\x80\x80\x80\"}", 0, 8,
     "invalid UTF-8 in a string at byte 8"},
    {"{\"a\xFF\":1}", 0, 3, "invalid UTF-8 in a string at byte 3"},
    {"{\"a\":1} x", 0, 8, "unexpected 'x' after the object at byte 8"},
    {"{\"a\":1}{\"b\":2}", 0, 7, "unexpected '{' after the object at byte 7"},
    {"{\"a\":1}}", 0, 7, "unexpected '}' after the object at byte 7"},
    {"{\"a\":1}\0", 8, 7, "unexpected 0x00 after the object at byte 7"},
    {"[1,2]", 0, 0, "expected a JSON object, found an array at byte 0"},
    {"\xEF\xBB\xBF[", 0, 3,
     "expected a JSON object, found an array at byte 3"},
    {"  \"str\"", 0, 2, "expected a JSON object ('{'), found '\"' at byte 2"},
    {"42", 0, 0, "expected a JSON object ('{'), found '4' at byte 0"},
    {"null", 0, 0, "expected a JSON object ('{'), found 'n' at byte 0"},
    {"\xEF\xBB{}", 0, 0, "expected a JSON object ('{'), found 0xef at byte 0"},
    {"{a:1}", 0, 1, "expected a string key, found 'a' at byte 1"},
    {"{\"a\":1,,\"b\":2}", 0, 7, "expected a string key, found ',' at byte 7"},
    {"{", 0, 1, "expected a string key, found end of line at byte 1"},
    {"{\"a\":1 \"b\":2}", 0, 7,
     "expected ',' or '}' after a value, found '\"' at byte 7"},
    {"{\"a\":1", 0, 6,
     "expected ',' or '}' after a value, found end of line at byte 6"},
    {"{\"a\":{\"b\":1}", 0, 12,
     "expected ',' or '}' after a value, found end of line at byte 12"},
    {"{\"a\":[1 2]}", 0, 8,
     "expected ',' or ']' after a value, found '2' at byte 8"},
    {"{\"a\":\"x\"\xC2\xA0}", 0, 8,
     "expected ',' or '}' after a value, found 0xc2 at byte 8"},
    {"{\"a\":truex}", 0, 9,
     "expected ',' or '}' after a value, found 'x' at byte 9"},
    {"{\"a\":}", 0, 5, "expected a value, found '}' at byte 5"},
    {"{\"a\":", 0, 5, "expected a value, found end of line at byte 5"},
    {"{\"a\":True}", 0, 5, "expected a value, found 'T' at byte 5"},
    {"{\"a\":.5}", 0, 5, "expected a value, found '.' at byte 5"},
    {"{\"a\":+1}", 0, 5, "expected a value, found '+' at byte 5"},
    {"{\"a\":NaN}", 0, 5, "expected a value, found 'N' at byte 5"},
    {"{\"a\":'x'}", 0, 5, "expected a value, found ''' at byte 5"},
    {"{\"a\":tru}", 0, 5, "invalid literal (expected 'true') at byte 5"},
    {"{\"a\":nul", 0, 5, "invalid literal (expected 'null') at byte 5"},
    {"{\"a\":01}", 0, 5, "number with a leading zero at byte 5"},
    {"{\"a\":-01}", 0, 5, "number with a leading zero at byte 5"},
    {"{\"a\":-}", 0, 6, "expected a digit after '-', found '}' at byte 6"},
    {"{\"a\":--1}", 0, 6, "expected a digit after '-', found '-' at byte 6"},
    {"{\"a\":1.}", 0, 7, "expected a digit after '.', found '}' at byte 7"},
    {"{\"a\":1.e5}", 0, 7, "expected a digit after '.', found 'e' at byte 7"},
    {"{\"a\":1e}", 0, 7,
     "expected a digit in the exponent, found '}' at byte 7"},
    {"{\"a\":1e+", 0, 8,
     "expected a digit in the exponent, found end of line at byte 8"},
    {"{\"a\":0x10}", 0, 6,
     "expected ',' or '}' after a value, found 'x' at byte 6"},
    /* nested values are validated as strictly as kept ones */
    {"{\"a\":\"ok\",\"b\":{\"c\":\"\x01\"}}", 0, 20,
     "control character 0x01 in a string (it must be escaped) at byte 20"},
    {"{\"a\":[1,{\"b\":x}]}", 0, 13, "expected a value, found 'x' at byte 13"},
    {"{\"a\":[\"\\x\"]}", 0, 7,
     "invalid escape: '\\' followed by 'x' at byte 7"},
    {"{\"a\":{\"b\" 1}}", 0, 10,
     "expected ':' after key, found '1' at byte 10"},
    {"{\"a\":{1:2}}", 0, 6, "expected a string key, found '1' at byte 6"},
    {"{\"a\":{\"b\":1,}}", 0, 12, "trailing comma before '}' at byte 12"},
};

static void test_values(struct thp_jsonread_obj *obj)
{
    size_t i;

    for (i = 0; i < sizeof values / sizeof *values; i++) {
        const struct thp_jsonread_field *f;
        struct thp_err err;
        const char *got;
        size_t len = 99, wantlen;
        int rc;

        thp_err_clear(&err);
        rc = thp_jsonread_parse(values[i].line, strlen(values[i].line), 0,
                                obj, &err);
        CHECK(rc == THP_OK);
        if (rc != THP_OK) {
            fprintf(stderr, "  line %zu: %s\n", i, err.msg);
            continue;
        }
        got = thp_jsonread_get(obj, values[i].key, &len);
        f = thp_jsonread_find(obj, values[i].key);
        if (values[i].want == NULL) {
            CHECK(got == NULL);
            CHECK(len == 0);
        } else {
            wantlen = values[i].wantlen;
            if (wantlen == 0)
                wantlen = strlen(values[i].want);
            CHECK(got != NULL && len == wantlen &&
                  memcmp(got, values[i].want, len) == 0 && got[len] == '\0');
            if (wantlen == strlen(values[i].want))
                CHECK_STR(got, values[i].want);
        }
        if (values[i].type < 0) {
            CHECK(f == NULL);
        } else {
            CHECK(f != NULL && f->type == values[i].type);
            CHECK(f != NULL && f->val == got);
        }
    }
}

static void test_errors(struct thp_jsonread_obj *obj)
{
    size_t i;

    for (i = 0; i < sizeof errors / sizeof *errors; i++) {
        struct thp_err err;
        size_t n = errors[i].n ? errors[i].n : strlen(errors[i].line);
        int rc;

        thp_err_clear(&err);
        rc = thp_jsonread_parse(errors[i].line, n, 0, obj, &err);
        CHECK(rc == THP_ERR_SYNTAX);
        CHECK(err.rc == THP_ERR_SYNTAX);
        CHECK(err.pos == errors[i].pos);
        CHECK_STR(err.msg, errors[i].msg);
        CHECK(obj->n == 0);
        /* no err record: the code alone */
        CHECK(thp_jsonread_parse(errors[i].line, n, 0, obj, NULL) ==
              THP_ERR_SYNTAX);
    }
}

static void test_blank(struct thp_jsonread_obj *obj)
{
    static const char *const blank[] = {
        "", " ", "\n", "\r\n", " \t \r\n", "\xEF\xBB\xBF", "\xEF\xBB\xBF\n",
    };
    struct thp_err err;
    size_t i;

    /* a blank line after a good one empties the object */
    CHECK(thp_jsonread_parse("{\"a\":1}", 7, 0, obj, NULL) == THP_OK);
    for (i = 0; i < sizeof blank / sizeof *blank; i++) {
        thp_err_clear(&err);
        CHECK(thp_jsonread_parse(blank[i], strlen(blank[i]), 0, obj, &err) ==
              THP_ERR_NOTFOUND);
        CHECK(err.rc == THP_OK); /* not an error: left untouched */
        CHECK(obj->n == 0);
        CHECK(thp_jsonread_get(obj, "a", NULL) == NULL);
    }
    CHECK(thp_jsonread_parse(NULL, 0, 0, obj, NULL) == THP_ERR_NOTFOUND);
}

/* Members stay in line order with duplicates; positions point at values. */
static void test_members(struct thp_jsonread_obj *obj)
{
    static const char line[] =
        "{\"id\": 7, \"t\":\"a\",\"n\":null,\"o\":{\"t\":1},\"t\":\"b\"}";
    /* 0123456789...: "id" value at 7, first "t" at 14, n at 22, o at 31 */
    const struct thp_jsonread_field *f;

    CHECK(thp_jsonread_parse(line, sizeof line - 1, 0, obj, NULL) == THP_OK);
    CHECK(obj->n == 5);
    if (obj->n != 5)
        return;
    CHECK_STR(obj->v[0].key, "id");
    CHECK(obj->v[0].keylen == 2);
    CHECK_STR(obj->v[0].val, "7");
    CHECK(obj->v[0].pos == 7);
    CHECK_STR(obj->v[1].val, "a");
    CHECK(obj->v[1].pos == 14);
    CHECK_STR(obj->v[2].key, "n");
    CHECK(obj->v[2].val == NULL && obj->v[2].len == 0);
    CHECK(obj->v[2].type == THP_JSONREAD_NULL && obj->v[2].pos == 22);
    CHECK_STR(obj->v[3].key, "o");
    CHECK(obj->v[3].val == NULL && obj->v[3].type == THP_JSONREAD_OBJECT);
    CHECK(obj->v[3].pos == 31);
    CHECK_STR(obj->v[4].val, "b");
    f = thp_jsonread_find(obj, "t");
    CHECK(f == &obj->v[4]);
    CHECK(thp_jsonread_find(obj, "T") == NULL);
    CHECK(thp_jsonread_find(obj, "i") == NULL);
    CHECK(thp_jsonread_find(obj, "idx") == NULL);

    /* the line need not be NUL-terminated: only n bytes are read */
    CHECK(thp_jsonread_parse("{\"a\":12}garbage", 8, 0, obj, NULL) == THP_OK);
    CHECK_STR(thp_jsonread_get(obj, "a", NULL), "12");
    CHECK(thp_jsonread_parse("{\"a\":12}", 7, 0, obj, NULL) ==
          THP_ERR_SYNTAX);
    CHECK(thp_jsonread_parse("{\"a\":12}", 6, 0, obj, NULL) ==
          THP_ERR_SYNTAX);
}

/* Many members and long values: the arrays grow, pointers stay right. */
static void test_large(struct thp_jsonread_obj *obj)
{
    struct thp_buf line;
    char key[16];
    size_t i, len;
    const char *v;
    int ok = 1;

    thp_buf_init(&line, 0);
    thp_buf_putc(&line, '{');
    for (i = 0; i < 1000; i++)
        thp_buf_printf(&line, "%s\"k%zu\":\"v%zu\"", i ? "," : "", i, i);
    thp_buf_puts(&line, ",\"text\":\"");
    for (i = 0; i < 100000; i++)
        thp_buf_puts(&line, "w\\u00e9 ");
    thp_buf_puts(&line, "\"}");
    CHECK(line.rc == THP_OK);
    CHECK(thp_jsonread_parse(line.s, line.n, 0, obj, NULL) == THP_OK);
    CHECK(obj->n == 1001);
    for (i = 0; i < 1000; i++) {
        char want[16];

        snprintf(key, sizeof key, "k%zu", i);
        snprintf(want, sizeof want, "v%zu", i);
        v = thp_jsonread_get(obj, key, NULL);
        if (v == NULL || strcmp(v, want) != 0)
            ok = 0;
    }
    CHECK(ok);
    v = thp_jsonread_get(obj, "text", &len);
    CHECK(v != NULL && len == 100000 * 4);
    CHECK(v != NULL && memcmp(v, "w\xC3\xA9 w\xC3\xA9 ", 8) == 0);
    thp_buf_release(&line);
}

/*
** Write into s a line nested levels deep (the top-level object is level
** 1), alternating arrays and objects: {"a":[{"b":[ ... 1 ... ]}]}.
** Returns its length; *last gets the offset of the deepest opener.
*/
static size_t nest(char *s, int levels, size_t *last)
{
    size_t n = 0;
    int d;

    *last = 0;
    memcpy(s, "{\"a\":", 5);
    n = 5;
    for (d = 2; d <= levels; d++) {
        *last = n;
        if (d % 2 == 0) {
            s[n++] = '[';
        } else {
            memcpy(s + n, "{\"b\":", 5);
            n += 5;
        }
    }
    s[n++] = '1';
    for (d = levels; d >= 2; d--)
        s[n++] = d % 2 == 0 ? ']' : '}';
    s[n++] = '}';
    return n;
}

/* Nesting: THP_JSONREAD_DEPTH levels parse, one more fails where it opens. */
static void test_depth(struct thp_jsonread_obj *obj)
{
    size_t big = 100000, n, last;
    struct thp_err err;
    char msg[64];
    char *s = thp_malloc(big + 16);

    if (s == NULL) {
        CHECK(0);
        return;
    }
    n = nest(s, THP_JSONREAD_DEPTH, &last);
    CHECK(thp_jsonread_parse(s, n, 0, obj, NULL) == THP_OK);
    CHECK(obj->n == 1 && obj->v[0].type == THP_JSONREAD_ARRAY);
    n = nest(s, THP_JSONREAD_DEPTH + 1, &last);
    thp_err_clear(&err);
    CHECK(thp_jsonread_parse(s, n, 0, obj, &err) == THP_ERR_SYNTAX);
    CHECK(err.pos == last);
    snprintf(msg, sizeof msg, "nesting deeper than %d levels at byte %zu",
             THP_JSONREAD_DEPTH, last);
    CHECK_STR(err.msg, msg);
    /* hostile: 100000 levels fail at the 65th, the stack never deep */
    memcpy(s, "{\"a\":", 5);
    memset(s + 5, '[', big);
    thp_err_clear(&err);
    CHECK(thp_jsonread_parse(s, big + 5, 0, obj, &err) == THP_ERR_SYNTAX);
    CHECK(err.pos == 5 + THP_JSONREAD_DEPTH - 1);
    thp_free(s);
}

/* THP_JSONREAD_REPLACE: invalid UTF-8 in strings becomes U+FFFD. */
static void test_replace(struct thp_jsonread_obj *obj)
{
    static const char line[] = "{\"a\xFF\":\"x\xFFy\xE2\x82\"}";

    CHECK(thp_jsonread_parse(line, sizeof line - 1, 0, obj, NULL) ==
          THP_ERR_SYNTAX);
    CHECK(thp_jsonread_parse(line, sizeof line - 1, THP_JSONREAD_REPLACE, obj,
                             NULL) == THP_OK);
    CHECK_STR(thp_jsonread_get(obj, "a\xEF\xBF\xBD", NULL),
              "x\xEF\xBF\xBDy\xEF\xBF\xBD\xEF\xBF\xBD");
    /* the flag does not relax anything else */
    CHECK(thp_jsonread_parse("{\"a\":\"\x01\"}", 9, THP_JSONREAD_REPLACE, obj,
                             NULL) == THP_ERR_SYNTAX);
}

/* Every allocation in turn fails: a clean THP_ERR_NOMEM, then success. */
static void test_nomem(void)
{
    struct thp_jsonread_obj obj;
    struct thp_buf line;
    struct thp_err err;
    long k;
    size_t i;
    int rc = THP_ERR_NOMEM, clean = 1;

    thp_buf_init(&line, 0);
    thp_buf_putc(&line, '{');
    for (i = 0; i < 40; i++)
        thp_buf_printf(&line, "\"key%zu\":\"%0*d\",", i, (int)(i * 10), 0);
    thp_buf_puts(&line, "\"last\":[1,{\"x\":2}]}");
    if (line.rc != THP_OK) {
        CHECK(0);
        return;
    }
    for (k = 0; k < 100 && rc != THP_OK; k++) {
        thp_jsonread_init(&obj);
        thp_err_clear(&err);
        thp_mem_fail_after(k);
        rc = thp_jsonread_parse(line.s, line.n, 0, &obj, &err);
        thp_mem_fail_after(-1);
        if (rc != THP_OK && (rc != THP_ERR_NOMEM || err.rc != rc))
            clean = 0;
        if (rc != THP_OK && obj.n != 0)
            clean = 0;
        if (rc == THP_OK && obj.n != 41)
            clean = 0;
        thp_jsonread_release(&obj);
    }
    CHECK(clean);
    CHECK(rc == THP_OK);
    CHECK(k > 1);
    thp_buf_release(&line);
}

int main(void)
{
    struct thp_jsonread_obj obj;

    /* one object for everything: reuse across lines is the normal case */
    thp_jsonread_init(&obj);
    test_values(&obj);
    test_errors(&obj);
    test_blank(&obj);
    test_members(&obj);
    test_large(&obj);
    test_depth(&obj);
    test_replace(&obj);
    thp_jsonread_release(&obj);
    thp_jsonread_release(&obj); /* release twice, and NULL, are fine */
    thp_jsonread_release(NULL);
    test_nomem();
    return check_done("jsonread");
}
