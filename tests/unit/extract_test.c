/* extract_test.c: title, body and links from HTML and plain text. */
#include "check.h"
#include "thp/extract.h"

static void html(const char *in, const char *title, const char *body,
                 const char *links)
{
    struct thp_doc d;

    thp_doc_init(&d, 0);
    CHECK(thp_extract_html(in, strlen(in), &d, NULL) == THP_OK);
    CHECK_STR(d.title.s ? d.title.s : "", title);
    CHECK_STR(d.body.s ? d.body.s : "", body);
    if (links)
        CHECK_STR(d.links.s ? d.links.s : "", links);
    thp_doc_release(&d);
}

/* The address the page gives itself (empty: none). */
static void url(const char *in, const char *want)
{
    struct thp_doc d;

    thp_doc_init(&d, 0);
    CHECK(thp_extract_html(in, strlen(in), &d, NULL) == THP_OK);
    CHECK_STR(d.url.s ? d.url.s : "", want);
    thp_doc_release(&d);
}

static void text(const char *in, const char *title, const char *body)
{
    struct thp_doc d;

    thp_doc_init(&d, 0);
    CHECK(thp_extract_text(in, strlen(in), &d, NULL) == THP_OK);
    CHECK_STR(d.title.s ? d.title.s : "", title);
    CHECK_STR(d.body.s ? d.body.s : "", body);
    thp_doc_release(&d);
}

int main(void)
{
    html("<html><head><title> Rotterdam  Pilot </title>"
         "<style>p{color:red} stylesheetonlyword</style></head><body>"
         "<nav><a href=/>Home</a> menu</nav><header>THP</header>"
         "<h1>Rotterdam Pilot</h1><p>A first   pilot\nproject.</p>"
         "<script>var scriptonlyword = 1 < 2;</script>"
         "<p>Port &amp; City &eacute;t&#233; &#8211; done</p>"
         "<footer>&copy; THP</footer></body></html>",
         "Rotterdam Pilot",
         "Rotterdam Pilot\n\nA first pilot project.\n\n"
         "Port & City \xC3\xA9t\xC3\xA9 \xE2\x80\x93 done",
         "");
    /* <main> wins over the rest of the body; no <title>: the <h1> */
    html("<body><div>sidebar</div><main><h1>Item</h1><p>text "
         "<b>bold</b>word</p></main></body>",
         "Item", "Item\n\ntext boldword", NULL);
    /* links to reports are kept, others are not; furniture is dropped */
    html("<p><a href=\"report.pdf\">Final Report</a> <a href=\"/news\">n</a>"
         " <a href='x/Case.PDF?dl=1'>c</a></p>",
         "", "n c", "report.pdf\nx/Case.PDF?dl=1\n");
    html("<article><h1>Item</h1><p>Text.</p><p><a href=/>back to "
         "overview</a></p><div>More news</div></article>",
         "Item", "Item\n\nText.", NULL);
    /* broken markup parses as a browser would */
    html("<title>T</title><p>one<p>two<li>three</b></i>", "T",
         "one\n\ntwo\n\nthree", NULL);
    html("", "", "", "");
    /* an article's own <header> is its text; the site's is not */
    html("<title>T</title><header>Site</header><main><article><header>"
         "<h1>Headline</h1><p>June</p></header><p>Body.</p></article>"
         "</main>", "T", "Headline\n\nJune\n\nBody.", NULL);
    /* several <article>s: the body holds them all */
    html("<title>T</title><nav>menu</nav><article><h2>One</h2></article>"
         "<article><h2>Two</h2></article>", "T", "One\n\nTwo", NULL);
    /* every block apart: details, summary, center, dl, figcaption, br */
    html("<title>T</title><main><details><summary>s</summary>d</details>"
         "<center>c</center><dl><dt>t</dt><dd>dd</dd></dl><figure>"
         "<figcaption>f</figcaption></figure>a<br>b</main>", "T",
         "s\n\nd\n\nc\n\nt\n\ndd\n\nf\n\na\n\nb", NULL);
    /* the web address: canonical first, then og:url; absolute only */
    url("<html><head><meta property=og:url content='https://e.org/og'>"
        "<link rel=\"alternate canonical\" href=\"https://e.org/a?x=1&amp;y=2#f\">"
        "</head><body><p>x</p></body></html>", "https://e.org/a?x=1&y=2#f");
    url("<head><meta property=\"og:url\" content=\"http://e.org/og\">"
        "</head><p>x</p>", "http://e.org/og");
    url("<head><link rel=canonical href=/relative></head><p>x</p>", "");
    url("<p>x</p><link rel=canonical href=https://e.org/in-body>", "");
    url("<head><!-- <link rel=canonical href=https://e.org/c> --></head>", "");
    url("<head><link rel=canonical href='https://e.org/a b'></head>", "");
    /* a very long title is cut at a character boundary */
    {
        char in[1200];
        struct thp_doc d;
        int i;

        strcpy(in, "<title>");
        for (i = 0; i < 400; i++)
            strcat(in, "\xC3\xA9");
        strcat(in, "</title>");
        thp_doc_init(&d, 0);
        CHECK(thp_extract_html(in, strlen(in), &d, NULL) == THP_OK);
        CHECK(d.title.n <= 300 + 3);
        CHECK(strcmp(d.title.s + d.title.n - 3, "\xE2\x80\xA6") == 0);
        thp_doc_release(&d);
    }

    text("\n\nReport Title  \n\nFirst paragraph.\n\nSecond.\n",
         "Report Title", "First paragraph.\n\nSecond.");
    text("Only a title", "Only a title", "");
    text("", "", "");
    return check_done("extract");
}
