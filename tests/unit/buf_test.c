/* buf_test.c: growable buffer, caps, sticky errors, allocation failure. */
#include "check.h"
#include "thp/buf.h"
#include "thp/err.h"
#include "thp/mem.h"

int main(void)
{
    struct thp_buf b;
    char *s;
    int i;

    thp_buf_init(&b, 0);
    CHECK(b.s == NULL && b.n == 0);
    CHECK(thp_buf_puts(&b, "abc") == THP_OK);
    CHECK(thp_buf_printf(&b, "-%d-", 42) == THP_OK);
    CHECK_STR(b.s, "abc-42-");
    CHECK(b.n == 7);
    for (i = 0; i < 10000; i++)
        thp_buf_putc(&b, 'x');
    CHECK(b.n == 10007 && b.s[b.n] == '\0');
    thp_buf_reset(&b);
    CHECK(b.n == 0 && b.s[0] == '\0');
    CHECK(thp_buf_put_utf8(&b, 0xE3) == THP_OK);      /* ã */
    CHECK(thp_buf_put_utf8(&b, 0x2013) == THP_OK);    /* – */
    CHECK(thp_buf_put_utf8(&b, 0x1F600) == THP_OK);   /* 😀 */
    CHECK_STR(b.s, "\xC3\xA3\xE2\x80\x93\xF0\x9F\x98\x80");
    s = thp_buf_detach(&b);
    CHECK(s != NULL && b.s == NULL && b.n == 0);
    thp_free(s);
    s = thp_buf_detach(&b); /* empty buffer gives "" */
    CHECK(s != NULL && s[0] == '\0');
    thp_free(s);
    thp_buf_release(&b);

    /* the cap: the append that would pass it fails and sticks */
    thp_buf_init(&b, 5);
    CHECK(thp_buf_puts(&b, "12345") == THP_OK);
    CHECK(thp_buf_putc(&b, '6') == THP_ERR_TOOBIG);
    CHECK(thp_buf_puts(&b, "") == THP_ERR_TOOBIG);
    CHECK_STR(b.s, "12345");
    CHECK(thp_buf_detach(&b) == NULL);
    thp_buf_release(&b);

    /* allocation failure is reported, sticky, and leaks nothing */
    thp_buf_init(&b, 0);
    thp_mem_fail_after(0);
    CHECK(thp_buf_puts(&b, "abc") == THP_ERR_NOMEM);
    thp_mem_fail_after(-1);
    CHECK(thp_buf_puts(&b, "abc") == THP_ERR_NOMEM);
    thp_buf_release(&b);
    CHECK(thp_buf_puts(&b, "ok") == THP_OK);
    thp_buf_release(&b);

    /* errors: first one wins, messages are one line */
    {
        struct thp_err e;

        thp_err_clear(&e);
        CHECK(thp_err_set(&e, THP_ERR_IO, "first\nline") == THP_ERR_IO);
        CHECK(thp_err_set(&e, THP_ERR_DB, "second") == THP_ERR_DB);
        CHECK(e.rc == THP_ERR_IO);
        CHECK_STR(e.msg, "first line");
        CHECK(thp_err_set(NULL, THP_ERR_SYNTAX, "x") == THP_ERR_SYNTAX);
        CHECK(strcmp(thp_strerror(THP_ERR_NOMEM), "out of memory") == 0);
    }
    return check_done("buf");
}
