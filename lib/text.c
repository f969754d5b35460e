/*
** text.c: bytes of unknown encoding -> clean, NFC-normalised UTF-8.
**
** This file decides how to read a document's bytes (BOM, UTF-8 validity,
** declared charset, libuchardet, Windows-1252) and cleans the decoded text.
** It never fails on bad input: undecodable bytes become U+FFFD and are
** counted. It does not parse HTML beyond sniffing a charset declaration.
*/
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <uchardet/uchardet.h>
#include <utf8proc.h>

#include "thp/json.h"
#include "thp/mem.h"
#include "thp/text.h"

/* How far into a page a charset declaration is looked for (HTML5: 1024). */
#define SNIFF_LEN 4096

/* Windows-1252 bytes 0x80..0x9F; 0 marks the five undefined bytes. */
static const unsigned short cp1252_c1[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

void thp_text_info_init(struct thp_text_info *info)
{
    memset(info, 0, sizeof *info);
    thp_repair_info_init(&info->repair);
}

const char *thp_text_source_name(int source)
{
    switch (source) {
    case THP_SRC_BOM: return "bom";
    case THP_SRC_UTF8: return "utf-8";
    case THP_SRC_DECLARED: return "declared";
    case THP_SRC_DETECTED: return "detected";
    case THP_SRC_FALLBACK: return "fallback";
    }
    return "none";
}

/*==================== UTF-8 ====================*/

int thp_text_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    unsigned cp;

    for (;;) {
        size_t k;

        i += thp_utf8_ascii_prefix(s + i, n - i);
        if (i >= n)
            return 1;
        k = thp_utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            return 0;
        i += k;
    }
}

/*
** Count valid multi-byte sequences and invalid bytes, to tell UTF-8 with a
** few stray legacy bytes (a common result of pasting) from legacy text.
*/
static void utf8_census(const unsigned char *s, size_t n, size_t *multi,
                        size_t *bad)
{
    size_t i = 0;
    unsigned cp;

    *multi = *bad = 0;
    while (i < n) {
        size_t k;

        i += thp_utf8_ascii_prefix(s + i, n - i);
        if (i >= n)
            break;
        k = thp_utf8_decode(s + i, n - i, &cp);
        if (k == 0) {
            (*bad)++;
            i++;
        } else {
            (*multi)++;
            i += k;
        }
    }
}

/*
** Append UTF-8 text to out, reading each byte that is not part of a valid
** sequence as Windows-1252 (or U+FFFD for its five holes).
*/
static int utf8_mixed_append(struct thp_buf *out, const unsigned char *s,
                             size_t n, struct thp_text_info *info)
{
    size_t i = 0;
    unsigned cp;

    while (i < n) {
        size_t k = thp_utf8_ascii_prefix(s + i, n - i);

        thp_buf_append(out, (const char *)s + i, k);
        i += k;
        if (i >= n)
            break;
        k = thp_utf8_decode(s + i, n - i, &cp);
        if (k) {
            thp_buf_append(out, (const char *)s + i, k);
            i += k;
            continue;
        }
        cp = s[i];
        if (cp < 0xA0)
            cp = cp1252_c1[cp - 0x80];
        if (cp == 0) {
            cp = 0xFFFD;
            if (info)
                info->n_invalid++;
        } else if (info) {
            info->n_mixed++;
        }
        thp_buf_put_utf8(out, cp);
        i++;
    }
    return out->rc;
}

/* Append Windows-1252 bytes as UTF-8; its five undefined bytes give U+FFFD. */
static int cp1252_append(struct thp_buf *out, const unsigned char *s,
                         size_t n, struct thp_text_info *info)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned cp = s[i];

        /* a real NUL passes through: cleaning drops it as a control */
        if (cp >= 0x80 && cp < 0xA0 && (cp = cp1252_c1[cp - 0x80]) == 0) {
            cp = 0xFFFD;
            if (info)
                info->n_invalid++;
        }
        if (cp < 0x80)
            thp_buf_putc(out, (int)cp);
        else
            thp_buf_put_utf8(out, cp);
    }
    return out->rc;
}

/*==================== Charset labels ====================*/

/*
** Map a charset label to the name iconv knows, following the web's rules:
** ISO-8859-1 and US-ASCII labels mean Windows-1252. Writes "" if the label
** is empty or names nothing iconv can convert.
*/
static void canon_charset(const char *label, char *out, size_t outlen)
{
    char low[40];
    size_t i;
    iconv_t cd;

    for (i = 0; i < sizeof low - 1 && label[i]; i++)
        low[i] = (char)tolower((unsigned char)label[i]);
    low[i] = '\0';
    out[0] = '\0';
    if (low[0] == '\0')
        return;
    if (!strcmp(low, "utf8") || !strcmp(low, "utf-8") ||
        !strcmp(low, "unicode-1-1-utf-8"))
        label = "UTF-8";
    else if (!strcmp(low, "iso-8859-1") || !strcmp(low, "iso8859-1") ||
             !strcmp(low, "latin1") || !strcmp(low, "latin-1") ||
             !strcmp(low, "l1") || !strcmp(low, "us-ascii") ||
             !strcmp(low, "ascii") || !strcmp(low, "cp1252") ||
             !strcmp(low, "windows-1252") || !strcmp(low, "x-cp1252") ||
             !strcmp(low, "iso_8859-1"))
        label = "WINDOWS-1252";
    else if (!strcmp(low, "x-mac-roman") || !strcmp(low, "macintosh") ||
             !strcmp(low, "mac") || !strcmp(low, "macroman"))
        label = "MACINTOSH";
    else if (!strcmp(low, "unicode") || !strcmp(low, "utf-16") ||
             !strcmp(low, "ucs-2"))
        label = "UTF-16";
    cd = iconv_open("UTF-8", label);
    if ((intptr_t)cd == -1)
        return;
    iconv_close(cd);
    for (i = 0; i < outlen - 1 && label[i]; i++)
        out[i] = (char)toupper((unsigned char)label[i]);
    out[i] = '\0';
}

static int ci_prefix(const char *s, const char *end, const char *word)
{
    size_t n = strlen(word);

    return (size_t)(end - s) >= n && strncasecmp(s, word, n) == 0;
}

/* Read a charset value after "charset" / "encoding" at p: = "label". */
static int read_label(const char *p, const char *end, char *label,
                      size_t len)
{
    size_t i = 0;

    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (p >= end || *p != '=')
        return 0;
    p++;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '"' || *p == '\''))
        p++;
    while (p < end && i < len - 1 &&
           (isalnum((unsigned char)*p) || *p == '-' || *p == '_' ||
            *p == '.' || *p == ':'))
        label[i++] = *p++;
    label[i] = '\0';
    return i > 0;
}

