/*
** extract_fast_test.c: the fast HTML path of lib/extract.c against the
** gumbo tree walk. For every page here, either the fast path gives up or
** it gives exactly what gumbo gives (title, body, links); and it must not
** give up on plain well-formed pages. The file includes lib/extract.c to
** reach both paths (static functions); nothing else in libthp.a refers to
** extract.o, so the archive's copy is never linked beside it.
*/
#include "../../lib/extract.c"

#include <stdint.h>

#include "check.h"

/* 1: fast path taken and equal; 0: fast path gave up; -1: differs. */
static int compare(const char *in)
{
    struct thp_doc a, b;
    int fast, rc = 1;

    thp_doc_init(&a, 0);
    thp_doc_init(&b, 0);
    fast = fast_html(in, strlen(in), &a);
    CHECK(gumbo_html(in, strlen(in), &b, NULL) == THP_OK);
    if (fast != FAST_OK) {
        /* the document is left as it was for gumbo */
        CHECK(a.title.n == 0 && a.body.n == 0 && a.links.n == 0);
        rc = 0;
    } else if (strcmp(a.title.s ? a.title.s : "", b.title.s ? b.title.s : "") ||
               strcmp(a.body.s ? a.body.s : "", b.body.s ? b.body.s : "") ||
               strcmp(a.links.s ? a.links.s : "", b.links.s ? b.links.s : "")) {
        fprintf(stderr, "fast path differs on: %s\n  fast:  [%s] [%s] [%s]\n"
                "  gumbo: [%s] [%s] [%s]\n", in, a.title.s, a.body.s,
                a.links.s, b.title.s, b.body.s, b.links.s);
        rc = -1;
    }
    thp_doc_release(&a);
    thp_doc_release(&b);
    return rc;
}

#define HEAD "<!DOCTYPE html><html><head><meta charset=utf-8>" \
             "<title>T &amp; t</title></head>"

/* Pages the fast path must take (and get right). */
static const char *const taken[] = {
    HEAD "<body><p>one</p></body></html>",
    HEAD "\n<body>\n<main><h1>H</h1><p>a &nbsp;b&#8211;c&#x2014;d &rsquo;"
         " x < y & z</p></main>\n</body>\n</html>\n",
    "<html><head><title></title></head><body><div><h1>Head <br> line</h1>"
    "</div><p>t</p></body></html>",
    HEAD "<body><nav><a href=r1.pdf>x</a></nav><article><p>a<br/>b</p>"
         "<ul><li>i</li><li><a href='R2.DOC?x=1'>d</a></li></ul></article>"
         "</body></html>",
    HEAD "<body><main><p><a href=/x>Back to overview</a></p><p>keep</p>"
         "<div>More news</div><script>var a = '<p>';</script>"
         "<style>p > a {}</style><!-- c --><foo>u</foo><div/></div>"
         "</main></body></html>",
    HEAD "<body><dl><dt>t</dt><dd>d</dd></dl><hr><p>x<span>y</span>"
         "<em>z</em></p><a HREF=\"a.txt\" href=b.pdf>l</a></body></html>",
};

/* Pages where HTML5 does more than nest the tags: the fast path gives up
** or (for some) agrees; it must never differ. */
static const char *const tricky[] = {
    HEAD "<body><p>a<div>b</div></p></body></html>",
    HEAD "<body><p>a<p>b</body></html>",
    HEAD "<body><ul><li>a<li>b</ul></body></html>",
    HEAD "<body><b>a<i>b</b>c</i></body></html>",
    HEAD "<body><a href=x.pdf>a<a href=y.pdf>b</a></a></body></html>",
    HEAD "<body><table><tr><td>a</td></tr>b</table></body></html>",
    HEAD "<body><pre>\nx</pre></body></html>",
    HEAD "<body><p>&notit; &amp &#150; &#0; &#x1F600;</p></body></html>",
    HEAD "<body><h1>a<h2>b</h2></h1></body></html>",
    HEAD "<body></p></br></body></html>",
    HEAD "<body><form><form>x</form></form></body></html>",
    HEAD "<body><title>x</title><textarea>y</textarea></body></html>",
    HEAD "<body><svg><title>s</title></svg></body></html>",
    HEAD "<body><!--> x --!> y --></body></html>",
    HEAD "<body>x</body>y</html>",
    HEAD "<body><script><!--<script></script>x</script></body></html>",
    "<p>no html, head or body</p>",
    "<html><head><p>x</p></head><body></body></html>",
    HEAD "<body><div a=\"x\"b=y>q</div></body></html>",
    HEAD "<body><a href=\"a&amp;b.pdf\">r</a></body></html>",
    HEAD "<body>\r\n</body></html>",
    HEAD "<body><main>unclosed</body></html>",
};

