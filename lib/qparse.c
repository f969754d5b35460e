/*
** qparse.c: a recursive-descent parser for the user query language (see
** qparse.h) that writes an FTS5 expression in which every word is quoted.
** It knows nothing of SQLite; query.c runs what it produces.
*/
#include <string.h>

#include <utf8proc.h>

#include "thp/qparse.h"
#include "thp/text.h"

#define MAX_DEPTH 32

struct parser {
    const char *q;      /* the query */
    size_t n;           /* its length in bytes */
    size_t i;           /* read position */
    int flags;
    int depth;          /* parenthesis nesting */
    struct thp_err *err;
    int rc;
};

/* 0-based character position of byte offset off, for error messages. */
static size_t char_pos(const struct parser *p, size_t off)
{
    size_t i, pos = 0;

    for (i = 0; i < off && i < p->n; i++)
        if (((unsigned char)p->q[i] & 0xC0) != 0x80)
            pos++;
    return pos;
}

static int fail(struct parser *p, size_t off, const char *what)
{
    size_t pos = char_pos(p, off);

    p->rc = thp_err_setpos(p->err, THP_ERR_SYNTAX, pos, "%s at position %zu",
                           what, pos);
    return p->rc;
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static void skip_blanks(struct parser *p)
{
    while (p->i < p->n && is_blank((unsigned char)p->q[p->i]))
        p->i++;
}

/* Characters that end a bare word. */
static int is_stop(int c)
{
    return is_blank(c) || c == '(' || c == ')' || c == '"';
}

/* 1 if s[0..n) holds a letter or digit, i.e. something FTS5 will index. */
static int has_word_char(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        utf8proc_category_t cat;

        if (k <= 0) {
            i++;
            continue;
        }
        cat = utf8proc_category(cp);
        if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
            (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO))
            return 1;
        i += (size_t)k;
    }
    return 0;
}

/* Is the word at the read position the operator op (followed by a stop)? */
static int at_operator(const struct parser *p, const char *op)
{
    size_t k = strlen(op);

    return p->n - p->i >= k && memcmp(p->q + p->i, op, k) == 0 &&
           (p->i + k == p->n || is_stop((unsigned char)p->q[p->i + k]));
}

/* Append s[0..n) as a quoted FTS5 string ("" doubles a quote). */
static void put_quoted(struct thp_buf *out, const char *s, size_t n)
{
    size_t i;

    thp_buf_putc(out, '"');
    for (i = 0; i < n; i++) {
        if (s[i] == '"')
            thp_buf_putc(out, '"');
        thp_buf_putc(out, s[i]);
    }
    thp_buf_putc(out, '"');
}

static int parse_or(struct parser *p, struct thp_buf *out);

/*
** primary := '(' or ')' | [field ':'] ( '"' phrase '"' | word ) ['*']
** Writes the FTS5 form to out; writes nothing for a word with no letters.
*/
static int parse_primary(struct parser *p, struct thp_buf *out)
{
    size_t start = p->i, end;
    const char *field = NULL;
    int prefix = 0, quoted = 0;

    /* A field prefix: title: or body: directly before a word, a phrase or
    ** a parenthesised group. */
    if (p->n - p->i > 6 && !strncmp(p->q + p->i, "title:", 6))
        field = "title";
    else if (p->n - p->i > 5 && !strncmp(p->q + p->i, "body:", 5))
        field = "body";
    if (field) {
        size_t after = p->i + strlen(field) + 1;

        if (after < p->n && !is_blank((unsigned char)p->q[after]))
            p->i = after;
        else
            field = NULL;
    }

    if (p->q[p->i] == '(') {
        struct thp_buf sub;
        size_t open = p->i;

        if (p->depth >= MAX_DEPTH)
            return fail(p, open, "parentheses nested too deeply");
        p->i++;
        p->depth++;
        thp_buf_init(&sub, 0);
        parse_or(p, &sub);
        p->depth--;
        skip_blanks(p);
        if (p->rc == THP_OK && p->i < p->n && p->q[p->i] == ')')
            p->i++;
        else if (p->rc == THP_OK && !(p->flags & THP_QP_LENIENT))
            fail(p, open, "unclosed parenthesis: '(' has no matching ')'");
        if (p->rc == THP_OK && sub.n) {
            if (field) {
                thp_buf_puts(out, field);
                thp_buf_puts(out, " : ");
            }
            thp_buf_putc(out, '(');
            thp_buf_append(out, sub.s, sub.n);
            thp_buf_putc(out, ')');
        }
        if (p->rc == THP_OK && sub.rc != THP_OK)
            p->rc = thp_err_set(p->err, sub.rc, "query: %s",
                                thp_strerror(sub.rc));
        thp_buf_release(&sub);
        return p->rc;
    }

    if (p->i < p->n && p->q[p->i] == '"') {
        const char *close = memchr(p->q + p->i + 1, '"', p->n - p->i - 1);

        quoted = 1;
        start = p->i + 1;
        if (close == NULL) {
            if (!(p->flags & THP_QP_LENIENT))
                return fail(p, p->i,
                            "unterminated phrase: '\"' has no closing quote");
            end = p->n;
            p->i = p->n;
        } else {
            end = (size_t)(close - p->q);
            p->i = end + 1;
        }
    } else {
        start = p->i;
        while (p->i < p->n && !is_stop((unsigned char)p->q[p->i]))
            p->i++;
        end = p->i;
        /* a bare word's trailing stars mean prefix */
        while (end > start && p->q[end - 1] == '*') {
            end--;
            prefix = 1;
        }
    }
    if (quoted && p->i < p->n && p->q[p->i] == '*') {
        prefix = 1;
        p->i++;
    }
    if (!quoted && !prefix && p->i == p->n &&
        (p->flags & THP_QP_PREFIX_LAST))
        prefix = 1;
    if (!has_word_char(p->q + start, end - start))
        return THP_OK;
    if (field) {
        thp_buf_puts(out, field);
        thp_buf_puts(out, " : ");
    }
    put_quoted(out, p->q + start, end - start);
    if (prefix)
        thp_buf_putc(out, '*');
    return THP_OK;
}

