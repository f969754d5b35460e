/*
** thp-index: walk files and folders, decode and extract each page, item or
** report, and store it in the index, source by source.
**
** Per-file problems are reported with the path and reason and never stop
** the run. A re-run reads only what changed (size, mtime, then content
** hash), and removes what vanished. The exit status is non-zero only when
** nothing at all could be indexed or the index cannot be used.
*/
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pipeline.h"
#include "source.h"
#include "thp/index.h"
#include "thp/items.h"
#include "thp/json.h"
#include "thp/jsonread.h"
#include "thp/lang.h"
#include "thp/mem.h"
#include "thp/text.h"
#include "thp/toplist.h"
#include "walk.h"

#define PROG "thp-index"
#define MAX_FILE SRC_MAX_FILE /* larger sources are refused */

struct run {
    thp_index *idx;
    int full;          /* re-read every source, unchanged or not */
    int quiet;         /* only problems and the summary */
    int verbose;       /* a line per source */
    int tty;           /* progress bar on stderr */
    FILE *log;         /* --log: problems also go here */
    long total;        /* files to visit, when counted (TTY only) */
    long seen, added, updated, unchanged, failed, removed;
    long not_text;     /* of the failed: binary files under a text name */
    long docs_added, docs_updated, docs_dup, docs_removed;
    double bytes;      /* bytes read */
    double t0, last;   /* start, last progress line */
    int stop_rc;       /* an index-level error ends the run */
    const thp_lang *lang; /* language detector, or NULL */
    struct thp_err err;
};

/* A JSON Lines source being indexed, and what its documents share. */
struct source_ctx {
    const char *path;          /* its name in the index */
    const struct stat *st;
    char charset[32];
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: " PROG " [--index PATH] [--full] [--quiet|--verbose]\n"
        "                 [--log FILE] [--jsonl FILE]... [SOURCE...]\n"
        "       " PROG " --repair-text [--html] [--explain] < BYTES > TEXT\n"
        "\n"
        "Index the .html, .htm, .txt and .pdf files found in each SOURCE (a\n"
        "file or a folder, searched recursively) into an SQLite FTS5 index.\n"
        "Listing pages are split into their items; reports are indexed page\n"
        "by page. A re-run reads only what changed and removes what is gone.\n"
        "\n"
        "  --index PATH   index file (default: thp.db)\n"
        "  --full         re-read every source; rebuild an index of another\n"
        "                 version\n"
        "  --quiet        print only problems and the summary\n"
        "  --toplist N    store the best hits of the N most frequent words\n"
        "                 (default %d; 0: none), so that searching one of\n"
        "                 them is a lookup (docs/PERFORMANCE.md)\n"
        "  --wal-limit MIB  checkpoint the write-ahead log whenever it holds\n"
        "                 this many MiB, waiting for searches of older\n"
        "                 snapshots, and trim it back (default %d)\n"
        "  --verbose      a line for every source indexed\n"
        "  --log FILE     also append problems (path and reason) to FILE\n"
        "  --url-base URL the web address of each SOURCE folder: a page\n"
        "                 without <link rel=canonical> or og:url gets URL\n"
        "                 joined with its path below SOURCE (default: its\n"
        "                 local path)\n"
        "  --jsonl FILE   index documents given as JSON Lines, one object a\n"
        "                 line: {\"id\",\"title\",\"text\"} and optionally\n"
        "                 \"url\", \"date\", \"kind\", \"lang\"\n"
        "  --repair-text  read bytes in any encoding on stdin, write the\n"
        "                 decoded, repaired UTF-8 text on stdout\n"
        "  --html         with --repair-text: the input is HTML (look for a\n"
        "                 declared charset, leave references to the parser)\n"
        "  --explain      with --repair-text: say on stderr what was\n"
        "                 detected and changed\n"
        "  --help         this text\n"
        "\n"
        "Exit status: 0 if anything was indexed (or was already up to\n"
        "date), 1 if nothing could be indexed, 2 on a usage or index "
        "error,\n130 if interrupted (run again to finish).\n",
        THP_TOPLIST_WORDS, (int)(THP_INDEX_WAL_LIMIT >> 20));
}

/*==================== Output ====================*/

/* Erase the progress bar so that a message starts on a clean line. */
static void clear_progress(struct run *r)
{
    if (r->tty)
        fputs("\r\033[K", stderr);
}

