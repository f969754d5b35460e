/*
** query_bench.c: the query benchmark. Runs a fixed query list against one
** index through the project's request API (the "core") and, in the same
** run on the same connection, through bare FTS5 with the same compiled
** expression, and reports latency and throughput per query kind.
**
**   query_bench [--threads 1,2] [--json OUT] [--size N] [--git HASH]
**               [--limit K] [--core-only] INDEX QUERIES.tsv
**
** --core-only runs the query core alone and prints one line per thread
** count, "CORE threads=T qps=... p50_ms=... p99_ms=..." (q/s by the wall
** clock): the in-process reference of bench/searchd_bench.sh.
**
** QUERIES.tsv: kind<TAB>flags<TAB>query per line, flags a comma list of
** prefix, lenient, any (THP_QP_PREFIX_LAST, THP_QP_LENIENT,
** THP_QP_ANY_WORD) or "-"; "#" lines are comments (bench/queries.tsv).
**
** The two sides of a query:
**   core      run_core(): today thp_query_run() with limit K (10), the
**             query's flags, default ranking: parse, count, rank, group
**             near-duplicates, snippets, sources, as thp-search and
**             thp-searchd answer.
**   bare FTS5 run_fts5(): thp_qparse() of the same text with the same
**             flags, then one prepared statement (prepared once per
**             connection): SELECT rowid, snippet(documents_fts, 1, char(1),
**             char(2), '…', 32) FROM documents_fts WHERE documents_fts
**             MATCH ? ORDER BY bm25(documents_fts) LIMIT K, every row read.
**
** Procedure: the index file is read once (page cache), every query is
** compiled and its matching rows counted with FTS5 (not timed; this warms
** the FTS5 pages too, and gives the "matches" column), the core answers
** the first query of each kind (not timed). Then for each thread count T
** the whole list runs once: thread t (its own thp_index_open connection)
** takes queries t, t+T, ...; each query is run on both sides back to back,
** the side that goes first alternating from query to query. Latency is the
** wall clock of the call. The core's hit ids of the first run go to the
** JSON too (core_ids), so that two results can be compared for sameness. q/s = queries / (seconds spent on that side /
** T). Never a test: it always exits 0 when everything ran.
*/
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "thp/buf.h"
#include "thp/err.h"
#include "thp/index.h"
#include "thp/qparse.h"
#include "thp/exec.h"
#include "thp/query.h"
#include "thp/request.h"

#define MAX_THREADS 16

static const char fts_sql[] =
    "SELECT rowid, snippet(documents_fts, 1, char(1), char(2), '…', 32)"
    " FROM documents_fts WHERE documents_fts MATCH ?1"
    " ORDER BY bm25(documents_fts) LIMIT ?2";

struct query {
    char *kind, *flags_text, *text;
    int flags, kind_no;
    char *expr;          /* thp_qparse's FTS5 expression ("" = nothing) */
    int64_t matches;     /* FTS5 rows matching (count(*)), -1 if unknown */
    int64_t total;       /* the core's total (near-duplicates as one) */
    int64_t *ids;        /* the core's hits in order (first run), or NULL */
    size_t nids;
    char *error;         /* a failure on either side, or NULL */
};

struct run {
    int threads;
    int record;               /* keep the core's hit ids (the first run) */
    double *core_ms, *fts_ms; /* per query */
    double wall_s;
};

static struct query *queries;
static size_t nqueries;
static char **kinds;
static int nkinds;
static size_t limit = 10;
static int core_only;            /* --core-only: no bare FTS5 side */
static const char *index_path;

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "query_bench: %s: %s\n", what, msg);
    exit(2);
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);

    if (p == NULL)
        die("memory", strerror(errno));
    return p;
}

/* ------------------------------------------------------------ the sides */

