/*
** repair.h: undoing mojibake and HTML character references in text that
** is valid UTF-8 (thp_repair_text_stream checks that as it goes), so the
** index holds the words people wrote.
**
** Mojibake is UTF-8 that was once read through a single-byte code page:
** "São" stored as UTF-8 (53 C3 A3 6F) and shown as Windows-1252 reads
** "SÃ£o", as Mac Roman "S√£o". thp_repair_text() finds runs of characters
** that re-encode, in one of the code pages below, to valid UTF-8, and
** swaps them for what those bytes say, up to three layers deep ("ÃƒÂ©"
** -> "Ã©" -> "é"), when the result is clearly better text: fewer unlikely
** character sequences (ftfy's badness rules, plus rules for the Mac code
** pages and Windows-1250), and characters that plausibly occur in text
** (no controls, unassigned or private-use code points, stray combining
** marks, or letters of one alphabet glued to another's). A run that is
** neither better nor worse once undone ("Ã…" for "Å") is undone only
** when the same line has a clearly better run of the same code page, or
** an earlier pass over the line undid an inner layer in that code page
** and the run gives letters of the script around it. Where runs of
** several code pages overlap, the longest wins, then a plain one, then
** the one of the code page whose runs span more of the line.
** Damage on top is undone too: a space (or nothing) where the byte 0xA0
** was ("Ã la carte"), U+FFFD or '?' for a byte the code page lacks
** (recovered when one character fits, else U+FFFD), CESU-8 surrogate
** pairs, combining marks; and, with no UTF-8 involved, Latin-1 text read
** as Mac Roman ("cafÈ" -> "café", "Helsingiss‰" -> "Helsingissä").
** docs/REPAIR.md lists every kind and what is left alone on purpose.
**
** Invariants:
**   - Output is valid UTF-8, also when the input breaks the contract
**     (invalid bytes come out as U+FFFD).
**   - Text is judged and repaired one line at a time; line ends, ASCII
**     and any line the repair does not change come out byte for byte.
**   - thp_repair_text(thp_repair_text(x)) == thp_repair_text(x): the
**     repair of a line runs until nothing more changes.
**   - Clean text in any language is meant to be left alone ("SÃO PAULO",
**     "√2", "Zürich", "İstanbul", "«École»", Greek, Cyrillic, CJK and
**     emoji are tested), though text made to look like mojibake can
**     still fool a heuristic.
**   - Quotes are never straightened and nothing is normalised; those are
**     other stages' business (thp_text_clean does NFC).
**   - Text with no two adjacent characters that could be the lead and
**     continuation bytes of UTF-8 in a single code page costs one scan.
**
** The functions keep no state between calls (their tables are built
** once, on first use, thread-safely) and are safe to call from several
** threads at once.
*/
#ifndef THP_REPAIR_H
#define THP_REPAIR_H

#include <stddef.h>

#include "thp/buf.h"
#include "thp/err.h"

/*
** The code pages mojibake is undone through. When two of them explain the
** same characters equally well, the earlier one is credited. Windows code
** pages are read as browsers read them: an undefined byte stands for the
** code point of the same number (0x81 -> U+0081).
*/
enum thp_cp {
    THP_CP_1252 = 0, /* Windows-1252, Western European */
    THP_CP_LATIN1,   /* ISO-8859-1: as 1252, but 0x80..0x9F are C1 */
    THP_CP_1250,     /* Windows-1250, Central European */
    THP_CP_1251,     /* Windows-1251, Cyrillic */
    THP_CP_1253,     /* Windows-1253, Greek */
    THP_CP_1254,     /* Windows-1254, Turkish */
    THP_CP_1257,     /* Windows-1257, Baltic */
    THP_CP_LATIN2,   /* ISO-8859-2, Central European */
    THP_CP_MACROMAN, /* Mac OS Roman (Apple's table, not glibc's) */
    THP_CP_MACCE,    /* Mac OS Central European */
    THP_CP_437,      /* IBM PC code page 437 (DOS) */
    THP_CP_COUNT
};

/* What a repair changed. Counts add up over calls until _init. */
struct thp_repair_info {
    size_t mojibake[THP_CP_COUNT]; /* runs undone, by code page; a run */
                                   /* encoded twice counts in both */
    size_t runs;          /* runs undone (a run: adjacent characters) */
    int layers;           /* most layers undone in one run (2: double) */
    size_t latin1_as_mac; /* lines of Latin-1 shown as Mac Roman, read */
                          /* again (no UTF-8 involved) */
    size_t entities;      /* character references decoded */
    size_t entities_invalid; /* of which invalid, now U+FFFD */
};