static void progress(struct run *r, int force)
{
    double t = now_s(), dt = t - r->t0;
    long done = r->seen;

    if (r->quiet || (!force && t - r->last < (r->tty ? 0.1 : 5.0)))
        return;
    r->last = t;
    if (r->tty) {
        char bar[31];
        int i, fill = r->total > 0 ? (int)(30 * done / r->total) : 0;
        double rate = dt > 0 ? done / dt : 0;
        long eta = rate > 0 && r->total > done
                       ? (long)((r->total - done) / rate)
                       : 0;

        for (i = 0; i < 30; i++)
            bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
        bar[30] = '\0';
        fprintf(stderr, "\r\033[K[%s] %ld/%ld files  %.0f files/s  %.1f MB/s"
                        "  ETA %ld:%02ld",
                bar, done, r->total, rate, dt > 0 ? r->bytes / dt / 1e6 : 0,
                eta / 60, eta % 60);
    } else if (done > 0) {
        fprintf(stderr, PROG ": %ld files, %.0f files/s, %.1f MB/s\n", done,
                dt > 0 ? done / dt : 0, dt > 0 ? r->bytes / dt / 1e6 : 0);
    }
}

static void problem(struct run *r, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct run *r, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    clear_progress(r);
    fprintf(stderr, PROG ": %s: %s\n", path, msg);
    if (r->log)
        fprintf(r->log, "%s\t%s\n", path, msg);
}

/*==================== Storing ====================*/

/* Store one document; counts what happened. Non-zero: the index failed. */
static int put_record(struct run *r, const struct thp_record *rec)
{
    int outcome = 0;

    if (thp_index_put(r->idx, rec, &outcome, &r->err) != THP_OK)
        return r->stop_rc = THP_ERR_DB;
    if (outcome == THP_PUT_ADDED)
        r->docs_added++;
    else if (outcome == THP_PUT_UPDATED)
        r->docs_updated++;
    else if (outcome == THP_PUT_DUPLICATE)
        r->docs_dup++;
    return THP_OK;
}

/*
** A JSON Lines document's language: its "lang" when that is a language
** code (2 or 3 letters a-z; one without a stemmer gets exact forms only),
** else detected from its text (or title) into code; NULL if undecided.
*/
static const char *json_lang(const struct run *r, const char *given,
                             const struct thp_buf *text,
                             const struct thp_buf *title, char code[4])
{
    size_t n = given ? strlen(given) : 0, i;

    if (n == 2 || n == 3) {
        for (i = 0; i < n && given[i] >= 'a' && given[i] <= 'z'; i++)
            ;
        if (i == n) {
            memcpy(code, given, n + 1);
            return code;
        }
    }
    return src_detect_lang(r->lang, text->s, title->s, code);
}

/* Store one document of a JSON Lines source, keyed path + suffix. */
static int put_doc(struct run *r, const struct source_ctx *c,
                   const char *suffix, const char *kind, const char *title,
                   const char *body, const struct thp_item *meta,
                   const char *lang, const char *url)
{
    struct thp_record rec;
    struct thp_buf key;
    int rc;

    /* ids of any length are kept whole: no two share a truncated key */
    thp_buf_init(&key, 0);
    thp_buf_puts(&key, c->path);
    thp_buf_puts(&key, suffix);
    if (key.rc != THP_OK) {
        thp_buf_release(&key);
        r->err.rc = THP_ERR_NOMEM;
        snprintf(r->err.msg, sizeof r->err.msg, "out of memory");
        return r->stop_rc = THP_ERR_NOMEM;
    }
    memset(&rec, 0, sizeof rec);
    rec.source_key = key.s;
    rec.source_path = c->path;
    rec.path = key.s;
    rec.url = url && *url ? url : key.s;
    rec.anchor = suffix[0] == '#' ? suffix + 1 : NULL;
    rec.kind = kind;
    rec.title = title;
    rec.body = body;
    rec.date = meta->date[0] ? meta->date : NULL;
    rec.year = meta->year;
    rec.location = meta->location.s;
    rec.partners = meta->partners.s;
    rec.authors = meta->authors.s;
    rec.charset = c->charset;
    rec.lang = lang;
    rec.mtime = (int64_t)c->st->st_mtime;
    rec.size = (int64_t)c->st->st_size;
    rc = put_record(r, &rec);
    thp_buf_release(&key);
    return rc;
}

