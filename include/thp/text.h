/*
** text.h: turning bytes of unknown encoding into clean UTF-8.
**
** Every document passes through thp_text_prepare() before anything else
** looks at it, so the index only ever holds valid UTF-8. The steps:
**
**   decode  BOM, then strict UTF-8 validation, then a declared charset
**           (HTML <meta charset>, http-equiv, XML declaration), then
**           libuchardet's guess, then Windows-1252; converted with iconv.
**           Bytes that cannot be decoded become U+FFFD and are counted.
**   repair  (repair.h) character references decoded in plain text (HTML
**           leaves them to its parser), then mojibake undone: UTF-8 that
**           was once read through a single-byte code page
**   clean   C1 controls that are really Windows-1252 punctuation are
**           mapped back, NUL and other control characters and terminal
**           escapes dropped, line ends (and U+2028, U+2029) made LF,
**           no-break spaces and runs of blanks folded, and the result
**           normalised to NFC (utf8proc) where the quick check doubts
**           it.
**
** For input that is UTF-8 already (most), the repair's scan validates it
** in the same pass and hands the text to cleaning piece by piece, so it
** is read once and not copied between the steps.
**
** What was decided and changed is reported in struct thp_text_info so the
** indexer can record it per document.
*/
#ifndef THP_TEXT_H
#define THP_TEXT_H

#include <stddef.h>

#include "thp/buf.h"
#include "thp/err.h"
#include "thp/repair.h"

/* Flags for thp_text_decode / thp_text_prepare. */
#define THP_TEXT_HTML 0x1 /* look for a charset declaration in markup */

/* How the input encoding was chosen. */
enum thp_text_source {
    THP_SRC_NONE = 0,
    THP_SRC_BOM,      /* a byte order mark */
    THP_SRC_UTF8,     /* the bytes are valid UTF-8 (or plain ASCII) */
    THP_SRC_DECLARED, /* <meta charset>, http-equiv or <?xml encoding?> */
    THP_SRC_DETECTED, /* libuchardet's statistical guess */
    THP_SRC_FALLBACK  /* nothing better: Windows-1252 */
};

struct thp_text_info {
    char charset[32];      /* encoding the bytes were read as */
    char declared[32];     /* what the document declared, or "" */
    int source;            /* enum thp_text_source */
    int confidence;        /* 0..100: how sure the decoder is */
    size_t n_invalid;      /* undecodable bytes, now U+FFFD */
    size_t n_mixed;        /* stray non-UTF-8 bytes read as Windows-1252 */
    size_t n_c1;           /* C1 controls mapped to Windows-1252 */
    size_t n_controls;     /* control characters and NULs dropped */
    size_t n_spaces;       /* no-break spaces folded to spaces */
    int normalized;        /* 1 if NFC changed the text */
    struct thp_repair_info repair; /* mojibake and references undone */
};

/* Reset an info record before use. */
void thp_text_info_init(struct thp_text_info *info);

/* Name of an enum thp_text_source value ("bom", "utf-8", ...). */
const char *thp_text_source_name(int source);

/* 1 if s[0..n) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int thp_text_utf8_valid(const char *s, size_t n);

/*
** Decode in[0..n) to UTF-8, appended to out. Never fails on bad bytes
** (they become U+FFFD); fails only on THP_ERR_NOMEM / THP_ERR_TOOBIG from
** out. info may be NULL.
*/
int thp_text_decode(const char *in, size_t n, int flags, struct thp_buf *out,
                    struct thp_text_info *info, struct thp_err *err);

/*
** Clean valid UTF-8 in[0..n) (see above), appended to out. in must be valid
** UTF-8 (as thp_text_decode produces). info may be NULL.
*/
int thp_text_clean(const char *in, size_t n, struct thp_buf *out,
                   struct thp_text_info *info, struct thp_err *err);

/*
** The whole pipeline: decode, repair (references only without
** THP_TEXT_HTML), clean. out receives the result; on an error it may
** hold part of it.
*/
int thp_text_prepare(const char *in, size_t n, int flags, struct thp_buf *out,
                     struct thp_text_info *info, struct thp_err *err);

/*
** Append info as a JSON object of what was detected and changed:
** {"charset","source","confidence", then only non-zero counts:
** "invalid_bytes","mixed_bytes","c1_controls","controls_dropped",
** "nbsp_folded","nfc", and "mojibake"/"layers"/"entities" from repair}.
*/
int thp_text_info_json(const struct thp_text_info *info, struct thp_buf *out);

/* Append a few lines in plain words of what was detected and changed. */
int thp_text_info_explain(const struct thp_text_info *info,
                          struct thp_buf *out);

#endif
