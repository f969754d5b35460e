/*
** extract.c: title, body and report links from HTML (via gumbo) and from
** plain text. Input is clean UTF-8 from text.c; output stays valid UTF-8
** (gumbo replaces anything it cannot read with U+FFFD) and, when character
** references brought control characters back, is cleaned again.
*/
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>


#include "thp/extract.h"
#include "thp/items.h"
#include "thp/mem.h"
#include "thp/text.h"

void thp_doc_init(struct thp_doc *doc, size_t max)
{
    thp_buf_init(&doc->title, max);
    thp_buf_init(&doc->body, max);
    thp_buf_init(&doc->links, 1 << 16);
    thp_buf_init(&doc->url, 4096);
}

void thp_doc_release(struct thp_doc *doc)
{
    thp_buf_release(&doc->title);
    thp_buf_release(&doc->body);
    thp_buf_release(&doc->links);
    thp_buf_release(&doc->url);
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* Is s[i..n) at a blank: a blank byte or U+00A0 (no-break space)? */
static size_t blank_at(const char *s, size_t i, size_t n)
{
    unsigned char c = (unsigned char)s[i];

    if (is_space(c))
        return 1;
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
        return 2;
    return 0;
}

int thp_extract_fold(struct thp_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    int space = 0;

    while (i < n) {
        size_t k = blank_at(s, i, n), j;

        if (k) { /* U+00A0 no-break space folds like a blank */
            space = 1;
            i += k;
            continue;
        }
        /* a run of other bytes is copied whole */
        for (j = i + 1; j < n && !blank_at(s, j, n); j++)
            ;
        if (space && b->n > 0 && b->s[b->n - 1] != '\n' &&
            b->s[b->n - 1] != ' ')
            thp_buf_putc(b, ' ');
        space = 0;
        thp_buf_append(b, s + i, j - i);
        i = j;
    }
    if (space && b->n > 0 && b->s[b->n - 1] != '\n' && b->s[b->n - 1] != ' ')
        thp_buf_putc(b, ' ');
    return b->rc;
}

/*==================== HTML ====================*/

/*
** Elements whose content is never body text. A <header> is the site's
** banner when it stands in <body>, but an article's own heading block
** (its <h1>, date, standfirst) inside <main> or <article>: keep_header
** says the walk started at one of those.
*/
static int is_skipped(GumboTag tag, int keep_header)
{
    if (tag == GUMBO_TAG_HEADER && keep_header)
        return 0;
    switch (tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_HEAD: case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM: case GUMBO_TAG_IFRAME: case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH: case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_CANVAS: case GUMBO_TAG_MENU:
        return 1;
    default:
        return 0;
    }
}

/* Elements that start a new paragraph of text. */
static int is_block(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_H1:
    case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_LI:
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL:
    case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE: case GUMBO_TAG_MAIN: case GUMBO_TAG_BR:
    case GUMBO_TAG_HR: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_CENTER:
    case GUMBO_TAG_FIELDSET: case GUMBO_TAG_LEGEND: case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_DIR: case GUMBO_TAG_LISTING:
    case GUMBO_TAG_XMP: case GUMBO_TAG_PLAINTEXT: case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT: case GUMBO_TAG_OPTION:
        return 1;
    default:
        return 0;
    }
}

/* End the current paragraph: trailing space dropped, one blank line. */
static void paragraph_break(struct thp_buf *b)
{
    while (b->n > 0 && b->s[b->n - 1] == ' ')
        b->s[--b->n] = '\0';
    if (b->n == 0)
        return;
    if (b->s[b->n - 1] != '\n')
        thp_buf_putc(b, '\n');
    if (b->n < 2 || b->s[b->n - 2] != '\n')
        thp_buf_putc(b, '\n');
}

/*
** Deepest element nesting the tree walks follow. Pages nested deeper
** than DEEP_LIMIT (estimated before parsing, see nesting_depth) never
** reach gumbo: they are read by strip_html. The cap only guards the C
** stack against an estimate that was too low.
*/
#define DEEP_LIMIT 1000
#define WALK_MAX (2 * DEEP_LIMIT)

static void node_text(const GumboNode *node, struct thp_buf *b, int depth,
                      int keep_header);

static void children_text(const GumboNode *node, struct thp_buf *b,
                          int depth, int keep_header)
{
    const GumboVector *kids = &node->v.element.children;
    unsigned i;

    for (i = 0; i < kids->length; i++)
        node_text(kids->data[i], b, depth + 1, keep_header);
}

static void node_text(const GumboNode *node, struct thp_buf *b, int depth,
                      int keep_header)
{
    if (depth > WALK_MAX)
        return;
    switch (node->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA:
    case GUMBO_NODE_WHITESPACE:
        thp_extract_fold(b, node->v.text.text, strlen(node->v.text.text));
        return;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE: {
        GumboTag tag = node->v.element.tag;
        size_t start;

        if (is_skipped(tag, keep_header))
            return;
        if (is_block(tag))
            paragraph_break(b);
        start = b->n;
        children_text(node, b, depth, keep_header);
        /* a link or paragraph that is only furniture ("back to overview") */
        if ((tag == GUMBO_TAG_A || is_block(tag)) && b->n > start &&
            thp_items_is_boilerplate(b->s + start, b->n - start)) {
            b->n = start;
            b->s[start] = '\0';
        }
        if (is_block(tag))
            paragraph_break(b);
        return;
    }
    default:
        return;
    }
}

/* Depth-first search for the first element with tag. */
static const GumboNode *find_tag(const GumboNode *node, GumboTag tag,
                                 int depth)
{
    const GumboVector *kids;
    unsigned i;

    if (depth > WALK_MAX || node->type != GUMBO_NODE_ELEMENT)
        return NULL;
    if (node->v.element.tag == tag)
        return node;
    kids = &node->v.element.children;
    for (i = 0; i < kids->length; i++) {
        const GumboNode *f = find_tag(kids->data[i], tag, depth + 1);

        if (f)
            return f;
    }
    return NULL;
}

/* How many elements with tag below node, counting up to 2. */
static int count_tag(const GumboNode *node, GumboTag tag, int depth)
{
    const GumboVector *kids;
    unsigned i;
    int c;

    if (depth > WALK_MAX || node->type != GUMBO_NODE_ELEMENT)
        return 0;
    c = node->v.element.tag == tag;
    kids = &node->v.element.children;
    for (i = 0; i < kids->length && c < 2; i++)
        c += count_tag(kids->data[i], tag, depth + 1);
    return c;
}

/*
** Where the page's own text is: <main>; else its <article> when it has
** exactly one (a listing of several <article>s is read whole, so no item
** is lost); else <body>.
*/
static const GumboNode *main_root(const GumboNode *root)
{
    const GumboNode *m = find_tag(root, GUMBO_TAG_MAIN, 0);

    if (m == NULL && count_tag(root, GUMBO_TAG_ARTICLE, 0) == 1)
        m = find_tag(root, GUMBO_TAG_ARTICLE, 0);
    if (m == NULL)
        m = find_tag(root, GUMBO_TAG_BODY, 0);
    return m;
}