/*
** The core: one request through the project's query API, as the CLI and
** the daemon make it. This is the one place to change when the API does.
** Returns THP_OK and sets *total (matching documents as the core counts
** them), *nhits and, when ids is not NULL, ids[0..*nhits) (room for
** limit), the hits' document ids in rank order; or an error code with err
** set.
*/
/* One reader per thread (per connection), kept across queries, as each
** daemon worker keeps its own; closed by core_done before its index. */
static __thread thp_reader *rd;
static __thread thp_index *rd_idx;

static void core_done(void)
{
    thp_reader_close(rd);
    rd = NULL;
    rd_idx = NULL;
}

static int run_core(thp_index *idx, const struct query *q, int64_t *total,
                    size_t *nhits, int64_t *ids, struct thp_err *err)
{
    struct thp_request req;
    struct thp_result res;
    size_t i;
    int rc;

    if (rd == NULL || rd_idx != idx) {
        thp_reader_close(rd);
        rd = NULL;
        if ((rc = thp_reader_wrap(idx, &rd, err)) != THP_OK)
            return rc;
        rd_idx = idx;
    }
    thp_request_init(&req);
    req.limit = limit;
    req.mode = (q->flags & THP_QP_ANY_WORD)  ? THP_MODE_ANY
             : (q->flags & THP_QP_LENIENT)   ? THP_MODE_SIMPLE
                                             : THP_MODE_ADVANCED;
    req.prefix = (q->flags & THP_QP_PREFIX_LAST) != 0;
    if ((rc = thp_request_set(&req, "q", q->text, err)) != THP_OK ||
        (rc = thp_exec(rd, &req, &res, NULL, NULL, err)) != THP_OK)
        return rc;
    *total = res.total;
    *nhits = res.nhits;
    for (i = 0; ids && i < res.nhits && i < limit; i++)
        ids[i] = res.hits[i].id;
    thp_result_release(&res);
    return THP_OK;
}

/*
** Bare FTS5: compile, then the prepared MATCH ... ORDER BY bm25 LIMIT; every
** row's id and snippet read (*nrows rows, *nbytes bytes of snippets).
*/
static int run_fts5(sqlite3_stmt *st, const struct query *q,
                    struct thp_buf *expr, size_t *nrows, size_t *nbytes,
                    struct thp_err *err)
{
    int rc;

    thp_buf_reset(expr);
    *nrows = *nbytes = 0;
    rc = thp_qparse(q->text, strlen(q->text), q->flags, expr, NULL, err);
    if (rc != THP_OK || expr->n == 0)
        return rc;
    sqlite3_bind_text(st, 1, expr->s, (int)expr->n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        (void)sqlite3_column_int64(st, 0);
        *nbytes += (size_t)sqlite3_column_bytes(st, 1);
        ++*nrows;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return thp_err_set(err, THP_ERR_DB, "fts5: %s",
                           sqlite3_errmsg(sqlite3_db_handle(st)));
    return THP_OK;
}

/* ---------------------------------------------------------------- input */

static int parse_flags(const char *s, int *out)
{
    char buf[128], *tok, *save = NULL;

    *out = 0;
    if (strcmp(s, "-") == 0 || *s == '\0')
        return 0;
    snprintf(buf, sizeof buf, "%s", s);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "prefix") == 0)
            *out |= THP_QP_PREFIX_LAST;
        else if (strcmp(tok, "lenient") == 0)
            *out |= THP_QP_LENIENT;
        else if (strcmp(tok, "any") == 0)
            *out |= THP_QP_ANY_WORD;
        else
            return -1;
    }
    return 0;
}

static int kind_no(const char *k)
{
    int i;
    char **nk;

    for (i = 0; i < nkinds; i++)
        if (strcmp(kinds[i], k) == 0)
            return i;
    nk = realloc(kinds, (size_t)(nkinds + 1) * sizeof *nk);
    if (nk == NULL)
        die("memory", strerror(errno));
    kinds = nk;
    kinds[nkinds] = xstrdup(k);
    return nkinds++;
}

