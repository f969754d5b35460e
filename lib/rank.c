/*
** rank.c: the ranking function thp_rank() (see rank.h): BM25F over the
** FTS columns with an exact-form bonus, BM25TP term proximity and an
** optional recency factor, as an FTS5 auxiliary function; and its
** parameters (defaults, key=value parsing, formatting).
**
** Per query (kept with xSetAuxdata): the parameters, each phrase's term
** and role, each term's idf, the columns' average lengths. Per row: one
** pass over the row's phrase instances, which FTS5 gives in position
** order, counting frequencies and close pairs.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "thp/mem.h"
#include "thp/rank.h"
#include "thp/tok.h"

#define MAX_COLS       8   /* columns scored (the index has 3) */
#define MAX_PROX_TERMS 32  /* proximity is computed up to this many terms */

void thp_rank_defaults(struct thp_rank_params *p)
{
    /*
    ** Chosen by eval/tune.py on the odd-numbered Cranfield queries (see
    ** docs/RELEVANCE.md), except meta, stop and window (Cranfield has no
    ** metadata and its questions drop their stop words), and exact and
    ** prox: the tuning half preferred 0 for both; 0.05 keeps a small
    ** preference for words as typed and words together, at a cost of
    ** 0.5% MAP there.
    */
    p->k1 = 1.8;
    p->b = 0.6;
    p->title = 5.0;
    p->body = 1.0;
    p->meta = 2.0;
    p->exact = 0.05;
    p->stop = 0.2;
    p->prox = 0.05;
    p->window = 5;
    p->recency = 0.0;
    p->halflife = 5.0;
    p->now = 0;
    p->fb_docs = 0; /* on request: THP_RANK_FB_DOCS */
    p->fb_terms = 30;
    p->fb_weight = 0.7;
}

/* ---- parameters as text ----------------------------------------------- */

struct key {
    const char *name;
    size_t off;    /* offset of the double (or int) in the struct */
    int is_int;
    double lo, hi; /* accepted range, inclusive */
};

#define KEY(f, lo, hi) {#f, offsetof(struct thp_rank_params, f), 0, lo, hi}
static const struct key keys[] = {
    KEY(k1, 0.0, 100.0),    KEY(b, 0.0, 1.0),
    KEY(title, 0.0, 1e3),   KEY(body, 0.0, 1e3),
    KEY(meta, 0.0, 1e3),    KEY(exact, 0.0, 100.0),
    KEY(stop, 0.0, 1.0),    KEY(prox, 0.0, 100.0),
    {"window", offsetof(struct thp_rank_params, window), 1, 1, 64},
    KEY(recency, 0.0, 100.0), KEY(halflife, 0.01, 1e4),
    {"now", offsetof(struct thp_rank_params, now), 1, 0, 9999},
    {"fb_docs", offsetof(struct thp_rank_params, fb_docs), 1, 0, 100},
    {"fb_terms", offsetof(struct thp_rank_params, fb_terms), 1, 1, 100},
    KEY(fb_weight, 0.0, 10.0),
};
#undef KEY

static int is_sep(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' ||
           c == ';';
}

int thp_rank_set(struct thp_rank_params *p, const char *spec, size_t n,
                 struct thp_err *err)
{
    struct thp_rank_params q = *p;
    size_t i = 0;

    while (i < n) {
        size_t k0, k1, v0, j;
        const struct key *key = NULL;
        char num[64], *end;
        double v;

        if (is_sep((unsigned char)spec[i])) {
            i++;
            continue;
        }
        if (spec[i] == '#') {
            while (i < n && spec[i] != '\n')
                i++;
            continue;
        }
        k0 = i;
        while (i < n && spec[i] != '=' && !is_sep((unsigned char)spec[i]) &&
               spec[i] != '#')
            i++;
        k1 = i;
        if (i >= n || spec[i] != '=')
            return thp_err_setpos(err, THP_ERR_SYNTAX, k0,
                                  "ranking parameter '%.*s' at byte %zu "
                                  "has no '=value'",
                                  (int)(k1 - k0 > 40 ? 40 : k1 - k0),
                                  spec + k0, k0);
        v0 = ++i;
        while (i < n && !is_sep((unsigned char)spec[i]) && spec[i] != '#')
            i++;
        for (j = 0; j < sizeof keys / sizeof *keys; j++)
            if (strlen(keys[j].name) == k1 - k0 &&
                memcmp(keys[j].name, spec + k0, k1 - k0) == 0)
                key = &keys[j];
        if (key == NULL)
            return thp_err_setpos(err, THP_ERR_SYNTAX, k0,
                                  "unknown ranking parameter '%.*s' at byte "
                                  "%zu", (int)(k1 - k0 > 40 ? 40 : k1 - k0),
                                  spec + k0, k0);
        if (i - v0 == 0 || i - v0 >= sizeof num)
            return thp_err_setpos(err, THP_ERR_SYNTAX, v0,
                                  "ranking parameter %s at byte %zu: bad "
                                  "value", key->name, v0);
        memcpy(num, spec + v0, i - v0);
        num[i - v0] = '\0';
        errno = 0;
        v = strtod(num, &end);
        if (*end != '\0' || errno != 0 || !isfinite(v) || v < key->lo ||
            v > key->hi || (key->is_int && v != floor(v)))
            return thp_err_setpos(err, THP_ERR_SYNTAX, v0,
                                  "ranking parameter %s=%s at byte %zu: "
                                  "want %s from %g to %g", key->name, num, v0,
                                  key->is_int ? "a whole number" : "a number",
                                  key->lo, key->hi);
        if (key->is_int)
            *(int *)(void *)((char *)&q + key->off) = (int)v;
        else
            *(double *)(void *)((char *)&q + key->off) = v;
    }
    *p = q;
    return THP_OK;
}