/*
** Find a charset declared in the first SNIFF_LEN bytes of a page: an XML
** declaration's encoding, or charset= inside a <meta> tag (both the HTML5
** form and the http-equiv Content-Type form). Writes the raw label.
*/
static int sniff_declared(const char *s, size_t n, char *label, size_t len)
{
    const char *end = s + (n < SNIFF_LEN ? n : SNIFF_LEN);
    const char *p;

    if (ci_prefix(s, end, "<?xml")) {
        const char *close = memchr(s, '>', (size_t)(end - s));

        for (p = s; close && p < close; p++)
            if (ci_prefix(p, close, "encoding") &&
                read_label(p + 8, close, label, len))
                return 1;
    }
    for (p = s; p < end; p++) {
        const char *close, *q;

        if (*p != '<' || !ci_prefix(p, end, "<meta"))
            continue;
        close = memchr(p, '>', (size_t)(end - p));
        if (close == NULL)
            break;
        for (q = p + 5; q < close; q++)
            if (ci_prefix(q, close, "charset") &&
                read_label(q + 7, close, label, len))
                return 1;
        p = close;
    }
    return 0;
}

/*==================== Conversion ====================*/

/*
** Convert in[0..n) from charset to UTF-8 with iconv, appending to out.
** An undecodable unit becomes U+FFFD (counted) and decoding goes on.
*/
static int convert(const char *charset, const char *in, size_t n,
                   struct thp_buf *out, struct thp_text_info *info,
                   struct thp_err *err)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    char *ip = (char *)in;
    size_t il = n;
    size_t unit = strncmp(charset, "UTF-16", 6) == 0 ? 2 : 1;

    if ((intptr_t)cd == -1)
        return thp_err_set(err, THP_ERR_MISUSE, "unknown charset '%s'",
                           charset);
    while (il > 0) {
        char *op;
        size_t ol, r;

        if (thp_buf_grow(out, il * 2 + 16) != THP_OK)
            break;
        op = out->s + out->n;
        ol = out->cap - out->n - 1;
        r = iconv(cd, &ip, &il, &op, &ol);
        out->n = (size_t)(op - out->s);
        out->s[out->n] = '\0';
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        /* EILSEQ or EINVAL (truncated tail): replace one unit. */
        thp_buf_puts(out, "\xEF\xBF\xBD");
        if (info)
            info->n_invalid++;
        if (il <= unit)
            break;
        ip += unit;
        il -= unit;
    }
    iconv_close(cd);
    if (out->rc != THP_OK)
        return thp_err_set(err, out->rc, "decoding: %s",
                           thp_strerror(out->rc));
    return THP_OK;
}

/* Does the detector name a Central European code page? */
static int central_guess(const char *cs)
{
    return !strcmp(cs, "WINDOWS-1250") || !strcmp(cs, "ISO-8859-2") ||
           !strcmp(cs, "IBM852") || !strcmp(cs, "MAC-CENTRALEUROPE");
}

static int in_list(unsigned cp, const unsigned short *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (list[i] == cp)
            return 1;
    return 0;
}

/*
** libuchardet often takes Western text for Central European (Portuguese
** "S\xE3o" read as Windows-1250 gives "Săo"). Second opinion: over the
** bytes whose Windows-1250 and Windows-1252 readings differ, count
** letters only Central European languages use (ł, ř, ő, ...) against
** letters only Western ones use (ã, õ, ñ, è, ...). Central wins only when
** it has more.
*/
static int central_wins(const unsigned char *s, size_t n)
{
    static const unsigned short central[] = {
        0x0105, 0x0104, 0x0107, 0x0106, 0x010D, 0x010C, 0x010F, 0x010E,
        0x0119, 0x0118, 0x011B, 0x011A, 0x0142, 0x0141, 0x013E, 0x013D,
        0x013A, 0x0139, 0x0144, 0x0143, 0x0148, 0x0147, 0x0151, 0x0150,
        0x0159, 0x0158, 0x0155, 0x0154, 0x015B, 0x015A, 0x0165, 0x0164,
        0x016F, 0x016E, 0x0171, 0x0170, 0x017A, 0x0179, 0x017C, 0x017B,
        0x015F, 0x015E, 0x0163, 0x0162,
    };
    static const unsigned short western[] = {
        0x00E3, 0x00C3, 0x00F5, 0x00D5, 0x00F1, 0x00D1, 0x00E0, 0x00C0,
        0x00E8, 0x00C8, 0x00EC, 0x00CC, 0x00F2, 0x00D2, 0x00F9, 0x00D9,
        0x00EA, 0x00CA, 0x00FB, 0x00DB, 0x00E5, 0x00C5, 0x00E6, 0x00C6,
        0x00F8, 0x00D8, 0x00EF, 0x00CF, 0x00FF, 0x2019, 0x201C, 0x201D,
    };
    size_t i, c = 0, w = 0;

    for (i = 0; i < n; i++) {
        unsigned b = s[i], a, e;

        if (b < 0x80)
            continue;
        a = thp_repair_cp_char(THP_CP_1250, b);
        e = thp_repair_cp_char(THP_CP_1252, b);
        if (a == e)
            continue;
        c += in_list(a, central, sizeof central / sizeof *central);
        w += in_list(e, western, sizeof western / sizeof *western);
    }
    return c > w;
}

/* 1 if c is a letter; *lower tells if it is a small one. */
static int letter_kind(unsigned c, int *lower)
{
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)c);

    *lower = cat == UTF8PROC_CATEGORY_LL;
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO &&
           cat != UTF8PROC_CATEGORY_LM; /* not ˇ ˘ ˙ */
}