/* Does href point at a report file? */
static int is_report_link(const char *href)
{
    static const char *const ext[] = {".pdf", ".doc", ".docx", ".txt",
                                      ".odt", ".rtf"};
    const char *end = href + strcspn(href, "?#");
    size_t len = (size_t)(end - href), i;

    for (i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t k = strlen(ext[i]);

        if (len > k && strncasecmp(end - k, ext[i], k) == 0)
            return 1;
    }
    return 0;
}

static void collect_links(const GumboNode *node, struct thp_buf *links,
                          int depth)
{
    const GumboVector *kids;
    unsigned i;

    if (depth > WALK_MAX || node->type != GUMBO_NODE_ELEMENT)
        return;
    if (node->v.element.tag == GUMBO_TAG_A) {
        const GumboAttribute *href =
            gumbo_get_attribute(&node->v.element.attributes, "href");

        if (href && is_report_link(href->value) &&
            strpbrk(href->value, "\r\n") == NULL) {
            thp_buf_puts(links, href->value);
            thp_buf_putc(links, '\n');
        }
    }
    kids = &node->v.element.children;
    for (i = 0; i < kids->length; i++)
        collect_links(kids->data[i], links, depth + 1);
}

static void trim_end(struct thp_buf *b)
{
    while (b->n > 0 && is_space((unsigned char)b->s[b->n - 1]))
        b->s[--b->n] = '\0';
}

/* Titles longer than TITLE_MAX bytes are cut at a character boundary. */
#define TITLE_MAX 300

static void cap_title(struct thp_buf *t)
{
    if (t->n <= TITLE_MAX)
        return;
    t->n = TITLE_MAX;
    while (t->n > 0 && ((unsigned char)t->s[t->n] & 0xC0) == 0x80)
        t->n--;
    t->s[t->n] = '\0';
    trim_end(t);
    thp_buf_puts(t, "…");
}

/*==================== The fast path ====================*/

/*
** gumbo builds the whole HTML5 tree, at about twice the cost of storing
** the text in FTS5. Most pages need much less: tags that open and close
** in order inside <html><head>...</head><body>...</body></html>, a few
** character references. For those, fast_html reads the tokens itself and
** gives exactly what the tree walk above gives (same title, body, links,
** byte for byte); for anything where HTML5's tree construction would do
** more than nest the tags as written (an implied end tag, a table, a
** misnested or unknown end tag, a reference it does not know, a form
** inside a form...), it gives up and gumbo parses the page. It gives up
** early rather than guess: every rule below is a "bail", never a repair.
*/

enum { T_START, T_END, T_TEXT };

struct ftok {
    int type;
    GumboTag tag;
    const char *name;   /* as written (unknown tags compare by name) */
    size_t nlen;
    size_t text, tlen;  /* T_TEXT: decoded text in the scratch buffer */
    size_t href, hlen;  /* <a href>: offset plus one in scratch, or 0 */
    size_t match;       /* T_START: index of its T_END */
};

struct fast {
    const char *s;
    size_t n, i;
    struct ftok *t;
    size_t nt, cap;
    struct thp_buf scratch;
    size_t stack[256];  /* open elements (token indices); depth bounded */
    int depth;
    int nomem;
};

#define FAST_BAIL 0
#define FAST_OK 1

static int fast_push_tok(struct fast *f, const struct ftok *t)
{
    if (f->nt == f->cap) {
        size_t ncap = f->cap ? 2 * f->cap : 256;
        struct ftok *v = thp_realloc(f->t, ncap * sizeof *v);

        if (v == NULL) {
            f->nomem = 1;
            return FAST_BAIL;
        }
        f->t = v;
        f->cap = ncap;
    }
    f->t[f->nt++] = *t;
    return FAST_OK;
}

static int is_html_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Named references the fast path knows (with their ';'); others bail. */
static const struct {
    const char *name;
    unsigned cp;
} fast_refs[] = {
    {"amp;", '&'},      {"lt;", '<'},        {"gt;", '>'},
    {"quot;", '"'},     {"apos;", '\''},     {"nbsp;", 0xA0},
    {"rsquo;", 0x2019}, {"lsquo;", 0x2018}, {"rdquo;", 0x201D},
    {"ldquo;", 0x201C}, {"ndash;", 0x2013}, {"mdash;", 0x2014},
    {"hellip;", 0x2026}, {"euro;", 0x20AC}, {"copy;", 0xA9},
};

/*
** Decode s[0..n) (text between tags, or RCDATA) into the scratch buffer.
** FAST_BAIL on a reference it cannot decode exactly as HTML5 does.
*/
static int fast_text(struct fast *f, const char *s, size_t n)
{
    struct thp_buf *b = &f->scratch;
    size_t i = 0;

    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t k;

        if (amp == NULL) {
            thp_buf_append(b, s + i, n - i);
            break;
        }
        thp_buf_append(b, s + i, (size_t)(amp - (s + i)));
        i = (size_t)(amp - s) + 1;
        if (i < n && s[i] == '#') {
            unsigned long v = 0;
            size_t j = i + 1, digits = 0;
            int hex = j < n && (s[j] == 'x' || s[j] == 'X');

            if (hex)
                j++;
            for (; j < n && digits < 7; j++, digits++) {
                char c = s[j];
                int d = c >= '0' && c <= '9'   ? c - '0'
                        : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                      : -1;

                if (d < 0)
                    break;
                v = v * (hex ? 16 : 10) + (unsigned long)d;
            }
            /* plain, terminated, and a character HTML5 keeps as it is */
            if (digits == 0 || j >= n || s[j] != ';' || v < 0x20 ||
                (v >= 0x7F && v < 0xA0) || (v >= 0xD800 && v < 0xE000) ||
                v > 0x10FFFF || (v >= 0xFDD0 && v <= 0xFDEF) ||
                (v & 0xFFFE) == 0xFFFE)
                return FAST_BAIL;
            thp_buf_put_utf8(b, (unsigned)v);
            i = j + 1;
            continue;
        }
        if (i >= n || !(is_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9'))) {
            thp_buf_putc(b, '&'); /* a lone ampersand */
            continue;
        }
        for (k = 0; k < sizeof fast_refs / sizeof *fast_refs; k++) {
            size_t len = strlen(fast_refs[k].name);

            if (n - i >= len && !memcmp(s + i, fast_refs[k].name, len)) {
                thp_buf_put_utf8(b, fast_refs[k].cp);
                i += len;
                break;
            }
        }
        if (k == sizeof fast_refs / sizeof *fast_refs)
            return FAST_BAIL;
    }
    return FAST_OK;
}

/* Add a text token for s[0..n) (decoded); nothing for an empty run. */
static int fast_add_text(struct fast *f, const char *s, size_t n)
{
    struct ftok t;

    if (n == 0)
        return FAST_OK;
    memset(&t, 0, sizeof t);
    t.type = T_TEXT;
    t.text = f->scratch.n;
    if (fast_text(f, s, n) != FAST_OK)
        return FAST_BAIL;
    t.tlen = f->scratch.n - t.text;
    return fast_push_tok(f, &t);
}