int thp_rank_load(struct thp_rank_params *p, const char *path,
                  struct thp_err *err)
{
    FILE *f = fopen(path, "rb");
    char buf[8192];
    size_t n;
    struct thp_err e = {0};

    if (f == NULL)
        return thp_err_set(err, THP_ERR_IO, "%s: %s", path, strerror(errno));
    n = fread(buf, 1, sizeof buf, f);
    if (ferror(f) || !feof(f)) {
        int big = !ferror(f);

        fclose(f);
        return thp_err_set(err, big ? THP_ERR_TOOBIG : THP_ERR_IO, "%s: %s",
                           path, big ? "larger than 8 KiB" : "read error");
    }
    fclose(f);
    if (thp_rank_set(p, buf, n, &e) != THP_OK)
        return thp_err_setpos(err, e.rc, e.pos, "%s: %s", path, e.msg);
    return THP_OK;
}

/* Shortest %g form of v that reads back exactly. */
static void put_num(char *out, size_t len, double v)
{
    int prec;

    for (prec = 6; prec < 17; prec++) {
        snprintf(out, len, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
    snprintf(out, len, "%.17g", v);
}

size_t thp_rank_format(const struct thp_rank_params *p, char *out,
                       size_t len)
{
    char tmp[1024];
    size_t i, n = 0;

    tmp[0] = '\0';
    for (i = 0; i < sizeof keys / sizeof *keys; i++) {
        const void *f = (const char *)p + keys[i].off;
        char num[40];

        if (keys[i].is_int)
            snprintf(num, sizeof num, "%d", *(const int *)f);
        else
            put_num(num, sizeof num, *(const double *)f);
        n += (size_t)snprintf(tmp + n, sizeof tmp - n, "%s%s=%s",
                              i ? " " : "", keys[i].name, num);
    }
    if (len)
        snprintf(out, len, "%s", tmp);
    return n;
}

/* ---- the auxiliary function ------------------------------------------- */

struct qdata {
    struct thp_rank_params p;
    int nphrase, nterm, ncol;
    int *term;         /* phrase -> term, or -1: not scored */
    char *role;        /* phrase -> its role byte */
    double *idf;       /* term -> idf */
    double *qw;        /* term -> query weight (stop words lighter) */
    double avg[MAX_COLS];
    double weight[MAX_COLS];
    int year_now;
    /* scratch for one row */
    double *tf, *ex;   /* term x column */
    int *last;         /* term x column: last position seen, or -1 */
    double *pair;      /* term x term: proximity counts (u < v) */
};

static void qdata_free(void *v)
{
    struct qdata *d = v;

    if (d == NULL)
        return;
    thp_free(d->term);
    thp_free(d->role);
    thp_free(d->idf);
    thp_free(d->qw);
    thp_free(d->tf);
    thp_free(d->ex);
    thp_free(d->last);
    thp_free(d->pair);
    thp_free(d);
}

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts,
                     void *arg)
{
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)arg)++;
    return SQLITE_OK;
}

