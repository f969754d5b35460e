/*
** passage_test.c: passages and concordance lines from a hit's own text:
** stems and folded accents are marked, side-by-side words are one mark,
** prefixes, the densest window wins wherever it is, several passages do
** not overlap, long texts are read up to THP_PASSAGE_SCAN only, kwic lines
** align, and invalid UTF-8 is harmless.
*/
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "thp/mem.h"
#include "thp/passage.h"
#include "thp/plan.h"
#include "thp/tok.h"

static thp_tokenizer *tok;

/* A plan over q whose words are q's blank-separated words; a word ending
** in '*' is a prefix (without the star), one in '"' quotes is exact. */
static thp_terms *terms_of(const char *q)
{
    struct thp_plan p;
    struct thp_qword w[16];
    thp_terms *t = NULL;
    size_t i = 0, n = 0, len = strlen(q);

    thp_plan_init(&p);
    while (i < len && n < 16) {
        size_t a;

        while (i < len && q[i] == ' ')
            i++;
        if (i >= len)
            break;
        a = i;
        while (i < len && q[i] != ' ')
            i++;
        memset(&w[n], 0, sizeof w[n]);
        w[n].off = a;
        w[n].len = i - a;
        if (q[a] == '"') {
            w[n].off++;
            w[n].len -= 2;
            w[n].exact = 1;
        } else if (q[i - 1] == '*') {
            w[n].len--;
            w[n].prefix = 1;
        }
        n++;
    }
    p.words = w;
    p.nwords = n;
    CHECK(thp_terms_new(tok, q, &p, &t) == THP_OK && t != NULL);
    p.words = NULL;
    p.nwords = 0;
    thp_plan_release(&p);
    return t;
}

static size_t count_of(const char *s, const char *needle)
{
    size_t c = 0;

    while ((s = strstr(s, needle)) != NULL) {
        c++;
        s += strlen(needle);
    }
    return c;
}

/* Passages of text for q; returns how many, *out set. */
static size_t find(const char *q, const char *lang, const char *text,
                   size_t n, size_t want, size_t width, int kwic,
                   struct thp_passage **out, size_t *nmatch)
{
    thp_terms *t = terms_of(q);
    size_t nout = 99;

    CHECK(thp_passages_find(tok, t, lang, text, n, want, width, kwic, out,
                            &nout, nmatch) == THP_OK);
    thp_terms_free(t);
    return nout;
}

static void test_marks(void)
{
    struct thp_passage *p;
    size_t np, nm;

    /* a stem: refugee marks refugees */
    np = find("refugee", "en", "Cities welcome many refugees every year.",
              40, 1, 80, 0, &p, &nm);
    CHECK(np == 1 && nm == 1);
    CHECK(np && strstr(p[0].text, "\x01refugees\x02") != NULL);
    thp_passages_free(p, np);

    /* an exact (quoted) word does not mark other forms */
    np = find("\"refugee\"", "en", "Cities welcome refugees; one refugee.",
              37, 1, 80, 0, &p, &nm);
    CHECK(np == 1 && nm == 1);
    CHECK(np && strstr(p[0].text, "\x01refugee\x02.") != NULL &&
          strstr(p[0].text, "\x01refugees") == NULL);
    thp_passages_free(p, np);

    /* folded accents: sao marks São */
    {
        const char *t = "A workshop in S\xC3\xA3o Leopoldo, far away.";

        np = find("sao", "pt", t, strlen(t), 1, 80, 0, &p, &nm);
        CHECK(np == 1 && nm == 1);
        CHECK(np && strstr(p[0].text, "\x01S\xC3\xA3o\x02 Leopoldo") != NULL);
        thp_passages_free(p, np);
    }

    /* side by side: "São Paulo" is one mark, and one occurrence */
    {
        const char *t = "Participants from S\xC3\xA3o Paulo and Lyon.";

        np = find("sao paulo", "pt", t, strlen(t), 1, 80, 0, &p, &nm);
        CHECK(np == 1);
        CHECK(np && strstr(p[0].text, "\x01S\xC3\xA3o Paulo\x02") != NULL);
        CHECK(np && count_of(p[0].text, "\x01") == 1);
        CHECK(nm == 1);
        thp_passages_free(p, np);
        /* the same in a concordance: one line */
        np = find("sao paulo", "pt", t, strlen(t), 0, 20, 1, &p, &nm);
        CHECK(np == 1);
        thp_passages_free(p, np);
    }
    /* words apart are two marks */
    {
        const char *t = "Paulo went to S\xC3\xA3o Tom\xC3\xA9 first.";

        np = find("sao paulo", "pt", t, strlen(t), 1, 80, 0, &p, &nm);
        CHECK(np == 1 && nm == 2);
        CHECK(np && count_of(p[0].text, "\x01") == 2);
        thp_passages_free(p, np);
    }

    /* prefix: integr* marks integration and integrated, not disintegrate */
    {
        const char *t = "Integration, integrated work; disintegrate.";

        np = find("integr*", "en", t, strlen(t), 1, 80, 0, &p, &nm);
        CHECK(np == 1 && nm == 2);
        CHECK(np && strstr(p[0].text, "\x01Integration\x02") != NULL &&
              strstr(p[0].text, "\x01integrated\x02") != NULL &&
              strstr(p[0].text, "\x01" "disintegrate") == NULL);
        thp_passages_free(p, np);
    }

    /* no words in the plan: no marks, the start of the text */
    {
        struct thp_plan pl;
        thp_terms *t = NULL;
        size_t nout = 9;

        thp_plan_init(&pl);
        CHECK(thp_terms_new(tok, "", &pl, &t) == THP_OK && t);
        CHECK(thp_passages_find(tok, t, "en", "Some text here.", 15, 1, 40,
                                0, &p, &nout, &nm) == THP_OK);
        CHECK(nout == 1 && nm == 0);
        CHECK(nout && strchr(p[0].text, '\x01') == NULL &&
              strncmp(p[0].text, "Some text", 9) == 0);
        thp_passages_free(p, nout);
        thp_terms_free(t);
        thp_plan_release(&pl);
    }
}

