/*
** items.c: listing pages -> items with their metadata (see items.h).
** Works on clean text, a line at a time; knows nothing of HTML or SQLite.
*/
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include <utf8proc.h>

#include "thp/items.h"
#include "thp/mem.h"

#define TITLE_MAX 200  /* a longer line is prose, not a title */
#define LABEL_LINE_MAX 240

/* Lines that end an item: the listing's own navigation. */
static const char *const separators[] = {
    "back to overview", "more news", "back to news", "back to events",
    "back to publications", "back to top",
};

/* Lines that are furniture inside an item: dropped from bodies. */
static const char *const furniture[] = {
    "download the report", "download report", "photo reportage",
    "regional document", "final report", "read more", "print", "share",
    "click on the image for a .pdf version of the report",
};

/* Labels of metadata lines, longest first so "publication date" wins. */
enum { F_DATE, F_LOCATION, F_PARTNERS, F_AUTHORS };
static const struct {
    const char *label;
    int field;
} labels[] = {
    {"publication date", F_DATE}, {"date of publication", F_DATE},
    {"published", F_DATE},        {"date", F_DATE},
    {"location", F_LOCATION},     {"venue", F_LOCATION},
    {"partners", F_PARTNERS},     {"partner", F_PARTNERS},
    {"authors", F_AUTHORS},       {"author", F_AUTHORS},
};

static const char *const months[12][3] = {
    {"january", "jan", "januari"},   {"february", "feb", "februari"},
    {"march", "mar", "maart"},       {"april", "apr", "avril"},
    {"may", "mei", "mai"},           {"june", "jun", "juni"},
    {"july", "jul", "juli"},         {"august", "aug", "augustus"},
    {"september", "sep", "sept"},    {"october", "oct", "oktober"},
    {"november", "nov", "novembre"}, {"december", "dec", "december"},
};

/* s[0..n) without leading/trailing blanks. */
static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* Case-insensitive match of a line against a list of phrases. */
static int line_in(const char *s, size_t n, const char *const *list,
                   size_t count)
{
    size_t i;

    trim(&s, &n);
    while (n && (s[n - 1] == '.' || s[n - 1] == ':' || s[n - 1] == '>'))
        n--;
    for (i = 0; i < count; i++)
        if (strlen(list[i]) == n && strncasecmp(s, list[i], n) == 0)
            return 1;
    return 0;
}

static int is_separator(const char *s, size_t n)
{
    return line_in(s, n, separators, sizeof separators / sizeof *separators);
}

int thp_items_is_boilerplate(const char *s, size_t n)
{
    return is_separator(s, n) ||
           line_in(s, n, furniture, sizeof furniture / sizeof *furniture);
}

/*==================== Dates ====================*/

static int month_of(const char *w, size_t n)
{
    int m, k;

    for (m = 0; m < 12; m++)
        for (k = 0; k < 3; k++)
            if (strlen(months[m][k]) == n && !strncasecmp(w, months[m][k], n))
                return m + 1;
    return 0;
}

/* out = YYYY[-MM[-DD]]; m or d of 0 leaves that part out. */
static void put_iso(char out[11], int y, int m, int d)
{
    char tmp[40];

    if (m && d)
        snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m % 100,
                 d % 100);
    else if (m)
        snprintf(tmp, sizeof tmp, "%04d-%02d", y % 10000, m % 100);
    else
        snprintf(tmp, sizeof tmp, "%04d", y % 10000);
    memcpy(out, tmp, 11);
    out[10] = '\0';
}