/*
** Record a source as done (error NULL) or failed (error says why), count
** it, and report a failure. Non-zero on an index-level error.
*/
static int finish_source(struct run *r, struct thp_source *src, int known,
                         const char *error)
{
    src->error = error;
    if (error) {
        r->failed++;
        problem(r, src->path, "%s", error);
    } else if (known) {
        r->updated++;
    } else {
        r->added++;
    }
    if (thp_index_source_done(r->idx, src, &r->docs_removed, &r->err))
        r->stop_rc = THP_ERR_DB;
    return r->stop_rc;
}

/*
** Store one source prepared by the pipeline, deciding on the writer's
** own connection exactly as a run without threads would: unchanged (size
** and mtime), touched (same content hash), or new or changed: its
** documents, then its manifest row. Work a stale hint skipped is done
** here. Non-zero on an index-level error.
*/
static int store_source(struct run *r, struct src *s)
{
    struct thp_source_state prev;
    struct thp_source rec;
    size_t i;

    r->seen++;
    progress(r, 0);
    if (thp_index_source_get(r->idx, s->path, &prev, &r->err) != THP_OK)
        return r->stop_rc = THP_ERR_DB;
    if (!r->full && prev.found && !prev.failed &&
        prev.mtime == (int64_t)s->st.st_mtime &&
        prev.size == (int64_t)s->st.st_size) {
        r->unchanged++;
        if (thp_index_source_seen(r->idx, s->path, prev.mtime, prev.size,
                                  &r->err) != THP_OK)
            r->stop_rc = THP_ERR_DB;
        return r->stop_rc;
    }
    src_read(s);
    if (s->rc == THP_OK) {
        r->bytes += (double)s->nbytes;
        if (!r->full && prev.found && !prev.failed &&
            strcmp(prev.hash, s->hash) == 0) {
            /* touched, not changed: remember the new mtime only */
            r->unchanged++;
            if (thp_index_source_seen(r->idx, s->path,
                                      (int64_t)s->st.st_mtime,
                                      (int64_t)s->st.st_size, &r->err))
                r->stop_rc = THP_ERR_DB;
            return r->stop_rc;
        }
        src_prepare(s);
    }
    /* documents made before a failure are stored, as they always were */
    for (i = 0; i < s->ndocs; i++)
        if (put_record(r, &s->docs[i].rec) != THP_OK)
            return r->stop_rc;
    memset(&rec, 0, sizeof rec);
    rec.path = s->path;
    rec.mtime = (int64_t)s->st.st_mtime;
    rec.size = (int64_t)s->st.st_size;
    rec.hash = s->hash; /* "" if it could not be read */
    if (s->rc != THP_OK && s->not_text)
        r->not_text++;
    if (finish_source(r, &rec, prev.found,
                      s->rc != THP_OK ? s->err.msg : NULL))
        return r->stop_rc;
    if (s->rc == THP_OK && r->verbose) {
        clear_progress(r);
        printf("%s %s: %zu document%s (%s)\n",
               prev.found ? "updated" : "added", s->path, s->ndocs,
               s->ndocs == 1 ? "" : "s", s->charset[0] ? s->charset : "?");
    }
    return 0;
}

/*==================== Sources ====================*/

static int count_file(const char *path, const struct stat *st, void *arg)
{
    (void)st;
    if (src_kind_of(path) != K_NONE)
        (*(long *)arg)++;
    return 0;
}

static void count_error(const char *path, const char *reason, void *arg)
{
    (void)path;
    (void)reason;
    (*(long *)arg)++;
}

/* Folder of the index file, absolute: source names are relative to it. */
static char base_dir[PATH_MAX];

static void set_base_dir(const char *index_path)
{
    char tmp[PATH_MAX], *slash;

    snprintf(tmp, sizeof tmp, "%s", index_path);
    slash = strrchr(tmp, '/');
    if (slash == NULL)
        snprintf(tmp, sizeof tmp, ".");
    else if (slash == tmp)
        tmp[1] = '\0';
    else
        *slash = '\0';
    if (realpath(tmp, base_dir) == NULL)
        base_dir[0] = '\0';
}

/*
** The name a source is known by, from its absolute path: relative to the
** index file's folder when it is inside it, else absolute. So "corpus",
** "./corpus/" and "$PWD/corpus" name the same sources, from any current
** folder, and an index moved with its corpus keeps its names.
*/
static const char *source_name(const char *abs, char *buf, size_t len)
{
    size_t k = strlen(base_dir);

    if (k == 0 || abs[0] != '/')
        return abs;
    if (!strcmp(abs, base_dir))
        snprintf(buf, len, ".");
    else if (k == 1)
        snprintf(buf, len, "%s", abs + 1);
    else if (!strncmp(abs, base_dir, k) && abs[k] == '/')
        snprintf(buf, len, "%s", abs + k + 1);
    else
        return abs;
    return buf;
}

