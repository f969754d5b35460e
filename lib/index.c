/*
** index.c: the index file. Owns the schema (DDL lives here and only here),
** the PRAGMAs, the version check, and every write. Reads for searching are
** in query.c, on the connection opened here.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "schema.h"
#include "thp/index.h"
#include "thp/mem.h"

enum { ST_LOOKUP, ST_PUT, ST_TOUCH, ST_COUNT, ST__N };

struct thp_index {
    sqlite3 *db;
    char *path;
    int writable;
    int in_batch;          /* a transaction is open */
    int batch_docs;        /* documents written in it */
    sqlite3_stmt *st[ST__N];
};

static const char *const stmt_sql[ST__N] = {
    [ST_LOOKUP] = "SELECT id, mtime, size, hash FROM " THP_T_DOCS
                  " WHERE source_key = ?1",
    [ST_PUT] =
        "INSERT INTO " THP_T_DOCS "(source_key, source_path, url, kind,"
        " title, body, date, lang, charset, repairs, hash, mtime, size,"
        " indexed_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"
        " ON CONFLICT(source_key) DO UPDATE SET source_path=excluded."
        "source_path, url=excluded.url, kind=excluded.kind, title=excluded."
        "title, body=excluded.body, date=excluded.date, lang=excluded.lang,"
        " charset=excluded.charset, repairs=excluded.repairs, hash=excluded."
        "hash, mtime=excluded.mtime, size=excluded.size,"
        " indexed_at=excluded.indexed_at",
    [ST_TOUCH] = "UPDATE " THP_T_DOCS " SET mtime = ?2, size = ?3"
                 " WHERE source_key = ?1",
    [ST_COUNT] = "SELECT count(*) FROM " THP_T_DOCS,
};