/* A text of n filler words, then tail. */
static char *filler(size_t words, const char *head, const char *tail)
{
    struct thp_buf b;
    size_t i;

    thp_buf_init(&b, 0);
    thp_buf_puts(&b, head);
    for (i = 0; i < words; i++)
        thp_buf_printf(&b, "%s ", i % 7 == 3 ? "harbour" : "lorem ipsum");
    thp_buf_puts(&b, tail);
    return thp_buf_detach(&b);
}

static void test_best(void)
{
    struct thp_passage *p;
    size_t np, nm;
    char *t;

    /* one lone match at the start, the dense part at the end */
    t = filler(3000, "The port of Rotterdam opened. ",
               "Rotterdam dockers and Rotterdam unions met the port of "
               "Rotterdam.");
    np = find("rotterdam port", "en", t, strlen(t), 1, 120, 0, &p, &nm);
    CHECK(np == 1 && nm >= 6);
    CHECK(np && count_of(p[0].text, "\x01") >= 4);
    CHECK(np && p[0].offset > strlen(t) / 2);
    CHECK(np && strstr(p[0].text, "dockers") != NULL);
    CHECK(np && strncmp(p[0].text, "…", 3) == 0);
    thp_passages_free(p, np);

    /* want=3: three passages, best first, that do not overlap */
    np = find("rotterdam port", "en", t, strlen(t), 3, 60, 0, &p, &nm);
    CHECK(np >= 2 && np <= 3);
    {
        size_t i, j;

        for (i = 0; i < np; i++) {
            CHECK(strchr(p[i].text, '\x01') != NULL);
            for (j = 0; j < i; j++)
                CHECK(p[i].offset != p[j].offset);
        }
        /* the best window has both words */
        CHECK(np && strstr(p[0].text, "\x01port\x02") != NULL &&
              strstr(p[0].text, "\x01Rotterdam\x02") != NULL);
        /* each occurrence is marked in one passage at most */
        {
            size_t marks = 0;

            for (i = 0; i < np; i++)
                marks += count_of(p[i].text, "\x01");
            CHECK(marks <= nm);
        }
    }
    thp_passages_free(p, np);

    /* want is an upper bound: two matches far apart give two, not five */
    np = find("rotterdam", "en", t, strlen(t), 10, 40, 0, &p, &nm);
    CHECK(nm == 4);
    CHECK(np >= 2 && np <= 4);
    thp_passages_free(p, np);
    free(t);

    /* a text without a match gives its start, no marks */
    np = find("zanzibar", "en", "Nothing to see in this text at all, only "
              "words and more words to fill the line.", 80, 1, 30, 0, &p,
              &nm);
    CHECK(np == 1 && nm == 0);
    CHECK(np && strncmp(p[0].text, "Nothing to see", 14) == 0 &&
          strchr(p[0].text, '\x01') == NULL);
    thp_passages_free(p, np);
    /* ... and nothing when no passage is wanted */
    np = find("zanzibar", "en", "Nothing here.", 13, 0, 30, 0, &p, &nm);
    CHECK(np == 0);
    thp_passages_free(p, np);
    /* an empty text */
    np = find("rotterdam", "en", "", 0, 1, 30, 0, &p, &nm);
    CHECK(nm == 0);
    thp_passages_free(p, np);
}