/* Threads preparing sources: one per CPU (the writer takes its share). */
static int worker_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/*
** Index everything below each SOURCE, in walk order, removing what
** vanished from a SOURCE once its walk is complete.
*/
static void walk_sources(struct run *r, const char *const *roots, int n)
{
    struct pipeline *p;
    struct pl_item *it;
    char name[PATH_MAX];
    long gone;

    if (pipeline_start(roots, n, thp_index_path(r->idx), r->full,
                       source_name, worker_count(), &p, &r->err) != THP_OK) {
        r->stop_rc = r->err.rc;
        return;
    }
    while (r->stop_rc == THP_OK && !interrupted &&
           (it = pipeline_next(p)) != NULL) {
        switch (it->what) {
        case PL_SOURCE:
            store_source(r, it->src);
            break;
        case PL_WALK_ERROR: {
            const char *nm = source_name(it->path, name, sizeof name);

            r->seen++;
            r->failed++;
            problem(r, nm, "%s", it->reason);
            /* what could not be read now is kept, not swept (a file
            ** skipped on purpose is not: it must not stay indexed) */
            if (strncmp(it->reason, "skipped", 7) != 0 &&
                thp_index_source_keep(r->idx, nm, &r->err) != THP_OK)
                r->stop_rc = THP_ERR_DB;
            break;
        }
        case PL_ROOT_ERROR:
            r->seen++;
            r->failed++;
            problem(r, it->path, "%s", it->reason);
            break;
        case PL_ROOT_DONE:
            /* only a complete walk may remove anything */
            gone = 0;
            if (thp_index_sweep(r->idx, source_name(it->path, name,
                                                    sizeof name),
                                &gone, &r->docs_removed, &r->err) != THP_OK)
                r->stop_rc = THP_ERR_DB;
            r->removed += gone;
            break;
        }
        pipeline_item_free(it);
    }
    pipeline_stop(p);
}

/*==================== JSON Lines ====================*/

/*
** A JSON Lines file is read in pieces of JSONL_PIECE bytes, so that the
** indexer's memory does not grow with the file: at most one piece and
** the longest line (up to MAX_FILE) are held.
*/
#define JSONL_PIECE (4u << 20)

/*
** Documents of a JSON Lines file committed together: 100,000 documents
** took 136 s of CPU committed every 5,000, 164 s every 500 (each commit
** and checkpoint writes the pages FTS5 and the indexes share again), 152 s
** as one transaction, which grew the log past 2 GB on 200,000.
*/
#define JSONL_BATCH 5000L

/* The hash of the file open on fd (its bytes, read to the end). */
static int jsonl_hash(int fd, char hash[17], double *bytes,
                      struct thp_err *err)
{
    char *b = thp_malloc(JSONL_PIECE);
    uint64_t h = THP_INDEX_HASH_START;
    ssize_t k;

    if (b == NULL)
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    thp_index_hash_part(&h, "", 0, hash);
    *bytes = 0;
    while ((k = read(fd, b, JSONL_PIECE)) != 0) {
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;

            thp_free(b);
            return thp_err_set(err, THP_ERR_IO, "cannot read: %s",
                               strerror(e));
        }
        thp_index_hash_part(&h, b, (size_t)k, hash);
        *bytes += (double)k;
    }
    thp_free(b);
    return THP_OK;
}

/*
** Make raw hold a whole line from *pos on (more read from fd, the part
** read already moved to the front): 1 with *len its length (without the
** newline), 0 at the end of the file, -1 on an error (in err).
*/
static int jsonl_line(int fd, struct thp_buf *raw, size_t *pos, size_t *len,
                      int *eof, struct thp_err *err)
{
    size_t seen = *pos; /* no newline from *pos up to here */

    for (;;) {
        const char *nl = raw->n > seen
                             ? memchr(raw->s + seen, '\n', raw->n - seen)
                             : NULL;
        ssize_t k;

        if (nl != NULL || (*eof && raw->n > *pos)) {
            *len = nl ? (size_t)(nl - (raw->s + *pos)) : raw->n - *pos;
            return 1;
        }
        if (*eof)
            return 0;
        if (*pos > 0) {
            memmove(raw->s, raw->s + *pos, raw->n - *pos);
            raw->n -= *pos;
            *pos = 0;
        }
        seen = raw->n;
        if (thp_buf_grow(raw, JSONL_PIECE) != THP_OK) {
            thp_err_set(err, raw->rc, "a line longer than %u MiB",
                        (unsigned)(raw->max >> 20));
            return -1;
        }
        k = read(fd, raw->s + raw->n, raw->cap - raw->n - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            thp_err_set(err, THP_ERR_IO, "cannot read: %s", strerror(errno));
            return -1;
        }
        if (k == 0)
            *eof = 1;
        raw->n += (size_t)k;
        raw->s[raw->n] = '\0';
    }
}

