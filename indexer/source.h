/*
** source.h: one source file made ready for the index without touching the
** index: read and hashed (src_read), then decoded, repaired, extracted,
** split into documents and each document digested (src_prepare). This is
** pure work on the struct src alone, so worker threads may prepare many
** sources at once; only the writer (main.c) stores them.
**
** The documents of a listing are its items (key path#anchor), of a paged
** report its pages (path#page=N), of any other page the page itself.
*/
#ifndef THP_SOURCE_H
#define THP_SOURCE_H

#include <stddef.h>
#include <sys/stat.h>

#include "thp/buf.h"
#include "thp/err.h"
#include "thp/index.h"
#include "thp/lang.h"

/* Largest source read; larger ones fail with THP_ERR_TOOBIG. */
#define SRC_MAX_FILE (64u << 20)

enum src_kind { K_NONE, K_HTML, K_TEXT, K_PDF };

/* How far the work on a source went. */
enum src_state {
    SRC_NEW,      /* nothing done yet */
    SRC_READ,     /* read and hashed (or failed: rc) */
    SRC_PREPARED  /* documents ready (or failed: rc) */
};

/* One document, ready for thp_index_put. */
struct src_doc {
    struct thp_record rec;    /* strings point into the source's arena */
    struct thp_digest digest; /* rec.digest points here */
    char lang[4];             /* detected language, rec.lang when set */
};

/*
** The language detector src_prepare gives every document's text to (NULL:
** none; documents then have no language, i.e. the index's default). Set
** it before any worker starts; it is only read, by any number of threads.
*/
void src_set_lang(const struct thp_lang *det);

/*
** A document's language: det's answer for its body, or for its title if
** the body says nothing (a report is detected page by page). Returns code
** holding it, or NULL (code "") when undecided or det is NULL.
*/
const char *src_detect_lang(const struct thp_lang *det, const char *body,
                            const char *title, char code[4]);

struct src {
    char *path;             /* its name in the index (owned) */
    char *abs;              /* where to read it (owned) */
    char *rel;              /* its path below the corpus root (owned) */
    struct stat st;
    enum src_kind kind;
    struct thp_source_state prev; /* the manifest's entry as a hint, when
                                     hinted is set */
    int hinted;

    enum src_state state;
    int rc;                 /* THP_OK, or why reading or preparing failed */
    struct thp_err err;     /* its message, for the log */
    int not_text;           /* refused as binary (err: "not text (why)") */
    struct thp_buf raw;     /* the file's bytes, until prepared */
    size_t nbytes;          /* bytes read */
    char hash[17];          /* of the raw bytes, once read */
    char charset[32];       /* what the bytes were decoded as */
    struct src_doc *docs;   /* documents, in key order of the source */
    size_t ndocs;
    struct thp_buf arena;   /* every string the documents point to */
};

/* What kind of source a path names, by its extension. */
enum src_kind src_kind_of(const char *path);

/*
** The address documents get when their page names none: base (ending in
** '/') joined with the source's path below its corpus root, then #anchor
** or #page=N. NULL (the default): documents without their own address
** are addressed by their local path. Set before any worker starts.
*/
void src_set_url_base(const char *base);

/*
** A new source for path (its name in the index), abs (where it is), rel
** (its path below the corpus root being walked, for --url-base) and st. NULL when memory runs out. Free with src_free.
*/
struct src *src_new(const char *path, const char *abs, const char *rel,
                    const struct stat *st);
void src_free(struct src *s);

/* Read the whole file at path (size bytes expected) into b. */
int src_read_file(const char *path, size_t size, struct thp_buf *b,
                  struct thp_err *err);

/* Read and hash the file (state SRC_READ; on failure rc and err set). */
void src_read(struct src *s);

/*
** Decode, extract, split and digest (state SRC_PREPARED; on failure rc
** and err set, the documents made before the failure kept). Reads the
** file first if that was not done. Frees the raw bytes.
*/
void src_prepare(struct src *s);

/* Bytes the source holds now, for the queue's memory bound. */
size_t src_weight(const struct src *s);

#endif
