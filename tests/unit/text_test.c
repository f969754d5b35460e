/*
** text_test.c: decoding (BOM, UTF-8 validity, declared charset, detector,
** fallback), cleaning (C1, controls, blanks, NFC), and the property that
** any bytes at all come out as valid UTF-8 without control characters.
*/
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>

#include <utf8proc.h>

#include "check.h"
#include "thp/text.h"

/* Prepare in[0..n) and compare with want; check charset and source. */
static void expect(const char *in, size_t n, int flags, const char *want,
                   const char *charset, int source)
{
    struct thp_buf out;
    struct thp_text_info ti;
    struct thp_err e;

    thp_buf_init(&out, 0);
    thp_text_info_init(&ti);
    thp_err_clear(&e);
    CHECK(thp_text_prepare(in, n, flags, &out, &ti, &e) == THP_OK);
    CHECK_STR(out.s ? out.s : "", want);
    if (charset)
        CHECK_STR(ti.charset, charset);
    if (source >= 0 && ti.source != source)
        fprintf(stderr, "  source %s for %s\n", thp_text_source_name(ti.source),
                want);
    if (source >= 0)
        CHECK(ti.source == source);
    thp_buf_release(&out);
}

#define EXPECT(in, flags, want, cs, src) \
    expect(in, sizeof(in) - 1, flags, want, cs, src)

/* A few hundred bytes of Windows-1252 prose, no declaration. */
static const char cp1252_prose[] =
    "The consultation in Istanbul was organised with Bilgi University\x92s "
    "Center for Migration Research. Participants discussed \x93irregular "
    "migration\x94 and the labour market \x96 and the role of cities. "
    "Officials explained that the consultation came at the right time, as "
    "preparations for a new law on asylum were under way. The draft law "
    "would open the way to Turkey meeting most of the requirements set by "
    "the EU \x96 short of lifting the geographical limitation of the 1951 "
    "Geneva Convention. THP\x92s representatives highlighted the link "
    "between urban challenges and the business sector\x85";

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static int has_controls(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c < 0x20 && c != '\n' && c != '\f') || c == 0x7F)
            return 1;
        /* C1 controls U+0080..U+009F are C2 80..C2 9F */
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] < 0xA0)
            return 1;
    }
    return 0;
}

/* UTF-8 s encoded in charset by iconv, into out (size cap); its length
** or 0 when iconv cannot. */
static size_t encode(const char *s, const char *charset, char *out,
                     size_t cap)
{
    iconv_t cd = iconv_open(charset, "UTF-8");
    char *ip = (char *)s, *op = out;
    size_t il = strlen(s), ol = cap;

    if (cd == (iconv_t)-1)
        return 0;
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0) {
        iconv_close(cd);
        return 0;
    }
    iconv_close(cd);
    return cap - ol;
}

