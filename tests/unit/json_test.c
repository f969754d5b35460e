/* json_test.c: JSON string escaping. */
#include "check.h"
#include "thp/json.h"

static const struct {
    const char *in;
    size_t n;
    const char *want;
} cases[] = {
    {"plain", 5, "\"plain\""},
    {"a\"b\\c", 5, "\"a\\\"b\\\\c\""},
    {"line\nnext\ttab", 13, "\"line\\nnext\\ttab\""},
    {"\x01\x1f", 2, "\"\\u0001\\u001f\""},
    {"</script>", 9, "\"<\\/script>\""},
    {"a/b", 3, "\"a/b\""},
    {"S\xC3\xA3o", 4, "\"S\xC3\xA3o\""},
    {"bad\xFF", 4, "\"bad\xEF\xBF\xBD\""},
    {"\xE2\x80\xA8", 3, "\"\\u2028\""},
    {"nul\0in", 6, "\"nul\\u0000in\""},
};

int main(void)
{
    struct thp_buf b;
    size_t i;

    thp_buf_init(&b, 0);
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        thp_buf_reset(&b);
        thp_json_str(&b, cases[i].in, cases[i].n);
        CHECK_STR(b.s, cases[i].want);
    }
    thp_buf_reset(&b);
    thp_buf_putc(&b, '{');
    thp_json_key(&b, "a", 1);
    thp_json_cstr(&b, NULL);
    thp_json_key(&b, "b", 0);
    thp_json_cstr(&b, "x");
    thp_buf_putc(&b, '}');
    CHECK_STR(b.s, "{\"a\":null,\"b\":\"x\"}");
    thp_buf_release(&b);
    return check_done("json");
}
