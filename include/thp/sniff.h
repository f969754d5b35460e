/*
** sniff.h: is a file that is named like text really text? Files under a
** text name (.html, .htm, .txt) that are archives, images, executables or
** random bytes are refused with a reason instead of being indexed as
** thousands of garbage characters.
**
** Two looks, before and after decoding (text.h):
**   thp_sniff_bytes  the raw bytes: a known binary signature at the start
**                    (ZIP, PNG, JPEG, GIF, PDF, ELF, gzip, bzip2, xz, 7z,
**                    RAR, zstd, OLE2/MS Office, SQLite, WebP, TIFF, Java
**                    class, WebAssembly, PE), or NUL bytes (eight or
**                    more) that are not the zeros of UTF-16 or UTF-32
**                    text (a stray one or two count as controls below);
**   thp_sniff_text   the decoded, cleaned text and what the decoder
**                    counted: too high a share of characters that are
**                    undecodable (U+FFFD) or control characters (which
**                    the cleaner dropped).
** Real text in any script and encoding passes: letters of any alphabet
** are never counted against a file, only U+FFFD and controls, and a
** short file is judged like a long one (a single word passes; three bytes
** that decode to one U+FFFD do not).
**
** Both return THP_OK or THP_ERR_SYNTAX with err->msg "not text (why)",
** e.g. "not text (ZIP archive)", "not text (NUL bytes)", "not text (62%
** of characters undecodable or control)". Pure and thread-safe.
*/
#ifndef THP_SNIFF_H
#define THP_SNIFF_H

#include <stddef.h>

#include "thp/err.h"
#include "thp/text.h"

/*
** Look at raw bytes s[0..n) of a file under a text name. Returns THP_OK,
** or THP_ERR_SYNTAX ("not text (...)") for a binary signature or NULs
** that UTF-16/UTF-32 text does not explain.
*/
int thp_sniff_bytes(const char *s, size_t n, struct thp_err *err);

/*
** Look at clean text s[0..n) (thp_text_prepare's output) with the counts
** info recorded while making it. Returns THP_OK, or THP_ERR_SYNTAX when
** undecodable and control characters make up THP_SNIFF_BAD_PCT percent or
** more of the characters (at least one of them).
*/
int thp_sniff_text(const char *s, size_t n, const struct thp_text_info *info,
                   struct thp_err *err);

/* Share of bad characters, in percent, from which text is refused. */
#define THP_SNIFF_BAD_PCT 10

/* Name of the binary format whose signature s[0..n) starts with, or NULL. */
const char *thp_sniff_signature(const char *s, size_t n);

#endif