/*
** Short undeclared texts: Central European ones written in Windows-1250
** and ISO-8859-2 are read as such, Western ones in Windows-1252 stay
** Windows-1252. Prints the counts; every one must be right.
*/
static void test_central(void)
{
    static const char *const central[] = {
        /* Polish */
        "\xC5\x81\xC3\xB3" "d\xC5\xBA",
        "Za\xC5\xBC\xC3\xB3\xC5\x82\xC4\x87 g\xC4\x99\xC5\x9Bl\xC4\x85 "
        "ja\xC5\xBA\xC5\x84",
        "Spotkanie w Gda\xC5\x84sku i Wroc\xC5\x82" "awiu",
        "Uchod\xC5\xBA" "cy w \xC5\x81odzi",
        /* Czech */
        "P\xC5\x99\xC3\xADli\xC5\xA1 \xC5\xBElu\xC5\xA5ou\xC4\x8Dk\xC3\xBD "
        "k\xC5\xAF\xC5\x88",
        "Uprchl\xC3\xAD" "ci v \xC4\x8C" "esk\xC3\xA9 republice",
        "M\xC4\x9Bsto Brno a \xC5\x98" "editelstv\xC3\xAD",
        /* Slovak */
        "\xC4\xBD" "udsk\xC3\xA9 pr\xC3\xA1va v \xC5\xBD" "iline",
        "Ut\xC3\xA1" "ren\xC3\xAD" "ci na Slovensku \xC5\xBEij\xC3\xBA",
        /* Hungarian */
        "Menek\xC3\xBCltek Gy\xC5\x91rben",
        "\xC3\x81rv\xC3\xADzt\xC5\xB1r\xC5\x91 t\xC3\xBCk\xC3\xB6rf\xC3\xBAr"
        "\xC3\xB3g\xC3\xA9p",
        "A v\xC3\xA1ros \xC3\xA9s a b\xC5\x91v\xC3\xADt\xC3\xA9s",
        /* Croatian */
        "Izbjeglice u Zagrebu dobile su pomo\xC4\x87",
        "\xC4\x90" "akovo, \xC5\xA0ibenik i \xC4\x8C" "akovec",
        /* Slovene */
        "Be\xC5\xBE" "ci v \xC5\xA0" "kofji Loki",
        "\xC5\xBD" "ivljenje v Ljubljani \xC4\x8D" "aka",
        /* Romanian (comma below is not in these code pages: cedilla) */
        "Migran\xC5\xA3ii \xC5\x9Fi refugia\xC5\xA3ii",
        "\xC3\x8En Rom\xC3\xA2nia \xC5\x9F" "coala",
    };
    static const char *const western[] = {
        "caf\xC3\xA9", "S\xC3\xA3o Paulo", "Z\xC3\xBCrich und Genf",
        "informa\xC3\xA7\xC3\xB5" "es p\xC3\xBA" "blicas",
        "Ni\xC3\xB1os en M\xC3\xA1laga", "\xC3\x89" "cole d\xE2\x80\x99\xC3\xA9" "t\xC3\xA9",
        "Fl\xC3\xBC" "chtlinge in K\xC3\xB6ln", "co\xC3\xB6rdinatie",
        "Bras\xC3\xADlia \xE2\x80\x93 \xE2\x80\x9C" "debate\xE2\x80\x9D",
        "Malm\xC3\xB6 och G\xC3\xB6teborg", "\xC3\x85lborg", "na\xC3\xAFve",
        "\xC2\xBFQu\xC3\xA9? \xC2\xA1" "Ol\xC3\xA9!", "5 \xE2\x82\xAC",
        "Citt\xC3\xA0 e universit\xC3\xA0",
    };
    static const char *const cps[] = {"WINDOWS-1250", "ISO-8859-2"};
    char enc[512];
    size_t i, k, n, right = 0, tried = 0, wright = 0, wtried = 0;

    for (i = 0; i < sizeof central / sizeof central[0]; i++) {
        for (k = 0; k < 2; k++) {
            struct thp_buf out;

            n = encode(central[i], cps[k], enc, sizeof enc);
            if (n == 0)
                continue;
            tried++;
            thp_buf_init(&out, 0);
            if (thp_text_prepare(enc, n, 0, &out, NULL, NULL) == THP_OK &&
                strcmp(out.s ? out.s : "", central[i]) == 0)
                right++;
            else
                fprintf(stderr, "central %s: %s -> %s\n", cps[k],
                        central[i], out.s ? out.s : "");
            thp_buf_release(&out);
        }
    }
    for (i = 0; i < sizeof western / sizeof western[0]; i++) {
        struct thp_buf out;

        n = encode(western[i], "WINDOWS-1252", enc, sizeof enc);
        if (n == 0)
            continue;
        wtried++;
        thp_buf_init(&out, 0);
        if (thp_text_prepare(enc, n, 0, &out, NULL, NULL) == THP_OK &&
            strcmp(out.s ? out.s : "", western[i]) == 0)
            wright++;
        else
            fprintf(stderr, "western: %s -> %s\n", western[i],
                    out.s ? out.s : "");
        thp_buf_release(&out);
    }
    printf("short Central European texts: %zu/%zu read right; short "
           "Western ones: %zu/%zu\n", right, tried, wright, wtried);
    CHECK(tried >= 30 && right == tried);
    CHECK(wtried >= 14 && wright == wtried);
}

