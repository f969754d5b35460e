/*
** replay.c: run every file of fuzz corpus folders through the target's
** LLVMFuzzerTestOneInput once, with a plain main() instead of libFuzzer,
** so that past finds stay regression tests in make check (where the
** sanitizer build catches what they once triggered).
**
**   replay [DIR|FILE]...
**
** Without arguments it replays REPLAY_CORPUS, a folder the build names
** (-DREPLAY_CORPUS='"tests/fuzz/corpus/repair"'), relative to the
** repository root where tests run. One driver serves every target: link
** it with the target's file. Files are run in name order, hidden ones
** skipped. A target that fails
** aborts, so the closing "fuzz-replay: N passed, 0 failed" line only
** appears when every input passed; an unreadable folder or file counts
** as a failure.
*/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int passed, failed;

/* Run one file through the target. */
static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t n = 0, cap = 0;

    if (f == NULL) {
        fprintf(stderr, "replay: cannot open '%s'\n", path);
        failed++;
        return;
    }
    for (;;) {
        size_t k;

        if (n == cap) {
            unsigned char *p;

            cap = cap ? cap * 2 : 4096;
            p = realloc(data, cap);
            if (p == NULL) {
                fprintf(stderr, "replay: out of memory\n");
                exit(2);
            }
            data = p;
        }
        k = fread(data + n, 1, cap - n, f);
        if (k == 0)
            break;
        n += k;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    passed++;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every file of folder dir, in name order. */
static void run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, cap = 0, i;

    if (d == NULL) {
        fprintf(stderr, "replay: cannot read '%s'\n", dir);
        failed++;
        return;
    }
    for (;;) {
        struct dirent *e = readdir(d);
        char *path;

        if (e == NULL)
            break;
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **p;

            cap = cap ? cap * 2 : 64;
            p = realloc(names, cap * sizeof *names);
            if (p == NULL)
                exit(2);
            names = p;
        }
        path = malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (path == NULL)
            exit(2);
        snprintf(path, strlen(dir) + strlen(e->d_name) + 2, "%s/%s", dir,
                 e->d_name);
        names[n++] = path;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, by_name);
    for (i = 0; i < n; i++) {
        struct stat st;

        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            run_file(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    int i;

    if (argc < 2) {
#ifdef REPLAY_CORPUS
        run_dir(REPLAY_CORPUS);
#else
        fprintf(stderr, "usage: replay DIR|FILE...\n");
        return 2;
#endif
    } else {
        for (i = 1; i < argc; i++) {
            struct stat st;

            if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
                run_dir(argv[i]);
            else
                run_file(argv[i]);
        }
    }
    printf("fuzz-replay: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
