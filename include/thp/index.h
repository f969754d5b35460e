/*
** index.h: the index file: an SQLite database of sources, documents and
** an FTS5 table over the documents. Only lib/index.c creates tables or
** writes; query.c reads through the connection this module opens.
**
** Schema (version THP_SCHEMA_VERSION, kept in meta):
**   meta(key, value)          schema_version, analysis, created_at, run
**   sources(path, ...)        the manifest: one row per file seen, with its
**                             size, mtime, content hash, status and error
**   documents(id, ...)        one row per distinct document (a page, an
**                             item of a listing, a report): text, metadata
**                             and the source it was first found in
**   doc_sources(source_key)   every place a document was found: the same
**                             item on two pages is one document, two rows
**   documents_text            a view: documents' text columns with the
**                             language tag the tokenizer reads (tok.h)
**   documents_fts(title, body, meta)   FTS5 with the "thp" tokenizer,
**                             external content (documents_text), kept in
**                             step by index.c's own statements (not
**                             triggers)
**
** Every connection this module opens has the "thp" tokenizer and the
** thp_rank() ranking function (rank.h) registered. An index made with
** another schema or analysis version is refused, by readers and writers
** alike, with a message saying to rebuild it (thp-index --full).
**
** Writing goes source by source: thp_index_put() for each document of a
** source, then thp_index_source_done(). Batches are committed only between
** sources, so a crash (even SIGKILL) leaves every source either as it was
** or fully updated, and the next run finishes the work. Readers (CLI,
** daemon) open read-only and keep answering while a writer works (WAL).
*/
#ifndef THP_INDEX_H
#define THP_INDEX_H

#include <stdint.h>

#include <sqlite3.h>

#include "thp/err.h"

#define THP_SCHEMA_VERSION 5

/* Flags for thp_index_open. */
#define THP_INDEX_READ  0x0 /* read-only; the index must exist */
#define THP_INDEX_WRITE 0x1 /* create if missing, take the writer role */

typedef struct thp_index thp_index;

/* What the manifest knows of a source file. */
struct thp_source_state {
    int found;        /* 0 if the path is not in the manifest */
    int failed;       /* 1 if the last attempt failed */
    int64_t mtime;    /* modification time, seconds */
    int64_t size;     /* bytes */
    char hash[17];    /* content hash of the raw bytes, 16 hex digits */
};

/* A source file as seen now, for thp_index_source_done. */
struct thp_source {
    const char *path;
    int64_t mtime, size;
    const char *hash;   /* of the raw bytes */
    const char *error;  /* NULL if it was indexed, else why it failed */
};

/*
** What thp_index_put derives from a record's text alone: the content hash
** (identical text is stored once) and the simhash (near-duplicates). It
** needs no database, so a program may compute it beforehand, on another
** thread, with thp_index_digest.
*/
/* Most shingle samples kept per document (the smallest hashes). */
#define THP_DIGEST_SAMPLES 256

struct thp_digest {
    char hash[17];     /* content hash, 16 hex digits */
    uint64_t simhash;  /* 0 for texts too short to compare */
    /*
    ** A consistent sample of the body's word 3-shingles: the hashes that
    ** are 0 mod 4, sorted, at most THP_DIGEST_SAMPLES (the smallest).
    ** Whether a shingle is sampled depends on the shingle alone, so the
    ** share of one text's samples found among another's estimates how
    ** much of the first the second contains.
    */
    uint64_t sample[THP_DIGEST_SAMPLES];
    int nsample;
};

/* One document to store. Strings are borrowed for the call; NULL = none. */
struct thp_record {
    const char *source_key;  /* stable identity: path, or path#anchor */
    const char *source_path; /* file it came from */
    const char *url;         /* the address a visitor opens (a web
                                address); default: path, else
                                source_path */
    const char *path;        /* where it is locally: the source's path and
                                #anchor / #page=N (default: source_key) */
    const char *anchor;      /* item anchor within the page, or NULL */
    const char *kind;        /* "page", "item", "report" */
    const char *title;
    const char *body;
    const char *date;        /* ISO 8601 prefix: 2011, 2011-09, 2011-09-28 */
    int year;                /* 0 when unknown */
    const char *location, *partners, *authors;
    const char *links;       /* report links, one per line */
    int page;                /* report page, 0 when not a report page */
    const char *lang;
    const char *charset;     /* what the bytes were decoded as */
    const char *repairs;     /* JSON object of fixes applied, or NULL */
    int64_t mtime, size;     /* of the source file */
    const struct thp_digest *digest; /* thp_index_digest of this record,
                                        or NULL: thp_index_put computes it */
};

/* What thp_index_put did. */
enum {
    THP_PUT_ADDED = 1,   /* a new document */
    THP_PUT_UPDATED,     /* the document of this key changed */
    THP_PUT_UNCHANGED,   /* the same text was already stored for this key */
    THP_PUT_DUPLICATE    /* the same text is stored from another source */
};

/*
** Open (and with THP_INDEX_WRITE, create) the index at path. On success
** *out is the caller's, closed with thp_index_close. On failure *out is
** NULL and err says what really failed: no file (THP_ERR_NOTFOUND); a
** database of another schema or analysis version (THP_ERR_CORRUPT, with
** the advice to rebuild); a file that is not a thp-search index
** (THP_ERR_MISUSE); the index, its -wal or its -shm file that may not be
** read, written or created, with the system's reason, or a full disk
** (THP_ERR_IO).
**
** A reader needs the -shm file of SQLite's WAL mode. When it may not
** create it (a read-only folder or file system) and the log is empty, the
** file is opened as immutable: read as it is, without locks; then
** thp_index_immutable says so and thp_index_changed tells when to reopen.
*/
int thp_index_open(const char *path, int flags, thp_index **out,
                   struct thp_err *err);