/*
** Blanks folded as they should be on ASCII text, whatever the length of
** its runs (the cleaning pass takes eight bytes at a time where it can):
** runs of spaces and tabs become one space, none at either end.
*/
static void test_blank_folding(void)
{
    static const char alphabet[] = "abcXYZ09.,;  \t~!";
    size_t i, bad = 0;

    for (i = 0; i < 3000; i++) {
        char in[80], want[80];
        size_t n = next_rand() % sizeof in, j, w = 0;
        int pending = 0;
        struct thp_buf out;

        for (j = 0; j < n; j++)
            in[j] = alphabet[next_rand() % (sizeof alphabet - 1)];
        for (j = 0; j < n; j++) {
            if (in[j] == ' ' || in[j] == '\t') {
                pending = w > 0;
                continue;
            }
            if (pending)
                want[w++] = ' ';
            pending = 0;
            want[w++] = in[j];
        }
        want[w] = '\0';
        thp_buf_init(&out, 0);
        if (thp_text_clean(in, n, &out, NULL, NULL) != THP_OK ||
            strcmp(out.s ? out.s : "", want) != 0) {
            fprintf(stderr, "blanks: \"%.*s\" -> \"%s\", want \"%s\"\n",
                    (int)n, in, out.s ? out.s : "", want);
            bad++;
        }
        thp_buf_release(&out);
    }
    CHECK(bad == 0);
}