/*
** How much s[0..n) read through code page cp (repair.h's tables) looks
** like words: each byte from 0x80 up scores +1 as a letter (not ª º),
** -2 more as a capital right after a small letter ("£ódŸ") or a small
** one right before a capital ("żQué"); a symbol
** scores -2 between two letters and -1 beside one ("³a"), punctuation
** only between two ("¿Qué" is Spanish); a C1 control or a hole -3.
** Western letters where their languages do not put them score -2 more:
** "õ" not before "e" or "s" (Portuguese ões, õe; Hungarian ő), "ì"
** inside a word (Italian puts it last; Czech ě), "æ" last (Croatian ć),
** "Ø" before "e" (Czech Ř), "È", "Ð" or a small "è" starting a word
** (Č, Đ, č), "þ" after a letter (Icelandic puts it first; Romanian ţ).
*/
static long word_score(const unsigned char *s, size_t n, int cp)
{
    size_t i;
    long score = 0;

    for (i = 0; i < n; i++) {
        unsigned c, p = i > 0 ? thp_repair_cp_char(cp, s[i - 1]) : ' ';
        unsigned q = i + 1 < n ? thp_repair_cp_char(cp, s[i + 1]) : ' ';
        int low, plow, qlow, pl, ql;
        utf8proc_category_t cat;

        if (s[i] < 0x80)
            continue;
        c = thp_repair_cp_char(cp, s[i]);
        pl = letter_kind(p, &plow) && p != 0xAA && p != 0xBA;
        ql = letter_kind(q, &qlow) && q != 0xAA && q != 0xBA;
        cat = utf8proc_category((utf8proc_int32_t)c);
        if (c >= 0x80 && c < 0xA0) {
            score -= 3;
        } else if (c != 0xAA && c != 0xBA && letter_kind(c, &low)) {
            score += 1;
            if ((!low && pl && plow) || (low && ql && !qlow))
                score -= 2;
            if (cp != THP_CP_1252)
                continue;
            if ((c == 0x00F5 && q != 'e' && q != 's') ||
                (c == 0x00EC && ql) || (c == 0x00E6 && !ql) ||
                (c == 0x00D8 && q == 'e') ||
                ((c == 0x00C8 || c == 0x00D0 || c == 0x00E8) && !pl && ql &&
                 qlow) ||
                (c == 0x00FE && pl))
                score -= 2;
        } else if (cat >= UTF8PROC_CATEGORY_PC &&
                   cat <= UTF8PROC_CATEGORY_PO) {
            if (pl && ql)
                score -= 2;
        } else if (pl && ql) {
            score -= 2;
        } else if (pl || ql) {
            score -= 1;
        }
    }
    return score;
}

/*
** Short undeclared text in a Central European code page: Polish, Czech,
** Slovak, Hungarian, Croatian, Slovene or Romanian written in
** Windows-1250 or ISO-8859-2 ("\xA3\xF3d\x9F" is "Łódź", not "£ódŸ").
** Returns the iconv name of the code page whose reading scores clearly
** better than Windows-1252's (word_score), or NULL to keep Windows-1252.
*/
static const char *central_short(const unsigned char *s, size_t n)
{
    long w = word_score(s, n, THP_CP_1252);
    long a = word_score(s, n, THP_CP_1250);
    long b = word_score(s, n, THP_CP_LATIN2);

    /* by two at least: one letter alone ("\xA3" is "£" or "Ł") is not
    ** evidence enough */
    if (a == b && a >= w + 2) {
        /* the same letters: Š Ť Ž š ť ž sit in 0x80..0x9F in
        ** Windows-1250, in 0xA9..0xBE in ISO-8859-2 */
        size_t i, c1 = 0, iso = 0;

        for (i = 0; i < n; i++) {
            c1 += s[i] >= 0x80 && s[i] < 0xA0;
            iso += s[i] == 0xA9 || s[i] == 0xAB || s[i] == 0xAE ||
                   s[i] == 0xBB || s[i] == 0xBE;
        }
        return c1 == 0 && iso > 0 ? "ISO-8859-2" : "WINDOWS-1250";
    }
    if (a > b && a >= w + 2)
        return "WINDOWS-1250";
    if (b > a && b >= w + 2)
        return "ISO-8859-2";
    return NULL;
}

/*
** Guess UTF-16 without a BOM: text in a Latin script has a NUL in every
** other byte. Returns "UTF-16LE", "UTF-16BE" or NULL.
*/
static const char *guess_utf16(const unsigned char *s, size_t n)
{
    size_t i, even = 0, odd = 0, m = n < 1024 ? n : 1024;

    if (m < 16)
        return NULL;
    for (i = 0; i + 1 < m; i += 2) {
        even += s[i] == 0;
        odd += s[i + 1] == 0;
    }
    if (odd * 3 > m && even * 20 < m)
        return "UTF-16LE";
    if (even * 3 > m && odd * 20 < m)
        return "UTF-16BE";
    return NULL;
}

static void set_charset(struct thp_text_info *info, const char *cs, int src,
                        int conf)
{
    if (info == NULL)
        return;
    snprintf(info->charset, sizeof info->charset, "%s", cs);
    info->source = src;
    info->confidence = conf;
}

int thp_text_decode(const char *in, size_t n, int flags, struct thp_buf *out,
                    struct thp_text_info *info, struct thp_err *err)
{
    const unsigned char *s = (const unsigned char *)in;
    char label[32] = "", declared[32] = "";
    const char *cs;
    size_t multi, bad;

    /* 1. A byte order mark settles it. */
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        set_charset(info, "UTF-8", THP_SRC_BOM, 100);
        return utf8_mixed_append(out, s + 3, n - 3, info) == THP_OK
                   ? THP_OK
                   : thp_err_set(err, out->rc, "decoding: %s",
                                 thp_strerror(out->rc));
    }
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) ||
                   (s[0] == 0xFE && s[1] == 0xFF))) {
        cs = s[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        set_charset(info, cs, THP_SRC_BOM, 100);
        return convert(cs, in + 2, n - 2, out, info, err);
    }

    if ((flags & THP_TEXT_HTML) && sniff_declared(in, n, label, sizeof label))
        canon_charset(label, declared, sizeof declared);
    if (info)
        snprintf(info->declared, sizeof info->declared, "%s",
                 declared[0] ? declared : label);

    /* UTF-16 without a BOM: its NULs would pass for UTF-8. */
    if ((cs = guess_utf16(s, n)) != NULL) {
        set_charset(info, cs, THP_SRC_DETECTED, 70);
        return convert(cs, in, n, out, info, err);
    }

    /* 2. Valid UTF-8 is UTF-8, whatever the page claims. */
    if (thp_text_utf8_valid(in, n)) {
        set_charset(info, "UTF-8", THP_SRC_UTF8, 99);
        if (thp_buf_append(out, in, n) != THP_OK)
            return thp_err_set(err, out->rc, "decoding: %s",
                               thp_strerror(out->rc));
        return THP_OK;
    }
    /* UTF-8 with a few stray legacy bytes: keep the UTF-8, mend the rest. */
    utf8_census(s, n, &multi, &bad);
    if (multi > 0 && bad <= multi) {
        set_charset(info, "UTF-8", THP_SRC_UTF8, 60);
        return utf8_mixed_append(out, s, n, info) == THP_OK
                   ? THP_OK
                   : thp_err_set(err, out->rc, "decoding: %s",
                                 thp_strerror(out->rc));
    }

    /* 3. A declared legacy charset (a UTF-8 or UTF-16 claim is untrue). */
    if (declared[0] && strcmp(declared, "UTF-8") != 0 &&
        strncmp(declared, "UTF-16", 6) != 0) {
        set_charset(info, declared, THP_SRC_DECLARED, 90);
        return convert(declared, in, n, out, info, err);
    }

    /* 4. The detector, for inputs long enough to judge. */
    if (bad >= 8 && n >= 64) {
        uchardet_t ud = uchardet_new();
        char guess[32] = "";

        if (ud != NULL) {
            uchardet_handle_data(ud, in, n);
            uchardet_data_end(ud);
            canon_charset(uchardet_get_charset(ud), guess, sizeof guess);
            uchardet_delete(ud);
        }
        if (central_guess(guess) && !central_wins(s, n)) {
            set_charset(info, "WINDOWS-1252", THP_SRC_DETECTED, 50);
            return cp1252_append(out, s, n, info) == THP_OK
                       ? THP_OK
                       : thp_err_set(err, out->rc, "decoding: %s",
                                     thp_strerror(out->rc));
        }
        if (guess[0] && strcmp(guess, "UTF-8") != 0 &&
            strncmp(guess, "UTF-16", 6) != 0 &&
            strncmp(guess, "UTF-32", 6) != 0) {
            set_charset(info, guess, THP_SRC_DETECTED, 60);
            return convert(guess, in, n, out, info, err);
        }
    }

    /* 5. Short Central European text, which the detector is not given. */
    if ((cs = central_short(s, n)) != NULL) {
        set_charset(info, cs, THP_SRC_DETECTED, 40);
        return convert(cs, in, n, out, info, err);
    }

    /* 6. The web's default for unlabelled legacy text. */
    set_charset(info, "WINDOWS-1252", THP_SRC_FALLBACK, 30);
    return cp1252_append(out, s, n, info) == THP_OK
               ? THP_OK
               : thp_err_set(err, out->rc, "decoding: %s",
                             thp_strerror(out->rc));
}

