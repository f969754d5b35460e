/*
** index.c: the index file. Owns the schema (DDL lives here and only here),
** the PRAGMAs, the version check, and every write. Reads for searching are
** in query.c, on the connection opened here.
*/
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schema.h"
#include "thp/index.h"
#include "thp/mem.h"
#include "thp/rank.h"
#include "thp/tok.h"

enum {
    ST_SRC_GET, ST_SRC_UPSERT, ST_SRC_SEEN, ST_SRC_DELETE, ST_SWEEP,
    ST_LINK_GET, ST_LINK_OTHERS, ST_LINK_UPSERT, ST_LINK_DELETE, ST_STALE,
    ST_DOC_BY_HASH, ST_DOC_INSERT, ST_DOC_UPDATE, ST_DOC_ORPHAN,
    ST_FTS_ADD, ST_FTS_DROP, ST_DOC_TEXT,
    ST_DOC_REPRIMARY, ST_NEAR, ST_COUNT,
    ST_SH_ADD, ST_SH_CLEAR, ST_SH_ORPHAN, ST_SH_FIND, ST_SH_DOC, ST_KEEP,
    ST__N
};

struct thp_index {
    sqlite3 *db;
    char *path;
    int writable;
    int in_batch;          /* a transaction is open */
    int batch_docs;        /* documents written in it */
    int64_t run;           /* this writer's run number (meta 'run') */
    int64_t gen;           /* stamp of the source being written: unique per
                              source and run, so its stale links show */
    int has_meta;          /* the probe at open found the meta table */
    int immutable;         /* a reader opened with immutable=1 (see
                              open_immutable) */
    struct stat seen;      /* the file as it was then, for
                              thp_index_changed */
    int langs_loaded;      /* langs holds meta 'doc_langs' */
    int langs_all;         /* too many to list: readers use every one */
    char langs[64];        /* the documents' languages, "en nl"; "" when
                              too many to list (readers then use all) */
    int wal_pages;         /* pages in the WAL after the last commit */
    int wal_limit;         /* pages it may hold before a checkpoint */
    int64_t *shared;       /* contain_group's room, made once: ids of the
                              documents sharing each sampled shingle */
    sqlite3_stmt *st[ST__N];
};

/* A text column as FTS5 sees it: the language tag (?5) in front, as in
** the view THP_T_TEXT (see schema_sql). */
#define TAGGED(col) "char(57344) || ?5 || char(57345) || " col

/* Columns a document row is written with, in bind order ?1..?22. */
#define DOC_COLS                                                            \
    "source_key, source_path, url, anchor, kind, title, body, meta, date,"  \
    " year, location, partners, authors, links, page, lang, charset,"       \
    " repairs, content_hash, simhash, mtime, size, path, shingles"

static const char *const stmt_sql[ST__N] = {
    [ST_SRC_GET] = "SELECT status, mtime, size, hash FROM sources"
                   " WHERE path = ?1",
    [ST_SRC_UPSERT] =
        "INSERT INTO sources(path, size, mtime, hash, status, error,"
        " seen_run, indexed_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)"
        " ON CONFLICT(path) DO UPDATE SET size=excluded.size,"
        " mtime=excluded.mtime, hash=excluded.hash, status=excluded.status,"
        " error=excluded.error, seen_run=excluded.seen_run,"
        " indexed_at=excluded.indexed_at",
    [ST_SRC_SEEN] = "UPDATE sources SET seen_run = ?2, mtime = ?3, size = ?4"
                    " WHERE path = ?1",
    [ST_SRC_DELETE] = "DELETE FROM sources WHERE path = ?1",
    [ST_SWEEP] = "SELECT path FROM sources WHERE seen_run != ?2 AND"
                 " (path = ?1 OR substr(path, 1, length(?1) + 1) = ?1 || '/'"
                 " OR (?1 = '.' AND substr(path, 1, 1) != '/'))",
    [ST_LINK_GET] = "SELECT doc_id FROM doc_sources WHERE source_key = ?1",
    [ST_LINK_OTHERS] = "SELECT count(*) FROM doc_sources WHERE doc_id = ?1"
                       " AND source_key != ?2",
    [ST_LINK_UPSERT] =
        "INSERT INTO doc_sources(source_key, doc_id, source_path, url,"
        " seen_run, path) VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(source_key)"
        " DO UPDATE SET doc_id=excluded.doc_id,"
        " source_path=excluded.source_path, url=excluded.url,"
        " seen_run=excluded.seen_run, path=excluded.path",
    [ST_LINK_DELETE] = "DELETE FROM doc_sources WHERE source_key = ?1",
    [ST_STALE] = "SELECT source_key, doc_id FROM doc_sources"
                 " WHERE source_path = ?1 AND seen_run != ?2",
    [ST_DOC_BY_HASH] = "SELECT id FROM " THP_T_DOCS " WHERE content_hash = ?1"
                       " LIMIT 1",
    [ST_DOC_INSERT] = "INSERT INTO " THP_T_DOCS "(" DOC_COLS ", dup_group,"
                      " indexed_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
                      "?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,"
                      "?24,?25,?26)",
    [ST_DOC_UPDATE] =
        "UPDATE " THP_T_DOCS " SET (" DOC_COLS ", dup_group, indexed_at) ="
        " (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,"
        "?19,?20,?21,?22,?23,?24,?25,?26) WHERE id = ?27",
    [ST_DOC_ORPHAN] = "DELETE FROM " THP_T_DOCS " WHERE id = ?1 AND NOT"
                      " EXISTS (SELECT 1 FROM doc_sources WHERE doc_id = ?1)",
    /*
    ** The FTS table is kept in step here, not by triggers: a trigger
    ** makes FTS5 flush its pending terms at every statement savepoint,
    ** which multiplied writes threefold.
    */
    /*
    ** Single-row VALUES, never INSERT ... SELECT: a statement that may
    ** write several rows opens a statement savepoint, and FTS5 (3.40)
    ** flushes its pending terms to a new segment at every savepoint of
    ** the transaction -- that alone was a quarter of the indexer's time.
    */
    [ST_FTS_ADD] = "INSERT INTO " THP_T_FTS "(rowid, title, body, meta)"
                   " VALUES(?1, " TAGGED("?2") ", " TAGGED("?3") ", ?4)",
    [ST_FTS_DROP] = "INSERT INTO " THP_T_FTS "(" THP_T_FTS ", rowid, title,"
                    " body, meta) VALUES('delete', ?1, ?2, ?3, ?4)",
    /* what FTS5 was given, language tags included (the view adds them) */
    [ST_DOC_TEXT] = "SELECT title, body, meta FROM " THP_T_TEXT
                    " WHERE id = ?1",
    [ST_DOC_REPRIMARY] =
        "UPDATE " THP_T_DOCS " SET (source_key, source_path, url, path) ="
        " (SELECT source_key, source_path, url, path FROM doc_sources"
        " WHERE doc_id = ?1 ORDER BY source_key LIMIT 1)"
        " WHERE id = ?1 AND source_key NOT IN"
        " (SELECT source_key FROM doc_sources WHERE doc_id = ?1)"
        " AND EXISTS (SELECT 1 FROM doc_sources WHERE doc_id = ?1)",
    /* near-duplicate candidates: any 16-bit band of the simhash equal */
    [ST_NEAR] = "SELECT id, simhash, coalesce(dup_group, id) FROM " THP_T_DOCS
                " WHERE (simhash & 65535 = ?1 & 65535"
                " OR (simhash >> 16) & 65535 = (?1 >> 16) & 65535"
                " OR (simhash >> 32) & 65535 = (?1 >> 32) & 65535"
                " OR (simhash >> 48) & 65535 = (?1 >> 48) & 65535)"
                " AND simhash != 0 AND id != ?2 LIMIT 64",
    [ST_COUNT] = "SELECT count(*) FROM " THP_T_DOCS,
    [ST_KEEP] = "UPDATE sources SET seen_run = ?2 WHERE path = ?1"
                " OR substr(path, 1, length(?1) + 1) = ?1 || '/'",
    [ST_SH_ADD] = "INSERT OR IGNORE INTO doc_shingles(hash, doc_id)"
                  " VALUES(?1, ?2)",
    [ST_SH_CLEAR] = "DELETE FROM doc_shingles WHERE doc_id = ?1",
    [ST_SH_ORPHAN] = "DELETE FROM doc_shingles WHERE doc_id = ?1 AND NOT"
                     " EXISTS (SELECT 1 FROM " THP_T_DOCS " WHERE id = ?1)",
    /* bounded: a shingle many pages share says little (contain_group) */
    [ST_SH_FIND] = "SELECT doc_id FROM doc_shingles WHERE hash = ?1"
                   " LIMIT ?2",
    [ST_SH_DOC] = "SELECT shingles, coalesce(dup_group, id) FROM " THP_T_DOCS
                  " WHERE id = ?1",
};