/*
** Read a tag at f->i (just after '<' or '</'): name, attributes, '>'.
** Fills t (name, tag, href) and *selfclose; FAST_BAIL on anything odd.
*/
static int fast_tag(struct fast *f, struct ftok *t, int *selfclose)
{
    const char *s = f->s;
    size_t n = f->n, i = f->i, start = i;
    char lower[32];
    int seen_href = 0;

    *selfclose = 0;
    while (i < n && !is_html_space(s[i]) && s[i] != '/' && s[i] != '>')
        i++;
    t->name = s + start;
    t->nlen = i - start;
    if (t->nlen >= sizeof lower) {
        t->tag = GUMBO_TAG_UNKNOWN;
    } else {
        size_t k;

        for (k = 0; k < t->nlen; k++) {
            char c = s[start + k];

            lower[k] = c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
        }
        lower[t->nlen] = '\0';
        t->tag = gumbo_tagn_enum(lower, (unsigned)t->nlen);
    }
    for (;;) { /* attributes */
        size_t an, ae, vs = 0, ve = 0;
        int has_value = 0;

        while (i < n && is_html_space(s[i]))
            i++;
        if (i >= n)
            return FAST_BAIL;
        if (s[i] == '>') {
            f->i = i + 1;
            return FAST_OK;
        }
        if (s[i] == '/') {
            if (i + 1 < n && s[i + 1] == '>') {
                *selfclose = 1;
                f->i = i + 2;
                return FAST_OK;
            }
            return FAST_BAIL;
        }
        an = i;
        if (s[i] == '=' || s[i] == '"' || s[i] == '\'' || s[i] == '<')
            return FAST_BAIL;
        while (i < n && !is_html_space(s[i]) && s[i] != '/' && s[i] != '>' &&
               s[i] != '=') {
            if (s[i] == '"' || s[i] == '\'' || s[i] == '<')
                return FAST_BAIL;
            i++;
        }
        ae = i;
        while (i < n && is_html_space(s[i]))
            i++;
        if (i < n && s[i] == '=') {
            i++;
            while (i < n && is_html_space(s[i]))
                i++;
            if (i >= n)
                return FAST_BAIL;
            has_value = 1;
            if (s[i] == '"' || s[i] == '\'') {
                const char *q = memchr(s + i + 1, s[i], n - i - 1);

                if (q == NULL)
                    return FAST_BAIL;
                vs = i + 1;
                ve = (size_t)(q - s);
                i = ve + 1;
                /* a quoted value must be followed by a separator */
                if (i < n && !is_html_space(s[i]) && s[i] != '>' &&
                    s[i] != '/')
                    return FAST_BAIL;
            } else {
                if (s[i] == '>')
                    return FAST_BAIL;
                vs = i;
                while (i < n && !is_html_space(s[i]) && s[i] != '>') {
                    if (s[i] == '"' || s[i] == '\'' || s[i] == '<' ||
                        s[i] == '=' || s[i] == '`')
                        return FAST_BAIL;
                    i++;
                }
                ve = i;
            }
        }
        if (ae - an == 4 && !strncasecmp(s + an, "href", 4) && !seen_href) {
            seen_href = 1;
            if (has_value && memchr(s + vs, '&', ve - vs))
                return FAST_BAIL; /* a reference in the URL */
            t->href = f->scratch.n + 1;
            t->hlen = has_value ? ve - vs : 0;
            thp_buf_append(&f->scratch, s + vs, t->hlen);
            thp_buf_putc(&f->scratch, '\0');
        }
    }
}

/* Void elements: no content, no end tag. */
static int is_void(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_AREA: case GUMBO_TAG_BR: case GUMBO_TAG_EMBED:
    case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT: case GUMBO_TAG_WBR:
    case GUMBO_TAG_META: case GUMBO_TAG_LINK: case GUMBO_TAG_PARAM:
    case GUMBO_TAG_SOURCE: case GUMBO_TAG_TRACK: case GUMBO_TAG_HR:
        return 1;
    default:
        return 0;
    }
}

/* Start tags that may stand inside an open <p> without closing it. */
static int is_phrasing(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_A: case GUMBO_TAG_ABBR: case GUMBO_TAG_B:
    case GUMBO_TAG_BDI: case GUMBO_TAG_BDO: case GUMBO_TAG_BR:
    case GUMBO_TAG_CITE: case GUMBO_TAG_CODE: case GUMBO_TAG_DATA:
    case GUMBO_TAG_DFN: case GUMBO_TAG_EM: case GUMBO_TAG_I:
    case GUMBO_TAG_IMG: case GUMBO_TAG_KBD: case GUMBO_TAG_MARK:
    case GUMBO_TAG_Q: case GUMBO_TAG_S: case GUMBO_TAG_SAMP:
    case GUMBO_TAG_SMALL: case GUMBO_TAG_SPAN: case GUMBO_TAG_STRONG:
    case GUMBO_TAG_SUB: case GUMBO_TAG_SUP: case GUMBO_TAG_TIME:
    case GUMBO_TAG_U: case GUMBO_TAG_VAR: case GUMBO_TAG_WBR:
    case GUMBO_TAG_LABEL: case GUMBO_TAG_INPUT: case GUMBO_TAG_UNKNOWN:
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_META:
    case GUMBO_TAG_LINK:
        return 1;
    default:
        return 0;
    }
}

/*
** Start tags the fast path takes in <body>: ordinary elements whose start
** HTML5 inserts as written (given no open <p>, see is_phrasing).
*/
static int body_ok(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_HTML: case GUMBO_TAG_HEAD: case GUMBO_TAG_BODY:
    case GUMBO_TAG_TITLE: case GUMBO_TAG_BASE: case GUMBO_TAG_BASEFONT:
    case GUMBO_TAG_BGSOUND: case GUMBO_TAG_FRAMESET: case GUMBO_TAG_FRAME:
    case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_PRE:
    case GUMBO_TAG_LISTING: case GUMBO_TAG_PLAINTEXT: case GUMBO_TAG_NOBR:
    case GUMBO_TAG_APPLET: case GUMBO_TAG_MARQUEE: case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_IMAGE: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_XMP: case GUMBO_TAG_IFRAME: case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_SELECT: case GUMBO_TAG_OPTGROUP: case GUMBO_TAG_OPTION:
    case GUMBO_TAG_RB: case GUMBO_TAG_RP: case GUMBO_TAG_RT:
    case GUMBO_TAG_RTC: case GUMBO_TAG_MATH: case GUMBO_TAG_SVG:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_COL: case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_TBODY: case GUMBO_TAG_TD: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TH: case GUMBO_TAG_THEAD: case GUMBO_TAG_TR:
    case GUMBO_TAG_KEYGEN: case GUMBO_TAG_MENUITEM: case GUMBO_TAG_ISINDEX:
    case GUMBO_TAG_NOSCRIPT:
        return 0;
    default:
        return 1;
    }
}

static int open_has(const struct fast *f, GumboTag tag)
{
    int k;

    for (k = 0; k < f->depth; k++)
        if (f->t[f->stack[k]].tag == tag)
            return 1;
    return 0;
}

