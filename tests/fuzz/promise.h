/*
** promise.h: checks shared by the fuzz targets, each of a promise that a
** header or docs/ARCHITECTURE.md makes about text on its way into the
** index. A broken promise abort()s, which libFuzzer (or the replay
** driver) reports as a crash. Included by one target file each, so
** everything here is static.
**
**   promise(cond)                abort unless cond
**   promise_text(s, n, lf)       valid UTF-8 without control characters
**                                ("the index only holds valid UTF-8,
**                                without control characters"); lf lets
**                                line feeds through (bodies)
**   promise_str(s, lf)           the same for a C string, NULL allowed
**   clean_str(s)                 1 if s would pass promise_str(s, 0)
**   promise_date(date, year)     an ISO prefix YYYY, YYYY-MM or
**                                YYYY-MM-DD whose year is year; "" with 0
**   promise_items(items)         what items.h promises of a split
**   promise_json_object(s, n)    one JSON object the project's strict
**                                reader accepts
*/
#ifndef FUZZ_PROMISE_H
#define FUZZ_PROMISE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "thp/items.h"
#include "thp/jsonread.h"
#include "thp/text.h"

#if defined(__GNUC__)
#define PROMISE_UNUSED __attribute__((unused))
#else
#define PROMISE_UNUSED
#endif

PROMISE_UNUSED static void promise(int cond)
{
    if (!cond)
        abort();
}

/*
** s[0..n) is valid UTF-8 with no C0 control (but '\n' when lf is set),
** no DEL and no C1 control (U+0080..U+009F): the bytes 0x01/0x02 are the
** snippet marks, and ESC would reach a terminal.
*/
PROMISE_UNUSED static void promise_text(const char *s, size_t n, int lf)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i;

    if (n == 0)
        return;
    promise(s != NULL && thp_text_utf8_valid(s, n));
    for (i = 0; i < n; i++) {
        promise(u[i] >= 0x20 || (lf && u[i] == '\n'));
        promise(u[i] != 0x7F);
        promise(!(u[i] == 0xC2 && i + 1 < n && u[i + 1] >= 0x80 &&
                  u[i + 1] <= 0x9F));
    }
}

/* The same for a NUL-terminated string, NULL allowed. */
PROMISE_UNUSED static void promise_str(const char *s, int lf)
{
    if (s != NULL)
        promise_text(s, strlen(s), lf);
}

/* 1 if s (NUL-terminated) is what promise_str wants: clean text. */
PROMISE_UNUSED static int clean_str(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), i;

    if (!thp_text_utf8_valid(s, n))
        return 0;
    for (i = 0; i < n; i++)
        if (u[i] < 0x20 || u[i] == 0x7F ||
            (u[i] == 0xC2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F))
            return 0;
    return 1;
}

static int promise_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

PROMISE_UNUSED static void promise_date(const char *date, int year)
{
    size_t n = date ? strlen(date) : 0;
    int y, m, d;

    if (n == 0) {
        promise(year == 0);
        return;
    }
    promise(n == 4 || n == 7 || n == 10);
    promise(promise_digits(date, 4));
    y = atoi(date);
    promise(y == year && y >= 1900 && y <= 2099);
    if (n >= 7) {
        promise(date[4] == '-' && promise_digits(date + 5, 2));
        m = (date[5] - '0') * 10 + (date[6] - '0');
        promise(m >= 1 && m <= 12);
    }
    if (n == 10) {
        promise(date[7] == '-' && promise_digits(date + 8, 2));
        d = (date[8] - '0') * 10 + (date[9] - '0');
        promise(d >= 1 && d <= 31);
    }
}

/* An anchor: the slug of [a-z0-9-], no '-' at either end, maybe "-N". */
static void promise_anchor(const char *a)
{
    size_t n = strlen(a), i;

    promise(n > 0 && n < 64 && a[0] != '-' && a[n - 1] != '-');
    for (i = 0; i < n; i++)
        promise((a[i] >= 'a' && a[i] <= 'z') ||
                (a[i] >= '0' && a[i] <= '9') ||
                (a[i] == '-' && a[i + 1] != '-'));
}

static void promise_buf(const struct thp_buf *b, int lf)
{
    promise(b->rc == THP_OK);
    promise(b->n == 0 || (b->s != NULL && b->s[b->n] == '\0'));
    promise(b->n == 0 || strlen(b->s) == b->n);
    if (b->n)
        promise_text(b->s, b->n, lf);
}

/*
** A split of clean text: no empty item, titles on one line, the
** metadata on one line each, dates in ISO form, anchors slugs unique
** within the page, bodies without blank lines at the end.
*/
PROMISE_UNUSED static void promise_items(const struct thp_items *items)
{
    size_t i, j;

    promise(items->n == 0 || items->v != NULL);
    for (i = 0; i < items->n; i++) {
        const struct thp_item *it = &items->v[i];

        promise(it->title.n > 0 || it->body.n > 0);
        promise_buf(&it->title, 0);
        promise_buf(&it->body, 1);
        promise_buf(&it->location, 0);
        promise_buf(&it->partners, 0);
        promise_buf(&it->authors, 0);
        promise(it->body.n == 0 || it->body.s[it->body.n - 1] != '\n');
        promise(memchr(it->date, '\0', sizeof it->date) != NULL);
        promise_date(it->date, it->year);
        promise_anchor(it->anchor);
        for (j = 0; j < i; j++)
            promise(strcmp(items->v[j].anchor, it->anchor) != 0);
    }
}

/* s[0..n) is one JSON object that thp_jsonread_parse accepts. */
PROMISE_UNUSED static void promise_json_object(const char *s, size_t n)
{
    struct thp_jsonread_obj obj;

    promise(s != NULL && n > 0 && s[0] == '{');
    thp_jsonread_init(&obj);
    promise(thp_jsonread_parse(s, n, 0, &obj, NULL) == THP_OK);
    thp_jsonread_release(&obj);
}

#endif