static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE " THP_T_DOCS "("
    "  id INTEGER PRIMARY KEY,"
    "  source_key TEXT NOT NULL UNIQUE,"
    "  source_path TEXT NOT NULL,"
    "  url TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  title TEXT NOT NULL DEFAULT '',"
    "  body TEXT NOT NULL DEFAULT '',"
    "  date TEXT, lang TEXT, charset TEXT, repairs TEXT,"
    "  hash TEXT NOT NULL,"
    "  mtime INTEGER NOT NULL DEFAULT 0,"
    "  size INTEGER NOT NULL DEFAULT 0,"
    "  indexed_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX documents_source_path ON " THP_T_DOCS "(source_path);"
    "CREATE VIRTUAL TABLE " THP_T_FTS " USING fts5(title, body,"
    "  content='" THP_T_DOCS "', content_rowid='id',"
    "  tokenize='" THP_TOKENIZE "');"
    "CREATE TRIGGER documents_ai AFTER INSERT ON " THP_T_DOCS " BEGIN"
    "  INSERT INTO " THP_T_FTS "(rowid, title, body)"
    "  VALUES(new.id, new.title, new.body);"
    "END;"
    "CREATE TRIGGER documents_ad AFTER DELETE ON " THP_T_DOCS " BEGIN"
    "  INSERT INTO " THP_T_FTS "(" THP_T_FTS ", rowid, title, body)"
    "  VALUES('delete', old.id, old.title, old.body);"
    "END;"
    "CREATE TRIGGER documents_au AFTER UPDATE OF title, body ON " THP_T_DOCS
    " BEGIN"
    "  INSERT INTO " THP_T_FTS "(" THP_T_FTS ", rowid, title, body)"
    "  VALUES('delete', old.id, old.title, old.body);"
    "  INSERT INTO " THP_T_FTS "(rowid, title, body)"
    "  VALUES(new.id, new.title, new.body);"
    "END;";

static int db_error(thp_index *idx, struct thp_err *err, const char *what)
{
    return thp_err_set(err, THP_ERR_DB, "%s: %s", what,
                       idx->db ? sqlite3_errmsg(idx->db) : "no database");
}

static int exec(thp_index *idx, const char *sql, struct thp_err *err)
{
    char *msg = NULL;

    if (sqlite3_exec(idx->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = thp_err_set(err, THP_ERR_DB, "index '%s': %s", idx->path,
                             msg ? msg : sqlite3_errmsg(idx->db));
        sqlite3_free(msg);
        return rc;
    }
    return THP_OK;
}

/* Read meta[key] into out (or "" when absent). */
static int meta_get(thp_index *idx, const char *key, char *out, size_t len)
{
    sqlite3_stmt *st;
    int rc;

    out[0] = '\0';
    rc = sqlite3_prepare_v2(idx->db, "SELECT value FROM meta WHERE key = ?1",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);

        snprintf(out, len, "%s", v ? (const char *)v : "");
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

static int create_schema(thp_index *idx, struct thp_err *err)
{
    char sql[256];

    if (exec(idx, "BEGIN IMMEDIATE", err) != THP_OK)
        return err ? err->rc : THP_ERR_DB;
    if (exec(idx, schema_sql, err) != THP_OK)
        goto fail;
    snprintf(sql, sizeof sql,
             "INSERT INTO meta VALUES('schema_version','%d'),"
             "('analysis','%s'),('created_at',strftime('%%s','now'))",
             THP_SCHEMA_VERSION, THP_ANALYSIS);
    if (exec(idx, sql, err) != THP_OK)
        goto fail;
    return exec(idx, "COMMIT", err);
fail:
    sqlite3_exec(idx->db, "ROLLBACK", NULL, NULL, NULL);
    return THP_ERR_DB;
}

/* Check (or, for a new writable file, create) the schema. */
static int check_schema(thp_index *idx, struct thp_err *err)
{
    char version[32], analysis[64];
    sqlite3_stmt *st;
    int has_meta;

    if (sqlite3_prepare_v2(idx->db,
                           "SELECT 1 FROM sqlite_schema WHERE name='meta'",
                           -1, &st, NULL) != SQLITE_OK)
        return thp_err_set(err, THP_ERR_CORRUPT,
                           "'%s' is not a thp-search index: %s", idx->path,
                           sqlite3_errmsg(idx->db));
    has_meta = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!has_meta) {
        if (!idx->writable)
            return thp_err_set(err, THP_ERR_CORRUPT,
                               "'%s' is not a thp-search index (no meta "
                               "table); build it with thp-index",
                               idx->path);
        return create_schema(idx, err);
    }
    if (meta_get(idx, "schema_version", version, sizeof version) ||
        meta_get(idx, "analysis", analysis, sizeof analysis))
        return db_error(idx, err, "reading index metadata");
    if (strcmp(analysis, THP_ANALYSIS) != 0 ||
        strtol(version, NULL, 10) != THP_SCHEMA_VERSION)
        return thp_err_set(err, THP_ERR_CORRUPT,
                           "index '%s' has schema %s, analysis '%s'; this "
                           "program needs schema %d, analysis '%s': rebuild "
                           "it with thp-index --full",
                           idx->path, version, analysis, THP_SCHEMA_VERSION,
                           THP_ANALYSIS);
    return THP_OK;
}

int thp_index_open(const char *path, int flags, thp_index **out,
                   struct thp_err *err)
{
    thp_index *idx;
    int oflags, i;

    *out = NULL;
    idx = thp_calloc(1, sizeof *idx);
    if (idx == NULL || (idx->path = thp_strdup(path)) == NULL) {
        thp_free(idx);
        return thp_err_set(err, THP_ERR_NOMEM, "opening index: out of memory");
    }
    idx->writable = (flags & THP_INDEX_WRITE) != 0;
    if (!idx->writable && access(path, F_OK) != 0) {
        thp_err_set(err, THP_ERR_NOTFOUND,
                    "no index at '%s': build one with thp-index", path);
        goto fail;
    }
    oflags = idx->writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                           : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, &idx->db, oflags | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        thp_err_set(err, THP_ERR_IO, "cannot open index '%s': %s", path,
                    idx->db ? sqlite3_errmsg(idx->db) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(idx->db, 1);
    sqlite3_busy_timeout(idx->db, 5000);
    if (idx->writable &&
        (exec(idx, "PRAGMA journal_mode=WAL", err) != THP_OK ||
         exec(idx, "PRAGMA synchronous=NORMAL", err) != THP_OK))
        goto fail;
    if (check_schema(idx, err) != THP_OK)
        goto fail;
    for (i = 0; i < ST__N; i++) {
        if ((i == ST_PUT || i == ST_TOUCH) && !idx->writable)
            continue;
        if (sqlite3_prepare_v3(idx->db, stmt_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &idx->st[i],
                               NULL) != SQLITE_OK) {
            db_error(idx, err, "preparing index statements");
            goto fail;
        }
    }
    *out = idx;
    return THP_OK;
fail:
    thp_index_close(idx);
    return err && err->rc ? err->rc : THP_ERR_DB;
}

void thp_index_close(thp_index *idx)
{
    int i;

    if (idx == NULL)
        return;
    if (idx->in_batch)
        thp_index_commit(idx, NULL);
    for (i = 0; i < ST__N; i++)
        sqlite3_finalize(idx->st[i]);
    sqlite3_close(idx->db);
    thp_free(idx->path);
    thp_free(idx);
}

sqlite3 *thp_index_db(thp_index *idx)
{
    return idx->db;
}

const char *thp_index_path(const thp_index *idx)
{
    return idx->path;
}

int thp_index_lookup(thp_index *idx, const char *source_key,
                     struct thp_source_state *st, struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_LOOKUP];
    int rc;

    memset(st, 0, sizeof *st);
    sqlite3_bind_text(s, 1, source_key, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const unsigned char *h = sqlite3_column_text(s, 3);

        st->found = 1;
        st->id = sqlite3_column_int64(s, 0);
        st->mtime = sqlite3_column_int64(s, 1);
        st->size = sqlite3_column_int64(s, 2);
        snprintf(st->hash, sizeof st->hash, "%s", h ? (const char *)h : "");
        rc = SQLITE_DONE;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return db_error(idx, err, "looking up a source");
    return THP_OK;
}

static int begin_batch(thp_index *idx, struct thp_err *err)
{
    if (!idx->writable)
        return thp_err_set(err, THP_ERR_MISUSE, "index opened read-only");
    if (idx->in_batch)
        return THP_OK;
    if (exec(idx, "BEGIN IMMEDIATE", err) != THP_OK)
        return THP_ERR_DB;
    idx->in_batch = 1;
    idx->batch_docs = 0;
    return THP_OK;
}

int thp_index_commit(thp_index *idx, struct thp_err *err)
{
    if (!idx->in_batch)
        return THP_OK;
    idx->in_batch = 0;
    return exec(idx, "COMMIT", err);
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

int thp_index_put(thp_index *idx, const struct thp_record *rec, int *updated,
                  struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_PUT];
    struct thp_source_state prev;
    int rc, brc = begin_batch(idx, err);

    if (brc != THP_OK)
        return brc;
    if (updated) {
        if (thp_index_lookup(idx, rec->source_key, &prev, err) != THP_OK)
            return THP_ERR_DB;
        *updated = prev.found;
    }
    bind_opt(s, 1, rec->source_key);
    bind_opt(s, 2, rec->source_path);
    bind_opt(s, 3, rec->url ? rec->url : rec->source_path);
    bind_opt(s, 4, rec->kind ? rec->kind : "page");
    bind_opt(s, 5, rec->title ? rec->title : "");
    bind_opt(s, 6, rec->body ? rec->body : "");
    bind_opt(s, 7, rec->date);
    bind_opt(s, 8, rec->lang);
    bind_opt(s, 9, rec->charset);
    bind_opt(s, 10, rec->repairs);
    bind_opt(s, 11, rec->hash ? rec->hash : "");
    sqlite3_bind_int64(s, 12, rec->mtime);
    sqlite3_bind_int64(s, 13, rec->size);
    sqlite3_bind_int64(s, 14, (sqlite3_int64)time(NULL));
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE)
        return thp_err_set(err, THP_ERR_DB, "storing '%s': %s",
                           rec->source_key, sqlite3_errmsg(idx->db));
    if (++idx->batch_docs >= THP_INDEX_BATCH)
        return thp_index_commit(idx, err);
    return THP_OK;
}

int thp_index_touch(thp_index *idx, const char *source_key, int64_t mtime,
                    int64_t size, struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_TOUCH];
    int rc = begin_batch(idx, err);

    if (rc != THP_OK)
        return rc;
    sqlite3_bind_text(s, 1, source_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, mtime);
    sqlite3_bind_int64(s, 3, size);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return db_error(idx, err, "updating a source");
    return THP_OK;
}

int thp_index_count(thp_index *idx, int64_t *n, struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_COUNT];
    int rc = sqlite3_step(s);

    *n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW)
        return db_error(idx, err, "counting documents");
    return THP_OK;
}

void thp_index_hash(const void *p, size_t n, char out[17])
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}