/*
** Index one JSON Lines file as a source whose documents are its lines
** (key FILE#id). A bad line is reported with its number and byte and
** skipped; the file fails only if no line could be indexed.
*/
static int index_jsonl(struct run *r, const char *arg)
{
    char pathbuf[PATH_MAX], real[PATH_MAX], hash[17], why[THP_ERR_LEN];
    struct thp_buf suffix;
    const char *path = realpath(arg, real)
                           ? source_name(real, pathbuf, sizeof pathbuf)
                           : arg;
    struct thp_source_state prev;
    struct thp_jsonread_obj obj;
    struct thp_source src;
    struct source_ctx c;
    struct thp_buf raw, clean, ctitle;
    struct thp_err err;
    struct stat st;
    size_t pos = 0, len = 0;
    long line = 0, good = 0, bad = 0;
    double bytes = 0;
    int fd, eof = 0, more;

    r->seen++;
    thp_err_clear(&err);
    if (stat(arg, &st) != 0 || !S_ISREG(st.st_mode)) {
        r->failed++;
        problem(r, path, "%s", errno ? strerror(errno) : "not a file");
        return 0;
    }
    if (thp_index_source_get(r->idx, path, &prev, &r->err) != THP_OK)
        return r->stop_rc = THP_ERR_DB;
    if ((fd = open(arg, O_RDONLY | O_CLOEXEC)) < 0 ||
        jsonl_hash(fd, hash, &bytes, &err) != THP_OK ||
        lseek(fd, 0, SEEK_SET) != 0) {
        r->failed++;
        problem(r, path, "%s", err.msg[0] ? err.msg : strerror(errno));
        if (fd >= 0)
            close(fd);
        return 0;
    }
    r->bytes += bytes;
    if (!r->full && prev.found && !prev.failed && !strcmp(prev.hash, hash)) {
        r->unchanged++;
        close(fd);
        if (thp_index_source_seen(r->idx, path, (int64_t)st.st_mtime,
                                  (int64_t)st.st_size, &r->err) != THP_OK)
            r->stop_rc = THP_ERR_DB;
        return r->stop_rc;
    }
    thp_buf_init(&raw, MAX_FILE);
    why[0] = '\0';
    memset(&c, 0, sizeof c);
    c.path = path;
    c.st = &st;
    snprintf(c.charset, sizeof c.charset, "UTF-8");
    thp_jsonread_init(&obj);
    thp_buf_init(&clean, 0);
    thp_buf_init(&ctitle, 0);
    thp_buf_init(&suffix, 0);
    while (r->stop_rc == THP_OK && !interrupted &&
           (more = jsonl_line(fd, &raw, &pos, &len, &eof, &err)) != 0) {
        const char *id, *title, *text, *v, *kind;
        size_t tlen = 0, xlen = 0, vlen = 0, k;
        struct thp_item meta;
        struct thp_text_info ti;
        const char *lang;
        char code[4];
        int rc;

        if (more < 0) { /* unreadable from here: failed, nothing lost */
            snprintf(why, sizeof why, "line %ld: %.200s", line + 1, err.msg);
            break;
        }
        line++;
        thp_err_clear(&err);
        rc = thp_jsonread_parse(raw.s + pos, len, 0, &obj, &err);
        pos += len + 1;
        if (rc == THP_ERR_NOTFOUND)
            continue; /* a blank line */
        id = thp_jsonread_get(&obj, "id", NULL);
        title = thp_jsonread_get(&obj, "title", &tlen);
        text = thp_jsonread_get(&obj, "text", &xlen);
        if (rc == THP_OK && (id == NULL || *id == '\0'))
            rc = thp_err_set(&err, THP_ERR_SYNTAX, "no \"id\"");
        if (rc == THP_OK && text == NULL && title == NULL)
            rc = thp_err_set(&err, THP_ERR_SYNTAX, "no \"title\" or \"text\"");
        if (rc != THP_OK) {
            bad++;
            problem(r, path, "line %ld: %s", line, err.msg);
            continue;
        }
        /* text from elsewhere gets the same repair as pages, title too */
        thp_buf_reset(&clean);
        thp_buf_reset(&ctitle);
        thp_text_info_init(&ti);
        if (thp_text_prepare(text ? text : "", xlen, 0, &clean, &ti, &err) ||
            thp_text_prepare(title ? title : "", tlen, 0, &ctitle, NULL,
                             &err)) {
            bad++;
            problem(r, path, "line %ld: %s", line, err.msg);
            continue;
        }
        for (k = 0; k < ctitle.n; k++) /* a title is one line */
            if (ctitle.s[k] == '\n' || ctitle.s[k] == '\f')
                ctitle.s[k] = ' ';
        memset(&meta, 0, sizeof meta);
        v = thp_jsonread_get(&obj, "date", &vlen);
        if (v != NULL)
            meta.year = thp_items_parse_date(v, vlen, meta.date);
        kind = thp_jsonread_get(&obj, "kind", NULL);
        lang = json_lang(r, thp_jsonread_get(&obj, "lang", NULL), &clean,
                         &ctitle, code);
        thp_buf_reset(&suffix);
        thp_buf_putc(&suffix, '#');
        thp_buf_puts(&suffix, id);
        if (put_doc(r, &c, suffix.s ? suffix.s : "#",
                    kind && *kind ? kind : "page",
                    ctitle.s ? ctitle.s : "", clean.s ? clean.s : "",
                    &meta, lang, thp_jsonread_get(&obj, "url", NULL)) !=
            THP_OK)
            break;
        /* a file of many documents is committed as it goes: its
        ** transaction (and the write-ahead log) stays bounded, and an
        ** interrupted run keeps what it stored (the file is recorded as
        ** read only at its end, so a re-run reads it again) */
        if (++good % JSONL_BATCH == 0 &&
            thp_index_commit(r->idx, &r->err) != THP_OK) {
            problem(r, path, "%s", r->err.msg);
            r->stop_rc = THP_ERR_DB;
            break;
        }
    }
    thp_jsonread_release(&obj);
    thp_buf_release(&clean);
    thp_buf_release(&ctitle);
    thp_buf_release(&suffix);
    thp_buf_release(&raw);
    close(fd);
    if (r->stop_rc != THP_OK || interrupted)
        return r->stop_rc;
    memset(&src, 0, sizeof src);
    src.path = path;
    src.mtime = (int64_t)st.st_mtime;
    src.size = (int64_t)st.st_size;
    src.hash = hash;
    if (finish_source(r, &src, prev.found,
                      why[0] ? why : good ? NULL : "no line could be indexed"))
        return r->stop_rc;
    if (!r->quiet && (bad || r->verbose))
        printf("%s: %ld documents, %ld bad lines\n", path, good, bad);
    return 0;
}

