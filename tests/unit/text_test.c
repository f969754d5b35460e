/*
** text_test.c: decoding (BOM, UTF-8 validity, declared charset, detector,
** fallback), cleaning (C1, controls, blanks, NFC), and the property that
** any bytes at all come out as valid UTF-8 without control characters.
*/
#include <stdint.h>
#include <stdlib.h>

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