static void read_queries(const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    ssize_t len;
    long lineno = 0;

    if (f == NULL)
        die(path, strerror(errno));
    while ((len = getline(&line, &cap, f)) != -1) {
        char *t1, *t2;
        struct query *q;

        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        t1 = strchr(line, '\t');
        t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (t2 == NULL) {
            fprintf(stderr, "query_bench: %s:%ld: not kind<TAB>flags<TAB>"
                            "query\n", path, lineno);
            exit(2);
        }
        *t1 = *t2 = '\0';
        if (nqueries == alloc) {
            struct query *nq;

            alloc = alloc ? alloc * 2 : 512;
            nq = realloc(queries, alloc * sizeof *nq);
            if (nq == NULL)
                die("memory", strerror(errno));
            queries = nq;
        }
        q = &queries[nqueries];
        memset(q, 0, sizeof *q);
        q->kind = xstrdup(line);
        q->flags_text = xstrdup(t1 + 1);
        q->text = xstrdup(t2 + 1);
        q->matches = -1;
        if (parse_flags(q->flags_text, &q->flags) != 0) {
            fprintf(stderr, "query_bench: %s:%ld: unknown flags '%s'\n",
                    path, lineno, q->flags_text);
            exit(2);
        }
        q->kind_no = kind_no(q->kind);
        nqueries++;
    }
    free(line);
    fclose(f);
    if (nqueries == 0)
        die(path, "no queries");
}

/* ------------------------------------------------------------- warm-up */

static thp_index *open_index(void)
{
    thp_index *idx = NULL;
    struct thp_err err;

    thp_err_clear(&err);
    if (thp_index_open(index_path, THP_INDEX_READ, &idx, &err) != THP_OK)
        die(index_path, err.msg);
    return idx;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die("preparing", sqlite3_errmsg(db));
    return st;
}

/* Read the index file once, so both sides start from the page cache. */
static double read_file(const char *path)
{
    static char buf[1 << 20];
    double bytes = 0;
    ssize_t n;
    int fd = open(path, O_RDONLY);

    if (fd < 0)
        die(path, strerror(errno));
    while ((n = read(fd, buf, sizeof buf)) > 0)
        bytes += (double)n;
    close(fd);
    return bytes;
}

static void warm_up(thp_index *idx)
{
    sqlite3 *db = thp_index_db(idx);
    sqlite3_stmt *count = prepare(db, "SELECT count(*) FROM documents_fts"
                                      " WHERE documents_fts MATCH ?1");
    struct thp_buf expr;
    struct thp_err err;
    char *seen = calloc((size_t)nkinds, 1);
    size_t i;

    if (seen == NULL)
        die("memory", strerror(errno));
    thp_buf_init(&expr, 0);
    for (i = 0; i < nqueries; i++) {
        struct query *q = &queries[i];

        thp_buf_reset(&expr);
        thp_err_clear(&err);
        if (thp_qparse(q->text, strlen(q->text), q->flags, &expr, NULL,
                       &err) != THP_OK) {
            q->error = xstrdup(err.msg);
            continue;
        }
        q->expr = xstrdup(expr.n ? expr.s : "");
        q->matches = 0;
        if (expr.n) {
            sqlite3_bind_text(count, 1, expr.s, (int)expr.n, SQLITE_STATIC);
            if (sqlite3_step(count) == SQLITE_ROW)
                q->matches = sqlite3_column_int64(count, 0);
            else
                q->error = xstrdup(sqlite3_errmsg(db));
            sqlite3_reset(count);
        }
        if (!seen[q->kind_no] && q->error == NULL) {
            int64_t total;
            size_t nhits;

            seen[q->kind_no] = 1;
            thp_err_clear(&err);
            if (run_core(idx, q, &total, &nhits, NULL, &err) != THP_OK)
                q->error = xstrdup(err.msg);
        }
    }
    thp_buf_release(&expr);
    sqlite3_finalize(count);
    free(seen);
}

/* ----------------------------------------------------------- the runs */

struct worker {
    struct run *run;
    int t;
    double busy_core, busy_fts; /* ms */
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct run *run = w->run;
    thp_index *idx = open_index();
    sqlite3_stmt *st = prepare(thp_index_db(idx), fts_sql);
    struct thp_buf expr;
    struct thp_err err;
    size_t i;

