/*
** sniff_test.c: binary files under a text name are refused with a reason;
** short and unusual but real texts, in any script and encoding, pass.
** Each input goes the indexer's way: thp_sniff_bytes on the raw bytes,
** thp_text_prepare, thp_sniff_text on the result.
*/
#include <stdlib.h>

#include "check.h"
#include "thp/mem.h"
#include "thp/sniff.h"

/* THP_OK, or the refusal's code with its message in why. */
static int judge(const char *s, size_t n, int html, char *why, size_t len)
{
    struct thp_text_info ti;
    struct thp_buf out;
    struct thp_err err;
    int rc;

    thp_err_clear(&err);
    thp_buf_init(&out, 0);
    thp_text_info_init(&ti);
    rc = thp_sniff_bytes(s, n, &err);
    if (rc == THP_OK)
        rc = thp_text_prepare(s, n, html ? THP_TEXT_HTML : 0, &out, &ti, &err);
    if (rc == THP_OK)
        rc = thp_sniff_text(out.s ? out.s : "", out.n, &ti, &err);
    snprintf(why, len, "%s", rc == THP_OK ? "" : err.msg);
    thp_buf_release(&out);
    return rc;
}

#define B(lit) lit, sizeof lit - 1

/* Real texts: every one must pass. */
static const struct {
    const char *s;
    size_t n;
    const char *what;
} good[] = {
    {B("hello"), "one ASCII word"},
    {B("x"), "one letter"},
    {B("Null report\nhello\0world caf\xe9 numbatword\n"), "a stray NUL"},
    {B("\n"), "a newline"},
    {B("Z\xfcrich"), "one word, Latin-1"},
    {B("caf\xe9 \x93quoted\x94 \x96 dash \x80"), "cp1252 punctuation"},
    {B("\xff\xfe" "H\0i\0 \0t\0h\0e\0r\0e\0"), "UTF-16LE with BOM"},
    {B("\xfe\xff\0H\0i"), "UTF-16BE with BOM"},
    {B("\xff\xfe\xb1\x03\xbb\x03\xb5\x03"), "UTF-16LE Greek"},
    {B("\xff\xfe\x2d\x4e\x87\x65"), "UTF-16LE CJK (no NUL bytes)"},
    {B("H\0e\0l\0l\0o\0 \0w\0o\0r\0l\0d\0"), "UTF-16LE without BOM"},
    {B("\xce\x9a\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1"),
     "Greek, UTF-8"},
    {B("\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0"), "Russian, cp1251"},
    {B("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"), "Russian, UTF-8"},
    {B("\xe4\xb8\xad\xe6\x96\x87"), "Chinese, two characters"},
    {B("\xe9\x9b\xa3\xe6\xb0\x91\xe3\x81\xa8\xe7\xa7\xbb\xe6\xb0\x91"),
     "Japanese"},
    {B("\xd8\xa7\xd9\x84\xd9\x84\xd8\xa7\xd8\xac\xd8\xa6\xd9\x88\xd9\x86"),
     "Arabic"},
    {B("\xd7\xa4\xd7\x9c\xd7\x99\xd7\x98"), "Hebrew"},
    {B("\xe0\xa4\xb6\xe0\xa4\xb0\xe0\xa4\xa3\xe0\xa4\xbe\xe0\xa4\xb0\xe0"
       "\xa5\x8d\xe0\xa4\xa5\xe0\xa5\x80"), "Hindi"},
    {B("\xef\xbb\xbf" "BOM and text"), "UTF-8 BOM"},
    {B("\xf0\x9f\x98\x80"), "one emoji"},
    {B("S\xc3\x83\xc2\xa3o Paulo"), "mojibake (repaired, not refused)"},
    {B("tab\tand\fform feed\r\nCRLF"), "tabs, form feeds, CRLF"},
    {B("<html><head><title>t</title></head><body><p>x</p></body></html>"),
     "a small page"},
    {B("MZ is how the file starts"), "text starting MZ"},
    {B("BZh, not bzip2"), "text starting BZh"},
    {B("GIF8 is not GIF89a"), "text starting GIF8"},
    {B("%PD is not a PDF"), "text starting %PD"},
    {B("a\x1b[1mbold\x1b[0m with escapes, mostly text"),
     "a few escape codes"},
};

/* Not text: each must be refused, its reason naming what it is. */
static const struct {
    const char *s;
    size_t n;
    const char *why;
} bad[] = {
    {B("\xff\xfe\x00"), "undecodable"},
    {B("PK\x03\x04\x14\0\0\0"), "ZIP"},
    {B("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "PNG"},
    {B("\xff\xd8\xff\xe0\0\x10JFIF"), "JPEG"},
    {B("GIF89a\x01\0\x01\0"), "GIF"},
    {B("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), "PDF"},
    {B("\x7f" "ELF\x02\x01\x01"), "ELF"},
    {B("\x1f\x8b\x08\0\0\0\0\0"), "gzip"},
    {B("BZh91AY&SY"), "bzip2"},
    {B("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "OLE2"},
    {B("SQLite format 3\0"), "SQLite"},
    {B("text\0with\0nul\0bytes here and there\0\0"), "control"},
    {B("\0\0\0\0binary\0\0\0\0\0\0 with some text in between\0"), "NUL"},
    {B("\x01\x02\x03\x04\x05\x06\x07\x08 ab \x0e\x0f\x10\x11"), "control"},
};

static void random_bytes(void)
{
    char buf[20000], why[THP_ERR_LEN];
    unsigned x = 12345;
    size_t i;

    for (i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (char)(x >> 16);
    }
    CHECK(judge(buf, sizeof buf, 1, why, sizeof why) == THP_ERR_SYNTAX);
    CHECK(strncmp(why, "not text (", 10) == 0);
    /* random bytes without NULs: controls give them away */
    for (i = 0; i < sizeof buf; i++)
        if (buf[i] == 0)
            buf[i] = 1;
    CHECK(judge(buf, sizeof buf, 1, why, sizeof why) == THP_ERR_SYNTAX);
}

int main(void)
{
    char why[THP_ERR_LEN];
    size_t i;

    for (i = 0; i < sizeof good / sizeof *good; i++) {
        int rc = judge(good[i].s, good[i].n, 0, why, sizeof why);

        if (rc != THP_OK)
            fprintf(stderr, "refused %s: %s\n", good[i].what, why);
        CHECK(rc == THP_OK);
        CHECK(judge(good[i].s, good[i].n, 1, why, sizeof why) == THP_OK);
    }
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        int rc = judge(bad[i].s, bad[i].n, 1, why, sizeof why);

        if (rc != THP_ERR_SYNTAX || strstr(why, bad[i].why) == NULL)
            fprintf(stderr, "bad %zu: rc %d, '%s', want '%s'\n", i, rc, why,
                    bad[i].why);
        CHECK(rc == THP_ERR_SYNTAX);
        CHECK(strncmp(why, "not text (", 10) == 0);
        CHECK(strstr(why, bad[i].why) != NULL);
    }
    random_bytes();
    CHECK(thp_sniff_signature("", 0) == NULL);
    CHECK(thp_sniff_signature("PK", 2) == NULL);
    return check_done("sniff");
}
