/*
** thp-index: walk files and folders, decode and extract each page or
** report, and store it in the index. Per-file problems are reported with
** the path and reason and never stop the run; the exit status is non-zero
** only when nothing at all could be indexed or the index cannot be used.
*/
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "thp/extract.h"
#include "thp/index.h"
#include "thp/json.h"
#include "thp/mem.h"
#include "thp/text.h"
#include "walk.h"

#define PROG "thp-index"
#define MAX_FILE (64u << 20) /* larger sources are refused */

enum kind { K_NONE, K_HTML, K_TEXT };

struct run {
    thp_index *idx;
    int full;       /* re-read every source, unchanged or not */
    int quiet;
    long seen, added, updated, unchanged, failed;
    int stop_rc;    /* an index-level error ends the run */
    struct thp_err err;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " [--index PATH] [--full] [--quiet] SOURCE...\n"
            "\n"
            "Index .html, .htm and .txt files found in each SOURCE (a file or\n"
            "a folder, searched recursively) into an SQLite FTS5 index.\n"
            "\n"
            "  --index PATH   index file (default: thp.db)\n"
            "  --full         re-read every source, even unchanged ones\n"
            "  --quiet        print only problems and the summary\n"
            "  --help         this text\n"
            "\n"
            "Exit status: 0 if anything was indexed (or was already up to\n"
            "date), 1 if nothing could be indexed, 2 on a usage or index "
            "error.\n");
}

static enum kind kind_of(const char *path)
{
    const char *dot = strrchr(path, '.');

