/*
** qparse.c: a recursive-descent parser for the user query language (see
** qparse.h) that writes an FTS5 expression in which every word is quoted,
** and beside it the role of each FTS5 phrase for the ranking function
** (rank.h), the positive words and the filters written in the query
** (plan.h). It knows nothing of SQLite; query.c runs what it produces.
**
** One parser reads two languages: the classic one of thp_qparse (title:
** and body: only) and the full one of thp_qparse_plan (NEAR, ~N, every
** field, filters, unknown fields, a cap on phrases). p->ext tells them
** apart; every classic input compiles as it always has.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "thp/mem.h"
#include "thp/qparse.h"
#include "thp/rank.h"
#include "thp/text.h"
#include "thp/tok.h"

#define MAX_DEPTH   32   /* parentheses and fields nested */
#define MAX_FILTERS 32   /* kind:, lang:, year:, date: in one query */
#define MAX_NEAR    1000 /* largest NEAR distance */
#define RESTART     (-1) /* p->rc: parse again, p->astext has grown */
#define FTS5_STACK_MAX 96 /* see fts5_stack() */

/* A compiled part: its FTS5 text and the roles of its phrases, in order. */
struct qout {
    struct thp_buf ex;
    struct thp_buf ro;
    int fielded; /* ex is "col : ...", which a second field must wrap */
};

static void qout_init(struct qout *o)
{
    thp_buf_init(&o->ex, 0);
    thp_buf_init(&o->ro, 0);
    o->fielded = 0;
}

