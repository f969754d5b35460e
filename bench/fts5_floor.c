/*
** fts5_floor: the floor of the indexing benchmark (bench/index_bench.sh).
**
**     fts5_floor INDEX.db OUT.db
**
** Reads the definition of the index's FTS5 table (documents_fts, from
** sqlite_master) and the already-extracted text of its columns (SELECT
** title, body, meta FROM documents: the columns the FTS table names, from
** the table its content= option names) into memory (not timed), then
** times a plain FTS5 bulk insert of the same text into a fresh database
** OUT.db (removed first, with its -wal and -shm):
**
**     PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
**     CREATE VIRTUAL TABLE t USING fts5(<the index's columns>,
**         <its options but content= and content_rowid=>);
**     INSERT INTO t(<columns>) VALUES(?, ...)  -- one prepared statement,
**                                              -- 500 rows a transaction
**
** So the floor always has the index's columns and tokenize= clause (it
** keeps its own content instead of pointing at a documents table). When
** the clause names the project's tokenizer ("thp ..."), it is registered
** from libthp.a (thp_tok_register) as thp-index does.
**
** The clock (CLOCK_MONOTONIC) runs from opening OUT.db to closing it, so
** the final checkpoint counts, as it does for thp-index. Prints
**
**     floor-table: fts5(<columns and options used>)
**     floor-tokenize: <the tokenize= value, or "unicode61" by default>
**     floor: N docs, X MB text, T s
**
** (MB = 10^6 bytes of the text of all columns), then "floor-cpu: C s",
** the CPU time (user + system) of the same timed part. Exit status 0; 1
** on an error; 2 on a usage error (OUT.db must be another file than
** INDEX.db).
*/
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "thp/err.h"
#include "thp/tok.h"

#define BATCH 500   /* rows a transaction, as THP_INDEX_BATCH */
#define MAX_COLS 16
#define FTS_TABLE "documents_fts"

/* The index's FTS5 table, as the floor recreates it. */
struct fts_def {
    char args[4096];      /* column list and options for CREATE ... fts5() */
    char cols[1024];      /* column names, for INSERT and SELECT */
    char content[256];    /* table holding the text (content= or the FTS) */
    char tokenize[512];   /* the tokenize= value, unquoted */
    int ncols;
    int thp;              /* the tokenizer is the project's own */
};

struct doc {
    char *col[MAX_COLS];
    int len[MAX_COLS];
};

static double clock_s(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "fts5_floor: %s: %s\n", what,
            db ? sqlite3_errmsg(db) : "out of memory");
    return 1;
}

/*
** Split s[0..n) at top-level commas (outside quotes and parentheses);
** calls fn for each trimmed argument. SQL quotes: '...', "...", `...`,
** [...], a doubled quote inside is the quote itself.
*/
static int split_args(const char *s, size_t n, struct fts_def *d,
                      int (*fn)(struct fts_def *, const char *, size_t))
{
    size_t i = 0, start = 0;
    int depth = 0;

    for (i = 0; i <= n; i++) {
        char c = i < n ? s[i] : ',';

        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            char close = c == '[' ? ']' : c;

            for (i++; i < n; i++)
                if (s[i] == close && !(i + 1 < n && s[i + 1] == close &&
                                       close != ']'))
                    break;
                else if (s[i] == close)
                    i++;
            continue;
        }
        if (c == '(')
            depth++;
        else if (c == ')')
            depth--;
        else if (c == ',' && depth == 0) {
            size_t a = start, b = i;

            while (a < b && isspace((unsigned char)s[a]))
                a++;
            while (b > a && isspace((unsigned char)s[b - 1]))
                b--;
            if (b > a && fn(d, s + a, b - a) != 0)
                return 1;
            start = i + 1;
        }
    }
    return 0;
}

/* Unquote an SQL string or identifier s[0..n) into out. */
static void unquote(const char *s, size_t n, char *out, size_t len)
{
    size_t i, k = 0;
    char q = n ? s[0] : 0;

    if (q == '\'' || q == '"' || q == '`' || q == '[') {
        char close = q == '[' ? ']' : q;

        for (i = 1; i < n && k + 1 < len; i++) {
            if (s[i] == close && i + 1 < n && s[i + 1] == close &&
                close != ']')
                out[k++] = s[i++];
            else if (s[i] == close)
                break;
            else
                out[k++] = s[i];
        }
    } else {
        for (i = 0; i < n && k + 1 < len; i++)
            out[k++] = s[i];
    }
    out[k] = '\0';
}

static void append(char *buf, size_t len, const char *sep, const char *s,
                   size_t n)
{
    size_t k = strlen(buf);

    if (k && sep)
        k += (size_t)snprintf(buf + k, len - k, "%s", sep);
    if (k < len)
        snprintf(buf + k, len - k, "%.*s", (int)n, s);
}