static void test_scan_bound(void)
{
    size_t n = 5 * 1024 * 1024, i, np, nm;
    char *t = malloc(n + 1);
    struct thp_passage *p;
    clock_t c0;
    double secs;

    /* filler, a match inside the scanned part and one far beyond it */
    for (i = 0; i < n; i++)
        t[i] = "abcdefg "[i % 8];
    memcpy(t + 1000, " rotterdam ", 11);
    memcpy(t + 4 * 1024 * 1024, " rotterdam ", 11);
    t[n] = '\0';
    c0 = clock();
    np = find("rotterdam", "en", t, n, 3, 60, 0, &p, &nm);
    secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    CHECK(nm == 1);
    CHECK(np == 1 && p[0].offset < THP_PASSAGE_SCAN);
    CHECK(secs < 2.0);
    thp_passages_free(p, np);
    /* cut inside a multi-byte character: still whole characters */
    for (i = 0; i + 1 < n; i += 2) {
        t[i] = '\xC3';
        t[i + 1] = '\xA9';
    }
    np = find("rotterdam", "en", t, n, 1, 60, 0, &p, &nm);
    CHECK(nm == 0 && np == 1);
    thp_passages_free(p, np);
    free(t);
}

/* Columns (characters) before the first mark of a kwic line. */
static size_t mark_column(const struct thp_passage *p)
{
    const char *m = strchr(p->text, '\x01');
    size_t col = p->pad;
    const char *s;

    if (m == NULL)
        return (size_t)-1;
    for (s = p->text; s < m; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            col++;
    return col;
}

static void test_kwic(void)
{
    const char *t = "Rotterdam is a port. In   the  old harbour of "
                    "Rotterdam,\nworkers met.\tS\xC3\xA3o Paulo and "
                    "Rotterdam met again; rotterdam";
    struct thp_passage *p;
    size_t np, nm, i, w;

    for (w = 5; w <= 40; w += 7) {
        np = find("rotterdam", "en", t, strlen(t), 0, w, 1, &p, &nm);
        CHECK(nm == 4 && np == 4);
        for (i = 0; i < np; i++) {
            CHECK(mark_column(&p[i]) == w);
            CHECK(strchr(p[i].text, '\n') == NULL);
            CHECK(strchr(p[i].text, '\t') == NULL);
            CHECK(count_of(p[i].text, "\x01") == 1);
        }
        /* in text order */
        for (i = 1; i < np; i++)
            CHECK(p[i].offset > p[i - 1].offset);
        thp_passages_free(p, np);
    }
    /* accents before the match count as characters, not bytes */
    {
        const char *u = "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9 S\xC3\xA3o "
                        "Rotterdam \xC3\xA7\xC3\xA7";

        np = find("rotterdam", "en", u, strlen(u), 0, 8, 1, &p, &nm);
        CHECK(np == 1 && mark_column(&p[0]) == 8);
        thp_passages_free(p, np);
    }
}

static void test_invalid_utf8(void)
{
    static const char *bad[] = {
        "\xff\xfe rotterdam \xc3",
        "rotter\x80\x80" "dam rotterdam \xe2\x82",
        "\xc3\xa3\xc3",
        "\xf4\x90\x80\x80 rotterdam \xed\xa0\x80",
        "\x01\x02 rotterdam \x02\x01",
        "\xEE\x80\x80nl\xEE\x80\x81 rotterdam"};
    size_t i, w;

    for (i = 0; i < sizeof bad / sizeof *bad; i++)
        for (w = 0; w < 2; w++) {
            struct thp_passage *p;
            size_t np, nm, j;

            np = find("rotterdam sao*", "en", bad[i], strlen(bad[i]), 3, 10,
                      (int)w, &p, &nm);
            for (j = 0; j < np; j++)
                CHECK(p[j].text != NULL);
            thp_passages_free(p, np);
            /* every prefix of the text, cut anywhere */
            for (j = 0; j <= strlen(bad[i]); j++) {
                np = find("rotterdam", "xx", bad[i], j, 2, 5, (int)w, &p,
                          &nm);
                thp_passages_free(p, np);
            }
        }
}

int main(void)
{
    CHECK(thp_tok_new("en nl pt es fr de tr", &tok) == THP_OK);
    test_marks();
    test_best();
    test_scan_bound();
    test_kwic();
    test_invalid_utf8();
    thp_tok_free(tok);
    return check_done("passage");
}
