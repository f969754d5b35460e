/*
** qparse.c: a recursive-descent parser for the user query language (see
** qparse.h) that writes an FTS5 expression in which every word is quoted,
** and beside it the role of each FTS5 phrase for the ranking function
** (rank.h). It knows nothing of SQLite; query.c runs what it produces.
*/
#include <string.h>

#include <utf8proc.h>

#include "thp/qparse.h"
#include "thp/rank.h"
#include "thp/text.h"
#include "thp/tok.h"

#define MAX_DEPTH 32

/* A compiled part: its FTS5 text and the roles of its phrases, in order. */
struct qout {
    struct thp_buf ex;
    struct thp_buf ro;
};

static void qout_init(struct qout *o)
{
    thp_buf_init(&o->ex, 0);
    thp_buf_init(&o->ro, 0);
}

static void qout_reset(struct qout *o)
{
    thp_buf_reset(&o->ex);
    thp_buf_reset(&o->ro);
}

static void qout_release(struct qout *o)
{
    thp_buf_release(&o->ex);
    thp_buf_release(&o->ro);
}

static int qout_rc(const struct qout *o)
{
    return o->ex.rc != THP_OK ? o->ex.rc : o->ro.rc;
}

/* Append part to o; negate: its phrases are excluded ones. */
static void qout_append(struct qout *o, const struct qout *part, int negate)
{
    size_t i;

    thp_buf_append(&o->ex, part->ex.s, part->ex.n);
    for (i = 0; i < part->ro.n; i++)
        thp_buf_putc(&o->ro, negate ? THP_ROLE_EXCLUDED : part->ro.s[i]);
}