/* One argument of fts5(...): a column or an option (key = value). */
static int take_arg(struct fts_def *d, const char *s, size_t n)
{
    const char *eq = NULL;
    char key[64], name[256];
    size_t i;

    for (i = 0; i < n && !eq; i++) {
        if (s[i] == '\'' || s[i] == '"' || s[i] == '`' || s[i] == '[')
            break; /* a quoted column name comes before any '=' */
        if (s[i] == '=')
            eq = s + i;
    }
    if (eq) {
        const char *v = eq + 1;
        size_t kn = (size_t)(eq - s), vn = n - (size_t)(v - s);

        while (kn && isspace((unsigned char)s[kn - 1]))
            kn--;
        while (vn && isspace((unsigned char)*v)) {
            v++;
            vn--;
        }
        unquote(s, kn, key, sizeof key);
        if (!strcasecmp(key, "content")) {
            unquote(v, vn, d->content, sizeof d->content);
            return 0; /* the floor keeps its own content */
        }
        if (!strcasecmp(key, "content_rowid"))
            return 0;
        if (!strcasecmp(key, "tokenize")) {
            unquote(v, vn, d->tokenize, sizeof d->tokenize);
            d->thp = !strncmp(d->tokenize, "thp", 3) &&
                     (d->tokenize[3] == '\0' || d->tokenize[3] == ' ');
        }
        append(d->args, sizeof d->args, ", ", s, n);
        return 0;
    }
    if (d->ncols == MAX_COLS) {
        fprintf(stderr, "fts5_floor: more than %d FTS columns\n", MAX_COLS);
        return 1;
    }
    /* the name is the first word ("body UNINDEXED") */
    for (i = 0; i < n && !isspace((unsigned char)s[i]); i++)
        ;
    unquote(s, i, name, sizeof name);
    append(d->cols, sizeof d->cols, ", ", "\"", 1);
    for (i = 0; name[i]; i++) /* a name as an identifier, quotes doubled */
        append(d->cols, sizeof d->cols, NULL, name[i] == '"' ? "\"\"" : name + i,
               name[i] == '"' ? 2 : 1);
    append(d->cols, sizeof d->cols, NULL, "\"", 1);
    append(d->args, sizeof d->args, ", ", s, n);
    d->ncols++;
    return 0;
}

/* Read the FTS table's definition from the index's sqlite_master. */
static int read_def(sqlite3 *db, struct fts_def *d)
{
    sqlite3_stmt *s = NULL;
    const char *sql, *open, *p;
    size_t n;
    int depth = 0;

    memset(d, 0, sizeof *d);
    if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE"
                               " name = '" FTS_TABLE "'",
                           -1, &s, NULL) != SQLITE_OK)
        return fail(db, "reading the schema");
    if (sqlite3_step(s) != SQLITE_ROW ||
        (sql = (const char *)sqlite3_column_text(s, 0)) == NULL) {
        sqlite3_finalize(s);
        fprintf(stderr, "fts5_floor: the index has no " FTS_TABLE "\n");
        return 1;
    }
    /* the arguments: between "fts5(" and its closing parenthesis */
    open = strcasestr(sql, "fts5");
    open = open ? strchr(open, '(') : NULL;
    for (p = open; p && *p; p++) {
        if (*p == '\'' || *p == '"') { /* skip quoted text */
            char q = *p;

            while (*++p && !(*p == q && p[1] != q))
                if (*p == q)
                    p++;
            if (!*p)
                break;
            continue;
        }
        if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            break;
    }
    if (open == NULL || p == NULL || *p != ')') {
        fprintf(stderr, "fts5_floor: cannot read '%s'\n", sql);
        sqlite3_finalize(s);
        return 1;
    }
    n = (size_t)(p - open - 1);
    if (split_args(open + 1, n, d, take_arg) != 0) {
        sqlite3_finalize(s);
        return 1;
    }
    sqlite3_finalize(s);
    if (d->ncols == 0) {
        fprintf(stderr, "fts5_floor: no columns in " FTS_TABLE "\n");
        return 1;
    }
    if (d->content[0] == '\0')
        snprintf(d->content, sizeof d->content, "%s", FTS_TABLE);
    return 0;
}

static char *dup_col(sqlite3_stmt *s, int col, int *len)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    int n = sqlite3_column_bytes(s, col);
    char *p = malloc((size_t)n + 1);

    if (p == NULL)
        return NULL;
    if (n > 0)
        memcpy(p, t, (size_t)n);
    p[n] = '\0';
    *len = n;
    return p;
}

static void free_docs(struct doc *v, size_t n, int ncols)
{
    size_t i;
    int c;

    for (i = 0; i < n; i++)
        for (c = 0; c < ncols; c++)
            free(v[i].col[c]);
    free(v);
}

