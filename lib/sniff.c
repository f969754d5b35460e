/*
** sniff.c: telling text from binary files under a text name (sniff.h):
** known signatures and stray NUL bytes in the raw bytes, then the share
** of undecodable and control characters once decoded. Owns nothing else;
** decoding itself is text.c's.
*/
#include <string.h>

#include "thp/sniff.h"

/* Formats known by the bytes they start with (magic at offset at). */
static const struct {
    const char *magic;
    size_t len, at;
    const char *name;
} signatures[] = {
    {"PK\x03\x04", 4, 0, "ZIP archive"},
    {"PK\x05\x06", 4, 0, "ZIP archive"},
    {"PK\x07\x08", 4, 0, "ZIP archive"},
    {"\x89PNG\r\n\x1a\n", 8, 0, "PNG image"},
    {"\xff\xd8\xff", 3, 0, "JPEG image"},
    {"GIF87a", 6, 0, "GIF image"},
    {"GIF89a", 6, 0, "GIF image"},
    {"%PDF-", 5, 0, "PDF document"},
    {"\x7f" "ELF", 4, 0, "ELF executable"},
    {"\x1f\x8b", 2, 0, "gzip data"},
    {"\xfd" "7zXZ\x00", 6, 0, "xz data"},
    {"7z\xbc\xaf\x27\x1c", 6, 0, "7-Zip archive"},
    {"Rar!\x1a\x07", 6, 0, "RAR archive"},
    {"\x28\xb5\x2f\xfd", 4, 0, "zstd data"},
    {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, 0, "MS Office (OLE2) file"},
    {"SQLite format 3\x00", 16, 0, "SQLite database"},
    {"WEBP", 4, 8, "WebP image"},
    {"II*\x00", 4, 0, "TIFF image"},
    {"MM\x00*", 4, 0, "TIFF image"},
    {"\xca\xfe\xba\xbe", 4, 0, "Java class or Mach-O file"},
    {"\xcf\xfa\xed\xfe", 4, 0, "Mach-O executable"},
    {"\x00" "asm", 4, 0, "WebAssembly module"},
    {"OggS\x00", 5, 0, "Ogg media"},
    {"ftyp", 4, 4, "MP4/QuickTime media"},
    {"\x00\x00\x01\xba", 4, 0, "MPEG video"},
    {"\x1a\x45\xdf\xa3", 4, 0, "Matroska/WebM media"},
    {"wOFF", 4, 0, "WOFF font"},
    {"wOF2", 4, 0, "WOFF2 font"},
    {"\x00\x01\x00\x00\x00", 5, 0, "TrueType font"},
};

const char *thp_sniff_signature(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof signatures / sizeof *signatures; i++) {
        size_t at = signatures[i].at, len = signatures[i].len;

        if (n >= at + len && !memcmp(s + at, signatures[i].magic, len))
            return signatures[i].name;
    }
    /* bzip2: "BZh" and a block size digit, then the block magic */
    if (n >= 10 && !memcmp(s, "BZh", 3) && s[3] >= '1' && s[3] <= '9' &&
        !memcmp(s + 4, "1AY&SY", 6))
        return "bzip2 data";
    /* PE: "MZ" and, where its header says, "PE\0\0" */
    if (n >= 64 && s[0] == 'M' && s[1] == 'Z') {
        const unsigned char *u = (const unsigned char *)s;
        size_t pe = (size_t)u[60] | (size_t)u[61] << 8 | (size_t)u[62] << 16 |
                    (size_t)u[63] << 24;

        if (pe <= n - 4 && !memcmp(s + pe, "PE\0\0", 4))
            return "Windows executable";
    }
    /* RIFF containers other than WebP (WAV, AVI) */
    if (n >= 12 && !memcmp(s, "RIFF", 4))
        return "RIFF media";
    return NULL;
}

/*
** NULs that UTF-16 or UTF-32 text explains: a byte order mark says so, or
** (UTF-16 without one) every NUL sits at the same parity, as the zero
** high bytes of ASCII and Latin characters do.
*/
static int nuls_explained(const unsigned char *u, size_t n)
{
    size_t i, at[2] = {0, 0};

    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
                   (u[0] == 0xFE && u[1] == 0xFF)))
        return 1; /* UTF-16 or UTF-32LE: the decoder checks the rest */
    if (n >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)
        return 1; /* UTF-32BE */
    for (i = 0; i < n; i++)
        if (u[i] == 0)
            at[i & 1]++;
    /* one parity only, and often enough to be a text's high bytes */
    return (at[0] == 0 || at[1] == 0) && n % 2 == 0 &&
           (at[0] + at[1]) * 8 >= n;
}

/* Fewer stray NULs than this are left to thp_sniff_text, which counts
** them with the other control characters: text may hold one or two. */
#define NUL_MAX 8

int thp_sniff_bytes(const char *s, size_t n, struct thp_err *err)
{
    const char *what = thp_sniff_signature(s, n), *p = s;
    size_t nuls = 0;

    if (what)
        return thp_err_set(err, THP_ERR_SYNTAX, "not text (%s)", what);
    while (nuls < NUL_MAX &&
           (p = memchr(p, '\0', n - (size_t)(p - s))) != NULL) {
        nuls++;
        p++;
    }
    if (nuls >= NUL_MAX && !nuls_explained((const unsigned char *)s, n))
        return thp_err_set(err, THP_ERR_SYNTAX, "not text (NUL bytes)");
    return THP_OK;
}

int thp_sniff_text(const char *s, size_t n, const struct thp_text_info *info,
                   struct thp_err *err)
{
    size_t chars = 0, bad = 0, i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c & 0xC0) != 0x80)
            chars++;
        /* U+FFFD: EF BF BD, whether the decoder made it or the file held it */
        if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
            (unsigned char)s[i + 2] == 0xBD)
            bad++;
    }
    if (info) { /* what the cleaner dropped never reached s */
        chars += info->n_controls;
        bad += info->n_controls;
    }
    if (bad > 0 && bad * 100 >= (size_t)THP_SNIFF_BAD_PCT * chars)
        return thp_err_set(err, THP_ERR_SYNTAX,
                           "not text (%zu%% of characters undecodable or "
                           "control)", chars ? bad * 100 / chars : 100);
    return THP_OK;
}
