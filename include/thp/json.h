/*
** json.h: writing JSON into a struct thp_buf. Writers only; thp-search
** never needs to parse JSON except JSON Lines input (a later module).
** Strings are expected to be UTF-8; invalid bytes are written as U+FFFD,
** so the output is always valid JSON.
*/
#ifndef THP_JSON_H
#define THP_JSON_H

#include <stddef.h>

#include "thp/buf.h"

/* Append s[0..n) as a quoted JSON string. */
int thp_json_str(struct thp_buf *b, const char *s, size_t n);

/* Append a NUL-terminated string, or null when s is NULL. */
int thp_json_cstr(struct thp_buf *b, const char *s);

/* Append "key": (with a leading comma unless first is non-zero). */
int thp_json_key(struct thp_buf *b, const char *key, int first);

#endif
