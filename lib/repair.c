/*
** repair.c: undo mojibake (UTF-8 shown through a single-byte code page)
** and decode HTML character references, in text that is already UTF-8.
**
** A line is only changed when the change makes it clearly better text;
** most text never gets past the first scan. This file does not decode
** bytes of unknown encoding (text.c does), never normalises, and never
** touches quotes; text.c calls it, so it must not include text.h. How it
** decides is described in include/thp/repair.h and, for ftfy's rules it
** builds on, in the project's text-repair notes.
*/
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "thp/buf.h"
#include "thp/mem.h"
#include "thp/repair.h"

/*
** Character classes of the badness rules. The low ones are ftfy's and
** come with the tables; the F_ ones are worked out when a window of text
** is judged.
*/
#define CLS_C1 0x00001u     /* U+0080..U+009F */
#define CLS_COMMON 0x00002u /* punctuation that is fine almost anywhere */
#define CLS_BAD 0x00004u    /* rare symbols that mojibake is full of */
#define CLS_LAW 0x00008u    /* § ¶ */
#define CLS_CUR 0x00010u    /* currency signs */
#define CLS_SP 0x00020u     /* opening punctuation */
#define CLS_EP 0x00040u     /* closing punctuation */
#define CLS_NUM 0x00080u    /* numeric and mathematical symbols */
#define CLS_KAO 0x00100u    /* letters kaomoji use beside box drawing */
#define CLS_UA 0x00200u     /* upper-case accented Latin */
#define CLS_LA 0x00400u     /* lower-case accented Latin */
#define CLS_UC 0x00800u     /* upper-case Greek and Cyrillic */
#define CLS_LC 0x01000u     /* lower-case Greek and Cyrillic */
#define CLS_BOX 0x02000u    /* box drawing */
#define F_WS 0x010000u      /* whitespace (Python's \s) */
#define F_AZ 0x020000u      /* ASCII a-z */
#define F_ALPHA 0x040000u   /* ASCII A-Z, a-z */
#define F_WORD 0x080000u    /* letter, number or '_' (Python's \w) */
#define F_LETTER 0x100000u  /* any letter */
#define F_UPPER 0x200000u   /* upper- or title-case letter */
#define F_LOWER 0x400000u   /* lower-case letter */
#define F_MACCONT 0x800000u /* a continuation byte in a Mac code page */
#define F_CONT1250 0x1000000u /* one in Windows-1250 or ISO-8859-2 */
#define F_CONT1251 0x2000000u /* one in Windows-1251 */
#define F_CONT437 0x4000000u  /* one in code page 437 */
#define F_CONT1253 0x8000000u /* one in Windows-1253 */
#define F_CONT1252 0x10000000u /* one in Windows-1252 */
/*
** Members of the sets some rules name, as bits beside the classes (every
** member is a character of the tables): classes_of() gives them too.
*/
#define S_AFTER_A_TILDE (1ull << 32)
#define S_ARABIC_FILLER (1ull << 33)
#define S_AFTER_ROOT (1ull << 34)
#define S_AFTER_QUOTE_A (1ull << 35)
#define S_CYR_CAPS (1ull << 36)
#define S_GREEK_CAPS (1ull << 37)
#define S_AFTER_BETA_EURO (1ull << 38)
#define S_LATIN_LEADS (1ull << 39)
#define S_PUNCT_CONTS (1ull << 40)
#define S_MAC_MATH (1ull << 41)
#define S_MAC_LEAD2_EXT_A (1ull << 42)
#define S_MAC_SYM_CONT (1ull << 43)
#define S_MAC_LEAD3_SYM (1ull << 44)
#define S_MAC_LEAD3_LETTER (1ull << 45)
#define S_MAC_LEAD4 (1ull << 46)
#define S_MAC_LEAD2_PUNCT (1ull << 47)
#define S_MAC_LEAD2_LATIN (1ull << 48)
#define S_MAC_LEAD2_SCRIPT (1ull << 49)
#define S_CONT_OK_BEFORE (1ull << 50)
#define S_RULE_CHAR (1ull << 51) /* a rule names it as its first */

struct cp_char {
    unsigned short cp;   /* the code point */
    unsigned short lead; /* bit k: a UTF-8 lead byte in code page k */
    unsigned short cont; /* bit k: a continuation byte in code page k */
    unsigned cls;        /* CLS_* */
    unsigned char byte[THP_CP_COUNT]; /* its byte in code page k, or 0 */
};

#include "repair_tables.h"

#define MAC_MASK ((1u << THP_CP_MACROMAN) | (1u << THP_CP_MACCE))
#define CE_MASK ((1u << THP_CP_1250) | (1u << THP_CP_LATIN2))

/* Characters of context either side of a run when it is judged. */
#define CTX 4

/* Layers undone in one run at most (more take further passes). */
#define MAX_LAYERS 3

static const char *const cp_names[THP_CP_COUNT] = {
    "windows-1252", "iso-8859-1", "windows-1250", "windows-1251",
    "windows-1253", "windows-1254", "windows-1257", "iso-8859-2",
    "macroman", "mac-centraleurope", "cp437",
};

static const char *const cp_titles[THP_CP_COUNT] = {
    "Windows-1252", "Latin-1", "Windows-1250", "Windows-1251",
    "Windows-1253", "Windows-1254", "Windows-1257", "ISO-8859-2",
    "Mac Roman", "Mac Central European", "DOS code page 437",
};

void thp_repair_info_init(struct thp_repair_info *info)
{
    memset(info, 0, sizeof *info);
}

const char *thp_repair_cp_name(int cp)
{
    if (cp < 0 || cp >= THP_CP_COUNT)
        return "unknown";
    return cp_names[cp];
}

unsigned thp_repair_cp_char(int cp, unsigned b)
{
    if (cp < 0 || cp >= THP_CP_COUNT || b > 0xFF)
        return 0;
    return b < 0x80 ? b : cp_high[cp][b - 0x80];
}

/* The table entry of code point c; entry 0 ("nothing") if it has none. */
static const struct cp_char *lookup(unsigned c)
{
    unsigned page;

    if (c >= 0x10000)
        return &cp_chars[0];
    page = cp_page[c >> 8];
    if (page == 0)
        return &cp_chars[0];
    return &cp_chars[cp_block[page - 1][c & 0xFF]];
}

/*
** The general category of each BMP character (utf8proc's), filled once
** by classes_build(): the repair asks for categories all the time.
*/
static unsigned char bmp_category[0x10000];

static inline int category(unsigned c)
{
    if (c < 0x10000)
        return bmp_category[c];
    return (int)utf8proc_category((utf8proc_int32_t)c);
}

/* c's byte in code page cp, or 0 when cp cannot write it. */
static unsigned byte_in(unsigned c, int cp)
{
    return c < 0x80 ? c : lookup(c)->byte[cp];
}