    if (dot == NULL || strchr(dot, '/'))
        return K_NONE;
    if (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"))
        return K_HTML;
    if (!strcasecmp(dot, ".txt"))
        return K_TEXT;
    return K_NONE;
}

static void report_problem(struct run *r, const char *path, const char *why)
{
    r->failed++;
    fprintf(stderr, PROG ": %s: %s\n", path, why);
}

static void on_walk_error(const char *path, const char *reason, void *arg)
{
    struct run *r = arg;

    r->seen++;
    report_problem(r, path, reason);
}

/*
** The name a source is known by: relative to the current folder when it is
** inside it, else absolute, with links and "./" resolved, so that "corpus",
** "./corpus/" and "$PWD/corpus" name the same sources. A path that does not
** resolve (missing) is returned as given, for the error message.
*/
static const char *canonical_root(const char *path, char *buf, size_t len)
{
    char real[PATH_MAX], cwd[PATH_MAX];
    size_t k;

    if (realpath(path, real) == NULL || getcwd(cwd, sizeof cwd) == NULL)
        return path;
    k = strlen(cwd);
    if (!strcmp(real, cwd))
        snprintf(buf, len, ".");
    else if (!strncmp(real, cwd, k) && real[k] == '/' && k > 1)
        snprintf(buf, len, "%s", real + k + 1);
    else
        snprintf(buf, len, "%s", real);
    return buf;
}

static int index_file(const char *path, const struct stat *st, void *arg);

static void walk_source(struct run *r, const char *arg)
{
    char buf[PATH_MAX];

    walk_path(canonical_root(arg, buf, sizeof buf), index_file, on_walk_error,
              r);
}

/* Read a whole file into b. */
static int read_file(const char *path, size_t size, struct thp_buf *b,
                     struct thp_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t got = 0;

    if (fd < 0)
        return thp_err_set(err, THP_ERR_IO, "cannot open: %s",
                           strerror(errno));
    if (thp_buf_grow(b, size) != THP_OK) {
        close(fd);
        return thp_err_set(err, b->rc, "cannot read: %s",
                           thp_strerror(b->rc));
    }
    for (;;) {
        ssize_t k;

        if (thp_buf_grow(b, 65536) != THP_OK) {
            close(fd);
            return thp_err_set(err, b->rc, "cannot read: %s",
                               thp_strerror(b->rc));
        }
        k = read(fd, b->s + b->n, b->cap - b->n - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;

            close(fd);
            return thp_err_set(err, THP_ERR_IO, "cannot read: %s",
                               strerror(e));
        }
        if (k == 0)
            break;
        b->n += (size_t)k;
        got += (size_t)k;
    }
    b->s[b->n] = '\0';
    close(fd);
    (void)got;
    return THP_OK;
}

/* What decoding found and changed, as a JSON object, or "" if nothing. */
static void repairs_json(const struct thp_text_info *ti, struct thp_buf *out)
{
    int first = 1;

#define FIELD(name, val)                                                     \
    do {                                                                     \
        if (val) {                                                           \
            thp_buf_puts(out, first ? "{" : "");                             \
            thp_json_key(out, name, first);                                  \
            thp_buf_printf(out, "%zu", (size_t)(val));                       \
            first = 0;                                                       \
        }                                                                    \
    } while (0)
    FIELD("invalid_bytes", ti->n_invalid);
    FIELD("mixed_bytes", ti->n_mixed);
    FIELD("c1_controls", ti->n_c1);
    FIELD("controls_dropped", ti->n_controls);
    FIELD("nbsp_folded", ti->n_spaces);
    FIELD("nfc", ti->normalized);
#undef FIELD
    if (!first)
        thp_buf_putc(out, '}');
}

/* Index one file; per-file problems are counted, not returned. */
static int index_file(const char *path, const struct stat *st, void *arg)
{
    struct run *r = arg;
    enum kind k = kind_of(path);
    struct thp_source_state prev;
    struct thp_buf raw, clean, charset, repairs;
    struct thp_text_info ti;
    struct thp_doc doc;
    struct thp_record rec;
    struct thp_err err;
    char hash[17];
    int updated = 0, rc;

    if (interrupted)
        return 1;
    if (k == K_NONE)
        return 0;
    r->seen++;
    thp_err_clear(&err);
    if (thp_index_lookup(r->idx, path, &prev, &r->err) != THP_OK)
        return r->stop_rc = THP_ERR_DB;
    if (!r->full && prev.found && prev.mtime == (int64_t)st->st_mtime &&
        prev.size == (int64_t)st->st_size) {
        r->unchanged++;
        return 0;
    }
    if ((size_t)st->st_size > MAX_FILE) {
        char why[64];

        snprintf(why, sizeof why, "too large (%lld bytes, limit %u)",
                 (long long)st->st_size, MAX_FILE);
        report_problem(r, path, why);
        return 0;
    }
    thp_buf_init(&raw, MAX_FILE);
    thp_buf_init(&clean, 0);
    thp_buf_init(&charset, 64);
    thp_buf_init(&repairs, 1024);
    thp_doc_init(&doc, 0);
    thp_text_info_init(&ti);
    rc = read_file(path, (size_t)st->st_size, &raw, &err);
    if (rc == THP_OK) {
        thp_index_hash(raw.s, raw.n, hash);
        if (!r->full && prev.found && strcmp(prev.hash, hash) == 0) {
            /* touched but not changed: remember the new mtime only */
            if (thp_index_touch(r->idx, path, (int64_t)st->st_mtime,
                                (int64_t)st->st_size, &r->err) != THP_OK)
                r->stop_rc = THP_ERR_DB;
            r->unchanged++;
            goto done;
        }
        rc = thp_text_prepare(raw.s, raw.n, k == K_HTML ? THP_TEXT_HTML : 0,
                              &clean, &ti, &err);
    }
    if (rc == THP_OK)
        rc = k == K_HTML ? thp_extract_html(clean.s ? clean.s : "", clean.n,
                                            &doc, &err)
                         : thp_extract_text(clean.s ? clean.s : "", clean.n,
                                            &doc, &err);
    if (rc == THP_OK && doc.title.n == 0 && doc.body.n == 0)
        rc = thp_err_set(&err, THP_ERR_SYNTAX, "no text found");
    if (rc != THP_OK) {
        report_problem(r, path, err.msg);
        goto done;
    }
    repairs_json(&ti, &repairs);
    memset(&rec, 0, sizeof rec);
    rec.source_key = path;
    rec.source_path = path;
    rec.url = path;
    rec.kind = k == K_HTML ? "page" : "report";
    rec.title = doc.title.s ? doc.title.s : "";
    rec.body = doc.body.s ? doc.body.s : "";
    rec.charset = ti.charset;
    rec.repairs = repairs.n ? repairs.s : NULL;
    rec.hash = hash;
    rec.mtime = (int64_t)st->st_mtime;
    rec.size = (int64_t)st->st_size;
    if (thp_index_put(r->idx, &rec, &updated, &r->err) != THP_OK) {
        r->stop_rc = THP_ERR_DB;
        goto done;
    }
    if (updated)
        r->updated++;
    else
        r->added++;
    if (!r->quiet)
        printf("%s %s (%s%s)\n", updated ? "updated" : "added  ", path,
               ti.charset, ti.n_invalid ? ", undecodable bytes replaced" : "");
done:
    thp_buf_release(&raw);
    thp_buf_release(&clean);
    thp_buf_release(&charset);
    thp_buf_release(&repairs);
    thp_doc_release(&doc);
    return r->stop_rc;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Open the index; with --full an index of another version is replaced. */
static int open_index(const char *path, int full, thp_index **idx,
                      struct thp_err *err)
{
    int rc = thp_index_open(path, THP_INDEX_WRITE, idx, err);
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char name[4096];
    size_t i;

    if (rc != THP_ERR_CORRUPT || !full)
        return rc;
    fprintf(stderr, PROG ": %s; --full: rebuilding\n", err->msg);
    for (i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffix[i]);
        if (unlink(name) != 0 && errno != ENOENT) {
            thp_err_clear(err);
            return thp_err_set(err, THP_ERR_IO, "cannot remove '%s': %s",
                               name, strerror(errno));
        }
    }
    thp_err_clear(err);
    return thp_index_open(path, THP_INDEX_WRITE, idx, err);
}

int main(int argc, char **argv)
{
    const char *index_path = "thp.db";
    struct run r;
    struct sigaction sa;
    double t0 = now_s();
    int64_t ndocs = 0;
    int i, nsources = 0, rc;

    memset(&r, 0, sizeof r);
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--index") && i + 1 < argc) {
            index_path = argv[++i];
        } else if (!strncmp(argv[i], "--index=", 8)) {
            index_path = argv[i] + 8;
        } else if (!strcmp(argv[i], "--full")) {
            r.full = 1;
        } else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            r.quiet = 1;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--")) {
            nsources += argc - i - 1;
            break;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, PROG ": unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else {
            nsources++;
        }
    }
    if (nsources == 0) {
        fprintf(stderr, PROG ": no SOURCE given\n");
        usage(stderr);
        return 2;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (open_index(index_path, r.full, &r.idx, &r.err) != THP_OK) {
        fprintf(stderr, PROG ": %s\n", r.err.msg);
        return 2;
    }
    for (i = 1; i < argc && r.stop_rc == THP_OK && !interrupted; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "--index")) {
            i++;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0' && strcmp(a, "--") != 0)
            continue;
        if (!strcmp(a, "--")) {
            for (i++; i < argc && r.stop_rc == THP_OK; i++)
                walk_source(&r, argv[i]);
            break;
        }
        walk_source(&r, a);
    }
    if (r.stop_rc == THP_OK && thp_index_commit(r.idx, &r.err) != THP_OK)
        r.stop_rc = THP_ERR_DB;
    if (r.stop_rc == THP_OK)
        thp_index_count(r.idx, &ndocs, &r.err);
    thp_index_close(r.idx);
    if (r.stop_rc != THP_OK) {
        fprintf(stderr, PROG ": %s\n", r.err.msg);
        return 2;
    }
    printf(PROG ": %ld seen, %ld added, %ld updated, %ld unchanged, "
           "%ld failed; %s holds %lld documents (%.2f s)%s\n",
           r.seen, r.added, r.updated, r.unchanged, r.failed, index_path,
           (long long)ndocs, now_s() - t0,
           interrupted ? "; interrupted, run again to finish" : "");
    if (interrupted)
        return 130;
    if (r.seen == 0 && r.failed == 0) {
        fprintf(stderr, PROG ": no .html, .htm or .txt files found\n");
        return 1;
    }
    rc = r.added + r.updated + r.unchanged > 0 ? 0 : 1;
    return rc;
}