/*==================== Cleaning ====================*/

/* Characters dropped outright: format controls that carry no text. */
static int is_dropped(unsigned cp)
{
    return cp == 0xFEFF || (cp >= 0x206A && cp <= 0x206F) ||
           (cp >= 0xFFF9 && cp <= 0xFFFB);
}

/* Spaces that fold to U+0020. */
static int is_nbsp(unsigned cp)
{
    return cp == 0x00A0 || cp == 0x2007 || cp == 0x202F;
}

/*
** What NFC may do to a character, for the BMP in a table built once from
** utf8proc's data:
**   0          nothing: a starter NFC leaves alone and joins to nothing
**              before it (ASCII, é, ấ, ά, й, Hangul syllables, CJK);
**   1..254     a combining mark of that class that no composition takes:
**              NFC only reorders it, when the mark right before it has a
**              higher class (Hindi's virama, Thai tone marks, Hebrew
**              points);
**   NFC_MAYBE  anything else: the second of a composition (U+0301,
**              Tamil U+0BBE), Hangul jamo, an exclusion, a character
**              whose decomposition does not come back as itself.
** Text is NFC when it holds no NFC_MAYBE character and its marks are in
** order (Unicode's quick check), so most text in any script skips the
** normaliser, and text that does not is normalised only in the stretches
** around such characters.
*/
#define NFC_MAYBE 255
static unsigned char nfc_class[0x10000];
static pthread_once_t nfc_once = PTHREAD_ONCE_INIT;

static void nfc_build(void)
{
    unsigned c;

    for (c = 0x300; c < 0x10000; c++) {
        const utf8proc_property_t *p;

        if (c >= 0xD800 && c < 0xE000)
            continue;
        p = utf8proc_get_property((utf8proc_int32_t)c);
        if (p->combining_class != 0 && nfc_class[c] == 0)
            nfc_class[c] = (unsigned char)(p->combining_class < NFC_MAYBE
                                               ? p->combining_class
                                               : NFC_MAYBE - 1);
    }
    for (c = 0x300; c < 0x10000; c++) {
        const utf8proc_property_t *p;
        utf8proc_int32_t seq[8];
        utf8proc_ssize_t k, j;
        int bc = 0;
        utf8proc_uint8_t in[4], *nfc = NULL;
        utf8proc_ssize_t len, ilen;

        if (c >= 0xD800 && c < 0xE000)
            continue;
        p = utf8proc_get_property((utf8proc_int32_t)c);
        if (p->comp_exclusion || (c >= 0x1100 && c < 0x1200) ||
            (c >= 0xA960 && c < 0xA980) || (c >= 0xD7B0 && c < 0xD800))
            nfc_class[c] = NFC_MAYBE;
        if (p->decomp_seqindex == UINT16_MAX || p->decomp_type != 0)
            continue;
        k = utf8proc_decompose_char((utf8proc_int32_t)c, seq, 8,
                                    UTF8PROC_DECOMPOSE, &bc);
        ilen = utf8proc_encode_char((utf8proc_int32_t)c, in);
        len = utf8proc_map(in, ilen, &nfc, UTF8PROC_STABLE |
                                               UTF8PROC_COMPOSE);
        if (len < 0 || len != ilen || memcmp(nfc, in, (size_t)len) != 0) {
            nfc_class[c] = NFC_MAYBE; /* a singleton or an exclusion */
        } else {
            for (j = 1; j > 0 && j < k && k <= 8; j++)
                if (seq[j] < 0x10000) /* seconds of a composition */
                    nfc_class[seq[j]] = NFC_MAYBE;
        }
        free(nfc);
    }
}

/* nfc_class() of a character past the BMP: 0 or NFC_MAYBE. */
static unsigned nfc_class_astral(unsigned c)
{
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)c);

    return p->combining_class != 0 || p->comp_exclusion ||
                   (p->decomp_seqindex != UINT16_MAX &&
                    p->decomp_type == 0) ||
                   (p->category >= UTF8PROC_CATEGORY_MN &&
                    p->category <= UTF8PROC_CATEGORY_ME)
               ? NFC_MAYBE
               : 0;
}

static inline unsigned nfc_class_of(unsigned c)
{
    if (c < 0x300)
        return 0;
    return c < 0x10000 ? nfc_class[c] : nfc_class_astral(c);
}

/*
** The quick check, one character c at a time: 1 if NFC may change the
** text at c, given *last, the class of the character before (updated).
*/
static inline int nfc_may_change(unsigned c, unsigned *last)
{
    unsigned k = nfc_class_of(c);

    if (k == 0) {
        *last = 0;
        return 0;
    }
    if (k == NFC_MAYBE || *last > k)
        return 1;
    *last = k;
    return 0;
}

/*
** Eight bytes at s as a little-endian word, and masks over such words:
** the top bit of each byte that is printable ASCII (0x21..0x7E), or a
** space.
*/
#define ONES8 0x0101010101010101ull
#define HIGH8 0x8080808080808080ull