/* 1 if c is in set[0..n), a set in ascending order: by halves. */
static int sorted_has(unsigned c, const unsigned short *set, size_t n)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (set[mid] == c)
            return 1;
        if (set[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Scripts, for telling letters of two alphabets glued together. */
enum {
    SC_NONE = 0, /* not a letter, or a script that mixes freely */
    SC_LATIN,
    SC_GREEK,
    SC_CYRILLIC,
    SC_ARMENIAN,
    SC_HEBREW,
    SC_ARABIC,
    SC_BLOCK /* Indic: SC_BLOCK + (code point >> 7), one per script */
};

static int script_of(unsigned c)
{
    if (c < 0x80)
        return SC_LATIN;
    if (c < 0x0370 || (c >= 0x1E00 && c < 0x1F00) ||
        (c >= 0x2C60 && c < 0x2C80) || (c >= 0xA720 && c < 0xA800) ||
        (c >= 0xFB00 && c < 0xFB07))
        return SC_LATIN;
    if (c < 0x0400 || (c >= 0x1F00 && c < 0x2000))
        return SC_GREEK;
    if (c < 0x0530 || (c >= 0x1C80 && c < 0x1C90) ||
        (c >= 0x2DE0 && c < 0x2E00) || (c >= 0xA640 && c < 0xA6A0))
        return SC_CYRILLIC;
    if (c < 0x0590 || (c >= 0xFB13 && c < 0xFB18))
        return SC_ARMENIAN;
    if (c < 0x0600 || (c >= 0xFB1D && c < 0xFB50))
        return SC_HEBREW;
    if (c < 0x0700 || (c >= 0x0750 && c < 0x0780) ||
        (c >= 0x08A0 && c < 0x0900) || (c >= 0xFB50 && c < 0xFE00) ||
        (c >= 0xFE70 && c < 0xFF00))
        return SC_ARABIC;
    /*
    ** Past U+0800 only three-byte mojibake reaches, which clean text makes
    ** by accident far less often than two-byte: the blocks of Indic
    ** scripts are told apart, the rest (CJK, which sits next to anything,
    ** Ethiopic, ...) is not checked.
    */
    if (c >= 0x0900 && c < 0x0E00)
        return SC_BLOCK + (int)(c >> 7);
    return SC_NONE;
}

/*==================== Working memory ====================*/

/* A stretch of characters that read back as UTF-8 in one code page. */
struct run {
    size_t start, end;  /* characters [start, end) of the line */
    size_t rep, nrep;   /* its replacement: work.dec[rep .. rep + nrep) */
    int cp;             /* the code page of the outermost layer */
    int verdict;        /* VERDICT_* */
    int nlayers;        /* layers the replacement undoes */
    int suspect;        /* one character mac_suspect() distrusts */
    int judged;         /* verdict and replacement are known */
    int bad;            /* badness of the replacement, in its window */
    size_t found;       /* length of the layer-1 reading as found */
    unsigned kind;      /* EXT_* damage undone besides the code page */
    unsigned char cps[MAX_LAYERS]; /* code page of each layer, outer first */
};

enum { VERDICT_NO = 0, VERDICT_NEUTRAL, VERDICT_YES };

/* A run in the order runs are chosen: longest first, then found first. */
struct pick {
    size_t len, idx;
    unsigned kind; /* EXT_* damage the run assumes: less is preferred */
    size_t cover;  /* characters the runs of its code page span */
    uint64_t key;  /* len, plainness and cover in one number, larger */
                   /* first (PICK_KEY), when the line is short enough */
};

/* Scratch space of one call, grown as lines need it. */
/* A character's table entry, in an array (a struct, so the array is
** sized by its element rather than by a bare pointer). */
struct cp_ref {
    const struct cp_char *c;
};

struct work {
    unsigned *t, *u;       /* the line as code points; the next version */
    size_t n, cap;         /* characters in t; room in t and u */
    struct cp_ref *e;       /* table entry of each character of t */
    uint64_t *tf;          /* classes of each character of t */
    unsigned short *lm;    /* lead bits of each character of t */
    unsigned char *taken;  /* characters of t claimed by a chosen run */
    size_t *start_of;      /* index + 1 of the chosen run starting here */
    size_t *judged_at;     /* index + 1 of the first run judged here */
    size_t *run_at;        /* index + 1 of the first run found here */
    uint64_t *leadmap;     /* per code page, a bit per character of t: */
    size_t leadcap;        /* a lead that may start a run there */
                           /* (LEADMAP_WORDS words each) */
    size_t *next_at;       /* per run: index + 1 of the next run found */
    size_t nextcap;        /* at its start, or 0 */
    struct run *runs;
    size_t nruns, runcap;
    struct pick *picks;    /* the runs judged better, to be ordered */
    size_t pickcap;
    uint64_t *packed;      /* the same order as one number per run */
    size_t packcap;        /* (PACK_*), on a line short enough */
    unsigned *dec;         /* replacements of all runs, back to back */
    size_t ndec, deccap;
    unsigned *win;         /* a window being judged */
    uint64_t *wf;          /* its classes */
    size_t wincap, wfcap;
    unsigned *lv[MAX_LAYERS]; /* layers 2.. of a run being unwound (layer */
                              /* 1 is in dec, lv[0] is unused) */
    size_t lvcap;
    unsigned inner;        /* code pages of inner layers undone in the */
                           /* line by an earlier pass */
    int check;             /* stop at the first byte that is not UTF-8 */
    int invalid;           /* such a byte was met */
};

static void work_release(struct work *w)
{
    int i;

    thp_free(w->t);
    thp_free(w->u);
    thp_free(w->e);
    thp_free(w->tf);
    thp_free(w->lm);
    thp_free(w->taken);
    thp_free(w->start_of);
    thp_free(w->judged_at);
    thp_free(w->run_at);
    thp_free(w->leadmap);
    thp_free(w->next_at);
    thp_free(w->runs);
    thp_free(w->picks);
    thp_free(w->packed);
    thp_free(w->dec);
    thp_free(w->win);
    thp_free(w->wf);
    for (i = 0; i < MAX_LAYERS; i++)
        thp_free(w->lv[i]);
}

/*
** Room for need items of sz bytes in block p, which holds *cap of them:
** returns the block, moved or not, with *cap updated; or NULL when memory
** runs out or the size would overflow (p is then left as it was).
*/
static void *grow(void *p, size_t *cap, size_t need, size_t sz)
{
    size_t c = *cap ? *cap : 16;
    void *q;

    if (need <= *cap && p != NULL)
        return p;
    while (c < need) {
        if (c > ((size_t)-1) / 2 / sz)
            return NULL;
        c *= 2;
    }
    q = thp_realloc(p, c * sz);
    if (q == NULL)
        return NULL;
    *cap = c;
    return q;
}

/* Words of the map of leads of one code page, for a line of n. */
#define LEADMAP_WORDS(n) ((n) / 64 + 1)

/*
** Make room for a line of n characters in the arrays that follow the
** line (t, u, e, tf, lm, taken, start_of, judged_at, run_at), which
** share one capacity: each grows from the same w->cap to the same size;
** and in the map of leads, for a line of that capacity.
*/
static int work_line(struct work *w, size_t n)
{
    size_t cap = w->cap;
    void *p;

    if (n + 1 <= w->cap)
        return 1;
    if (n > ((size_t)-1) / 8 / THP_CP_COUNT)
        return 0;
    p = grow(w->t, &cap, n + 1, sizeof *w->t);
    if (p == NULL)
        return 0;
    w->t = p;
    cap = w->cap;
    p = grow(w->u, &cap, n + 1, sizeof *w->u);
    if (p == NULL)
        return 0;
    w->u = p;
    cap = w->cap;
    p = grow(w->e, &cap, n + 1, sizeof *w->e);
    if (p == NULL)
        return 0;
    w->e = p;
    cap = w->cap;
    p = grow(w->tf, &cap, n + 1, sizeof *w->tf);
    if (p == NULL)
        return 0;
    w->tf = p;
    cap = w->cap;
    p = grow(w->lm, &cap, n + 1, sizeof *w->lm);
    if (p == NULL)
        return 0;
    w->lm = p;
    cap = w->cap;
    p = grow(w->taken, &cap, n + 1, 1);
    if (p == NULL)
        return 0;
    w->taken = p;
    cap = w->cap;
    p = grow(w->start_of, &cap, n + 1, sizeof *w->start_of);
    if (p == NULL)
        return 0;
    w->start_of = p;
    cap = w->cap;
    p = grow(w->judged_at, &cap, n + 1, sizeof *w->judged_at);
    if (p == NULL)
        return 0;
    w->judged_at = p;
    cap = w->cap;
    p = grow(w->run_at, &cap, n + 1, sizeof *w->run_at);
    if (p == NULL)
        return 0;
    w->run_at = p;
    p = grow(w->leadmap, &w->leadcap, THP_CP_COUNT * LEADMAP_WORDS(cap),
             sizeof *w->leadmap);
    if (p == NULL)
        return 0;
    w->leadmap = p;
    w->cap = cap;
    return 1;
}

/*==================== Reading characters back as bytes ====================*/

/* Ways a cluster may deviate from plain bytes (cluster_ext's flags). */
#define EXT_A0 0x1u    /* a space (or nothing) where byte 0xA0 was */
#define EXT_LOSSY 0x2u /* U+FFFD or '?' where a byte was lost */

/* 1 if byte 0xA0 of code page cp is a no-break space. */
static int a0_is_nbsp(int cp)
{
    return cp_high[cp][0x20] == 0x00A0;
}

/* 1 if byte b is one that code page cp leaves undefined (a hole). */
static int is_hole(int cp, unsigned b)
{
    return cp <= THP_CP_1257 && cp != THP_CP_LATIN1 && b >= 0x80 &&
           b < 0xA0 && cp_high[cp][b - 0x80] == b;
}

/* A C1 control a repair produced, read as the Windows-1252 character
** of that byte (its holes stay C1, and are implausible). */
static unsigned c1_as_1252(unsigned u)
{
    return u >= 0x80 && u < 0xA0 ? cp_high[THP_CP_1252][u - 0x80] : u;
}

static int plausible_char(unsigned c, int cat);
static int is_letter_cat(int cat);
static int ascii_letter(unsigned c);

static int is_letter_or_digit(unsigned c)
{
    utf8proc_category_t cat = category(c);

    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           cat == UTF8PROC_CATEGORY_ND;
}

/* Decode b[0..len) as UTF-8, also CESU-8's surrogate pairs (6 bytes). */
static size_t decode_bytes(const unsigned char *b, size_t len, unsigned *u)
{
    if (len == 6) {
        if (b[0] != 0xED || b[1] < 0xA0 || b[1] > 0xAF || b[3] != 0xED ||
            b[4] < 0xB0 || b[4] > 0xBF || (b[2] & 0xC0) != 0x80 ||
            (b[5] & 0xC0) != 0x80)
            return 0;
        *u = 0x10000 + ((unsigned)(b[1] & 0x0F) << 16) +
             ((unsigned)(b[2] & 0x3F) << 10) +
             ((unsigned)(b[4] & 0x0F) << 6) + (b[5] & 0x3Fu);
        return 6;
    }
    /* rejects overlongs, surrogates and code points past U+10FFFF */
    return thp_utf8_at(b, len, u) == len ? len : 0;
}

/*
** If t[i..n) starts with characters that, written in code page cp, are a
** valid UTF-8 sequence of 2-4 bytes (or a CESU-8 surrogate pair, 6),
** return how many characters that is and store the code point in *u;
** otherwise return 0.
** flags (EXT_*) allow damage on top of the code page:
**   EXT_A0: a plain space where the no-break space 0xA0 was (consumed),
**     or, for "à" only, nothing at all before a non-letter after a small
**     letter ("voilÃ."); *extra is set to ' ' when the space stood for
**     both the byte and a word break ("Ã la carte" -> "à la carte");
**   EXT_LOSSY: U+FFFD (a byte undefined in cp, lost on the way) or '?'
**     (any byte) in a continuation place; the character is kept when
**     only one plausible one fits, else it becomes U+FFFD.
** *kind gets the EXT_* flags that were used (0 for a plain cluster).
** e: the table entry of each character of t, or NULL (looked up).
*/
static size_t cluster_ext(const unsigned *t,
                          const struct cp_ref *e, size_t n,
                          size_t i, int cp, unsigned flags, unsigned *u,
                          unsigned *extra, unsigned *kind)
{
    unsigned char b[6];
    size_t len, k, lost = 0, spaces = 0;
    int lostpos = -1;

    *extra = 0;
    *kind = 0;
    b[0] = (unsigned char)(e ? e[i].c->byte[cp] : byte_in(t[i], cp));
    if (b[0] < 0xC2 || b[0] > 0xF4)
        return 0;
    len = b[0] < 0xE0 ? 2 : b[0] < 0xF0 ? 3 : 4;
    if (b[0] == 0xED && i + 1 < n) {
        unsigned b1 = byte_in(t[i + 1], cp);

        if (b1 >= 0xA0 && b1 <= 0xAF)
            len = 6;
    }
    if (len > n - i) {
        /* "voilÃ" at the end of the text: the 0xA0 vanished */
        if ((flags & EXT_A0) && len == 2 && t[i] == 0xC3 && b[0] == 0xC3 &&
            i > 0 && t[i - 1] < 0x80 && t[i - 1] >= 'a' &&
            t[i - 1] <= 'z') {
            *u = 0xE0;
            *kind = EXT_A0;
            return 1;
        }
        return 0;
    }
    for (k = 1; k < len; k++) {
        unsigned c = t[i + k];

        b[k] = (unsigned char)(c < 0x80 ? c
                               : e ? e[i + k].c->byte[cp] : byte_in(c, cp));
        if ((b[k] & 0xC0) == 0x80 || (len == 6 && k == 3 && b[k] == 0xED))
            continue;
        if ((flags & EXT_A0) && c == ' ' && a0_is_nbsp(cp) && len <= 3 &&
            spaces == 0) {
            b[k] = 0xA0;
            spaces++;
            continue;
        }
        if ((flags & EXT_LOSSY) && (c == 0xFFFD || c == '?') && len <= 4 &&
            lost == 0) {
            b[k] = 0x80; /* a stand-in, tried for real below */
            lost++;
            lostpos = (int)k;
            continue;
        }
        /* "voilÃ." the 0xA0 vanished before a non-letter */
        if ((flags & EXT_A0) && k == 1 && len == 2 && t[i] == 0xC3 &&
            b[0] == 0xC3 && i > 0 && t[i - 1] >= 'a' && t[i - 1] <= 'z' &&
            c < 0x80 && c != ' ' && !ascii_letter(c) &&
            !(c >= '0' && c <= '9')) {
            *u = 0xE0;
            *kind = EXT_A0;
            return 1;
        }
        return 0;
    }
    if (lost && spaces)
        return 0;
    if (lost) {
        unsigned c = t[i + (size_t)lostpos], found = 0, nfound = 0, v;
        unsigned bb;
        int lead3 = len == 3 && b[0] == 0xE2 && (lostpos == 2) &&
                    b[1] == 0x80;

        unsigned quotes = 0, nquotes = 0, side = 0, nside = 0;
        int opening = 0, any_byte = 0;

        if (lead3) {
            /* "â€\uFFFD" is nearly always a lost quote: the one quote
            ** the lost byte can be, or the one of the side the context
            ** asks for (opening before a word) */
            unsigned prev = i > 0 ? t[i - 1] : ' ';
            unsigned next = i + len < n ? t[i + len] : ' ';

            opening = is_letter_or_digit(next) && !is_letter_or_digit(prev);
        }
    retry:
        /*
        ** the lost byte is one the code page leaves undefined; a '?' may
        ** also have stood for a byte that was lost in a conversion
        ** further on, and any is tried when no undefined one fits
        */
        for (bb = 0x80; bb < 0xC0; bb++) {
            if (!is_hole(cp, bb) && !(c == '?' && any_byte))
                continue;
            b[lostpos] = (unsigned char)bb;
            if (!decode_bytes(b, len, &v))
                continue;
            v = c1_as_1252(v);
            if (!plausible_char(v, category(v)))
                continue;
            if (lead3 && v >= 0x2018 && v <= 0x201D && v != 0x201A &&
                v != 0x201B) {
                quotes = v;
                nquotes++;
                if ((v == 0x2018 || v == 0x201C) == opening) {
                    side = v;
                    nside++;
                }
            }
            found = v;
            nfound++;
        }
        if (nquotes == 1) {
            found = quotes;
            nfound = 1;
        } else if (nquotes > 1 && nside == 1) {
            found = side;
            nfound = 1;
        }
        if (nfound == 0 && c == '?' && !any_byte) {
            any_byte = 1;
            goto retry;
        }
        if (nfound == 0)
            return 0;
        *u = nfound == 1 ? found : 0xFFFD;
        *kind = EXT_LOSSY;
        return len;
    }
    if (!decode_bytes(b, len, u))
        return 0;
    if (spaces && *u != 0x00A0 &&
        !is_letter_cat(category(*u)))
        return 0; /* a space for 0xA0 only where a letter comes out */
    if (spaces) {
        size_t after = i + len;

        *kind = EXT_A0;
        /* "Ã la" -> "à la": the space was also a word break, unless
        ** Portuguese "àquele", "às" */
        if (*u == 0xE0 && after < n &&
            is_letter_or_digit(t[after]) &&
            !(t[after] == 's' && (after + 1 >= n || t[after + 1] == ' ')) &&
            !(t[after] == 'q' && after + 3 < n && t[after + 1] == 'u' &&
              (t[after + 2] == 'e' || t[after + 2] == 'i')))
            *extra = ' ';
    }
    return len;
}

/* A plain cluster: cluster_ext without damage on top. */
static size_t cluster_at(const unsigned *t, size_t n, size_t i, int cp,
                         unsigned *u)
{
    unsigned extra, kind;

    return cluster_ext(t, NULL, n, i, cp, 0, u, &extra, &kind);
}

/*
** 1 if the cluster of t starting with lead that decodes to u is a
** suspect reading through a Mac code page: punctuation or a symbol as
** the lead and a letter of another alphabet (or IPA, or CJK) out, as
** clean text makes it by accident ("“ß”" read as Mac Roman: "ҧ").
*/
static int exotic_letter(unsigned u);
static int science_greek(unsigned c);

/*
** 1 if u, one character a Mac reading gives, is one that text hardly
** holds alone: a digit of another script ("Ŕ°" is Arabic "١"), or a
** Latin letter of Esperanto, Maltese or old orthographies ("ń•": ĥ).
*/
static int rare_result(unsigned u)
{
    if (u >= 0x0100 && u < 0x0180)
        return (u >= 0x0108 && u <= 0x0109) || (u >= 0x011C && u <= 0x0121) ||
               (u >= 0x0124 && u <= 0x0129) || (u >= 0x0134 && u <= 0x0135) ||
               u == 0x0138 || (u >= 0x013F && u <= 0x0140) ||
               (u >= 0x0149 && u <= 0x014B) || (u >= 0x015C && u <= 0x015D) ||
               (u >= 0x0166 && u <= 0x0169) || (u >= 0x016C && u <= 0x016D) ||
               u == 0x017F;
    return u >= 0x0660 &&
           category(u) == UTF8PROC_CATEGORY_ND;
}

static int mac_suspect(unsigned lead, unsigned u, int cp)
{
    int cat;

    if (cp != THP_CP_MACROMAN && cp != THP_CP_MACCE)
        return 0;
    cat = category(lead);
    if (rare_result(u))
        return 1;
    if (cat < UTF8PROC_CATEGORY_PC || cat > UTF8PROC_CATEGORY_SO)
        /* a letter as the lead ("ÿ•" is Arabic "إ"): a lone letter of
        ** another alphabet, bar Greek as science writes it ("Œº") */
        return exotic_letter(u) && !science_greek(u);
    /* and among three-byte results, anything but the punctuation,
    ** currency and letterlike symbols mojibake of such text holds
    ** ("„ãã" read as Mac Roman is "㋋", "‚ÄÄ" a space U+2000) */
    return exotic_letter(u) ||
           (u >= 0x0800 && u < 0x10000 && script_of(u) != SC_LATIN &&
            !(u >= 0x2010 && u <= 0x2026) && u != 0x2030 &&
            u != 0x2032 && u != 0x2033 && u != 0x2039 && u != 0x203A &&
            u != 0x2044 && !(u >= 0x20A0 && u < 0x20D0) &&
            u != 0x2116 && u != 0x2122);
}

/*
** If all of s[0..n) reads back, in one code page, as UTF-8 (the next
** layer in), write what it says to out (room for n) and return its
** length, with the code page in *cp; return 0 if no code page does.
** *suspect is set when the result is a single character that
** mac_suspect() distrusts.
*/
static size_t unwind(const unsigned *s, size_t n, unsigned *out, int *cp,
                     int *suspect)
{
    unsigned leads = n > 0 ? lookup(s[0])->lead : 0;
    int k;

    for (k = 0; k < THP_CP_COUNT; k++) {
        size_t i = 0, m = 0, len;
        unsigned u;

        if (!(leads & (1u << k)))
            continue; /* the first character must start a sequence */
        while (i < n) {
            len = cluster_at(s, n, i, k, &u);
            if (len == 0)
                break;
            out[m++] = u;
            i += len;
        }
        if (i == n && m > 0) {
            *cp = k;
            *suspect = m == 1 && mac_suspect(s[0], out[0], k);
            return m;
        }
    }
    return 0;
}

/*==================== Is it text? ====================*/

static int is_letter_cat(int cat)
{
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static int is_mark_cat(int cat)
{
    return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

/* Letters of Latin Extended-B and IPA that living languages use, in
** order (sorted_has() searches it by halves). */
static const unsigned short latin_b_used[] = {
    0x0181, 0x0186, 0x0189, 0x018A, 0x018F, 0x0190, 0x0192, 0x0194,
    0x0197, 0x0198, 0x0199, 0x019D, 0x01A0, 0x01A1, 0x01AF, 0x01B0,
    0x01B2, 0x01B3, 0x01B4, 0x01CD, 0x01CE, 0x01CF, 0x01D0, 0x01D1,
    0x01D2, 0x01D3, 0x01D4, 0x01D5, 0x01D6, 0x01D7, 0x01D8, 0x01D9,
    0x01DA, 0x01DB, 0x01DC, 0x01E6, 0x01E7, 0x0218, 0x0219, 0x021A,
    0x021B, 0x0253, 0x0254, 0x0256, 0x0257, 0x0259, 0x025B, 0x0263,
    0x0268, 0x0272, 0x02BB, 0x02BC, 0x02BE, 0x02BF, 0x02C6,
    0x02C7, 0x02C8, 0x02CC, 0x02D0, 0x02D8, 0x02D9, 0x02DA, 0x02DB,
    0x02DC, 0x02DD,
};

/*
** 1 if c is a character text plausibly contains where a repair would put
** it: no controls, private use, unassigned code points, rare letters
** (Latin Extended-B, IPA, historic Cyrillic) or rare scripts (Syriac,
** Thaana, NKo, Samaritan, Mandaic, most of the supplementary planes).
*/
static int plausible_char(unsigned c, int cat)
{
    switch (cat) {
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
        return 0;
    case UTF8PROC_CATEGORY_CF:
        /* soft hyphen, zero widths, direction marks, word joiner, BOM */
        return c == 0x00AD || (c >= 0x200B && c <= 0x200F) ||
               (c >= 0x202A && c <= 0x202E) ||
               (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF;
    default:
        break;
    }
    if (c >= 0x0180 && c < 0x0300)
        return sorted_has(c, latin_b_used,
                          sizeof latin_b_used / sizeof latin_b_used[0]);
    if ((c >= 0x0370 && c < 0x0384) || (c >= 0x03CF && c < 0x0400))
        return 0; /* Greek numerals, Coptic letters, symbol variants */
    if (c >= 0x0460 && c < 0x0490)
        return 0; /* historic Cyrillic letters and signs */
    if (c >= 0x0500 && c < 0x0531)
        return 0; /* Cyrillic Supplement: Komi, Abkhaz, ... */
    if ((c >= 0x0700 && c < 0x0750) || (c >= 0x0780 && c < 0x08A0))
        return 0; /* Syriac, Thaana, NKo, Samaritan, Mandaic */
    if (c == 0xFFFD)
        return 1; /* a byte truly lost: what lossy repair leaves */
    if (c >= 0xFFF0 && c < 0x10000)
        return 0;
    if (c >= 0x10000)
        return (c >= 0x1D100 && c < 0x1D200) ||
               (c >= 0x1D400 && c < 0x1D800) ||
               (c >= 0x1F000 && c < 0x1FB00) ||
               (c >= 0x20000 && c < 0x323B0);
    return 1;
}

/*
** 1 if u is a letter of an alphabet other than Latin, of IPA or of
** Latin Extended-B, or a CJK or kana letter: what mojibake of clean
** punctuation beside an accented letter gives.
*/
static int exotic_letter(unsigned u)
{
    int cat = category(u);

    if (!is_letter_cat(cat))
        return 0;
    return script_of(u) != SC_LATIN || (u >= 0x0180 && u < 0x0300);
}

/* Greek letters science glues to Latin ones: "10μm", "TNFα", "Ωcm",
** "ΛCDM", "Θ(n)". */
static int science_greek(unsigned c)
{
    return (c >= 0x03B1 && c <= 0x03C9) || c == 0x0394 || c == 0x03A3 ||
           c == 0x03A9 || c == 0x03A6 || c == 0x03A8 || c == 0x0393 ||
           c == 0x039B || c == 0x0398 || c == 0x03A0;
}

/* 1 if a combining mark may follow c: a letter, digit, mark or emoji. */
static int base_char(unsigned c)
{
    int cat = category(c);

    return is_letter_cat(cat) || is_mark_cat(cat) ||
           cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_SO;
}

/* The text a repair would make: t[0..a) + d[0..nd) + t[b..n). */
struct view {
    const unsigned *t, *d;
    size_t n, a, b, nd;
};

static size_t view_len(const struct view *v)
{
    return v->a + v->nd + (v->n - v->b);
}

static unsigned view_at(const struct view *v, size_t p)
{
    if (p < v->a)
        return v->t[p];
    p -= v->a;
    if (p < v->nd)
        return v->d[p];
    return v->t[v->b + p - v->nd];
}

static int letter_at(const struct view *v, size_t p)
{
    return is_letter_cat(
        category(view_at(v, p)));
}

/*
** 1 if the first letter either side of position p of v, within four
** characters (past blanks, punctuation, digits), is of script sc.
*/
static int script_near(const struct view *v, size_t p, int sc)
{
    size_t len = view_len(v), q, k;

    for (k = 1, q = p; k <= 4 && q > 0; k++) {
        q--;
        if (letter_at(v, q)) {
            if (script_of(view_at(v, q)) == sc)
                return 1;
            break;
        }
    }
    for (k = 1, q = p + 1; k <= 4 && q < len; k++, q++) {
        if (letter_at(v, q))
            return script_of(view_at(v, q)) == sc;
    }
    return 0;
}

/*
** 1 if v's replacement is text that could have been written: every
** character plausible; combining marks only after a base character;
** punctuation of an alphabet (Armenian, Hebrew, Arabic ...) only near a
** letter of that alphabet ("l’ús" read as Mac Roman is "l" U+055C "s");
** and no letter glued to a letter of another alphabet (Arabic inside a
** Czech word, Armenian inside a French one).
*/
static int plausible_text(const struct view *v)
{
    size_t p, first = v->a, last = v->a + v->nd, len = view_len(v);
    int prev_sc = SC_NONE, prev_inside = 0;
    unsigned prev_c = 0;

    /*
    ** A few letters of another alphabet glued to a word are a misreading;
    ** a longer stretch of them is a word of its own, even if markup such
    ** as roff's "\fI" sits right before it.
    */
    if (v->nd < 3) {
        if (first > 0)
            first--;
        if (last < len)
            last++;
    }
    for (p = first; p < last; p++) {
        unsigned c = view_at(v, p);
        int cat = category(c);
        int inside = p >= v->a && p < v->a + v->nd, sc;

        if (inside) {
            if (!plausible_char(c, cat))
                return 0;
            if (is_mark_cat(cat) &&
                (p == 0 || !base_char(view_at(v, p - 1))))
                return 0;
            if (c >= 0x0370 && c < 0x0900 && !is_letter_cat(cat) &&
                !is_mark_cat(cat) && cat != UTF8PROC_CATEGORY_ND &&
                !script_near(v, p, script_of(c)))
                return 0;
        }
        if (is_letter_cat(cat)) {
            sc = script_of(c);
            /*
            ** Clean text makes two-byte clusters by accident, hardly ever
            ** three-byte ones: a decoded letter past U+07FF may touch the
            ** context ("%sను" in a format string).
            */
            if (sc != SC_NONE && prev_sc != SC_NONE && sc != prev_sc &&
                !(inside != prev_inside &&
                  (inside ? c : prev_c) >= 0x0800) &&
                !(v->nd == 1 && inside != prev_inside &&
                  science_greek(inside ? c : prev_c) &&
                  (inside ? prev_c : c) < 0x80))
                return 0;
            prev_sc = sc;
        } else if (!is_mark_cat(cat)) {
            prev_sc = SC_NONE;
        }
        prev_c = c;
        prev_inside = inside;
    }
    return 1;
}

/*
** 1 if d[0..n) is ordinary enough to be repaired on the strength of
** other runs of the same code page in the line alone: letters (with
** their combining marks, the first one's base maybe before, the
** character before d), digits, spaces, common punctuation and symbols.
*/
static int ordinary_text(const unsigned *d, size_t n, unsigned before)
{
    size_t i;

    for (i = 0; i < n; i++) {
        int cat = category(d[i]);

        if (is_mark_cat(cat) && base_char(i > 0 ? d[i - 1] : before))
            continue;
        if (is_letter_cat(cat) ||
            (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) ||
            (cat >= UTF8PROC_CATEGORY_PD && cat <= UTF8PROC_CATEGORY_PO) ||
            cat == UTF8PROC_CATEGORY_SC || cat == UTF8PROC_CATEGORY_SO ||
            cat == UTF8PROC_CATEGORY_SM || cat == UTF8PROC_CATEGORY_ZS)
            continue;
        return 0;
    }
    return 1;
}

/*==================== Badness ====================*/

/* Classes of c, the table's and the computed ones, without set bits. */
static uint64_t classes_slow(unsigned c)
{
    const struct cp_char *e;
    uint64_t f;
    int cat;

    if (c < 0x80) {
        if (c >= 'a' && c <= 'z')
            return F_AZ | F_ALPHA | F_WORD | F_LETTER | F_LOWER;
        if (c >= 'A' && c <= 'Z')
            return F_ALPHA | F_WORD | F_LETTER | F_UPPER;
        if ((c >= '0' && c <= '9') || c == '_')
            return F_WORD;
        if ((c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20))
            return F_WS;
        return 0;
    }
    e = lookup(c);
    f = e->cls;
    if (e->cont & MAC_MASK)
        f |= F_MACCONT;
    if (e->cont & CE_MASK)
        f |= F_CONT1250;
    if (e->cont & (1u << THP_CP_1251))
        f |= F_CONT1251;
    if (e->cont & (1u << THP_CP_437))
        f |= F_CONT437;
    if (e->cont & (1u << THP_CP_1253))
        f |= F_CONT1253;
    if (e->cont & (1u << THP_CP_1252))
        f |= F_CONT1252;
    if (c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
        c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
        c == 0x3000)
        f |= F_WS;
    cat = category(c);
    if (is_letter_cat(cat))
        f |= F_LETTER | F_WORD;
    if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT)
        f |= F_UPPER;
    if (cat == UTF8PROC_CATEGORY_LL)
        f |= F_LOWER;
    if (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO)
        f |= F_WORD;
    return f;
}

/* Sets of single characters some rules name. */
static const unsigned short after_a_tilde[] = { /* rule 20 */
    0x20AC, 0x0153, 0x0160, 0x0161, 0x00A2, 0x00A3, 0x0178, 0x017E,
    0x00A0, 0x00AD, 0x00AE, 0x00A9, 0x00B0, 0x00B7, 0x00BB, 0x2013,
    0x2014, 0x00B4,
};
static const unsigned short arabic_filler[] = { /* rule 22 */
    0x0178, 0x0160, 0x00AE, 0x00B0, 0x00B5, 0x00BB,
};
static const unsigned short after_root[] = { /* rule 24 */
    0x00B1, 0x2202, 0x2020, 0x2260, 0x00AE, 0x2122, 0x00B4, 0x2264,
    0x2265, 0x00A5, 0x00B5, 0x00F8,
};
static const unsigned short after_quote_a[] = { /* rule 26 */
    0x00EC, 0x00EE, 0x00EF, 0x00F2, 0x00F4, 0x00FA, 0x00F9, 0x00FB,
    0x2020, 0x00B0, 0x00A2, 0x03C0,
};
static const unsigned short cyr_caps[] = {0x0412, 0x0413, 0x0420, 0x0421};
static const unsigned short greek_caps[] = {0x0392, 0x0393, 0x039E, 0x039F};
static const unsigned short after_beta_euro[] = { /* rule 35 */
    0x2122, 0x00A0, 0x0386, 0x00AD, 0x00AE, 0x00B0,
};
/* Ours: leads of two-byte Latin, and punctuation a continuation gives */
static const unsigned short latin_leads[] = { /* Â Ã Ä Å Ă Ĺ */
    0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x0102, 0x0139,
};
static const unsigned short punct_conts[] = { /* … – — ‘ ’ “ ” • · NBSP */
    0x2026, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x00B7, 0x00A0,
};
/* Mac code pages: symbols ahead of a continuation character (ours) */
static const unsigned short mac_math[] = { /* √ before these is maths */
    0x03C0, 0x2211, 0x220F, 0x222B, 0x03A9, 0x221E,
};
static const unsigned short mac_lead2_ext_a[] = { /* ƒ ≈ ń Ň */
    0x0192, 0x2248, 0x0144, 0x0147,
};
static const unsigned short mac_sym_cont[] = {
    0x2020, 0x00B0, 0x00A2, 0x00A3, 0x00A7, 0x2022, 0x00B6, 0x00DF,
    0x00AE, 0x00A9, 0x2122, 0x00B4, 0x00A8,
};
static const unsigned short mac_lead3_sym[] = { /* ‡ · ‚ „ ‰ */
    0x2021, 0x00B7, 0x201A, 0x201E, 0x2030,
};
static const unsigned short mac_lead3_letter[] = {
    /* Mac Roman E5..EF */
    0x00C2, 0x00CA, 0x00C1, 0x00CB, 0x00C8, 0x00CD, 0x00CE, 0x00CF,
    0x00CC, 0x00D3, 0x00D4,
    /* Mac Central European E0..EF */
    0x0157, 0x0160, 0x0161, 0x015A, 0x015B, 0x0164, 0x0165, 0x017D,
    0x017E, 0x016A,
};
static const unsigned short mac_lead4[] = { /* U+F8FF ū Ò Ú Û Ù */
    0xF8FF, 0x016B, 0x00D2, 0x00DA, 0x00DB, 0x00D9,
};
static const unsigned short mac_lead2_punct[] = {
    /* – — “ ” ‘ ’ ÷ ◊ ⁄ € ‹ › …: leads of Cyrillic .. Arabic, NKo */
    0x2013, 0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0x00F7, 0x25CA,
    0x2044, 0x20AC, 0x2039, 0x203A, 0x2026,
};
static const unsigned short mac_lead2_latin[] = {
    /* ¬ ∆ « »: leads of Latin-1 punctuation and Latin Extended-B */
    0x00AC, 0x2206, 0x00AB, 0x00BB,
};
static const unsigned short mac_lead2_script[] = {
    /* Œ œ ő Ō: Greek; ÿ Ÿ ō Ŕ ŕ Ř: Arabic */
    0x0152, 0x0153, 0x0151, 0x014C, 0x00FF, 0x0178, 0x014D, 0x0154,
    0x0155, 0x0158,
};

/*
** Characters that may stand right before a run although they are
** continuation bytes too: a run after any other continuation character
** may be cut out of the middle of longer mojibake, read out of step.
*/
static const unsigned short cont_ok_before[] = {
    0x00A0, 0x2013, 0x2014, 0x2015, 0x2018, 0x2019, 0x201A, 0x201C,
    0x201D, 0x201E, 0x2022, 0x2026,
};

/* The first characters count_bad()'s rules name one by one. */
static const unsigned short rule_chars[] = {
    0x0152, 0x0153, 0x00C2, 0x00C3, 0x00CE, 0x00D0, 0x00D7, 0x00D8,
    0x00D9, 0x00E0, 0x221A, 0x2248, 0x201A, 0x0432, 0x0412, 0x0413,
    0x0420, 0x0421, 0x03B2, 0x0392, 0x0393, 0x039E, 0x039F, 0x0101,
    0x00E2, 0x0102, 0x00C4, 0x0139,
};

/*
** ftfy's rules 2, 4, 5, 6, 7, 9, 12, 14, 15 and 16 (count_bad), which
** read nothing but the CLS_ classes of two characters in a row: how many
** match classes fa then fb. classes_build() tabulates them (pair_bad).
*/
static int pair_rules(uint64_t fa, uint64_t fb)
{
    const unsigned any_ua_like = CLS_BAD | CLS_LA | CLS_UA | CLS_BOX |
                                 CLS_SP | CLS_EP | CLS_CUR | CLS_NUM |
                                 CLS_LAW;
    const unsigned after_bad = CLS_LA | CLS_UA | CLS_BOX | CLS_SP | CLS_EP |
                               CLS_CUR | CLS_NUM | CLS_LAW;
    int bad = 0;

    bad += (fa & any_ua_like) && (fb & CLS_BAD);                      /* 2 */
    bad += (fa & CLS_BAD) && (fb & after_bad);                        /* 4 */
    bad += (fa & (CLS_LA | CLS_LC | CLS_BOX | CLS_EP | CLS_CUR |
                  CLS_NUM)) && (fb & CLS_UA);                         /* 5 */
    bad += (fa & (CLS_BOX | CLS_EP | CLS_CUR | CLS_NUM)) &&
           (fb & CLS_LA);                                             /* 6 */
    bad += (fa & (CLS_LA | CLS_BOX | CLS_EP)) && (fb & CLS_CUR);      /* 7 */
    bad += (fa & (CLS_UA | CLS_BOX)) && (fb & (CLS_NUM | CLS_LAW));   /* 9 */
    bad += (fa & (CLS_CUR | CLS_NUM | CLS_BOX)) && (fb & CLS_SP);    /* 12 */
    bad += (fa & CLS_BOX) && (fb & CLS_KAO);                         /* 14 */
    bad += (fa & (CLS_LA | CLS_UA | CLS_CUR | CLS_NUM | CLS_SP |
                  CLS_EP | CLS_LAW)) && (fb & CLS_BOX);              /* 15 */
    bad += (fa & CLS_BOX) && (fb & CLS_EP);                          /* 16 */
    return bad;
}

/*
** pair_rules() of every two sets of CLS_ classes the tables hold (a
** handful: most characters are in one class), by the number of each set
** that classes_of() keeps in the bits from F_SET_SHIFT up; set 0 is no
** class at all (ASCII, characters outside the tables).
*/
#define F_SET_SHIFT 58
#define CLS_SETS (1u << (64 - F_SET_SHIFT))
#define CLS_ALL 0x3FFFu
static unsigned char pair_bad[CLS_SETS][CLS_SETS];
static int pair_ok = 1; /* every set has its number */

/* The classes of every character of the tables, and of ASCII. */
static uint64_t table_classes[sizeof cp_chars / sizeof cp_chars[0]];
static uint64_t ascii_classes[0x80];
/*
** Not 0 for a UTF-8 lead byte whose characters are all outside the
** tables (no code page has them, so none is a lead or a continuation in
** one) and none of them U+FFFD: Hebrew and Arabic, Indic scripts, Thai,
** Vietnamese letters of U+1Exx, CJK, Hangul, astral characters. The scan
** passes them in bulk. 2 or 3 where the lead and as many continuations
** are a valid character (any C2..DF, E1..EC, EE, EF), else 1.
*/
static unsigned char scan_plain[256];
/*
** lookup() of each character below U+0500 (Latin, Greek, Cyrillic), as
** its index in cp_chars: one read instead of two for the scan and the
** passes (lookup_built()).
*/
static unsigned short low_chars[0x500];
/*
** For each character of the tables, the code pages in which it is the
** lead of two bytes, byte 0xA0 is a no-break space, and the two are a
** cluster cluster_here() takes (a plausible letter or the no-break
** space): where a space after it may stand for a lost 0xA0 ("Ã la"),
** damage_here()'s test, which depends on nothing else.
*/
static unsigned short a0_leads[sizeof cp_chars / sizeof cp_chars[0]];
static pthread_once_t classes_once = PTHREAD_ONCE_INIT;

static void set_bits(const unsigned short *set, size_t n, uint64_t bit)
{
    size_t i;

    for (i = 0; i < n; i++)
        table_classes[lookup(set[i]) - cp_chars] |= bit;
}

#define SET_BITS(set, bit) set_bits((set), sizeof(set) / sizeof(set)[0], bit)

static void classes_build(void)
{
    size_t i;

    for (i = 0; i < 0x10000; i++)
        bmp_category[i] =
            (unsigned char)utf8proc_category((utf8proc_int32_t)i);

    for (i = 0; i < 0x80; i++)
        ascii_classes[i] = classes_slow((unsigned)i);
    for (i = 0; i < sizeof cp_chars / sizeof cp_chars[0]; i++) {
        int cp;

        for (cp = 0; cp < THP_CP_COUNT; cp++) {
            unsigned t[2], u, extra, kind;

            if (!(cp_chars[i].lead & (1u << cp)) ||
                cp_chars[i].byte[cp] >= 0xE0 || !a0_is_nbsp(cp))
                continue;
            /* what cluster_here() finds at the lead and a space: the
            ** characters after them tell only *extra */
            t[0] = cp_chars[i].cp;
            t[1] = ' ';
            if (cluster_ext(t, NULL, 2, 0, cp, EXT_A0 | EXT_LOSSY, &u,
                            &extra, &kind) &&
                plausible_char(u, category(u)))
                a0_leads[i] |= (unsigned short)(1u << cp);
        }
    }
    for (i = 0; i < 0x500; i++)
        low_chars[i] = (unsigned short)(lookup((unsigned)i) - cp_chars);
    for (i = 0xC2; i <= 0xF4; i++) {
        /* the code points lead byte i starts: 64, 4096, or past the BMP */
        unsigned c = i < 0xE0 ? (unsigned)(i & 0x1F) << 6
                     : i < 0xF0 ? (unsigned)(i & 0x0F) << 12 : 0x10000;
        unsigned end = i < 0xE0 ? c + 0x40 : i < 0xF0 ? c + 0x1000 : c;

        scan_plain[i] = i < 0xE0                 ? 2
                        : i == 0xE0 || i == 0xED ? 1
                        : i < 0xF0               ? 3
                                                 : 1;
        for (; c < end; c++)
            if (lookup(c) != cp_chars || c == 0xFFFD)
                scan_plain[i] = 0;
    }
    for (i = 1; i < sizeof cp_chars / sizeof cp_chars[0]; i++)
        table_classes[i] = classes_slow(cp_chars[i].cp);
    SET_BITS(after_a_tilde, S_AFTER_A_TILDE);
    SET_BITS(arabic_filler, S_ARABIC_FILLER);
    SET_BITS(after_root, S_AFTER_ROOT);
    SET_BITS(after_quote_a, S_AFTER_QUOTE_A);
    SET_BITS(cyr_caps, S_CYR_CAPS);
    SET_BITS(greek_caps, S_GREEK_CAPS);
    SET_BITS(after_beta_euro, S_AFTER_BETA_EURO);
    SET_BITS(latin_leads, S_LATIN_LEADS);
    SET_BITS(punct_conts, S_PUNCT_CONTS);
    SET_BITS(mac_math, S_MAC_MATH);
    SET_BITS(mac_lead2_ext_a, S_MAC_LEAD2_EXT_A);
    SET_BITS(mac_sym_cont, S_MAC_SYM_CONT);
    SET_BITS(mac_lead3_sym, S_MAC_LEAD3_SYM);
    SET_BITS(mac_lead3_letter, S_MAC_LEAD3_LETTER);
    SET_BITS(mac_lead4, S_MAC_LEAD4);
    SET_BITS(mac_lead2_punct, S_MAC_LEAD2_PUNCT);
    SET_BITS(mac_lead2_latin, S_MAC_LEAD2_LATIN);
    SET_BITS(mac_lead2_script, S_MAC_LEAD2_SCRIPT);
    SET_BITS(cont_ok_before, S_CONT_OK_BEFORE);
    SET_BITS(rule_chars, S_RULE_CHAR);
    table_classes[0] = 0; /* "nothing": a set member outside the tables */
    {
        uint64_t sets[CLS_SETS] = {0}; /* set 0: no class */
        size_t nsets = 1, k, j;

        for (i = 1; i < sizeof cp_chars / sizeof cp_chars[0]; i++) {
            uint64_t cls = table_classes[i] & CLS_ALL;

            for (k = 0; k < nsets && sets[k] != cls; k++)
                ;
            if (k == nsets && nsets < CLS_SETS)
                sets[nsets++] = cls;
            if (k == nsets) { /* the tables hold 17: cannot happen */
                pair_ok = 0;
                k = 0;
            }
            table_classes[i] |= (uint64_t)k << F_SET_SHIFT;
        }
        for (k = 0; k < nsets; k++)
            for (j = 0; j < nsets; j++)
                pair_bad[k][j] = (unsigned char)pair_rules(sets[k], sets[j]);
    }
}

/* lookup(c), once classes_build() has run. */
static inline const struct cp_char *lookup_built(unsigned c)
{
    return c < 0x500 ? &cp_chars[low_chars[c]] : lookup(c);
}

/* Classes of c, with the set bits; classes_build() has run. */
static uint64_t classes_of(unsigned c)
{
    const struct cp_char *e;

    if (c < 0x80)
        return ascii_classes[c];
    e = lookup(c);
    if (e != cp_chars)
        return table_classes[e - cp_chars];
    return classes_slow(c);
}

/* Families of rules: some are evidence for one kind of code page only. */
#define RULES_MAC 0x1u /* UTF-8 read as Mac Roman or Mac Central European */
#define RULES_CE 0x2u  /* UTF-8 read as Windows-1250 or ISO-8859-2 */
#define RULES_1251 0x4u /* UTF-8 of Latin text read as Windows-1251 */
#define RULES_437 0x8u  /* UTF-8 read as code page 437 */
#define RULES_1253 0x10u /* UTF-8 read as Windows-1253 */

/* The rule families that count when judging a run of code page cp. */
static unsigned rules_for(int cp)
{
    if (cp == THP_CP_MACROMAN || cp == THP_CP_MACCE)
        return RULES_MAC;
    if (cp == THP_CP_1250 || cp == THP_CP_LATIN2)
        return RULES_CE;
    if (cp == THP_CP_1251)
        return RULES_1251;
    if (cp == THP_CP_437)
        return RULES_437;
    if (cp == THP_CP_1253)
        return RULES_1253;
    return 0;
}

/* 1 if c is an ASCII letter. */
static int ascii_letter(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
** Our rules for UTF-8 read as Windows-1251 (Latin text, whose leads
** C2..C5 are В Г Д Е) and as code page 437 (box drawing and Greek
** letters before accented ones), at position i of s[0..n): how many
** match there.
*/
static int other_rules(const unsigned *s, const uint64_t *f, size_t n,
                       size_t i, unsigned rules)
{
    unsigned a = s[i];
    uint64_t fb = i + 1 < n ? f[i + 1] : 0, fc = i + 2 < n ? f[i + 2] : 0;
    unsigned c = i + 2 < n ? s[i + 2] : 0;
    unsigned prev = i > 0 ? s[i - 1] : 0;
    int bad = 0;

    if (rules & RULES_1251) {
        /* R1: В Г Д Е (Latin) or О П (Greek) glued to a Latin letter
        ** (О П: or a digit, "10Ојm"), then a continuation (after В, a
        ** symbol: "Ві" is Ukrainian) */
        bad += ((a >= 0x0412 && a <= 0x0415) || a == 0x041E ||
                a == 0x041F) && (fb & F_CONT1251) &&
               (a != 0x0412 || !(fb & F_LETTER)) &&
               (ascii_letter(prev) || ascii_letter(c) ||
                (a >= 0x041E && ((prev >= '0' && prev <= '9') ||
                                 (c >= '0' && c <= '9'))) ||
                (prev >= 0x80 && script_of(prev) == SC_LATIN &&
                 (f[i - 1] & F_LETTER)));
    }
    if (rules & RULES_1251) {
        /* R2: Г (C3, the lead of à) right after a Latin letter, then a
        ** space or a no-break space: "cittГ " is "città" whose 0xA0 was
        ** lost */
        bad += a == 0x0413 && i + 1 < n &&
               (s[i + 1] == ' ' || s[i + 1] == 0xA0) && prev != 0 &&
               (ascii_letter(prev) ||
                (prev >= 0x80 && script_of(prev) == SC_LATIN &&
                 (f[i - 1] & F_LETTER)));
    }
    if (rules & RULES_1253) {
        /* G1: Β Γ Δ Ε (leads of Latin) glued to a Latin letter, then a
        ** continuation; G2: Π or Ρ (leads of Cyrillic), a continuation,
        ** Π or Ρ again */
        bad += a >= 0x0392 && a <= 0x0395 && (fb & F_CONT1253) &&
               (ascii_letter(prev) || ascii_letter(c) ||
                (prev >= 0x80 && script_of(prev) == SC_LATIN &&
                 (f[i - 1] & F_LETTER)));
        bad += (a == 0x03A0 || a == 0x03A1) && (fb & F_CONT1253) &&
               (c == 0x03A0 || c == 0x03A1);
    }
    if (rules & RULES_437) {
        unsigned b0 = lookup(a)->byte[THP_CP_437];
        unsigned d = i + 3 < n ? s[i + 3] : 0;
        uint64_t fd = i + 3 < n ? f[i + 3] : 0;

        /* D1: box drawing or a block (leads C2..DF) glued to a letter
        ** (or after a digit: "IL-1╬▒"), then a continuation */
        bad += b0 >= 0xC2 && b0 <= 0xDF && (fb & F_CONT437) &&
               ((prev && (f[i - 1] & F_LETTER)) || (fc & F_LETTER) ||
                (prev >= '0' && prev <= '9'));
        /* D2: α ß Γ π ... (leads E0..EF) then two continuations, the
        ** second not a Greek letter */
        bad += b0 >= 0xE0 && b0 <= 0xEF && (fb & F_CONT437) &&
               (fc & F_CONT437) && script_of(c) != SC_GREEK;
        /* D3: ≡ (F0) then three */
        bad += b0 == 0xF0 && (fb & F_CONT437) && (fc & F_CONT437) &&
               (fd & F_CONT437) && d != 0;
    }
    return bad;
}

/*
** Our rules for UTF-8 read as Mac Roman or Mac Central European, at
** position i of s[0..n) (classes in f): how many match there.
*/
static int mac_rules(const unsigned *s, const uint64_t *f, size_t n,
                     size_t i)
{
    unsigned a = s[i], b = i + 1 < n ? s[i + 1] : 0;
    uint64_t fa = f[i], fb = i + 1 < n ? f[i + 1] : 0;
    uint64_t fc = i + 2 < n ? f[i + 2] : 0;
    uint64_t fd = i + 3 < n ? f[i + 3] : 0;
    int bad = 0;

    /* M1: √ before a letter or symbol, or right after a letter, or
    ** before a maths symbol and a small letter ("√∫pěl") */
    bad += a == 0x221A && (fb & F_MACCONT) &&
           (!(fb & S_MAC_MATH) || (i > 0 && (f[i - 1] & F_LETTER)) ||
            (fc & F_LOWER));
    /* M2: ƒ ≈ ń Ň (C4/C5: Latin Extended-A) before a letter/symbol */
    bad += (fa & S_MAC_LEAD2_EXT_A) && (fb & F_MACCONT) &&
           ((fb & F_LETTER) || (fb & S_MAC_SYM_CONT));
    /* M3: ‡ · ‚ „ ‰ (E0..E4: U+1000..U+4FFF) before two */
    bad += (fa & S_MAC_LEAD3_SYM) && (fb & F_MACCONT) &&
           (fc & F_MACCONT);
    /* M4: a letter that is a 3-byte lead, then two continuations, not
    ** both letters (CJK and Vietnamese read as Mac, "Šļ•") */
    bad += (fa & S_MAC_LEAD3_LETTER) && (fb & F_MACCONT) &&
           (fc & F_MACCONT) && (!(fb & F_LETTER) || !(fc & F_LETTER));
    /* M5: Apple's logo U+F8FF, ū Ò Ú Û Ù (F0..F4: emoji and beyond),
    ** then three */
    bad += (fa & S_MAC_LEAD4) && (fb & F_MACCONT) &&
           (fc & F_MACCONT) && (fd & F_MACCONT);
    /* M6: punctuation that is a 2-byte lead, then a continuation */
    bad += (fa & S_MAC_LEAD2_PUNCT) && (fb & F_MACCONT);
    /* M7: the same for Latin, only inside a word ("Bucure»ôti"), as
    ** "«época»" is how Spanish is written */
    bad += (fa & S_MAC_LEAD2_LATIN) && (fb & F_MACCONT) && i > 0 &&
           (f[i - 1] & F_LETTER);
    /* M8: letters that are leads of Greek or Arabic, then one (what
    ** they would decode to must still pass plausible_text) */
    bad += (fa & S_MAC_LEAD2_SCRIPT) && (fb & F_MACCONT);
    /* M9: Vietnamese (E1 BA / E1 BB) read as Mac Central European */
    bad += a == 0x0160 && (b == 0x013C || b == 0x013D) &&
           (fc & F_MACCONT);
    /* M10: Romanian ș ț (C8 99, C8 9B) read as Mac Roman */
    bad += a == 0x00BB && (b == 0x00F4 || b == 0x00F5);
    /* M11: ƒ ≈ (C4, C5) right after a letter: "Brit≈≥" */
    bad += (a == 0x0192 || a == 0x2248) && (fb & F_MACCONT) && i > 0 &&
           (f[i - 1] & F_LETTER);
    return bad;
}

/*
** Count unlikely sequences in s[0..n) (classes in f) that start in
** s[0..upto). at_start: s begins the line. The first 37 rules are
** ftfy's (notes 2.3), the rest ours: for UTF-8 read as Mac Roman or Mac
** Central European (which ftfy does not look for), as Windows-1250, and
** letter case gone wrong. rules picks the code-page-specific families
** (RULES_*): a Mac reading of "“É" is no evidence that "É”" is
** Windows-1252 mojibake.
*/
static int count_bad(const unsigned *s, const uint64_t *f, size_t n,
                     size_t upto, int at_start, unsigned rules)
{
    size_t i;
    int bad = 0;
    /* s[i..i+3] and their classes, 0 past n, slid along one at a time */
    unsigned b = n > 0 ? s[0] : 0, c = n > 1 ? s[1] : 0;
    unsigned d = n > 2 ? s[2] : 0;
    uint64_t fb = n > 0 ? f[0] : 0, fc = n > 1 ? f[1] : 0;
    uint64_t fd = n > 2 ? f[2] : 0;

    for (i = 0; i < upto; i++) {
        unsigned a = b;
        uint64_t fa = fb;

        b = c;
        c = d;
        d = i + 3 < n ? s[i + 3] : 0;
        fb = fc;
        fc = fd;
        fd = i + 3 < n ? f[i + 3] : 0;
        if ((a | b | c) < 0x80)
            continue; /* every rule needs a character past ASCII here */

        if (a < 0x80) {
            /* the rules that may start with ASCII: a letter, a space or
            ** . , ? ! before characters past ASCII */
            if (!(fa & F_ALPHA) && a != ' ' && a != '.' && a != ',' &&
                a != '?' && a != '!')
                continue;
            if (b == 0)
                continue;
            bad += (fa & F_ALPHA) && (fb & (CLS_LC | CLS_UC)) &&
                   (fc & CLS_BAD);                                    /* 3 */
            bad += a == ' ' && (fb & CLS_UA) && (fc & CLS_CUR);       /* 8 */
            bad += (fa & F_AZ) && (fb & CLS_UA) &&
                   (fc & (CLS_SP | CLS_CUR));                        /* 13 */
            bad += (fa & F_AZ) && (b == 0xC3 || b == 0xC2) &&
                   c == ' ';                                         /* 32 */
            bad += (fa & F_AZ) && (fb & F_WS) &&
                   (c == 0xC3 || c == 0xC2) && d == ' ';
            bad += ((fa & F_AZ) || a == '.' || a == ',' || a == '?' ||
                    a == '!') && b == 0xC2 &&
                   (c == ' ' || (fc & (CLS_SP | CLS_EP)));           /* 34 */
            /* A1: "voilÃ." a small letter, Ã, then neither a letter nor
            ** a space: à whose byte 0xA0 vanished */
            bad += (fa & F_AZ) && b == 0xC3 && !(fc & F_LETTER) &&
                   c != ' ' && !(fc & F_WORD);
            /* L4: an accented small letter between two capitals */
            bad += (fa & F_UPPER) && b >= 0x80 && (fb & F_LOWER) &&
                   script_of(b) == SC_LATIN && (fc & F_UPPER) &&
                   (fc & F_ALPHA);
            /* L3: two capitals, then an accented small letter */
            bad += (fa & F_UPPER) && (fb & F_UPPER) && c >= 0x80 &&
                   (fc & F_LOWER) && script_of(c) == SC_LATIN;
            /* L1: a lower-case letter, then an accented capital, then
            ** more; L5: ... not before another capital ("PerchÊ",
            ** "dÊjà" for "perché", "déjà") */
            bad += (fa & F_LOWER) && b >= 0x80 && (fb & F_UPPER) &&
                   script_of(b) == SC_LATIN && (c >= 0x80 ||
                                                !(fc & F_UPPER));
            continue;
        }
        bad += (fa & CLS_C1) != 0;                                    /* 1 */
        if (b == 0)
            continue;
        /* 2, 4, 5, 6, 7, 9, 12, 14, 15, 16: classes of a and b only */
        bad += pair_ok ? pair_bad[fa >> F_SET_SHIFT][fb >> F_SET_SHIFT]
                       : pair_rules(fa, fb);
        bad += (fa & F_WS) && (fb & CLS_UA) && (fc & CLS_CUR);        /* 8 */
        bad += (fa & (CLS_LA | CLS_UA | CLS_BOX | CLS_CUR | CLS_EP)) &&
               (fb & CLS_SP) && (fc & CLS_NUM);                      /* 10 */
        bad += (fa & (CLS_LA | CLS_UA | CLS_CUR | CLS_NUM | CLS_BOX |
                      CLS_LAW)) && (fb & CLS_EP) && (fc & CLS_SP);   /* 11 */
        bad += (fa & (CLS_LA | CLS_UA)) && (fb & (CLS_SP | CLS_EP)) &&
               (fc & F_WORD);                                        /* 17 */
        bad += (fa & CLS_UA) && b == 0x00B0;                         /* 19 */
        if (fa & S_RULE_CHAR) {
            /* the rules that name their first character */
            bad += (a == 0x0152 || a == 0x0153) && !(fb & F_ALPHA);  /* 18 */
            /* ours: Ã before ” » › ends Portuguese capitals ("IRMÃ”")
            ** unless a letter follows ("HÃ”TEL") */
            bad += (a == 0xC2 || a == 0xC3 || a == 0xCE || a == 0xD0) &&
                   ((fb & S_AFTER_A_TILDE) || (fb & (CLS_SP | CLS_EP))) &&
                   !(a == 0xC3 && (b == 0x201D || b == 0xBB ||
                                   b == 0x203A) &&
                     !(fc & F_LETTER));                              /* 20 */
            bad += a == 0xD7 && (b == 0xB2 || b == 0xB3);            /* 21 */
            bad += (a == 0xD8 || a == 0xD9) && (c == 0xD8 || c == 0xD9) &&
                   ((fb & (CLS_COMMON | CLS_CUR | CLS_BAD | CLS_NUM |
                           CLS_SP)) || (fb & S_ARABIC_FILLER)) &&
                   ((fd & (CLS_COMMON | CLS_CUR | CLS_BAD | CLS_NUM |
                           CLS_SP)) || (fd & S_ARABIC_FILLER));      /* 22 */
            bad += a == 0xE0 && (b == 0xB2 || b == 0xB5 || b == 0xB9 ||
                                 (b >= 0xBC && b <= 0xBE));          /* 23 */
            bad += a == 0x221A && (fb & S_AFTER_ROOT);               /* 24 */
            bad += a == 0x2248 && (b == 0xB0 || b == 0xA2);          /* 25 */
            bad += a == 0x201A && b == 0xC4 &&
                   (fc & S_AFTER_QUOTE_A);                           /* 26 */
            bad += a == 0x201A && (b == 0xE2 || b == 0xF3) &&
                   (c == 0xE0 || c == 0xE4 || c == 0xB0 ||
                    c == 0xEA);                                      /* 27 */
            bad += a == 0x0432 && b == 0x0402;                       /* 28 */
            bad += (fa & S_CYR_CAPS) && (fc & S_CYR_CAPS) &&
                   ((fb & (CLS_C1 | CLS_BAD | CLS_SP | CLS_EP |
                           CLS_CUR)) ||
                    b == 0xB0 || b == 0xB5);                         /* 29 */
            bad += a == 0x0413 && b == 0x045E && c == 0x0412 &&
                   d == 0x0402 && i + 6 < n && s[i + 4] == 0x0412 &&
                   s[i + 5] != '\n' &&
                   ((f[i + 6] & F_ALPHA) || s[i + 6] == ' ');        /* 30 */
            bad += a == 0xC3 && (b == 0xA0 || b == 0xA1);            /* 31 */
            bad += at_start && i == 0 && (a == 0xC3 || a == 0xC2) &&
                   b == ' ';                                         /* 33 */
            bad += a == 0x03B2 && b == 0x20AC &&
                   (fc & S_AFTER_BETA_EURO);                         /* 35 */
            bad += (fa & S_GREEK_CAPS) && (fc & S_GREEK_CAPS) &&
                   ((fb & (CLS_C1 | CLS_BAD | CLS_SP | CLS_EP |
                           CLS_CUR)) ||
                    b == 0xB0);                                      /* 36 */
            bad += a == 0x0101 && b == 0x20AC;                       /* 37 */
            /* P2: â (E2: U+2000..U+2FFF) before punctuation and another
            ** character that are both continuation bytes ("â„–" for
            ** "№") */
            bad += a == 0xE2 && b >= 0x80 && !(fb & F_LETTER) &&
                   (fb & F_CONT1252) && c >= 0x80 && (fc & F_CONT1252);
            /* W1: Ă Ä Ĺ (C3..C5 in Windows-1250 and ISO-8859-2), a
            ** letter that is a continuation byte there, then lower
            ** case: "Ĺľupanija" */
            if (rules & RULES_CE)
                bad += (a == 0x0102 || a == 0x00C4 || a == 0x0139) &&
                       (fb & F_LETTER) && (fb & F_CONT1250) &&
                       (fc & F_LOWER);
        }
        bad += (fa & CLS_EP) && b == 0xC2 &&
               (c == ' ' || (fc & (CLS_SP | CLS_EP)));               /* 34 */
        /* S1: Î Ï (CE CF: leads of Greek) and punctuation that is a
        ** continuation: one Greek letter, as science writes them ("TNFÏ„"
        ** for "TNFτ", "10Ï€m" for "10πm") */
        bad += (a == 0xCE || a == 0xCF) && (fb & F_CONT1252) &&
               !(fb & F_LETTER);

        if (rules & RULES_MAC)
            bad += mac_rules(s, f, n, i);
        if (rules & (RULES_1251 | RULES_437 | RULES_1253))
            bad += other_rules(s, f, n, i, rules);
        /* F1: U+FFFD right after a character past ASCII that is no
        ** space: a byte lost inside mojibake ("Г\uFFFD" for "Ø"); F2:
        ** '?' between two such letters ("Ч?Ч™" for "ט") */
        bad += b == 0xFFFD && !(fa & F_WS);
        bad += b == '?' && (fa & F_LETTER) && c >= 0x80 && (fc & F_LETTER);
        /* L4: an accented small letter between two capitals ("PêUNE") */
        bad += (fa & F_UPPER) && b >= 0x80 && (fb & F_LOWER) &&
               script_of(b) == SC_LATIN && (fc & F_UPPER) && (fc & F_ALPHA);
        /* L3: two capitals, then an accented small letter ("IRMà") */
        bad += (fa & F_UPPER) && (fb & F_UPPER) && c >= 0x80 &&
               (fc & F_LOWER) && script_of(c) == SC_LATIN;
        /* P1: a letter that is a lead byte of Latin-1 or Latin
        ** Extended-A (C2..C5 in Windows-1252 or -1250), punctuation or a
        ** no-break space, then a small letter: "Ã…land", "Ã–sterreich",
        ** "Å\u00A0egan" */
        bad += (fa & S_LATIN_LEADS) && (fb & S_PUNCT_CONTS) &&
               (fc & F_LOWER);
        if ((fa & F_LOWER) && b >= 0x80 && (fb & F_UPPER) &&
            script_of(a) == SC_LATIN && script_of(b) == SC_LATIN) {
            /* L1: a lower-case letter, then an accented capital, then
            ** more: "FlĂĽchtlinge" (Windows-1250), "siÄ™"
            ** (Windows-1252); L2: an accented small letter, then an
            ** accented capital; L5: ... not before another capital
            ** ("dÊjà", "cosÏ") */
            bad += c >= 0x80;
            bad += 1;
            bad += !(fc & F_UPPER);
        }
    }
    return bad;
}

/*
** Badness of the line t[0..n) (w->t, whose classes are w->tf) around
** characters [a, b), with those characters replaced by r[0..nr) (r may
** be t + a itself: the line as it is). Only CTX characters of context
** either side are looked at, which is enough for every rule to see its
** match; and of the context after, the rules are not counted where they
** start past its first character: there they read nothing but the line
** as it is, the same whatever replaces [a, b), so the windows of one run
** compare as if they were counted. rules: as for count_bad. Returns -1
** when memory runs out.
*/
static int window_bad(struct work *w, const unsigned *t, size_t n, size_t a,
                      size_t b, const unsigned *r, size_t nr, unsigned rules)
{
    size_t lo = a > CTX ? a - CTX : 0, hi = n - b > CTX ? b + CTX : n;
    size_t len = (a - lo) + nr + (hi - b), upto = (a - lo) + nr + 1, i;
    void *p;

    if (upto > len)
        upto = len;
    if (r == t + a) /* the line as it is: no copy */
        return count_bad(t + lo, w->tf + lo, hi - lo, upto, lo == 0, rules);
    p = grow(w->win, &w->wincap, len, sizeof *w->win);
    if (p == NULL)
        return -1;
    w->win = p;
    p = grow(w->wf, &w->wfcap, len, sizeof *w->wf);
    if (p == NULL)
        return -1;
    w->wf = p;
    memcpy(w->win, t + lo, (a - lo) * sizeof *t);
    memcpy(w->win + (a - lo), r, nr * sizeof *r);
    memcpy(w->win + (a - lo) + nr, t + b, (hi - b) * sizeof *t);
    /* the line's classes are known (w->tf); only the middle is new */
    memcpy(w->wf, w->tf + lo, (a - lo) * sizeof *w->wf);
    for (i = a - lo; i < a - lo + nr; i++)
        w->wf[i] = classes_of(w->win[i]);
    memcpy(w->wf + (a - lo) + nr, w->tf + b, (hi - b) * sizeof *w->wf);
    return count_bad(w->win, w->wf, len, upto, lo == 0, rules);
}

/*==================== Judging runs ====================*/


/* Make room for layers of up to need characters. */
static int grow_layers(struct work *w, size_t need)
{
    size_t cap = w->lvcap;
    int k;

    for (k = 1; k < MAX_LAYERS; k++) {
        void *p;

        cap = w->lvcap;
        p = grow(w->lv[k], &cap, need, sizeof(unsigned));
        if (p == NULL)
            return 0;
        w->lv[k] = p;
    }
    w->lvcap = cap;
    return 1;
}

/*
** 1 if undoing one more layer of d[0..n), which gives e[0..ne), may be
** taken when it leaves the badness as it was: d holds a Latin letter,
** and is not letters of one alphabet other than Latin, as a word is; or
** d and e hold no letter at all. "Её" is Russian, not "Ÿ" read as
** Windows-1251, and "×£" in "3×£10" is clean text, not the Hebrew "ף";
** but "ĂŁ" (Latin capitals inside "SĂŁo") goes on to "ã".
*/
static size_t count_letters(const unsigned *d, size_t n)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        k += is_letter_cat(category(d[i]));
    return k;
}

static int deeper_on_tie(const unsigned *d, size_t n, const unsigned *e,
                         size_t ne)
{
    size_t i;
    int sc = SC_NONE, letters = 0, latin = 0, alphabet = 1;

    for (i = 0; i < n; i++) {
        int cat = category(d[i]);
        int s = script_of(d[i]);

        if (is_letter_cat(cat))
            letters++;
        if (is_letter_cat(cat) && s == SC_LATIN)
            latin++;
        if (!is_letter_cat(cat) || s == SC_LATIN || s == SC_NONE ||
            (i > 0 && s != sc))
            alphabet = 0;
        sc = s;
    }
    if (letters == 0) /* symbols may only give symbols: "¬°" -> "¡" */
        return count_letters(e, ne) == 0;
    return latin > 0 && !alphabet; /* not "√π" (Mac Roman "ù") */
}

/*
** The block a character past U+07FF belongs to, for telling whether two
** such letters could stand together: CJK, kana and Hangul are one, the
** rest go by 128 code points (one Indic script, Thai, ...).
*/
static unsigned block_of(unsigned c)
{
    if ((c >= 0x3000 && c < 0xA000) || (c >= 0xAC00 && c < 0xD7B0) ||
        (c >= 0xF900 && c < 0xFB00) || (c >= 0x20000 && c < 0x323B0))
        return 1;
    return 2 + (c >> 7);
}

/*
** 1 unless a character past U+07FF of d[0..nd), which would replace
** characters [a, b) of t[0..n), touches a letter (in d or in t) and
** none of its own block: a run that needs a lost no-break byte is taken
** only where the three-byte characters it gives stand alone or go on in
** their script ("à¸ าษา" is Thai; "é” uma" read as "锠uma" is not, nor
** "é »à« P" as "頻ૠP").
*/
static int kin_beside(const unsigned *t, size_t n, size_t a, size_t b,
                      const unsigned *d, size_t nd)
{
    size_t j;

    for (j = 0; j < nd; j++) {
        unsigned k, p, q;

        if (d[j] < 0x0800)
            continue;
        k = block_of(d[j]);
        p = j > 0 ? d[j - 1] : a > 0 ? t[a - 1] : 0;
        q = j + 1 < nd ? d[j + 1] : b < n ? t[b] : 0;
        if (!(p >= 0x0800 && block_of(p) == k) &&
            !(q >= 0x0800 && block_of(q) == k) &&
            (is_letter_cat(category(p)) || is_letter_cat(category(q))))
            return 0;
    }
    return 1;
}

/*
** Decide about run r of the line t[0..n): unwind its layers (each layer
** must read back entirely as UTF-8 in some code page), keep the least bad
** of the plausible ones (on a tie, see alphabet_word()), and compare it with
** the line as it stands. Sets r->verdict and, unless VERDICT_NO, the
** replacement. Returns 0, or -1 when memory runs out.
*/
static int judge(struct work *w, const unsigned *t, size_t n, struct run *r)
{
    const unsigned *lvl[MAX_LAYERS];
    size_t nl[MAX_LAYERS];
    int cps[MAX_LAYERS], sus[MAX_LAYERS], depth = 1, best = 0;
    int best_bad = INT_MAX, before, k;
    unsigned left = r->start > 0 ? t[r->start - 1] : 0, rules;

    r->verdict = VERDICT_NO;
    if (left >= 0x80 && (lookup(left)->cont & (1u << r->cp)) &&
        !(classes_of(left) & S_CONT_OK_BEFORE))
        return 0;
    if ((r->kind & EXT_A0) &&
        !kin_beside(t, n, r->start, r->end, w->dec + r->rep, r->nrep))
        return 0; /* "”é” uma" is not "”锠uma" */
    if (!grow_layers(w, r->nrep))
        return -1;
    lvl[0] = w->dec + r->rep;
    nl[0] = r->nrep;
    cps[0] = r->cp;
    sus[0] = r->suspect;
    rules = rules_for(r->cp);
    while (depth < MAX_LAYERS) {
        int cp = 0, suspect = 0;
        size_t m = unwind(lvl[depth - 1], nl[depth - 1], w->lv[depth], &cp,
                          &suspect);

        if (m == 0)
            break;
        lvl[depth] = w->lv[depth];
        nl[depth] = m;
        cps[depth] = cp;
        sus[depth] = suspect;
        rules |= rules_for(cp);
        depth++;
    }
    for (k = 0; k < depth; k++) {
        size_t i;
        unsigned *d = k == 0 ? w->dec + r->rep : w->lv[k];

        for (i = 0; i < nl[k]; i++)
            d[i] = c1_as_1252(d[i]);
    }
    /*
    ** Each layer is judged by the rules of every code page in the chain
    ** ("SĂŁo" is bad as Windows-1250 mojibake), and a deeper layer is
    ** taken only when it is better, or as good and deeper_on_tie() says
    ** so: under one real layer may lie clean but unusual text ("3×£10"
    ** is not Hebrew "3ף10"). C1 controls are judged, and given, as the
    ** Windows-1252 characters they stand for. A deeper
    ** layer that is one suspect character (mac_suspect) is never taken.
    */
    for (k = 0; k < depth; k++) {
        struct view v;
        int bad;

        if (k > 0 && sus[k])
            break;
        v.t = t;
        v.n = n;
        v.a = r->start;
        v.b = r->end;
        v.d = lvl[k];
        v.nd = nl[k];
        if (!plausible_text(&v))
            continue;
        bad = window_bad(w, t, n, r->start, r->end, lvl[k], nl[k], rules);
        if (bad < 0)
            return -1;
        if (bad < best_bad ||
            (bad == best_bad &&
             deeper_on_tie(lvl[best], nl[best], lvl[k], nl[k]))) {
            best = k;
            best_bad = bad;
        }
    }
    if (best_bad == INT_MAX)
        return 0; /* no layer is plausible text */
    before = window_bad(w, t, n, r->start, r->end, t + r->start,
                        r->end - r->start, rules);
    if (before < 0)
        return -1;
    if (best_bad < before && !(best == 0 && sus[0]))
        r->verdict = VERDICT_YES;
    else if (best_bad <= before &&
             ordinary_text(lvl[best], nl[best], left))
        r->verdict = VERDICT_NEUTRAL;
    else
        return 0;
    /* deeper layers are shorter, so they fit where layer 1 was */
    if (best > 0)
        memcpy(w->dec + r->rep, lvl[best], nl[best] * sizeof(unsigned));
    r->nrep = nl[best];
    r->nlayers = best + 1;
    r->bad = best_bad;
    for (k = 0; k <= best; k++)
        r->cps[k] = (unsigned char)cps[k];
    return 0;
}

/* Append run [start, end) with its layer-1 decoding to w->runs. */
static int add_run(struct work *w, size_t start, size_t end, size_t rep,
                   int cp, unsigned kind)
{
    struct run *r = grow(w->runs, &w->runcap, w->nruns + 1, sizeof *r);

    if (r == NULL)
        return 0;
    w->runs = r;
    r = &w->runs[w->nruns++];
    memset(r, 0, sizeof *r);
    r->start = start;
    r->end = end;
    r->rep = rep;
    r->nrep = w->ndec - rep;
    r->cp = cp;
    r->kind = kind;
    r->found = r->nrep;
    r->suspect = r->nrep == 1 && mac_suspect(w->t[start], w->dec[rep], cp);
    return 1;
}

/* Find the runs of code page cp in the line w->t. 0 on failure. */
static int find_runs(struct work *w, int cp)
{
    const unsigned *t = w->t;
    size_t n = w->n, i = 0, words = LEADMAP_WORDS(n);
    const uint64_t *map = w->leadmap + (size_t)cp * words;
    unsigned bit = 1u << cp;

    while (i < n) {
        size_t start = i, rep = w->ndec, len, k = i / 64;
        uint64_t x = map[k] & (~(uint64_t)0 << (i % 64));
        unsigned u, extra, kind, kinds = 0;

        /* to the next lead of this code page that may start a run,
        ** through the map of leads */
        while (x == 0 && ++k < words)
            x = map[k];
        if (x == 0)
            break;
        i = start = k * 64 + (size_t)__builtin_ctzll(x);
        if (i >= n)
            break;

        for (;;) {
            unsigned *d;

            if (i >= n || !(w->lm[i] & bit))
                break;
            /* what cluster_ext() needs after the lead, tested first: a
            ** continuation, a stand-in for one, or "Ã" losing its 0xA0 */
            if (i + 1 < n && !(w->e[i + 1].c->cont & bit) &&
                t[i + 1] != ' ' && t[i + 1] != 0xFFFD && t[i + 1] != '?' &&
                t[i] != 0xC3)
                break;
            len = cluster_ext(t, w->e, n, i, cp, EXT_A0 | EXT_LOSSY, &u,
                              &extra, &kind);
            if (len == 0)
                break;
            d = grow(w->dec, &w->deccap, w->ndec + 2, sizeof *d);
            if (d == NULL)
                return 0;
            w->dec = d;
            w->dec[w->ndec++] = u;
            if (extra)
                w->dec[w->ndec++] = extra;
            kinds |= kind;
            i += len;
        }
        if (i == start)
            i++;
        else if (!add_run(w, start, i, rep, cp, kinds))
            return 0;
    }
    return 1;
}

/* 1 if none of the characters of r is claimed yet. */
static int run_free(const struct work *w, const struct run *r)
{
    size_t i;

    for (i = r->start; i < r->end; i++)
        if (w->taken[i])
            return 0;
    return 1;
}

static void take_run(struct work *w, size_t idx)
{
    const struct run *r = &w->runs[idx];

    memset(w->taken + r->start, 1, r->end - r->start);
    w->start_of[r->start] = idx + 1;
}

/*
** The order runs are chosen in: longest, plain, of the code page whose
** runs span more of the line, first found. The first three are also in
** the pick's key, which is compared first (all 0 on a line too long).
*/
#define PICK_KEY_MAX ((size_t)1 << 31)
static int by_length(const struct pick *a, const struct pick *b)
{
    if (a->key != b->key)
        return a->key > b->key ? -1 : 1;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    if ((a->kind != 0) != (b->kind != 0))
        return a->kind ? 1 : -1;
    if (a->cover != b->cover)
        return a->cover > b->cover ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int by_length_q(const void *a, const void *b)
{
    return by_length(a, b);
}

/* Sort p[0..n) by_length (few: insertion sort). */
static void sort_picks(struct pick *p, size_t n)
{
    size_t i, k;

    if (n > 64) {
        qsort(p, n, sizeof *p, by_length_q);
        return;
    }
    for (k = 1; k < n; k++) {
        struct pick x = p[k];

        for (i = k; i > 0 && by_length(&p[i - 1], &x) > 0; i--)
            p[i] = p[i - 1];
        p[i] = x;
    }
}

/*
** The order of by_length() in one number, larger first, on a line of
** fewer than PACK_LINE characters with fewer than PACK_RUNS runs: the
** run's length, plainness, its code page's span (at most the line's
** length: the runs of one code page do not overlap) and its index, the
** index reversed so that the earlier run is the larger number.
*/
#define PACK_LINE ((size_t)1 << 16)
#define PACK_RUNS ((size_t)1 << 20)
static uint64_t pack_pick(size_t len, unsigned kind, size_t cover, size_t idx)
{
    return (uint64_t)len << 37 | (uint64_t)(kind == 0) << 36 |
           (uint64_t)cover << 20 | (uint64_t)(PACK_RUNS - 1 - idx);
}

static size_t packed_idx(uint64_t v)
{
    return PACK_RUNS - 1 - (size_t)(v & (PACK_RUNS - 1));
}

/* Sift p[i] down the heap p[0..n), whose parents are the smaller. */
static void sift_down(uint64_t *p, size_t n, size_t i)
{
    uint64_t x = p[i];

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= n)
            break;
        if (c + 1 < n && p[c + 1] < p[c])
            c++;
        if (p[c] >= x)
            break;
        p[i] = p[c];
        i = c;
    }
    p[i] = x;
}

/* Sort p[0..n) larger first: insertion sort when few, else heap sort. */
static void sort_packed(uint64_t *p, size_t n)
{
    size_t i, k;

    if (n > 64) {
        for (i = n / 2; i-- > 0;)
            sift_down(p, n, i);
        for (k = n; k-- > 1;) { /* the smallest left goes last */
            uint64_t x = p[0];

            p[0] = p[k];
            p[k] = x;
            sift_down(p, k, 0);
        }
        return;
    }
    for (k = 1; k < n; k++) {
        uint64_t x = p[k];

        for (i = k; i > 0 && p[i - 1] < x; i--)
            p[i] = p[i - 1];
        p[i] = x;
    }
}

/*
** 1 if run r would be judged as run e was: the same span and reading
** (before judging, e's reading was its layer 1; judge() may have put a
** deeper one in its place, so compare r's layer 1 with e's decoding as
** found, which judge() keeps in nrep only when nothing deeper was
** chosen), the same rules, the same damage and suspicion, and the same
** answer to whether the character before may precede it.
*/
static int same_judgement(const struct work *w, const struct run *e,
                          const struct run *r)
{
    unsigned left = r->start > 0 ? w->t[r->start - 1] : 0;
    int le, lr;

    if (e->end != r->end || e->nlayers > 1 || e->found != r->nrep ||
        rules_for(e->cp) != rules_for(r->cp) || e->kind != r->kind ||
        e->suspect != r->suspect ||
        memcmp(w->dec + e->rep, w->dec + r->rep, r->nrep * sizeof *w->dec))
        return 0;
    le = left >= 0x80 && (lookup(left)->cont & (1u << e->cp)) &&
         !(classes_of(left) & S_CONT_OK_BEFORE);
    lr = left >= 0x80 && (lookup(left)->cont & (1u << r->cp)) &&
         !(classes_of(left) & S_CONT_OK_BEFORE);
    return le == lr;
}

/*
** Judge run idx unless it was: a run another code page found with the
** same span, the same reading and the same rules ("Ã©" in Windows-1252,
** Latin-1 and Windows-1254) gets the verdict of the one judged first.
** Returns 0, or -1 when memory runs out.
*/
static int judge_once(struct work *w, size_t idx)
{
    struct run *r = &w->runs[idx];
    size_t first = w->judged_at[r->start];

    if (r->judged)
        return 0;
    r->judged = 1;
    if (first) {
        const struct run *e = &w->runs[first - 1];

        if (same_judgement(w, e, r)) {
            r->verdict = e->verdict;
            if (r->verdict != VERDICT_NO) {
                memcpy(w->dec + r->rep, w->dec + e->rep,
                       e->nrep * sizeof *w->dec);
                r->nrep = e->nrep;
                r->nlayers = e->nlayers;
                memcpy(r->cps, e->cps, sizeof r->cps);
                r->cps[0] = (unsigned char)r->cp;
            }
            return 0;
        }
    } else {
        w->judged_at[r->start] = idx + 1;
    }
    return judge(w, w->t, w->n, r);
}

/*
** 1 if the letters run r gives are of the script of the nearest letter
** either side of it in the line (within four characters, past blanks,
** punctuation and digits), or are one Greek letter as science writes
** it: "–∏" read as Mac Roman is "и" between Russian words, "╨┤╨╛" read
** as code page 437 "до", but "×£" between digits is no Hebrew "ף".
*/
static int script_goes_on(const struct work *w, const struct run *r)
{
    const unsigned *d = w->dec + r->rep;
    size_t j, k, q;
    int sc = SC_NONE;

    for (j = 0; j < r->nrep && sc == SC_NONE; j++)
        if (is_letter_cat(category(d[j])))
            sc = script_of(d[j]);
    if (sc == SC_NONE)
        return 0;
    if (r->nrep == 1 && science_greek(d[0]))
        return 1;
    for (k = 1, q = r->start; k <= 4 && q > 0; k++) {
        q--;
        if (is_letter_cat(category(w->t[q]))) {
            if (script_of(w->t[q]) == sc)
                return 1;
            break;
        }
    }
    for (k = 1, q = r->end; k <= 4 && q < w->n; k++, q++)
        if (is_letter_cat(category(w->t[q])))
            return script_of(w->t[q]) == sc;
    return 0;
}

/*
** One pass over the line w->t: find every run in every code page, judge
** them, take the clearly better ones (longest first, then earlier code
** pages), then the neutral ones of a code page the line has just shown
** it was read through, and rewrite the line. *changed tells if anything was taken.
** Returns 0, or -1 when memory runs out.
*/
static int repair_pass(struct work *w, struct thp_repair_info *info,
                       int *changed)
{
    size_t i, k, m = 0;
    int cp, shown[THP_CP_COUNT] = {0};
    size_t cover[THP_CP_COUNT] = {0};
    struct pick *order = NULL;
    uint64_t *packed = NULL;
    size_t *next, words;
    unsigned *tmp, leads = 0;
    const struct cp_char *next_e;

    *changed = 0;
    words = LEADMAP_WORDS(w->n);
    memset(w->leadmap, 0, THP_CP_COUNT * words * sizeof *w->leadmap);
    /*
    ** The map holds the leads find_runs() can start a run at: those
    ** followed by a continuation of their code page, or by what may
    ** stand for one (a space, U+FFFD, '?'), or "Ã" (which may have lost
    ** its 0xA0), or ending the line; find_runs() would pass the others.
    */
    next_e = w->n > 0 ? lookup_built(w->t[0]) : cp_chars;
    for (i = 0; i < w->n; i++) {
        const struct cp_char *e = next_e;
        unsigned lm = e->lead;

        next_e = i + 1 < w->n ? lookup_built(w->t[i + 1]) : cp_chars;
        w->e[i].c = e;
        w->lm[i] = (unsigned short)lm;
        if (lm != 0 && i + 1 < w->n && w->t[i] != 0xC3) {
            unsigned after = w->t[i + 1];

            if (after != ' ' && after != 0xFFFD && after != '?')
                lm &= next_e->cont;
        }
        leads |= lm;
        for (; lm != 0; lm &= lm - 1)
            w->leadmap[(size_t)__builtin_ctz(lm) * words + i / 64] |=
                (uint64_t)1 << (i % 64);
    }
    w->nruns = 0;
    w->ndec = 0;
    for (cp = 0; cp < THP_CP_COUNT; cp++)
        if ((leads & (1u << cp)) && !find_runs(w, cp))
            return -1;
    if (w->nruns == 0)
        return 0; /* most second passes end here */
    for (i = 0; i < w->n; i++)
        w->tf[i] = w->t[i] < 0x80 ? ascii_classes[w->t[i]]
                   : w->e[i].c != cp_chars ? table_classes[w->e[i].c - cp_chars]
                                         : classes_slow(w->t[i]);
    /*
    ** Runs are judged in the order they are chosen in, and only while
    ** they are free: where runs of two code pages overlap, the one that
    ** explains more characters wins ("Ã\u0083Â£" read as Latin-1 twice
    ** is one run in Latin-1, while Windows-1252 only explains its "Â£"),
    ** a plain one before one that assumes damage, then the one of the code
    ** page whose runs span more of the line (a line is mostly shown
    ** through one), and on a tie the earlier code page; so sorting by
    ** length, plainness, span and index gives that order, and a run
    ** that overlaps one taken before it need not be judged at all.
    */
    memset(w->taken, 0, w->n);
    memset(w->start_of, 0, w->n * sizeof *w->start_of);
    memset(w->judged_at, 0, w->n * sizeof *w->judged_at);
    for (i = 0; i < w->nruns; i++)
        cover[w->runs[i].cp] += w->runs[i].end - w->runs[i].start;
    if (w->n < PACK_LINE && w->nruns < PACK_RUNS) {
        packed = grow(w->packed, &w->packcap, w->nruns, sizeof *packed);
        if (packed == NULL)
            return -1;
        w->packed = packed;
        for (i = 0; i < w->nruns; i++) {
            const struct run *r = &w->runs[i];

            packed[i] = pack_pick(r->end - r->start, r->kind, cover[r->cp],
                                  i);
        }
        sort_packed(packed, w->nruns);
    } else {
        order = grow(w->picks, &w->pickcap, w->nruns, sizeof *order);
        if (order == NULL)
            return -1;
        w->picks = order;
    }
    for (i = 0; order != NULL && i < w->nruns; i++) {
        order[i].len = w->runs[i].end - w->runs[i].start;
        order[i].idx = i;
        order[i].kind = w->runs[i].kind;
        order[i].cover = cover[w->runs[i].cp];
        /* len and cover are at most w->n: below 2^31 they fit */
        order[i].key = w->n < PICK_KEY_MAX
                           ? (uint64_t)order[i].len << 32 |
                                 (uint64_t)(order[i].kind == 0) << 31 |
                                 (uint64_t)order[i].cover
                           : 0;
    }
    if (order != NULL)
        sort_picks(order, w->nruns);
    /* the runs that start at each character, in the order found */
    memset(w->run_at, 0, w->n * sizeof *w->run_at);
    next = grow(w->next_at, &w->nextcap, w->nruns, sizeof *next);
    if (next == NULL)
        return -1;
    w->next_at = next;
    for (i = w->nruns; i-- > 0;) {
        next[i] = w->run_at[w->runs[i].start];
        w->run_at[w->runs[i].start] = i + 1;
    }
    for (k = 0; k < w->nruns; k++) {
        const struct run *r;

        size_t pick = order != NULL ? order[k].idx : packed_idx(packed[k]);
        size_t j;

        r = &w->runs[pick];
        if (!run_free(w, r))
            continue;
        if (judge_once(w, pick) < 0)
            return -1;
        if (r->verdict != VERDICT_YES)
            continue;
        /*
        ** another code page's reading of the very same characters may be
        ** better text ("PerchĂŠ" is "Perché" in ISO-8859-2, "PerchÊ" in
        ** Windows-1250): the least bad is taken, on a tie this one
        */
        for (j = w->run_at[r->start]; j-- > 0; j = next[j]) {
            const struct run *o = &w->runs[j];

            if (j == pick || o->end != r->end || o->kind != r->kind)
                continue;
            if (judge_once(w, j) < 0)
                return -1;
            if (o->verdict == VERDICT_YES && o->bad < w->runs[pick].bad)
                pick = j;
        }
        r = &w->runs[pick];
        take_run(w, pick);
        shown[r->cp] = 1;
        *changed = 1;
    }
    if (!*changed && !w->inner)
        return 0; /* neutral runs need a clearly better one beside them */
    for (i = 0; i < w->nruns; i++) {
        const struct run *r = &w->runs[i];

        if (r->judged && r->verdict == VERDICT_NEUTRAL &&
            (shown[r->cp] ||
             ((w->inner & (1u << r->cp)) && script_goes_on(w, r))) &&
            run_free(w, r)) {
            take_run(w, i);
            *changed = 1;
        }
    }
    if (!*changed)
        return 0;
    for (i = 0; i < w->n;) {
        const struct run *r;
        int l;

        if (w->start_of[i] == 0) {
            w->u[m++] = w->t[i++];
            continue;
        }
        r = &w->runs[w->start_of[i] - 1];
        memcpy(w->u + m, w->dec + r->rep, r->nrep * sizeof *w->u);
        m += r->nrep;
        i = r->end;
        for (l = 1; l < r->nlayers; l++)
            w->inner |= 1u << r->cps[l];
        if (info == NULL)
            continue;
        info->runs++;
        for (l = 0; l < r->nlayers; l++)
            info->mojibake[r->cps[l]]++;
        if (r->nlayers > info->layers)
            info->layers = r->nlayers;
    }
    tmp = w->t;
    w->t = w->u;
    w->u = tmp;
    w->n = m;
    return 0;
}

/*==================== Lines ====================*/

/*==================== Latin-1 read as Mac Roman ====================*/

/* 1 if c is a letter; upper/lower through *upper. */
static int letter_case(unsigned c, int *upper, int *lower)
{
    int cat = category(c);

    *upper = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
    *lower = cat == UTF8PROC_CATEGORY_LL;
    return is_letter_cat(cat);
}

/*
** How many characters of t[0..n) look wrong inside Latin words: a
** non-letter between two letters ("S„o"; not '·' or '’'), a capital
** right after a small letter ("cafÈ"), a small letter right before an
** ASCII capital ("ìCities"), a letter between two digits ("28ñ29"); and
** marks of Latin-1 read as Mac Roman: a symbol whose byte there is a
** small letter glued to one side of a word ("Helsingiss‰", "s¯",
** "irm„"), "÷" (Ö) before small letters, "ñ" (an en dash) alone, "ë…í"
** or "ì…î" (quotes) around a word. Only characters past ASCII count.
*/
static size_t word_oddities(const unsigned *t, size_t n)
{
    size_t i, odd = 0, open = (size_t)-1;

    for (i = 0; i < n; i++) {
        int up, low, pup, plow, nup, nlow, pl, nl;
        unsigned c = t[i], p = i > 0 ? t[i - 1] : ' ';
        unsigned q = i + 1 < n ? t[i + 1] : ' ';
        int is_l = letter_case(c, &up, &low);

        if (c < 0x80)
            continue;
        pl = letter_case(p, &pup, &plow);
        nl = letter_case(q, &nup, &nlow);
        if (!is_l) {
            odd += (pl && nl && c != 0x00B7 && c != 0x2019 &&
                    c != 0x02BC) ||
                   /* a symbol whose Mac Roman byte is a small Latin-1
                   ** letter, glued to a letter: "Helsingiss‰", "s¯" */
                   ((pl || nl) && !(pl && nl) &&
                    ((c >= 0x02D8 && c <= 0x02DD) || c == 0x00AF ||
                     c == 0x00B8 || c == 0x02C7 || c == 0x2030 ||
                     (c == 0x00F7 && nl && nlow && i + 2 < n &&
                      letter_case(t[i + 2], &nup, &nlow) && nlow) ||
                     ((c == 0x201A || c == 0x201E) && pl)));
        } else {
            odd += (up && pl && plow) ||
                   (low && nl && nup && q < 0x80 &&
                    script_of(c) == SC_LATIN) ||
                   (p >= '0' && p <= '9' && q >= '0' && q <= '9') ||
                   /* "ñ" alone: Windows-1252's en dash */
                   (c == 0x00F1 && p == ' ' && q == ' ');
            /* "ëspecialí", "ìtextî": quotes around a word, as letters */
            if ((c == 0x00EB || c == 0x00EC) && !pl && nl)
                open = i;
            else if (open != (size_t)-1 && !nl &&
                     ((c == 0x00ED && t[open] == 0x00EB) ||
                      (c == 0x00EE && t[open] == 0x00EC))) {
                odd++;
                open = (size_t)-1;
            }
        }
        if (c == ' ')
            open = (size_t)-1;
    }
    return odd;
}

/* 1 if c is a symbol (maths, currency, modifier, other; † ‡ § ¶). */
static int is_symbol(unsigned c)
{
    int cat = category(c);

    return (cat >= UTF8PROC_CATEGORY_SM && cat <= UTF8PROC_CATEGORY_SO) ||
           c == 0x2020 || c == 0x2021 || c == 0x00A7 || c == 0x00B6;
}

/*
** Latin-1 (or Windows-1252) text read as Mac Roman, a mix-up of two
** single-byte code pages: "cafÈ S„o Paulo" for "café São Paulo". The
** line w->t is read back through Mac Roman and again as Windows-1252
** when some characters looked wrong inside words before (two, or as
** many as there are changes) and none do after, nothing it gives is a
** control, and no letter becomes a symbol but the euro sign. Returns 1
** if the line was changed.
*/
static int latin1_as_mac(struct work *w)
{
    size_t i, changes = 0, odd;

    for (i = 0; i < w->n; i++) {
        unsigned c = w->t[i], b, l;

        if (c < 0x80) {
            w->u[i] = c;
            continue;
        }
        b = lookup(c)->byte[THP_CP_MACROMAN];
        if (b == 0)
            return 0;
        l = cp_high[THP_CP_1252][b - 0x80];
        if (l >= 0x80 && l < 0xA0)
            return 0; /* a hole of Windows-1252 */
        w->u[i] = l;
        if (l != c && l != 0x20AC && l != 0x2122 && is_symbol(l) &&
            !is_symbol(c))
            return 0; /* a letter gives a symbol: "T•Ø•R" not "T¥¯¥R" */
        changes += l != c;
    }
    odd = word_oddities(w->t, w->n);
    if (changes == 0 || odd == 0 || (odd < 2 && changes > odd))
        return 0;
    if (word_oddities(w->u, w->n) != 0)
        return 0;
    memcpy(w->t, w->u, w->n * sizeof *w->t);
    return 1;
}

/*
** 1 if c (e its table entry), right after the small ASCII letter before
** it, may be Latin-1
** read as Mac Roman: its byte there is a small letter in Latin-1, while
** c is not one ("cafÈ", "S„o"), or c is a capital that stands for
** Windows-1252 punctuation ("JohannesburgÖ"). The scan's test for
** latin1_as_mac().
*/
static int mac_for_latin1(const struct cp_char *e, unsigned c)
{
    unsigned b = e->byte[THP_CP_MACROMAN];

    if (b >= 0xDF)
        return b != 0xF7 && !(c >= 0xDF && c <= 0xFF);
    /* Ä Å Ç É Ñ Ö Ü: Windows-1252 punctuation in Mac Roman */
    return b >= 0x80 && b <= 0x86;
}

/*
** 1 if c at s[i..n) (valid UTF-8) is one of the other marks of Latin-1
** read as Mac Roman that word_oddities() counts where no small letter
** comes before: "÷" (Ö) before small letters, "ñ" (an en dash) alone, "ë" or
** "ì" (an opening quote) starting a word. The scan's test, beside
** mac_for_latin1().
*/
static int latin1_mark(const unsigned char *s, size_t n, size_t i,
                       unsigned c)
{
    if (c == 0x00F7)
        return 1;
    if (c == 0x00F1)
        return i > 0 && s[i - 1] == ' ' && i + 2 < n && s[i + 2] == ' ';
    if (c == 0x00EB || c == 0x00EC)
        return i == 0 || s[i - 1] == ' ' || s[i - 1] == '\n';
    return 0;
}


/*
** Repair one line s[0..len) (with its '\n', if any) into w->t, setting
** *dirty when it changed. Passes run until one changes nothing, so that
** repairing the result again is a no-op; each pass that changes
** something shortens the line, so this ends. Then the line may be
** Latin-1 read as Mac Roman, and read back it may show mojibake the
** Mac reading hid ("ÇƒÏ seÒor" is "‚Äì señor", UTF-8 through Mac
** Roman: "– señor"), so the passes run again after it (issue 15). That
** ends too: latin1_as_mac() leaves a line nothing in it looks wrong in,
** so it changes a line again only after a pass has shortened it.
** Returns THP_OK or THP_ERR_NOMEM.
*/
static int repair_line(struct work *w, const unsigned char *s, size_t len,
                       struct thp_repair_info *info, int *dirty)
{
    size_t i = 0, n = 0;
    int changed = 1;

    *dirty = 0;
    if (!work_line(w, len))
        return THP_ERR_NOMEM;
    while (i < len) {
        unsigned c;
        size_t k = thp_utf8_at(s + i, len - i, &c);

        if (k == 0) { /* a broken contract: keep the output valid */
            c = 0xFFFD;
            k = 1;
            *dirty = 1;
            w->invalid = 1;
        }
        w->t[n++] = c;
        i += k;
    }
    if (w->invalid && w->check)
        return THP_OK; /* not UTF-8: the caller gives up */
    w->n = n;
    w->inner = 0;
    for (;;) {
        while (changed) {
            if (repair_pass(w, info, &changed) < 0)
                return THP_ERR_NOMEM;
            *dirty |= changed;
        }
        if (!latin1_as_mac(w))
            break;
        *dirty = 1;
        changed = 1;
        if (info)
            info->latin1_as_mac++;
    }
    return THP_OK;
}

/*
** Encode the repaired line w->t as UTF-8 into out (reset first), room
** made once: at most four bytes a character.
*/
static int encode_line(const struct work *w, struct thp_buf *out)
{
    size_t i;
    unsigned char *p;

    thp_buf_reset(out);
    if (w->n > ((size_t)-1) / 8 || thp_buf_grow(out, 4 * w->n) != THP_OK)
        return out->rc != THP_OK ? out->rc : THP_ERR_NOMEM;
    p = (unsigned char *)out->s;
    for (i = 0; i < w->n; i++) {
        unsigned c = w->t[i];

        if (c < 0x80) {
            *p++ = (unsigned char)c;
        } else if (c < 0x800) {
            *p++ = (unsigned char)(0xC0 | (c >> 6));
            *p++ = (unsigned char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            *p++ = (unsigned char)(0xE0 | (c >> 12));
            *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *p++ = (unsigned char)(0x80 | (c & 0x3F));
        } else {
            *p++ = (unsigned char)(0xF0 | (c >> 18));
            *p++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
            *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *p++ = (unsigned char)(0x80 | (c & 0x3F));
        }
    }
    out->n = (size_t)(p - (unsigned char *)out->s);
    out->s[out->n] = '\0';
    return THP_OK;
}

/*
** 1 if the valid UTF-8 at s[at..n) starts with characters that, in one of
** the code pages of mask, are a UTF-8 sequence for a plausible character
** (allowing the damage cluster_ext() allows): the scan's test for whether
** a line deserves a closer look. A run the closer look would take holds
** such a cluster (its first, unless that is Mac Roman's Apple logo
** starting an emoji encoded twice, whose next ones are), so a line
** without one has nothing to take.
*/
static int cluster_here(const unsigned char *s, size_t n, size_t at,
                        unsigned mask)
{
    unsigned t[6];
    size_t m = 0, k;
    int cp;

    while (m < 6 && at < n) {
        k = thp_utf8_at(s + at, n - at, &t[m]);
        if (k == 0)
            break;
        at += k;
        m++;
    }
    for (cp = 0; cp < THP_CP_COUNT; cp++) {
        unsigned u, extra, kind;

        if ((mask & (1u << cp)) &&
            cluster_ext(t, NULL, m, 0, cp, EXT_A0 | EXT_LOSSY, &u, &extra,
                        &kind) &&
            plausible_char(u, category(u)))
            return 1;
    }
    return 0;
}

/*
** 1 if the line around position i of s[0..n) deserves a closer look, i
** being just past an ASCII run or at a character c that is not a
** continuation after the lead at prev_at (whose lead bits are
** prev_lead): a no-break byte lost after a lead ("Ã la"), a lost byte
** (U+FFFD), or "à" whose 0xA0 vanished ("voilÃ.").
*/
static int damage_here(const unsigned char *s, size_t n, size_t prev_at,
                       size_t i, unsigned prev_lead,
                       const struct cp_char *prev_e)
{
    if (prev_lead == 0)
        return 0;
    if (s[i] == ' ') {
        /* only a two-byte lead loses its 0xA0 to a space unnoticed by
        ** the lead-and-continuation test ("Ã la"; "à¸ " is caught);
        ** cluster_here() over the lead and the space, made once */
        return (prev_lead & a0_leads[prev_e - cp_chars]) != 0;
    }
    if ((s[i] >= 0x80 && i + 2 < n && s[i] == 0xEF && s[i + 1] == 0xBF &&
         s[i + 2] == 0xBD) || s[i] == '?')
        return cluster_here(s, n, prev_at, prev_lead);
    /* Ã (C3 83) after a small letter, before neither letter nor digit */
    return s[prev_at] == 0xC3 && s[prev_at + 1] == 0x83 && prev_at > 0 &&
           s[prev_at - 1] >= 'a' && s[prev_at - 1] <= 'z' && s[i] < 0x80 &&
           !ascii_letter(s[i]) && !(s[i] >= '0' && s[i] <= '9');
}

int thp_repair_text(const char *in, size_t n, struct thp_buf *out,
                    struct thp_repair_info *info, struct thp_err *err)
{
    int changed, rc = thp_repair_text_lazy(in, n, out, info, err, &changed);

    if (rc == THP_OK && !changed && thp_buf_append(out, in, n) != THP_OK)
        return thp_err_set(err, out->rc, "repairing text: %s",
                           thp_strerror(out->rc));
    return rc;
}

void thp_repair_info_add(struct thp_repair_info *to,
                         const struct thp_repair_info *from)
{
    int cp;

    for (cp = 0; cp < THP_CP_COUNT; cp++)
        to->mojibake[cp] += from->mojibake[cp];
    to->runs += from->runs;
    if (from->layers > to->layers)
        to->layers = from->layers;
    to->latin1_as_mac += from->latin1_as_mac;
    to->entities += from->entities;
    to->entities_invalid += from->entities_invalid;
}

/* How repair_scan works (flags). */
#define SCAN_CHECK 0x1 /* in may be anything: stop at what is not UTF-8 */
#define SCAN_EAGER 0x2 /* hand text on as the scan passes it, not only */
                       /* once a line has changed */
/* Unchanged text an eager scan hands on at once, at most (in L2). */
#define EAGER_CHUNK 65536

/*
** The scan behind every entry point: undo mojibake in in[0..n), handing
** the result to sink in pieces, in order, each ending at a line end but
** the last: runs of unchanged text straight from in, repaired lines from
** a buffer of their own. Without SCAN_EAGER nothing is handed on until a
** line has changed. *dirty gets 1 if a line changed, 0 if none did (then
** nothing was handed on unless SCAN_EAGER), -1 with SCAN_CHECK when in
** is not UTF-8 (the scan stopped there; what was handed on is to be
** thrown away). Returns THP_OK, THP_ERR_NOMEM, or what sink returned.
*/
static int repair_scan(const char *in, size_t n, int mode,
                       thp_repair_sink sink, void *arg,
                       struct thp_repair_info *info, int *dirty)
{
    const unsigned char *s = (const unsigned char *)in;
    struct work w;
    struct thp_buf line;
    size_t i = 0, done = 0, prev_at = 0, flushed = 0;
    unsigned prev_lead = 0;
    const struct cp_char *prev_e = &cp_chars[0];
    int rc = THP_OK;

    pthread_once(&classes_once, classes_build);
    memset(&w, 0, sizeof w);
    w.check = (mode & SCAN_CHECK) != 0;
    thp_buf_init(&line, 0);
    *dirty = 0;
    /*
    ** The scan: mojibake needs a character that is a UTF-8 lead byte in
    ** some code page right before one that is a continuation byte in the
    ** same code page (or a space, U+FFFD or '?' standing for one), and
    ** together with what follows they must spell a plausible character
    ** (cluster_here). Only a line holding such a cluster (or an invalid
    ** byte) is looked at closely; everything else is handed on in bulk.
    */
    while (i < n) {
        /* one ASCII character between two past ASCII, as most text in
        ** other scripts has between its words, without a call */
        size_t k = s[i] >= 0x80                   ? 0
                   : i + 1 < n && s[i + 1] >= 0x80 ? 1
                                                   : thp_utf8_ascii_prefix(s + i, n - i);
        size_t start, end;
        unsigned c;
        int line_dirty;

        if (k > 0) {
            if (damage_here(s, n, prev_at, i, prev_lead, prev_e))
                goto closer;
            i += k;
            prev_lead = 0;
            if (i >= n)
                break;
        }
        if ((mode & SCAN_EAGER) && i - flushed >= EAGER_CHUNK) {
            /* the lines the scan has passed, while they are in cache */
            const char *nl = memrchr(in + flushed, '\n', i - flushed);

            if (nl != NULL) {
                rc = sink(arg, in + flushed, (size_t)(nl + 1 - in) - flushed);
                if (rc != THP_OK)
                    break;
                flushed = (size_t)(nl + 1 - in);
                if (done < flushed)
                    done = flushed;
            }
        }
        if (scan_plain[s[i]]) {
            /*
            ** characters of no code page, and single ASCII characters
            ** between them, in bulk: each would leave prev_lead 0 (and
            ** after one, prev_at and prev_e are not looked at), and none
            ** is U+FFFD or a Latin-1 letter the Mac tests look at
            */
            size_t j = i;

            while (j < n) {
                if (s[j] < 0x80) {
                    if (j + 1 < n && s[j + 1] < 0x80)
                        break; /* more ASCII: thp_utf8_ascii_prefix */
                    j++;
                    continue;
                }
                k = scan_plain[s[j]];
                if (k == 0)
                    break;
                if (k == 1) { /* the overlong and surrogate tests */
                    if ((k = thp_utf8_at(s + j, n - j, &c)) == 0)
                        break;
                } else if (j + k > n || (s[j + 1] & 0xC0) != 0x80 ||
                           (k == 3 && (s[j + 2] & 0xC0) != 0x80)) {
                    break; /* not UTF-8: as thp_utf8_at() would say */
                }
                j += k;
            }
            if (j > i) {
                i = j;
                prev_lead = 0;
                continue;
            }
        }
        k = thp_utf8_at(s + i, n - i, &c);
        if (k == 0 && w.check) {
            w.invalid = 1;
            break;
        }
        if (k > 0) {
            const struct cp_char *e = lookup_built(c);

            if (!((prev_lead & e->cont) &&
                  cluster_here(s, n, prev_at, prev_lead & e->cont)) &&
                !(c == 0xFFFD &&
                  damage_here(s, n, prev_at, i, prev_lead, prev_e)) &&
                !(i > 0 && s[i - 1] >= 'a' && s[i - 1] <= 'z' &&
                  mac_for_latin1(e, c)) &&
                !latin1_mark(s, n, i, c)) {
                prev_lead = e->lead;
                prev_e = e;
                prev_at = i;
                i += k;
                continue;
            }
        }
    closer:
        start = i;
        while (start > done && s[start - 1] != '\n')
            start--;
        end = i;
        while (end < n && s[end] != '\n')
            end++;
        if (end < n)
            end++;
        rc = repair_line(&w, s + start, end - start, info, &line_dirty);
        if (rc != THP_OK || (w.invalid && w.check))
            break;
        if (line_dirty) {
            /* the text before it, handed on only now */
            if (start > flushed)
                rc = sink(arg, in + flushed, start - flushed);
            if (rc == THP_OK)
                rc = encode_line(&w, &line);
            if (rc == THP_OK)
                rc = sink(arg, line.s, line.n);
            if (rc != THP_OK)
                break;
            flushed = end;
            *dirty = 1;
        }
        done = i = end;
        prev_lead = 0;
    }
    if (rc == THP_OK && w.invalid && w.check)
        *dirty = -1;
    else if (rc == THP_OK && flushed < n &&
             (*dirty || (mode & SCAN_EAGER)))
        rc = sink(arg, in + flushed, n - flushed);
    work_release(&w);
    thp_buf_release(&line);
    return rc;
}

/* A sink that appends to a buffer. */
static int buf_sink(void *arg, const char *s, size_t n)
{
    return thp_buf_append(arg, s, n);
}

int thp_repair_text_lazy(const char *in, size_t n, struct thp_buf *out,
                         struct thp_repair_info *info, struct thp_err *err,
                         int *changed)
{
    int rc = repair_scan(in, n, 0, buf_sink, out, info, changed);

    if (rc == THP_OK && out->rc != THP_OK)
        rc = out->rc;
    if (rc != THP_OK)
        return thp_err_set(err, rc, "repairing text: %s", thp_strerror(rc));
    return THP_OK;
}

int thp_repair_text_stream(const char *in, size_t n, thp_repair_sink sink,
                           void *arg, struct thp_repair_info *info,
                           struct thp_err *err, int *valid)
{
    struct thp_repair_info mine;
    int rc, dirty;

    thp_repair_info_init(&mine);
    rc = repair_scan(in, n, SCAN_CHECK | SCAN_EAGER, sink, arg, &mine,
                     &dirty);
    if (rc != THP_OK)
        return thp_err_set(err, rc, "repairing text: %s", thp_strerror(rc));
    *valid = dirty >= 0;
    if (*valid && info != NULL)
        thp_repair_info_add(info, &mine);
    return THP_OK;
}

/*==================== Character references ====================*/

struct entity {
    const char *name;
    unsigned cp;
};

/* HTML 4's entities minus Greek letters, and HTML5's capital aliases. */
static const struct entity entities[] = {
    /* markup */
    {"quot", 0x22}, {"amp", 0x26}, {"apos", 0x27}, {"lt", 0x3C},
    {"gt", 0x3E}, {"QUOT", 0x22}, {"AMP", 0x26}, {"LT", 0x3C},
    {"GT", 0x3E}, {"COPY", 0xA9}, {"REG", 0xAE},
    /* Latin-1 */
    {"nbsp", 0xA0}, {"iexcl", 0xA1}, {"cent", 0xA2}, {"pound", 0xA3},
    {"curren", 0xA4}, {"yen", 0xA5}, {"brvbar", 0xA6}, {"sect", 0xA7},
    {"uml", 0xA8}, {"copy", 0xA9}, {"ordf", 0xAA}, {"laquo", 0xAB},
    {"not", 0xAC}, {"shy", 0xAD}, {"reg", 0xAE}, {"macr", 0xAF},
    {"deg", 0xB0}, {"plusmn", 0xB1}, {"sup2", 0xB2}, {"sup3", 0xB3},
    {"acute", 0xB4}, {"micro", 0xB5}, {"para", 0xB6}, {"middot", 0xB7},
    {"cedil", 0xB8}, {"sup1", 0xB9}, {"ordm", 0xBA}, {"raquo", 0xBB},
    {"frac14", 0xBC}, {"frac12", 0xBD}, {"half", 0xBD}, {"frac34", 0xBE},
    {"iquest", 0xBF}, {"Agrave", 0xC0}, {"Aacute", 0xC1}, {"Acirc", 0xC2},
    {"Atilde", 0xC3}, {"Auml", 0xC4}, {"Aring", 0xC5}, {"AElig", 0xC6},
    {"Ccedil", 0xC7}, {"Egrave", 0xC8}, {"Eacute", 0xC9}, {"Ecirc", 0xCA},
    {"Euml", 0xCB}, {"Igrave", 0xCC}, {"Iacute", 0xCD}, {"Icirc", 0xCE},
    {"Iuml", 0xCF}, {"ETH", 0xD0}, {"Ntilde", 0xD1}, {"Ograve", 0xD2},
    {"Oacute", 0xD3}, {"Ocirc", 0xD4}, {"Otilde", 0xD5}, {"Ouml", 0xD6},
    {"times", 0xD7}, {"Oslash", 0xD8}, {"Ugrave", 0xD9}, {"Uacute", 0xDA},
    {"Ucirc", 0xDB}, {"Uuml", 0xDC}, {"Yacute", 0xDD}, {"THORN", 0xDE},
    {"szlig", 0xDF}, {"agrave", 0xE0}, {"aacute", 0xE1}, {"acirc", 0xE2},
    {"atilde", 0xE3}, {"auml", 0xE4}, {"aring", 0xE5}, {"aelig", 0xE6},
    {"ccedil", 0xE7}, {"egrave", 0xE8}, {"eacute", 0xE9}, {"ecirc", 0xEA},
    {"euml", 0xEB}, {"igrave", 0xEC}, {"iacute", 0xED}, {"icirc", 0xEE},
    {"iuml", 0xEF}, {"eth", 0xF0}, {"ntilde", 0xF1}, {"ograve", 0xF2},
    {"oacute", 0xF3}, {"ocirc", 0xF4}, {"otilde", 0xF5}, {"ouml", 0xF6},
    {"divide", 0xF7}, {"oslash", 0xF8}, {"ugrave", 0xF9}, {"uacute", 0xFA},
    {"ucirc", 0xFB}, {"uuml", 0xFC}, {"yacute", 0xFD}, {"thorn", 0xFE},
    {"yuml", 0xFF},
    /* Latin Extended and spacing modifiers */
    {"OElig", 0x152}, {"oelig", 0x153}, {"Scaron", 0x160},
    {"scaron", 0x161}, {"Yuml", 0x178}, {"fnof", 0x192}, {"circ", 0x2C6},
    {"tilde", 0x2DC},
    /* punctuation */
    {"ensp", 0x2002}, {"emsp", 0x2003}, {"thinsp", 0x2009},
    {"zwnj", 0x200C}, {"zwj", 0x200D}, {"lrm", 0x200E}, {"rlm", 0x200F},
    {"hyphen", 0x2010}, {"dash", 0x2010}, {"ndash", 0x2013},
    {"mdash", 0x2014}, {"horbar", 0x2015}, {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"sbquo", 0x201A}, {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"bdquo", 0x201E}, {"dagger", 0x2020},
    {"Dagger", 0x2021}, {"bull", 0x2022}, {"hellip", 0x2026},
    {"permil", 0x2030}, {"prime", 0x2032}, {"Prime", 0x2033},
    {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"oline", 0x203E},
    {"frasl", 0x2044}, {"euro", 0x20AC},
    /* letterlike symbols and arrows */
    {"image", 0x2111}, {"weierp", 0x2118}, {"real", 0x211C},
    {"trade", 0x2122}, {"alefsym", 0x2135}, {"larr", 0x2190},
    {"uarr", 0x2191}, {"rarr", 0x2192}, {"darr", 0x2193}, {"harr", 0x2194},
    {"crarr", 0x21B5}, {"lArr", 0x21D0}, {"uArr", 0x21D1},
    {"rArr", 0x21D2}, {"dArr", 0x21D3}, {"hArr", 0x21D4},
    /* mathematics */
    {"forall", 0x2200}, {"part", 0x2202}, {"exist", 0x2203},
    {"empty", 0x2205}, {"nabla", 0x2207}, {"isin", 0x2208},
    {"notin", 0x2209}, {"ni", 0x220B}, {"prod", 0x220F}, {"sum", 0x2211},
    {"minus", 0x2212}, {"lowast", 0x2217}, {"radic", 0x221A},
    {"prop", 0x221D}, {"infin", 0x221E}, {"ang", 0x2220}, {"and", 0x2227},
    {"or", 0x2228}, {"cap", 0x2229}, {"cup", 0x222A}, {"int", 0x222B},
    {"there4", 0x2234}, {"sim", 0x223C}, {"cong", 0x2245},
    {"asymp", 0x2248}, {"ne", 0x2260}, {"equiv", 0x2261}, {"le", 0x2264},
    {"ge", 0x2265}, {"sub", 0x2282}, {"sup", 0x2283}, {"nsub", 0x2284},
    {"sube", 0x2286}, {"supe", 0x2287}, {"oplus", 0x2295},
    {"otimes", 0x2297}, {"perp", 0x22A5}, {"sdot", 0x22C5},
    {"lceil", 0x2308}, {"rceil", 0x2309}, {"lfloor", 0x230A},
    {"rfloor", 0x230B}, {"lang", 0x27E8}, {"rang", 0x27E9},
    /* shapes */
    {"loz", 0x25CA}, {"spades", 0x2660}, {"clubs", 0x2663},
    {"hearts", 0x2665}, {"diams", 0x2666},
};

/* The code point of entity name[0..n), or 0 if it is not one we know. */
static unsigned entity_lookup(const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof entities / sizeof entities[0]; i++)
        if (entities[i].name[0] == name[0] &&
            strncmp(entities[i].name, name, n) == 0 &&
            entities[i].name[n] == '\0')
            return entities[i].cp;
    return 0;
}

/* Windows-1252's characters for 0x80..0x9F; HTML5 keeps the holes. */
static unsigned html_c1(unsigned v)
{
    return cp_high[THP_CP_1252][v - 0x80];
}

/*
** If s[0..n) (just past '&') is a character reference, return its length
** up to and including ';' and store its code point in *cp (*bad = 1 if
** it was invalid and gives U+FFFD); otherwise return 0.
*/
static size_t reference_at(const char *s, size_t n, unsigned *cp, int *bad)
{
    size_t i = 0;

    *bad = 0;
    if (n > 0 && s[0] == '#') {
        int hex = n > 1 && (s[1] == 'x' || s[1] == 'X');
        unsigned v = 0;
        size_t digits = 0;

        i = hex ? 2 : 1;
        for (; i < n; i++, digits++) {
            unsigned d;
            char ch = s[i];

            if (ch >= '0' && ch <= '9')
                d = (unsigned)(ch - '0');
            else if (hex && ch >= 'a' && ch <= 'f')
                d = (unsigned)(ch - 'a' + 10);
            else if (hex && ch >= 'A' && ch <= 'F')
                d = (unsigned)(ch - 'A' + 10);
            else
                break;
            v = v * (hex ? 16u : 10u) + d;
            if (v > 0x10FFFF)
                v = 0x110000; /* stays too big however long it goes on */
        }
        if (digits == 0 || i >= n || s[i] != ';')
            return 0;
        if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
            v = 0xFFFD;
            *bad = 1;
        } else if (v >= 0x80 && v <= 0x9F) {
            v = html_c1(v);
        }
        *cp = v;
        return i + 1;
    }
    /* the longest name we know has 7 letters ("alefsym"; "hellip") */
    while (i < n && i < 8 &&
           ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
            (s[i] >= '0' && s[i] <= '9')))
        i++;
    if (i == 0 || i >= n || s[i] != ';')
        return 0;
    *cp = entity_lookup(s, i);
    if (*cp == 0) {
        /* "&EACUTE;": the capital of a lower-case name, as HTML5 parsers
        ** do not but authors expect */
        char low[8];
        size_t k, caps = 0;

        for (k = 0; k < i; k++) {
            if (s[k] >= 'a' && s[k] <= 'z')
                return 0;
            caps += s[k] >= 'A' && s[k] <= 'Z';
            low[k] = (char)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] + 32 : s[k]);
        }
        if (caps == 0 || i > sizeof low)
            return 0;
        *cp = entity_lookup(low, i);
        if (*cp == 0)
            return 0;
        *cp = (unsigned)utf8proc_toupper((utf8proc_int32_t)*cp);
    }
    return i + 1;
}