int thp_items_parse_date(const char *s, size_t n, char out[11])
{
    size_t i = 0;
    int year = 0, month = 0, day = 0, num_before = 0;

    out[0] = '\0';
    /* ISO forms first: YYYY-MM-DD, YYYY-MM */
    for (i = 0; i + 4 <= n; i++) {
        int y, m = 0, d = 0;

        if (!(isdigit((unsigned char)s[i]) && isdigit((unsigned char)s[i + 1]) &&
              isdigit((unsigned char)s[i + 2]) &&
              isdigit((unsigned char)s[i + 3])) ||
            (i > 0 && isdigit((unsigned char)s[i - 1])) ||
            (i + 4 < n && isdigit((unsigned char)s[i + 4]) ))
            continue;
        y = (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 +
            (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
        if (y < 1900 || y > 2099)
            continue;
        if (i + 7 <= n && s[i + 4] == '-' && isdigit((unsigned char)s[i + 5]) &&
            isdigit((unsigned char)s[i + 6])) {
            m = (s[i + 5] - '0') * 10 + (s[i + 6] - '0');
            if (i + 10 <= n && s[i + 7] == '-' &&
                isdigit((unsigned char)s[i + 8]) &&
                isdigit((unsigned char)s[i + 9]))
                d = (s[i + 8] - '0') * 10 + (s[i + 9] - '0');
        }
        if (m >= 1 && m <= 12) {
            put_iso(out, y, m, d >= 1 && d <= 31 ? d : 0);
            return y;
        }
        year = y;
        break;
    }
    /* Words: [day[-day]] month year, or month [day,] year */
    for (i = 0; i < n;) {
        size_t start = i;

        if (isalpha((unsigned char)s[i])) {
            int m;

            while (i < n && isalpha((unsigned char)s[i]))
                i++;
            m = month_of(s + start, i - start);
            if (m && !month)
                month = m;
            continue;
        }
        if (isdigit((unsigned char)s[i])) {
            int v = 0;

            while (i < n && isdigit((unsigned char)s[i])) {
                if (v < 10000)
                    v = v * 10 + (s[i] - '0');
                i++;
            }
            if (i - start <= 2 && v >= 1 && v <= 31 && !day && !num_before)
                day = v;
            num_before = 1;
            continue;
        }
        i++;
    }
    if (year == 0)
        return 0;
    put_iso(out, year, month, month ? day : 0);
    return year;
}

/*==================== Labels ====================*/

/*
** If line s[0..n) is "label: value" (or "label, value", or "label:value"),
** return the field and set *v, *vn to the value. Otherwise -1.
*/
static int label_line(const char *s, size_t n, const char **v, size_t *vn)
{
    size_t i;

    trim(&s, &n);
    if (n == 0 || n > LABEL_LINE_MAX)
        return -1;
    for (i = 0; i < sizeof labels / sizeof *labels; i++) {
        size_t k = strlen(labels[i].label), j = k;

        if (n <= k || strncasecmp(s, labels[i].label, k) != 0)
            continue;
        while (j < n && (s[j] == ' ' || s[j] == '\t'))
            j++;
        if (j >= n || (s[j] != ':' && s[j] != ','))
            continue;
        j++;
        *v = s + j;
        *vn = n - j;
        trim(v, vn);
        if (*vn == 0)
            continue;
        return labels[i].field;
    }
    return -1;
}

/*
** Write a place name with its words capitalised where the writer did not:
** "the hague, the netherlands" -> "The Hague, The Netherlands", "south
** africa" -> "South Africa". A lowercase word is capitalised when it starts
** a comma-separated part or has four letters or more (so "and", "of" stay);
** a value written all in capitals is title-cased; other words are kept.
*/
static void put_place(struct thp_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    int lower = 0, part_start = 1;

    for (i = 0; i < n; i++)
        lower |= islower((unsigned char)s[i]) != 0;
    i = 0;
    while (i < n) {
        size_t w = i, k;
        int all_lower = 1;

        while (w < n && (isalpha((unsigned char)s[w]) ||
                         ((unsigned char)s[w] >= 0x80)))
            w++;
        for (k = i; k < w; k++)
            all_lower &= !isupper((unsigned char)s[k]);
        for (k = i; k < w; k++) {
            int c = (unsigned char)s[k];

            if (c < 0x80) {
                if (!lower) /* ALL CAPS: title-case */
                    c = k == i ? c : tolower(c);
                else if (k == i && all_lower && (part_start || w - i >= 4))
                    c = toupper(c);
            }
            thp_buf_putc(b, c);
        }
        if (w > i)
            part_start = 0;
        if (w < n) {
            if (s[w] == ',')
                part_start = 1;
            thp_buf_putc(b, s[w]);
            w++;
        }
        i = w;
    }
}

/*==================== Splitting ====================*/

static void item_init(struct thp_item *it)
{
    memset(it, 0, sizeof *it);
    thp_buf_init(&it->title, 0);
    thp_buf_init(&it->body, 0);
    thp_buf_init(&it->location, 0);
    thp_buf_init(&it->partners, 0);
    thp_buf_init(&it->authors, 0);
}

static void item_release(struct thp_item *it)
{
    thp_buf_release(&it->title);
    thp_buf_release(&it->body);
    thp_buf_release(&it->location);
    thp_buf_release(&it->partners);
    thp_buf_release(&it->authors);
}

void thp_items_release(struct thp_items *items)
{
    size_t i;

    for (i = 0; i < items->n; i++)
        item_release(&items->v[i]);
    thp_free(items->v);
    items->v = NULL;
    items->n = 0;
}

static int item_empty(const struct thp_item *it)
{
    return it->title.n == 0 && it->body.n == 0;
}

static int item_failed(const struct thp_item *it)
{
    return it->title.rc || it->body.rc || it->location.rc ||
           it->partners.rc || it->authors.rc;
}

/* ASCII slug of a title: folded, marks stripped, '-' between words. */
static void make_anchor(const struct thp_items *items, struct thp_item *it)
{
    utf8proc_uint8_t *folded = NULL;
    char slug[48];
    size_t i, k = 0, dup = 1, j;
    int dash = 0;

    if (it->title.n &&
        utf8proc_map((const utf8proc_uint8_t *)it->title.s,
                     (utf8proc_ssize_t)it->title.n, &folded,
                     UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                         UTF8PROC_CASEFOLD) < 0)
        folded = NULL;
    for (i = 0; folded && folded[i] && k < sizeof slug - 1; i++) {
        int c = folded[i];

        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && k > 0 && k < sizeof slug - 2)
                slug[k++] = '-';
            slug[k++] = (char)c;
            dash = 0;
        } else {
            dash = 1;
        }
    }
    free(folded); /* utf8proc allocates with malloc */
    if (k == sizeof slug - 1) { /* cut: end at a word boundary */
        size_t cut = k;

        while (cut > 0 && slug[cut - 1] != '-')
            cut--;
        if (cut > 8)
            k = cut - 1;
    }
    if (k == 0)
        k = (size_t)snprintf(slug, sizeof slug, "item");
    slug[k] = '\0';
    snprintf(it->anchor, sizeof it->anchor, "%s", slug);
    for (j = 0; j < items->n; j++) {
        if (&items->v[j] == it || strcmp(items->v[j].anchor, it->anchor))
            continue;
        snprintf(it->anchor, sizeof it->anchor, "%s-%zu", slug, ++dup);
        j = (size_t)-1; /* look again for the new name */
    }
}