/* Would HTML5 close an open element when this start tag comes? */
static int implies_end(const struct fast *f, GumboTag tag)
{
    GumboTag top = f->depth ? f->t[f->stack[f->depth - 1]].tag
                            : GUMBO_TAG_UNKNOWN;

    if (open_has(f, GUMBO_TAG_P) && !is_phrasing(tag))
        return 1;
    switch (tag) {
    case GUMBO_TAG_LI: case GUMBO_TAG_DD: case GUMBO_TAG_DT:
        /* only directly inside their list, never in another item */
        return open_has(f, GUMBO_TAG_LI) || open_has(f, GUMBO_TAG_DD) ||
               open_has(f, GUMBO_TAG_DT) ||
               !(top == GUMBO_TAG_UL || top == GUMBO_TAG_OL ||
                 top == GUMBO_TAG_DL || top == GUMBO_TAG_MENU);
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        return top >= GUMBO_TAG_H1 && top <= GUMBO_TAG_H6;
    case GUMBO_TAG_A: case GUMBO_TAG_FORM: case GUMBO_TAG_BUTTON:
        return open_has(f, tag);
    default:
        return 0;
    }
}

/*
** Raw text up to its end tag (</script>, </style>, </title>): the text
** run is s[f->i..), the end tag is read as a tag. rcdata: references are
** decoded (title).
*/
static int fast_raw(struct fast *f, const struct ftok *open, int rcdata)
{
    const char *s = f->s;
    size_t n = f->n, i = f->i;
    struct ftok end;
    int selfclose;

    for (;;) {
        const char *lt = memchr(s + i, '<', n - i);

        if (lt == NULL)
            return FAST_BAIL;
        i = (size_t)(lt - s);
        if (i + 2 + open->nlen <= n && s[i + 1] == '/' &&
            !strncasecmp(s + i + 2, open->name, open->nlen) &&
            i + 2 + open->nlen < n &&
            (is_html_space(s[i + 2 + open->nlen]) ||
             s[i + 2 + open->nlen] == '/' || s[i + 2 + open->nlen] == '>'))
            break;
        /* script data has escape states after "<!--": not here */
        if (open->tag == GUMBO_TAG_SCRIPT && i + 3 < n && s[i + 1] == '!')
            return FAST_BAIL;
        i++;
    }
    /* a skipped element's text (script, style) is never read */
    if (rcdata && fast_add_text(f, s + f->i, i - f->i) != FAST_OK)
        return FAST_BAIL;
    memset(&end, 0, sizeof end);
    end.type = T_END;
    f->i = i + 2;
    if (fast_tag(f, &end, &selfclose) != FAST_OK)
        return FAST_BAIL;
    end.tag = open->tag;
    end.href = 0;
    return fast_push_tok(f, &end);
}

/* A comment at f->i ("<!--"): skipped; FAST_BAIL on the odd endings. */
static int fast_comment(struct fast *f)
{
    const char *s = f->s + f->i + 4, *end;
    size_t n = f->n - f->i - 4;

    if (n > 0 && (s[0] == '>' || (s[0] == '-' && n > 1 && s[1] == '>')))
        return FAST_BAIL; /* "<!-->", "<!--->" */
    end = memmem(s, n, "-->", 3);
    if (end == NULL || memmem(s, (size_t)(end - s) + 2, "--!", 3))
        return FAST_BAIL;
    f->i = (size_t)(end - f->s) + 3;
    return FAST_OK;
}

/* Phases of the page, in the only order the fast path accepts. */
enum {
    P_START, P_HTML, P_HEAD, P_AFTER_HEAD, P_BODY, P_AFTER_BODY, P_END
};