static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE sources("
    "  path TEXT PRIMARY KEY,"
    "  size INTEGER NOT NULL, mtime INTEGER NOT NULL, hash TEXT NOT NULL,"
    "  status TEXT NOT NULL,"          /* 'ok' or 'failed' */
    "  error TEXT,"
    "  seen_run INTEGER NOT NULL, indexed_at INTEGER NOT NULL);"
    "CREATE TABLE " THP_T_DOCS "("
    "  id INTEGER PRIMARY KEY,"
    "  source_key TEXT NOT NULL,"      /* where it was first found */
    "  source_path TEXT NOT NULL,"
    "  url TEXT NOT NULL,"             /* the address a visitor opens */
    "  path TEXT NOT NULL,"            /* where it is locally: source path,
                                          #anchor or #page=N (relative to
                                          the index's folder) */
    "  anchor TEXT,"
    "  kind TEXT NOT NULL,"
    "  title TEXT NOT NULL DEFAULT '',"
    "  body TEXT NOT NULL DEFAULT '',"
    "  meta TEXT NOT NULL DEFAULT '',"  /* metadata, searchable */
    "  date TEXT, year INTEGER,"
    "  location TEXT, partners TEXT, authors TEXT, links TEXT,"
    "  page INTEGER,"
    "  lang TEXT, charset TEXT, repairs TEXT,"
    "  content_hash TEXT NOT NULL,"
    "  simhash INTEGER NOT NULL DEFAULT 0,"
    "  dup_group INTEGER,"             /* near-duplicates share it */
    "  shingles INTEGER NOT NULL DEFAULT 0," /* its rows in doc_shingles */
    "  mtime INTEGER NOT NULL DEFAULT 0,"
    "  size INTEGER NOT NULL DEFAULT 0,"
    "  indexed_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX documents_hash ON " THP_T_DOCS "(content_hash);"
    /* band indexes cover what the near-duplicate lookup reads */
    "CREATE INDEX documents_sh0 ON " THP_T_DOCS
    "(simhash & 65535, simhash, dup_group);"
    "CREATE INDEX documents_sh1 ON " THP_T_DOCS
    "((simhash >> 16) & 65535, simhash, dup_group);"
    "CREATE INDEX documents_sh2 ON " THP_T_DOCS
    "((simhash >> 32) & 65535, simhash, dup_group);"
    "CREATE INDEX documents_sh3 ON " THP_T_DOCS
    "((simhash >> 48) & 65535, simhash, dup_group);"
    "CREATE INDEX documents_dup ON " THP_T_DOCS "(dup_group);"
    "CREATE TABLE doc_sources("
    "  source_key TEXT PRIMARY KEY,"
    "  doc_id INTEGER NOT NULL,"
    "  source_path TEXT NOT NULL,"
    "  url TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  seen_run INTEGER NOT NULL);"
    "CREATE INDEX doc_sources_doc ON doc_sources(doc_id);"
    /* a sample of each document's word 3-shingles (thp_digest.sample):
    ** how much of one text another contains */
    "CREATE TABLE doc_shingles(hash INTEGER NOT NULL,"
    "  doc_id INTEGER NOT NULL, PRIMARY KEY(hash, doc_id)) WITHOUT ROWID;"
    "CREATE INDEX doc_shingles_doc ON doc_shingles(doc_id);"
    "CREATE INDEX doc_sources_path ON doc_sources(source_path);"
    /* the language tag: U+E000 lang U+E001 (tok.h); no lang: default */
    "CREATE VIEW " THP_T_TEXT "(id, title, body, meta) AS SELECT id,"
    "  char(57344) || coalesce(lang, '') || char(57345) || title,"
    "  char(57344) || coalesce(lang, '') || char(57345) || body,"
    "  meta FROM " THP_T_DOCS ";"
    "CREATE VIRTUAL TABLE " THP_T_FTS " USING fts5(title, body, meta,"
    "  content='" THP_T_TEXT "', content_rowid='id',"
    "  tokenize='" THP_TOKENIZE "');";

/*
** The writer's page cache. The default 2 MiB cache thrashes once the
** indexes (content hash, simhash bands, source keys, and most of all the
** shingle samples, 74 random inserts and lookups a document) outgrow it:
** every random insert then re-reads its pages. 128 MiB is a fixed bound
** on the writer's memory; indexing 100,000 documents of the query
** benchmark took 108 s of CPU with it against 188 s with 32 MiB (the
** kernel's share 9 s against 43 s). It is given back before the stored
** lists are built (toplist.c).
*/
#define WRITER_PRAGMAS "PRAGMA cache_size=-131072"

/*
** SQLite's last error on idx, in words; a full disk says so first
** (SQLite's own "database or disk is full" leaves it open which).
*/
static const char *db_why(thp_index *idx, char *buf, size_t len)
{
    if (idx->db == NULL)
        return "no database";
    if ((sqlite3_extended_errcode(idx->db) & 0xFF) == SQLITE_FULL) {
        snprintf(buf, len, "the disk is full (%s)", sqlite3_errmsg(idx->db));
        return buf;
    }
    return sqlite3_errmsg(idx->db);
}

static int db_error(thp_index *idx, struct thp_err *err, const char *what)
{
    char buf[200];

    return thp_err_set(err, THP_ERR_DB, "%s: %s", what,
                       db_why(idx, buf, sizeof buf));
}

static int exec(thp_index *idx, const char *sql, struct thp_err *err)
{
    char buf[200];

    if (sqlite3_exec(idx->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return thp_err_set(err, THP_ERR_DB, "index '%s': %s", idx->path,
                           db_why(idx, buf, sizeof buf));
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
             "('analysis','%s'),('created_at',strftime('%%s','now')),"
             "('run','0')",
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

    if (!idx->has_meta) {
        int empty;

        if (!idx->writable)
            return thp_err_set(err, THP_ERR_CORRUPT,
                               "'%s' is not a thp-search index (no meta "
                               "table); build it with thp-index",
                               idx->path);
        /* never add our tables to someone else's database */
        if (sqlite3_prepare_v2(idx->db, "SELECT 1 FROM sqlite_schema LIMIT 1",
                               -1, &st, NULL) != SQLITE_OK)
            return db_error(idx, err, "reading the schema");
        empty = sqlite3_step(st) != SQLITE_ROW;
        sqlite3_finalize(st);
        if (!empty)
            return thp_err_set(err, THP_ERR_MISUSE,
                               "'%s' is an SQLite database but not a "
                               "thp-search index; not writing into it",
                               idx->path);
        /* a new index is in WAL mode from its first page: a writer
        ** stopped while creating it never leaves a rollback journal that
        ** readers (which may not write) could not roll back */
        if (exec(idx, "PRAGMA journal_mode=WAL", err) != THP_OK)
            return THP_ERR_DB;
        return create_schema(idx, err);
    }
    if (meta_get(idx, "schema_version", version, sizeof version) ||
        meta_get(idx, "analysis", analysis, sizeof analysis))
        return db_error(idx, err, "reading index metadata");
    /* a "meta" table alone does not make a database ours */
    if (version[0] == '\0' || analysis[0] == '\0')
        return thp_err_set(err, THP_ERR_MISUSE,
                           "'%s' is an SQLite database but not a thp-search "
                           "index; not writing into it", idx->path);
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

/* A writer's run number: sources and links it touches are stamped with it. */
static int next_run(thp_index *idx, struct thp_err *err)
{
    char v[32];

    if (exec(idx, "UPDATE meta SET value = CAST(value AS INTEGER) + 1"
                  " WHERE key = 'run'", err) != THP_OK)
        return THP_ERR_DB;
    if (meta_get(idx, "run", v, sizeof v) != SQLITE_OK)
        return db_error(idx, err, "reading the run number");
    idx->run = strtoll(v, NULL, 10);
    idx->gen = idx->run << 32;
    return THP_OK;
}

/* SQLite's hook after each commit of a writer: remember how long the log
** is (it replaces the automatic checkpoint; see thp_index_wal_limit). */
static int on_wal(void *arg, sqlite3 *db, const char *name, int pages)
{
    thp_index *idx = arg;

    (void)db;
    (void)name;
    idx->wal_pages = pages;
    return SQLITE_OK;
}

/*==================== Opening ====================*/

/* What SQLite said when opening or first reading failed. */
struct fault {
    int rc;          /* extended result code */
    int sys;         /* the system's errno behind it, or 0 */
    char msg[160];   /* sqlite3_errmsg */
};

static void fault_get(sqlite3 *db, int rc, struct fault *f)
{
    f->rc = db ? sqlite3_extended_errcode(db) : rc;
    f->sys = db ? sqlite3_system_errno(db) : 0;
    snprintf(f->msg, sizeof f->msg, "%s",
             db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* The folder holding path ("." for a bare name). */
static void folder_of(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        snprintf(dir, len, ".");
    else if (slash == path)
        snprintf(dir, len, "/");
    else
        snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/* 0 if this process may open name for reading (or reading and writing),
** else the errno saying why not. Never waits (a FIFO, a lock). */
static int try_open(const char *name, int write)
{
    int fd = open(name, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0)
        return errno;
    close(fd);
    return 0;
}

/* 0 if a file may be created in the folder of path, else the errno. */
static int try_create_in(const char *path)
{
    char dir[PATH_MAX];

    folder_of(path, dir, sizeof dir);
    return access(dir, W_OK | X_OK) == 0 ? 0 : errno;
}

/*
** Name the file SQLite could not use, and why: the index itself, its
** write-ahead log (-wal) or the log's shared-memory index (-shm), one that
** exists but may not be read (by a writer: written), or one that is
** missing and may not be created in its folder. Returns 1 with *verb
** ("cannot read index" ...) and the reason in out, or 0 when every file
** looks usable.
*/
static int file_problem(const thp_index *idx, const char **verb, char *out,
                        size_t len)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char name[PATH_MAX + 8];
    struct stat sb;
    size_t i;
    int e;

    for (i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%s%s", idx->path, suffix[i]);
        e = 0;
        if (stat(name, &sb) == 0) {
            /* a reader reads the log and maps -shm read-only if need be */
            if ((e = try_open(name, idx->writable)) != 0)
                *verb = idx->writable ? "cannot write index"
                                      : "cannot read index";
        } else if (errno != ENOENT) {
            e = errno;
            *verb = "cannot reach index";
        } else if ((i > 0 || idx->writable) &&
                   (e = try_create_in(name)) != 0) {
            *verb = i == 0          ? "cannot create index"
                    : idx->writable ? "cannot open index"
                                    : "cannot read index";
        }
        if (e == 0)
            continue;
        if (i == 0)
            snprintf(out, len, "%s", strerror(e));
        else
            snprintf(out, len, "cannot %s '%s': %s",
                     stat(name, &sb) == 0 ? idx->writable ? "write" : "read"
                                          : "create",
                     name, strerror(e));
        return 1;
    }
    return 0;
}

/*
** The message for a failed open or first read: a file that is not an
** index, a full disk, the file that may not be read or created and why,
** else SQLite's own words with the system's reason.
*/
static int open_error(const thp_index *idx, const struct fault *f,
                      struct thp_err *err)
{
    const char *verb =
        idx->writable ? "cannot open index" : "cannot read index";
    char why[PATH_MAX + 128];

    switch (f->rc & 0xFF) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return thp_err_set(err, THP_ERR_MISUSE,
                           "'%s' is not a thp-search index: %s", idx->path,
                           f->msg);
    case SQLITE_NOMEM:
        return thp_err_set(err, THP_ERR_NOMEM, "opening index '%s': out of "
                           "memory", idx->path);
    default:
        break;
    }
    if (f->sys == ENOSPC || f->sys == EDQUOT || (f->rc & 0xFF) == SQLITE_FULL)
        return thp_err_set(err, THP_ERR_IO, "%s '%s': the disk is full (%s)",
                           verb, idx->path,
                           f->sys ? strerror(f->sys) : f->msg);
    if (file_problem(idx, &verb, why, sizeof why))
        return thp_err_set(err, THP_ERR_IO, "%s '%s': %s", verb, idx->path,
                           why);
    if (f->sys)
        return thp_err_set(err, THP_ERR_IO, "%s '%s': %s (%s)", verb,
                           idx->path, f->msg, strerror(f->sys));
    return thp_err_set(err, THP_ERR_IO, "%s '%s': %s", verb, idx->path,
                       f->msg);
}

/* Open name with flags and register the tokenizer and thp_rank. */
static int connect_db(thp_index *idx, const char *name, int flags,
                      struct fault *f, struct thp_err *err)
{
    int rc = sqlite3_open_v2(name, &idx->db, flags | SQLITE_OPEN_NOMUTEX,
                             NULL);

    if (rc != SQLITE_OK) {
        fault_get(idx->db, rc, f);
        sqlite3_close(idx->db);
        idx->db = NULL;
        return rc;
    }
    sqlite3_extended_result_codes(idx->db, 1);
    sqlite3_busy_timeout(idx->db, 5000);
    if (thp_tok_register(idx->db, err) != THP_OK ||
        thp_rank_register(idx->db, err) != THP_OK) {
        f->rc = SQLITE_NOMEM;
        return SQLITE_NOMEM;
    }
    return SQLITE_OK;
}

/* The first read, which opens the WAL files: is there a meta table? */
static int probe(thp_index *idx, struct fault *f)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(idx->db, "SELECT 1 FROM sqlite_schema"
                                " WHERE name = 'meta'", -1, &st, NULL);

    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        idx->has_meta = rc == SQLITE_ROW;
        if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        fault_get(idx->db, rc, f);
    sqlite3_finalize(st);
    return rc;
}

/* 1 if path's write-ahead log holds anything (a writer is at work, or
** one stopped before it could empty the log). */
static int wal_has_frames(const char *path)
{
    char name[PATH_MAX + 8];
    struct stat sb;

    snprintf(name, sizeof name, "%s-wal", path);
    return stat(name, &sb) == 0 && sb.st_size > 0;
}

/* 1 if path has a rollback journal with content: a writer stopped in
** the middle of a transaction, and the file may hold half of it until a
** connection that can write rolls it back. */
static int hot_journal(const char *path)
{
    char name[PATH_MAX + 16];
    struct stat sb;

    snprintf(name, sizeof name, "%s-journal", path);
    return stat(name, &sb) == 0 && sb.st_size > 0;
}

/* "file:" URI of path with immutable=1; 0, or -1 if it does not fit. */
static int immutable_uri(const char *path, char *out, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)path;
    size_t n =
        (size_t)snprintf(out, len, "file:%s", path[0] == '/' ? "//" : "");

    for (; *p && n + 4 < len; p++) {
        if (isalnum(*p) || strchr("/-._~", *p)) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    if (*p || (size_t)snprintf(out + n, len - n, "?immutable=1") >= len - n)
        return -1;
    return 0;
}

/*
** A reader that may not create the -shm file WAL mode needs (a read-only
** folder or file system, a folder of another user, a full disk) can still
** read an index whose log is empty: every committed page is then in the
** file itself, which immutable=1 reads without locks or -shm. Such a
** connection would not see a writer's later commits, so the file's state
** is kept for thp_index_changed, which tells the reader to reopen.
*/
static int open_immutable(thp_index *idx, struct thp_err *err)
{
    char uri[PATH_MAX * 3 + 32];
    struct fault f;

    if (wal_has_frames(idx->path) || hot_journal(idx->path) ||
        immutable_uri(idx->path, uri, sizeof uri) != 0 ||
        stat(idx->path, &idx->seen) != 0)
        return THP_ERR_IO;
    if (connect_db(idx, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, &f,
                   err) != SQLITE_OK ||
        probe(idx, &f) != SQLITE_OK) {
        sqlite3_close(idx->db);
        idx->db = NULL;
        return THP_ERR_IO;
    }
    idx->immutable = 1;
    return THP_OK;
}

/*
** Open the connection and read the schema once. A writer must be able to
** write the file (SQLite would quietly open it read-only); a reader that
** cannot set up WAL reading falls back to open_immutable. Every failure
** names what really failed.
*/
static int open_db(thp_index *idx, struct thp_err *err)
{
    int flags = idx->writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                              : SQLITE_OPEN_READONLY;
    struct fault f;
    int rc;

    memset(&f, 0, sizeof f);
    if (connect_db(idx, idx->path, flags, &f, err) != SQLITE_OK)
        return err && err->rc ? err->rc : open_error(idx, &f, err);
    if (idx->writable && sqlite3_db_readonly(idx->db, "main") == 1) {
        f.rc = SQLITE_READONLY;
        snprintf(f.msg, sizeof f.msg, "the file is read-only");
        return open_error(idx, &f, err);
    }
    if ((rc = probe(idx, &f)) == SQLITE_OK)
        return THP_OK;
    switch (rc & 0xFF) {
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_PERM:
        if (idx->writable)
            break;
        sqlite3_close(idx->db);
        idx->db = NULL;
        if (open_immutable(idx, err) == THP_OK)
            return THP_OK;
        if (hot_journal(idx->path))
            return thp_err_set(err, THP_ERR_IO,
                               "cannot read index '%s': a writer stopped in "
                               "the middle of a change (its -journal is "
                               "left); run thp-index on it once to roll "
                               "the change back", idx->path);
        break;
    default:
        break;
    }
    return open_error(idx, &f, err);
}

int thp_index_open(const char *path, int flags, thp_index **out,
                   struct thp_err *err)
{
    thp_index *idx;
    int i;

    *out = NULL;
    idx = thp_calloc(1, sizeof *idx);
    if (idx == NULL || (idx->path = thp_strdup(path)) == NULL) {
        thp_free(idx);
        return thp_err_set(err, THP_ERR_NOMEM, "opening index: out of memory");
    }
    idx->writable = (flags & THP_INDEX_WRITE) != 0;
    if (!idx->writable && access(path, F_OK) != 0) {
        if (errno == ENOENT)
            thp_err_set(err, THP_ERR_NOTFOUND,
                        "no index at '%s': build one with thp-index", path);
        else
            thp_err_set(err, THP_ERR_IO, "cannot read index '%s': %s", path,
                        strerror(errno));
        goto fail;
    }
    if (open_db(idx, err) != THP_OK)
        goto fail;
    /* WAL only once the file is known to be ours (it rewrites the header) */
    if (check_schema(idx, err) != THP_OK)
        goto fail;
    /* term statistics for query expansion (expand.c), in temp: read-only
    ** connections may create it */
    if (exec(idx, "CREATE VIRTUAL TABLE " THP_T_VOCAB " USING fts5vocab(main,"
                  " '" THP_T_FTS "', 'row')", err) != THP_OK)
        goto fail;
    if (idx->writable &&
        (exec(idx, "PRAGMA journal_mode=WAL", err) != THP_OK ||
         exec(idx, "PRAGMA synchronous=NORMAL", err) != THP_OK ||
         exec(idx, WRITER_PRAGMAS, err) != THP_OK))
        goto fail;
    if (idx->writable) {
        sqlite3_wal_hook(idx->db, on_wal, idx);
        if (thp_index_wal_limit(idx, THP_INDEX_WAL_LIMIT, err) != THP_OK)
            goto fail;
    }
    if (idx->writable && next_run(idx, err) != THP_OK)
        goto fail;
    for (i = 0; i < ST__N; i++) {
        if (!idx->writable && i != ST_COUNT && i != ST_SRC_GET)
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

int thp_index_immutable(const thp_index *idx)
{
    return idx->immutable;
}

int thp_index_changed(const thp_index *idx)
{
    struct stat sb;

    if (idx == NULL || !idx->immutable)
        return 0;
    if (stat(idx->path, &sb) != 0 || sb.st_dev != idx->seen.st_dev ||
        sb.st_ino != idx->seen.st_ino || sb.st_size != idx->seen.st_size ||
        sb.st_mtim.tv_sec != idx->seen.st_mtim.tv_sec ||
        sb.st_mtim.tv_nsec != idx->seen.st_mtim.tv_nsec)
        return 1;
    return wal_has_frames(idx->path);
}

void thp_index_close(thp_index *idx)
{
    int i;

    if (idx == NULL)
        return;
    if (idx->in_batch)
        thp_index_commit(idx, NULL);
    /* a writer leaves the write-ahead log empty: a file renamed over this
    ** one later must not be read through a log that belongs to the path */
    if (idx->writable && idx->db)
        sqlite3_exec(idx->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
                     NULL);
    for (i = 0; i < ST__N; i++)
        sqlite3_finalize(idx->st[i]);
    sqlite3_close(idx->db);
    thp_free(idx->shared);
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

int thp_index_source_get(thp_index *idx, const char *path,
                         struct thp_source_state *st, struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_SRC_GET];
    int rc;

    memset(st, 0, sizeof *st);
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const unsigned char *status = sqlite3_column_text(s, 0);
        const unsigned char *h = sqlite3_column_text(s, 3);

        st->found = 1;
        st->failed = status && strcmp((const char *)status, "ok") != 0;
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

/*
** The write-ahead log, kept in bounds while readers search. SQLite's
** automatic checkpoint (PASSIVE) copies pages back into the file but never
** waits for a reader, and a log is only written again from its start once
** no reader still reads it: with searches running all the time that never
** happens, and a 20,000-page run grew the log to 632 MB. So the writer
** checkpoints itself, after a commit (between sources) once the log holds
** its limit (thp_index_wal_limit, default THP_INDEX_WAL_LIMIT), in RESTART
** mode: it waits (the busy timeout) for the readers of old snapshots to
** finish, after which the next commit writes the log from its start, and
** journal_size_limit trims the file back to the limit. A checkpoint that
** cannot finish in time is tried again after the next commit. Checkpoints
** that far apart write each hot page back rarely (every 32,000 pages
** instead of 1,000 took the 50,000-page benchmark from 10.2 s to 9.5 s);
** the log is emptied when the writer closes.
*/
int thp_index_wal_limit(thp_index *idx, int64_t bytes, struct thp_err *err)
{
    char sql[64];
    int page = 4096;
    sqlite3_stmt *st;

    if (!idx->writable)
        return thp_err_set(err, THP_ERR_MISUSE, "index opened read-only");
    if (sqlite3_prepare_v2(idx->db, "PRAGMA page_size", -1, &st, NULL) ==
        SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0)
            page = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    if (bytes < page)
        bytes = page;
    idx->wal_limit = (int)(bytes / page < INT_MAX ? bytes / page : INT_MAX);
    snprintf(sql, sizeof sql, "PRAGMA journal_size_limit=%lld",
             (long long)bytes);
    return exec(idx, sql, err);
}

/* After a commit: a RESTART checkpoint once the log is long (above). */
static void bound_wal(thp_index *idx)
{
    int log = 0, done = 0;

    if (idx->wal_pages < idx->wal_limit)
        return;
    if (sqlite3_wal_checkpoint_v2(idx->db, "main", SQLITE_CHECKPOINT_RESTART,
                                  &log, &done) == SQLITE_OK)
        idx->wal_pages = 0;
}

int thp_index_commit(thp_index *idx, struct thp_err *err)
{
    if (!idx->in_batch)
        return THP_OK;
    idx->in_batch = 0;
    if (exec(idx, "COMMIT", err) != THP_OK)
        return THP_ERR_DB;
    bound_wal(idx);
    return THP_OK;
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
    if (v && *v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* Step a statement that returns no rows; reset it. */
static int step_done(thp_index *idx, sqlite3_stmt *s, struct thp_err *err,
                     const char *what)
{
    int rc = sqlite3_step(s);

    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_error(idx, err, what);
    return THP_OK;
}

/* Step a statement expected to give one integer (or none: dflt). */
static int step_int(thp_index *idx, sqlite3_stmt *s, int64_t dflt,
                    int64_t *out, struct thp_err *err, const char *what)
{
    int rc = sqlite3_step(s);

    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : dflt;
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_error(idx, err, what);
    return THP_OK;
}

/*==================== Near-duplicates ====================*/

/* A word byte: ASCII letter or digit (isalnum in the C locale), or any
** byte >= 0x80, so any script makes words. */
static int word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') ||
           ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Bit i of the byte x to byte i of the result, as 0 or 1. */
static uint64_t spread8(unsigned x)
{
    uint64_t t = ((uint64_t)x * 0x0101010101010101ULL) &
                 0x8040201008040201ULL;

    /* byte i is 0 or 2^i; adding 0x80 - 2^i sets its bit 7 only if set */
    return ((t + 0x00406070787C7E7FULL) >> 7) & 0x0101010101010101ULL;
}

/*
** The next word 3-shingle of the text at *sp: words are runs of word
** bytes, ASCII-lowercased, each hashed with FNV-1a; a shingle is the
** last three words' hashes combined and mixed (splitmix64's finaliser).
** w and *nwords carry the state between calls (start zeroed). Returns 1
** with *h set, or 0 at the end of the text.
*/
static int next_shingle(const unsigned char **sp, uint64_t w[3],
                        size_t *nwords, uint64_t *h)
{
    const unsigned char *s = *sp;

    for (;;) {
        uint64_t wh = 0xcbf29ce484222325ULL;
        int len = 0;

        while (*s && !word_byte(*s))
            s++;
        while (*s && word_byte(*s)) {
            unsigned c = *s >= 'A' && *s <= 'Z' ? *s | 0x20u : *s;

            wh = (wh ^ c) * 0x100000001b3ULL;
            s++;
            len++;
        }
        if (len == 0) {
            *sp = s;
            return 0;
        }
        w[0] = w[1];
        w[1] = w[2];
        w[2] = wh;
        if (++*nwords < 3)
            continue;
        *h = (w[0] * 31 + w[1]) * 31 + w[2];
        *h ^= *h >> 33;
        *h *= 0xff51afd7ed558ccdULL;
        *h ^= *h >> 33;
        *h *= 0xc4ceb9fe1a85ec53ULL;
        *h ^= *h >> 33;
        *sp = s;
        return 1;
    }
}

/*
** 64-bit simhash of the word 3-shingles of text: each shingle's hash votes
** on every bit, and a bit is set when more than half the shingles have it.
** Words are runs of word bytes, ASCII-lowercased. Texts of fewer than 24
** words get 0 (too short to call near-duplicates). The ones are counted
** eight bits at a time in byte lanes, flushed before a lane can overflow.
*/
static uint64_t simhash(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    uint64_t ones[64] = {0}, lanes[8] = {0};
    uint64_t w[3] = {0, 0, 0}, h = 0, nsh = 0;
    size_t nwords = 0;
    int b, k, pending = 0;

    while (next_shingle(&s, w, &nwords, &h)) {
        for (k = 0; k < 8; k++)
            lanes[k] += spread8((unsigned)(h >> (8 * k)) & 0xFF);
        nsh++;
        if (++pending == 255) { /* a lane holds at most 255 */
            for (b = 0; b < 64; b++)
                ones[b] += (lanes[b / 8] >> (8 * (b % 8))) & 0xFF;
            memset(lanes, 0, sizeof lanes);
            pending = 0;
        }
    }
    if (nwords < 24)
        return 0;
    for (b = 0; b < 64; b++)
        ones[b] += (lanes[b / 8] >> (8 * (b % 8))) & 0xFF;
    h = 0;
    for (b = 0; b < 64; b++)
        if (2 * ones[b] > nsh) /* more votes for 1 than for 0 */
            h |= 1ULL << b;
    return h ? h : 1;
}

/*
** The near-duplicate group for a document with simhash sh: that of a
** stored document within 3 bits (found through the 16-bit bands: two
** hashes within 3 bits agree on at least one band), or 0 for none.
*/
static int near_group(thp_index *idx, uint64_t sh, int64_t self,
                      int64_t *group, struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_NEAR];
    int rc;

    *group = 0;
    if (sh == 0)
        return THP_OK;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)sh);
    sqlite3_bind_int64(s, 2, self);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        uint64_t other = (uint64_t)sqlite3_column_int64(s, 1);

        if (__builtin_popcountll(other ^ sh) <= 3) {
            *group = sqlite3_column_int64(s, 2);
            break;
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_error(idx, err, "looking for near-duplicates");
    return THP_OK;
}

/*
** The shingle sample of text (see struct thp_digest): the word 3-shingles
** hashed as simhash() hashes them, those that are 0 mod 4 kept, the
** smallest THP_DIGEST_SAMPLES of them, sorted and distinct.
*/
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static void shingle_sample(const char *str, struct thp_digest *out)
{
    const unsigned char *s = (const unsigned char *)str;
    uint64_t w[3] = {0, 0, 0}, *v = out->sample, top = 0, h;
    size_t nwords = 0;
    int n = 0, k, at = 0;

    while (next_shingle(&s, w, &nwords, &h)) {
        h &= 0x7FFFFFFFFFFFFFFFULL; /* stored as a positive SQLite integer */
        if ((h & 3) != 0)
            continue;
        if (n < THP_DIGEST_SAMPLES) {
            v[n++] = h;
            continue;
        }
        /* full: the smallest are kept, so replace the largest */
        if (top == 0 || h < v[at]) {
            for (k = 0, at = 0; k < n; k++)
                if (v[k] > v[at])
                    at = k;
            top = 1;
        }
        if (h < v[at] && h != v[at]) {
            for (k = 0; k < n && v[k] != h; k++)
                ;
            if (k == n) {
                v[at] = h;
                top = 0; /* look for the new largest next time */
            }
        }
    }
    qsort(v, (size_t)n, sizeof *v, cmp_u64);
    for (k = 0, out->nsample = 0; k < n; k++)
        if (out->nsample == 0 || v[k] != v[out->nsample - 1])
            v[out->nsample++] = v[k];
}

/*
** Share of the smaller text's sampled shingles that occur in the larger
** from which the two are one thing told twice (a listing's item and the
** event's own page): 75%. Two different events that share boilerplate
** stay apart (on the corpus: every item inside its own page 79% to 100%,
** any other pair below 30%). Texts with fewer than CONTAIN_MIN samples
** (about 30 words) are too short to judge.
*/
#define CONTAIN_PCT 75
#define CONTAIN_MIN 8

/*
** A shingle more than CONTAIN_COMMON documents hold is boilerplate (a
** stock phrase, a template's sentence): it cannot tell which text
** contains which, so it counts for no candidate and is left out of the
** share. Reading at most CONTAIN_COMMON + 1 documents per shingle bounds
** the work per document (256 shingles), whatever the index's size: the
** same item on two or three pages is far below it.
*/
#define CONTAIN_COMMON 64

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/*
** The group of a stored document that contains most of this one or is
** mostly contained in it (see CONTAIN_PCT), or *group unchanged.
*/
static int contain_group(thp_index *idx, const struct thp_digest *d,
                         int64_t self, int64_t *group, struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_SH_FIND];
    int64_t *ids;
    size_t nids = 0, i, j;
    int k, rc = SQLITE_DONE, best_pct = 0, common = 0;

    if (d->nsample < CONTAIN_MIN)
        return THP_OK;
    /* room for every sample's rows, made once per writer (130 KiB) */
    if (idx->shared == NULL &&
        (idx->shared = thp_malloc((size_t)THP_DIGEST_SAMPLES *
                                  (CONTAIN_COMMON + 1) * sizeof *ids)) ==
            NULL)
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    ids = idx->shared;
    /* every document sharing each uncommon shingle, self left out */
    for (k = 0; k < d->nsample; k++) {
        size_t first = nids, rows = 0;

        sqlite3_bind_int64(s, 1, (sqlite3_int64)d->sample[k]);
        sqlite3_bind_int(s, 2, CONTAIN_COMMON + 1);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(s, 0);

            rows++;
            if (id != self)
                ids[nids++] = id;
        }
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            break;
        if (rows > CONTAIN_COMMON) {
            nids = first;
            common++;
        }
    }
    if (nids > 1)
        qsort(ids, nids, sizeof *ids, cmp_i64);
    /* each run of one id is a candidate with that many shared shingles */
    s = idx->st[ST_SH_DOC];
    for (i = 0; rc == SQLITE_DONE && i < nids; i = j) {
        int hits, other, smaller, pct;

        for (j = i + 1; j < nids && ids[j] == ids[i]; j++)
            ;
        hits = (int)(j - i);
        if (hits < CONTAIN_MIN)
            continue;
        sqlite3_bind_int64(s, 1, ids[i]);
        rc = sqlite3_step(s);
        if (rc != SQLITE_ROW) {
            sqlite3_reset(s);
            continue;
        }
        other = sqlite3_column_int(s, 0);
        smaller = (other < d->nsample ? other : d->nsample) - common;
        pct = smaller >= CONTAIN_MIN ? hits * 100 / smaller : 0;
        if (pct >= CONTAIN_PCT && pct > best_pct) {
            best_pct = pct;
            *group = sqlite3_column_int64(s, 1);
        }
        sqlite3_reset(s);
        rc = SQLITE_DONE;
    }
    if (rc != SQLITE_DONE)
        return db_error(idx, err, "looking for contained texts");
    return THP_OK;
}

/*
** Store the shingle sample of document doc; replace: it had one (a
** rewritten document). Only then the multi-row DELETE, whose statement
** savepoint would make FTS5 flush its pending terms (see ST_FTS_ADD).
*/
static int put_shingles(thp_index *idx, int64_t doc,
                        const struct thp_digest *d, int replace,
                        struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_SH_ADD];
    int i;

    sqlite3_bind_int64(idx->st[ST_SH_CLEAR], 1, doc);
    if (replace &&
        step_done(idx, idx->st[ST_SH_CLEAR], err, "clearing shingles"))
        return THP_ERR_DB;
    for (i = 0; i < d->nsample; i++) {
        sqlite3_bind_int64(s, 1, (sqlite3_int64)d->sample[i]);
        sqlite3_bind_int64(s, 2, doc);
        if (step_done(idx, s, err, "storing shingles") != THP_OK)
            return THP_ERR_DB;
    }
    return THP_OK;
}

/*==================== Writing documents ====================*/

/* Searchable metadata: the fields a researcher may search by name. */
static void meta_text(const struct thp_record *r, char *out, size_t len)
{
    snprintf(out, len, "%s%s%s%s%s%s%s", r->location ? r->location : "",
             r->location && (r->partners || r->authors) ? "\n" : "",
             r->partners ? r->partners : "",
             r->partners && r->authors ? "\n" : "",
             r->authors ? r->authors : "", r->date ? "\n" : "",
             r->date ? r->date : "");
}

static void bind_doc(sqlite3_stmt *s, const struct thp_record *r,
                     const char *meta, const char *hash, uint64_t sh,
                     int nsample, int64_t group)
{
    bind_opt(s, 1, r->source_key);
    bind_opt(s, 2, r->source_path);
    bind_opt(s, 3, r->url ? r->url : r->path ? r->path : r->source_path);
    bind_opt(s, 4, r->anchor);
    bind_opt(s, 5, r->kind ? r->kind : "page");
    sqlite3_bind_text(s, 6, r->title ? r->title : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, r->body ? r->body : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, meta, -1, SQLITE_STATIC);
    bind_opt(s, 9, r->date);
    if (r->year)
        sqlite3_bind_int(s, 10, r->year);
    else
        sqlite3_bind_null(s, 10);
    bind_opt(s, 11, r->location);
    bind_opt(s, 12, r->partners);
    bind_opt(s, 13, r->authors);
    bind_opt(s, 14, r->links);
    if (r->page)
        sqlite3_bind_int(s, 15, r->page);
    else
        sqlite3_bind_null(s, 15);
    bind_opt(s, 16, r->lang);
    bind_opt(s, 17, r->charset);
    bind_opt(s, 18, r->repairs);
    sqlite3_bind_text(s, 19, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 20, (sqlite3_int64)sh);
    sqlite3_bind_int64(s, 21, r->mtime);
    sqlite3_bind_int64(s, 22, r->size);
    bind_opt(s, 23, r->path ? r->path : r->source_key);
    sqlite3_bind_int(s, 24, nsample);
    if (group)
        sqlite3_bind_int64(s, 25, group);
    else
        sqlite3_bind_null(s, 25);
    sqlite3_bind_int64(s, 26, (sqlite3_int64)time(NULL));
}

/* Hash of everything a reader sees of a document (not where it is). */
static void content_hash(const struct thp_record *r, const char *meta,
                         char out[17])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    const char *parts[4];
    size_t i;

    parts[0] = r->title ? r->title : "";
    parts[1] = r->body ? r->body : "";
    parts[2] = meta;
    parts[3] = r->kind ? r->kind : "";
    for (i = 0; i < 4; i++) {
        const unsigned char *p = (const unsigned char *)parts[i];

        for (; *p; p++)
            h = (h ^ *p) * 0x100000001b3ULL;
        h = (h ^ 0x1f) * 0x100000001b3ULL; /* field separator */
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

void thp_index_digest(const struct thp_record *rec, struct thp_digest *out)
{
    char meta[2048];

    meta_text(rec, meta, sizeof meta);
    content_hash(rec, meta, out->hash);
    out->simhash = simhash(rec->body ? rec->body : "");
    shingle_sample(rec->body ? rec->body : "", out);
}

static int link_source(thp_index *idx, const struct thp_record *r,
                       int64_t doc, struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_LINK_UPSERT];

    sqlite3_bind_text(s, 1, r->source_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, doc);
    sqlite3_bind_text(s, 3, r->source_path, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, r->url ? r->url : r->path ? r->path
                                                      : r->source_path,
                      -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, idx->gen);
    sqlite3_bind_text(s, 6, r->path ? r->path : r->source_key, -1,
                      SQLITE_STATIC);
    return step_done(idx, s, err, "linking a source");
}

/* Add doc's text to the FTS index (strings borrowed for the call). */
static int fts_add(thp_index *idx, int64_t doc, const char *title,
                   const char *body, const char *meta, const char *lang,
                   struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_FTS_ADD];
    int rc;

    sqlite3_bind_int64(s, 1, doc);
    sqlite3_bind_text(s, 2, title, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, body, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, meta, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, lang ? lang : "", -1, SQLITE_STATIC);
    rc = step_done(idx, s, err, "updating the text index");
    sqlite3_clear_bindings(s);
    return rc;
}

/*
** Take doc's stored text out of the FTS index (an external-content table
** must be told the old values to remove their terms).
*/
static int fts_drop(thp_index *idx, int64_t doc, struct thp_err *err)
{
    sqlite3_stmt *get = idx->st[ST_DOC_TEXT], *s = idx->st[ST_FTS_DROP];
    int rc, found, i;

    sqlite3_bind_int64(get, 1, doc);
    rc = sqlite3_step(get);
    found = rc == SQLITE_ROW;
    if (found) {
        sqlite3_bind_int64(s, 1, doc);
        for (i = 0; i < 3; i++) /* sqlite3_bind_value copies */
            sqlite3_bind_value(s, i + 2, sqlite3_column_value(get, i));
    }
    sqlite3_reset(get);
    if (!found && rc != SQLITE_DONE)
        return db_error(idx, err, "reading a document's text");
    if (!found)
        return THP_OK;
    rc = step_done(idx, s, err, "updating the text index");
    sqlite3_clear_bindings(s);
    return rc;
}

/* Delete doc if nothing links to it any more, else re-point its primary. */
static int drop_if_orphan(thp_index *idx, int64_t doc, long *removed,
                          struct thp_err *err)
{
    int64_t links = 0;

    sqlite3_bind_int64(idx->st[ST_LINK_OTHERS], 1, doc);
    sqlite3_bind_text(idx->st[ST_LINK_OTHERS], 2, "", -1, SQLITE_STATIC);
    if (step_int(idx, idx->st[ST_LINK_OTHERS], 0, &links, err,
                 "counting links"))
        return THP_ERR_DB;
    if (links == 0 && fts_drop(idx, doc, err) != THP_OK)
        return THP_ERR_DB;
    sqlite3_bind_int64(idx->st[ST_DOC_ORPHAN], 1, doc);
    if (step_done(idx, idx->st[ST_DOC_ORPHAN], err, "removing a document"))
        return THP_ERR_DB;
    sqlite3_bind_int64(idx->st[ST_SH_ORPHAN], 1, doc);
    if (links == 0 &&
        step_done(idx, idx->st[ST_SH_ORPHAN], err, "removing shingles"))
        return THP_ERR_DB;
    if (removed && links == 0)
        (*removed)++;
    sqlite3_bind_int64(idx->st[ST_DOC_REPRIMARY], 1, doc);
    return step_done(idx, idx->st[ST_DOC_REPRIMARY], err,
                     "re-pointing a document");
}

static int put_doc(thp_index *idx, const struct thp_record *rec,
                   const struct thp_digest *dg, const char *meta,
                   int *outcome, struct thp_err *err);

/* Whether code is one of the space-separated codes in list. */
static int lang_listed(const char *list, const char *code)
{
    size_t n = strlen(code);

    while (*list) {
        size_t k = strcspn(list, " ");

        if (k == n && memcmp(list, code, n) == 0)
            return 1;
        list += k;
        list += strspn(list, " ");
    }
    return 0;
}

/* Add code to the language list of idx, or give the list up ("every
** language") when it would not fit. */
static void langs_add(thp_index *idx, const char *code)
{
    size_t have = strlen(idx->langs), n = strlen(code);

    if (idx->langs_all || lang_listed(idx->langs, code))
        return;
    if (have + n + 2 > sizeof idx->langs || n == 0 || strchr(code, ' ')) {
        idx->langs_all = 1;
        idx->langs[0] = '\0';
        return;
    }
    snprintf(idx->langs + have, sizeof idx->langs - have, "%s%s",
             have ? " " : "", code);
}

/*
** Keep meta 'doc_langs', the languages the documents are in, in the same
** transaction as the document: readers look for query stems only in those
** (thp_tok_query_langs), so the list may hold more than the documents use
** (a removed document's language stays) but never less. An index written
** before the list existed gets it from its documents, once. A list that
** would pass 63 bytes is stored as "", which readers take as every
** language.
*/
static int note_lang(thp_index *idx, const char *lang, struct thp_err *err)
{
    sqlite3_stmt *st = NULL;
    int dirty = 0;

    if (!idx->langs_loaded) {
        int found = 0;

        idx->langs[0] = '\0';
        idx->langs_all = 0;
        if (sqlite3_prepare_v2(idx->db, "SELECT value FROM meta WHERE key ="
                               " 'doc_langs'", -1, &st, NULL) != SQLITE_OK)
            return db_error(idx, err, "reading the documents' languages");
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *v = (const char *)sqlite3_column_text(st, 0);

            found = 1;
            if (v == NULL || *v == '\0' || strlen(v) >= sizeof idx->langs)
                idx->langs_all = 1;
            else
                strcpy(idx->langs, v);
        }
        sqlite3_finalize(st);
        if (!found) {
            /* an older index: its documents' languages, one scan */
            if (sqlite3_prepare_v2(idx->db, "SELECT DISTINCT lang FROM "
                                   THP_T_DOCS " WHERE lang != ''", -1, &st,
                                   NULL) != SQLITE_OK)
                return db_error(idx, err, "reading the documents' languages");
            while (sqlite3_step(st) == SQLITE_ROW) {
                const char *l = (const char *)sqlite3_column_text(st, 0);

                if (l)
                    langs_add(idx, l);
            }
            sqlite3_finalize(st);
            dirty = 1;
        }
        idx->langs_loaded = 1;
    }
    if (!idx->langs_all && !lang_listed(idx->langs, lang)) {
        langs_add(idx, lang);
        dirty = 1;
    }
    if (!dirty)
        return THP_OK;
    if (sqlite3_prepare_v2(idx->db, "INSERT OR REPLACE INTO meta(key, value)"
                           " VALUES ('doc_langs', ?1)", -1, &st, NULL) !=
            SQLITE_OK ||
        (sqlite3_bind_text(st, 1, idx->langs, -1, SQLITE_STATIC),
         sqlite3_step(st)) != SQLITE_DONE) {
        sqlite3_finalize(st);
        return db_error(idx, err, "storing the documents' languages");
    }
    sqlite3_finalize(st);
    return THP_OK;
}

int thp_index_put(thp_index *idx, const struct thp_record *rec, int *outcome,
                  struct thp_err *err)
{
    char meta[2048];
    const struct thp_digest *dg;
    struct thp_digest *own = NULL;
    int rc;

    if ((rc = begin_batch(idx, err)) != THP_OK)
        return rc;
    meta_text(rec, meta, sizeof meta);
    dg = rec->digest;
    if (dg == NULL) { /* 2 KB: not on the stack */
        own = thp_malloc(sizeof *own);
        if (own == NULL)
            return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
        thp_index_digest(rec, own);
        dg = own;
    }
    rc = put_doc(idx, rec, dg, meta, outcome, err);
    thp_free(own);
    if (rc == THP_OK && rec->lang && *rec->lang)
        rc = note_lang(idx, rec->lang, err);
    return rc;
}

static int put_doc(thp_index *idx, const struct thp_record *rec,
                   const struct thp_digest *dg, const char *meta,
                   int *outcome, struct thp_err *err)
{
    const char *hash = dg->hash;
    int64_t old = 0, same = 0, others = 0, group = 0, id;
    uint64_t sh;
    sqlite3_stmt *s;
    int rc;

    sqlite3_bind_text(idx->st[ST_LINK_GET], 1, rec->source_key, -1,
                      SQLITE_STATIC);
    if (step_int(idx, idx->st[ST_LINK_GET], 0, &old, err, "looking up a key"))
        return THP_ERR_DB;
    sqlite3_bind_text(idx->st[ST_DOC_BY_HASH], 1, hash, -1, SQLITE_STATIC);
    if (step_int(idx, idx->st[ST_DOC_BY_HASH], 0, &same, err,
                 "looking up a text"))
        return THP_ERR_DB;

    if (same) {
        /* this text is stored already: link to it */
        if (link_source(idx, rec, same, err) != THP_OK)
            return THP_ERR_DB;
        if (old && old != same &&
            drop_if_orphan(idx, old, NULL, err) != THP_OK)
            return THP_ERR_DB;
        if (outcome)
            *outcome = old == same ? THP_PUT_UNCHANGED : THP_PUT_DUPLICATE;
        return THP_OK;
    }

    if (old) {
        s = idx->st[ST_LINK_OTHERS];
        sqlite3_bind_int64(s, 1, old);
        sqlite3_bind_text(s, 2, rec->source_key, -1, SQLITE_STATIC);
        if (step_int(idx, s, 0, &others, err, "counting links"))
            return THP_ERR_DB;
    }
    sh = dg->simhash;
    if (near_group(idx, sh, old, &group, err) != THP_OK)
        return THP_ERR_DB;
    /* not near by simhash: one text mostly inside the other? */
    if (group == 0 && contain_group(idx, dg, old, &group, err) != THP_OK)
        return err->rc ? err->rc : THP_ERR_DB;
    if (old && others == 0) {
        /* the key's own document changed: rewrite it, keeping its id */
        if (fts_drop(idx, old, err) != THP_OK)
            return THP_ERR_DB;
        s = idx->st[ST_DOC_UPDATE];
        bind_doc(s, rec, meta, hash, sh, dg->nsample, group);
        sqlite3_bind_int64(s, 27, old);
        rc = step_done(idx, s, err, "updating a document");
        id = old;
    } else {
        s = idx->st[ST_DOC_INSERT];
        bind_doc(s, rec, meta, hash, sh, dg->nsample, group);
        rc = step_done(idx, s, err, "storing a document");
        id = sqlite3_last_insert_rowid(idx->db);
    }
    sqlite3_clear_bindings(s);
    if (rc == THP_OK)
        rc = fts_add(idx, id, rec->title ? rec->title : "",
                     rec->body ? rec->body : "", meta, rec->lang, err);
    if (rc == THP_OK)
        rc = put_shingles(idx, id, dg, id == old, err);
    if (rc != THP_OK || link_source(idx, rec, id, err) != THP_OK)
        return THP_ERR_DB;
    /* a shared document this key left may need a new primary source */
    if (old && old != id && drop_if_orphan(idx, old, NULL, err) != THP_OK)
        return THP_ERR_DB;
    if (outcome)
        *outcome = old ? THP_PUT_UPDATED : THP_PUT_ADDED;
    idx->batch_docs++;
    return THP_OK;
}

/*==================== Sources ====================*/

/*
** Remove the links of path not stamped with this run (all of them when
** every_link), and the documents left without a source.
*/
static int drop_stale(thp_index *idx, const char *path, int every_link,
                      long *removed, struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_STALE];
    int64_t *docs = NULL;
    char **keys = NULL;
    size_t n = 0, cap = 0, i;
    int rc = THP_OK, step;

    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, every_link ? -1 : idx->gen);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            int64_t *d = thp_realloc(docs, ncap * sizeof *d);
            char **k = d ? thp_realloc(keys, ncap * sizeof *k) : NULL;

            if (d)
                docs = d;
            if (k)
                keys = k;
            if (d == NULL || k == NULL) {
                rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
                break;
            }
            cap = ncap;
        }
        keys[n] = thp_strdup((const char *)sqlite3_column_text(s, 0));
        docs[n] = sqlite3_column_int64(s, 1);
        if (keys[n] == NULL) {
            rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
            break;
        }
        n++;
    }
    sqlite3_reset(s);
    if (rc == THP_OK && step != SQLITE_DONE)
        rc = db_error(idx, err, "listing a source's documents");
    for (i = 0; rc == THP_OK && i < n; i++) {
        sqlite3_bind_text(idx->st[ST_LINK_DELETE], 1, keys[i], -1,
                          SQLITE_STATIC);
        rc = step_done(idx, idx->st[ST_LINK_DELETE], err, "unlinking");
        if (rc == THP_OK)
            rc = drop_if_orphan(idx, docs[i], removed, err);
    }
    for (i = 0; i < n; i++)
        thp_free(keys[i]);
    thp_free(keys);
    thp_free(docs);
    return rc;
}