/*==================== Repairing text on stdin ====================*/

/* --repair-text: stdin bytes -> repaired UTF-8 on stdout. */
static int repair_stdin(int html, int explain)
{
    struct thp_buf in, out, why;
    struct thp_text_info ti;
    struct thp_err err;
    int rc = 0;

    thp_buf_init(&in, MAX_FILE);
    thp_buf_init(&out, 0);
    thp_buf_init(&why, 0);
    thp_text_info_init(&ti);
    thp_err_clear(&err);
    for (;;) {
        size_t k;

        if (thp_buf_grow(&in, 65536) != THP_OK) {
            fprintf(stderr, PROG ": input larger than %u bytes\n", MAX_FILE);
            rc = 2;
            goto out;
        }
        k = fread(in.s + in.n, 1, in.cap - in.n - 1, stdin);
        in.n += k;
        if (k == 0)
            break;
    }
    if (ferror(stdin)) {
        fprintf(stderr, PROG ": reading stdin: %s\n", strerror(errno));
        rc = 2;
        goto out;
    }
    if (thp_text_prepare(in.s ? in.s : "", in.n, html ? THP_TEXT_HTML : 0,
                         &out, &ti, &err) != THP_OK) {
        fprintf(stderr, PROG ": %s\n", err.msg);
        rc = 2;
        goto out;
    }
    if (out.n && fwrite(out.s, 1, out.n, stdout) != out.n)
        rc = 2;
    if (fflush(stdout) != 0)
        rc = 2;
    if (explain) {
        thp_text_info_explain(&ti, &why);
        fputs(why.s ? why.s : "", stderr);
    }
out:
    thp_buf_release(&in);
    thp_buf_release(&out);
    thp_buf_release(&why);
    return rc;
}