/* Pass 1: tokens of the whole page, checked to nest as HTML5 nests them. */
static int fast_scan(struct fast *f)
{
    const char *s = f->s;
    size_t n = f->n, text = 0;
    int phase = P_START;

    if (memchr(s, '\r', n) || memchr(s, '\0', n))
        return FAST_BAIL;
    while (f->i < n) {
        size_t i = f->i;
        struct ftok t;
        int selfclose, end;

        if (s[i] != '<' || i + 1 >= n ||
            !(is_alpha(s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!' ||
              s[i + 1] == '?')) {
            /* text, up to the next '<' that starts markup */
            const char *lt = memchr(s + i + 1, '<', n - i - 1);

            if (phase != P_BODY && !is_html_space(s[i]))
                return FAST_BAIL; /* text outside <body> */
            if (phase == P_BODY && text == 0)
                text = i + 1;
            f->i = lt ? (size_t)(lt - s) : n;
            if (phase != P_BODY) {
                size_t k;

                for (k = i; k < f->i; k++)
                    if (!is_html_space(s[k]))
                        return FAST_BAIL;
            }
            continue;
        }
        if (text) { /* the text before this markup */
            if (fast_add_text(f, s + text - 1, i - (text - 1)) != FAST_OK)
                return FAST_BAIL;
            text = 0;
        }
        if (s[i + 1] == '!') {
            if (i + 4 <= n && !memcmp(s + i, "<!--", 4)) {
                if (fast_comment(f) != FAST_OK)
                    return FAST_BAIL;
                continue;
            }
            if (phase == P_START && i + 9 <= n &&
                !strncasecmp(s + i, "<!doctype", 9)) {
                const char *gt = memchr(s + i, '>', n - i);

                if (gt == NULL || memchr(s + i, '"', (size_t)(gt - s) - i) ||
                    memchr(s + i, '\'', (size_t)(gt - s) - i))
                    return FAST_BAIL;
                f->i = (size_t)(gt - s) + 1;
                continue;
            }
            return FAST_BAIL;
        }
        if (s[i + 1] == '?')
            return FAST_BAIL;
        end = s[i + 1] == '/';
        if (end && (i + 2 >= n || !is_alpha(s[i + 2])))
            return FAST_BAIL;
        memset(&t, 0, sizeof t);
        t.type = end ? T_END : T_START;
        f->i = i + (end ? 2 : 1);
        if (fast_tag(f, &t, &selfclose) != FAST_OK)
            return FAST_BAIL;
        if (end && t.href)
            t.href = 0; /* attributes of an end tag mean nothing */
        switch (phase) {
        case P_START:
            if (end || t.tag != GUMBO_TAG_HTML)
                return FAST_BAIL;
            phase = P_HTML;
            break;
        case P_HTML:
            if (end || t.tag != GUMBO_TAG_HEAD)
                return FAST_BAIL;
            phase = P_HEAD;
            break;
        case P_HEAD:
            if (end) {
                if (t.tag != GUMBO_TAG_HEAD)
                    return FAST_BAIL;
                phase = P_AFTER_HEAD;
                continue;
            }
            if (t.tag == GUMBO_TAG_META || t.tag == GUMBO_TAG_LINK ||
                t.tag == GUMBO_TAG_BASE)
                break;
            if (t.tag != GUMBO_TAG_TITLE && t.tag != GUMBO_TAG_STYLE &&
                t.tag != GUMBO_TAG_SCRIPT)
                return FAST_BAIL;
            t.match = f->nt + (t.tag == GUMBO_TAG_TITLE ? 2 : 1);
            if (fast_push_tok(f, &t) != FAST_OK)
                return FAST_BAIL;
            {
                size_t before = f->nt;

                if (fast_raw(f, &t, t.tag == GUMBO_TAG_TITLE) != FAST_OK)
                    return FAST_BAIL;
                /* an empty title has no text token */
                f->t[before - 1].match = f->nt - 1;
            }
            continue;
        case P_AFTER_HEAD:
            if (end || t.tag != GUMBO_TAG_BODY)
                return FAST_BAIL;
            phase = P_BODY;
            t.match = 0;
            if (fast_push_tok(f, &t) != FAST_OK)
                return FAST_BAIL;
            f->stack[f->depth++] = f->nt - 1;
            continue;
        case P_BODY:
            if (end) {
                const struct ftok *top = &f->t[f->stack[f->depth - 1]];

                if (top->tag != t.tag ||
                    (t.tag == GUMBO_TAG_UNKNOWN &&
                     (top->nlen != t.nlen ||
                      strncasecmp(top->name, t.name, t.nlen))))
                    return FAST_BAIL;
                if (fast_push_tok(f, &t) != FAST_OK)
                    return FAST_BAIL;
                f->t[f->stack[--f->depth]].match = f->nt - 1;
                if (t.tag == GUMBO_TAG_BODY)
                    phase = P_AFTER_BODY;
                continue;
            }
            if (!body_ok(t.tag) || implies_end(f, t.tag))
                return FAST_BAIL;
            if (fast_push_tok(f, &t) != FAST_OK)
                return FAST_BAIL;
            if (is_void(t.tag)) {
                f->t[f->nt - 1].match = f->nt - 1;
                continue;
            }
            if (t.tag == GUMBO_TAG_SCRIPT || t.tag == GUMBO_TAG_STYLE) {
                if (fast_raw(f, &t, 0) != FAST_OK)
                    return FAST_BAIL;
                f->t[f->nt - 2].match = f->nt - 1;
                continue;
            }
            if (f->depth == (int)(sizeof f->stack / sizeof *f->stack))
                return FAST_BAIL;
            f->stack[f->depth++] = f->nt - 1;
            continue;
        case P_AFTER_BODY:
            if (!end || t.tag != GUMBO_TAG_HTML)
                return FAST_BAIL;
            phase = P_END;
            continue;
        default:
            return FAST_BAIL;
        }
        /* html, head, and the void elements of the head: no token needed */
        if (selfclose && !is_void(t.tag) && t.tag != GUMBO_TAG_BASE)
            return FAST_BAIL;
    }
    if (text && fast_add_text(f, s + text - 1, n - (text - 1)) != FAST_OK)
        return FAST_BAIL;
    if (phase != P_END && phase != P_AFTER_BODY)
        return FAST_BAIL;
    return f->scratch.rc == THP_OK && !f->nomem ? FAST_OK : FAST_BAIL;
}

/* Pass 2: what node_text gives for the tokens [a, b), the children. */
static int fast_children(const struct fast *f, size_t a, size_t b,
                         struct thp_buf *out, int keep_header)
{
    size_t start[sizeof f->stack / sizeof *f->stack];
    GumboTag tag[sizeof f->stack / sizeof *f->stack];
    int d = 0;
    size_t i;

    for (i = a; i < b; i++) {
        const struct ftok *t = &f->t[i];

        if (t->type == T_TEXT) {
            thp_extract_fold(out, f->scratch.s + t->text, t->tlen);
        } else if (t->type == T_START) {
            /*
            ** gumbo (0.10) closes a <form> at once and makes what follows
            ** its siblings, so its text is read there: leave such a page
            ** to gumbo rather than read the form differently.
            */
            if (t->tag == GUMBO_TAG_FORM)
                return FAST_BAIL;
            if (is_skipped(t->tag, keep_header)) {
                i = t->match;
                continue;
            }
            if (is_block(t->tag))
                paragraph_break(out);
            if (t->match == i) { /* void: no children */
                if (is_block(t->tag))
                    paragraph_break(out);
                continue;
            }
            tag[d] = t->tag;
            start[d++] = out->n;
        } else if (d > 0) {
            GumboTag g = tag[--d];

            if ((g == GUMBO_TAG_A || is_block(g)) && out->n > start[d] &&
                thp_items_is_boilerplate(out->s + start[d],
                                         out->n - start[d])) {
                out->n = start[d];
                out->s[start[d]] = '\0';
            }
            if (is_block(g))
                paragraph_break(out);
        }
    }
    return FAST_OK;
}

/* The first start token of tag, or (size_t)-1. */
static size_t fast_find(const struct fast *f, GumboTag tag)
{
    size_t i;

    for (i = 0; i < f->nt; i++)
        if (f->t[i].type == T_START && f->t[i].tag == tag)
            return i;
    return (size_t)-1;
}

/* How many start tokens of tag, counting up to 2. */
static int fast_count(const struct fast *f, GumboTag tag)
{
    size_t i;
    int c = 0;

    for (i = 0; i < f->nt && c < 2; i++)
        c += f->t[i].type == T_START && f->t[i].tag == tag;
    return c;
}

/*
** The fast path: FAST_OK with doc filled as the tree walk fills it, or
** FAST_BAIL with doc untouched (gumbo's turn).
*/
static int fast_html(const char *s, size_t n, struct thp_doc *doc)
{
    struct fast f;
    size_t k, m;
    int rc;

    memset(&f, 0, sizeof f);
    f.s = s;
    f.n = n;
    thp_buf_init(&f.scratch, 0);
    thp_buf_grow(&f.scratch, n + 64);
    rc = fast_scan(&f);
    if (rc == FAST_OK) {
        k = fast_find(&f, GUMBO_TAG_TITLE);
        if (k != (size_t)-1)
            fast_children(&f, k + 1, f.t[k].match, &doc->title, 0);
        trim_end(&doc->title);
        if (doc->title.n == 0 &&
            (k = fast_find(&f, GUMBO_TAG_H1)) != (size_t)-1 &&
            fast_children(&f, k + 1, f.t[k].match, &doc->title, 0) !=
                FAST_OK)
            rc = FAST_BAIL;
        trim_end(&doc->title);
        cap_title(&doc->title);

        /* the text's root: as main_root() chooses it in the tree */
        m = fast_find(&f, GUMBO_TAG_MAIN);
        if (m == (size_t)-1 && fast_count(&f, GUMBO_TAG_ARTICLE) == 1)
            m = fast_find(&f, GUMBO_TAG_ARTICLE);
        if (m == (size_t)-1)
            m = fast_find(&f, GUMBO_TAG_BODY);
        if (rc == FAST_OK &&
            fast_children(&f, m + 1, f.t[m].match, &doc->body,
                          f.t[m].tag != GUMBO_TAG_BODY) != FAST_OK)
            rc = FAST_BAIL;
        trim_end(&doc->body);
        if (rc != FAST_OK) { /* gumbo's turn, on an untouched document */
            thp_buf_reset(&doc->title);
            thp_buf_reset(&doc->body);
        }
        for (k = 0; rc == FAST_OK && k < f.nt; k++) {
            const struct ftok *t = &f.t[k];

            if (t->type == T_START && t->tag == GUMBO_TAG_A && t->href &&
                is_report_link(f.scratch.s + t->href - 1) &&
                strpbrk(f.scratch.s + t->href - 1, "\r\n") == NULL) {
                thp_buf_puts(&doc->links, f.scratch.s + t->href - 1);
                thp_buf_putc(&doc->links, '\n');
            }
        }
    }
    thp_buf_release(&f.scratch);
    thp_free(f.t);
    return rc;
}

/*==================== Deep pages ====================*/

/*
** HTML5 tree construction looks through the stack of open elements for
** many start tags, so a page nested 100,000 deep costs gumbo minutes (and
** the walks above stop at WALK_MAX). nesting_depth estimates, in one pass
** over the markup, how deep the tree would be: start tags of elements
** that need an end tag, minus end tags; elements whose end HTML5 implies
** (p, li, td...) and void ones are not counted. Pages over DEEP_LIMIT are
** read by strip_html, a plain reader of the markup: text outside skipped
** elements, block tags as paragraph breaks.
*/

/* Tag name at s[i..n) (just after '<' or '</'): its length, lowercased
** into out (cut to size - 1), 0 if no name starts here. */
static size_t tag_name(const char *s, size_t i, size_t n, char *out,
                       size_t size)
{
    size_t k = 0;

    if (i >= n || !is_alpha(s[i]))
        return 0;
    while (i + k < n && !is_html_space(s[i + k]) && s[i + k] != '/' &&
           s[i + k] != '>') {
        if (k + 1 < size) {
            char c = s[i + k];

            out[k] = c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
        }
        k++;
    }
    out[k < size ? k : size - 1] = '\0';
    return k;
}

static int implied_end(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_LI: case GUMBO_TAG_DT:
    case GUMBO_TAG_DD: case GUMBO_TAG_OPTION: case GUMBO_TAG_OPTGROUP:
    case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH:
    case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_RB: case GUMBO_TAG_RT: case GUMBO_TAG_RP:
    case GUMBO_TAG_HTML: case GUMBO_TAG_HEAD: case GUMBO_TAG_BODY:
    case GUMBO_TAG_COLGROUP: case GUMBO_TAG_CAPTION:
        return 1;
    default:
        return 0;
    }
}

