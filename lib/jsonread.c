/*
** jsonread.c: one line of JSON Lines -> a flat object (see jsonread.h).
** A strict RFC 8259 reader in one pass: decoded keys and values are
** appended, each followed by a NUL, to one reusable store, and the field
** pointers are set only once the line has parsed (the store may move while
** it grows). Recursion is bounded by THP_JSONREAD_DEPTH. Never prints.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "thp/jsonread.h"
#include "thp/mem.h"
#include "thp/text.h"

struct reader {
    const unsigned char *s; /* the line */
    size_t n;               /* its length */
    size_t i;               /* next byte to read */
    int flags;              /* THP_JSONREAD_* */
    struct thp_buf *out;    /* decoded text of kept values goes here */
    struct thp_err *err;
};

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static void skip_ws(struct reader *r)
{
    while (r->i < r->n && is_ws(r->s[r->i]))
        r->i++;
}

/* The byte at i, named for a message: "'x'", "0x1f" or "end of line". */
static const char *found(const struct reader *r, size_t i, char tmp[8])
{
    unsigned char c;

    if (i >= r->n)
        return "end of line";
    c = r->s[i];
    if (c > 0x20 && c < 0x7f)
        snprintf(tmp, 8, "'%c'", c);
    else
        snprintf(tmp, 8, "0x%02x", c);
    return tmp;
}

/* Record a syntax error at byte pos; the message gets " at byte N". */
static int fail(struct reader *r, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct reader *r, size_t pos, const char *fmt, ...)
{
    char msg[THP_ERR_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return thp_err_setpos(r->err, THP_ERR_SYNTAX, pos, "%.200s at byte %zu",
                          msg, pos);
}

static int nomem(struct reader *r)
{
    return thp_err_set(r->err, THP_ERR_NOMEM,
                       "out of memory reading a JSON line");
}

/* 1 if s[i..n) holds only whitespace. */
static int rest_is_ws(const struct reader *r, size_t i)
{
    while (i < r->n && is_ws(r->s[i]))
        i++;
    return i >= r->n;
}

/* The value of 4 hex digits at s[i..i+4), or -1 if they are not that. */
static long hex4(const struct reader *r, size_t i)
{
    long v = 0;
    size_t k;

    if (i > r->n || r->n - i < 4)
        return -1;
    for (k = i; k < i + 4; k++) {
        unsigned char c = r->s[k];

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

/*
** The escape whose backslash is at *pi: check it, append what it means
** when keep, and move *pi past it. A high surrogate is joined with a low
** one escaped right after it; any other surrogate becomes U+FFFD.
*/
static int read_escape(struct reader *r, size_t *pi, int keep)
{
    size_t i = *pi;
    char tmp[8];
    long cp, lo;
    int c;

    if (i + 1 >= r->n)
        return fail(r, i, "unfinished escape at the end of the line");
    switch (r->s[i + 1]) {
    case '"': c = '"'; break;
    case '\\': c = '\\'; break;
    case '/': c = '/'; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'u': c = -1; break;
    default:
        return fail(r, i, "invalid escape: '\\' followed by %s",
                    found(r, i + 1, tmp));
    }
    if (c >= 0) {
        if (keep)
            thp_buf_putc(r->out, c);
        *pi = i + 2;
        return THP_OK;
    }
    cp = hex4(r, i + 2);
    if (cp < 0)
        return fail(r, i, "invalid \\u escape: expected 4 hex digits");
    i += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        lo = -1;
        if (i + 1 < r->n && r->s[i] == '\\' && r->s[i + 1] == 'u')
            lo = hex4(r, i + 2);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
        } else {
            cp = 0xFFFD; /* the next escape, if any, is read on its own */
        }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        cp = 0xFFFD;
    }
    if (keep)
        thp_buf_put_utf8(r->out, (unsigned)cp);
    *pi = i;
    return THP_OK;
}

/*
** The string whose opening quote is at r->i; its unescaped bytes are
** appended to r->out when keep. One pass: runs of plain bytes (printable
** ASCII, valid UTF-8) are appended whole.
*/
static int read_string(struct reader *r, int keep)
{
    const unsigned char *s = r->s;
    size_t n = r->n, start = r->i, i = r->i + 1;
    unsigned cp;
    int rc;

    for (;;) {
        size_t run = i, k;
        unsigned char c = 0;

        while (i < n) {
            c = s[i];
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                i++;
                continue;
            }
            if (c < 0x80)
                break;
            k = thp_utf8_decode(s + i, n - i, &cp);
            if (k == 0)
                break;
            i += k;
        }
        if (keep && i > run)
            thp_buf_append(r->out, (const char *)s + run, i - run);
        if (i >= n)
            return fail(r, start, "unterminated string");
        if (c == '"') {
            r->i = i + 1;
            return THP_OK;
        }
        if (c == '\\') {
            rc = read_escape(r, &i, keep);
            if (rc != THP_OK)
                return rc;
            continue;
        }
        if (c < 0x20) {
            /* a raw line end with nothing after it: the quote is missing */
            if ((c == '\n' || c == '\r') && rest_is_ws(r, i))
                return fail(r, start, "unterminated string");
            return fail(r, i, "control character 0x%02x in a string "
                        "(it must be escaped)", c);
        }
        if (!(r->flags & THP_JSONREAD_REPLACE))
            return fail(r, i, "invalid UTF-8 in a string");
        if (keep)
            thp_buf_append(r->out, "\xEF\xBF\xBD", 3);
        i++;
    }
}

