/*
** render_test.c: every output form of a hand-made result with hostile
** text (quotes, commas, CR/LF, tabs, <script>, &, control bytes): JSON is
** valid and escaped, CSV parses back per RFC 4180 to the same fields, TSV
** has no tab or break inside a field, HTML escapes, text with and without
** color, kwic alignment, and the facet table in text, csv and json.
*/
#include <stdlib.h>

#include "check.h"
#include "thp/buf.h"
#include "thp/render.h"
#include "thp/text.h"

/* ---- a tiny JSON validator ---------------------------------------------- */

static const char *js;

static void ws(void)
{
    while (*js == ' ' || *js == '\n' || *js == '\r' || *js == '\t')
        js++;
}

static int value(int depth);

static int string(void)
{
    if (*js != '"')
        return 0;
    for (js++; *js != '"'; js++) {
        if ((unsigned char)*js < 0x20)
            return 0;
        if (*js == '\\') {
            js++;
            if (*js == 'u') {
                int i;

                for (i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", js[i]) || !js[i])
                        return 0;
                js += 4;
            } else if (!*js || !strchr("\"\\/bfnrt", *js)) {
                return 0;
            }
        }
    }
    js++;
    return 1;
}

static int number(void)
{
    const char *s = js;

    if (*js == '-')
        js++;
    while (*js >= '0' && *js <= '9')
        js++;
    if (*js == '.')
        for (js++; *js >= '0' && *js <= '9'; js++)
            ;
    if (*js == 'e' || *js == 'E') {
        js++;
        if (*js == '+' || *js == '-')
            js++;
        while (*js >= '0' && *js <= '9')
            js++;
    }
    return js > s && js[-1] != '-';
}

static int value(int depth)
{
    ws();
    if (depth > 64)
        return 0;
    if (*js == '{' || *js == '[') {
        char close = *js == '{' ? '}' : ']';
        int obj = *js == '{';

        js++;
        ws();
        if (*js == close) {
            js++;
            return 1;
        }
        for (;;) {
            if (obj) {
                ws();
                if (!string())
                    return 0;
                ws();
                if (*js++ != ':')
                    return 0;
            }
            if (!value(depth + 1))
                return 0;
            ws();
            if (*js == ',') {
                js++;
                continue;
            }
            if (*js++ != close)
                return 0;
            return 1;
        }
    }
    if (*js == '"')
        return string();
    if (!strncmp(js, "true", 4) || !strncmp(js, "null", 4)) {
        js += 4;
        return 1;
    }
    if (!strncmp(js, "false", 5)) {
        js += 5;
        return 1;
    }
    return number();
}

/* 1 if s[0..n) is exactly one JSON value (then blanks). */
static int json_valid(const char *s)
{
    js = s;
    if (!value(0))
        return 0;
    ws();
    return *js == '\0';
}

/* ---- an RFC 4180 parser --------------------------------------------------- */

#define MAXF 32
#define MAXR 16

struct table {
    char *f[MAXR][MAXF];
    size_t nf[MAXR];
    size_t nr;
    int ok;
};

/* Parse s: records end with CRLF, fields quoted when they hold a comma,
** quote, CR or LF; a quote inside is doubled. t->ok is 0 on any breach. */
static void csv_parse(const char *s, struct table *t)
{
    memset(t, 0, sizeof *t);
    t->ok = 1;
    while (*s) {
        size_t r = t->nr;

        if (r >= MAXR) {
            t->ok = 0;
            return;
        }
        for (;;) {
            struct thp_buf b;

            thp_buf_init(&b, 0);
            thp_buf_puts(&b, "");
            if (*s == '"') {
                for (s++;; s++) {
                    if (*s == '\0') {
                        t->ok = 0;
                        thp_buf_release(&b);
                        return;
                    }
                    if (*s == '"') {
                        if (s[1] == '"') {
                            thp_buf_putc(&b, '"');
                            s++;
                            continue;
                        }
                        s++;
                        break;
                    }
                    thp_buf_putc(&b, *s);
                }
            } else {
                for (; *s && *s != ',' && *s != '\r' && *s != '\n'; s++) {
                    if (*s == '"')
                        t->ok = 0; /* a bare quote in an unquoted field */
                    thp_buf_putc(&b, *s);
                }
            }
            if (t->nf[r] < MAXF)
                t->f[r][t->nf[r]++] = thp_buf_detach(&b);
            else
                thp_buf_release(&b);
            if (*s == ',') {
                s++;
                continue;
            }
            if (s[0] == '\r' && s[1] == '\n') {
                s += 2;
                break;
            }
            t->ok = 0; /* a record must end with CRLF */
            return;
        }
        t->nr++;
    }
}

static void table_free(struct table *t)
{
    size_t r, i;

    for (r = 0; r <= t->nr && r < MAXR; r++)
        for (i = 0; i < t->nf[r]; i++)
            free(t->f[r][i]);
}

/* ---- the result ----------------------------------------------------------- */

#define HOSTILE_TITLE "Say \"hi\", then\r\nleave\tnow <script>alert('x')</script> & co"
#define HOSTILE_PASSAGE "A, \"quoted\" \x01refugee\x02 line\r\nnext\ttab <script>x</script> & \x01S\xC3\xA3o Paulo\x02."

static struct thp_passage p1[] = {
    {(char *)HOSTILE_PASSAGE, 12, 0},
    {(char *)"second \x01passage\x02 here", 300, 0}};
static struct thp_passage p2[] = {{(char *)"plain \x01words\x02", 0, 0}};
static char *src1[] = {(char *)"https://x.test/a?b=1&c=\"2\"",
                       (char *)"https://x.test/b"};
static char *sim1[] = {(char *)"https://x.test/<dup>"};

static struct thp_hit hits[2];
static struct thp_facet_value fv_year[] = {{(char *)"2011", 3},
                                           {(char *)"2010", 1}};
static struct thp_facet_value fv_loc[] = {{(char *)"Rotterdam, \"NL\"", 2},
                                          {(char *)"S\xC3\xA3o Paulo", 1}};

static void make(struct thp_result *res)
{
    memset(res, 0, sizeof *res);
    memset(hits, 0, sizeof hits);
    hits[0].id = 17;
    hits[0].title = (char *)HOSTILE_TITLE;
    hits[0].url = (char *)"https://x.test/a?b=1&c=\"2\"";
    hits[0].path = (char *)"corpus/a,b.html";
    hits[0].kind = (char *)"item";
    hits[0].date = (char *)"2011-09";
    hits[0].location = (char *)"Rotterdam, \"NL\"";
    hits[0].partners = (char *)"A\x01" "B";
    hits[0].authors = (char *)" leading space";
    hits[0].lang = (char *)"nl";
    hits[0].year = 2011;
    hits[0].page = 4;
    hits[0].score = 12.5;
    hits[0].repairs = (char *)"{\"mojibake\":1}";
    hits[0].passages = p1;
    hits[0].npassages = 2;
    hits[0].sources = src1;
    hits[0].nsources = 2;
    hits[0].similar = sim1;
    hits[0].nsimilar = 1;
    hits[1].id = 3;
    hits[1].title = (char *)"Second";
    hits[1].url = (char *)"https://x.test/2";
    hits[1].path = (char *)"b.txt";
    hits[1].kind = (char *)"page";
    hits[1].score = 1.25;
    hits[1].repairs = (char *)"not json";
    hits[1].passages = p2;
    hits[1].npassages = 1;
    res->query = (char *)"refugee \"<sao>\" & co";
    res->mode = THP_MODE_SIMPLE;
    res->relaxed = 1;
    res->total = 42;
    res->total_exact = 1;
    res->limit = 2;
    res->offset = 4;
    res->nhits = 2;
    res->hits = hits;
    res->facets[0].name = "year";
    res->facets[0].v = fv_year;
    res->facets[0].n = 2;
    res->facets[0].nvalues = 5;
    res->facets[1].name = "location";
    res->facets[1].v = fv_loc;
    res->facets[1].n = 2;
    res->facets[1].nvalues = 2;
    res->nfacets = 2;
    res->suggestion = (char *)"refugees\t\"x\"";
    res->generation = 7;
    res->took_ms = 1.5;
}

static char *render(const struct thp_result *res, int format, int color,
                    int bom)
{
    struct thp_render_opts o;
    struct thp_buf b;

    memset(&o, 0, sizeof o);
    o.format = format;
    o.color = color;
    o.bom = bom;
    o.base = "/";
    thp_buf_init(&b, 0);
    CHECK(thp_render(&b, res, &o) == THP_OK);
    return thp_buf_detach(&b);
}

static void test_json(const struct thp_result *res)
{
    char *s = render(res, THP_FMT_JSON, 0, 0), *l, *line;

    CHECK(s && json_valid(s));
    CHECK(strstr(s, "\"id\":17") && strstr(s, "\"rank\":5") &&
          strstr(s, "\"rank\":6"));
    CHECK(strstr(s, "\"total\":42") && strstr(s, "\"relaxed\":true") &&
          strstr(s, "\"mode\":\"simple\"") && strstr(s, "\"offset\":4"));
    CHECK(strstr(s, "\\r\\nleave\\tnow") != NULL);
    CHECK(strstr(s, "\"title\":\"Say \\\"hi\\\", then\\r\\nleave\\tnow "
                    "<script>alert('x')<\\/script> & co\"") != NULL ||
          strstr(s, "\"title\":\"Say \\\"hi\\\", then\\r\\nleave\\tnow "
                    "<script>alert('x')</script> & co\"") != NULL);
    /* passages are HTML-escaped inside the JSON string */
    CHECK(strstr(s, "&lt;script&gt;x&lt;") != NULL);
    CHECK(strstr(s, "<mark>refugee</mark>") != NULL ||
          strstr(s, "\\u003cmark>refugee") != NULL ||
          strstr(s, "<mark>refugee<\\/mark>") != NULL);
    CHECK(strchr(s, '\x01') == NULL && strchr(s, '\x02') == NULL);
    CHECK(strstr(s, "{\"mojibake\":1}") != NULL);
    CHECK(strstr(s, "not json") == NULL);
    CHECK(strstr(s, "\"distinct\":5") != NULL);
    free(s);

    s = render(res, THP_FMT_JSONL, 0, 0);
    {
        size_t n = 0;

        for (l = s; (line = strsep(&l, "\n")) != NULL;) {
            if (*line == '\0')
                continue;
            CHECK(json_valid(line));
            n++;
        }
        CHECK(n == 2);
    }
    free(s);

    /* a streamed page: head, hits one by one, tail */
    {
        struct thp_render_opts o;
        struct thp_buf b;
        size_t i;

        memset(&o, 0, sizeof o);
        o.format = THP_FMT_JSON;
        thp_buf_init(&b, 0);
        thp_render_head(&b, res, &o);
        for (i = 0; i < res->nhits; i++)
            thp_render_hit(&b, res, &res->hits[i], res->offset + i, &o);
        thp_render_tail(&b, res, &o);
        CHECK(b.s && json_valid(b.s));
        thp_buf_release(&b);
    }
    /* an empty page is valid too */
    {
        struct thp_result e;

        memset(&e, 0, sizeof e);
        e.query = (char *)"";
        s = render(&e, THP_FMT_JSON, 0, 0);
        CHECK(s && json_valid(s));
        free(s);
    }
}

static void test_csv(const struct thp_result *res)
{
    static const char *head[] = {
        "rank", "id", "title", "url", "path", "kind", "date", "year",
        "location", "authors", "partners", "lang", "page", "score",
        "passage"};
    struct table t;
    char *s;
    size_t i;

    for (i = 0; i < 2; i++) {
        s = render(res, THP_FMT_CSV, 0, (int)i);
        if (i == 1) {
            CHECK(!strncmp(s, "\xEF\xBB\xBF", 3));
            csv_parse(s + 3, &t);
        } else {
            CHECK(strncmp(s, "\xEF\xBB\xBF", 3) != 0);
            csv_parse(s, &t);
        }
        CHECK(t.ok && t.nr == 3);
        CHECK(t.nf[0] == 15 && t.nf[1] == 15 && t.nf[2] == 15);
        if (t.ok && t.nr == 3 && t.nf[1] == 15 && t.nf[2] == 15) {
            size_t k;

            for (k = 0; k < 15; k++)
                CHECK_STR(t.f[0][k], head[k]);
            CHECK_STR(t.f[1][0], "5");
            CHECK_STR(t.f[1][1], "17");
            CHECK_STR(t.f[1][2], HOSTILE_TITLE);
            CHECK_STR(t.f[1][3], "https://x.test/a?b=1&c=\"2\"");
            CHECK_STR(t.f[1][4], "corpus/a,b.html");
            CHECK_STR(t.f[1][5], "item");
            CHECK_STR(t.f[1][6], "2011-09");
            CHECK_STR(t.f[1][7], "2011");
            CHECK_STR(t.f[1][8], "Rotterdam, \"NL\"");
            CHECK_STR(t.f[1][9], " leading space");
            CHECK_STR(t.f[1][10], "AB");
            CHECK_STR(t.f[1][11], "nl");
            CHECK_STR(t.f[1][12], "4");
            CHECK_STR(t.f[1][13], "12.5000");
            /* the best passage, marks dropped, the break a blank */
            CHECK(strncmp(t.f[1][14], "A, \"quoted\" refugee line", 24) == 0);
            CHECK(strstr(t.f[1][14], "S\xC3\xA3o Paulo.") != NULL);
            CHECK(strstr(t.f[1][14], "second") == NULL);
            CHECK(strchr(t.f[1][14], '\n') == NULL);
            CHECK(strchr(t.f[1][14], '\x01') == NULL);
            CHECK_STR(t.f[2][0], "6");
            CHECK_STR(t.f[2][1], "3");
            CHECK_STR(t.f[2][7], "");
            CHECK_STR(t.f[2][11], "en");
            CHECK_STR(t.f[2][12], "");
            CHECK_STR(t.f[2][14], "plain words");
        }
        table_free(&t);
        free(s);
    }
}

static void test_tsv(const struct thp_result *res)
{
    char *s = render(res, THP_FMT_TSV, 0, 0), *l, *line;
    size_t n = 0;

    CHECK(strncmp(s, "rank\tid\ttitle\t", 14) == 0);
    for (l = s; (line = strsep(&l, "\n")) != NULL;) {
        size_t tabs = 0;
        char *c;

        if (*line == '\0' && l == NULL)
            break;
        for (c = line; *c; c++) {
            tabs += *c == '\t';
            CHECK(*c != '\r' && *c != '\x01' && *c != '\x02');
        }
        CHECK(tabs == 14);
        n++;
    }
    CHECK(n == 3);
    free(s);
    s = render(res, THP_FMT_TSV, 0, 1);
    CHECK(strncmp(s, "\xEF\xBB\xBFrank\t", 8) == 0);
    free(s);
}

/* Where a hit opens: its web address, else the daemon's /doc/ID. */
static void test_link(void)
{
    char local[] = "/srv/corpus/a.html", canon[] =
        "https://thp.example/news/a.html#item-2", rel[] = "/news/a.html",
        upper[] = "HTTP://X.TEST/r.pdf#page=3", none[] = "";
    struct thp_hit h;
    struct thp_buf b;

    memset(&h, 0, sizeof h);
    h.id = 42;
    thp_buf_init(&b, 0);
    h.url = h.path = local;                         /* only a local path */
    CHECK(!thp_render_is_web(&h));
    thp_render_link(&b, &h, NULL);
    CHECK(b.s && !strcmp(b.s, "/doc/42"));
    b.n = 0;
    thp_render_link(&b, &h, "/search/");
    CHECK(b.s && !strcmp(b.s, "/search/doc/42"));
    h.url = canon;                                  /* canonical */
    CHECK(thp_render_is_web(&h));
    b.n = 0;
    thp_render_link(&b, &h, "/");
    CHECK(b.s && !strcmp(b.s, "https://thp.example/news/a.html#item-2"));
    h.url = rel;                                    /* --url-base /news/ */
    CHECK(thp_render_is_web(&h));
    h.url = upper;
    h.path = h.url;                                 /* a JSON Lines url */
    CHECK(thp_render_is_web(&h));
    h.url = none;
    CHECK(!thp_render_is_web(&h));
    thp_buf_release(&b);
}

/* The results page keeps the filters in force in its links and form, and
** a facet value in force links to dropping it. */
static void test_html_keep(const struct thp_result *res)
{
    static const char *const keep[] = {"kind", "report", "year", "2014"};
    struct thp_render_opts o;
    struct thp_buf b;
    const char *s;

    memset(&o, 0, sizeof o);
    o.format = THP_FMT_HTML;
    o.base = "/";
    o.keep = keep;
    o.nkeep = 2;
    thp_buf_init(&b, 0);
    thp_render(&b, res, &o);
    s = b.s;
    CHECK(s && strstr(s, "rel=\"next\" href=\"/?q=") != NULL);
    CHECK(s && strstr(s, "&amp;kind=report&amp;year=2014&amp;offset=") !=
          NULL);
    CHECK(s && strstr(s, "<input type=\"hidden\" name=\"kind\" "
                         "value=\"report\">") != NULL);
    CHECK(s && strstr(s, "searchbox.js") != NULL &&
          strstr(s, "data-thp-search") != NULL);
    thp_buf_release(&b);
}

static void test_html(const struct thp_result *res)
{
    char *s = render(res, THP_FMT_HTML, 0, 0);

    CHECK(strstr(s, "<script>") == NULL);
    CHECK(strstr(s, "&lt;script&gt;") != NULL);
    CHECK(strstr(s, "<mark>refugee</mark>") != NULL);
    CHECK(strstr(s, "<mark>S\xC3\xA3o Paulo</mark>") != NULL);
    CHECK(strstr(s, "&amp; co") != NULL);
    CHECK(strstr(s, "&quot;&lt;sao&gt;&quot;") != NULL);
    CHECK(strstr(s, "href=\"https://x.test/a?b=1&amp;c=&quot;2&quot;\"") !=
          NULL);
    CHECK(strstr(s, "x.test/<dup>") == NULL);
    CHECK(strchr(s, '\x01') == NULL && strchr(s, '\x02') == NULL);
    CHECK(strstr(s, "<ol class=\"thp-hits\" id=\"thp-results\" start=\"5\">") !=
          NULL);
    CHECK(strstr(s, "rel=\"prev\"") != NULL && strstr(s, "rel=\"next\"") !=
          NULL);
    CHECK(strstr(s, "</html>") != NULL);
    free(s);
    /* the helpers */
    {
        struct thp_buf b;

        thp_buf_init(&b, 0);
        thp_render_html_text(&b, "<a href='x'>&\"\x01");
        CHECK_STR(b.s, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
        thp_buf_release(&b);
        thp_buf_init(&b, 0);
        thp_render_html_marked(&b, "a\x01<b>\x02\nc");
        CHECK_STR(b.s, "a<mark>&lt;b&gt;</mark> c");
        thp_buf_release(&b);
    }
}

/*
** Issue 15: HTML gets U+FFFD for bytes that are not UTF-8, one for each
** byte that starts no valid sequence, as thp_json_str writes them.
*/
#define FFFD "\xEF\xBF\xBD"

static void test_html_utf8(void)
{
    static const struct {
        const char *in, *want;
    } text[] = {
        {"S\xC3\xA3o \xF0\x9F\x98\x80 \xE2\x82\xAC \xF4\x8F\xBF\xBF",
         "S\xC3\xA3o \xF0\x9F\x98\x80 \xE2\x82\xAC \xF4\x8F\xBF\xBF"},
        {"a\xFF" "b\xFE", "a" FFFD "b" FFFD},           /* never UTF-8 */
        {"\x80\xBF" "a", FFFD FFFD "a"},                /* continuations */
        {"\xC0\xBC" "b\xC1\xBF", FFFD FFFD "b" FFFD FFFD}, /* overlong '<' */
        {"\xE0\x80\xBC", FFFD FFFD FFFD},               /* overlong '<' */
        {"\xF0\x80\x80\xBC", FFFD FFFD FFFD FFFD},      /* overlong '<' */
        {"\xED\xA0\x80\xED\xBF\xBF", FFFD FFFD FFFD FFFD FFFD FFFD},
                                                        /* surrogates */
        {"\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD},      /* past U+10FFFF */
        {"\xC3(\xE2\x82)", FFFD "(" FFFD FFFD ")"},     /* cut short */
        {"<\xFF>&", "&lt;" FFFD "&gt;&amp;"},
        {"caf\xC3", "caf" FFFD},                        /* cut at the end */
        {"x\xE2\x82", "x" FFFD FFFD},
        {"x\xF0\x9F\x98", "x" FFFD FFFD FFFD},
    };
    static const struct {
        const char *in, *want;
    } marked[] = {
        {"\x01S\xC3\xA3o\x02 \xC3", "<mark>S\xC3\xA3o</mark> " FFFD},
        {"\x01\xE2\x82\x02\xAC", "<mark>" FFFD FFFD "</mark>" FFFD},
        {"a\xC3\n\xA3", "a" FFFD " " FFFD},
        {"\xE2\x82\xAC\n\x01\xC3\xA9t\xC3\xA9\x02",
         "\xE2\x82\xAC <mark>\xC3\xA9t\xC3\xA9</mark>"},
    };
    struct thp_result res;
    struct thp_buf b;
    char q[200], *s;
    size_t i;

    thp_buf_init(&b, 0);
    for (i = 0; i < sizeof text / sizeof *text; i++) {
        thp_buf_reset(&b);
        CHECK(thp_render_html_text(&b, text[i].in) == THP_OK);
        CHECK_STR(b.s, text[i].want);
    }
    for (i = 0; i < sizeof marked / sizeof *marked; i++) {
        thp_buf_reset(&b);
        CHECK(thp_render_html_marked(&b, marked[i].in) == THP_OK);
        CHECK_STR(b.s, marked[i].want);
    }
    thp_buf_release(&b);
    /* a whole page, and JSON beside it, from a query and text with bad
    ** bytes; a query past the title's 120 bytes is cut before "ã" */
    make(&res);
    memset(q, 'a', 119);
    snprintf(q + 119, sizeof q - 119, "%s",
             "\xC3\xA3 caf\xC3 \xED\xA0\x80");
    res.query = q;
    hits[1].title = (char *)"T\xC0\xAF\xFF";
    p2[0].text = (char *)"plain \x01w\xE2\x82\x02 \xF4\x90";
    s = render(&res, THP_FMT_HTML, 0, 0);
    CHECK(s && thp_text_utf8_valid(s, strlen(s)));
    CHECK(s && strstr(s, "<title>aaa") != NULL &&
          strstr(s, "aaaa – Search – ") != NULL);
    CHECK(s && strstr(s, "caf" FFFD " " FFFD FFFD FFFD) != NULL);
    CHECK(s && strstr(s, ">T" FFFD FFFD FFFD "</a>") != NULL);
    CHECK(s && strstr(s, "<mark>w" FFFD FFFD "</mark> " FFFD FFFD) != NULL);
    free(s);
    s = render(&res, THP_FMT_JSON, 0, 0);
    CHECK(s && json_valid(s) && thp_text_utf8_valid(s, strlen(s)));
    CHECK(s && strstr(s, "<mark>w" FFFD FFFD "<\\/mark> " FFFD FFFD) !=
          NULL);
    free(s);
    p2[0].text = (char *)"plain \x01words\x02";
    make(&res); /* the hits as the other tests know them */
}

static void test_text(const struct thp_result *res)
{
    char *s = render(res, THP_FMT_TEXT, 0, 0);

    CHECK(strchr(s, '\x01') == NULL && strchr(s, '\x02') == NULL);
    CHECK(strchr(s, '\033') == NULL);
    CHECK(strstr(s, "5. Say") != NULL && strstr(s, "6. Second") != NULL);
    CHECK(strstr(s, "quoted\" refugee line") != NULL);
    CHECK(strstr(s, "5-6 of 42 results") != NULL);
    CHECK(strstr(s, "did you mean: refugees") != NULL);
    CHECK(strstr(s, "no document has every word") != NULL);
    CHECK(strstr(s, "also: https://x.test/<dup>") != NULL);
    free(s);
    s = render(res, THP_FMT_TEXT, 1, 0);
    CHECK(strchr(s, '\x01') == NULL && strchr(s, '\x02') == NULL);
    CHECK(strstr(s, "\033[1mrefugee\033[0m") != NULL);
    CHECK(strstr(s, "\033[1mS\xC3\xA3o Paulo\033[0m") != NULL);
    free(s);
}

/* Column (in characters) where needle starts on line. */
static size_t column(const char *line, const char *needle)
{
    const char *m = strstr(line, needle), *c;
    size_t col = 0;

    if (m == NULL)
        return (size_t)-1;
    for (c = line; c < m; c++)
        if (((unsigned char)*c & 0xC0) != 0x80)
            col++;
    return col;
}

static void test_kwic(void)
{
    static struct thp_passage k1[] = {
        {(char *)"in the \x01port\x02 of Rotterdam", 5, 3},
        {(char *)"S\xC3\xA3o \xC3\xA9\xC3\xA9 \x01port\x02 again", 90, 3}};
    static struct thp_passage k2[] = {
        {(char *)"\x01port\x02 at the start", 0, 10}};
    struct thp_result res;
    struct thp_hit h[2];
    size_t color;

    memset(&res, 0, sizeof res);
    memset(h, 0, sizeof h);
    h[0].id = 5;
    h[0].page = 12;
    h[0].passages = k1;
    h[0].npassages = 2;
    h[0].title = (char *)"t";
    h[1].id = 123456;
    h[1].passages = k2;
    h[1].npassages = 1;
    h[1].title = (char *)"u";
    res.hits = h;
    res.nhits = 2;
    res.query = (char *)"port";
    for (color = 0; color < 2; color++) {
        char *s = render(&res, THP_FMT_KWIC, (int)color, 0), *l, *line;
        size_t n = 0, col = 0;

        for (l = s; (line = strsep(&l, "\n")) != NULL;) {
            size_t c;

            if (*line == '\0')
                continue;
            c = column(line, color ? "\033[1mport" : "port ");
            if (n == 0)
                col = c;
            CHECK(c == col && c != (size_t)-1);
            n++;
        }
        CHECK(n == 3);
        CHECK(col == 13 + 10);
        free(s);
    }
}

static void test_counts(const struct thp_result *res)
{
    struct thp_buf b;
    struct table t;

    thp_buf_init(&b, 0);
    CHECK(thp_render_counts(&b, res, THP_FMT_TEXT) == THP_OK);
    CHECK_STR(b.s, "year\tdocuments\n2011\t3\n2010\t1\n"
                   "\nlocation\tdocuments\nRotterdam, \"NL\"\t2\n"
                   "S\xC3\xA3o Paulo\t1\n");
    thp_buf_release(&b);

    thp_buf_init(&b, 0);
    CHECK(thp_render_counts(&b, res, THP_FMT_CSV) == THP_OK);
    csv_parse(b.s, &t);
    CHECK(t.ok && t.nr == 5);
    if (t.ok && t.nr == 5) {
        CHECK_STR(t.f[0][0], "facet");
        CHECK_STR(t.f[0][2], "count");
        CHECK_STR(t.f[1][0], "year");
        CHECK_STR(t.f[1][1], "2011");
        CHECK_STR(t.f[1][2], "3");
        CHECK_STR(t.f[3][0], "location");
        CHECK_STR(t.f[3][1], "Rotterdam, \"NL\"");
        CHECK_STR(t.f[3][2], "2");
        CHECK_STR(t.f[4][1], "S\xC3\xA3o Paulo");
    }
    table_free(&t);
    thp_buf_release(&b);

    thp_buf_init(&b, 0);
    CHECK(thp_render_counts(&b, res, THP_FMT_JSON) == THP_OK);
    CHECK(b.s && json_valid(b.s));
    CHECK(b.s && strstr(b.s, "\"year\":{\"values\":[{\"value\":\"2011\","
                             "\"count\":3}") != NULL);
    CHECK(b.s && strstr(b.s, "Rotterdam, \\\"NL\\\"") != NULL);
    thp_buf_release(&b);
}

static void test_mime(void)
{
    CHECK(!strncmp(thp_render_mime(THP_FMT_JSON), "application/json", 16));
    CHECK(!strncmp(thp_render_mime(THP_FMT_CSV), "text/csv", 8));
    CHECK(!strncmp(thp_render_mime(THP_FMT_TSV),
                   "text/tab-separated-values", 25));
    CHECK(!strncmp(thp_render_mime(THP_FMT_HTML), "text/html", 9));
    CHECK(!strncmp(thp_render_mime(THP_FMT_JSONL), "application/x-ndjson",
                   20));
    CHECK(!strncmp(thp_render_mime(THP_FMT_TEXT), "text/plain", 10));
}

int main(void)
{
    struct thp_result res;

    /* the validators themselves */
    CHECK(json_valid("{\"a\":[1,2.5,-3e2,true,null,\"x\\u0001\"]}"));
    CHECK(!json_valid("{\"a\":[1,]}"));
    CHECK(!json_valid("{\"a\":\"\x01\"}"));
    CHECK(!json_valid("{\"a\":1} x"));
    {
        struct table t;

        csv_parse("a,\"b,\"\"c\"\"\r\nd\"\r\n", &t);
        CHECK(t.ok && t.nr == 1 && t.nf[0] == 2);
        if (t.ok && t.nf[0] == 2)
            CHECK_STR(t.f[0][1], "b,\"c\"\r\nd");
        table_free(&t);
        csv_parse("a,b\"c\r\n", &t);
        CHECK(!t.ok);
        table_free(&t);
    }
    make(&res);
    test_json(&res);
    test_csv(&res);
    test_tsv(&res);
    test_html(&res);
    test_html_keep(&res);
    test_html_utf8();
    test_link();
    test_text(&res);
    test_kwic();
    test_counts(&res);
    test_mime();
    return check_done("render");
}