/* Elements whose content is raw text up to their end tag. */
static int is_raw(GumboTag tag)
{
    return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE ||
           tag == GUMBO_TAG_TITLE || tag == GUMBO_TAG_TEXTAREA ||
           tag == GUMBO_TAG_XMP;
}

/* Index of the end of the raw element named name that starts at i (just
** past its start tag): where its "</name" begins, or n. */
static size_t raw_end(const char *s, size_t i, size_t n, const char *name)
{
    size_t k = strlen(name);

    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);

        if (lt == NULL)
            return n;
        i = (size_t)(lt - s);
        if (i + 2 + k <= n && s[i + 1] == '/' &&
            !strncasecmp(s + i + 2, name, k))
            return i;
        i++;
    }
    return n;
}

/* Past the '>' that ends the tag whose name ends at i (quotes honoured). */
static size_t tag_end(const char *s, size_t i, size_t n)
{
    char q = 0;

    for (; i < n; i++) {
        if (q) {
            if (s[i] == q)
                q = 0;
        } else if (s[i] == '"' || s[i] == '\'') {
            q = s[i];
        } else if (s[i] == '>') {
            return i + 1;
        }
    }
    return n;
}

/* Estimated tree depth of the page, stopping once it passes limit. */
static int nesting_depth(const char *s, size_t n, int limit)
{
    size_t i = 0;
    int depth = 0, max = 0;

    while (i < n && max <= limit) {
        const char *lt = memchr(s + i, '<', n - i);
        char name[16];
        size_t k;
        int end;

        if (lt == NULL)
            break;
        i = (size_t)(lt - s) + 1;
        if (i + 3 <= n && !memcmp(s + i, "!--", 3)) {
            const char *e = memmem(s + i + 3, n - i - 3, "-->", 3);

            i = e ? (size_t)(e - s) + 3 : n;
            continue;
        }
        end = i < n && s[i] == '/';
        k = tag_name(s, i + (size_t)end, n, name, sizeof name);
        if (k == 0)
            continue;
        i += (size_t)end + k;
        {
            GumboTag tag = gumbo_tagn_enum(name, (unsigned)strlen(name));
            size_t close = tag_end(s, i, n);
            int selfclose = close >= 2 && s[close - 2] == '/';

            i = close;
            if (!end && is_raw(tag)) {
                i = raw_end(s, i, n, name);
                continue;
            }
            if (is_void(tag) || implied_end(tag) || (selfclose && !end))
                continue;
            depth += end ? -1 : 1;
            if (depth < 0)
                depth = 0;
            if (depth > max)
                max = depth;
        }
    }
    return max;
}

/* Text s[0..n) with the references the fast path knows decoded, others
** kept as written, folded into b. */
static void strip_text(struct thp_buf *b, const char *s, size_t n)
{
    struct fast f;

    memset(&f, 0, sizeof f);
    thp_buf_init(&f.scratch, 0);
    if (fast_text(&f, s, n) == FAST_OK)
        thp_extract_fold(b, f.scratch.s ? f.scratch.s : "", f.scratch.n);
    else
        thp_extract_fold(b, s, n);
    thp_buf_release(&f.scratch);
}

/* A page too deep for the tree: title and body read off the markup. */
static void strip_html(const char *s, size_t n, struct thp_doc *doc)
{
    size_t i = 0;
    int in_body = 0, skip = 0;
    char skip_name[16] = "";

    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);
        size_t stop = lt ? (size_t)(lt - s) : n, k, close;
        char name[16];
        GumboTag tag;
        int end;

        if (in_body && !skip && stop > i)
            strip_text(&doc->body, s + i, stop - i);
        if (lt == NULL)
            break;
        i = stop + 1;
        if (i + 3 <= n && !memcmp(s + i, "!--", 3)) {
            const char *e = memmem(s + i + 3, n - i - 3, "-->", 3);

            i = e ? (size_t)(e - s) + 3 : n;
            continue;
        }
        end = i < n && s[i] == '/';
        k = tag_name(s, i + (size_t)end, n, name, sizeof name);
        if (k == 0) {
            if (in_body && !skip)
                thp_extract_fold(&doc->body, "<", 1);
            continue;
        }
        tag = gumbo_tagn_enum(name, (unsigned)strlen(name));
        close = tag_end(s, i + (size_t)end + k, n);
        i = close;
        if (!end && is_raw(tag)) {
            size_t e = raw_end(s, i, n, name);

            if (tag == GUMBO_TAG_TITLE && doc->title.n == 0)
                strip_text(&doc->title, s + i, e - i);
            i = e;
            continue;
        }
        if (tag == GUMBO_TAG_BODY && !end)
            in_body = 1;
        if (skip) { /* inside a skipped element: count its own name */
            if (!strcmp(name, skip_name))
                skip += end ? -1 : 1;
            continue;
        }
        if (!end && is_skipped(tag, 0) && !is_void(tag)) {
            snprintf(skip_name, sizeof skip_name, "%s", name);
            skip = 1;
            continue;
        }
        if (is_block(tag))
            paragraph_break(&doc->body);
    }
    trim_end(&doc->title);
    cap_title(&doc->title);
    trim_end(&doc->body);
}