/* The number at r->i, by the JSON grammar; its text appended when keep. */
static int read_number(struct reader *r, int keep)
{
    const unsigned char *s = r->s;
    size_t n = r->n, start = r->i, i = r->i;
    char tmp[8];

    if (s[i] == '-')
        i++;
    if (i >= n || !is_digit(s[i]))
        return fail(r, i, "expected a digit after '-', found %s",
                    found(r, i, tmp));
    if (s[i] == '0') {
        i++;
        if (i < n && is_digit(s[i]))
            return fail(r, start, "number with a leading zero");
    } else {
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !is_digit(s[i]))
            return fail(r, i, "expected a digit after '.', found %s",
                        found(r, i, tmp));
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !is_digit(s[i]))
            return fail(r, i, "expected a digit in the exponent, found %s",
                        found(r, i, tmp));
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (keep)
        thp_buf_append(r->out, (const char *)s + start, i - start);
    r->i = i;
    return THP_OK;
}

/* The literal word at r->i (true, false, null); appended when keep. */
static int read_literal(struct reader *r, const char *word, int keep)
{
    size_t len = strlen(word);

    if (r->n - r->i < len || memcmp(r->s + r->i, word, len) != 0)
        return fail(r, r->i, "invalid literal (expected '%s')", word);
    if (keep)
        thp_buf_append(r->out, word, len);
    r->i += len;
    return THP_OK;
}

static int read_container(struct reader *r, int depth,
                          struct thp_jsonread_obj *obj);

/*
** The value at r->i (after whitespace), inside a container at depth.
** Scalars are appended to r->out when keep; objects and arrays are
** checked and skipped. *type gets its enum thp_jsonread_type.
*/
static int read_value(struct reader *r, int depth, int keep, int *type)
{
    char tmp[8];

    if (r->i >= r->n)
        return fail(r, r->i, "expected a value, found end of line");
    switch (r->s[r->i]) {
    case '"':
        *type = THP_JSONREAD_STRING;
        return read_string(r, keep);
    case 't':
        *type = THP_JSONREAD_TRUE;
        return read_literal(r, "true", keep);
    case 'f':
        *type = THP_JSONREAD_FALSE;
        return read_literal(r, "false", keep);
    case 'n':
        *type = THP_JSONREAD_NULL;
        return read_literal(r, "null", 0);
    case '{':
    case '[':
        *type = r->s[r->i] == '{' ? THP_JSONREAD_OBJECT : THP_JSONREAD_ARRAY;
        if (depth >= THP_JSONREAD_DEPTH)
            return fail(r, r->i, "nesting deeper than %d levels",
                        THP_JSONREAD_DEPTH);
        return read_container(r, depth + 1, NULL);
    default:
        if (r->s[r->i] == '-' || is_digit(r->s[r->i])) {
            *type = THP_JSONREAD_NUMBER;
            return read_number(r, keep);
        }
        return fail(r, r->i, "expected a value, found %s",
                    found(r, r->i, tmp));
    }
}

/* A new member slot at the end of obj->v, or NULL when memory ran out. */
static struct thp_jsonread_field *add_field(struct thp_jsonread_obj *obj)
{
    struct thp_jsonread_field *v;
    size_t cap;

    if (obj->n == obj->cap) {
        cap = obj->cap ? obj->cap * 2 : 16;
        if (cap > ((size_t)-1) / sizeof *v)
            return NULL;
        v = thp_realloc(obj->v, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        obj->v = v;
        obj->cap = cap;
    }
    v = &obj->v[obj->n++];
    memset(v, 0, sizeof *v);
    return v;
}

/*
** One member "key": value of the object being read. When obj is given
** (the top level), the key and a scalar value are kept: each appended to
** the store with a NUL after it, lengths recorded in a new field.
*/
static int read_member(struct reader *r, int depth,
                       struct thp_jsonread_obj *obj)
{
    struct thp_jsonread_field *f = NULL;
    size_t off;
    char tmp[8];
    int rc, type = THP_JSONREAD_NULL;

