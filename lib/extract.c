/*
** extract.c: title, body and report links from HTML (via gumbo) and from
** plain text. Input is clean UTF-8 from text.c; output stays valid UTF-8
** (gumbo replaces anything it cannot read with U+FFFD).
*/
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "thp/extract.h"
#include "thp/items.h"
#include "thp/mem.h"

void thp_doc_init(struct thp_doc *doc, size_t max)
{
    thp_buf_init(&doc->title, max);
    thp_buf_init(&doc->body, max);
    thp_buf_init(&doc->links, 1 << 16);
}

void thp_doc_release(struct thp_doc *doc)
{
    thp_buf_release(&doc->title);
    thp_buf_release(&doc->body);
    thp_buf_release(&doc->links);
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

/* Elements whose content is never body text. */
static int is_skipped(GumboTag tag)
{
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

static void node_text(const GumboNode *node, struct thp_buf *b, int depth);

static void children_text(const GumboNode *node, struct thp_buf *b,
                          int depth)
{
    const GumboVector *kids = &node->v.element.children;
    unsigned i;

    for (i = 0; i < kids->length; i++)
        node_text(kids->data[i], b, depth + 1);
}

/* Depth is bounded by gumbo's tree; the cap guards the C stack anyway. */
static void node_text(const GumboNode *node, struct thp_buf *b, int depth)
{
    if (depth > 400)
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

        if (is_skipped(tag))
            return;
        if (is_block(tag))
            paragraph_break(b);
        start = b->n;
        children_text(node, b, depth);
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

    if (depth > 400 || node->type != GUMBO_NODE_ELEMENT)
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

    if (depth > 400 || node->type != GUMBO_NODE_ELEMENT)
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

int thp_extract_html(const char *s, size_t n, struct thp_doc *doc,
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
        children_text(title, &doc->title, 0);
    trim_end(&doc->title);
    if (doc->title.n == 0 && (h1 = find_tag(g->root, GUMBO_TAG_H1, 0)))
        children_text(h1, &doc->title, 0);
    trim_end(&doc->title);
    cap_title(&doc->title);

    main_node = find_tag(g->root, GUMBO_TAG_MAIN, 0);
    if (main_node == NULL)
        main_node = find_tag(g->root, GUMBO_TAG_ARTICLE, 0);
    if (main_node == NULL)
        main_node = find_tag(g->root, GUMBO_TAG_BODY, 0);
    if (main_node)
        children_text(main_node, &doc->body, 0);
    trim_end(&doc->body);
    collect_links(g->root, &doc->links, 0);
    arena_release(&arena); /* the whole tree at once */

    if (doc->title.rc || doc->body.rc || doc->links.rc) {
        int rc = doc->body.rc ? doc->body.rc
                              : doc->title.rc ? doc->title.rc : doc->links.rc;

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