/*==================== The web address ====================*/

/*
** Value of attribute name in the tag s[a..b) (after its name), decoded
** of &amp;, into out; 0 if absent.
*/
static int attr_value(const char *s, size_t a, size_t b, const char *name,
                      struct thp_buf *out)
{
    size_t k = strlen(name);

    while (a < b) {
        size_t an, ae, vs, ve;

        while (a < b && (is_html_space(s[a]) || s[a] == '/'))
            a++;
        an = a;
        while (a < b && !is_html_space(s[a]) && s[a] != '=' && s[a] != '>' &&
               s[a] != '/')
            a++;
        ae = a;
        while (a < b && is_html_space(s[a]))
            a++;
        vs = ve = a;
        if (a < b && s[a] == '=') {
            a++;
            while (a < b && is_html_space(s[a]))
                a++;
            if (a < b && (s[a] == '"' || s[a] == '\'')) {
                const char *q = memchr(s + a + 1, s[a], b - a - 1);

                vs = a + 1;
                ve = q ? (size_t)(q - s) : b;
                a = ve + 1;
            } else {
                vs = a;
                while (a < b && !is_html_space(s[a]) && s[a] != '>')
                    a++;
                ve = a;
            }
        }
        if (ae == an) {
            a++;
            continue;
        }
        if (ae - an == k && !strncasecmp(s + an, name, k)) {
            size_t j;

            for (j = vs; j < ve; j++) {
                if (s[j] == '&' && ve - j >= 5 && !memcmp(s + j, "&amp;", 5)) {
                    thp_buf_putc(out, '&');
                    j += 4;
                } else if (!is_html_space(s[j]) || out->n) {
                    thp_buf_putc(out, s[j]);
                }
            }
            trim_end(out);
            return 1;
        }
    }
    return 0;
}

/* An absolute http(s) address without blanks or controls. */
static int is_web_address(const char *u, size_t n)
{
    size_t i;

    if (!(n > 8 && !strncasecmp(u, "https://", 8)) &&
        !(n > 7 && !strncasecmp(u, "http://", 7)))
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)u[i] <= ' ' || u[i] == '"' || u[i] == '<' ||
            u[i] == '>')
            return 0;
    return 1;
}

/* Does the space-separated list v contain word (any case)? */
static int has_word(const char *v, size_t n, const char *word)
{
    size_t k = strlen(word), i = 0;

    while (i < n) {
        size_t j;

        while (i < n && is_html_space(v[i]))
            i++;
        for (j = i; j < n && !is_html_space(v[j]); j++)
            ;
        if (j - i == k && !strncasecmp(v + i, word, k))
            return 1;
        i = j;
    }
    return 0;
}

/*
** The address the page gives itself: <link rel="canonical" href>, else
** <meta property="og:url" content> (also name="og:url"); read from the
** markup of the head (up to the first tag that cannot stand there), the
** same whichever parser reads the rest.
** Only absolute http(s) addresses count.
*/
static void web_address(const char *s, size_t n, struct thp_buf *out)
{
    struct thp_buf v, og;
    size_t i = 0;

    thp_buf_init(&v, 4096);
    thp_buf_init(&og, 4096);
    while (i < n && out->n == 0) {
        const char *lt = memchr(s + i, '<', n - i);
        char name[16];
        size_t k, close;

        if (lt == NULL)
            break;
        i = (size_t)(lt - s) + 1;
        if (i + 3 <= n && !memcmp(s + i, "!--", 3)) {
            const char *e = memmem(s + i + 3, n - i - 3, "-->", 3);

            i = e ? (size_t)(e - s) + 3 : n;
            continue;
        }
        k = tag_name(s, i, n, name, sizeof name);
        if (k == 0)
            continue;
        close = tag_end(s, i + k, n);
        /* the head ends at the first tag that cannot stand in it */
        if (strcmp(name, "html") && strcmp(name, "head") &&
            strcmp(name, "meta") && strcmp(name, "link") &&
            strcmp(name, "title") && strcmp(name, "style") &&
            strcmp(name, "script") && strcmp(name, "base") &&
            strcmp(name, "noscript") && strcmp(name, "template"))
            break;
        if (!strcmp(name, "script") || !strcmp(name, "style") ||
            !strcmp(name, "title")) {
            i = raw_end(s, close, n, name);
            continue;
        }
        thp_buf_reset(&v);
        if (!strcmp(name, "link") &&
            attr_value(s, i + k, close, "rel", &v) && v.n &&
            has_word(v.s, v.n, "canonical")) {
            thp_buf_reset(&v);
            if (attr_value(s, i + k, close, "href", &v) && v.rc == THP_OK &&
                is_web_address(v.s ? v.s : "", v.n))
                thp_buf_append(out, v.s, v.n);
        } else if (!strcmp(name, "meta") && og.n == 0 &&
                   ((attr_value(s, i + k, close, "property", &v) && v.n) ||
                    (attr_value(s, i + k, close, "name", &v) && v.n)) &&
                   v.n == 6 && !strncasecmp(v.s, "og:url", 6)) {
            thp_buf_reset(&v);
            if (attr_value(s, i + k, close, "content", &v) && v.rc == THP_OK &&
                is_web_address(v.s ? v.s : "", v.n))
                thp_buf_append(&og, v.s, v.n);
        }
        i = close;
    }
    if (out->n == 0 && og.n)
        thp_buf_append(out, og.s, og.n);
    thp_buf_release(&v);
    thp_buf_release(&og);
}

/*==================== gumbo's memory ====================*/

/*
** gumbo allocates every node, attribute, string and vector separately
** and frees them one by one; for a page of a few KB that is thousands of
** malloc/free pairs, a good part of the parse. Instead, one parse takes
** its memory from an arena of chunks that is freed whole afterwards:
** gumbo's frees are no-ops (gumbo never reallocates, it allocates anew
** and frees the old block, so a growing buffer wastes at most as much as
** it holds).
*/
struct arena_chunk {
    struct arena_chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

struct arena {
    struct arena_chunk *head;
    size_t next_size; /* of the next chunk's data */
    int failed;       /* an allocation failed: gumbo then aborts */
};

#define ARENA_FIRST (64u << 10)
#define ARENA_MAX_CHUNK (4u << 20)

static void *arena_alloc(void *userdata, size_t size)
{
    struct arena *a = userdata;
    struct arena_chunk *c = a->head;
    size_t need = (size + 15) & ~(size_t)15;

    if (need < size) /* overflow */
        return NULL;
    if (c == NULL || c->size - c->used < need) {
        size_t sz = a->next_size > need ? a->next_size : need;

        c = thp_malloc(sizeof *c + sz);
        if (c == NULL) {
            a->failed = 1;
            return NULL;
        }
        c->size = sz;
        c->used = 0;
        c->next = a->head;
        a->head = c;
        if (a->next_size < ARENA_MAX_CHUNK)
            a->next_size *= 2;
    }
    c->used += need;
    return c->data + c->used - need;
}

static void arena_free(void *userdata, void *p)
{
    (void)userdata;
    (void)p;
}

static void arena_release(struct arena *a)
{
    while (a->head) {
        struct arena_chunk *c = a->head;

        a->head = c->next;
        thp_free(c);
    }
}

/* The tree walk over gumbo's parse: any page. */
static int gumbo_html(const char *s, size_t n, struct thp_doc *doc,
                      struct thp_err *err)
{
    GumboOptions opt = kGumboDefaultOptions;
    struct arena arena = {NULL, ARENA_FIRST, 0};
    GumboOutput *g;
    const GumboNode *title, *h1, *main_node;