/* Close the current item: keep it unless it holds nothing. */
static int item_close(struct thp_items *items)
{
    struct thp_item *it = &items->v[items->n];

    while (it->body.n && it->body.s[it->body.n - 1] == '\n')
        it->body.s[--it->body.n] = '\0';
    if (item_failed(it))
        return THP_ERR_NOMEM;
    if (item_empty(it)) {
        item_release(it);
        item_init(it);
        return THP_OK;
    }
    make_anchor(items, it);
    items->n++;
    return THP_OK;
}

static int item_open(struct thp_items *items, size_t *cap)
{
    if (items->n + 1 > *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        struct thp_item *v = thp_realloc(items->v, ncap * sizeof *v);

        if (v == NULL)
            return THP_ERR_NOMEM;
        items->v = v;
        *cap = ncap;
    }
    item_init(&items->v[items->n]);
    return THP_OK;
}

int thp_items_split(const char *text, size_t n, struct thp_items *out,
                    struct thp_err *err)
{
    size_t i = 0, cap = 0;
    int blank = 0, rc;

    out->v = NULL;
    out->n = 0;
    if (item_open(out, &cap) != THP_OK)
        return thp_err_set(err, THP_ERR_NOMEM, "items: out of memory");
    while (i <= n) {
        const char *nl = i < n ? memchr(text + i, '\n', n - i) : NULL;
        size_t eol = nl ? (size_t)(nl - text) : n;
        const char *line = text + i, *v;
        size_t len = eol - i, vn;
        struct thp_item *it = &out->v[out->n];
        int field;

        i = eol + 1;
        trim(&line, &len);
        if (len == 0) {
            blank = 1;
            if (eol >= n)
                break;
            continue;
        }
        if (is_separator(line, len)) {
            if ((rc = item_close(out)) != THP_OK ||
                (rc = item_open(out, &cap)) != THP_OK)
                goto fail;
            blank = 0;
            continue;
        }
        if (thp_items_is_boilerplate(line, len))
            continue;
        if (it->title.n == 0 && it->body.n == 0 && len <= TITLE_MAX) {
            thp_buf_append(&it->title, line, len);
            blank = 0;
            continue;
        }
        field = label_line(line, len, &v, &vn);
        if (field == F_DATE && !it->date[0]) {
            it->year = thp_items_parse_date(v, vn, it->date);
            if (it->year)
                continue;
        } else if (field == F_LOCATION && !it->location.n) {
            put_place(&it->location, v, vn);
            continue;
        } else if (field == F_PARTNERS && !it->partners.n) {
            thp_buf_append(&it->partners, v, vn);
            continue;
        } else if (field == F_AUTHORS && !it->authors.n) {
            thp_buf_append(&it->authors, v, vn);
            continue;
        }
        if (it->body.n)
            thp_buf_append(&it->body, blank ? "\n\n" : "\n", blank ? 2 : 1);
        thp_buf_append(&it->body, line, len);
        blank = 0;
        if (eol >= n)
            break;
    }
    if ((rc = item_close(out)) != THP_OK)
        goto fail;
    return THP_OK;
fail:
    item_release(&out->v[out->n]);
    thp_items_release(out);
    return thp_err_set(err, rc, "items: %s", thp_strerror(rc));
}