/* The index's FTS definition, and the text of its columns, in id order. */
static int load(const char *path, struct fts_def *d, struct doc **docs,
                size_t *ndocs, double *bytes)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    struct doc *v = NULL;
    size_t n = 0, cap = 0;
    char *sql;
    int rc, c, ok = 1;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = fail(db, path);
        sqlite3_close(db);
        return rc;
    }
    if (read_def(db, d) != 0) {
        sqlite3_close(db);
        return 1;
    }
    sql = sqlite3_mprintf("SELECT %s FROM \"%w\" ORDER BY rowid", d->cols,
                          d->content);
    if (sql == NULL ||
        sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        sqlite3_free(sql);
        rc = fail(db, "reading documents");
        sqlite3_close(db);
        return rc;
    }
    sqlite3_free(sql);
    *bytes = 0;
    while (ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            struct doc *nv = realloc(v, ncap * sizeof *nv);

            if (nv == NULL)
                break;
            v = nv;
            cap = ncap;
        }
        memset(&v[n], 0, sizeof v[n]);
        for (c = 0; c < d->ncols; c++) {
            v[n].col[c] = dup_col(s, c, &v[n].len[c]);
            ok = ok && v[n].col[c] != NULL;
            *bytes += v[n].len[c];
        }
        n++;
    }
    sqlite3_finalize(s);
    if (!ok || rc != SQLITE_DONE) {
        rc = fail(rc == SQLITE_ROW || !ok ? NULL : db, "reading documents");
        sqlite3_close(db);
        free_docs(v, n, d->ncols);
        return rc;
    }
    sqlite3_close(db);
    *docs = v;
    *ndocs = n;
    return 0;
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0
                                                                 : fail(db, sql);
}

/* The timed part: a fresh FTS5 table, filled in transactions of BATCH. */
static int bulk_insert(const char *out, const struct fts_def *d,
                       const struct doc *v, size_t n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    char *create = NULL, *insert = NULL, params[MAX_COLS * 5] = "";
    struct thp_err err;
    size_t i;
    int c;

    if (sqlite3_open(out, &db) != SQLITE_OK) {
        fail(db, out);
        sqlite3_close(db);
        return 1;
    }
    thp_err_clear(&err);
    if (d->thp && thp_tok_register(db, &err) != THP_OK) {
        fprintf(stderr, "fts5_floor: registering the thp tokenizer: %s\n",
                err.msg);
        goto err;
    }
    for (c = 0; c < d->ncols; c++)
        snprintf(params + strlen(params), sizeof params - strlen(params),
                 "%s?%d", c ? ", " : "", c + 1);
    create = sqlite3_mprintf("CREATE VIRTUAL TABLE t USING fts5(%s)",
                             d->args);
    insert = sqlite3_mprintf("INSERT INTO t(%s) VALUES(%s)", d->cols, params);
    if (create == NULL || insert == NULL) {
        fail(NULL, "preparing");
        goto err;
    }
    if (exec(db, "PRAGMA journal_mode=WAL") ||
        exec(db, "PRAGMA synchronous=NORMAL") || exec(db, create))
        goto err;
    if (sqlite3_prepare_v2(db, insert, -1, &ins, NULL) != SQLITE_OK) {
        fail(db, "preparing the insert");
        goto err;
    }
    for (i = 0; i < n; i++) {
        if (i % BATCH == 0 && exec(db, "BEGIN"))
            goto err;
        for (c = 0; c < d->ncols; c++)
            sqlite3_bind_text(ins, c + 1, v[i].col[c], v[i].len[c],
                              SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fail(db, "inserting");
            goto err;
        }
        sqlite3_reset(ins);
        if ((i % BATCH == BATCH - 1 || i == n - 1) && exec(db, "COMMIT"))
            goto err;
    }
    sqlite3_finalize(ins);
    sqlite3_free(create);
    sqlite3_free(insert);
    if (sqlite3_close(db) != SQLITE_OK)
        return fail(db, "closing");
    return 0;
err:
    sqlite3_finalize(ins);
    sqlite3_free(create);
    sqlite3_free(insert);
    sqlite3_close(db);
    return 1;
}

int main(int argc, char **argv)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    static struct fts_def def;
    struct doc *docs = NULL;
    size_t ndocs = 0, i;
    double bytes = 0, t0, c0, dt, dc;
    char name[4096];
    struct stat a, b;
    int rc;

    if (argc != 3) {
        fprintf(stderr, "usage: fts5_floor INDEX.db OUT.db\n");
        return 2;
    }
    if (stat(argv[1], &a) == 0 && stat(argv[2], &b) == 0 &&
        a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
        fprintf(stderr, "fts5_floor: OUT.db must not be INDEX.db\n");
        return 2;
    }
    for (i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(name, sizeof name, "%s%s", argv[2], suffix[i]);
        if (unlink(name) != 0 && errno != ENOENT) {
            fprintf(stderr, "fts5_floor: cannot remove '%s': %s\n", name,
                    strerror(errno));
            return 1;
        }
    }
    if (load(argv[1], &def, &docs, &ndocs, &bytes) != 0)
        return 1;
    t0 = clock_s(CLOCK_MONOTONIC);
    c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    rc = bulk_insert(argv[2], &def, docs, ndocs);
    dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    dt = clock_s(CLOCK_MONOTONIC) - t0;
    free_docs(docs, ndocs, def.ncols);
    if (rc != 0)
        return 1;
    printf("floor-table: fts5(%s)\n", def.args);
    printf("floor-tokenize: %s\n",
           def.tokenize[0] ? def.tokenize : "unicode61 (default)");
    printf("floor: %zu docs, %.1f MB text, %.3f s\n", ndocs, bytes / 1e6, dt);
    printf("floor-cpu: %.3f s\n", dc);
    return 0;
}