/* Build the per-query data; NULL with *msg set (static text) on error. */
static struct qdata *qdata_make(const Fts5ExtensionApi *api, Fts5Context *fts,
                                int nval, sqlite3_value **val, int *rc,
                                const char **msg)
{
    struct qdata *d = thp_calloc(1, sizeof *d);
    const char *roles = "";
    sqlite3_int64 nrow = 0;
    int i, t, np, nroles;

    *rc = SQLITE_NOMEM;
    *msg = "thp_rank: out of memory";
    if (d == NULL)
        return NULL;
    thp_rank_defaults(&d->p);
    if (nval >= 1 && sqlite3_value_type(val[0]) != SQLITE_NULL)
        roles = (const char *)sqlite3_value_text(val[0]);
    if (nval >= 2 && sqlite3_value_type(val[1]) != SQLITE_NULL) {
        const char *spec = (const char *)sqlite3_value_text(val[1]);

        if (spec && thp_rank_set(&d->p, spec,
                                 (size_t)sqlite3_value_bytes(val[1]),
                                 NULL) != THP_OK) {
            *rc = SQLITE_ERROR;
            *msg = "thp_rank: bad ranking parameters";
            qdata_free(d);
            return NULL;
        }
    }
    if (roles == NULL)
        roles = "";
    nroles = (int)strlen(roles);
    np = api->xPhraseCount(fts);
    d->nphrase = np;
    d->ncol = api->xColumnCount(fts);
    if (d->ncol > MAX_COLS)
        d->ncol = MAX_COLS;
    d->term = thp_calloc((size_t)np + 1, sizeof *d->term);
    d->role = thp_calloc((size_t)np + 1, 1);
    d->idf = thp_calloc((size_t)np + 1, sizeof *d->idf);
    d->qw = thp_calloc((size_t)np + 1, sizeof *d->qw);
    if (!d->term || !d->role || !d->idf || !d->qw)
        goto nomem;
    /* phrases to terms */
    t = -1;
    for (i = 0; i < np; i++) {
        char r = i < nroles ? roles[i] : THP_ROLE_STEM;

        d->role[i] = r;
        switch (r) {
        case THP_ROLE_EXACT_ALT:
            d->term[i] = t; /* -1 if it has no term before it */
            break;
        case THP_ROLE_EXCLUDED:
            d->term[i] = -1;
            break;
        case THP_ROLE_STEM_STOP:
        case THP_ROLE_EXACT_STOP:
            d->term[i] = ++t;
            d->qw[t] = d->p.stop;
            break;
        default: /* T, X, or anything else: a term */
            d->term[i] = ++t;
            d->qw[t] = 1.0;
            break;
        }
    }
    d->nterm = t + 1;
    /* the terms' weights, if given */
    if (nval >= 4 && sqlite3_value_type(val[3]) != SQLITE_NULL) {
        const char *w = (const char *)sqlite3_value_text(val[3]);
        char *end;

        for (t = 0; w && t < d->nterm; t++) {
            double x = strtod(w, &end);

            if (end == w)
                break;
            if (isfinite(x) && x >= 0)
                d->qw[t] *= x;
            w = end;
        }
    }
    /* collection statistics */
    if (api->xRowCount(fts, &nrow) != SQLITE_OK)
        goto dberr;
    for (i = 0; i < d->ncol; i++) {
        sqlite3_int64 total = 0;

        if (api->xColumnTotalSize(fts, i, &total) != SQLITE_OK)
            goto dberr;
        d->avg[i] = nrow > 0 ? (double)total / (double)nrow : 0.0;
        d->weight[i] = i == 0 ? d->p.title : i == 1 ? d->p.body
                     : i == 2 ? d->p.meta : 1.0;
    }
    for (i = 0; i < np; i++) {
        sqlite3_int64 hits = 0;
        double nt;

        if (d->term[i] < 0 || d->role[i] == THP_ROLE_EXACT_ALT)
            continue;
        if (api->xQueryPhrase(fts, i, &hits, count_row) != SQLITE_OK)
            goto dberr;
        nt = (double)hits;
        d->idf[d->term[i]] = log(1.0 + ((double)nrow - nt + 0.5) / (nt + 0.5));
    }
    if (d->p.now > 0) {
        d->year_now = d->p.now;
    } else {
        time_t now = time(NULL);
        struct tm tm;

        d->year_now = gmtime_r(&now, &tm) ? tm.tm_year + 1900 : 1970;
    }
    /* scratch */
    if (d->nterm > 0) {
        size_t tc = (size_t)d->nterm * (size_t)d->ncol;
        size_t pt = d->nterm <= MAX_PROX_TERMS
                        ? (size_t)d->nterm * (size_t)d->nterm : 1;

        d->tf = thp_calloc(tc, sizeof *d->tf);
        d->ex = thp_calloc(tc, sizeof *d->ex);
        d->last = thp_calloc(tc, sizeof *d->last);
        d->pair = thp_calloc(pt, sizeof *d->pair);
        if (!d->tf || !d->ex || !d->last || !d->pair)
            goto nomem;
    }
    *rc = SQLITE_OK;
    return d;
dberr:
    *rc = SQLITE_ERROR;
    *msg = "thp_rank: reading index statistics failed";
    qdata_free(d);
    return NULL;
nomem:
    qdata_free(d);
    return NULL;
}

/* BM25 saturation of a (weighted) frequency. */
static double sat(double f, double k1)
{
    return f * (k1 + 1.0) / (f + k1);
}

