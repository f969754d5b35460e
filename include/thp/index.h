/*
** index.h: the index file: an SQLite database with a documents table and
** an FTS5 table over it. Only lib/index.c creates tables or writes; query.c
** reads through the connection this module opens.
**
** Schema (version THP_SCHEMA_VERSION, kept in meta):
**   meta(key, value)             schema_version, analysis, created_at
**   documents(id, source_key, source_path, url, kind, title, body, date,
**             lang, charset, repairs, hash, mtime, size, indexed_at)
**   documents_fts(title, body)   FTS5, external content = documents,
**                                kept in step by triggers
**
** Writers use WAL mode and batched transactions: a crash loses at most the
** open batch, never the index. Readers (CLI, daemon) open read-only and keep
** answering while a writer works.
*/
#ifndef THP_INDEX_H
#define THP_INDEX_H

#include <stdint.h>

#include <sqlite3.h>

#include "thp/err.h"

#define THP_SCHEMA_VERSION 1

/* Flags for thp_index_open. */
#define THP_INDEX_READ  0x0 /* read-only; the index must exist */
#define THP_INDEX_WRITE 0x1 /* create if missing, take the writer role */

typedef struct thp_index thp_index;

/* What the index knows of a source, for the unchanged check. */
struct thp_source_state {
    int found;        /* 0 if the source key is not in the index */
    int64_t id;       /* document id */
    int64_t mtime;    /* source modification time, seconds */
    int64_t size;     /* source size, bytes */
    char hash[17];    /* content hash, 16 hex digits */
};

/* One document to store. Strings are borrowed for the call; NULL = none. */
struct thp_record {
    const char *source_key;  /* stable identity: path, or path#anchor */
    const char *source_path; /* file it came from */
    const char *url;         /* where a reader finds it */
    const char *kind;        /* "page", "item", "report" */
    const char *title;
    const char *body;
    const char *date;        /* ISO 8601 prefix: 2011, 2011-09, 2011-09-28 */
    const char *lang;
    const char *charset;     /* what the bytes were decoded as */
    const char *repairs;     /* JSON object of fixes applied, or NULL */
    const char *hash;        /* content hash, 16 hex digits */
    int64_t mtime;
    int64_t size;
};

/*
** Open (and with THP_INDEX_WRITE, create) the index at path. On success
** *out is the caller's, closed with thp_index_close. On failure *out is
** NULL and err says why: a missing file, a database of another schema or
** analysis version (THP_ERR_CORRUPT, with the advice to rebuild).
*/
int thp_index_open(const char *path, int flags, thp_index **out,
                   struct thp_err *err);

/* Commit any open batch, finalize statements and close. NULL is a no-op. */
void thp_index_close(thp_index *idx);

/* The connection, for query.c. Owned by idx. */
sqlite3 *thp_index_db(thp_index *idx);

/* Path the index was opened with. Owned by idx. */
const char *thp_index_path(const thp_index *idx);

/* Look up a source by key. st->found tells whether it is indexed. */
int thp_index_lookup(thp_index *idx, const char *source_key,
                     struct thp_source_state *st, struct thp_err *err);

/*
** Insert or replace the document with rec->source_key. *updated (may be
** NULL) is set to 1 if it replaced an earlier version. Joins the open batch
** (starting one if needed) and commits every THP_INDEX_BATCH documents.
*/
int thp_index_put(thp_index *idx, const struct thp_record *rec, int *updated,
                  struct thp_err *err);

/* Record a new mtime/size for an unchanged source (same hash). */
int thp_index_touch(thp_index *idx, const char *source_key, int64_t mtime,
                    int64_t size, struct thp_err *err);

/* Commit the open batch, if any. */
int thp_index_commit(thp_index *idx, struct thp_err *err);

/* Number of documents. */
int thp_index_count(thp_index *idx, int64_t *n, struct thp_err *err);

/* Documents per batch transaction. */
#define THP_INDEX_BATCH 500

/* 64-bit FNV-1a of s[0..n) as 16 lowercase hex digits plus NUL. */
void thp_index_hash(const void *s, size_t n, char out[17]);

#endif