/* 1 if idx is a reader that opened its file as immutable (above). */
int thp_index_immutable(const thp_index *idx);

/*
** 1 if an immutable reader's file has changed since it was opened: it was
** replaced, written in place (size or modification time) or a writer's
** log has appeared beside it. The reader must then close and reopen to see
** the index as it is now. Always 0 for other connections, which see every
** commit. Costs two stat calls.
*/
int thp_index_changed(const thp_index *idx);

/* Commit the open batch, finalize statements and close. NULL is a no-op. */
void thp_index_close(thp_index *idx);

/* The connection, for query.c. Owned by idx. */
sqlite3 *thp_index_db(thp_index *idx);

/* Path the index was opened with. Owned by idx. */
const char *thp_index_path(const thp_index *idx);

/* Look up a source file in the manifest. */
int thp_index_source_get(thp_index *idx, const char *path,
                         struct thp_source_state *st, struct thp_err *err);

/*
** Fill *out with rec's digest. Pure and thread-safe: touches no index.
*/
void thp_index_digest(const struct thp_record *rec, struct thp_digest *out);

/*
** Store one document of the source being indexed. The document is keyed
** by rec->source_key; identical text already stored (from any source) is
** not stored twice but linked. *outcome (may be NULL) is a THP_PUT_* value.
*/
int thp_index_put(thp_index *idx, const struct thp_record *rec, int *outcome,
                  struct thp_err *err);

/*
** Finish a source: record it in the manifest, drop documents it no longer
** holds (their count added to *removed, may be NULL), and commit if the
** batch is full. A failed source (src->error set) keeps the documents it
** had: a broken page loses nothing that was indexed before.
*/
int thp_index_source_done(thp_index *idx, const struct thp_source *src,
                          long *removed, struct thp_err *err);

/* Mark an unchanged source as seen in this run (new mtime/size kept). */
int thp_index_source_seen(thp_index *idx, const char *path, int64_t mtime,
                          int64_t size, struct thp_err *err);

/*
** Mark the sources at or under path (a file or folder that could not be
** read this time) as seen in this run, so that the sweep keeps them and
** their documents.
*/
int thp_index_source_keep(thp_index *idx, const char *path,
                          struct thp_err *err);

/*
** Remove the sources under root (a file or folder path as walked) that
** this run did not see, with their documents. The numbers of sources and
** of documents removed (a document another source still holds stays) are
** added to *removed and *docs_removed (each may be NULL).
*/
int thp_index_sweep(thp_index *idx, const char *root, long *removed,
                    long *docs_removed, struct thp_err *err);

/* Commit the open batch, if any. */
int thp_index_commit(thp_index *idx, struct thp_err *err);

/*
** The write-ahead log's bound for a writer: once a commit leaves the log
** at bytes or more, the writer waits for readers of older snapshots to
** finish and has the log written again from its start, trimmed back to
** bytes (SQLite's RESTART checkpoint and journal_size_limit). The log may
** pass the bound by its largest transaction (a batch of sources; a JSON
** Lines file is one source, so one transaction), or more while a reader
** keeps a snapshot longer than the busy timeout (5 s). Set at open to
** THP_INDEX_WAL_LIMIT.
*/
#define THP_INDEX_WAL_LIMIT ((int64_t)64 << 20)
int thp_index_wal_limit(thp_index *idx, int64_t bytes, struct thp_err *err);

/* Number of documents. */
int thp_index_count(thp_index *idx, int64_t *n, struct thp_err *err);

/* Documents per batch transaction (a batch ends only between sources). */
#define THP_INDEX_BATCH 500

/*
** The stored best hits of frequent words (toplist.h): replace them all
** with n rows (term, total, hits blob), the table vocab (every exact word
** in two or more documents, with its document count) and the meta
** 'toplist' key, in one transaction. hits[i] is a blob of (id int64, score double) pairs in
** the machine's byte order, nhits[i] pairs long.
*/
/* Prefixes with stored lists (key "abc*", toplist.h): what the search
** box sends for a word being typed, of this many letters (exec.c reads
** them, toplist.c writes them). */
#define THP_TOPLIST_PREFIX_MIN 3
#define THP_TOPLIST_PREFIX_MAX 5

struct thp_toplist_row {
    const char *term;
    int64_t total;
    const void *hits;
    size_t nhits;
};
int thp_index_toplist_store(thp_index *idx, const char *key,
                            const struct thp_toplist_row *rows, size_t n,
                            struct thp_err *err);

/* A fingerprint of idx's FTS index (it changes with every write to it),
** as 16 hex digits in fp. */
int thp_index_fingerprint(thp_index *idx, char fp[17], struct thp_err *err);

/*
** The meta 'toplist' key that lists valid for idx as it is now would
** carry (the fingerprint, then the default ranking parameters), written
** to key[0..len); *valid is 1 if the stored lists have it.
*/
int thp_index_toplist_key(thp_index *idx, char *key, size_t len, int *valid,
                          struct thp_err *err);

/* 64-bit FNV-1a of s[0..n) as 16 lowercase hex digits plus NUL. */
void thp_index_hash(const void *s, size_t n, char out[17]);

/*
** The same hash over pieces: *state starts at THP_INDEX_HASH_START, each
** piece goes on from it, and out holds the hash of every piece so far.
*/
#define THP_INDEX_HASH_START 0xcbf29ce484222325ULL
void thp_index_hash_part(uint64_t *state, const void *s, size_t n,
                         char out[17]);

#endif