    thp_buf_init(&expr, 0);
    for (i = (size_t)w->t; i < nqueries; i += (size_t)run->threads) {
        struct query *q = &queries[i];
        int side;

        if (q->error)
            continue;
        for (side = 0; side < 2; side++) {
            int core = (side == 0) == (i / (size_t)run->threads % 2 == 0);

            if (core_only && !core)
                continue;
            double t0, dt;
            int64_t total = 0;
            size_t n, bytes;
            int rc;

            thp_err_clear(&err);
            t0 = now_ms();
            rc = core ? run_core(idx, q, &total, &n,
                                 run->record ? q->ids : NULL, &err)
                      : run_fts5(st, q, &expr, &n, &bytes, &err);
            dt = now_ms() - t0;
            if (rc != THP_OK) {
                /* only this thread touches query i */
                q->error = xstrdup(err.msg);
                break;
            }
            if (core) {
                run->core_ms[i] = dt;
                w->busy_core += dt;
                q->total = total;
                if (run->record)
                    q->nids = n < limit ? n : limit;
            } else {
                run->fts_ms[i] = dt;
                w->busy_fts += dt;
            }
        }
    }
    thp_buf_release(&expr);
    sqlite3_finalize(st);
    core_done();
    thp_index_close(idx);
    return NULL;
}

static void do_run(struct run *run)
{
    pthread_t tid[MAX_THREADS];
    struct worker w[MAX_THREADS];
    double t0 = now_ms();
    int t;

    run->core_ms = calloc(nqueries, sizeof *run->core_ms);
    run->fts_ms = calloc(nqueries, sizeof *run->fts_ms);
    if (run->core_ms == NULL || run->fts_ms == NULL)
        die("memory", strerror(errno));
    memset(w, 0, sizeof w);
    for (t = 0; t < run->threads; t++) {
        w[t].run = run;
        w[t].t = t;
        if (pthread_create(&tid[t], NULL, work, &w[t]) != 0)
            die("pthread_create", strerror(errno));
    }
    for (t = 0; t < run->threads; t++)
        pthread_join(tid[t], NULL);
    run->wall_s = (now_ms() - t0) / 1e3;
}

/* ------------------------------------------------------------ statistics */

struct stats {
    size_t n;
    double qps, p50, p90, p99, max, sum;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p)
{
    size_t k = (size_t)ceil(p * (double)n);

    return n == 0 ? 0 : v[k ? k - 1 : 0];
}

/* Stats of side ms[] over the queries of kind (-1: all), T threads. */
static struct stats stats_of(const double *ms, int kind, int threads)
{
    struct stats s;
    double *v = malloc(nqueries * sizeof *v);
    size_t i;

