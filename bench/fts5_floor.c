/*
** fts5_floor: the floor of the indexing benchmark (bench/index_bench.sh).
**
**     fts5_floor INDEX.db OUT.db
**
** Reads the already-extracted documents (SELECT title, body FROM documents)
** of an existing thp-search index into memory (not timed), then times a
** plain FTS5 bulk insert of the same text into a fresh database OUT.db
** (removed first, with its -wal and -shm):
**
**     PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
**     CREATE VIRTUAL TABLE t USING fts5(title, body,
**         tokenize='unicode61 remove_diacritics 2');
**     INSERT INTO t(title, body) VALUES(?, ?)   -- one prepared statement,
**                                               -- 500 rows a transaction
**
** The clock (CLOCK_MONOTONIC) runs from opening OUT.db to closing it, so
** the final checkpoint counts, as it does for thp-index. Prints
**
**     floor: N docs, X MB text, T s
**
** (MB = 10^6 bytes of title + body), then "floor-cpu: C s", the CPU time
** (user + system) of the same timed part. Exit status 0; 1 on an error;
** 2 on a usage error (OUT.db must be another file than INDEX.db).
*/
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define BATCH 500 /* rows a transaction, as THP_INDEX_BATCH */

struct doc {
    char *title, *body;
    int ntitle, nbody;
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

/* Load every (title, body) of the index at path into *docs. */
static int load(const char *path, struct doc **docs, size_t *ndocs,
                double *bytes)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    struct doc *v = NULL;
    size_t n = 0, cap = 0;
    int rc;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = fail(db, path);
        sqlite3_close(db);
        return rc;
    }
    if (sqlite3_prepare_v2(db, "SELECT title, body FROM documents ORDER BY id",
                           -1, &s, NULL) != SQLITE_OK) {
        rc = fail(db, "reading documents");
        sqlite3_close(db);
        return rc;
    }
    *bytes = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            struct doc *nv = realloc(v, ncap * sizeof *nv);

            if (nv == NULL)
                break;
            v = nv;
            cap = ncap;
        }
        v[n].title = dup_col(s, 0, &v[n].ntitle);
        v[n].body = dup_col(s, 1, &v[n].nbody);
        if (v[n].title == NULL || v[n].body == NULL) {
            free(v[n].title);
            free(v[n].body);
            break;
        }
        *bytes += v[n].ntitle + v[n].nbody;
        n++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        rc = fail(rc == SQLITE_ROW ? NULL : db, "reading documents");
        sqlite3_close(db);
        while (n > 0) {
            n--;
            free(v[n].title);
            free(v[n].body);
        }
        free(v);
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
static int bulk_insert(const char *out, const struct doc *v, size_t n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    size_t i;

    if (sqlite3_open(out, &db) != SQLITE_OK) {
        fail(db, out);
        sqlite3_close(db);
        return 1;
    }
    if (exec(db, "PRAGMA journal_mode=WAL") ||
        exec(db, "PRAGMA synchronous=NORMAL") ||
        exec(db, "CREATE VIRTUAL TABLE t USING fts5(title, body,"
                 " tokenize='unicode61 remove_diacritics 2')"))
        goto err;
    if (sqlite3_prepare_v2(db, "INSERT INTO t(title, body) VALUES(?1, ?2)",
                           -1, &ins, NULL) != SQLITE_OK) {
        fail(db, "preparing the insert");
        goto err;
    }
    for (i = 0; i < n; i++) {
        if (i % BATCH == 0 && exec(db, "BEGIN"))
            goto err;
        sqlite3_bind_text(ins, 1, v[i].title, v[i].ntitle, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, v[i].body, v[i].nbody, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fail(db, "inserting");
            goto err;
        }
        sqlite3_reset(ins);
        if ((i % BATCH == BATCH - 1 || i == n - 1) && exec(db, "COMMIT"))
            goto err;
    }
    sqlite3_finalize(ins);
    if (sqlite3_close(db) != SQLITE_OK)
        return fail(db, "closing");
    return 0;
err:
    sqlite3_finalize(ins);
    sqlite3_close(db);
    return 1;
}

int main(int argc, char **argv)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
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
    if (load(argv[1], &docs, &ndocs, &bytes) != 0)
        return 1;
    t0 = clock_s(CLOCK_MONOTONIC);
    c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    rc = bulk_insert(argv[2], docs, ndocs);
    dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    dt = clock_s(CLOCK_MONOTONIC) - t0;
    for (i = 0; i < ndocs; i++) {
        free(docs[i].title);
        free(docs[i].body);
    }
    free(docs);
    if (rc != 0)
        return 1;
    printf("floor: %zu docs, %.1f MB text, %.3f s\n", ndocs, bytes / 1e6, dt);
    printf("floor-cpu: %.3f s\n", dc);
    return 0;
}
