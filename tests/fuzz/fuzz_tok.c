/*
** fuzz_tok.c: libFuzzer target for the "thp" tokenizer.
**
** Any bytes are tokenized in every mode (document, query, prefix query,
** aux) with seven stemming languages. Every token must be 1 to
** THP_TOK_MAXLEN + 8 bytes and span whole, valid characters of the input
** (start < end), the first one must not be colocated, and the starts of
** non-colocated tokens must never go backwards; every mode must give the
** same number of positions (unless the input starts with the query
** marker, which only queries read). Otherwise the target aborts, which
** libFuzzer (or the replay driver) reports as a crash.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "thp/tok.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
    const uint8_t *in;
    int n;
    int count;     /* tokens seen */
    int positions; /* non-colocated tokens */
    int last_start;
};

/* 1 if s[0..n) is whole, strictly valid UTF-8: a token spans characters. */
static int valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i], v, k, j;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            k = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 4;
        else
            return 0;
        if (n - i < k)
            return 0;
        v = c & (0x7F >> k);
        for (j = 1; j < k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            v = (v << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
            (k == 4 && (v < 0x10000 || v > 0x10FFFF)))
            return 0;
        i += k;
    }
    return 1;
}

static int on_token(void *arg, int tflags, const char *tok, int n, int start,
                    int end)
{
    struct state *st = arg;
    int coloc = (tflags & THP_TOK_COLOCATED) != 0;

    if (tok == NULL || n < 1 || n > THP_TOK_MAXLEN + 8)
        abort();
    if (start < 0 || end > st->n || start >= end)
        abort();
    if (!valid_utf8(st->in + start, (size_t)(end - start)))
        abort();
    if (st->count == 0 && coloc)
        abort();
    if (!coloc) {
        if (start < st->last_start)
            abort();
        st->last_start = start;
        st->positions++;
    }
    st->count++;
    return 0;
}

static int run(const uint8_t *data, size_t size, int flags)
{
    struct state st;

    memset(&st, 0, sizeof st);
    st.in = data;
    st.n = (int)size;
    if (thp_tok_each("en nl pt es fr de tr", (const char *)data, size, flags,
                     on_token, &st) != THP_OK)
        abort();
    return st.positions;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int doc, aux, query, prefix;

    if (size > 1 << 20)
        return 0;
    doc = run(data, size, THP_TOK_DOCUMENT);
    aux = run(data, size, THP_TOK_AUX);
    query = run(data, size, THP_TOK_QUERY);
    prefix = run(data, size, THP_TOK_QUERY | THP_TOK_PREFIX);
    if (doc != aux || query != prefix)
        abort();
    if ((size == 0 || data[0] != THP_TOK_STEM_MARK[0]) && doc != query)
        abort();
    thp_tok_is_stopword(NULL, (const char *)data, size);
    if (thp_tok_tag_len((const char *)data, size) > size)
        abort();
    return 0;
}