int thp_repair_entities(const char *in, size_t n, struct thp_buf *out,
                        struct thp_repair_info *info, struct thp_err *err)
{
    size_t i = 0;

    while (i < n) {
        const char *amp = memchr(in + i, '&', n - i);
        size_t at, len;
        unsigned cp;
        int bad;

        if (amp == NULL) {
            thp_buf_append(out, in + i, n - i);
            break;
        }
        at = (size_t)(amp - in);
        thp_buf_append(out, in + i, at - i);
        len = reference_at(in + at + 1, n - at - 1, &cp, &bad);
        if (len == 0) {
            thp_buf_putc(out, '&');
            i = at + 1;
            continue;
        }
        thp_buf_put_utf8(out, cp);
        i = at + 1 + len;
        if (info) {
            info->entities++;
            info->entities_invalid += (size_t)bad;
        }
    }
    if (out->rc != THP_OK)
        return thp_err_set(err, out->rc, "decoding references: %s",
                           thp_strerror(out->rc));
    return THP_OK;
}

/*==================== Reporting ====================*/

int thp_repair_info_json(const struct thp_repair_info *info,
                         struct thp_buf *out)
{
    const char *sep = "";
    int cp, any = 0;

    thp_buf_putc(out, '{');
    for (cp = 0; cp < THP_CP_COUNT; cp++) {
        if (info->mojibake[cp] == 0)
            continue;
        thp_buf_printf(out, "%s\"%s\":%zu", any ? "," : "\"mojibake\":{",
                       cp_names[cp], info->mojibake[cp]);
        any = 1;
    }
    if (any) {
        thp_buf_printf(out, "},\"layers\":%d", info->layers);
        sep = ",";
    }
    if (info->latin1_as_mac) {
        thp_buf_printf(out, "%s\"latin1_as_macroman\":%zu", sep,
                       info->latin1_as_mac);
        sep = ",";
    }
    if (info->entities) {
        thp_buf_printf(out, "%s\"entities\":%zu", sep, info->entities);
        sep = ",";
    }
    if (info->entities_invalid)
        thp_buf_printf(out, "%s\"entities_invalid\":%zu", sep,
                       info->entities_invalid);
    return thp_buf_putc(out, '}');
}

int thp_repair_explain(const struct thp_repair_info *info,
                       struct thp_buf *out)
{
    int cp;

    for (cp = 0; cp < THP_CP_COUNT; cp++) {
        size_t k = info->mojibake[cp];

        if (k)
            thp_buf_printf(out, "%zu run%s of UTF-8 shown as %s, restored\n",
                           k, k == 1 ? "" : "s", cp_titles[cp]);
    }
    if (info->layers > 1)
        thp_buf_printf(out, "some text had been mis-decoded %d times over; "
                       "every layer undone\n", info->layers);
    if (info->latin1_as_mac)
        thp_buf_printf(out, "%zu line%s of Latin-1 shown as Mac Roman, "
                       "read again\n", info->latin1_as_mac,
                       info->latin1_as_mac == 1 ? "" : "s");
    if (info->entities) {
        thp_buf_printf(out, "%zu HTML character reference%s decoded",
                       info->entities, info->entities == 1 ? "" : "s");
        if (info->entities_invalid)
            thp_buf_printf(out, ", %zu invalid (now U+FFFD)",
                           info->entities_invalid);
        thp_buf_putc(out, '\n');
    }
    return out->rc;
}