int thp_index_source_done(thp_index *idx, const struct thp_source *src,
                          long *removed, struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_SRC_UPSERT];
    int rc;

    if ((rc = begin_batch(idx, err)) != THP_OK)
        return rc;
    /* a failed source keeps what it had; a good one drops what it lost */
    if (src->error == NULL &&
        drop_stale(idx, src->path, 0, removed, err) != THP_OK)
        return THP_ERR_DB;
    sqlite3_bind_text(s, 1, src->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, src->size);
    sqlite3_bind_int64(s, 3, src->mtime);
    sqlite3_bind_text(s, 4, src->hash ? src->hash : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, src->error ? "failed" : "ok", -1, SQLITE_STATIC);
    bind_opt(s, 6, src->error);
    sqlite3_bind_int64(s, 7, idx->run);
    sqlite3_bind_int64(s, 8, (sqlite3_int64)time(NULL));
    if (step_done(idx, s, err, "recording a source") != THP_OK)
        return THP_ERR_DB;
    idx->gen++; /* the next source's links get a new stamp */
    if (idx->batch_docs >= THP_INDEX_BATCH)
        return thp_index_commit(idx, err);
    return THP_OK;
}

int thp_index_source_seen(thp_index *idx, const char *path, int64_t mtime,
                          int64_t size, struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_SRC_SEEN];
    int rc = begin_batch(idx, err);

    if (rc != THP_OK)
        return rc;
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, idx->run);
    sqlite3_bind_int64(s, 3, mtime);
    sqlite3_bind_int64(s, 4, size);
    return step_done(idx, s, err, "marking a source seen");
}