    opt.allocator = arena_alloc;
    opt.deallocator = arena_free;
    opt.userdata = &arena;
    /*
    ** Parse errors are recorded only to be listed (each with a copy of
    ** the open elements); the tree is the same without them.
    */
    opt.max_errors = 0;
    g = gumbo_parse_with_options(&opt, s, n);
    if (g == NULL || arena.failed) {
        arena_release(&arena);
        return thp_err_set(err, THP_ERR_NOMEM, "parsing HTML: out of memory");
    }

    title = find_tag(g->root, GUMBO_TAG_TITLE, 0);
    if (title)
        children_text(title, &doc->title, 0, 0);
    trim_end(&doc->title);
    if (doc->title.n == 0 && (h1 = find_tag(g->root, GUMBO_TAG_H1, 0)))
        children_text(h1, &doc->title, 0, 0);
    trim_end(&doc->title);
    cap_title(&doc->title);

    main_node = main_root(g->root);
    if (main_node)
        children_text(main_node, &doc->body, 0,
                      main_node->v.element.tag != GUMBO_TAG_BODY);
    trim_end(&doc->body);
    collect_links(g->root, &doc->links, 0);
    arena_release(&arena); /* the whole tree at once */
    return THP_OK;
}

/*==================== Clean output ====================*/

/* 1 if s[0..n) holds a control character other than '\n' (C0, DEL or
** C1, U+0080..U+009F). */
static int has_control(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i;

    for (i = 0; i < n; i++)
        if ((u[i] < 0x20 && u[i] != '\n') || u[i] == 0x7F ||
            (u[i] == 0xC2 && i + 1 < n && u[i + 1] >= 0x80 &&
             u[i + 1] < 0xA0))
            return 1;
    return 0;
}

/*
** The parsers decode character references, and "&#1;", "&#x1b;" or
** "&#x81;" give back what cleaning took out of the page's own bytes:
** the snippet marks 0x01/0x02 (passage.h), terminal escapes, C1
** controls. Text that holds one is cleaned again as every source is
** (thp_text_clean), so no control character reaches the index. A title
** is one line: a heading taken for one ("<h1>Head<br>line</h1>") has
** its line breaks as spaces.
*/
static void finish_text(struct thp_buf *b, int one_line)
{
    size_t i, k = 0;

    if (b->rc != THP_OK || b->n == 0)
        return;
    if (has_control(b->s, b->n)) {
        struct thp_buf t;

        thp_buf_init(&t, b->max);
        if (thp_text_clean(b->s, b->n, &t, NULL, NULL) == THP_OK) {
            thp_buf_reset(b);
            thp_buf_append(b, t.s ? t.s : "", t.n);
        } else {
            b->rc = t.rc;
        }
        thp_buf_release(&t);
        if (b->rc != THP_OK)
            return;
        trim_end(b); /* a dropped control may have ended the text */
        if (b->n == 0)
            return;
    }
    if (!one_line || memchr(b->s, '\n', b->n) == NULL)
        return;
    for (i = 0; i < b->n; i++) {
        if (b->s[i] != '\n') {
            b->s[k++] = b->s[i];
            continue;
        }
        while (k > 0 && b->s[k - 1] == ' ')
            k--;
        while (i + 1 < b->n && (b->s[i + 1] == '\n' || b->s[i + 1] == ' '))
            i++;
        if (k > 0)
            b->s[k++] = ' ';
    }
    b->n = k;
    b->s[k] = '\0';
    trim_end(b);
}

/* Report links with a control character in them are left out. */
static void finish_links(struct thp_buf *l)
{
    size_t i = 0, k = 0;

    if (l->rc != THP_OK || l->n == 0 || !has_control(l->s, l->n))
        return;
    while (i < l->n) {
        const char *nl = memchr(l->s + i, '\n', l->n - i);
        size_t end = nl ? (size_t)(nl - l->s) + 1 : l->n;

        if (!has_control(l->s + i, end - i)) {
            memmove(l->s + k, l->s + i, end - i);
            k += end - i;
        }
        i = end;
    }
    l->n = k;
    l->s[k] = '\0';
}

int thp_extract_html(const char *s, size_t n, struct thp_doc *doc,
                     struct thp_err *err)
{
    if (nesting_depth(s, n, DEEP_LIMIT) > DEEP_LIMIT)
        strip_html(s, n, doc);
    else if (fast_html(s, n, doc) != FAST_OK &&
             gumbo_html(s, n, doc, err) != THP_OK)
        return THP_ERR_NOMEM;
    finish_text(&doc->title, 1);
    cap_title(&doc->title);
    finish_text(&doc->body, 0);
    finish_links(&doc->links);
    web_address(s, n, &doc->url);

    if (doc->title.rc || doc->body.rc || doc->links.rc || doc->url.rc) {
        int rc = doc->body.rc    ? doc->body.rc
                 : doc->title.rc ? doc->title.rc
                 : doc->links.rc ? doc->links.rc
                                 : doc->url.rc;

        return thp_err_set(err, rc, "extracting HTML: %s", thp_strerror(rc));
    }
    return THP_OK;
}

/*==================== Plain text ====================*/

int thp_extract_text(const char *s, size_t n, struct thp_doc *doc,
                     struct thp_err *err)
{
    size_t i = 0, eol;

    /* the first line with any text is the title */
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);

        eol = nl ? (size_t)(nl - s) : n;
        if (eol - i > TITLE_MAX) { /* a run-on first line is not a title */
            thp_buf_reset(&doc->title);
            i = 0;
            break;
        }
        thp_extract_fold(&doc->title, s + i, eol - i);
        trim_end(&doc->title);
        i = eol < n ? eol + 1 : n;
        if (doc->title.n)
            break;
    }
    /* the rest is the body, already cleaned by text.c: copy as is */
    while (i < n && is_space((unsigned char)s[i]))
        i++;
    thp_buf_append(&doc->body, s + i, n - i);
    trim_end(&doc->body);
    if (doc->title.rc || doc->body.rc) {
        int rc = doc->body.rc ? doc->body.rc : doc->title.rc;

        return thp_err_set(err, rc, "extracting text: %s", thp_strerror(rc));
    }
    return THP_OK;
}
