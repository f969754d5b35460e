/*
** jsonread.h: reading one line of JSON Lines input into a flat object.
**
** thp-index --jsonl takes documents as one JSON object per line:
** {"id", "title", "text"} and optionally "url", "date", "kind", "lang".
** thp_jsonread_parse reads one such line strictly by RFC 8259 and keeps
** the object's top-level members:
**
**   strings   unescaped to UTF-8 (\" \\ \/ \b \f \n \r \t \uXXXX; a
**             surrogate pair becomes one code point, a lone surrogate
**             U+FFFD); "\u0000" gives a NUL byte, so use the lengths
**   numbers   their text exactly as written ("id": 0012 is an error,
**             "id": 1.50e3 gives "1.50e3")
**   true, false   the text "true" / "false"
**   null      no value (val is NULL)
**   objects, arrays   validated to the last byte, then skipped (val is
**             NULL): a researcher's file may carry nested metadata
**
** Rejected, as THP_ERR_SYNTAX with err->pos the 0-based byte offset in
** the line and a message naming it ("expected ':' after key at byte 17"):
** a line that is not one object (an array, a bare value, data after the
** closing brace), unterminated strings, bad escapes, control characters
** below 0x20 inside strings, invalid UTF-8 inside strings (unless
** THP_JSONREAD_REPLACE), numbers outside the JSON grammar (leading zeros,
** "1.", "+1", ".5", NaN), trailing commas, and nesting deeper than
** THP_JSONREAD_DEPTH (the top-level object is depth 1; the parser's stack
** use is bounded by it, whatever the input).
**
** Tolerated, as RFC 8259 allows: a UTF-8 byte order mark at the start of
** the line (the first line of a file written on Windows), whitespace
** (space, tab, CR, LF) anywhere between tokens, so the line may be passed
** with or without its "\n" or "\r\n".
**
** Duplicate keys: every member stays in v[], in line order; the lookups
** (thp_jsonread_find, thp_jsonread_get) return the LAST one, so a later
** "title" overrides an earlier one, even when the later value is null or
** nested (then the key reads as absent).
**
** Memory: an object is set up once with thp_jsonread_init, reused for
** every line (after the first few lines a parse allocates nothing) and
** freed with thp_jsonread_release. Everything it points to is owned by
** the object and lives until the next parse or the release. Its size is
** bounded by a small multiple of the line length, so the caller's cap on
** line length is the cap on memory. Not thread-safe: one object per
** thread.
*/
#ifndef THP_JSONREAD_H
#define THP_JSONREAD_H

#include <stddef.h>

#include "thp/buf.h"
#include "thp/err.h"

/* Deepest nesting accepted; the top-level object is depth 1. */
#define THP_JSONREAD_DEPTH 64

/* Flags for thp_jsonread_parse. */
#define THP_JSONREAD_REPLACE 0x1 /* invalid UTF-8 in a string -> U+FFFD */

/* What a member's value was. */
enum thp_jsonread_type {
    THP_JSONREAD_NULL = 0,
    THP_JSONREAD_FALSE,
    THP_JSONREAD_TRUE,
    THP_JSONREAD_NUMBER,
    THP_JSONREAD_STRING,
    THP_JSONREAD_OBJECT, /* skipped */
    THP_JSONREAD_ARRAY   /* skipped */
};

/* One top-level member of the object. */
struct thp_jsonread_field {
    const char *key; /* unescaped UTF-8, NUL-terminated */
    size_t keylen;   /* bytes of key, without the NUL */
    const char *val; /* NUL-terminated text; NULL for null/object/array */
    size_t len;      /* bytes of val, without the NUL; 0 when val is NULL */
    int type;        /* enum thp_jsonread_type */
    size_t pos;      /* byte offset of the value in the line */
};

struct thp_jsonread_obj {
    struct thp_jsonread_field *v; /* members in line order, duplicates kept */
    size_t n;                     /* members in v */
    size_t cap;                   /* private: slots allocated in v */
    struct thp_buf store;         /* private: the bytes keys/vals point to */
};

/* Set up an empty object. Cannot fail; allocates nothing. */
void thp_jsonread_init(struct thp_jsonread_obj *obj);

/*
** Parse the line line[0..n) (need not be NUL-terminated) into obj,
** replacing what obj held. flags: 0 or THP_JSONREAD_REPLACE.
**
** Returns THP_OK; THP_ERR_NOTFOUND for a blank line (empty or only
** whitespace), which is not an error: err is left untouched and the caller
** skips the line; THP_ERR_SYNTAX with err->pos and err->msg as above; or
** THP_ERR_NOMEM. On any failure obj is left empty (n == 0) but keeps its
** allocations for the next line, so nothing leaks and release still frees.
*/
int thp_jsonread_parse(const char *line, size_t n, int flags,
                       struct thp_jsonread_obj *obj, struct thp_err *err);

/*
** The last member named key (a NUL-terminated UTF-8 string, compared
** byte for byte), or NULL when there is none. Borrowed from obj until its
** next parse or release.
*/
const struct thp_jsonread_field *
thp_jsonread_find(const struct thp_jsonread_obj *obj, const char *key);

/*
** The text of the last member named key: a string unescaped, a number or
** boolean as written. NULL when the key is absent or its value is null,
** an object or an array. *len (len may be NULL) gets the length, 0 with
** NULL. Borrowed from obj until its next parse or release.
*/
const char *thp_jsonread_get(const struct thp_jsonread_obj *obj,
                             const char *key, size_t *len);

/* Free everything obj holds; obj is left empty and reusable. NULL is ok. */
void thp_jsonread_release(struct thp_jsonread_obj *obj);

#endif