struct parser {
    const char *q;      /* the query */
    size_t n;           /* its length in bytes */
    size_t i;           /* read position */
    int flags;
    int depth;          /* parenthesis nesting */
    size_t stopped;     /* stop words dropped (THP_QP_ANY_WORD) */
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

/*
** Append s[0..n) as a quoted FTS5 string ("" doubles a quote), after the
** tokenizer's any-inflection marker when stem is set. Control characters
** are left out, so user text can never forge the marker (tok.h).
*/
static void put_quoted(struct thp_buf *out, const char *s, size_t n, int stem)
{
    size_t i;

    thp_buf_putc(out, '"');
    if (stem)
        thp_buf_puts(out, THP_TOK_STEM_MARK);
    for (i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            continue;
        if (s[i] == '"')
            thp_buf_putc(out, '"');
        thp_buf_putc(out, s[i]);
    }
    thp_buf_putc(out, '"');
}

static int parse_or(struct parser *p, struct qout *out);

/*
** primary := '(' or ')' | [field ':'] ( '"' phrase '"' | word ) ['*']
** Writes the FTS5 form to out; writes nothing for a word with no letters.
** A bare word matches any inflection, and its exact form is added as an
** alternative so that ranking can favour it: ("\x01word" OR "word"). A
** quoted phrase or a prefix matches exact forms only (tok.h). Under
** THP_QP_ANY_WORD a bare stop word is dropped (p->stopped counts it).
*/
static int parse_primary(struct parser *p, struct qout *out)
{
    size_t start = p->i, end;
    const char *field = NULL;
    int prefix = 0, quoted = 0, stop;

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
        struct qout sub;
        size_t open = p->i;

        if (p->depth >= MAX_DEPTH)
            return fail(p, open, "parentheses nested too deeply");
        p->i++;
        p->depth++;
        qout_init(&sub);
        parse_or(p, &sub);
        p->depth--;
        skip_blanks(p);
        if (p->rc == THP_OK && p->i < p->n && p->q[p->i] == ')')
            p->i++;
        else if (p->rc == THP_OK && !(p->flags & THP_QP_LENIENT))
            fail(p, open, "unclosed parenthesis: '(' has no matching ')'");
        if (p->rc == THP_OK && sub.ex.n) {
            if (field) {
                thp_buf_puts(&out->ex, field);
                thp_buf_puts(&out->ex, " : ");
            }
            thp_buf_putc(&out->ex, '(');
            qout_append(out, &sub, 0);
            thp_buf_putc(&out->ex, ')');
        }
        if (p->rc == THP_OK && qout_rc(&sub) != THP_OK)
            p->rc = thp_err_set(p->err, qout_rc(&sub), "query: %s",
                                thp_strerror(qout_rc(&sub)));
        qout_release(&sub);
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
    stop = thp_tok_is_stopword("en", p->q + start, end - start);
    if (stop && !quoted && !prefix && (p->flags & THP_QP_ANY_WORD)) {
        p->stopped++;
        return THP_OK;
    }
    if (field) {
        thp_buf_puts(&out->ex, field);
        thp_buf_puts(&out->ex, " : ");
    }
    if (quoted || prefix) {
        /* exact forms only; a phrase of several words is no stop word */
        put_quoted(&out->ex, p->q + start, end - start, 0);
        if (prefix)
            thp_buf_putc(&out->ex, '*');
        thp_buf_putc(&out->ro, stop ? THP_ROLE_EXACT_STOP : THP_ROLE_EXACT);
        return THP_OK;
    }
    thp_buf_putc(&out->ex, '(');
    put_quoted(&out->ex, p->q + start, end - start, 1);
    thp_buf_puts(&out->ex, " OR ");
    put_quoted(&out->ex, p->q + start, end - start, 0);
    thp_buf_putc(&out->ex, ')');
    thp_buf_putc(&out->ro, stop ? THP_ROLE_STEM_STOP : THP_ROLE_STEM);
    thp_buf_putc(&out->ro, THP_ROLE_EXACT_ALT);
    return THP_OK;
}

/*
** and := unary ([AND] unary)*, unary := ('-' | NOT) primary | primary.
** Included parts are joined by AND, excluded ones appended with NOT, since
** FTS5's NOT is binary: "(a AND b) NOT c".
*/
static int parse_and(struct parser *p, struct qout *out)
{
    struct qout pos, neg, item;
    size_t npos = 0, nneg = 0, first_neg = 0;
    int explicit_and = 0; /* "a AND b" stays AND under THP_QP_ANY_WORD */

    qout_init(&pos);
    qout_init(&neg);
    qout_init(&item);
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
        qout_reset(&item);
        if (parse_primary(p, &item) != THP_OK)
            break;
        if (item.ex.n == 0)
            continue;
        if (negate) {
            if (nneg++ == 0)
                first_neg = at;
            thp_buf_puts(&neg.ex, " NOT ");
            qout_append(&neg, &item, 1);
        } else {
            if (npos++)
                thp_buf_puts(&pos.ex, (p->flags & THP_QP_ANY_WORD) &&
                                              !explicit_and
                                          ? " OR "
                                          : " AND ");
            qout_append(&pos, &item, 0);
        }
        explicit_and = 0;
    }
    if (p->rc == THP_OK && nneg && !npos && !(p->flags & THP_QP_LENIENT))
        fail(p, first_neg,
             "only excluded words: add a word to search for");
    if (p->rc == THP_OK && npos) {
        int wrap = npos > 1 || nneg;

        if (wrap && nneg)
            thp_buf_putc(&out->ex, '(');
        qout_append(out, &pos, 0);
        if (wrap && nneg)
            thp_buf_putc(&out->ex, ')');
        qout_append(out, &neg, 0);
    }
    if (p->rc == THP_OK && (qout_rc(&pos) || qout_rc(&neg) || qout_rc(&item)))
        p->rc = thp_err_set(p->err, THP_ERR_NOMEM, "out of memory");
    qout_release(&pos);
    qout_release(&neg);
    qout_release(&item);
    return p->rc;
}