/* Reset an info record before use. */
void thp_repair_info_init(struct thp_repair_info *info);

/*
** Short name of a code page, as used in JSON ("windows-1252", "macroman",
** "mac-centraleurope", ...), or "unknown" when cp is out of range.
*/
const char *thp_repair_cp_name(int cp);

/*
** The code point byte b (0..255) stands for in code page cp, from the
** tables the repair uses; bytes below 0x80 stand for themselves. Returns
** 0 when cp is out of range. (Tests use it to make mojibake.)
*/
unsigned thp_repair_cp_char(int cp, unsigned b);

/*
** Undo mojibake in in[0..n), which should be valid UTF-8; append the
** result to out. info (may be NULL) is added to. Never fails on content:
** returns THP_OK, or THP_ERR_NOMEM / THP_ERR_TOOBIG when memory or out's
** cap runs out (recorded in err, which may be NULL; out then holds a
** partial result).
*/
int thp_repair_text(const char *in, size_t n, struct thp_buf *out,
                    struct thp_repair_info *info, struct thp_err *err);

/*
** As thp_repair_text, but when nothing needs repair out is left as it
** was and *changed is 0 (the caller keeps using in); otherwise the whole
** repaired text is appended and *changed is 1. Saves a copy of clean
** text, which is most text.
*/
int thp_repair_text_lazy(const char *in, size_t n, struct thp_buf *out,
                         struct thp_repair_info *info, struct thp_err *err,
                         int *changed);

/*
** Where thp_repair_text_stream hands its result: pieces of text, in
** order. Returns THP_OK, or an error code, which stops the repair and is
** what it returns.
*/
typedef int (*thp_repair_sink)(void *arg, const char *s, size_t n);

/*
** Undo mojibake in in[0..n), which need not be UTF-8: it is validated in
** the same pass. The result goes to sink as it is made, in pieces that
** end at line ends (but the last): unchanged text straight from in, in
** pieces of up to 64 KiB so that a consumer reads them while they are in
** cache, and repaired lines. *valid is 1 when in was valid UTF-8; when
** it is 0, the scan stopped at the first invalid byte, what sink got is
** to be thrown away and info is left as it was (the caller decodes in
** first, then repairs). Returns THP_OK, THP_ERR_NOMEM or sink's error
** (recorded in err, which may be NULL).
*/
int thp_repair_text_stream(const char *in, size_t n, thp_repair_sink sink,
                           void *arg, struct thp_repair_info *info,
                           struct thp_err *err, int *valid);

/* Add the counts of from to those of to (layers: the larger). */
void thp_repair_info_add(struct thp_repair_info *to,
                         const struct thp_repair_info *from);

/*
** Decode HTML character references in in[0..n) (UTF-8), appending to out:
** named ones with their semicolon (&amp; &eacute; &ndash; &rsquo; &euro;
** ...: the Latin-1 set, the HTML 4 punctuation, symbols and arrows, no
** Greek letters) and numeric ones (&#233; &#x2013;). As in HTML5, numbers
** 0x80..0x9F mean the Windows-1252 character of that byte (its five
** holes stay C1 controls), and 0, a surrogate or a number above U+10FFFF
** gives U+FFFD (counted in info->entities_invalid). A name in capitals
** that is not one itself stands for the capital of the lower-case
** name's character ("&EACUTE;" is "É"). Anything else, including an
** unknown name or a missing semicolon, is copied as it is. One pass: "&amp;lt;" gives
** "&lt;". Errors as for thp_repair_text.
*/
int thp_repair_entities(const char *in, size_t n, struct thp_buf *out,
                        struct thp_repair_info *info, struct thp_err *err);

/*
** Append info as a compact JSON object holding only its non-zero counts,
** code pages in enum order: {"mojibake":{"macroman":1,
** "mac-centraleurope":2},"layers":1,"entities":3,"entities_invalid":1},
** or {} when nothing was repaired.
** Returns THP_OK or out's sticky error.
*/
int thp_repair_info_json(const struct thp_repair_info *info,
                         struct thp_buf *out);

/*
** Append what was repaired in plain words, one line per kind of fix,
** each ending in '\n' (nothing when nothing was repaired), e.g.
** "2 runs of UTF-8 shown as Mac Central European, restored". For
** thp-index --explain. Returns THP_OK or out's sticky error.
*/
int thp_repair_explain(const struct thp_repair_info *info,
                       struct thp_buf *out);

#endif