static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
                    sqlite3_context *ctx, int nval, sqlite3_value **val)
{
    struct qdata *d = api->xGetAuxdata(fts, 0);
    int ninst = 0, i, t, u, c, rc;
    int prox;
    double score = 0.0;
    int len[MAX_COLS];

    if (d == NULL) {
        const char *msg;

        d = qdata_make(api, fts, nval, val, &rc, &msg);
        if (d == NULL) {
            sqlite3_result_error(ctx, msg, -1);
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        if ((rc = api->xSetAuxdata(fts, d, qdata_free)) != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
    }
    if (d->nterm == 0) {
        sqlite3_result_double(ctx, 0.0);
        return;
    }
    prox = d->p.prox > 0 && d->nterm > 1 && d->nterm <= MAX_PROX_TERMS;
    for (c = 0; c < d->ncol; c++) {
        if ((rc = api->xColumnSize(fts, c, &len[c])) != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
    }
    memset(d->tf, 0, (size_t)d->nterm * (size_t)d->ncol * sizeof *d->tf);
    memset(d->ex, 0, (size_t)d->nterm * (size_t)d->ncol * sizeof *d->ex);
    memset(d->last, 0xFF, (size_t)d->nterm * (size_t)d->ncol * sizeof *d->last);
    if (prox)
        memset(d->pair, 0,
               (size_t)d->nterm * (size_t)d->nterm * sizeof *d->pair);
    if ((rc = api->xInstCount(fts, &ninst)) != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    for (i = 0; i < ninst; i++) {
        int ph, col, off;
        size_t at;

        if ((rc = api->xInst(fts, i, &ph, &col, &off)) != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        if (ph < 0 || ph >= d->nphrase || col < 0 || col >= d->ncol ||
            (t = d->term[ph]) < 0)
            continue;
        at = (size_t)t * (size_t)d->ncol + (size_t)col;
        if (d->role[ph] == THP_ROLE_EXACT_ALT) {
            d->ex[at] += 1.0;
            continue;
        }
        d->tf[at] += 1.0;
        if (d->role[ph] == THP_ROLE_EXACT ||
            d->role[ph] == THP_ROLE_EXACT_STOP)
            d->ex[at] += 1.0;
        if (prox) {
            for (u = 0; u < d->nterm; u++) {
                int l = d->last[(size_t)u * (size_t)d->ncol + (size_t)col];
                int dist = off - l;

                if (u == t || l < 0 || dist <= 0 || dist > d->p.window)
                    continue;
                d->pair[t < u ? t * d->nterm + u : u * d->nterm + t] +=
                    1.0 / ((double)dist * (double)dist);
            }
            d->last[at] = off;
        }
    }
    for (t = 0; t < d->nterm; t++) {
        double wtf = 0.0;

        for (c = 0; c < d->ncol; c++) {
            size_t at = (size_t)t * (size_t)d->ncol + (size_t)c;
            double norm = 1.0;

            if (d->tf[at] == 0.0 && d->ex[at] == 0.0)
                continue;
            if (d->avg[c] > 0)
                norm = 1.0 - d->p.b + d->p.b * (double)len[c] / d->avg[c];
            if (norm <= 0)
                norm = 1.0;
            wtf += d->weight[c] * (d->tf[at] + d->p.exact * d->ex[at]) / norm;
        }
        if (wtf > 0)
            score += d->qw[t] * d->idf[t] * sat(wtf, d->p.k1);
    }
    if (prox) {
        for (t = 0; t < d->nterm; t++)
            for (u = t + 1; u < d->nterm; u++) {
                double a = d->pair[t * d->nterm + u];
                double wt = d->qw[t] * d->idf[t], wu = d->qw[u] * d->idf[u];

                if (a > 0)
                    score += d->p.prox * (wt < wu ? wt : wu) * sat(a, d->p.k1);
            }
    }
    if (d->p.recency > 0 && nval >= 3 &&
        sqlite3_value_type(val[2]) == SQLITE_INTEGER) {
        int year = sqlite3_value_int(val[2]);

        if (year > 0) {
            double age = (double)(d->year_now - year);

            if (age < 0)
                age = 0;
            score *= 1.0 + d->p.recency * exp2(-age / d->p.halflife);
        }
    }
    sqlite3_result_double(ctx, score);
}

int thp_rank_register(sqlite3 *db, struct thp_err *err)
{
    fts5_api *api = thp_tok_fts5_api(db);

    if (api == NULL)
        return thp_err_set(err, THP_ERR_DB,
                           "registering thp_rank: this SQLite has no FTS5");
    if (api->xCreateFunction(api, THP_RANK_NAME, NULL, rank_fn, NULL) !=
        SQLITE_OK)
        return thp_err_set(err, THP_ERR_DB, "registering thp_rank: %s",
                           sqlite3_errmsg(db));
    return THP_OK;
}
