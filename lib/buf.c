/*
** buf.c: growable byte buffer with a cap and a sticky error code.
*/
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <string.h>

#include "thp/buf.h"
#include "thp/err.h"
#include "thp/mem.h"

void thp_buf_init(struct thp_buf *b, size_t max)
{
    b->s = NULL;
    b->n = 0;
    b->cap = 0;
    b->max = max;
    b->rc = THP_OK;
}

void thp_buf_release(struct thp_buf *b)
{
    thp_free(b->s);
    b->s = NULL;
    b->n = 0;
    b->cap = 0;
    b->rc = THP_OK;
}

void thp_buf_reset(struct thp_buf *b)
{
    b->n = 0;
    if (b->s)
        b->s[0] = '\0';
    b->rc = THP_OK;
}

int thp_buf_grow(struct thp_buf *b, size_t n)
{
    size_t need, cap;
    char *s;

    if (b->rc != THP_OK)
        return b->rc;
    if (n > ((size_t)-1) / 2 - b->n - 1 || (b->max && b->n + n > b->max)) {
        b->rc = THP_ERR_TOOBIG;
        return b->rc;
    }
    need = b->n + n + 1;
    if (b->s != NULL && need <= b->cap)
        return THP_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    s = thp_realloc(b->s, cap);
    if (s == NULL) {
        b->rc = THP_ERR_NOMEM;
        return b->rc;
    }
    b->s = s;
    b->cap = cap;
    b->s[b->n] = '\0'; /* a grown buffer is a string even before appends */
    return THP_OK;
}

int thp_buf_append(struct thp_buf *b, const char *s, size_t n)
{
    if (thp_buf_grow(b, n) != THP_OK)
        return b->rc;
    if (n)
        memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
    return THP_OK;
}

int thp_buf_puts(struct thp_buf *b, const char *s)
{
    return thp_buf_append(b, s, strlen(s));
}

int thp_buf_putc(struct thp_buf *b, int c)
{
    char ch = (char)c;

    return thp_buf_append(b, &ch, 1);
}

int thp_buf_vprintf(struct thp_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int len;

    if (b->rc != THP_OK)
        return b->rc;
    va_copy(ap2, ap);
    len = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (len < 0)
        return b->rc = THP_ERR_MISUSE;
    if (thp_buf_grow(b, (size_t)len) != THP_OK)
        return b->rc;
    vsnprintf(b->s + b->n, (size_t)len + 1, fmt, ap);
    b->n += (size_t)len;
    return THP_OK;
}

int thp_buf_printf(struct thp_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = thp_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int thp_buf_put_utf8(struct thp_buf *b, unsigned cp)
{
    char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return thp_buf_append(b, u, n);
}

size_t thp_utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    return thp_utf8_at(s, n, cp);
}

/* Length of the leading run of ASCII bytes, sixteen or eight at a time. */
size_t thp_utf8_ascii_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;

#if defined(__SSE2__)
    while (i + 16 <= n) {
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_loadu_si128((const __m128i *)(const void *)(s + i)));

        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i + 8 <= n) {
        uint64_t w;

        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ULL)
            break;
        i += 8;
    }
    while (i < n && s[i] < 0x80)
        i++;
    return i;
}

char *thp_buf_detach(struct thp_buf *b)
{
    char *s;

    if (b->rc != THP_OK)
        return NULL;
    if (b->s == NULL && thp_buf_grow(b, 0) != THP_OK)
        return NULL;
    s = b->s;
    s[b->n] = '\0';
    b->s = NULL;
    b->n = 0;
    b->cap = 0;
    return s;
}