    if (v == NULL)
        die("memory", strerror(errno));
    memset(&s, 0, sizeof s);
    for (i = 0; i < nqueries; i++)
        if (!queries[i].error && (kind < 0 || queries[i].kind_no == kind)) {
            v[s.n++] = ms[i];
            s.sum += ms[i];
        }
    qsort(v, s.n, sizeof *v, cmp_double);
    s.p50 = pct(v, s.n, 0.50);
    s.p90 = pct(v, s.n, 0.90);
    s.p99 = pct(v, s.n, 0.99);
    s.max = s.n ? v[s.n - 1] : 0;
    s.qps = s.sum > 0 ? (double)s.n / (s.sum / 1e3 / threads) : 0;
    free(v);
    return s;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Median over the kind's queries of FTS5 matches (core totals if core). */
static int64_t median_matches(int kind, int core)
{
    int64_t *v = malloc(nqueries * sizeof *v), m;
    size_t i, n = 0;

    if (v == NULL)
        die("memory", strerror(errno));
    for (i = 0; i < nqueries; i++)
        if (!queries[i].error && (kind < 0 || queries[i].kind_no == kind))
            v[n++] = core ? queries[i].total : queries[i].matches;
    qsort(v, n, sizeof *v, cmp_i64);
    m = n ? v[(n - 1) / 2] : 0;
    free(v);
    return m;
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0;
}

static void print_ms(double ms)
{
    if (ms >= 1000)
        printf(" %7.2fs", ms / 1e3);
    else if (ms >= 100)
        printf(" %7.0f ", ms);
    else if (ms >= 10)
        printf(" %7.1f ", ms);
    else
        printf(" %7.2f ", ms);
}

static void print_row(const char *name, int kind, const struct run *r)
{
    struct stats c = stats_of(r->core_ms, kind, r->threads);
    struct stats f = stats_of(r->fts_ms, kind, r->threads);

    printf("%-12s %4zu %8lld %7.1f", name, c.n,
           (long long)median_matches(kind, 0), c.qps);
    print_ms(c.p50);
    print_ms(c.p90);
    print_ms(c.p99);
    print_ms(c.max);
    printf(" | %7.1f", f.qps);
    print_ms(f.p50);
    print_ms(f.p90);
    print_ms(f.p99);
    print_ms(f.max);
    printf(" | %6.2f %6.2f %6.2f\n", ratio(c.qps, f.qps), ratio(c.p50, f.p50),
           ratio(c.p99, f.p99));
}

static void print_table(const struct run *r)
{
    int k;

    printf("\n%d thread%s, %.1f s; latency in ms unless marked s\n",
           r->threads, r->threads == 1 ? "" : "s", r->wall_s);
    printf("%-12s %4s %8s %-40s | %-48s | %s\n", "", "", "", "core "
           "(thp_query_run)", "bare FTS5 (bm25 + snippet)", "core / FTS5");
    printf("%-12s %4s %8s %7s %8s %8s %8s %8s  | %7s %8s %8s %8s %8s  | "
           "%6s %6s %6s\n", "kind", "n", "matches", "q/s", "p50", "p90",
           "p99", "max", "q/s", "p50", "p90", "p99", "max", "q/s", "p50",
           "p99");
    for (k = 0; k < nkinds; k++)
        print_row(kinds[k], k, r);
    print_row("all", -1, r);
}

/* ------------------------------------------------------------------ JSON */

static void json_str(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', f);
    for (; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_stats(FILE *f, const struct stats *s)
{
    fprintf(f, "{\"n\": %zu, \"qps\": %.3f, \"p50_ms\": %.3f, "
               "\"p90_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f}",
            s->n, s->qps, s->p50, s->p90, s->p99, s->max);
}

static void json_group(FILE *f, int kind, const struct run *r)
{
    struct stats c = stats_of(r->core_ms, kind, r->threads);
    struct stats x = stats_of(r->fts_ms, kind, r->threads);

    fprintf(f, "{\"matches_median\": %lld, \"core_total_median\": %lld, "
               "\"core\": ",
            (long long)median_matches(kind, 0),
            (long long)median_matches(kind, 1));
    json_stats(f, &c);
    fprintf(f, ", \"fts5\": ");
    json_stats(f, &x);
    fprintf(f, ", \"ratio\": {\"qps\": %.4f, \"p50\": %.4f, \"p90\": %.4f, "
               "\"p99\": %.4f, \"max\": %.4f}}",
            ratio(c.qps, x.qps), ratio(c.p50, x.p50), ratio(c.p90, x.p90),
            ratio(c.p99, x.p99), ratio(c.max, x.max));
}

static void loadavg(char *out, size_t n)
{
    FILE *f = fopen("/proc/loadavg", "r");

    out[0] = '\0';
    if (f) {
        if (fgets(out, (int)n, f) == NULL)
            out[0] = '\0';
        fclose(f);
    }
    out[strcspn(out, "\n")] = '\0';
}

static void write_json(const char *path, const struct run *runs, int nruns,
                       const char *size, const char *git, int64_t docs,
                       double index_bytes, const char *queries_path,
                       const char *load0, const char *load1)
{
    FILE *f = fopen(path, "w");
    char date[64];
    time_t now = time(NULL);
    int r, k;
    size_t i;

    if (f == NULL)
        die(path, strerror(errno));
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    fprintf(f, "{\n\"benchmark\": \"query\",\n\"date\": \"%s\",\n", date);
    fprintf(f, "\"git\": ");
    json_str(f, git);
    fprintf(f, ",\n\"size\": ");
    json_str(f, size);
    fprintf(f, ",\n\"index\": ");
    json_str(f, index_path);
    fprintf(f, ",\n\"documents\": %lld,\n\"index_bytes\": %.0f,\n",
            (long long)docs, index_bytes);
    fprintf(f, "\"queries_file\": ");
    json_str(f, queries_path);
    fprintf(f, ",\n\"queries\": %zu,\n\"limit\": %zu,\n\"cpus\": %ld,\n"
               "\"sqlite\": \"%s\",\n",
            nqueries, limit, sysconf(_SC_NPROCESSORS_ONLN), sqlite3_libversion());
    fprintf(f, "\"loadavg_before\": ");
    json_str(f, load0);
    fprintf(f, ",\n\"loadavg_after\": ");
    json_str(f, load1);
    fprintf(f, ",\n\"core\": \"thp_query_run\",\n\"fts5\": ");
    json_str(f, fts_sql);
    fprintf(f, ",\n\"kinds\": [");
    for (k = 0; k < nkinds; k++) {
        fprintf(f, k ? ", " : "");
        json_str(f, kinds[k]);
    }
    fprintf(f, "],\n\"runs\": [\n");
    for (r = 0; r < nruns; r++) {
        fprintf(f, "{\"threads\": %d, \"wall_s\": %.3f,\n \"all\": ",
                runs[r].threads, runs[r].wall_s);
        json_group(f, -1, &runs[r]);
        fprintf(f, ",\n \"per_kind\": {\n");
        for (k = 0; k < nkinds; k++) {
            fprintf(f, "  ");
            json_str(f, kinds[k]);
            fprintf(f, ": ");
            json_group(f, k, &runs[r]);
            fprintf(f, "%s\n", k + 1 < nkinds ? "," : "");
        }
        fprintf(f, " }}%s\n", r + 1 < nruns ? "," : "");
    }
    fprintf(f, "],\n\"per_query\": [\n");
    for (i = 0; i < nqueries; i++) {
        const struct query *q = &queries[i];

        fprintf(f, "{\"kind\": ");
        json_str(f, q->kind);
        fprintf(f, ", \"flags\": ");
        json_str(f, q->flags_text);
        fprintf(f, ", \"query\": ");
        json_str(f, q->text);
        fprintf(f, ", \"matches\": %lld, \"core_total\": %lld",
                (long long)q->matches, (long long)q->total);
        if (q->error) {
            fprintf(f, ", \"error\": ");
            json_str(f, q->error);
        }
        fprintf(f, ", \"core_ids\": [");
        for (r = 0; (size_t)r < q->nids; r++)
            fprintf(f, "%s%lld", r ? ", " : "", (long long)q->ids[r]);
        fprintf(f, "], \"core_ms\": [");
        for (r = 0; r < nruns; r++)
            fprintf(f, "%s%.3f", r ? ", " : "", runs[r].core_ms[i]);
        fprintf(f, "], \"fts5_ms\": [");
        for (r = 0; r < nruns; r++)
            fprintf(f, "%s%.3f", r ? ", " : "", runs[r].fts_ms[i]);
        fprintf(f, "]}%s\n", i + 1 < nqueries ? "," : "");
    }
    fprintf(f, "]\n}\n");
    if (fclose(f) != 0)
        die(path, strerror(errno));
}

/* ------------------------------------------------------------------ main */

static void usage(void)
{
    fprintf(stderr, "usage: query_bench [--threads 1,2] [--json OUT] "
                    "[--size N] [--git HASH] [--limit K] [--core-only] "
                    "INDEX QUERIES.tsv\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *threads_arg = "1,2", *json = NULL, *size = "", *git = "";
    struct run runs[8];
    int nruns = 0, i, nerr = 0;
    char load0[128], load1[128], buf[64], *tok, *save = NULL;
    double bytes, t0;
    thp_index *idx;
    sqlite3_stmt *st;
    int64_t docs = 0;
    size_t q;

    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
        if (i + 1 >= argc)
            usage();
        if (strcmp(argv[i], "--threads") == 0)
            threads_arg = argv[i + 1];
        else if (strcmp(argv[i], "--json") == 0)
            json = argv[i + 1];
        else if (strcmp(argv[i], "--size") == 0)
            size = argv[i + 1];
        else if (strcmp(argv[i], "--git") == 0)
            git = argv[i + 1];
        else if (strcmp(argv[i], "--core-only") == 0) {
            core_only = 1;
            i--;
        } else if (strcmp(argv[i], "--limit") == 0)
            limit = (size_t)strtoul(argv[i + 1], NULL, 10);
        else
            usage();
    }
    if (argc - i != 2 || limit == 0 || limit > THP_QUERY_MAX_LIMIT)
        usage();
    index_path = argv[i];
    snprintf(buf, sizeof buf, "%s", threads_arg);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int t = atoi(tok);

        if (t < 1 || t > MAX_THREADS || nruns == 8)
            usage();
        memset(&runs[nruns], 0, sizeof runs[nruns]);
        runs[nruns++].threads = t;
    }
    if (nruns == 0)
        usage();
    read_queries(argv[i + 1]);
    loadavg(load0, sizeof load0);

    t0 = now_ms();
    bytes = read_file(index_path);
    idx = open_index();
    st = prepare(thp_index_db(idx), "SELECT count(*) FROM documents");
    if (sqlite3_step(st) == SQLITE_ROW)
        docs = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    warm_up(idx);
    core_done();
    thp_index_close(idx);
    printf("query_bench: %s: %lld documents, %.1f MB; %zu queries of %d "
           "kinds from %s; limit %zu; SQLite %s\n", index_path,
           (long long)docs, bytes / 1e6, nqueries, nkinds, argv[i + 1], limit,
           sqlite3_libversion());
    printf("warm-up (read the file, count every query's matches): %.1f s; "
           "load average %s\n", (now_ms() - t0) / 1e3, load0);
    fflush(stdout);

    for (q = 0; q < nqueries; q++)
        if ((queries[q].ids = calloc(limit, sizeof *queries[q].ids)) == NULL)
            die("memory", strerror(errno));
    runs[0].record = 1;
    for (i = 0; i < nruns; i++) {
        do_run(&runs[i]);
        if (core_only) {
            /* one line for scripts: the core alone, by the wall clock */
            struct stats c = stats_of(runs[i].core_ms, -1, runs[i].threads);

            printf("CORE threads=%d qps=%.1f p50_ms=%.2f p99_ms=%.2f\n",
                   runs[i].threads, (double)c.n / runs[i].wall_s, c.p50,
                   c.p99);
        } else
            print_table(&runs[i]);
        fflush(stdout);
    }
    for (q = 0; q < nqueries; q++)
        if (queries[q].error) {
            if (nerr++ < 10)
                fprintf(stderr, "query_bench: %s query '%s': %s\n",
                        queries[q].kind, queries[q].text, queries[q].error);
        }
    loadavg(load1, sizeof load1);
    printf("\nmatches: median FTS5 rows matching, per kind. q/s: queries / "
           "(seconds on that side / threads).\ncore / FTS5: q/s ratio (> 1: "
           "core faster), p50 and p99 ratios (< 1: core faster).\n"
           "load average after: %s; queries failed: %d\n", load1, nerr);
    if (json) {
        write_json(json, runs, nruns, size, git, docs, bytes, argv[argc - 1],
                   load0, load1);
        printf("results: %s\n", json);
    }
    for (q = 0; q < nqueries; q++)
        free(queries[q].ids);
    for (i = 0; i < nruns; i++) {
        free(runs[i].core_ms);
        free(runs[i].fts_ms);
    }
    return nerr ? 1 : 0;
}
