/*
** json.c: JSON string escaping. Output is ASCII-safe for control
** characters, escapes "</" so a string can sit inside a <script> block,
** and replaces invalid UTF-8 with U+FFFD.
*/
#include <string.h>

#include "thp/json.h"

int thp_json_str(struct thp_buf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0;

    thp_buf_putc(b, '"');
    while (i < n) {
        unsigned char c = s[i];
        unsigned cp;
        size_t k;

        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '/') {
            i++;
            run++;
            continue;
        }
        thp_buf_append(b, (const char *)s + i - run, run);
        run = 0;
        if (c < 0x80) {
            switch (c) {
            case '"': thp_buf_puts(b, "\\\""); break;
            case '\\': thp_buf_puts(b, "\\\\"); break;
            case '/':
                /* only "</" needs it; keep URLs readable otherwise */
                if (i > 0 && s[i - 1] == '<')
                    thp_buf_puts(b, "\\/");
                else
                    thp_buf_putc(b, '/');
                break;
            case '\n': thp_buf_puts(b, "\\n"); break;
            case '\t': thp_buf_puts(b, "\\t"); break;
            case '\r': thp_buf_puts(b, "\\r"); break;
            case '\f': thp_buf_puts(b, "\\f"); break;
            default: thp_buf_printf(b, "\\u%04x", c); break;
            }
            i++;
            continue;
        }
        k = thp_utf8_decode(s + i, n - i, &cp);
        if (k == 0) {
            thp_buf_puts(b, "\xEF\xBF\xBD");
            i++;
        } else if (cp == 0x2028 || cp == 0x2029) {
            thp_buf_printf(b, "\\u%04x", cp);
            i += k;
        } else {
            thp_buf_append(b, (const char *)s + i, k);
            i += k;
        }
    }
    thp_buf_append(b, (const char *)s + i - run, run);
    return thp_buf_putc(b, '"');
}

int thp_json_cstr(struct thp_buf *b, const char *s)
{
    if (s == NULL)
        return thp_buf_puts(b, "null");
    return thp_json_str(b, s, strlen(s));
}

int thp_json_key(struct thp_buf *b, const char *key, int first)
{
    if (!first)
        thp_buf_putc(b, ',');
    thp_json_cstr(b, key);
    return thp_buf_putc(b, ':');
}