static void qout_reset(struct qout *o)
{
    thp_buf_reset(&o->ex);
    thp_buf_reset(&o->ro);
    o->fielded = 0;
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

/* What a parse has found besides the expression; reset on each pass. */
struct found {
    struct thp_qword *words; /* positive words (allocation kept) */
    size_t nwords, capwords;
    size_t nphrases;         /* FTS5 phrases written */
    int has_or, has_not, has_near, has_phrase;
    long date_lo, date_hi;
    unsigned kinds;
    char langs[THP_PLAN_MAX_LANGS][4];
    size_t nlangs;
    size_t nfilters;
};

struct parser {
    const char *q;      /* the query */
    size_t n;           /* its length in bytes */
    size_t i;           /* read position */
    int flags;
    int ext;            /* the full language of thp_qparse_plan */
    int depth;          /* parenthesis (and field) nesting */
    int maxdepth;       /* nesting allowed (ext; lenient may lower it) */
    int reached;        /* deepest nesting entered */
    size_t deep_off;    /* where it was entered */
    int neg;            /* inside an excluded part: words are not positive */
    int field;          /* THP_FIELD_* in force, 0 none */
    size_t stopped;     /* stop words dropped (THP_QP_ANY_WORD) */
    struct found f;
    /* filters and the top-level OR (ext): a filter may not be an operand
    ** of OR; one found before the OR shows up only at the OR */
    int top_or;         /* the top-level part has had an 'OR' */
    size_t part_filt[MAX_FILTERS]; /* offsets of its filters so far */
    size_t npart_filt;
    size_t astext[MAX_FILTERS * 4]; /* lenient: filters read as text */
    size_t nastext;
    int all_text;       /* lenient: every filter read as text */
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

/* fail() with code rc, a formatted message and a tail after the position:
** "MESSAGE at position N TAIL". */
static int failf(struct parser *p, int rc, size_t off, const char *tail,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int failf(struct parser *p, int rc, size_t off, const char *tail,
                 const char *fmt, ...)
{
    char what[THP_ERR_LEN];
    size_t pos = char_pos(p, off);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    p->rc = thp_err_setpos(p->err, rc, pos, "%s at position %zu%s", what, pos,
                           tail ? tail : "");
    return p->rc;
}

static int lenient(const struct parser *p)
{
    return (p->flags & THP_QP_LENIENT) != 0;
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

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
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

/*==== What the plan collects: words, the phrase budget ====*/

/* Record the word q[off..off+len) unless it is inside an excluded part. */
static void add_word(struct parser *p, size_t off, size_t len, int prefix,
                     int exact)
{
    struct thp_qword *w;

    if (p->neg || p->rc != THP_OK)
        return;
    if (p->f.nwords == p->f.capwords) {
        size_t cap = p->f.capwords ? p->f.capwords * 2 : 16;
        struct thp_qword *nw = thp_realloc(p->f.words, cap * sizeof *nw);

        if (nw == NULL) {
            p->rc = thp_err_set(p->err, THP_ERR_NOMEM, "query: out of memory");
            return;
        }
        p->f.words = nw;
        p->f.capwords = cap;
    }
    w = &p->f.words[p->f.nwords++];
    w->off = off;
    w->len = len;
    w->prefix = prefix;
    w->exact = exact;
    w->field = p->field;
}

/* Count the blank-separated words of the phrase q[s..e) that FTS5 will
** index and, if record, record them (the last one is a prefix if prefix).
** Returns how many. */
static size_t add_phrase_words(struct parser *p, size_t s, size_t e,
                               int prefix, int record)
{
    size_t count = 0, i = s, last_s = 0, last_e = 0;

    while (i < e) {
        size_t ws;

        while (i < e && is_blank((unsigned char)p->q[i]))
            i++;
        ws = i;
        while (i < e && !is_blank((unsigned char)p->q[i]))
            i++;
        if (i > ws && has_word_char(p->q + ws, i - ws)) {
            if (count++ && record)
                add_word(p, last_s, last_e - last_s, 0, 1);
            last_s = ws;
            last_e = i;
        }
    }
    if (count && record)
        add_word(p, last_s, last_e - last_s, prefix, 1);
    return count;
}

/*
** Take k FTS5 phrases from the budget (THP_QP_MAXPHRASES) for the term at
** byte off. Returns 1 if the term may be written. Over budget, strict mode
** fails and lenient mode leaves the term out (0). The classic language
** has no budget.
*/
static int take_phrases(struct parser *p, size_t k, size_t off)
{
    if (p->ext && p->f.nphrases + k > THP_QP_MAXPHRASES) {
        if (!lenient(p))
            failf(p, THP_ERR_TOOBIG, off, NULL,
                  "too many words: a query compiles to at most %d FTS5 "
                  "phrases (a bare word takes two)",
                  THP_QP_MAXPHRASES);
        return 0;
    }
    p->f.nphrases += k;
    return 1;
}

/*
** Nesting allowed: parentheses, fields and names read as text each add a
** level. Records the deepest level entered (at byte off) for the check
** of compile(); returns 0 when one more level is not allowed.
*/
static int can_nest(struct parser *p, size_t off)
{
    if (p->depth >= p->maxdepth)
        return 0;
    if (p->depth + 1 > p->reached) {
        p->reached = p->depth + 1;
        p->deep_off = off;
    }
    return 1;
}

/* 1 if the construct at byte off is to be read as plain text (lenient). */
static int as_text(const struct parser *p, size_t off)
{
    size_t i;

    if (p->all_text)
        return 1;
    for (i = 0; i < p->nastext; i++)
        if (p->astext[i] == off)
            return 1;
    return 0;
}

/*==== Fields and filters (the full language) ====*/

enum { F_COLUMN, F_KIND, F_LANG, F_YEAR, F_DATE };

static const struct field_def {
    const char *name;
    int kind;        /* F_COLUMN or a filter */
    int field;       /* THP_FIELD_* of a column field */
    const char *col; /* its FTS5 column */
} field_defs[] = {
    {"title", F_COLUMN, THP_FIELD_TITLE, "title"},
    {"body", F_COLUMN, THP_FIELD_BODY, "body"},
    {"location", F_COLUMN, THP_FIELD_META, "meta"},
    {"author", F_COLUMN, THP_FIELD_META, "meta"},
    {"partner", F_COLUMN, THP_FIELD_META, "meta"},
    {"kind", F_KIND, 0, NULL},
    {"lang", F_LANG, 0, NULL},
    {"year", F_YEAR, 0, NULL},
    {"date", F_DATE, 0, NULL},
};

#define FIELDS_TAIL \
    "; fields: title, body, location, author, partner, kind, lang, year, date"

/*
** Length of the field name at byte off, or 0 if there is none there. A
** field is 2 to 10 ASCII letters and a colon, directly followed by what
** it applies to: not a blank, ')', ':' or '/'. So "Note: x", "10:30",
** "C++:", "a:b" and "http://x" stay text.
*/
static size_t field_len(const struct parser *p, size_t off)
{
    size_t k = 0;
    int c;

    while (off + k < p->n && k <= 10 && is_alpha((unsigned char)p->q[off + k]))
        k++;
    if (k < 2 || k > 10 || off + k + 1 >= p->n || p->q[off + k] != ':')
        return 0;
    c = (unsigned char)p->q[off + k + 1];
    if (is_blank(c) || c == ')' || c == ':' || c == '/')
        return 0;
    return k;
}

static const struct field_def *find_field(const char *s, size_t k)
{
    size_t i;

    for (i = 0; i < sizeof field_defs / sizeof *field_defs; i++)
        if (strlen(field_defs[i].name) == k &&
            strncasecmp(field_defs[i].name, s, k) == 0)
            return &field_defs[i];
    return NULL;
}

/* A date bound of a year: or date: value; year: takes years only. */
static int date_bound(const char *s, size_t n, int year, int hi, long *out)
{
    if (year && n != 4)
        return -1;
    if (thp_plan_date(s, n, hi, out) != 0 || *out < 10000)
        return -1;
    return 0;
}

/*
** Read a year: or date: value s[0..n) into lo..hi (0: no bound): D,
** D..D, D.., ..D, >=D, >D, <=D, <D. Returns 0, 1 if it is not such a
** value, 2 if the range is reversed.
*/
static int date_range(const char *s, size_t n, int year, long *lo, long *hi)
{
    const char *dots = NULL;
    size_t i;
    long v;

    *lo = *hi = 0;
    if (n >= 2 && (s[0] == '>' || s[0] == '<') && s[1] == '=') {
        if (date_bound(s + 2, n - 2, year, s[0] == '<', &v) != 0)
            return 1;
        *(s[0] == '>' ? lo : hi) = v;
        return 0;
    }
    if (n >= 1 && (s[0] == '>' || s[0] == '<')) {
        if (date_bound(s + 1, n - 1, year, s[0] == '>', &v) != 0)
            return 1;
        if (s[0] == '>')
            *lo = v + 1;
        else
            *hi = v - 1;
        return 0;
    }
    for (i = 0; i + 1 < n; i++)
        if (s[i] == '.' && s[i + 1] == '.') {
            dots = s + i;
            break;
        }
    if (dots == NULL)
        return date_bound(s, n, year, 0, lo) != 0 ||
                       date_bound(s, n, year, 1, hi) != 0
                   ? 1
                   : 0;
    if (dots == s && n == 2)
        return 1;
    if (dots > s && date_bound(s, (size_t)(dots - s), year, 0, lo) != 0)
        return 1;
    if (dots + 2 < s + n &&
        date_bound(dots + 2, (size_t)(s + n - dots - 2), year, 1, hi) != 0)
        return 1;
    if (*lo && *hi && *lo > *hi)
        return 2;
    return 0;
}

static int parse_primary(struct parser *p, struct qout *out);

/*
** The field-like name q[start..start+k) and its value, read as text: the
** name is a word and the value what follows the colon, both required
** ("autor:siegel" is autor AND siegel). Lenient mode's reading of an
** unknown field or a filter that cannot apply.
*/
static int parse_name_text(struct parser *p, struct qout *out, size_t start,
                           size_t k);

/* The message for a filter that is not at the top level. */
static int fail_placement(struct parser *p, size_t off)
{
    size_t k = 0;

    while (off + k < p->n && is_alpha((unsigned char)p->q[off + k]))
        k++;
    return failf(p, THP_ERR_SYNTAX, off, NULL,
                 "filter '%.*s:' applies to the whole query and cannot "
                 "stand inside OR, NOT, parentheses or a field",
                 (int)k, p->q + off);
}

/*
** A filter (kind:, lang:, year:, date:) at byte start, name length k: its
** value runs to the next blank, parenthesis or quote. It writes nothing
** to the expression and narrows the plan's filters.
*/
static int parse_filter(struct parser *p, struct qout *out,
                        const struct field_def *fd, size_t start, size_t k)
{
    size_t vs = start + k + 1, ve = vs, vn;
    const char *v = p->q + vs;
    struct found *f = &p->f;

    while (ve < p->n && !is_stop((unsigned char)p->q[ve]))
        ve++;
    vn = ve - vs;
    if (p->depth > 0 || p->neg || p->top_or) {
        if (!lenient(p))
            return fail_placement(p, start);
        return parse_name_text(p, out, start, k);
    }
    if (f->nfilters >= MAX_FILTERS) {
        if (!lenient(p))
            return failf(p, THP_ERR_SYNTAX, start, NULL,
                         "too many filters: %d at most", MAX_FILTERS);
        return parse_name_text(p, out, start, k);
    }
    if (fd->kind == F_KIND) {
        char low[8];
        unsigned kind = 0;
        size_t i;

        if (vn < sizeof low) {
            for (i = 0; i < vn; i++)
                low[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
            kind = thp_plan_kind(low, vn);
        }
        if (kind == 0) {
            if (!lenient(p))
                return failf(p, THP_ERR_SYNTAX, vs,
                             "; kinds: page, item, report",
                             "unknown kind '%.*s'", (int)vn, v);
            return parse_name_text(p, out, start, k);
        }
        f->kinds |= kind;
    } else if (fd->kind == F_LANG) {
        char code[4] = "";
        size_t i;

        for (i = 0; i < vn && vn <= 3 && is_alpha((unsigned char)v[i]); i++)
            code[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
        if (vn < 2 || vn > 3 || i < vn) {
            if (!lenient(p))
                return failf(p, THP_ERR_SYNTAX, vs, NULL,
                             "bad language '%.*s': a language is a code of "
                             "two or three letters (en, nl)",
                             (int)vn, v);
            return parse_name_text(p, out, start, k);
        }
        code[vn] = '\0';
        for (i = 0; i < f->nlangs && strcmp(f->langs[i], code) != 0; i++)
            ;
        if (i == f->nlangs) {
            if (f->nlangs == THP_PLAN_MAX_LANGS) {
                if (!lenient(p))
                    return failf(p, THP_ERR_SYNTAX, start, NULL,
                                 "too many languages: %d at most",
                                 THP_PLAN_MAX_LANGS);
                return parse_name_text(p, out, start, k);
            }
            memcpy(f->langs[f->nlangs++], code, vn + 1);
        }
    } else {
        int year = fd->kind == F_YEAR;
        long lo, hi;
        int r = date_range(v, vn, year, &lo, &hi);

        if (r != 0) {
            if (lenient(p))
                return parse_name_text(p, out, start, k);
            if (r == 2)
                return failf(p, THP_ERR_SYNTAX, vs, NULL,
                             "reversed range '%.*s': its start is after its "
                             "end",
                             (int)vn, v);
            return failf(p, THP_ERR_SYNTAX, vs,
                         year ? "; years: 2011, 2010..2014, 2010.., ..2014, "
                                ">=2011, <2012"
                              : "; dates: 2011, 2011-06, 2011-06-30, "
                                "2010..2012, >=2011-06, <2012",
                         "bad %s '%.*s'", year ? "year" : "date", (int)vn, v);
        }
        if (lo && (!f->date_lo || lo > f->date_lo))
            f->date_lo = lo;
        if (hi && (!f->date_hi || hi < f->date_hi))
            f->date_hi = hi;
    }
    f->nfilters++;
    if (p->npart_filt < MAX_FILTERS)
        p->part_filt[p->npart_filt++] = start;
    p->i = ve;
    return THP_OK;
}

/*
** A field at byte start (name length k, field_len): a column field
** applies to the word, phrase, prefix, NEAR group or parenthesised group
** after the colon, and may wrap another field; a filter goes to
** parse_filter; any other name is an error (strict) or text (lenient).
*/
static int parse_field(struct parser *p, struct qout *out, size_t start,
                       size_t k)
{
    const struct field_def *fd = find_field(p->q + start, k);
    struct qout sub;
    int saved = p->field;

    if (fd == NULL) {
        if (!lenient(p))
            return failf(p, THP_ERR_SYNTAX, start, FIELDS_TAIL,
                         "unknown field '%.*s'", (int)k, p->q + start);
        return parse_name_text(p, out, start, k);
    }
    if (fd->kind != F_COLUMN)
        return parse_filter(p, out, fd, start, k);
    if (!can_nest(p, start)) {
        if (!lenient(p))
            return fail(p, start, "fields nested too deeply");
        p->i = start + k + 1; /* the field is dropped, its value kept */
        return THP_OK;
    }
    p->i = start + k + 1;
    p->field = fd->field;
    p->depth++;
    qout_init(&sub);
    parse_primary(p, &sub);
    p->depth--;
    p->field = saved;
    if (p->rc == THP_OK && sub.ex.n) {
        thp_buf_puts(&out->ex, fd->col);
        thp_buf_puts(&out->ex, " : ");
        if (sub.fielded)
            thp_buf_putc(&out->ex, '(');
        qout_append(out, &sub, 0);
        if (sub.fielded)
            thp_buf_putc(&out->ex, ')');
        out->fielded = 1;
    }
    if (p->rc == THP_OK && qout_rc(&sub) != THP_OK)
        p->rc = thp_err_set(p->err, qout_rc(&sub), "query: %s",
                            thp_strerror(qout_rc(&sub)));
    qout_release(&sub);
    return p->rc;
}

/*==== Words, phrases, NEAR groups ====*/

/*
** Write the bare word q[start..end) (prefix: written as word*) to out and
** record it. A bare word matches any inflection, and its exact form is
** added as an alternative so that ranking can favour it:
** ("\x01word" OR "word"). A prefix matches exact forms only (tok.h).
** Under THP_QP_ANY_WORD a stop word is dropped (p->stopped counts it).
** Writes nothing for a word with no letters or digits.
*/
static int emit_word(struct parser *p, struct qout *out, const char *field,
                     size_t start, size_t end, int prefix)
{
    const char *s = p->q + start;
    size_t n = end - start;
    int stop;

    if (!has_word_char(s, n))
        return THP_OK;
    stop = thp_tok_is_stopword("en", s, n);
    if (stop && !prefix && (p->flags & THP_QP_ANY_WORD)) {
        p->stopped++;
        return THP_OK;
    }
    if (!take_phrases(p, prefix ? 1 : 2, start))
        return p->rc;
    add_word(p, start, n, prefix, 0);
    if (field) {
        thp_buf_puts(&out->ex, field);
        thp_buf_puts(&out->ex, " : ");
    }
    if (prefix) {
        put_quoted(&out->ex, s, n, 0);
        thp_buf_putc(&out->ex, '*');
        thp_buf_putc(&out->ro, stop ? THP_ROLE_EXACT_STOP : THP_ROLE_EXACT);
        return THP_OK;
    }
    thp_buf_putc(&out->ex, '(');
    put_quoted(&out->ex, s, n, 1);
    thp_buf_puts(&out->ex, " OR ");
    put_quoted(&out->ex, s, n, 0);
    thp_buf_putc(&out->ex, ')');
    thp_buf_putc(&out->ro, stop ? THP_ROLE_STEM_STOP : THP_ROLE_STEM);
    thp_buf_putc(&out->ro, THP_ROLE_EXACT_ALT);
    return THP_OK;
}

static int parse_name_text(struct parser *p, struct qout *out, size_t start,
                           size_t k)
{
    struct qout name, value;

    qout_init(&name);
    qout_init(&value);
    emit_word(p, &name, NULL, start, start + k, 0);
    p->i = start + k + 1;
    if (p->rc == THP_OK && can_nest(p, start)) {
        p->depth++;
        parse_primary(p, &value);
        p->depth--;
    }
    if (p->rc == THP_OK && name.ex.n && value.ex.n) {
        thp_buf_putc(&out->ex, '(');
        qout_append(out, &name, 0);
        thp_buf_puts(&out->ex, " AND ");
        qout_append(out, &value, 0);
        thp_buf_putc(&out->ex, ')');
    } else if (p->rc == THP_OK) {
        qout_append(out, &name, 0);
        qout_append(out, &value, 0);
        out->fielded = value.fielded;
    }
    if (p->rc == THP_OK && (qout_rc(&name) || qout_rc(&value)))
        p->rc = thp_err_set(p->err, THP_ERR_NOMEM, "query: out of memory");
    qout_release(&name);
    qout_release(&value);
    return p->rc;
}

/* What a NEAR group may have to undo when lenient mode reads it as text. */
struct mark {
    size_t nwords, nphrases, stopped;
    int has_phrase;
};

/* 1 if s[0..n) is one of the operators AND, OR, NOT. */
static int is_operator(const char *s, size_t n)
{
    return (n == 2 && !memcmp(s, "OR", 2)) ||
           (n == 3 && (!memcmp(s, "AND", 3) || !memcmp(s, "NOT", 3)));
}

static int at_near(const struct parser *p)
{
    return p->n - p->i >= 5 && memcmp(p->q + p->i, "NEAR(", 5) == 0;
}

/*
** NEAR( ... [, N] ) at the read position: words, prefixes and quoted
** phrases within N tokens of each other (FTS5's default 10 without N).
** FTS5's NEAR takes phrases only, so a bare word is its any-inflection
** phrase alone ("\x01word", role T), with no exact alternative. Anything
** else inside (operators, '-', fields, parentheses, '~') is an error in
** strict mode; lenient mode reads the whole group as text instead: its
** words, ANDed, as if "NEAR" were not there. A missing ')' is an error,
** or closed in lenient mode.
*/
static int parse_near(struct parser *p, struct qout *out)
{
    size_t at = p->i, count = 0, bad = 0, badlen = 0;
    long dist = -1;
    const char *why = NULL;
    struct qout body;
    struct mark m;

    m.nwords = p->f.nwords;
    m.nphrases = p->f.nphrases;
    m.stopped = p->stopped;
    m.has_phrase = p->f.has_phrase;
    qout_init(&body);
    p->i += 5;
    while (p->rc == THP_OK && why == NULL) {
        size_t ws = 0, we;
        int c, prefix = 0, stop;

        skip_blanks(p);
        if (p->i >= p->n) {
            if (!lenient(p))
                fail(p, at, "unclosed NEAR group: 'NEAR(' has no matching ')'");
            break;
        }
        c = (unsigned char)p->q[p->i];
        if (c == ')') {
            p->i++;
            break;
        }
        if (c == ',') {
            size_t ds, de;

            p->i++;
            skip_blanks(p);
            ds = p->i;
            while (p->i < p->n && is_digit((unsigned char)p->q[p->i]))
                p->i++;
            de = p->i;
            if (de > ds && de - ds <= 4) {
                dist = 0;
                for (ws = ds; ws < de; ws++)
                    dist = dist * 10 + (p->q[ws] - '0');
            }
            skip_blanks(p);
            if (dist < 0 || dist > MAX_NEAR) {
                bad = ds;
                while (ds + badlen < p->n &&
                       !is_stop((unsigned char)p->q[ds + badlen]))
                    badlen++;
                why = "NEAR distance must be a number from 0 to 1000";
                break;
            }
            if (p->i < p->n && p->q[p->i] != ')') {
                bad = p->i;
                why = "NEAR( ) ends with ')' after its distance";
                break;
            }
            if (p->i >= p->n) {
                if (!lenient(p))
                    fail(p, at,
                         "unclosed NEAR group: 'NEAR(' has no matching ')'");
                break;
            }
            p->i++;
            break;
        }
        if (c == '(') {
            bad = p->i;
            why = "NEAR( ) takes only words and phrases, not '('";
            break;
        }
        if (c == '"') {
            const char *close = memchr(p->q + p->i + 1, '"', p->n - p->i - 1);
            size_t qs = p->i + 1, qe;

            if (close == NULL) {
                if (!lenient(p)) {
                    fail(p, p->i,
                         "unterminated phrase: '\"' has no closing quote");
                    break;
                }
                qe = p->n;
                p->i = p->n;
            } else {
                qe = (size_t)(close - p->q);
                p->i = qe + 1;
            }
            if (p->i < p->n && p->q[p->i] == '*') {
                prefix = 1;
                p->i++;
            }
            if (p->i < p->n && p->q[p->i] == '~') {
                bad = p->i;
                why = "a phrase inside NEAR( ) takes no '~'";
                break;
            }
            if (!has_word_char(p->q + qs, qe - qs) ||
                !take_phrases(p, 1, qs - 1))
                continue;
            stop = thp_tok_is_stopword("en", p->q + qs, qe - qs);
            if (count++)
                thp_buf_putc(&body.ex, ' ');
            put_quoted(&body.ex, p->q + qs, qe - qs, 0);
            if (prefix)
                thp_buf_putc(&body.ex, '*');
            thp_buf_putc(&body.ro, stop ? THP_ROLE_EXACT_STOP : THP_ROLE_EXACT);
            if (add_phrase_words(p, qs, qe, prefix, 1) >= 2)
                p->f.has_phrase = 1;
            continue;
        }
        ws = p->i;
        while (p->i < p->n && !is_stop((unsigned char)p->q[p->i]) &&
               p->q[p->i] != ',')
            p->i++;
        we = p->i;
        if (is_operator(p->q + ws, we - ws) ||
            ((p->q[ws] == '-' || p->q[ws] == '+') && we - ws > 1) ||
            field_len(p, ws) ||
            (we - ws >= 4 && !memcmp(p->q + ws, "NEAR", 4) && we < p->n &&
             p->q[we] == '(')) {
            bad = ws;
            badlen = we - ws;
            why = "NEAR( ) takes only words and phrases";
            break;
        }
        while (we > ws && p->q[we - 1] == '*') {
            we--;
            prefix = 1;
        }
        if (!prefix && p->i == p->n && (p->flags & THP_QP_PREFIX_LAST))
            prefix = 1;
        if (!has_word_char(p->q + ws, we - ws) || !take_phrases(p, 1, ws))
            continue;
        stop = thp_tok_is_stopword("en", p->q + ws, we - ws);
        if (count++)
            thp_buf_putc(&body.ex, ' ');
        put_quoted(&body.ex, p->q + ws, we - ws, !prefix);
        if (prefix)
            thp_buf_putc(&body.ex, '*');
        thp_buf_putc(&body.ro, prefix ? (stop ? THP_ROLE_EXACT_STOP
                                              : THP_ROLE_EXACT)
                                      : (stop ? THP_ROLE_STEM_STOP
                                              : THP_ROLE_STEM));
        add_word(p, ws, we - ws, prefix, 0);
    }
    if (p->rc == THP_OK && why == NULL && count < 2 && !lenient(p)) {
        bad = at;
        why = "NEAR( ) needs two or more words or phrases";
    }
    if (p->rc == THP_OK && why != NULL) {
        qout_release(&body);
        if (!lenient(p) && badlen)
            return failf(p, THP_ERR_SYNTAX, bad, NULL, "%s, not '%.*s'", why,
                         (int)badlen, p->q + bad);
        if (!lenient(p))
            return fail(p, bad, why);
        /* lenient: undo, and read "(...)" as a group of words */
        p->f.nwords = m.nwords;
        p->f.nphrases = m.nphrases;
        p->stopped = m.stopped;
        p->f.has_phrase = m.has_phrase;
        p->i = at + 4;
        return parse_primary(p, out);
    }
    if (p->rc == THP_OK && count >= 2) {
        thp_buf_puts(&out->ex, "NEAR(");
        qout_append(out, &body, 0);
        if (dist >= 0)
            thp_buf_printf(&out->ex, ", %ld", dist);
        thp_buf_putc(&out->ex, ')');
        p->f.has_near = 1;
    } else if (p->rc == THP_OK) {
        qout_append(out, &body, 0); /* one phrase (lenient): itself */
    }
    if (p->rc == THP_OK && qout_rc(&body) != THP_OK)
        p->rc = thp_err_set(p->err, THP_ERR_NOMEM, "query: out of memory");
    qout_release(&body);
    return p->rc;
}

/*==== The grammar ====*/

static int parse_or(struct parser *p, struct qout *out);

/* Digits of a "~N" at byte off, after a phrase; the length of "~N", or 0. */
static size_t tilde_len(const struct parser *p, size_t off, long *dist)
{
    size_t e = off + 1;

    if (off >= p->n || p->q[off] != '~')
        return 0;
    *dist = 0;
    while (e < p->n && is_digit((unsigned char)p->q[e]) && e - off <= 4)
        *dist = *dist * 10 + (p->q[e++] - '0');
    if (e == off + 1 || *dist > MAX_NEAR ||
        (e < p->n && !is_stop((unsigned char)p->q[e])))
        return 0;
    return e - off;
}

/* The phrase q[s..e) with a distance: NEAR of its words' exact forms. */
static void emit_phrase_near(struct parser *p, struct qout *out, size_t s,
                             size_t e, int prefix, long dist)
{
    size_t i = s, count = 0, last = 0;

    thp_buf_puts(&out->ex, "NEAR(");
    while (i < e) {
        size_t ws;

        while (i < e && is_blank((unsigned char)p->q[i]))
            i++;
        ws = i;
        while (i < e && !is_blank((unsigned char)p->q[i]))
            i++;
        if (i > ws && has_word_char(p->q + ws, i - ws)) {
            if (count++)
                thp_buf_putc(&out->ex, ' ');
            put_quoted(&out->ex, p->q + ws, i - ws, 0);
            thp_buf_putc(&out->ro, thp_tok_is_stopword("en", p->q + ws, i - ws)
                                       ? THP_ROLE_EXACT_STOP
                                       : THP_ROLE_EXACT);
            last = out->ex.n;
        }
    }
    if (prefix && thp_buf_grow(&out->ex, 1) == THP_OK) {
        /* the last word is the prefix: "a" "b"* */
        memmove(out->ex.s + last + 1, out->ex.s + last, out->ex.n - last + 1);
        out->ex.s[last] = '*';
        out->ex.n++;
    }
    thp_buf_printf(&out->ex, ", %ld)", dist);
    p->f.has_near = 1;
}

/*
** primary := '(' or ')' | [field ':'] ( '"' phrase '"' ['*'] ['~' N] |
**            NEAR '(' ... ')' | word ['*'] ) | filter
** Writes the FTS5 form to out; writes nothing for a word with no letters
** (and for a filter, which goes to the plan). A quoted phrase or a prefix
** matches exact forms only (tok.h).
*/
static int parse_primary(struct parser *p, struct qout *out)
{
    size_t start = p->i, end;
    const char *field = NULL;
    int prefix = 0, quoted = 0, stop;
    long dist = -1;

    if (p->ext) {
        size_t k = field_len(p, p->i);

        if (k) {
            const struct field_def *fd = find_field(p->q + start, k);

            if (fd && fd->kind != F_COLUMN && as_text(p, start))
                return parse_name_text(p, out, start, k);
            return parse_field(p, out, start, k);
        }
        if (at_near(p))
            return parse_near(p, out);
    } else {
        /* The classic language's fields: title: or body: directly before
        ** a word, a phrase or a parenthesised group. */
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
    }

    if (p->q[p->i] == '(') {
        struct qout sub;
        size_t open = p->i;

        if (!can_nest(p, open)) {
            /* the classic language fails beyond MAX_DEPTH even when
            ** lenient, as it always has */
            if (!lenient(p) || (!p->ext && p->depth >= MAX_DEPTH))
                return fail(p, open, "parentheses nested too deeply");
            p->i++; /* lenient: a parenthesis too deep is left out */
            return THP_OK;
        }
        p->i++;
        p->depth++;
        qout_init(&sub);
        parse_or(p, &sub);
        p->depth--;
        skip_blanks(p);
        if (p->rc == THP_OK && p->i < p->n && p->q[p->i] == ')')
            p->i++;
        else if (p->rc == THP_OK && !lenient(p))
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
            if (!lenient(p))
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
    if (quoted && p->ext && p->i < p->n && p->q[p->i] == '~') {
        size_t k = tilde_len(p, p->i, &dist);

        if (k)
            p->i += k;
        else if (!lenient(p))
            return failf(p, THP_ERR_SYNTAX, p->i, NULL,
                         "'~' after a phrase takes a distance from 0 to %d",
                         MAX_NEAR);
        else
            dist = -1; /* lenient: "~..." is the next word */
    }
    if (!quoted && !prefix && p->i == p->n &&
        (p->flags & THP_QP_PREFIX_LAST))
        prefix = 1;
    if (!quoted)
        return emit_word(p, out, field, start, end, prefix);
    if (!has_word_char(p->q + start, end - start))
        return THP_OK;
    if (dist >= 0) {
        size_t words = add_phrase_words(p, start, end, prefix, 0);

        if (words >= 2) {
            if (!take_phrases(p, words, start - 1))
                return p->rc;
            add_phrase_words(p, start, end, prefix, 1);
            emit_phrase_near(p, out, start, end, prefix, dist);
            return THP_OK;
        }
    }
    if (!take_phrases(p, 1, start - 1))
        return p->rc;
    if (add_phrase_words(p, start, end, prefix, 1) >= 2)
        p->f.has_phrase = 1;
    stop = thp_tok_is_stopword("en", p->q + start, end - start);
    if (field) {
        thp_buf_puts(&out->ex, field);
        thp_buf_puts(&out->ex, " : ");
    }
    /* exact forms only; a phrase of several words is no stop word */
    put_quoted(&out->ex, p->q + start, end - start, 0);
    if (prefix)
        thp_buf_putc(&out->ex, '*');
    thp_buf_putc(&out->ro, stop ? THP_ROLE_EXACT_STOP : THP_ROLE_EXACT);
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
        int negate = 0, saved_neg = p->neg;
        size_t at;

        skip_blanks(p);
        if (p->i >= p->n || p->q[p->i] == ')' || at_operator(p, "OR"))
            break;
        at = p->i;
        if (at_operator(p, "AND")) {
            p->i += 3;
            explicit_and = 1;
            if (npos + nneg == 0 && !lenient(p)) {
                fail(p, at, "'AND' needs a word before it");
                break;
            }
            skip_blanks(p);
            if ((p->i >= p->n || p->q[p->i] == ')' || at_operator(p, "OR")) &&
                !lenient(p)) {
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
                if (!lenient(p))
                    fail(p, at, "nothing to exclude after 'NOT' or '-'");
                break;
            }
        }
        qout_reset(&item);
        if (negate)
            p->neg = 1;
        parse_primary(p, &item);
        p->neg = saved_neg;
        if (p->rc == THP_OK && qout_rc(&item) != THP_OK)
            p->rc = thp_err_set(p->err, THP_ERR_NOMEM, "query: out of memory");
        if (p->rc != THP_OK)
            break;
        if (item.ex.n == 0)
            continue;
        if (negate) {
            if (nneg++ == 0)
                first_neg = at;
            thp_buf_puts(&neg.ex, " NOT ");
            qout_append(&neg, &item, 1);
        } else {
            if (npos++) {
                int any = (p->flags & THP_QP_ANY_WORD) && !explicit_and;

                thp_buf_puts(&pos.ex, any ? " OR " : " AND ");
                if (any)
                    p->f.has_or = 1;
            }
            qout_append(&pos, &item, 0);
        }
        explicit_and = 0;
    }
    if (p->rc == THP_OK && nneg && !npos && !lenient(p))
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
        if (nneg)
            p->f.has_not = 1;
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

/*
** or := and ('OR' and)*. At the top level of the full language, a filter
** may not be an operand of OR: one after an OR fails in parse_filter, one
** before it here (lenient mode parses again, reading those filters as
** text).
*/
static int parse_or(struct parser *p, struct qout *out)
{
    struct qout part;
    size_t nparts = 0, start = out->ex.n;
    int top = p->ext && p->depth == 0;

    if (top) {
        p->top_or = 0;
        p->npart_filt = 0;
    }
    qout_init(&part);
    for (;;) {
        size_t at;

        qout_reset(&part);
        if (parse_and(p, &part) != THP_OK)
            break;
        if (qout_rc(&part) != THP_OK) {
            p->rc = thp_err_set(p->err, THP_ERR_NOMEM, "query: out of memory");
            break;
        }
        join_part(out, start, &nparts, " OR ", &part);
        if (nparts > 1)
            p->f.has_or = 1;
        skip_blanks(p);
        if (!at_operator(p, "OR"))
            break;
        at = p->i;
        if (top && !p->top_or && p->npart_filt) {
            size_t i;

            if (!lenient(p)) {
                fail_placement(p, p->part_filt[0]);
                break;
            }
            for (i = 0; i < p->npart_filt; i++)
                if (p->nastext < (size_t)MAX_FILTERS * 4)
                    p->astext[p->nastext++] = p->part_filt[i];
                else
                    p->all_text = 1;
            p->rc = RESTART;
            break;
        }
        if (top)
            p->top_or = 1;
        if (part.ex.n == 0 && !lenient(p)) {
            fail(p, at, "'OR' needs a word before it");
            break;
        }
        p->i += 2;
        skip_blanks(p);
        if ((p->i >= p->n || p->q[p->i] == ')' || at_operator(p, "OR")) &&
            !lenient(p)) {
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
        if (!lenient(p)) {
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

/*
** Parse the whole query into o with the given flags, again as long as
** lenient mode finds filters to read as text (each pass adds at least one
** offset to p->astext or sets p->all_text, so the passes are bounded).
*/
static int run(struct parser *p, int flags, struct qout *o)
{
    for (;;) {
        p->i = 0;
        p->flags = flags;
        p->depth = 0;
        p->neg = 0;
        p->field = 0;
        p->stopped = 0;
        p->top_or = 0;
        p->npart_filt = 0;
        p->reached = 0;
        p->deep_off = 0;
        p->rc = THP_OK;
        {
            struct thp_qword *words = p->f.words;
            size_t cap = p->f.capwords;

            memset(&p->f, 0, sizeof p->f);
            p->f.words = words;
            p->f.capwords = cap;
        }
        qout_reset(o);
        if (parse_query(p, o) != RESTART)
            return p->rc;
    }
}

/* Byte offset of the first invalid UTF-8 sequence of s[0..n), or n. */
static size_t utf8_bad(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    unsigned cp;

    for (;;) {
        size_t k;

        i += thp_utf8_ascii_prefix(u + i, n - i);
        if (i >= n)
            return n;
        k = thp_utf8_decode(u + i, n - i, &cp);
        if (k == 0)
            return i;
        i += k;
    }
}

/*
** Entries FTS5's expression parser (lemon) holds at most while it reads
** the expression s, which qparse wrote: its stack has room for 100
** (fts5YYSTACKDEPTH in SQLite 3.40.1) and beyond that the query fails
** with "fts5: parser stack overflow". An operator waits on the stack
** with its left operand until one of lower or equal precedence (OR <
** AND < NOT, all left-associative) or the closing parenthesis reduces
** it; "col :" waits with its operand, NEAR( ... ) holds four entries
** while it is read.
*/
static size_t fts5_stack(const char *s, size_t n)
{
    enum { E_EXPR = 1, E_LP, E_COL, E_OR = 11, E_AND = 12, E_NOT = 13 };
    unsigned char st[512];
    size_t top = 0, max = 0, i = 0;

    while (i < n) {
        int c = (unsigned char)s[i], op = 0;

        if (top + 8 >= sizeof st)
            return (size_t)-1;
        if (c == '"' ||
            (c == 'N' && n - i >= 5 && !memcmp(s + i, "NEAR(", 5))) {
            if (c == '"') {
                for (i++; i < n; i++)
                    if (s[i] == '"' && (i + 1 >= n || s[i + 1] != '"'))
                        break;
                    else if (s[i] == '"')
                        i++;
                i++;
                if (i < n && s[i] == '*')
                    i++;
                if (top + 2 > max)
                    max = top + 2;
            } else {
                int inq = 0;

                for (i += 5; i < n && (inq || s[i] != ')'); i++)
                    if (s[i] == '"')
                        inq = !inq;
                i++;
                if (top + 5 > max)
                    max = top + 5;
            }
            /* a phrase or NEAR group: an expression, taking "col :" */
            if (top >= 2 && st[top - 1] == E_COL)
                top -= 2;
            st[top++] = E_EXPR;
        } else if (c == '(') {
            st[top++] = E_LP;
            i++;
        } else if (c == ')') {
            while (top >= 3 && st[top - 1] == E_EXPR && st[top - 2] >= E_OR)
                top -= 2;
            if (top >= 2 && st[top - 2] == E_LP)
                top -= 2;
            if (top >= 2 && st[top - 1] == E_COL)
                top -= 2;
            st[top++] = E_EXPR;
            i++;
        } else if (n - i >= 3 && !memcmp(s + i, "OR ", 3)) {
            op = E_OR;
            i += 3;
        } else if (n - i >= 4 && !memcmp(s + i, "AND ", 4)) {
            op = E_AND;
            i += 4;
        } else if (n - i >= 4 && !memcmp(s + i, "NOT ", 4)) {
            op = E_NOT;
            i += 4;
        } else if (c >= 'a' && c <= 'z') {
            /* a column name and " : " */
            while (i < n && s[i] != ':')
                i++;
            i++;
            st[top++] = E_COL;
            st[top++] = E_COL;
        } else {
            i++;
        }
        if (op) {
            while (top >= 3 && st[top - 1] == E_EXPR && st[top - 2] >= op)
                top -= 2;
            st[top++] = (unsigned char)op;
        }
        if (top > max)
            max = top;
    }
    return max;
}

/* The parser of both entry points; ext: the full language. */
static int compile(const char *q, size_t n, int flags, int ext,
                   struct thp_plan *plan, struct thp_err *err)
{
    struct parser p;
    struct qout o;
    char clean[THP_QP_MAXLEN];
    size_t bad;
    int rc;

    memset(&p, 0, sizeof p);
    p.q = q;
    p.n = n;
    p.ext = ext;
    p.err = err;
    if (n > THP_QP_MAXLEN) {
        size_t pos;

        if (!ext)
            return thp_err_setpos(err, THP_ERR_TOOBIG, THP_QP_MAXLEN,
                                  "query longer than %d bytes", THP_QP_MAXLEN);
        pos = char_pos(&p, THP_QP_MAXLEN);
        return thp_err_setpos(err, THP_ERR_TOOBIG, pos,
                              "query longer than %d bytes (%zu): shorten it "
                              "from position %zu",
                              THP_QP_MAXLEN, n, pos);
    }
    if ((bad = utf8_bad(q, n)) < n) {
        if (!ext)
            return thp_err_set(err, THP_ERR_SYNTAX, "query is not valid UTF-8");
        if (!(flags & THP_QP_LENIENT)) {
            size_t pos = char_pos(&p, bad);

            return thp_err_setpos(err, THP_ERR_SYNTAX, pos,
                                  "query is not valid UTF-8 at position %zu",
                                  pos);
        }
        /* lenient: a byte that is not UTF-8 separates words */
        memcpy(clean, q, n);
        while (bad < n) {
            size_t k;
            unsigned cp;

            k = thp_utf8_decode((const unsigned char *)clean + bad, n - bad,
                                &cp);
            if (k == 0)
                clean[bad++] = ' ';
            else
                bad += k;
        }
        p.q = clean;
    }
    qout_init(&o);
    p.maxdepth = MAX_DEPTH;
    for (;;) {
        rc = run(&p, flags, &o);
        /* a question made only of stop words searches for them after all */
        if (rc == THP_OK && o.ex.n == 0 && p.stopped)
            rc = run(&p, flags & ~THP_QP_ANY_WORD, &o);
        /* FTS5 must be able to parse what we wrote: nesting too deep for
        ** its parser is an error, or in lenient mode nests less (in the
        ** classic language too: such a query used to fail in FTS5) */
        if (rc != THP_OK || fts5_stack(o.ex.s, o.ex.n) <= FTS5_STACK_MAX)
            break;
        if (!(flags & THP_QP_LENIENT) || p.reached == 0) {
            size_t pos = char_pos(&p, p.deep_off);

            rc = thp_err_setpos(err, THP_ERR_SYNTAX, pos,
                                "parentheses nested too deeply at position "
                                "%zu",
                                pos);
            break;
        }
        p.maxdepth = p.reached - 1;
    }
    if (rc == THP_OK && qout_rc(&o) != THP_OK)
        rc = thp_err_set(err, qout_rc(&o), "query: %s",
                         thp_strerror(qout_rc(&o)));
    if (rc == THP_OK) {
        thp_buf_reset(&plan->match);
        thp_buf_reset(&plan->roles);
        thp_buf_append(&plan->match, o.ex.s, o.ex.n);
        thp_buf_append(&plan->roles, o.ro.s, o.ro.n);
        if (plan->match.rc != THP_OK || plan->roles.rc != THP_OK)
            rc = thp_err_set(err, THP_ERR_NOMEM, "query: out of memory");
    }
    if (rc == THP_OK) {
        size_t i;

        thp_free(plan->words);
        plan->words = p.f.words;
        plan->nwords = p.f.nwords;
        p.f.words = NULL;
        plan->has_or = p.f.has_or;
        plan->has_not = p.f.has_not;
        plan->has_near = p.f.has_near;
        plan->has_phrase = p.f.has_phrase;
        plan->date_lo = p.f.date_lo;
        plan->date_hi = p.f.date_hi;
        plan->kinds = p.f.kinds;
        memset(plan->langs, 0, sizeof plan->langs);
        for (i = 0; i < p.f.nlangs; i++)
            memcpy(plan->langs[i], p.f.langs[i], sizeof plan->langs[i]);
        plan->nlangs = p.f.nlangs;
    } else {
        thp_plan_release(plan);
    }
    thp_free(p.f.words);
    qout_release(&o);
    return rc;
}

int thp_qparse(const char *q, size_t n, int flags, struct thp_buf *out,
               struct thp_buf *roles, struct thp_err *err)
{
    struct thp_plan plan;
    int rc;

    thp_plan_init(&plan);
    rc = compile(q, n, flags, 0, &plan, err);
    if (rc == THP_OK) {
        thp_buf_append(out, plan.match.s, plan.match.n);
        if (roles)
            thp_buf_append(roles, plan.roles.s, plan.roles.n);
        if (out->rc != THP_OK || (roles && roles->rc != THP_OK))
            rc = thp_err_set(err, THP_ERR_NOMEM, "query: out of memory");
    }
    thp_plan_release(&plan);
    return rc;
}

int thp_qparse_plan(const char *q, size_t n, int flags, struct thp_plan *plan,
                    struct thp_err *err)
{
    if (plan == NULL)
        return thp_err_set(err, THP_ERR_MISUSE, "query: no plan to fill");
    return compile(q, n, flags, 1, plan, err);
}
