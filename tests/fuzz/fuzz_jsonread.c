/*
** fuzz_jsonread.c: libFuzzer target for the JSON Lines reader (jsonread.h).
**
** Parses the input as one line, with and without THP_JSONREAD_REPLACE, and
** abort()s when a promise of the header breaks: on success every key and
** value is valid UTF-8, NUL-terminated, typed consistently and found by
** the lookups (last duplicate wins); on failure the code is a known one,
** err->pos lies within the line and the object is empty. Memory errors
** are left to the sanitizers.
**
**   clang -fsanitize=fuzzer,address,undefined -Iinclude -D_GNU_SOURCE \
**       tests/fuzz/fuzz_jsonread.c lib/jsonread.c lib/buf.c lib/mem.c \
**       lib/err.c lib/text.c $(pkg-config --cflags --libs uchardet \
**       libutf8proc) -o build/fuzz_jsonread
**
** Built with -DTHP_FUZZ_MAIN instead of -fsanitize=fuzzer, it gets a
** main() that replays the files named on its command line (a corpus, or
** a crash to reproduce), so finds can run as regressions in make check.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thp/jsonread.h"
#include "thp/mem.h"
#include "thp/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int cond)
{
    if (!cond)
        abort();
}

/* Every promise about a parsed object, checked. */
static void check_object(const struct thp_jsonread_obj *obj)
{
    size_t k;

    for (k = 0; k < obj->n; k++) {
        const struct thp_jsonread_field *f = &obj->v[k];
        const struct thp_jsonread_field *last;
        int kept = f->type == THP_JSONREAD_STRING ||
                   f->type == THP_JSONREAD_NUMBER ||
                   f->type == THP_JSONREAD_TRUE ||
                   f->type == THP_JSONREAD_FALSE;

        require(f->key != NULL && f->key[f->keylen] == '\0');
        require(thp_text_utf8_valid(f->key, f->keylen));
        require(f->type >= THP_JSONREAD_NULL &&
                f->type <= THP_JSONREAD_ARRAY);
        if (!kept) {
            require(f->val == NULL && f->len == 0);
            continue;
        }
        require(f->val != NULL && f->val[f->len] == '\0');
        require(thp_text_utf8_valid(f->val, f->len));
        if (f->type == THP_JSONREAD_TRUE)
            require(strcmp(f->val, "true") == 0);
        if (f->type == THP_JSONREAD_FALSE)
            require(strcmp(f->val, "false") == 0);
        if (f->type == THP_JSONREAD_NUMBER)
            require(f->len > 0 && strspn(f->val, "0123456789+-.eE") ==
                                      f->len);
        /* the lookups find the last member of this name */
        if (strlen(f->key) == f->keylen) {
            last = thp_jsonread_find(obj, f->key);
            require(last != NULL && last >= f);
            require(last->keylen == f->keylen &&
                    memcmp(last->key, f->key, f->keylen) == 0);
        }
    }
}

static void run(const uint8_t *data, size_t size, int flags)
{
    struct thp_jsonread_obj obj;
    struct thp_err err;
    int rc;

    thp_jsonread_init(&obj);
    thp_err_clear(&err);
    rc = thp_jsonread_parse((const char *)data, size, flags, &obj, &err);
    if (rc == THP_OK) {
        require(err.rc == THP_OK);
        check_object(&obj);
    } else if (rc == THP_ERR_NOTFOUND) {
        require(err.rc == THP_OK && obj.n == 0);
    } else {
        require(rc == THP_ERR_SYNTAX);
        require(err.rc == rc && err.pos <= size && obj.n == 0);
        require(strstr(err.msg, " at byte ") != NULL);
    }
    thp_jsonread_release(&obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size, 0);
    run(data, size, THP_JSONREAD_REPLACE);
    return 0;
}

#ifdef THP_FUZZ_MAIN
/* Read a whole file into *out (free with thp_free); 0 on success. */
static int slurp(const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL, *p;
    size_t n = 0, cap = 0;
    int ok;

    *out = NULL;
    *len = 0;
    if (f == NULL)
        return -1;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            p = thp_realloc(buf, cap);
            if (p == NULL)
                break;
            buf = p;
        }
        n += fread(buf + n, 1, cap - n, f);
        if (feof(f) || ferror(f))
            break;
    }
    ok = feof(f) && !ferror(f);
    fclose(f);
    if (!ok) {
        thp_free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

int main(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        uint8_t *buf;
        size_t len;

        if (slurp(argv[i], &buf, &len) != 0) {
            perror(argv[i]);
            return 2;
        }
        LLVMFuzzerTestOneInput(buf, len);
        thp_free(buf);
    }
    printf("fuzz_jsonread: %d passed, 0 failed\n", argc - 1);
    return 0;
}
#endif