/*
** Append part to out as one operand of op (" OR ", " AND "), counting
** operands in *nparts. Once there are two, every operand is parenthesised
** (the first one retroactively), so precedence never depends on FTS5's.
*/
static void join_part(struct qout *out, size_t start, size_t *nparts,
                      const char *op, const struct qout *part)
{
    struct thp_buf *ex = &out->ex;

    if (part->ex.n == 0)
        return;
    if (*nparts == 1 && thp_buf_grow(ex, 1) == THP_OK) {
        memmove(ex->s + start + 1, ex->s + start, ex->n - start + 1);
        ex->s[start] = '(';
        ex->n++;
        thp_buf_putc(ex, ')');
    }
    if (*nparts >= 1) {
        thp_buf_puts(ex, op);
        thp_buf_putc(ex, '(');
    }
    qout_append(out, part, 0);
    if (*nparts >= 1)
        thp_buf_putc(ex, ')');
    (*nparts)++;
}

/* or := and ('OR' and)* */
static int parse_or(struct parser *p, struct qout *out)
{
    struct qout part;
    size_t nparts = 0, start = out->ex.n;

    qout_init(&part);
    for (;;) {
        size_t at;

        qout_reset(&part);
        if (parse_and(p, &part) != THP_OK)
            break;
        join_part(out, start, &nparts, " OR ", &part);
        skip_blanks(p);
        if (!at_operator(p, "OR"))
            break;
        at = p->i;
        if (part.ex.n == 0 && !(p->flags & THP_QP_LENIENT)) {
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
    if (p->rc == THP_OK && qout_rc(&part) != THP_OK)
        p->rc = thp_err_set(p->err, qout_rc(&part), "query: %s",
                            thp_strerror(qout_rc(&part)));
    qout_release(&part);
    return p->rc;
}

/* One pass over the whole query into out. */
static int parse_query(struct parser *p, struct qout *out)
{
    struct qout part;
    size_t nparts = 0;

    qout_init(&part);
    /*
    ** One pass per top-level part. Only a stray ')' ends a part before the
    ** end of the query; lenient mode skips it and ANDs the parts together.
    */
    for (;;) {
        qout_reset(&part);
        if (parse_or(p, &part) != THP_OK)
            break;
        join_part(out, 0, &nparts, " AND ", &part);
        skip_blanks(p);
        if (p->i >= p->n)
            break;
        if (!(p->flags & THP_QP_LENIENT)) {
            fail(p, p->i, "unmatched ')'");
            break;
        }
        p->i++;
    }
    if (p->rc == THP_OK && qout_rc(&part) != THP_OK)
        p->rc = thp_err_set(p->err, qout_rc(&part), "query: %s",
                            thp_strerror(qout_rc(&part)));
    qout_release(&part);
    return p->rc;
}

int thp_qparse(const char *q, size_t n, int flags, struct thp_buf *out,
               struct thp_buf *roles, struct thp_err *err)
{
    struct parser p;
    struct qout o;
    int rc;

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
    qout_init(&o);
    rc = parse_query(&p, &o);
    /* a question made only of stop words searches for them after all */
    if (rc == THP_OK && o.ex.n == 0 && p.stopped) {
        memset(&p, 0, sizeof p);
        p.q = q;
        p.n = n;
        p.flags = flags & ~THP_QP_ANY_WORD;
        p.err = err;
        qout_reset(&o);
        rc = parse_query(&p, &o);
    }
    if (rc == THP_OK && qout_rc(&o) != THP_OK)
        rc = thp_err_set(err, qout_rc(&o), "query: %s",
                         thp_strerror(qout_rc(&o)));
    if (rc == THP_OK) {
        thp_buf_append(out, o.ex.s, o.ex.n);
        if (roles)
            thp_buf_append(roles, o.ro.s, o.ro.n);
        if (out->rc != THP_OK || (roles && roles->rc != THP_OK))
            rc = thp_err_set(err, THP_ERR_NOMEM, "query: out of memory");
    }
    qout_release(&o);
    return rc;
}