int thp_index_source_keep(thp_index *idx, const char *path,
                          struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_KEEP];
    int rc = begin_batch(idx, err);

    if (rc != THP_OK)
        return rc;
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, idx->run);
    return step_done(idx, s, err, "keeping sources");
}

int thp_index_sweep(thp_index *idx, const char *root, long *removed,
                    long *docs_removed, struct thp_err *err)
{
    sqlite3_stmt *s = idx->st[ST_SWEEP];
    char *path;
    int rc;

    if ((rc = begin_batch(idx, err)) != THP_OK)
        return rc;
    /* one at a time: removing rows while stepping the query is unsafe */
    for (;;) {
        sqlite3_bind_text(s, 1, root, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, idx->run);
        rc = sqlite3_step(s);
        path = rc == SQLITE_ROW
                   ? thp_strdup((const char *)sqlite3_column_text(s, 0))
                   : NULL;
        sqlite3_reset(s);
        if (rc == SQLITE_DONE)
            return THP_OK;
        if (rc != SQLITE_ROW)
            return db_error(idx, err, "listing vanished sources");
        if (path == NULL)
            return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
        rc = drop_stale(idx, path, 1, docs_removed, err);
        if (rc == THP_OK) {
            sqlite3_bind_text(idx->st[ST_SRC_DELETE], 1, path, -1,
                              SQLITE_STATIC);
            rc = step_done(idx, idx->st[ST_SRC_DELETE], err,
                           "removing a source");
        }
        thp_free(path);
        if (rc != THP_OK)
            return rc;
        if (removed)
            (*removed)++;
    }
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

void thp_index_hash_part(uint64_t *state, const void *p, size_t n,
                         char out[17])
{
    const unsigned char *s = p;
    uint64_t h = *state;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    *state = h;
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

void thp_index_hash(const void *p, size_t n, char out[17])
{
    uint64_t h = THP_INDEX_HASH_START;

    thp_index_hash_part(&h, p, n, out);
}

/* ---- stored best hits of frequent words (toplist.h) -------------------- */

int thp_index_fingerprint(thp_index *idx, char fp[17], struct thp_err *err)
{
    sqlite3 *db = thp_index_db(idx);
    sqlite3_stmt *st = NULL;
    int rc;

    /* FTS5's structure record (rowid 10) changes with every write */
    if (sqlite3_prepare_v2(db, "SELECT block FROM " THP_T_FTS "_data"
                           " WHERE id = 10", -1, &st, NULL) != SQLITE_OK)
        return thp_err_set(err, THP_ERR_DB, "reading the index: %s",
                           sqlite3_errmsg(db));
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        thp_index_hash(sqlite3_column_blob(st, 0),
                       (size_t)sqlite3_column_bytes(st, 0), fp);
    else
        memcpy(fp, "0000000000000000", 17);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return thp_err_set(err, THP_ERR_DB, "reading the index: %s",
                           sqlite3_errmsg(db));
    return THP_OK;
}

/* The meta key lists are valid for: fingerprint, then the parameters. */
static int make_key(thp_index *idx, char *key, size_t len,
                    struct thp_err *err)
{
    struct thp_rank_params p;
    char fp[17];
    size_t n;
    int rc;

    if ((rc = thp_index_fingerprint(idx, fp, err)) != THP_OK)
        return rc;
    thp_rank_defaults(&p);
    memcpy(key, fp, 16);
    key[16] = ' ';
    n = thp_rank_format(&p, key + 17, len - 17);
    if (n >= len - 17)
        return thp_err_set(err, THP_ERR_MISUSE, "ranking parameters too long");
    return THP_OK;
}

static int stored_key(thp_index *idx, char *out, size_t len)
{
    sqlite3_stmt *st = NULL;
    int found = 0;

    out[0] = '\0';
    if (sqlite3_prepare_v2(thp_index_db(idx), "SELECT value FROM meta WHERE"
                           " key = 'toplist'", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);

        if (v && strlen(v) < len) {
            strcpy(out, v);
            found = 1;
        }
    }
    sqlite3_finalize(st);
    return found;
}

int thp_index_toplist_key(thp_index *idx, char *key, size_t len, int *valid,
                    struct thp_err *err)
{
    char have[600];
    int rc = make_key(idx, key, len, err);

    *valid = rc == THP_OK && stored_key(idx, have, sizeof have) &&
             !strcmp(have, key);
    return rc;
}



int thp_index_toplist_store(thp_index *idx, const char *key,
                            const struct thp_toplist_row *rows, size_t n,
                            struct thp_err *err)
{
    sqlite3_stmt *st = NULL;
    size_t i;
    int rc;

    if (idx->in_batch && thp_index_commit(idx, err) != THP_OK)
        return err && err->rc ? err->rc : THP_ERR_DB;
    if (exec(idx, "BEGIN IMMEDIATE", err) != THP_OK)
        return err && err->rc ? err->rc : THP_ERR_DB;
    if (exec(idx, "CREATE TABLE IF NOT EXISTS toplist(term TEXT PRIMARY KEY,"
                  " total INTEGER NOT NULL, hits BLOB NOT NULL) WITHOUT ROWID;"
                  " DELETE FROM toplist", err) != THP_OK)
        goto fail;
    if (sqlite3_prepare_v2(idx->db, "INSERT OR REPLACE INTO toplist(term,"
                           " total, hits) VALUES (?1, ?2, ?3)", -1, &st,
                           NULL) != SQLITE_OK) {
        db_error(idx, err, "storing best hits");
        goto fail;
    }
    for (i = 0; i < n; i++) {
        sqlite3_bind_text(st, 1, rows[i].term, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, rows[i].total);
        sqlite3_bind_blob(st, 3, rows[i].hits,
                          (int)(rows[i].nhits * 16), SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            db_error(idx, err, "storing best hits");
            goto fail;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    /* the words of the index with their document counts, for completions
    ** and "did you mean" (fts5vocab counts postings on every read) */
    if (exec(idx, "CREATE TABLE IF NOT EXISTS vocab(term TEXT PRIMARY KEY,"
                  " df INTEGER NOT NULL) WITHOUT ROWID; DELETE FROM vocab;"
                  " INSERT INTO vocab(term, df) SELECT term, doc FROM "
                  THP_T_VOCAB " WHERE doc >= 2 AND term NOT GLOB '~*'",
             err) != THP_OK)
        goto fail;
    if (sqlite3_prepare_v2(idx->db, "INSERT OR REPLACE INTO meta(key, value)"
                           " VALUES ('toplist', ?1)", -1, &st, NULL) !=
            SQLITE_OK ||
        (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC),
         sqlite3_step(st)) != SQLITE_DONE) {
        db_error(idx, err, "storing best hits");
        goto fail;
    }
    sqlite3_finalize(st);
    return exec(idx, "COMMIT", err);
fail:
    sqlite3_finalize(st);
    exec(idx, "ROLLBACK", NULL);
    return err && err->rc ? err->rc : THP_ERR_DB;
}