/*
** and := unary ([AND] unary)*, unary := ('-' | NOT) primary | primary.
** Included parts are joined by AND, excluded ones appended with NOT, since
** FTS5's NOT is binary: "(a AND b) NOT c".
*/
static int parse_and(struct parser *p, struct thp_buf *out)
{
    struct thp_buf pos, neg, item;
    size_t npos = 0, nneg = 0, first_neg = 0;
    int explicit_and = 0; /* "a AND b" stays AND under THP_QP_ANY_WORD */

    thp_buf_init(&pos, 0);
    thp_buf_init(&neg, 0);
    thp_buf_init(&item, 0);
    for (;;) {
        int negate = 0;
        size_t at;

        skip_blanks(p);
        if (p->i >= p->n || p->q[p->i] == ')' || at_operator(p, "OR"))
            break;
        at = p->i;
        if (at_operator(p, "AND")) {
            p->i += 3;
            explicit_and = 1;
            if (npos + nneg == 0 && !(p->flags & THP_QP_LENIENT)) {
                fail(p, at, "'AND' needs a word before it");
                break;
            }
            skip_blanks(p);
            if ((p->i >= p->n || p->q[p->i] == ')' || at_operator(p, "OR")) &&
                !(p->flags & THP_QP_LENIENT)) {
                fail(p, at, "'AND' needs a word after it");
                break;
            }
            continue;
        }
        if (at_operator(p, "NOT")) {
            p->i += 3;
            negate = 1;
        } else if (p->q[p->i] == '-' && p->i + 1 < p->n &&
                   !is_blank((unsigned char)p->q[p->i + 1])) {
            p->i++;
            negate = 1;
        } else if (p->q[p->i] == '+' && p->i + 1 < p->n &&
                   !is_blank((unsigned char)p->q[p->i + 1])) {
            p->i++; /* "+word" is just "word": every word is required */
        }
        if (negate) {
            skip_blanks(p);
            if (p->i >= p->n || p->q[p->i] == ')' || at_operator(p, "OR")) {
                if (!(p->flags & THP_QP_LENIENT))
                    fail(p, at, "nothing to exclude after 'NOT' or '-'");
                break;
            }
        }
        thp_buf_reset(&item);
        if (parse_primary(p, &item) != THP_OK)
            break;
        if (item.n == 0)
            continue;
        if (negate) {
            if (nneg++ == 0)
                first_neg = at;
            thp_buf_puts(&neg, " NOT ");
            thp_buf_append(&neg, item.s, item.n);
        } else {
            if (npos++)
                thp_buf_puts(&pos, (p->flags & THP_QP_ANY_WORD) && !explicit_and
                                       ? " OR "
                                       : " AND ");
            thp_buf_append(&pos, item.s, item.n);
        }
        explicit_and = 0;
    }
    if (p->rc == THP_OK && nneg && !npos && !(p->flags & THP_QP_LENIENT))
        fail(p, first_neg,
             "only excluded words: add a word to search for");
    if (p->rc == THP_OK && npos) {
        int wrap = npos > 1 || nneg;

        if (wrap && nneg)
            thp_buf_putc(out, '(');
        thp_buf_append(out, pos.s, pos.n);
        if (wrap && nneg)
            thp_buf_putc(out, ')');
        thp_buf_append(out, neg.s, neg.n);
    }
    if (p->rc == THP_OK && (pos.rc || neg.rc || item.rc))
        p->rc = thp_err_set(p->err, THP_ERR_NOMEM, "out of memory");
    thp_buf_release(&pos);
    thp_buf_release(&neg);
    thp_buf_release(&item);
    return p->rc;
}