    if (r->i >= r->n || r->s[r->i] != '"')
        return fail(r, r->i, "expected a string key, found %s",
                    found(r, r->i, tmp));
    if (obj) {
        f = add_field(obj);
        if (f == NULL)
            return nomem(r);
    }
    off = r->out->n;
    rc = read_string(r, obj != NULL);
    if (rc != THP_OK)
        return rc;
    if (f) {
        f->keylen = r->out->n - off;
        thp_buf_putc(r->out, '\0');
    }
    skip_ws(r);
    if (r->i >= r->n || r->s[r->i] != ':')
        return fail(r, r->i, "expected ':' after key, found %s",
                    found(r, r->i, tmp));
    r->i++;
    skip_ws(r);
    off = r->out->n;
    if (f)
        f->pos = r->i;
    rc = read_value(r, depth, obj != NULL, &type);
    if (rc != THP_OK)
        return rc;
    if (f) {
        f->type = type;
        if (type != THP_JSONREAD_NULL && type != THP_JSONREAD_OBJECT &&
            type != THP_JSONREAD_ARRAY) {
            f->len = r->out->n - off;
            thp_buf_putc(r->out, '\0');
        }
        if (r->out->rc != THP_OK)
            return nomem(r);
    }
    return THP_OK;
}

/*
** The object or array whose opening bracket is at r->i, at depth. With
** obj (the top-level object only) its members are kept.
*/
static int read_container(struct reader *r, int depth,
                          struct thp_jsonread_obj *obj)
{
    int is_obj = r->s[r->i] == '{';
    unsigned char close = is_obj ? '}' : ']';
    char tmp[8];
    int rc, type;

    r->i++;
    skip_ws(r);
    if (r->i < r->n && r->s[r->i] == close) {
        r->i++;
        return THP_OK;
    }
    for (;;) {
        if (is_obj)
            rc = read_member(r, depth, obj);
        else
            rc = read_value(r, depth, 0, &type);
        if (rc != THP_OK)
            return rc;
        skip_ws(r);
        if (r->i < r->n && r->s[r->i] == close) {
            r->i++;
            return THP_OK;
        }
        if (r->i >= r->n || r->s[r->i] != ',')
            return fail(r, r->i, "expected ',' or '%c' after a value, "
                        "found %s", close, found(r, r->i, tmp));
        r->i++;
        skip_ws(r);
        if (r->i < r->n && r->s[r->i] == close)
            return fail(r, r->i, "trailing comma before '%c'", close);
    }
}

/*
** Point the fields into the store, walking it in the order it was
** written: key NUL, then value NUL for the types that store a value.
*/
static void set_pointers(struct thp_jsonread_obj *obj)
{
    const char *base = obj->store.s;
    size_t off = 0, k;

    for (k = 0; k < obj->n; k++) {
        struct thp_jsonread_field *f = &obj->v[k];

        f->key = base + off;
        off += f->keylen + 1;
        if (f->type == THP_JSONREAD_NULL || f->type == THP_JSONREAD_OBJECT ||
            f->type == THP_JSONREAD_ARRAY) {
            f->val = NULL;
            f->len = 0;
        } else {
            f->val = base + off;
            off += f->len + 1;
        }
    }
}

void thp_jsonread_init(struct thp_jsonread_obj *obj)
{
    obj->v = NULL;
    obj->n = 0;
    obj->cap = 0;
    thp_buf_init(&obj->store, 0);
}

int thp_jsonread_parse(const char *line, size_t n, int flags,
                       struct thp_jsonread_obj *obj, struct thp_err *err)
{
    struct reader r;
    char tmp[8];
    int rc;

    obj->n = 0;
    thp_buf_reset(&obj->store);
    r.s = (const unsigned char *)line;
    r.n = n;
    r.i = 0;
    r.flags = flags;
    r.out = &obj->store;
    r.err = err;
    if (n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
        r.i = 3;
    skip_ws(&r);
    if (r.i >= n)
        return THP_ERR_NOTFOUND;
    if (r.s[r.i] == '[')
        return fail(&r, r.i, "expected a JSON object, found an array");
    if (r.s[r.i] != '{')
        return fail(&r, r.i, "expected a JSON object ('{'), found %s",
                    found(&r, r.i, tmp));
    /* one allocation up front covers a typical line: kept text <= input */
    if (thp_buf_grow(&obj->store, n) != THP_OK) {
        thp_buf_reset(&obj->store);
        return nomem(&r);
    }
    rc = read_container(&r, 1, obj);
    if (rc == THP_OK) {
        skip_ws(&r);
        if (r.i < n)
            rc = fail(&r, r.i, "unexpected %s after the object",
                      found(&r, r.i, tmp));
    }
    if (rc == THP_OK && obj->store.rc != THP_OK)
        rc = nomem(&r);
    if (rc != THP_OK) {
        obj->n = 0;
        thp_buf_reset(&obj->store);
        return rc;
    }
    set_pointers(obj);
    return THP_OK;
}

const struct thp_jsonread_field *
thp_jsonread_find(const struct thp_jsonread_obj *obj, const char *key)
{
    size_t len = strlen(key), k = obj->n;

    while (k > 0) {
        const struct thp_jsonread_field *f = &obj->v[--k];

        if (f->keylen == len && memcmp(f->key, key, len) == 0)
            return f;
    }
    return NULL;
}

const char *thp_jsonread_get(const struct thp_jsonread_obj *obj,
                             const char *key, size_t *len)
{
    const struct thp_jsonread_field *f = thp_jsonread_find(obj, key);

    if (len)
        *len = f && f->val ? f->len : 0;
    return f ? f->val : NULL;
}

void thp_jsonread_release(struct thp_jsonread_obj *obj)
{
    if (obj == NULL)
        return;
    thp_free(obj->v);
    thp_buf_release(&obj->store);
    thp_jsonread_init(obj);
}