static inline uint64_t load8(const unsigned char *s)
{
    uint64_t v;

    memcpy(&v, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline uint64_t printable8(uint64_t v)
{
    uint64_t lo = v & ~HIGH8; /* each byte below 0x80: no carries */

    return ((lo + ONES8 * (0x80 - 0x21)) & ~(lo + ONES8) & ~v) & HIGH8;
}

static inline uint64_t spaces8(uint64_t v)
{
    uint64_t t = v ^ (ONES8 * 0x20);

    return ~(((t & ~HIGH8) + ~HIGH8) | t) & HIGH8;
}

/*
** How many of the eight bytes at s (s[8] readable) clean_piece keeps as
** they are, given that the first is printable ASCII: printable ASCII,
** and single spaces before printable ASCII.
*/
static inline size_t plain8(const unsigned char *s)
{
    uint64_t v = load8(s), pr = printable8(v), next, bad;

    next = pr >> 8;
    if (s[8] > 0x20 && s[8] < 0x7F)
        next |= 0x80ull << 56;
    bad = ~(pr | (spaces8(v) & next)) & HIGH8;
    return bad == 0 ? 8 : (size_t)__builtin_ctzll(bad) >> 3;
}

#if defined(__SSE2__)
/*
** plain8() over sixteen bytes (s[16] readable): the same bytes, as each
** is kept or not by itself and the byte after it.
*/
static inline size_t plain16(const unsigned char *s)
{
    const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i nx = _mm_loadu_si128((const __m128i *)(const void *)(s + 1));
    /* signed: bytes past ASCII are below 0x20 */
    __m128i pv = _mm_and_si128(_mm_cmpgt_epi8(v, sp), _mm_cmplt_epi8(v, del));
    __m128i pn = _mm_and_si128(_mm_cmpgt_epi8(nx, sp),
                               _mm_cmplt_epi8(nx, del));
    __m128i ok = _mm_or_si128(pv, _mm_and_si128(_mm_cmpeq_epi8(v, sp), pn));
    unsigned bad = ~(unsigned)_mm_movemask_epi8(ok) & 0xFFFFu;

    return bad == 0 ? 16 : (size_t)__builtin_ctz(bad);
}
#endif

/*
** The length of the UTF-8 character at s[at..n) if it is one cleaning
** keeps as it is (not ASCII, not C1, no blank, nothing dropped), with
** its code point in *cp; else 0.
*/
static inline __attribute__((always_inline)) size_t
passthrough(const unsigned char *s, size_t n, size_t at, unsigned *cp)
{
    unsigned b0 = s[at], b1, b2;

    /* byte tests only: in is valid UTF-8 (thp_text_clean's contract) */
    if (b0 < 0xC2 || at + 1 >= n || (s[at + 1] & 0xC0) != 0x80)
        return 0;
    b1 = s[at + 1];
    if (b0 < 0xE0) { /* U+0080..U+00A0 are C1 and the no-break space */
        if (b0 == 0xC2 && b1 <= 0xA0)
            return 0;
        *cp = ((b0 & 0x1Fu) << 6) | (b1 & 0x3Fu);
        return 2;
    }
    if (at + 2 >= n || (s[at + 2] & 0xC0) != 0x80)
        return 0;
    b2 = s[at + 2];
    if (b0 < 0xF0) {
        if (b0 == 0xE2 && b1 == 0x80 &&
            (b2 == 0x87 || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF))
            return 0; /* U+2007, U+2028, U+2029, U+202F */
        if (b0 == 0xE2 && b1 == 0x81 && b2 >= 0xAA)
            return 0; /* U+206A..U+206F */
        if (b0 == 0xEF && ((b1 == 0xBB && b2 == 0xBF) ||
                           (b1 == 0xBF && b2 >= 0xB9 && b2 <= 0xBB)))
            return 0; /* U+FEFF, U+FFF9..U+FFFB */
        *cp = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
        return 3;
    }
    if (at + 3 >= n || (s[at + 3] & 0xC0) != 0x80)
        return 0;
    *cp = ((b0 & 0x07u) << 18) | ((b1 & 0x3Fu) << 12) |
          ((b2 & 0x3Fu) << 6) | (s[at + 3] & 0x3Fu);
    return 4;
}

/* Longest string sequence (OSC, DCS ...) taken as one: a title, a link. */
#define ESC_STRING_MAX 512

/*
** Length of a terminal escape sequence at s[at..n) (ECMA-48), or 0 if
** there is none: CSI, ESC '[' with parameters, intermediates and a final
** byte ("\x1b[31m", "\x1b[?25l", "\x1b[2 q"); a string, ESC ']' (OSC),
** 'P', 'X', '^' or '_' up to BEL or ESC '\\' ("\x1b]0;title\x07"); ESC,
** intermediates and a final byte ("\x1b(B"); and the one-byte ones
** terminals use: ESC 7 8 = > c D E H M N O Z.
*/
static size_t terminal_escape(const unsigned char *s, size_t n, size_t at)
{
    size_t i = at + 2;

    if (at + 1 >= n || s[at] != 0x1B)
        return 0;
    switch (s[at + 1]) {
    case '[':
        while (i < n && s[i] >= 0x30 && s[i] <= 0x3F)
            i++; /* parameters */
        while (i < n && s[i] >= 0x20 && s[i] <= 0x2F)
            i++; /* intermediates */
        return i < n && s[i] >= 0x40 && s[i] <= 0x7E ? i + 1 - at : 0;
    case ']': case 'P': case 'X': case '^': case '_':
        for (; i < n && i - at < ESC_STRING_MAX; i++) {
            if (s[i] == 0x07)
                return i + 1 - at;
            if (s[i] == 0x1B && i + 1 < n && s[i + 1] == '\\')
                return i + 2 - at;
            if (s[i] == '\n')
                break; /* not a string after all */
        }
        return 0;
    case '7': case '8': case '=': case '>': case 'c': case 'D': case 'E':
    case 'H': case 'M': case 'N': case 'O': case 'Z':
        return 2;
    default:
        while (i - 1 < n && s[i - 1] >= 0x21 && s[i - 1] <= 0x2F)
            i++; /* intermediates ("(" of "\x1b(B"), then a final */
        if (i - 1 > at + 1 && i - 1 < n && s[i - 1] >= 0x30 &&
            s[i - 1] <= 0x7E)
            return i - at;
        return 0;
    }
}

/*
** Append pre[0..npre) (a break or a space before a run, or nothing) and
** the run s[0..n) to out: what thp_buf_append() would make of each, in
** one step while out has room for both.
*/
static inline void append_run(struct thp_buf *out, const char *pre,
                              size_t npre, const unsigned char *s, size_t n)
{
    if (out->rc == THP_OK && out->s != NULL &&
        out->n + npre + n < out->cap &&
        (out->max == 0 || out->n + npre + n <= out->max)) {
        memcpy(out->s + out->n, pre, npre);
        memcpy(out->s + out->n + npre, s, n);
        out->n += npre + n;
        out->s[out->n] = '\0';
        return;
    }
    if (npre > 0)
        thp_buf_append(out, pre, npre);
    thp_buf_append(out, (const char *)s, n);
}

/* Cleaning under way: what a piece of text leaves for the next. */
struct clean {
    struct thp_buf *out;
    struct thp_text_info *info;
    size_t start;      /* where the cleaned text begins in out */
    size_t nfc_at;     /* (size_t)-1, or an offset of out no later than */
                       /* the first character the quick check doubts */
    int pending_space; /* blanks seen, not yet written */
    int newlines;      /* line breaks seen, not yet written */
    int at_start;      /* nothing written yet */
    unsigned last;     /* nfc_class of the last character written */
};

static void clean_init(struct clean *c, struct thp_buf *out,
                       struct thp_text_info *info)
{
    memset(c, 0, sizeof *c);
    c->out = out;
    c->info = info;
    c->start = out->n;
    c->nfc_at = (size_t)-1;
    c->at_start = 1;
}

/*
** Clean one piece of valid UTF-8, s[0..n), that ends at a line end or
** ends the text: map C1, drop controls, fold blanks and line ends. Blank
** runs become one space; blanks at line ends go; more than one empty
** line becomes one. clean_finish() ends the text.
*/
static void clean_piece(struct clean *cs, const unsigned char *s, size_t n)
{
    struct thp_buf *out = cs->out;
    struct thp_text_info *info = cs->info;
    size_t i = 0, *nfc_at = &cs->nfc_at;
    int pending_space = cs->pending_space, newlines = cs->newlines;
    int at_start = cs->at_start;
    unsigned last = cs->last;

    while (i < n) {
        unsigned cp;
        size_t k, run = i;

        if (newlines || pending_space)
            last = 0; /* a break or a space will come before the run */
        /*
        ** fast path: a run of printable ASCII needs no decision, nor does
        ** a single space between two of its characters (it is kept), nor
        ** a character past ASCII that is kept as it is
        */
        while (run < n) {
            unsigned b = s[run];
            size_t m;

            if (b > 0x20 && b < 0x7F) {
                /* eight bytes at a time: it is kept, so a space after it
                ** may be */
#if defined(__SSE2__)
                m = run + 17 <= n  ? plain16(s + run)
                    : run + 9 <= n ? plain8(s + run)
                                   : 1;
#else
                m = run + 9 <= n ? plain8(s + run) : 1;
#endif
                run += m;
                last = 0;
            } else if (b == ' ' && run > i && run + 1 < n &&
                       ((s[run + 1] > 0x20 && s[run + 1] < 0x7F) ||
                        passthrough(s, n, run + 1, &cp))) {
                run++;
                last = 0;
            } else if (b >= 0xC3 && b <= 0xCB && run + 1 < n &&
                       (s[run + 1] & 0xC0) == 0x80) {
                run += 2; /* U+00C0..U+02FF: kept, and NFC keeps them */
                last = 0;
            } else if (b >= 0xCC && b <= 0xDF && run + 1 < n &&
                       (s[run + 1] & 0xC0) == 0x80) {
                /* U+0300..U+07FF (Greek, Cyrillic, Hebrew, Arabic): kept,
                ** as passthrough() would say; and the ones after it */
                do {
                    cp = ((b & 0x1Fu) << 6) | (s[run + 1] & 0x3Fu);
                    if (nfc_may_change(cp, &last) && *nfc_at == (size_t)-1)
                        *nfc_at = out->n + (run - i);
                    run += 2;
                    b = run < n ? s[run] : 0;
                } while (b >= 0xCC && b <= 0xDF && run + 1 < n &&
                         (s[run + 1] & 0xC0) == 0x80);
            } else if (b >= 0xE0 && b <= 0xEE && b != 0xE2 && run + 2 < n &&
                       (s[run + 1] & 0xC0) == 0x80 &&
                       (s[run + 2] & 0xC0) == 0x80) {
                /* three bytes but U+2xxx and U+Fxxx, where passthrough()
                ** finds blanks and dropped characters: kept; and the ones
                ** after it */
                do {
                    cp = ((b & 0x0Fu) << 12) | ((s[run + 1] & 0x3Fu) << 6) |
                         (s[run + 2] & 0x3Fu);
                    if (nfc_may_change(cp, &last) && *nfc_at == (size_t)-1)
                        *nfc_at = out->n + (run - i);
                    run += 3;
                    b = run < n ? s[run] : 0;
                } while (b >= 0xE0 && b <= 0xEE && b != 0xE2 && run + 2 < n &&
                         (s[run + 1] & 0xC0) == 0x80 &&
                         (s[run + 2] & 0xC0) == 0x80);
            } else if (b >= 0x80 && (m = passthrough(s, n, run, &cp)) > 0) {
                if (nfc_may_change(cp, &last) && *nfc_at == (size_t)-1)
                    *nfc_at = out->n + (run - i);
                run += m; /* a character kept as it is */
            } else {
                break;
            }
        }
        if (run > i) {
            const char *pre = "\n\n"; /* a break or a space before it */
            size_t npre = 0;

            if (newlines) {
                npre = newlines > 1 ? 2 : 1;
                newlines = 0;
            } else if (pending_space && !at_start) {
                pre = " ";
                npre = 1;
            }
            append_run(out, pre, npre, s + i, run - i);
            pending_space = 0;
            at_start = 0;
            i = run;
            continue;
        }
        if (s[i] == 0x1B && (k = terminal_escape(s, n, i)) > 0) {
            i += k; /* colours and cursor moves: no text */
            if (info)
                info->n_controls++;
            continue;
        }
        k = thp_utf8_decode(s + i, n - i, &cp);
        if (k == 0) { /* cannot happen on valid input; stay safe */
            cp = 0xFFFD;
            k = 1;
        }
        i += k;
        if (cp == 0x2028) /* line separator */
            cp = '\n';
        if (cp == 0x2029) { /* paragraph separator: an empty line */
            if (!at_start)
                newlines += 2;
            pending_space = 0;
            continue;
        }
        if (cp == '\r') {
            if (i < n && s[i] == '\n')
                continue; /* CRLF: the LF will follow */
            cp = '\n';
        }
        if (cp >= 0x80 && cp < 0xA0) {
            unsigned m = cp1252_c1[cp - 0x80];

            if (m == 0) {
                if (info)
                    info->n_controls++;
                continue;
            }
            cp = m;
            if (info)
                info->n_c1++;
        }
        if (is_nbsp(cp)) {
            cp = ' ';
            if (info)
                info->n_spaces++;
        }
        if (cp == ' ' || cp == '\t' || cp == '\v') {
            pending_space = 1;
            continue;
        }
        if (cp == '\n' || cp == '\f') {
            pending_space = 0;
            if (cp == '\f') {
                thp_buf_putc(out, '\f');
                last = 0;
                newlines = 0;
                continue;
            }
            if (at_start)
                continue;
            newlines++;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F || is_dropped(cp)) {
            if (info)
                info->n_controls++;
            continue;
        }
        if (newlines) {
            thp_buf_append(out, "\n\n", newlines > 1 ? 2 : 1);
            newlines = 0;
            last = 0;
        } else if (pending_space && !at_start) {
            thp_buf_putc(out, ' ');
            last = 0;
        }
        pending_space = 0;
        at_start = 0;
        if (cp < 0x80) {
            thp_buf_putc(out, (int)cp);
            last = 0;
        } else {
            if (nfc_may_change(cp, &last) && *nfc_at == (size_t)-1)
                *nfc_at = out->n;
            thp_buf_put_utf8(out, cp);
        }
    }
    cs->pending_space = pending_space;
    cs->newlines = newlines;
    cs->at_start = at_start;
    cs->last = last;
}

/*
** 1 if NFC leaves the stretch s[0..n) as it is: the quick check over
** it, the first character starting with class 0.
*/
static int nfc_quick_yes(const unsigned char *s, size_t n)
{
    size_t i = 0;
    unsigned last = 0, c;

    while (i < n) {
        size_t k = thp_utf8_at(s + i, n - i, &c);

        if (k == 0 || nfc_may_change(c, &last))
            return 0;
        i += k;
    }
    return 1;
}

/*
** Normalise out->s[from..) to NFC, one stretch at a time: only the
** stretches around a character NFC may change (nfc_class() not 0), each
** from the last character before it that NFC leaves alone (a starter
** nothing joins: a boundary of normalisation) to the next such
** character, and of those only the ones the quick check doubts. from
** must be such a boundary (a line start). Sets *changed when the text
** changed. Returns THP_OK or THP_ERR_NOMEM.
*/
static int nfc_stretches(struct thp_buf *out, size_t from, int *changed)
{
    const unsigned char *s;
    size_t n = out->n, i = from, last_b = from, flushed = from;
    struct thp_buf tmp;
    int rc = THP_OK;

    *changed = 0;
    thp_buf_init(&tmp, 0);
    s = (const unsigned char *)out->s;
    while (i < n) {
        size_t k = thp_utf8_ascii_prefix(s + i, n - i), r;
        unsigned cp;
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_ssize_t len;

        if (k > 0)
            last_b = i + k - 1;
        i += k;
        if (i >= n)
            break;
        if (s[i] < 0xCC) { /* below U+0300: never changed by NFC */
            last_b = i;
            i += 2;
            continue;
        }
        k = thp_utf8_at(s + i, n - i, &cp);
        if (k == 0) { /* cannot happen: out holds valid UTF-8 */
            k = 1;
            cp = 0xFFFD;
        }
        if (nfc_class_of(cp) == 0) {
            last_b = i;
            i += k;
            continue;
        }
        /* the stretch ends before the next character NFC leaves alone */
        for (r = i + k; r < n;) {
            size_t m = thp_utf8_at(s + r, n - r, &cp);

            if (m == 0) {
                m = 1;
                cp = 0xFFFD;
            }
            if (nfc_class_of(cp) == 0)
                break;
            r += m;
        }
        if (nfc_quick_yes(s + last_b, r - last_b)) {
            i = last_b = r;
            continue;
        }
        len = utf8proc_map(s + last_b, (utf8proc_ssize_t)(r - last_b), &nfc,
                           UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (len < 0) {
            rc = THP_ERR_NOMEM;
            break;
        }
        if ((size_t)len != r - last_b ||
            memcmp(nfc, s + last_b, (size_t)len) != 0) {
            thp_buf_append(&tmp, (const char *)s + flushed,
                           last_b - flushed);
            thp_buf_append(&tmp, (const char *)nfc, (size_t)len);
            flushed = r;
            *changed = 1;
        }
        free(nfc); /* utf8proc allocates with malloc */
        i = last_b = r;
    }
    if (rc == THP_OK && *changed) {
        thp_buf_append(&tmp, (const char *)s + flushed, n - flushed);
        if (tmp.rc != THP_OK) {
            rc = tmp.rc;
        } else {
            out->n = from;
            thp_buf_append(out, tmp.s, tmp.n);
            rc = out->rc;
        }
    }
    thp_buf_release(&tmp);
    return rc;
}

/*
** End the text clean_piece() was given: its last line break, then NFC
** over the stretches the quick check doubts, from the start of the line
** the first of them is on (a boundary of normalisation).
*/
static int clean_finish(struct clean *cs, struct thp_err *err)
{
    struct thp_buf *out = cs->out;
    size_t from = cs->nfc_at;
    int changed = 0, rc;

    if (cs->newlines)
        thp_buf_putc(out, '\n');
    if (out->rc != THP_OK)
        return thp_err_set(err, out->rc, "cleaning: %s",
                           thp_strerror(out->rc));
    if (from == (size_t)-1 || out->n == cs->start)
        return THP_OK;
    while (from > cs->start && out->s[from - 1] != '\n')
        from--;
    rc = nfc_stretches(out, from, &changed);
    if (rc != THP_OK)
        return thp_err_set(err, rc, "normalising: %s", thp_strerror(rc));
    if (changed && cs->info)
        cs->info->normalized = 1;
    return THP_OK;
}

int thp_text_clean(const char *in, size_t n, struct thp_buf *out,
                   struct thp_text_info *info, struct thp_err *err)
{
    struct clean cs;

    pthread_once(&nfc_once, nfc_build);
    /* room for the text at once; the NUL a grown buffer may lack */
    if (thp_buf_grow(out, n + 16) == THP_OK && out->s != NULL)
        out->s[out->n] = '\0';
    clean_init(&cs, out, info);
    clean_piece(&cs, (const unsigned char *)in, n);
    return clean_finish(&cs, err);
}

/* thp_repair_text_stream's sink: clean each piece into the output. */
static int clean_sink(void *arg, const char *s, size_t n)
{
    struct clean *cs = arg;

    clean_piece(cs, (const unsigned char *)s, n);
    return cs->out->rc;
}

/* 1 if in[0..n) may be UTF-8 as it is: no byte order mark, no UTF-16. */
static int may_be_utf8(const unsigned char *s, size_t n)
{
    return !(n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) &&
           !(n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) ||
                        (s[0] == 0xFE && s[1] == 0xFF))) &&
           guess_utf16(s, n) == NULL;
}

/* Record in info that in[0..n) was read as the UTF-8 it is. */
static void utf8_info(const char *in, size_t n, int flags,
                      struct thp_text_info *info)
{
    char label[32] = "", declared[32] = "";

    if (info == NULL)
        return;
    if ((flags & THP_TEXT_HTML) && sniff_declared(in, n, label, sizeof label))
        canon_charset(label, declared, sizeof declared);
    snprintf(info->declared, sizeof info->declared, "%s",
             declared[0] ? declared : label);
    set_charset(info, "UTF-8", THP_SRC_UTF8, 99);
}

int thp_text_prepare(const char *in, size_t n, int flags, struct thp_buf *out,
                     struct thp_text_info *info, struct thp_err *err)
{
    struct thp_buf a, b;
    struct thp_repair_info *ri = info ? &info->repair : NULL;
    struct clean cs;
    const char *cur = in;
    size_t curn = n, start = out->n;
    int rc = THP_OK, valid = 0;

    pthread_once(&nfc_once, nfc_build);
    /* room for the text at once; the NUL a grown buffer may lack */
    if (thp_buf_grow(out, n + 16) == THP_OK && out->s != NULL)
        out->s[out->n] = '\0';
    thp_buf_init(&a, out->max ? out->max * 4 : 0);
    thp_buf_init(&b, out->max ? out->max * 4 : 0);
    /*
    ** References come first ("Î&frac14;s" is mojibake only once decoded),
    ** then the repair, which hands each piece of its result to cleaning
    ** as it goes: the text is not copied between the stages. Most input
    ** is UTF-8 already, and the repair's scan validates it in the same
    ** pass; input that is not is decoded first, and what was cleaned of
    ** it so far is thrown away.
    */
    if (may_be_utf8((const unsigned char *)in, n)) {
        struct thp_repair_info mine;
        struct thp_text_info saved;

        if (info != NULL)
            saved = *info;
        thp_repair_info_init(&mine);
        if (!(flags & THP_TEXT_HTML) && memchr(in, '&', n) != NULL) {
            /* references keep bytes that are not UTF-8 as they are */
            rc = thp_repair_entities(in, n, &b, &mine, err);
            cur = b.s ? b.s : "";
            curn = b.n;
        }
        clean_init(&cs, out, info);
        if (rc == THP_OK)
            rc = thp_repair_text_stream(cur, curn, clean_sink, &cs, &mine,
                                        err, &valid);
        if (rc == THP_OK && valid) {
            utf8_info(in, n, flags, info);
            if (ri != NULL)
                thp_repair_info_add(ri, &mine);
        } else if (rc == THP_OK) {
            out->n = start;
            if (out->s != NULL)
                out->s[start] = '\0';
            if (info != NULL)
                *info = saved;
        }
    }
    if (rc == THP_OK && !valid) {
        thp_buf_reset(&b);
        rc = thp_text_decode(in, n, flags, &a, info, err);
        cur = a.s ? a.s : "";
        curn = a.n;
        if (rc == THP_OK && !(flags & THP_TEXT_HTML) &&
            memchr(cur, '&', curn) != NULL) {
            rc = thp_repair_entities(cur, curn, &b, ri, err);
            cur = b.s ? b.s : "";
            curn = b.n;
        }
        clean_init(&cs, out, info);
        if (rc == THP_OK)
            rc = thp_repair_text_stream(cur, curn, clean_sink, &cs, ri, err,
                                        &valid);
    }
    if (rc == THP_OK)
        rc = clean_finish(&cs, err);
    thp_buf_release(&a);
    thp_buf_release(&b);
    return rc;
}

int thp_text_info_json(const struct thp_text_info *ti, struct thp_buf *out)
{
    struct thp_buf rep;

    thp_buf_putc(out, '{');
    thp_json_key(out, "charset", 1);
    thp_json_cstr(out, ti->charset);
    thp_json_key(out, "source", 0);
    thp_json_cstr(out, thp_text_source_name(ti->source));
    thp_json_key(out, "confidence", 0);
    thp_buf_printf(out, "%d", ti->confidence);
#define FIELD(name, val)                                                     \
    do {                                                                     \
        if (val) {                                                           \
            thp_json_key(out, name, 0);                                      \
            thp_buf_printf(out, "%zu", (size_t)(val));                       \
        }                                                                    \
    } while (0)
    FIELD("invalid_bytes", ti->n_invalid);
    FIELD("mixed_bytes", ti->n_mixed);
    FIELD("c1_controls", ti->n_c1);
    FIELD("controls_dropped", ti->n_controls);
    FIELD("nbsp_folded", ti->n_spaces);
    FIELD("nfc", ti->normalized);
#undef FIELD
    /* repair's object, its braces dropped, joins this one */
    thp_buf_init(&rep, 0);
    thp_repair_info_json(&ti->repair, &rep);
    if (rep.n > 2) {
        thp_buf_putc(out, ',');
        thp_buf_append(out, rep.s + 1, rep.n - 2);
    }
    thp_buf_release(&rep);
    return thp_buf_putc(out, '}');
}

int thp_text_info_explain(const struct thp_text_info *ti, struct thp_buf *out)
{
    thp_buf_printf(out, "read as %s (%s, confidence %d%%)%s%s%s\n",
                   ti->charset, thp_text_source_name(ti->source),
                   ti->confidence, ti->declared[0] ? "; page declares " : "",
                   ti->declared, "");
    if (ti->n_invalid)
        thp_buf_printf(out, "%zu undecodable bytes replaced by U+FFFD\n",
                       ti->n_invalid);
    if (ti->n_mixed)
        thp_buf_printf(out, "%zu stray bytes in UTF-8 read as Windows-1252\n",
                       ti->n_mixed);
    thp_repair_explain(&ti->repair, out);
    if (ti->n_c1)
        thp_buf_printf(out, "%zu C1 controls read as Windows-1252 "
                            "punctuation\n", ti->n_c1);
    if (ti->n_controls)
        thp_buf_printf(out, "%zu control characters dropped\n",
                       ti->n_controls);
    if (ti->n_spaces)
        thp_buf_printf(out, "%zu no-break spaces folded\n", ti->n_spaces);
    if (ti->normalized)
        thp_buf_puts(out, "normalised to NFC\n");
    return out->rc;
}
