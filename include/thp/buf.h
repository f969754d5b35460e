/*
** buf.h: a growable byte buffer with a size cap and a sticky error.
**
** Invariants: after any append, b->s is NUL-terminated (when non-NULL) and
** b->n is the length without that NUL. Once an append fails (THP_ERR_NOMEM,
** or THP_ERR_TOOBIG past b->max), b->rc holds the code and every later
** append is a no-op returning it, so a long sequence of appends needs one
** check at the end. The buffer owns b->s; thp_buf_release frees it.
*/
#ifndef THP_BUF_H
#define THP_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct thp_buf {
    char *s;     /* the bytes, NUL-terminated; NULL until the first append */
    size_t n;    /* bytes used, excluding the NUL */
    size_t cap;  /* bytes allocated */
    size_t max;  /* largest n allowed; 0 means no cap */
    int rc;      /* THP_OK, or the first failure */
};

/* Set up an empty buffer that may grow to max bytes (0: no cap). */
void thp_buf_init(struct thp_buf *b, size_t max);

/* Free the contents and leave the buffer empty (reusable, rc cleared). */
void thp_buf_release(struct thp_buf *b);

/* Forget the contents but keep the allocation; clears rc. */
void thp_buf_reset(struct thp_buf *b);

/* Make room for n more bytes. Returns THP_OK or the sticky error. */
int thp_buf_grow(struct thp_buf *b, size_t n);

int thp_buf_append(struct thp_buf *b, const char *s, size_t n);
int thp_buf_puts(struct thp_buf *b, const char *s);
int thp_buf_putc(struct thp_buf *b, int c);
int thp_buf_printf(struct thp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int thp_buf_vprintf(struct thp_buf *b, const char *fmt, va_list ap);

/* Append code point cp as UTF-8 (cp must be a valid scalar value). */
int thp_buf_put_utf8(struct thp_buf *b, unsigned cp);

/*
** Decode one UTF-8 sequence at s[0..n) (n >= 1). Returns its length and
** stores the code point in *cp, or returns 0 if the sequence is invalid.
*/
size_t thp_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

/* thp_utf8_decode inline, for the hot loops of text repair and
** cleaning: the two- and three-byte forms most text holds first. */
static inline __attribute__((always_inline)) size_t
thp_utf8_at(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        if (n < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((c & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (c == 0xE0 && s[1] < 0xA0) ||  /* overlong */
            (c == 0xED && s[1] >= 0xA0))   /* surrogate */
            return 0;
        *cp = ((c & 0x0F) << 12) | ((unsigned)(s[1] & 0x3F) << 6) |
              (s[2] & 0x3F);
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80 ||
            (c == 0xF0 && s[1] < 0x90) ||  /* overlong */
            (c == 0xF4 && s[1] >= 0x90))   /* above U+10FFFF */
            return 0;
        *cp = ((c & 0x07) << 18) | ((unsigned)(s[1] & 0x3F) << 12) |
              ((unsigned)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        return 4;
    }
    return 0;
}

/* Length of the leading run of ASCII bytes of s[0..n), 16 bytes a step
** (8 without SSE2). */
size_t thp_utf8_ascii_prefix(const unsigned char *s, size_t n);

/*
** Hand the contents to the caller (free with thp_free) and leave the
** buffer empty. An empty buffer gives a freshly allocated "". Returns NULL
** only if the buffer holds a sticky error or memory runs out.
*/
char *thp_buf_detach(struct thp_buf *b);

#endif