/*
** Append part to out as one operand of op (" OR ", " AND "), counting
** operands in *nparts. Once there are two, every operand is parenthesised
** (the first one retroactively), so precedence never depends on FTS5's.
*/
static void join_part(struct thp_buf *out, size_t start, size_t *nparts,
                      const char *op, const struct thp_buf *part)
{
    if (part->n == 0)
        return;
    if (*nparts == 1 && thp_buf_grow(out, 1) == THP_OK) {
        memmove(out->s + start + 1, out->s + start, out->n - start + 1);
        out->s[start] = '(';
        out->n++;
        thp_buf_putc(out, ')');
    }
    if (*nparts >= 1) {
        thp_buf_puts(out, op);
        thp_buf_putc(out, '(');
    }
    thp_buf_append(out, part->s, part->n);
    if (*nparts >= 1)
        thp_buf_putc(out, ')');
    (*nparts)++;
}

/* or := and ('OR' and)* */
static int parse_or(struct parser *p, struct thp_buf *out)
{
    struct thp_buf part;
    size_t nparts = 0, start = out->n;

    thp_buf_init(&part, 0);
    for (;;) {
        size_t at;

        thp_buf_reset(&part);
        if (parse_and(p, &part) != THP_OK)
            break;
        join_part(out, start, &nparts, " OR ", &part);
        skip_blanks(p);
        if (!at_operator(p, "OR"))
            break;
        at = p->i;
        if (part.n == 0 && !(p->flags & THP_QP_LENIENT)) {
            fail(p, at, "'OR' needs a word before it");
            break;
        }
        p->i += 2;
        skip_blanks(p);
        if ((p->i >= p->n || p->q[p->i] == ')' || at_operator(p, "OR")) &&
            !(p->flags & THP_QP_LENIENT)) {
            fail(p, at, "'OR' needs a word after it");
            break;
        }
    }
    if (p->rc == THP_OK && part.rc != THP_OK)
        p->rc = thp_err_set(p->err, part.rc, "query: %s",
                            thp_strerror(part.rc));
    thp_buf_release(&part);
    return p->rc;
}

int thp_qparse(const char *q, size_t n, int flags, struct thp_buf *out,
               struct thp_err *err)
{
    struct parser p;
    struct thp_buf part;
    size_t start = out->n, nparts = 0;

    if (n > THP_QP_MAXLEN)
        return thp_err_setpos(err, THP_ERR_TOOBIG, THP_QP_MAXLEN,
                              "query longer than %d bytes", THP_QP_MAXLEN);
    if (!thp_text_utf8_valid(q, n))
        return thp_err_set(err, THP_ERR_SYNTAX, "query is not valid UTF-8");
    memset(&p, 0, sizeof p);
    p.q = q;
    p.n = n;
    p.flags = flags;
    p.err = err;
    thp_buf_init(&part, 0);
    /*
    ** One pass per top-level part. Only a stray ')' ends a part before the
    ** end of the query; lenient mode skips it and ANDs the parts together.
    */
    for (;;) {
        thp_buf_reset(&part);
        if (parse_or(&p, &part) != THP_OK)
            break;
        join_part(out, start, &nparts, " AND ", &part);
        skip_blanks(&p);
        if (p.i >= p.n)
            break;
        if (!(flags & THP_QP_LENIENT)) {
            fail(&p, p.i, "unmatched ')'");
            break;
        }
        p.i++;
    }
    if (p.rc == THP_OK && part.rc != THP_OK)
        p.rc = thp_err_set(err, part.rc, "query: %s", thp_strerror(part.rc));
    thp_buf_release(&part);
    if (p.rc != THP_OK) {
        out->n = start;
        if (out->s)
            out->s[start] = '\0';
        return p.rc;
    }
    if (out->rc != THP_OK)
        return thp_err_set(err, out->rc, "query: %s", thp_strerror(out->rc));
    return THP_OK;
}