/* Open the index; with --full an index of another version is replaced. */
static int open_index(const char *path, int full, thp_index **idx,
                      struct thp_err *err)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    int rc = thp_index_open(path, THP_INDEX_WRITE, idx, err);
    char name[PATH_MAX];
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
    const char *index_path = "thp.db", *log_path = NULL, *url_base = NULL;
    char *base = NULL;
    const char **sources, **jsonl;
    int njsonl = 0, repair = 0, html = 0, explain = 0;
    struct run r;
    struct sigaction sa;
    thp_lang *lang = NULL;
    struct thp_err lerr;
    int64_t ndocs = 0;
    long toplist_words = THP_TOPLIST_WORDS, wal_mib = 0;
    char not_text[96] = "";
    int i, nsources = 0;
    double dt;

    memset(&r, 0, sizeof r);
    sources = thp_calloc((size_t)argc, sizeof *sources);
    jsonl = thp_calloc((size_t)argc, sizeof *jsonl);
    if (sources == NULL || jsonl == NULL)
        return 2;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "--index") && i + 1 < argc)
            index_path = argv[++i];
        else if (!strncmp(a, "--index=", 8))
            index_path = a + 8;
        else if (!strcmp(a, "--log") && i + 1 < argc)
            log_path = argv[++i];
        else if (!strcmp(a, "--url-base") && i + 1 < argc)
            url_base = argv[++i];
        else if (!strncmp(a, "--url-base=", 11))
            url_base = a + 11;
        else if (!strcmp(a, "--jsonl") && i + 1 < argc)
            jsonl[njsonl++] = argv[++i];
        else if (!strcmp(a, "--repair-text"))
            repair = 1;
        else if (!strcmp(a, "--html"))
            html = 1;
        else if (!strcmp(a, "--explain"))
            explain = 1;
        else if (!strcmp(a, "--toplist") && i + 1 < argc) {
            char *end;

            toplist_words = strtol(argv[++i], &end, 10);
            if (*end || toplist_words < 0 || toplist_words > 100000) {
                fprintf(stderr, PROG ": --toplist wants a number of words "
                        "from 0 to 100000\n");
                thp_free(sources);
                thp_free(jsonl);
                return 2;
            }
        }
        else if (!strcmp(a, "--wal-limit") && i + 1 < argc) {
            char *end;

            wal_mib = strtol(argv[++i], &end, 10);
            if (*end || wal_mib < 1 || wal_mib > 65536) {
                fprintf(stderr, PROG ": --wal-limit wants a number of MiB "
                        "from 1 to 65536\n");
                thp_free(sources);
                thp_free(jsonl);
                return 2;
            }
        }
        else if (!strcmp(a, "--full"))
            r.full = 1;
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            r.quiet = 1;
        else if (!strcmp(a, "--verbose") || !strcmp(a, "-v"))
            r.verbose = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            thp_free(sources);
            thp_free(jsonl);
            return 0;
        } else if (!strcmp(a, "--")) {
            while (++i < argc)
                sources[nsources++] = argv[i];
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, PROG ": unknown option '%s'\n", a);
            usage(stderr);
            thp_free(sources);
            thp_free(jsonl);
            return 2;
        } else {
            sources[nsources++] = a;
        }
    }
    if (repair) {
        thp_free(sources);
        thp_free(jsonl);
        if (nsources || njsonl) {
            fprintf(stderr, PROG ": --repair-text reads stdin only\n");
            return 2;
        }
        return repair_stdin(html, explain);
    }
    if (nsources == 0 && njsonl == 0) {
        fprintf(stderr, PROG ": no SOURCE given\n");
        usage(stderr);
        thp_free(sources);
        thp_free(jsonl);
        return 2;
    }
    if (log_path && (r.log = fopen(log_path, "a")) == NULL) {
        fprintf(stderr, PROG ": cannot open log '%s': %s\n", log_path,
                strerror(errno));
        thp_free(sources);
        thp_free(jsonl);
        return 2;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (url_base) { /* joined with paths: it ends in '/' */
        size_t k = strlen(url_base);

        if (k == 0 || strpbrk(url_base, " \t\r\n\"<>")) {
            fprintf(stderr, PROG ": --url-base '%s' is not a web address\n",
                    url_base);
            thp_free(sources);
            thp_free(jsonl);
            if (r.log)
                fclose(r.log);
            return 2;
        }
        base = thp_malloc(k + 2);
        if (base == NULL) {
            fprintf(stderr, PROG ": out of memory\n");
            return 2;
        }
        snprintf(base, k + 2, "%s%s", url_base,
                 url_base[k - 1] == '/' ? "" : "/");
        src_set_url_base(base);
    }
    set_base_dir(index_path);
    if (open_index(index_path, r.full, &r.idx, &r.err) != THP_OK) {
        fprintf(stderr, PROG ": %s\n", r.err.msg);
        thp_free(sources);
        thp_free(jsonl);
        src_set_url_base(NULL);
        thp_free(base);
        if (r.log)
            fclose(r.log);
        return 2;
    }
    if (wal_mib > 0 &&
        thp_index_wal_limit(r.idx, (int64_t)wal_mib << 20, &r.err) != THP_OK) {
        fprintf(stderr, PROG ": %s\n", r.err.msg);
        thp_index_close(r.idx);
        thp_free(sources);
        thp_free(jsonl);
        src_set_url_base(NULL);
        thp_free(base);
        if (r.log)
            fclose(r.log);
        return 2;
    }
    /* without a detector documents keep the default language: say so */
    thp_err_clear(&lerr);
    if (thp_lang_open(&lang, NULL, NULL, &lerr) != THP_OK)
        fprintf(stderr, PROG ": language detection off: %s\n", lerr.msg);
    r.lang = lang;
    src_set_lang(lang);
    r.tty = !r.quiet && isatty(STDERR_FILENO);
    r.t0 = r.last = now_s();
    if (r.tty) /* the bar needs a total: count first (cheap next to work) */
        for (i = 0; i < nsources; i++)
            walk_path(sources[i], count_file, count_error, &r.total);
    for (i = 0; i < njsonl && r.stop_rc == THP_OK && !interrupted; i++)
        index_jsonl(&r, jsonl[i]);
    if (nsources && r.stop_rc == THP_OK && !interrupted)
        walk_sources(&r, sources, nsources);
    if (r.stop_rc == THP_OK && thp_index_commit(r.idx, &r.err) != THP_OK)
        r.stop_rc = THP_ERR_DB;
    if (r.stop_rc == THP_OK)
        thp_index_count(r.idx, &ndocs, &r.err);
    /* the best hits of the most frequent words (toplist.h) */
    if (r.stop_rc == THP_OK && !interrupted && toplist_words > 0) {
        double t = now_s();
        long words = 0;

        if (thp_toplist_build(r.idx, (size_t)toplist_words,
                              THP_TOPLIST_MIN_DF, &words, &r.err) != THP_OK)
            r.stop_rc = r.err.rc ? r.err.rc : THP_ERR_DB;
        else if (!r.quiet && words > 0)
            fprintf(stderr, PROG ": best hits stored for %ld frequent words "
                    "and prefixes (%.1f s)\n", words, now_s() - t);
    }
    thp_index_close(r.idx);
    src_set_lang(NULL);
    src_set_url_base(NULL);
    thp_free(base);
    thp_lang_close(lang);
    thp_free(sources);
    thp_free(jsonl);
    if (r.log)
        fclose(r.log);
    clear_progress(&r);
    if (r.stop_rc != THP_OK) {
        fprintf(stderr, PROG ": %s\n", r.err.msg);
        return 2;
    }
    dt = now_s() - r.t0;
    if (r.not_text)
        snprintf(not_text, sizeof not_text, "; %ld not text", r.not_text);
    printf(PROG ": %ld files: %ld added, %ld updated, %ld unchanged, "
           "%ld failed, %ld removed; documents: %ld added, %ld updated, "
           "%ld duplicate, %ld removed; %s holds %lld documents "
           "(%.2f s, %.1f MB/s)%s%s\n",
           r.seen, r.added, r.updated, r.unchanged, r.failed, r.removed,
           r.docs_added, r.docs_updated, r.docs_dup, r.docs_removed,
           index_path, (long long)ndocs, dt, dt > 0 ? r.bytes / dt / 1e6 : 0,
           not_text, interrupted ? "; interrupted, run again to finish" : "");
    if (interrupted)
        return 130;
    if (r.seen == 0) {
        fprintf(stderr, PROG ": no .html, .htm, .txt or .pdf files found\n");
        return 1;
    }
    return r.added + r.updated + r.unchanged > 0 ? 0 : 1;
}