/*
** NFC by stretches, after the quick check, equals utf8proc's NFC of the
** whole text: marks that compose, marks that only reorder (Hebrew, Arabic,
** Thai, Devanagari) in and out of order, a control dropped between two
** marks, line breaks.
*/
static void test_nfc_stretches(void)
{
    static const unsigned pool[] = {
        'a', 'e', 'o', ' ', '.', 0x0301, 0x0300, 0x0308, 0x0323, 0x0302,
        0x00E9, 0x1EA5, 0x1100, 0x1161, 0x11A8, 0xAC00, 0x0B47, 0x0B3E,
        0x0BC6, 0x0BBE, 0x0915, 0x093C, 0x094D, 0x0E38, 0x0E48, 0x212B,
        0x0344, 0x1F71, 0x03B1, 0x0439, 0x0418, 0x0306, 0x05B8, 0x05D0,
        0x0F73, 0x1D15E, 0x0958, 0x3099, 0x304B, 0xFB2C, 0x05B0, 0x05B7,
        0x05BC, 0x064B, 0x0650, 0x0651, 0x0628, 0x0E01, 0x0E39, 0x0E49,
        0x0316, 0x031B, 0x0007, '\n', 0x1F600, 0x1F3FB, 0x0E40,
    };
    size_t i, bad = 0;

    for (i = 0; i < 6000; i++) {
        struct thp_buf in, out, plain;
        size_t len = next_rand() % 24, j;
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_ssize_t m;

        thp_buf_init(&in, 0);
        thp_buf_init(&out, 0);
        thp_buf_init(&plain, 0);
        thp_buf_putc(&in, 'x');
        thp_buf_putc(&plain, 'x');
        for (j = 0; j < len; j++) {
            unsigned c = pool[next_rand() % (sizeof pool / sizeof pool[0])];

            /* a line break must not end up at either end */
            if (c == '\n' && (j == 0 || j + 1 == len))
                c = 'o';
            thp_buf_put_utf8(&in, c);
            if (c != 0x0007) /* dropped by cleaning */
                thp_buf_put_utf8(&plain, c);
        }
        thp_buf_putc(&in, 'x');
        thp_buf_putc(&plain, 'x');
        m = utf8proc_map((const utf8proc_uint8_t *)plain.s,
                         (utf8proc_ssize_t)plain.n, &nfc,
                         UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (thp_text_clean(in.s, in.n, &out, NULL, NULL) != THP_OK ||
            m < 0 || (size_t)m != out.n ||
            memcmp(nfc, out.s, (size_t)m) != 0) {
            /* blanks and empty lines are folded by cleaning: compare
            ** only text without them */
            if (strchr(in.s, ' ') == NULL &&
                strstr(in.s, "\n\n\n") == NULL) {
                fprintf(stderr, "NFC differs for %s\n", in.s);
                bad++;
            }
        }
        free(nfc);
        thp_buf_release(&in);
        thp_buf_release(&out);
        thp_buf_release(&plain);
    }
    CHECK(bad == 0);
}

/*
** thp_text_prepare validates UTF-8 in the repair's scan and decodes only
** what is not UTF-8; its text and counts must be those of the stages run
** one after the other: decode, references, repair, clean. Inputs: UTF-8
** with mojibake, references and both, and the same with a stray byte
** that is not UTF-8 early, late, or inside a damaged line.
*/
static void test_one_pass(void)
{
    static const char *const parts[] = {
        "S\xC3\x83\xC2\xA3o Paulo", "caf\xC3\xA9", "&eacute;&amp;",
        "10\xC3\x8E&frac14;s", "\xE2\x88\x9A\xC2\xA3", " ", "\n",
        "plain words ", "\xE9", "\x92", "\xC3", "\xE2\x80\x99",
        "\xCE\xB1\xCE\xB2", "&#233;", "\xEF\xBB\xBF",
    };
    size_t i, bad = 0;

    for (i = 0; i < 3000; i++) {
        struct thp_buf in, a, b, c, want, got;
        struct thp_text_info ti, tw;
        size_t k = 1 + next_rand() % 12, j;
        int changed;

        thp_buf_init(&in, 0);
        thp_buf_init(&a, 0);
        thp_buf_init(&b, 0);
        thp_buf_init(&c, 0);
        thp_buf_init(&want, 0);
        thp_buf_init(&got, 0);
        for (j = 0; j < k; j++)
            thp_buf_puts(&in, parts[next_rand() %
                                    (sizeof parts / sizeof parts[0])]);
        thp_text_info_init(&ti);
        thp_text_info_init(&tw);
        thp_text_decode(in.s, in.n, 0, &a, &tw, NULL);
        thp_repair_entities(a.s ? a.s : "", a.n, &b, &tw.repair, NULL);
        thp_repair_text_lazy(b.s ? b.s : "", b.n, &c, &tw.repair, NULL,
                             &changed);
        if (!changed)
            thp_buf_append(&c, b.s ? b.s : "", b.n);
        thp_text_clean(c.s ? c.s : "", c.n, &want, &tw, NULL);
        if (thp_text_prepare(in.s, in.n, 0, &got, &ti, NULL) != THP_OK ||
            got.n != want.n || (got.n && memcmp(got.s, want.s, got.n)) ||
            memcmp(&ti, &tw, sizeof ti) != 0) {
            if (bad < 5)
                fprintf(stderr, "one pass differs for \"%s\": \"%s\", "
                        "want \"%s\"\n", in.s, got.s ? got.s : "",
                        want.s ? want.s : "");
            bad++;
        }
        thp_buf_release(&in);
        thp_buf_release(&a);
        thp_buf_release(&b);
        thp_buf_release(&c);
        thp_buf_release(&want);
        thp_buf_release(&got);
    }
    CHECK(bad == 0);
}

/* Texts for the generated cases below, in several scripts. */
static const char *const texts[] = {
    "The consultation took place in Johannesburg and Lyon.",
    "A coopera\xC3\xA7\xC3\xA3o entre S\xC3\xA3o Paulo e Lisboa \xC3\xA9 "
    "grande.",
    "Die Fl\xC3\xBC" "chtlinge in Z\xC3\xBCrich erhielten Hilfe.",
    "Za\xC5\xBC\xC3\xB3\xC5\x82\xC4\x87 g\xC4\x99\xC5\x9Bl\xC4\x85 "
    "ja\xC5\xBA\xC5\x84 w \xC5\x81odzi.",
    "\xD0\x91\xD0\xB5\xD0\xB6\xD0\xB5\xD0\xBD\xD1\x86\xD1\x8B \xD0\xB8 "
    "\xD0\xBC\xD0\xB8\xD0\xB3\xD1\x80\xD0\xB0\xD0\xBD\xD1\x82\xD1\x8B.",
    "\xCE\x97 \xCE\x95\xCE\xBB\xCE\xBB\xCE\xAC\xCE\xB4\xCE\xB1 \xCF\x80"
    "\xCF\x81\xCF\x8C\xCF\x83\xCF\x86\xCF\x85\xCE\xB3\xCE\xB5\xCF\x82.",
    "\xE9\x9A\xBE\xE6\xB0\x91 \xE5\x92\x8C \xE7\xA7\xBB\xE6\xB0\x91.",
};

#define N_TEXTS (sizeof texts / sizeof texts[0])

/* Prepare s[0..n) into out (reset first); 1 if it went through. */
static int prep(const char *s, size_t n, struct thp_buf *out)
{
    thp_buf_reset(out);
    return thp_text_prepare(s, n, 0, out, NULL, NULL) == THP_OK;
}

/*
** Terminal escapes go whole, line and paragraph separators are line
** breaks, and capital entity names are decoded in plain text: each
** generated over the texts above, and counted. An escape put before
** every word must leave the text as it was without it; U+2028 and
** U+2029 between the sentences must give the text with "\n" and "\n\n";
** a capital word written with &XXX; references must give the word.
*/
static void test_generated_cleaning(void)
{
    static const char *const escapes[] = {
        "\x1B[31m", "\x1B[0m", "\x1B[1;32m", "\x1B[K", "\x1B[2J",
        "\x1B[?25l", "\x1B[38;5;208m", "\x1B[2 q", "\x1B]0;a title\x07",
        "\x1B]8;;http://example.org/\x1B\\", "\x1B(B", "\x1B)0", "\x1B" "7",
        "\x1B" "8", "\x1B=", "\x1B>", "\x1B" "c", "\x1BM",
    };
    static const struct {
        unsigned cp;
        const char *name;
    } caps[] = {
        {0xC0, "AGRAVE"}, {0xC1, "AACUTE"}, {0xC2, "ACIRC"},
        {0xC3, "ATILDE"}, {0xC4, "AUML"}, {0xC5, "ARING"}, {0xC7, "CCEDIL"},
        {0xC8, "EGRAVE"}, {0xC9, "EACUTE"}, {0xCA, "ECIRC"}, {0xCB, "EUML"},
        {0xCD, "IACUTE"}, {0xCE, "ICIRC"}, {0xD1, "NTILDE"},
        {0xD3, "OACUTE"}, {0xD4, "OCIRC"}, {0xD5, "OTILDE"}, {0xD6, "OUML"},
        {0xD8, "OSLASH"}, {0xDA, "UACUTE"}, {0xDC, "UUML"},
        {0xDD, "YACUTE"},
    };
    struct thp_buf in, want, got, tmp;
    size_t i, e, k, tried = 0, fixed = 0;

    thp_buf_init(&in, 0);
    thp_buf_init(&want, 0);
    thp_buf_init(&got, 0);
    thp_buf_init(&tmp, 0);
    for (i = 0; i < N_TEXTS; i++) {
        const char *t = texts[i];

        prep(t, strlen(t), &want);
        for (e = 0; e < sizeof escapes / sizeof escapes[0]; e++) {
            const char *p;

            thp_buf_reset(&in);
            thp_buf_puts(&in, escapes[e]);
            for (p = t; *p; p++) {
                thp_buf_putc(&in, *p);
                if (*p == ' ')
                    thp_buf_puts(&in, escapes[e]);
            }
            tried++;
            if (prep(in.s, in.n, &got) && got.n == want.n &&
                memcmp(got.s, want.s, want.n) == 0)
                fixed++;
            else
                fprintf(stderr, "escape %zu left: %s\n", e, got.s);
        }
    }
    printf("terminal escapes dropped whole: %zu/%zu texts\n", fixed, tried);
    CHECK(tried > 0 && fixed == tried);
    /* separators: all the texts as one, U+2028 or U+2029 between them */
    for (k = 0; k < 2; k++) {
        thp_buf_reset(&in);
        thp_buf_reset(&tmp);
        for (i = 0; i < N_TEXTS; i++) {
            if (i) {
                thp_buf_puts(&in, k ? "\xE2\x80\xA9" : "\xE2\x80\xA8");
                thp_buf_puts(&tmp, k ? "\n\n" : "\n");
            }
            thp_buf_puts(&in, texts[i]);
            thp_buf_puts(&tmp, texts[i]);
        }
        prep(tmp.s, tmp.n, &want);
        CHECK(prep(in.s, in.n, &got));
        CHECK(got.n == want.n && memcmp(got.s, want.s, want.n) == 0);
    }
    /* capital references: every capital letter above, in a word */
    tried = fixed = 0;
    for (k = 0; k < sizeof caps / sizeof caps[0]; k++) {
        thp_buf_reset(&in);
        thp_buf_reset(&tmp);
        thp_buf_printf(&in, "CAF&%s; &%s;COLE AND &%s;&%s;",
                       caps[k].name, caps[k].name, caps[k].name,
                       caps[k].name);
        thp_buf_puts(&tmp, "CAF");
        thp_buf_put_utf8(&tmp, caps[k].cp);
        thp_buf_putc(&tmp, ' ');
        thp_buf_put_utf8(&tmp, caps[k].cp);
        thp_buf_puts(&tmp, "COLE AND ");
        thp_buf_put_utf8(&tmp, caps[k].cp);
        thp_buf_put_utf8(&tmp, caps[k].cp);
        tried++;
        if (prep(in.s, in.n, &got) && strcmp(got.s, tmp.s) == 0)
            fixed++;
        else
            fprintf(stderr, "capital reference left: %s\n", got.s);
    }
    printf("capital references decoded: %zu/%zu\n", fixed, tried);
    CHECK(fixed == tried);
    thp_buf_release(&in);
    thp_buf_release(&want);
    thp_buf_release(&got);
    thp_buf_release(&tmp);
}

int main(void)
{
    size_t i, bad = 0;

    /* UTF-8 validation */
    CHECK(thp_text_utf8_valid("plain ascii", 11));
    CHECK(thp_text_utf8_valid("S\xC3\xA3o", 4));
    CHECK(!thp_text_utf8_valid("S\xE3o", 3));
    CHECK(!thp_text_utf8_valid("\xC0\x80", 2));         /* overlong NUL */
    CHECK(!thp_text_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    CHECK(!thp_text_utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
    CHECK(!thp_text_utf8_valid("\xE2\x80", 2));         /* truncated */
    CHECK(thp_text_utf8_valid("\xF0\x9F\x98\x80", 4));

    /* byte order marks */
    EXPECT("\xEF\xBB\xBFS\xC3\xA3o Paulo", 0, "S\xC3\xA3o Paulo", "UTF-8",
           THP_SRC_BOM);
    EXPECT("\xFF\xFES\0\xE3\0o\0", 0, "S\xC3\xA3o", "UTF-16LE", THP_SRC_BOM);
    EXPECT("\xFE\xFF\0S\0\xE3\0o", 0, "S\xC3\xA3o", "UTF-16BE", THP_SRC_BOM);

    /* valid UTF-8 wins over a false declaration */
    EXPECT("<meta charset=\"iso-8859-1\"><p>S\xC3\xA3o</p>", THP_TEXT_HTML,
           "<meta charset=\"iso-8859-1\"><p>S\xC3\xA3o</p>", "UTF-8",
           THP_SRC_UTF8);
    /* declared charsets: meta charset, http-equiv, XML declaration */
    EXPECT("<meta charset=windows-1252><p>THP\x92s \x96 S\xE3o</p>",
           THP_TEXT_HTML,
           "<meta charset=windows-1252><p>THP\xE2\x80\x99s \xE2\x80\x93 "
           "S\xC3\xA3o</p>",
           "WINDOWS-1252", THP_SRC_DECLARED);
    EXPECT("<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; "
           "charset=ISO-8859-2\">\xA3\xF3\x64\xBC",
           THP_TEXT_HTML,
           "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; "
           "charset=ISO-8859-2\">\xC5\x81\xC3\xB3\x64\xC5\xBA",
           "ISO-8859-2", THP_SRC_DECLARED);
    EXPECT("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xE9</a>",
           THP_TEXT_HTML,
           "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xC3\xA9</a>",
           "WINDOWS-1252", THP_SRC_DECLARED);
    /* without THP_TEXT_HTML a declaration is not looked for */
    EXPECT("<meta charset=iso-8859-2>\xA3", 0, "<meta charset=iso-8859-2>\xC2\xA3",
           "WINDOWS-1252", THP_SRC_FALLBACK);

    /* UTF-8 with a stray Windows-1252 byte keeps its UTF-8 */
    EXPECT("S\xC3\xA3o Paulo \x96 Rotterdam", 0,
           "S\xC3\xA3o Paulo \xE2\x80\x93 Rotterdam", "UTF-8", THP_SRC_UTF8);
    /* short legacy text: the Windows-1252 fallback */
    EXPECT("caf\xE9", 0, "caf\xC3\xA9", "WINDOWS-1252", THP_SRC_FALLBACK);
    /* UTF-16LE without a BOM */
    EXPECT("R\0o\0t\0t\0e\0r\0d\0a\0m\0 \0p\0i\0l\0o\0t\0", 0,
           "Rotterdam pilot", "UTF-16LE", THP_SRC_DETECTED);
    /* a long undeclared legacy text goes to the detector */
    {
        struct thp_buf out;
        struct thp_text_info ti;

        thp_buf_init(&out, 0);
        thp_text_info_init(&ti);
        CHECK(thp_text_prepare(cp1252_prose, sizeof cp1252_prose - 1, 0, &out,
                               &ti, NULL) == THP_OK);
        CHECK(ti.source == THP_SRC_DETECTED || ti.source == THP_SRC_FALLBACK);
        CHECK(strstr(out.s, "University\xE2\x80\x99s") != NULL);
        CHECK(strstr(out.s, "\xE2\x80\x9Cirregular migration\xE2\x80\x9D") !=
              NULL);
        CHECK(ti.n_invalid == 0);
        thp_buf_release(&out);
    }
    /* Portuguese that libuchardet takes for Windows-1250 stays Western,
    ** while Polish stays Central European */
    {
        static const char pt[] =
            "Os participantes de S\xE3o Paulo, Bras\xEDlia e Lisboa "
            "discutiram a integra\xE7\xE3o dos migrantes nas cidades. "
            "A coopera\xE7\xE3o entre empresas e governos locais \xE9 "
            "essencial; as pol\xEDticas p\xFA" "blicas de S\xE3o Paulo e de "
            "Porto Alegre mostram como a educa\xE7\xE3o e a forma\xE7\xE3o "
            "profissional ajudam os rec\xE9m-chegados. N\xE3o h\xE1 "
            "solu\xE7\xF5" "es f\xE1" "ceis, mas as li\xE7\xF5" "es s\xE3o claras.";
        static const char pl[] =
            "Uczestnicy z \xA3odzi, Wroc\xB3" "awia i Gda\xF1ska rozmawiali o "
            "integracji migrant\xF3w w miastach. Wsp\xF3\xB3praca mi\xEA" "dzy "
            "firmami i w\xB3" "adzami lokalnymi jest niezb\xEA" "dna; polityka "
            "miejska pokazuje, \xBF" "e edukacja i szkolenia zawodowe "
            "pomagaj\xB9 przyby\xB3ym. Nie ma \xB3" "atwych rozwi\xB9za\xF1, "
            "ale wnioski s\xB9 jasne i warto je stosowa\xE6 w praktyce.";
        struct thp_buf out;
        struct thp_text_info ti;

        thp_buf_init(&out, 0);
        thp_text_info_init(&ti);
        CHECK(thp_text_prepare(pt, sizeof pt - 1, 0, &out, &ti, NULL) ==
              THP_OK);
        CHECK(strstr(out.s, "S\xC3\xA3o Paulo") != NULL);
        CHECK(strstr(out.s, "integra\xC3\xA7\xC3\xA3o") != NULL);
        thp_buf_release(&out);
        thp_buf_init(&out, 0);
        thp_text_info_init(&ti);
        CHECK(thp_text_prepare(pl, sizeof pl - 1, 0, &out, &ti, NULL) ==
              THP_OK);
        CHECK(strstr(out.s, "\xC5\x81odzi") != NULL); /* Łodzi */
        CHECK(strstr(out.s, "Wroc\xC5\x82" "awia") != NULL);
        thp_buf_release(&out);
    }
    /* an undefined Windows-1252 byte becomes U+FFFD and is counted */
    {
        struct thp_buf out;
        struct thp_text_info ti;

        thp_buf_init(&out, 0);
        thp_text_info_init(&ti);
        CHECK(thp_text_prepare("a\x81z", 3, 0, &out, &ti, NULL) == THP_OK);
        CHECK_STR(out.s, "a\xEF\xBF\xBDz");
        CHECK(ti.n_invalid == 1);
        thp_buf_release(&out);
    }

    /* cleaning */
    EXPECT("line one\r\nline two\rthree", 0, "line one\nline two\nthree",
           NULL, -1);
    EXPECT("a\0b\x01" "c\x7F" "d", 0, "abcd", NULL, -1);
    EXPECT("  many    blanks \t here  \n\n\n\nnext  ", 0,
           "many blanks here\n\nnext", NULL, -1);
    EXPECT("no\xC2\xA0" "break", 0, "no break", NULL, -1);
    EXPECT("C1 \xC2\x96 dash \xC2\x92 quote", 0,
           "C1 \xE2\x80\x93 dash \xE2\x80\x99 quote", NULL, -1);
    EXPECT("e\xCC\x81t\xC3\xA9", 0, "\xC3\xA9t\xC3\xA9", NULL, -1); /* NFC */
    EXPECT("\xE2\x84\xAB", 0, "\xC3\x85", NULL, -1);  /* ANGSTROM SIGN */
    EXPECT("\xE2\x84\xA6", 0, "\xCE\xA9", NULL, -1);  /* OHM SIGN */
    EXPECT("\xE1\x84\x80\xE1\x85\xA1", 0, "\xEA\xB0\x80", NULL, -1);
    EXPECT("S\xE1\xBA\xA5o", 0, "S\xE1\xBA\xA5o", NULL, -1); /* Sấo */
    EXPECT("page one\fpage two", 0, "page one\fpage two", NULL, -1);
    EXPECT("zero\xEF\xBB\xBFwidth", 0, "zerowidth", NULL, -1);
    /* clean text in other scripts comes back unchanged */
    EXPECT("\xCE\x95\xCE\xBB\xCE\xBB\xCE\xAC\xCE\xB4\xCE\xB1", 0,
           "\xCE\x95\xCE\xBB\xCE\xBB\xCE\xAC\xCE\xB4\xCE\xB1", "UTF-8", -1);
    EXPECT("\xE9\x9A\xBE\xE6\xB0\x91 \xD0\xB1\xD0\xB5\xD0\xB6", 0,
           "\xE9\x9A\xBE\xE6\xB0\x91 \xD0\xB1\xD0\xB5\xD0\xB6", "UTF-8", -1);
    EXPECT("S\xC3\x83O PAULO \xE2\x88\x9A" "2", 0,
           "S\xC3\x83O PAULO \xE2\x88\x9A" "2", "UTF-8", -1);

    /* terminal escapes go whole; line and paragraph separators break */
    EXPECT("\x1B[31mred\x1B[0m and \x1B[1;32mgreen\x1B[m", 0,
           "red and green", NULL, -1);
    EXPECT("one\xE2\x80\xA8two\xE2\x80\xA9three", 0, "one\ntwo\n\nthree",
           NULL, -1);
    EXPECT("lone \x1B escape", 0, "lone escape", NULL, -1);
    /* upper-case references in plain text */
    EXPECT("&EACUTE;COLE &AMP; CAF&EACUTE;", 0,
           "\xC3\x89" "COLE & CAF\xC3\x89", NULL, -1);
    test_central();
    test_nfc_stretches();
    test_blank_folding();
    test_one_pass();
    test_generated_cleaning();

    /* property: any bytes give valid UTF-8 without control characters */
    for (i = 0; i < 3000 && bad == 0; i++) {
        char in[256];
        size_t n = next_rand() % sizeof in, j;
        struct thp_buf out;
        int flags = (int)(next_rand() & 1);

        for (j = 0; j < n; j++) {
            uint32_t r = next_rand();
            /* bias toward ASCII so that texts look partly real */
            in[j] = (char)((r & 3) ? 0x20 + (r >> 8) % 0x5F : (r >> 8) & 0xFF);
        }
        thp_buf_init(&out, 0);
        if (thp_text_prepare(in, n, flags, &out, NULL, NULL) != THP_OK ||
            !thp_text_utf8_valid(out.s ? out.s : "", out.n) ||
            has_controls(out.s ? out.s : "", out.n)) {
            fprintf(stderr, "random input %zu breaks the property\n", i);
            bad++;
        }
        thp_buf_release(&out);
    }
    CHECK(bad == 0);
    return check_done("text");
}