/*==================== Generated pages ====================*/

#ifndef GEN_PAGES
#define GEN_PAGES 3000
#endif

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static unsigned rnd(unsigned n) /* xorshift64*, deterministic */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (unsigned)((rng_state * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static const char *const gen_tags[] = {
    "p", "div", "span", "h1", "h2", "h6", "ul", "li", "ol", "dl", "dt", "dd",
    "table", "tr", "td", "th", "caption", "figure", "figcaption", "br", "a",
    "b", "em", "header", "footer", "nav", "aside", "section", "article",
    "main", "details", "summary", "center", "blockquote", "pre", "script",
    "style", "form", "button", "hr", "img", "foo",
};

static const char *const gen_text[] = {
    "word", "Back to overview", "more news", "a &amp; b", "x&nbsp;y",
    "&#8211;", "&eacute;", "  spaced  ", "\n", "print", "caf\xc3\xa9",
};

/* A random element tree, nesting as written or not (end tags may be left
** out or misplaced, on purpose: gumbo's path must then be taken). */
static void gen_node(struct thp_buf *b, int depth)
{
    int k, n = 1 + (int)rnd(3);

    for (k = 0; k < n; k++) {
        if (depth > 5 || rnd(3) == 0) {
            thp_buf_puts(b, gen_text[rnd(sizeof gen_text / sizeof *gen_text)]);
            continue;
        }
        {
            const char *t = gen_tags[rnd(sizeof gen_tags / sizeof *gen_tags)];

            thp_buf_printf(b, "<%s%s>", t,
                           !strcmp(t, "a") ? (rnd(2) ? " href=r.pdf"
                                                     : " href=/x")
                                           : "");
            if (strcmp(t, "br") && strcmp(t, "hr") && strcmp(t, "img")) {
                gen_node(b, depth + 1);
                if (rnd(10) != 0) /* now and then an end tag left out */
                    thp_buf_printf(b, "</%s>", t);
            }
        }
    }
}

/* Generated pages: the fast path never differs from gumbo, and it takes
** a fair share of them. */
static void generated(void)
{
    struct thp_buf b;
    int i, ntaken = 0, differ = 0;

    thp_buf_init(&b, 0);
    for (i = 0; i < GEN_PAGES; i++) {
        int rc;

        thp_buf_reset(&b);
        thp_buf_puts(&b, rnd(4) ? HEAD "<body>" : "<html><head><title>t"
                                               "</title></head><body>");
        gen_node(&b, 0);
        thp_buf_puts(&b, "</body></html>");
        rc = compare(b.s);
        ntaken += rc == 1;
        differ += rc < 0;
    }
    thp_buf_release(&b);
    CHECK(differ == 0);
    CHECK(ntaken >= 300);
    fprintf(stderr, "generated: %d pages, fast path took %d\n", GEN_PAGES,
            ntaken);
}

/* Pages deeper than the tree walks follow are read off the markup; the
** text at the bottom is kept either way. */
static void deep(void)
{
    struct thp_buf b;
    struct thp_doc d;
    int i;

    thp_buf_init(&b, 0);
    thp_buf_puts(&b, HEAD "<body>");
    for (i = 0; i < 100000; i++)
        thp_buf_puts(&b, "<div>");
    thp_buf_puts(&b, "deepword<script>no</script><nav>menu</nav>");
    for (i = 0; i < 100000; i++)
        thp_buf_puts(&b, "</div>");
    thp_buf_puts(&b, "</body></html>");
    CHECK(nesting_depth(b.s, b.n, DEEP_LIMIT) > DEEP_LIMIT);
    thp_doc_init(&d, 0);
    CHECK(thp_extract_html(b.s, b.n, &d, NULL) == THP_OK);
    CHECK_STR(d.body.s ? d.body.s : "", "deepword");
    CHECK_STR(d.title.s ? d.title.s : "", "T & t");
    thp_doc_release(&d);
    thp_buf_release(&b);
    /* 500 deep is still the tree's */
    CHECK(nesting_depth(HEAD "<body><p><p><p><li><br><img></body></html>",
                        strlen(HEAD) + 40, DEEP_LIMIT) <= 1);
}

int main(void)
{
    size_t i;

    for (i = 0; i < sizeof taken / sizeof *taken; i++) {
        int rc = compare(taken[i]);

        if (rc != 1)
            fprintf(stderr, "not taken (%d): %s\n", rc, taken[i]);
        CHECK(rc == 1);
    }
    for (i = 0; i < sizeof tricky / sizeof *tricky; i++)
        CHECK(compare(tricky[i]) >= 0);
    generated();
    deep();
    return check_done("extract_fast");
}
