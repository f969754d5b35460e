/*
** exec.c: the reader and the executor (exec.h). A request becomes a plan
** (qparse, the request's filters, expansion), the plan one pass over the
** FTS5 matches that keeps the best in a bounded heap, and the page is
** filled in for the hits shown only. Reads only; every write belongs to
** index.c.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "schema.h"
#include "thp/expand.h"
#include "thp/imap.h"
#include "thp/exec.h"
#include "thp/mem.h"
#include "thp/plan.h"
#include "thp/qparse.h"
#include "thp/rank.h"
#include "thp/tok.h"

/* ---- statements -------------------------------------------------------- */

enum {
    SQ_RANK,     /* every match with its score */
    SQ_RANK_NEW, /* the newest matches with their scores (as you type) */
    SQ_PLAIN,    /* every match, unranked */
    SQ_DOC,      /* a hit's row */
    SQ_SOURCES,  /* every place it was found */
    SQ_SIMILAR,  /* its near-duplicates */
    SQ_GROUPS,   /* documents in near-duplicate groups */
    SQ_LANGS,    /* the languages the documents are in (meta) */
    SQ_VALUES,   /* per-document values */
    SQ_TITLE,    /* a document's title, for title order */
    SQ_VOCAB,    /* index terms in a range, for suggestions */
    SQ_TITLES,   /* titles matching, for completions */
    SQ_TOPLIST,  /* a frequent word's stored best hits */
    SQ_TERMS,    /* frequent index terms with a prefix, for completions */
    SQ_VOCAB_T,  /* the same two from the stored vocabulary */
    SQ_TERMS_T,
    SQ__N
};

static const char *const sq_sql[SQ__N] = {
    [SQ_RANK] = "SELECT rowid, " THP_RANK_NAME "(" THP_T_FTS ", ?1, ?2, NULL,"
                " ?3) FROM " THP_T_FTS " WHERE " THP_T_FTS " MATCH ?4",
    [SQ_PLAIN] = "SELECT rowid FROM " THP_T_FTS " WHERE " THP_T_FTS
                 " MATCH ?1",
    [SQ_RANK_NEW] = "SELECT rowid, " THP_RANK_NAME "(" THP_T_FTS ", ?1, ?2,"
                    " NULL, ?3) FROM " THP_T_FTS " WHERE " THP_T_FTS
                    " MATCH ?4 ORDER BY rowid DESC LIMIT ?5",
    [SQ_DOC] = "SELECT title, url, kind, date, year, location, partners,"
               " authors, anchor, page, repairs, lang, path FROM "
               THP_T_DOCS " WHERE id = ?1",
    [SQ_SOURCES] = "SELECT url FROM doc_sources WHERE doc_id = ?1"
                   " ORDER BY source_key",
    [SQ_SIMILAR] = "SELECT url FROM " THP_T_DOCS " WHERE (dup_group = ?2"
                   " OR id = ?2) AND id != ?1 ORDER BY id",
    [SQ_GROUPS] = "SELECT id, dup_group FROM " THP_T_DOCS
                  " WHERE dup_group IS NOT NULL",
    [SQ_LANGS] = "SELECT value FROM meta WHERE key = 'doc_langs'",
    [SQ_VALUES] = "SELECT id, date, year, kind, lang, location, authors"
                  " FROM " THP_T_DOCS,
    [SQ_TITLE] = "SELECT title FROM " THP_T_DOCS " WHERE id = ?1",
    [SQ_VOCAB] = "SELECT term, doc FROM " THP_T_VOCAB
                 " WHERE term >= ?1 AND term < ?2",
    [SQ_TITLES] = "SELECT title FROM " THP_T_FTS " WHERE " THP_T_FTS
                  " MATCH ?1 LIMIT ?2",
    [SQ_TOPLIST] = "SELECT total, hits FROM toplist WHERE term = ?1",
    [SQ_TERMS] = "SELECT term FROM " THP_T_VOCAB " WHERE term >= ?1 AND"
                 " term < ?2 ORDER BY doc DESC LIMIT ?3",
    [SQ_VOCAB_T] = "SELECT term, df FROM vocab WHERE term >= ?1 AND"
                   " term < ?2",
    [SQ_TERMS_T] = "SELECT term FROM vocab WHERE term >= ?1 AND term < ?2"
                   " ORDER BY df DESC LIMIT ?3",
};

/* ---- per-document values ------------------------------------------------ */

/* Interned strings: values of location, authors and lang. */
struct strtab {
    char **s;
    size_t n, cap;
    uint32_t *slot;   /* hash table of indexes + 1 */
    size_t nslot;
};

static uint64_t str_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* Index + 1 of s[0..n) in t, adding it; 0 on allocation failure. */
static uint32_t str_intern(struct strtab *t, const char *s, size_t n)
{
    size_t i;

    if ((t->n + 1) * 2 > t->nslot) {
        size_t ns = t->nslot ? t->nslot * 2 : 256, j;
        uint32_t *sl = thp_calloc(ns, sizeof *sl);

        if (sl == NULL)
            return 0;
        for (j = 0; j < t->n; j++) {
            size_t k = (size_t)str_hash(t->s[j], strlen(t->s[j])) & (ns - 1);

            while (sl[k])
                k = (k + 1) & (ns - 1);
            sl[k] = (uint32_t)j + 1;
        }
        thp_free(t->slot);
        t->slot = sl;
        t->nslot = ns;
    }
    i = (size_t)str_hash(s, n) & (t->nslot - 1);
    while (t->slot[i]) {
        const char *x = t->s[t->slot[i] - 1];

        if (strlen(x) == n && !memcmp(x, s, n))
            return t->slot[i];
        i = (i + 1) & (t->nslot - 1);
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        char **v = thp_realloc(t->s, cap * sizeof *v);

        if (v == NULL)
            return 0;
        t->s = v;
        t->cap = cap;
    }
    if ((t->s[t->n] = thp_strndup(s, n)) == NULL)
        return 0;
    t->slot[i] = (uint32_t)++t->n;
    return t->slot[i];
}

static void strtab_free(struct strtab *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        thp_free(t->s[i]);
    thp_free(t->s);
    thp_free(t->slot);
    memset(t, 0, sizeof *t);
}

/* Values by document id (0..maxid); date -1 marks an id with no row. */
struct values {
    int64_t maxid;
    int32_t *date;
    int16_t *year;
    uint8_t *kind;      /* THP_KIND_* */
    uint32_t *lang;     /* strtab index + 1, 0 none */
    uint32_t *loc;
    uint32_t *aoff;     /* authors of id: auth[aoff[id] .. aoff[id + 1]) */
    uint32_t *auth;
    size_t nauth, capauth;
    struct strtab str;
};

static void values_free(struct values *v)
{
    if (v == NULL)
        return;
    thp_free(v->date);
    thp_free(v->year);
    thp_free(v->kind);
    thp_free(v->lang);
    thp_free(v->loc);
    thp_free(v->aoff);
    thp_free(v->auth);
    strtab_free(&v->str);
    thp_free(v);
}

/* ---- the reader --------------------------------------------------------- */

struct thp_reader {
    thp_index *idx;
    int own;                 /* idx is ours to close and reopen */
    char *path;
    sqlite3_stmt *st[SQ__N];
    thp_tokenizer *tok;
    int64_t data_version;    /* PRAGMA data_version at the last check */
    dev_t dev;               /* the file opened, to see a replacement */
    ino_t ino;
    int64_t generation;
    struct thp_imap groups;      /* id -> dup_group, for grouped documents */
    struct thp_imap leaders;     /* dup_group values: the groups' first ids */
    int groups_loaded;
    int langs_set;           /* query stems limited to the documents'
                                languages for this generation */
    struct values *val;      /* loaded on first need */
    int toplist;             /* stored best hits usable: 1, no: 0, -1 ? */
    char toplist_params[512];
    unsigned budget_ms;
    double deadline;         /* of the running request, 0 none */
    int timed_out;
    thp_cancel_fn cancel;    /* asked now and then: stop the request? */
    void *cancel_arg;
    double next_ask;         /* when to ask cancel next */
    int cancelled;
};

/* How often a running request asks its cancel function (milliseconds). */
#define CANCEL_EVERY_MS 5.0

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int on_progress(void *arg)
{
    thp_reader *rd = arg;

    double now;

    if (rd->deadline <= 0 && rd->cancel == NULL)
        return 0;
    now = now_ms();
    if (rd->deadline > 0 && now > rd->deadline) {
        rd->timed_out = 1;
        return 1;
    }
    if (rd->cancel && now >= rd->next_ask) {
        rd->next_ask = now + CANCEL_EVERY_MS;
        if (rd->cancel(rd->cancel_arg)) {
            rd->cancelled = 1;
            return 1;
        }
    }
    return 0;
}

static void drop_cache(thp_reader *rd)
{
    rd->toplist = -1;
    thp_imap_clear(&rd->groups);
    thp_imap_clear(&rd->leaders);
    rd->groups_loaded = 0;
    rd->langs_set = 0;
    values_free(rd->val);
    rd->val = NULL;
}

static void finalize_all(thp_reader *rd)
{
    int i;

    for (i = 0; i < SQ__N; i++) {
        sqlite3_finalize(rd->st[i]);
        rd->st[i] = NULL;
    }
}

static sqlite3_stmt *stmt(thp_reader *rd, int i, struct thp_err *err)
{
    sqlite3 *db = thp_index_db(rd->idx);

    if (rd->st[i] == NULL &&
        sqlite3_prepare_v3(db, sq_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &rd->st[i], NULL) != SQLITE_OK) {
        thp_err_set(err, THP_ERR_DB, "preparing a search statement: %s",
                    sqlite3_errmsg(db));
        return NULL;
    }
    return rd->st[i];
}

static int64_t data_version(thp_reader *rd)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    if (sqlite3_prepare_v2(thp_index_db(rd->idx), "PRAGMA data_version", -1,
                           &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int attach(thp_reader *rd, thp_index *idx, struct thp_err *err)
{
    const char *langs = THP_LANGS;
    int rc;

    rd->idx = idx;
    rd->toplist = -1;
    if (rd->tok == NULL && (rc = thp_tok_new(langs, &rd->tok)) != THP_OK)
        return thp_err_set(err, rc, "making the query tokenizer: %s",
                           thp_strerror(rc));
    sqlite3_progress_handler(thp_index_db(idx), 2000, on_progress, rd);
    /* a reader keeps more pages than SQLite's default. Not mapped: a
    ** file truncated in place under a mapping kills the whole process
    ** with SIGBUS (seen in e2e/47-faults.sh), while read() gives SQLite
    ** an error that becomes one 503 */
    sqlite3_exec(thp_index_db(idx), "PRAGMA mmap_size=0;"
                 " PRAGMA cache_size=-32768", NULL, NULL, NULL);
    rd->data_version = data_version(rd);
    rd->generation++;
    return THP_OK;
}

int thp_reader_wrap(thp_index *idx, thp_reader **out, struct thp_err *err)
{
    thp_reader *rd = thp_calloc(1, sizeof *rd);

    *out = NULL;
    if (rd == NULL)
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    if (attach(rd, idx, err) != THP_OK) {
        thp_reader_close(rd);
        return err && err->rc ? err->rc : THP_ERR_NOMEM;
    }
    *out = rd;
    return THP_OK;
}

/*
** Open the index at path and the identity (device, inode) of the file
** opened: the path is looked at before and after, and opened again if a
** rename came in between, so a later change of identity always means a
** new file.
*/
static int open_stable(const char *path, thp_index **idx, struct stat *sb,
                       struct thp_err *err)
{
    struct stat after;
    int tries, rc;

    for (tries = 0; tries < 5; tries++) {
        memset(sb, 0, sizeof *sb);
        stat(path, sb);
        if ((rc = thp_index_open(path, THP_INDEX_READ, idx, err)) != THP_OK)
            return rc;
        if (stat(path, &after) == 0 && after.st_dev == sb->st_dev &&
            after.st_ino == sb->st_ino)
            return THP_OK;
        thp_index_close(*idx);
        *idx = NULL;
    }
    return thp_err_set(err, THP_ERR_IO, "the index file keeps changing");
}

int thp_reader_open(const char *path, thp_reader **out, struct thp_err *err)
{
    thp_reader *rd = thp_calloc(1, sizeof *rd);
    thp_index *idx = NULL;
    struct stat sb;
    int rc;

    *out = NULL;
    if (rd == NULL || (rd->path = thp_strdup(path)) == NULL) {
        thp_free(rd);
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    }
    rd->own = 1;
    if ((rc = open_stable(path, &idx, &sb, err)) != THP_OK ||
        (rc = attach(rd, idx, err)) != THP_OK) {
        if (rd->idx == NULL)
            thp_index_close(idx);
        thp_reader_close(rd);
        return rc;
    }
    rd->dev = sb.st_dev;
    rd->ino = sb.st_ino;
    *out = rd;
    return THP_OK;
}

void thp_reader_close(thp_reader *rd)
{
    if (rd == NULL)
        return;
    finalize_all(rd);
    drop_cache(rd);
    thp_tok_free(rd->tok);
    /* a borrowed connection outlives the reader: no handler calling it */
    if (rd->idx)
        sqlite3_progress_handler(thp_index_db(rd->idx), 0, NULL, NULL);
    if (rd->own)
        thp_index_close(rd->idx);
    thp_free(rd->path);
    thp_free(rd);
}

thp_index *thp_reader_index(thp_reader *rd)
{
    return rd->idx;
}

void thp_reader_budget(thp_reader *rd, unsigned ms)
{
    rd->budget_ms = ms;
}

void thp_reader_cancel(thp_reader *rd, thp_cancel_fn fn, void *arg)
{
    rd->cancel = fn;
    rd->cancel_arg = arg;
}

int thp_reader_cancelled(const thp_reader *rd)
{
    return rd->cancelled;
}

int thp_reader_refresh(thp_reader *rd, int64_t *generation,
                       struct thp_err *err)
{
    struct stat sb;
    int64_t v;

    /* a new file renamed over the old: open the new one */
    if (rd->own && stat(rd->path, &sb) == 0 &&
        (sb.st_dev != rd->dev || sb.st_ino != rd->ino)) {
        thp_index *idx = NULL;

        if (open_stable(rd->path, &idx, &sb, err) != THP_OK)
            return err && err->rc ? err->rc : THP_ERR_DB;
        finalize_all(rd);
        drop_cache(rd);
        thp_index_close(rd->idx);
        rd->dev = sb.st_dev;
        rd->ino = sb.st_ino;
        attach(rd, idx, err);
    } else if ((v = data_version(rd)) != rd->data_version) {
        rd->data_version = v;
        drop_cache(rd);
        rd->generation++;
    }
    if (generation)
        *generation = rd->generation;
    return THP_OK;
}

/* An error of SQLite while searching: the query's fault or the index's. */
static int run_error(thp_reader *rd, int rc, struct thp_err *err)
{
    sqlite3 *db = thp_index_db(rd->idx);

    if (rd->cancelled)
        return thp_err_set(err, THP_ERR_IO,
                           "query cancelled: its client went away");
    if (rd->timed_out)
        return thp_err_set(err, THP_ERR_TOOBIG,
                           "query stopped: it took longer than %u ms",
                           rd->budget_ms);
    /* FTS5 refusing the expression is the query's fault; any other
    ** error (a table missing from a damaged or replaced file) the index's */
    if ((rc & 0xFF) == SQLITE_ERROR &&
        !strncmp(sqlite3_errmsg(db), "fts5:", 5))
        return thp_err_set(err, THP_ERR_SYNTAX, "query rejected: %s",
                           sqlite3_errmsg(db));
    return thp_err_set(err, THP_ERR_DB, "searching: %s", sqlite3_errmsg(db));
}

/*
** Query stems only in the languages the index's documents are in (the
** writer keeps them in meta 'doc_langs'): a stem of another language
** matches nothing, so leaving it out changes no result and saves a lookup
** per word and language. Without the record, every language.
*/
static void set_query_langs(thp_reader *rd)
{
    sqlite3_stmt *st = stmt(rd, SQ_LANGS, NULL);
    const char *v = NULL;

    if (st && sqlite3_step(st) == SQLITE_ROW)
        v = (const char *)sqlite3_column_text(st, 0);
    thp_tok_query_langs(thp_index_db(rd->idx), v ? v : "");
    if (st)
        sqlite3_reset(st);
    rd->langs_set = 1;
}

static int load_groups(thp_reader *rd, struct thp_err *err)
{
    sqlite3_stmt *st = stmt(rd, SQ_GROUPS, err);
    int step;

    if (st == NULL)
        return THP_ERR_DB;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if (thp_imap_put(&rd->groups, sqlite3_column_int64(st, 0),
                     sqlite3_column_int64(st, 1)) != THP_OK ||
            thp_imap_put(&rd->leaders, sqlite3_column_int64(st, 1), 1) !=
                THP_OK) {
            sqlite3_reset(st);
            return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
        }
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return run_error(rd, step, err);
    rd->groups_loaded = 1;
    return THP_OK;
}

static int64_t group_of(const thp_reader *rd, int64_t id)
{
    int64_t g;

    return thp_imap_get(&rd->groups, id, &g) ? g : id;
}

/* 1 if id belongs to a near-duplicate group of two or more. */
static int grouped(const thp_reader *rd, int64_t id, int64_t grp)
{
    int64_t one;

    return grp != id || thp_imap_get(&rd->leaders, id, &one);
}

static uint32_t intern_col(struct values *v, sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);

    if (s == NULL || *s == '\0')
        return 0;
    return str_intern(&v->str, s, (size_t)sqlite3_column_bytes(st, col));
}

static int add_author(struct values *v, uint32_t a)
{
    if (v->nauth == v->capauth) {
        size_t cap = v->capauth ? v->capauth * 2 : 1024;
        uint32_t *n = thp_realloc(v->auth, cap * sizeof *n);

        if (n == NULL)
            return THP_ERR_NOMEM;
        v->auth = n;
        v->capauth = cap;
    }
    v->auth[v->nauth++] = a;
    return THP_OK;
}

/* Allocate the arrays for ids 0..maxid, all "no row". */
static int values_alloc(struct values *v, int64_t maxid)
{
    size_t n = (size_t)maxid + 2, i;

    v->maxid = maxid;
    v->date = thp_malloc(n * sizeof *v->date);
    v->year = thp_calloc(n, sizeof *v->year);
    v->kind = thp_calloc(n, sizeof *v->kind);
    v->lang = thp_calloc(n, sizeof *v->lang);
    v->loc = thp_calloc(n, sizeof *v->loc);
    v->aoff = thp_calloc(n + 1, sizeof *v->aoff);
    if (!v->date || !v->year || !v->kind || !v->lang || !v->loc || !v->aoff)
        return THP_ERR_NOMEM;
    for (i = 0; i < n; i++)
        v->date[i] = -1;
    return THP_OK;
}

static int load_values(thp_reader *rd, struct thp_err *err)
{
    sqlite3 *db = thp_index_db(rd->idx);
    sqlite3_stmt *st, *mx = NULL;
    struct values *v = thp_calloc(1, sizeof *v);
    int64_t maxid = 0, last = -1;
    int step, rc = THP_OK;

    if (v == NULL)
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    if (sqlite3_prepare_v2(db, "SELECT max(id) FROM " THP_T_DOCS, -1, &mx,
                           NULL) == SQLITE_OK &&
        sqlite3_step(mx) == SQLITE_ROW)
        maxid = sqlite3_column_int64(mx, 0);
    sqlite3_finalize(mx);
    if (maxid < 0 || maxid > 0x7FFFFFF0 || values_alloc(v, maxid) != THP_OK) {
        values_free(v);
        return thp_err_set(err, THP_ERR_NOMEM,
                           "out of memory for %lld documents' values",
                           (long long)maxid);
    }
    if ((st = stmt(rd, SQ_VALUES, err)) == NULL) {
        values_free(v);
        return THP_ERR_DB;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        const char *kind = (const char *)sqlite3_column_text(st, 3);
        const char *au = (const char *)sqlite3_column_text(st, 6);
        int64_t k;

        if (id <= 0 || id > maxid)
            continue;
        /* ids come in order: fill the author offsets of the gap */
        for (k = last + 1; k <= id; k++)
            v->aoff[k] = (uint32_t)v->nauth;
        last = id;
        v->date[id] = (int32_t)thp_plan_date_key(
            (const char *)sqlite3_column_text(st, 1));
        v->year[id] = (int16_t)sqlite3_column_int(st, 2);
        if (v->year[id] == 0 && v->date[id] > 0)
            v->year[id] = (int16_t)(v->date[id] / 10000);
        v->kind[id] = (uint8_t)(kind ? thp_plan_kind(kind, strlen(kind)) : 0);
        v->lang[id] = intern_col(v, st, 4);
        v->loc[id] = intern_col(v, st, 5);
        /* authors: "A, B and C" lists, split at commas and semicolons */
        while (au && *au) {
            size_t n;

            au += strspn(au, ",; ");
            n = strcspn(au, ",;");
            while (n > 0 && au[n - 1] == ' ')
                n--;
            if (n > 0 && add_author(v, str_intern(&v->str, au, n)) != THP_OK)
                rc = THP_ERR_NOMEM;
            au += n;
            au += strcspn(au, ",;");
        }
    }
    sqlite3_reset(st);
    for (last = last + 1; last <= maxid + 1; last++)
        v->aoff[last] = (uint32_t)v->nauth;
    if (step != SQLITE_DONE || rc != THP_OK) {
        values_free(v);
        return rc != THP_OK ? thp_err_set(err, rc, "out of memory")
                            : run_error(rd, step, err);
    }
    rd->val = v;
    return THP_OK;
}

/* ---- the plan ------------------------------------------------------------ */

static int qflags(int mode, int prefix)
{
    int f = 0;

    if (mode != THP_MODE_ADVANCED)
        f |= THP_QP_LENIENT;
    if (mode == THP_MODE_ANY)
        f |= THP_QP_ANY_WORD;
    if (prefix)
        f |= THP_QP_PREFIX_LAST;
    return f;
}

/*
** As you type, the last word is a prefix only from THP_MIN_PREFIX
** characters on: "m*" would merge the postings of every word that starts
** with m, the costliest query there is, for a hint the completions
** (/suggest) give better. A shorter last word is searched as a word.
*/
#define THP_MIN_PREFIX 3

/* Matches ranked at most for a search-box query while its last word is
** being typed (newest first); see docs/PERFORMANCE.md. */
#define THP_BOX_SCAN 1000

static int prefix_ok(const struct thp_request *req)
{
    size_t end = req->qlen, start, chars = 0;

    if (!req->prefix)
        return 0;
    while (end > 0 && (req->q[end - 1] == ' ' || req->q[end - 1] == '\t'))
        end--;
    if (end < req->qlen)
        return 0; /* a blank after the last word: it is complete */
    for (start = end; start > 0 && req->q[start - 1] != ' ' &&
                      req->q[start - 1] != '"' && req->q[start - 1] != '(';
         start--)
        if (((unsigned char)req->q[start - 1] & 0xC0) != 0x80)
            chars++;
    return chars >= THP_MIN_PREFIX;
}

/* The request's own filters, on top of those written in the query. */
static int add_filters(struct thp_plan *p, const struct thp_request *req,
                       struct thp_err *err)
{
    size_t i;

    if (req->date_lo && req->date_lo > p->date_lo)
        p->date_lo = req->date_lo;
    if (req->date_hi && (p->date_hi == 0 || req->date_hi < p->date_hi))
        p->date_hi = req->date_hi;
    if (req->kinds)
        p->kinds = p->kinds ? (p->kinds & req->kinds) : req->kinds;
    if (req->kinds && p->kinds == 0)
        p->kinds = 0x80; /* two kind filters that exclude each other */
    for (i = 0; i < req->nlangs && p->nlangs < THP_PLAN_MAX_LANGS; i++)
        memcpy(p->langs[p->nlangs++], req->langs[i], 4);
    if (req->location[0])
        p->location = req->location;
    if (req->author[0])
        p->author = req->author;
    (void)err;
    return THP_OK;
}

static int has_filters(const struct thp_plan *p)
{
    return p->date_lo || p->date_hi || p->kinds || p->nlangs ||
           p->location || p->author;
}

/* 1 if interned string k (index + 1) is s. */
static int str_is(const struct values *v, uint32_t k, const char *s)
{
    return k && !strcmp(v->str.s[k - 1], s);
}

/* 1 if document id passes the plan's filters (values loaded). */
static int passes(const struct values *v, const struct thp_plan *p,
                  int64_t id)
{
    size_t i;
    int32_t d;

    if (id <= 0 || id > v->maxid || (d = v->date[id]) < 0)
        return 0;
    if (p->date_lo && d < p->date_lo)
        return 0;
    if (p->date_hi && (d == 0 || d > p->date_hi))
        return 0;
    if (p->kinds && !(p->kinds & v->kind[id]))
        return 0;
    if (p->nlangs) {
        const char *l = v->lang[id] ? v->str.s[v->lang[id] - 1] : "en";

        for (i = 0; i < p->nlangs; i++)
            if (!strcmp(p->langs[i], l))
                break;
        if (i == p->nlangs)
            return 0;
    }
    if (p->location && !str_is(v, v->loc[id], p->location))
        return 0;
    if (p->author) {
        uint32_t a;

        for (a = v->aoff[id]; a < v->aoff[id + 1]; a++)
            if (str_is(v, v->auth[a], p->author))
                break;
        if (a == v->aoff[id + 1])
            return 0;
    }
    return 1;
}

/* ---- candidates ---------------------------------------------------------- */

struct cand {
    double key;      /* the sort key: higher first */
    double score;
    int64_t id, grp;
};

/* a better than b: key, then score, then the lower id */
static int better(const struct cand *a, const struct cand *b)
{
    if (a->key != b->key)
        return a->key > b->key;
    if (a->score != b->score)
        return a->score > b->score;
    return a->id < b->id;
}

static int cand_cmp(const void *x, const void *y)
{
    const struct cand *a = x, *b = y;

    return better(a, b) ? -1 : better(b, a) ? 1 : 0;
}

/* A bounded heap of the best candidates (the worst at the root), or with
** cap 0 an unbounded list. */
struct heap {
    struct cand *v;
    size_t n, cap, alloc;
    int64_t dropped;  /* candidates that did not fit */
};

static void heap_down(struct heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        struct cand t;

        if (l < h->n && better(&h->v[w], &h->v[l]))
            w = l;
        if (r < h->n && better(&h->v[w], &h->v[r]))
            w = r;
        if (w == i)
            return;
        t = h->v[i];
        h->v[i] = h->v[w];
        h->v[w] = t;
        i = w;
    }
}

static int heap_push(struct heap *h, const struct cand *c)
{
    size_t i;

    if (h->cap && h->n == h->cap) {
        h->dropped++;
        if (!better(c, &h->v[0]))
            return THP_OK;
        h->v[0] = *c;
        heap_down(h, 0);
        return THP_OK;
    }
    if (h->n == h->alloc) {
        size_t a = h->alloc ? h->alloc * 2 : 64;
        struct cand *v;

        if (h->cap && a > h->cap)
            a = h->cap;
        if ((v = thp_realloc(h->v, a * sizeof *v)) == NULL)
            return THP_ERR_NOMEM;
        h->v = v;
        h->alloc = a;
    }
    i = h->n++;
    h->v[i] = *c;
    if (h->cap == 0)
        return THP_OK;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        struct cand t;

        if (!better(&h->v[up], &h->v[i]))
            break;
        t = h->v[i];
        h->v[i] = h->v[up];
        h->v[up] = t;
        i = up;
    }
    return THP_OK;
}

/* ---- facets -------------------------------------------------------------- */

struct facet_count {
    unsigned bit;
    const char *name;
    struct thp_imap count;     /* value key -> count */
};

static const struct { unsigned bit; const char *name; } facet_names[] = {
    {THP_FACET_YEAR, "year"}, {THP_FACET_KIND, "kind"},
    {THP_FACET_LOCATION, "location"}, {THP_FACET_LANG, "lang"},
    {THP_FACET_AUTHOR, "author"}};

static int facet_add(struct thp_imap *m, int64_t key)
{
    int64_t c = 0;

    thp_imap_get(m, key, &c);
    return thp_imap_put(m, key, c + 1);
}

/* Count document id (values loaded) into each facet asked for. Keys:
** year+1, kind bit, string index + 1 (0 is never a key). */
static int facets_count(struct facet_count *f, size_t nf,
                        const struct values *v, int64_t id)
{
    size_t i;
    int rc = THP_OK;

    for (i = 0; i < nf && rc == THP_OK; i++) {
        switch (f[i].bit) {
        case THP_FACET_YEAR:
            if (v->year[id] > 0)
                rc = facet_add(&f[i].count, v->year[id]);
            break;
        case THP_FACET_KIND:
            if (v->kind[id])
                rc = facet_add(&f[i].count, v->kind[id]);
            break;
        case THP_FACET_LOCATION:
            if (v->loc[id])
                rc = facet_add(&f[i].count, v->loc[id]);
            break;
        case THP_FACET_LANG:
            rc = facet_add(&f[i].count,
                           v->lang[id] ? (int64_t)v->lang[id] : -1);
            break;
        case THP_FACET_AUTHOR: {
            uint32_t a;

            for (a = v->aoff[id]; a < v->aoff[id + 1] && rc == THP_OK; a++)
                rc = facet_add(&f[i].count, v->auth[a]);
            break;
        }
        }
    }
    return rc;
}

static int fv_cmp(const void *x, const void *y)
{
    const struct thp_facet_value *a = x, *b = y;

    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->value, b->value);
}

static int facets_result(struct facet_count *f, size_t nf,
                         const struct values *v, size_t top,
                         struct thp_result *res)
{
    size_t i, j;

    for (i = 0; i < nf; i++) {
        struct thp_facet *out = &res->facets[res->nfacets++];
        size_t k = 0;

        out->name = f[i].name;
        out->v = thp_calloc(f[i].count.n + 1, sizeof *out->v);
        if (out->v == NULL)
            return THP_ERR_NOMEM;
        for (j = 0; j < f[i].count.cap; j++) {
            int64_t key = f[i].count.k[j];
            char num[24];
            const char *s = num;

            if (key == 0)
                continue;
            switch (f[i].bit) {
            case THP_FACET_YEAR:
                snprintf(num, sizeof num, "%lld", (long long)key);
                break;
            case THP_FACET_KIND:
                s = key == THP_KIND_PAGE ? "page"
                  : key == THP_KIND_ITEM ? "item" : "report";
                break;
            case THP_FACET_LANG:
                s = key < 0 ? "en" : v->str.s[key - 1];
                break;
            default:
                s = v->str.s[key - 1];
            }
            out->v[k].value = thp_strdup(s);
            out->v[k].count = f[i].count.v[j];
            if (out->v[k].value == NULL)
                return THP_ERR_NOMEM;
            k++;
        }
        /* "" and "en" may both stand for English: one value */
        if (f[i].bit == THP_FACET_LANG) {
            size_t a, b, m = 0;

            for (a = 0; a < k; a++) {
                for (b = 0; b < m; b++)
                    if (!strcmp(out->v[b].value, out->v[a].value))
                        break;
                if (b < m) {
                    out->v[b].count += out->v[a].count;
                    thp_free(out->v[a].value);
                } else {
                    out->v[m++] = out->v[a];
                }
                if (a >= m)
                    out->v[a].value = NULL;
            }
            k = m;
        }
        qsort(out->v, k, sizeof *out->v, fv_cmp);
        out->nvalues = k;
        out->n = top && top < k ? top : k;
        for (j = out->n; j < k; j++) {
            thp_free(out->v[j].value);
            out->v[j].value = NULL;
        }
    }
    return THP_OK;
}

/* ---- the scan ------------------------------------------------------------ */

struct scan {
    thp_reader *rd;
    const struct thp_request *req;
    const struct thp_plan *plan;
    const struct thp_rank_params *rank;
    int year_now;
    struct heap heap;
    int64_t total;
    int64_t rows;                   /* matches read */
    struct cand *best;              /* each group's best member so far */
    size_t nbest, capbest;          /* (s->seen: group -> index here) */
    size_t bound;                   /* read at most this many (0: all) */
    int prefix_list;                /* a prefix alone (prefix_alone) */
    struct thp_imap seen;               /* groups counted */
    struct facet_count fc[THP_MAX_FACETS];
    size_t nfc;
};

static double sort_key(const struct scan *s, int64_t id, double score)
{
    const struct values *v = s->rd->val;

    switch (s->req->sort) {
    case THP_SORT_DATE:
        return v ? (double)(v->date[id] > 0 ? v->date[id] : 0) : 0;
    case THP_SORT_DATE_ASC:
        return v ? -(double)(v->date[id] > 0 ? v->date[id] : 99999999) : 0;
    case THP_SORT_TITLE:
        return 0; /* titles are compared after the scan */
    }
    return score;
}

/* One matching document: filter, count, keep if among the best. */
static int scan_one(struct scan *s, int64_t id, double score)
{
    const struct values *v = s->rd->val;
    struct cand c;
    int64_t grp = group_of(s->rd, id), one;

    if (v && !passes(v, s->plan, id)) {
        if (has_filters(s->plan) || id > v->maxid || id <= 0 ||
            v->date[id] < 0)
            return THP_OK;
    }
    if (s->rank->recency > 0 && v && id <= v->maxid && v->year[id] > 0) {
        double age = (double)(s->year_now - v->year[id]);

        score *= 1.0 + s->rank->recency *
                           exp2(-(age < 0 ? 0 : age) / s->rank->halflife);
    }
    c.id = id;
    c.grp = grp;
    c.score = score;
    c.key = sort_key(s, id, score);
    /* near-duplicates are one document: count the group once, and its
    ** facets by the member shown, the best (counted after the scan) */
    if (!grouped(s->rd, id, grp)) {
        s->total++;
        if (s->nfc && v && facets_count(s->fc, s->nfc, v, id) != THP_OK)
            return THP_ERR_NOMEM;
    } else if (!thp_imap_get(&s->seen, grp, &one)) {
        struct cand *nb;

        if (s->nbest == s->capbest) {
            size_t cap = s->capbest ? s->capbest * 2 : 16;

            if ((nb = thp_realloc(s->best, cap * sizeof *nb)) == NULL)
                return THP_ERR_NOMEM;
            s->best = nb;
            s->capbest = cap;
        }
        if (thp_imap_put(&s->seen, grp, (int64_t)s->nbest) != THP_OK)
            return THP_ERR_NOMEM;
        s->best[s->nbest++] = c;
        s->total++;
    } else if (better(&c, &s->best[one])) {
        s->best[one] = c;
    }
    return heap_push(&s->heap, &c);
}

/* The facets of each near-duplicate group, by its best member. */
static int facets_groups(struct scan *s)
{
    size_t i;

    for (i = 0; s->nfc && s->rd->val && i < s->nbest; i++)
        if (facets_count(s->fc, s->nfc, s->rd->val, s->best[i].id) != THP_OK)
            return THP_ERR_NOMEM;
    return THP_OK;
}

static int scan_match(struct scan *s, int ranked, struct thp_err *err)
{
    thp_reader *rd = s->rd;
    sqlite3_stmt *st = stmt(rd, s->bound ? SQ_RANK_NEW
                                : ranked ? SQ_RANK : SQ_PLAIN, err);
    char params[512];
    struct thp_rank_params p = *s->rank;
    int step, rc = THP_OK;

    if (st == NULL)
        return THP_ERR_DB;
    /* recency is applied here, from the documents' years */
    p.recency = 0;
    if (thp_rank_format(&p, params, sizeof params) >= sizeof params)
        return thp_err_set(err, THP_ERR_MISUSE, "ranking parameters too long");
    if (ranked) {
        sqlite3_bind_text(st, 1, s->plan->roles.s ? s->plan->roles.s : "",
                          -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, params, -1, SQLITE_TRANSIENT);
        if (s->plan->weights.n)
            sqlite3_bind_text(st, 3, s->plan->weights.s, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 3);
        sqlite3_bind_text(st, 4, s->plan->match.s, -1, SQLITE_STATIC);
        if (s->bound)
            sqlite3_bind_int64(st, 5, (sqlite3_int64)s->bound);
    } else {
        sqlite3_bind_text(st, 1, s->plan->match.s, -1, SQLITE_STATIC);
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW && rc == THP_OK) {
        s->rows++;
        rc = scan_one(s, sqlite3_column_int64(st, 0),
                      ranked || s->bound ? sqlite3_column_double(st, 1)
                                         : 0.0);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != THP_OK)
        return thp_err_set(err, rc, "search: out of memory");
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        return run_error(rd, step, err);
    return THP_OK;
}

/* Filters without words: every document that passes them. */
static int scan_browse(struct scan *s)
{
    const struct values *v = s->rd->val;
    int64_t id;
    int rc = THP_OK;

    for (id = 1; id <= v->maxid && rc == THP_OK; id++)
        if (v->date[id] >= 0 && passes(v, s->plan, id))
            rc = scan_one(s, id, 0.0);
    return rc;
}

static void scan_release(struct scan *s)
{
    size_t i;

    thp_free(s->heap.v);
    thp_imap_clear(&s->seen);
    thp_free(s->best);
    s->best = NULL;
    s->nbest = s->capbest = 0;
    for (i = 0; i < s->nfc; i++)
        thp_imap_clear(&s->fc[i].count);
    memset(&s->heap, 0, sizeof s->heap);
    s->total = 0;
    s->rows = 0;
}

static int sort_by_title(thp_reader *rd, struct cand *v, size_t n,
                         struct thp_err *err);

/* ---- details of a hit ---------------------------------------------------- */

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *v = sqlite3_column_text(st, i);

    if (v == NULL)
        return NULL;
    return thp_strndup((const char *)v, (size_t)sqlite3_column_bytes(st, i));
}

static int collect_urls(sqlite3_stmt *st, char ***v, size_t *n)
{
    int step;

    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        char **nv = thp_realloc(*v, (*n + 1) * sizeof *nv);

        if (nv == NULL)
            break;
        *v = nv;
        if ((nv[*n] = col_dup(st, 0)) == NULL)
            break;
        (*n)++;
    }
    sqlite3_reset(st);
    return step;
}

void thp_hit_release(struct thp_hit *h)
{
    size_t j;

    thp_free(h->title);
    thp_free(h->url);
    thp_free(h->path);
    thp_free(h->kind);
    thp_free(h->date);
    thp_free(h->location);
    thp_free(h->partners);
    thp_free(h->authors);
    thp_free(h->anchor);
    thp_free(h->lang);
    thp_free(h->repairs);
    thp_passages_free(h->passages, h->npassages);
    for (j = 0; j < h->nsources; j++)
        thp_free(h->sources[j]);
    thp_free(h->sources);
    for (j = 0; j < h->nsimilar; j++)
        thp_free(h->similar[j]);
    thp_free(h->similar);
    memset(h, 0, sizeof *h);
}

/* The first THP_PASSAGE_SCAN bytes of a document's body. */
static int read_body(thp_reader *rd, sqlite3_blob **blob, int64_t id,
                     char **out, size_t *n)
{
    sqlite3 *db = thp_index_db(rd->idx);
    int size, rc;

    *out = NULL;
    *n = 0;
    rc = *blob ? sqlite3_blob_reopen(*blob, id)
               : sqlite3_blob_open(db, "main", THP_T_DOCS, "body", id, 0,
                                   blob);
    if (rc != SQLITE_OK)
        return THP_OK; /* no body to show */
    size = sqlite3_blob_bytes(*blob);
    if (size > THP_PASSAGE_SCAN)
        size = THP_PASSAGE_SCAN;
    if ((*out = thp_malloc((size_t)size + 1)) == NULL)
        return THP_ERR_NOMEM;
    if (size > 0 && sqlite3_blob_read(*blob, *out, size, 0) != SQLITE_OK)
        size = 0;
    (*out)[size] = '\0';
    *n = (size_t)size;
    return THP_OK;
}

static int fill_hit(thp_reader *rd, const struct thp_request *req,
                    const thp_terms *terms, sqlite3_blob **blob,
                    const struct cand *c, struct thp_hit *h,
                    struct thp_err *err)
{
    sqlite3_stmt *doc = stmt(rd, SQ_DOC, err);
    sqlite3_stmt *so = stmt(rd, SQ_SOURCES, err);
    sqlite3_stmt *si = stmt(rd, SQ_SIMILAR, err);
    int step;

    memset(h, 0, sizeof *h);
    if (!doc || !so || !si)
        return THP_ERR_DB;
    h->id = c->id;
    h->group = c->grp;
    h->score = c->score;
    sqlite3_bind_int64(doc, 1, c->id);
    step = sqlite3_step(doc);
    if (step == SQLITE_ROW) {
        h->title = col_dup(doc, 0);
        h->url = col_dup(doc, 1);
        h->kind = col_dup(doc, 2);
        h->date = col_dup(doc, 3);
        h->year = sqlite3_column_int(doc, 4);
        h->location = col_dup(doc, 5);
        h->partners = col_dup(doc, 6);
        h->authors = col_dup(doc, 7);
        h->anchor = col_dup(doc, 8);
        h->page = sqlite3_column_int(doc, 9);
        h->repairs = col_dup(doc, 10);
        h->lang = col_dup(doc, 11);
        h->path = col_dup(doc, 12);
    }
    sqlite3_reset(doc);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return run_error(rd, step, err);
    if (!h->title) h->title = thp_strdup("");
    if (!h->url) h->url = thp_strdup("");
    if (!h->path) h->path = thp_strdup(h->url ? h->url : "");
    if (!h->kind) h->kind = thp_strdup("page");
    if (!h->title || !h->url || !h->kind || !h->path)
        return thp_err_set(err, THP_ERR_NOMEM, "search: out of memory");
    if (req->snippets && (req->passages > 0 || req->format == THP_FMT_KWIC)) {
        char *body;
        size_t n;
        int rc = read_body(rd, blob, c->id, &body, &n);

        if (rc == THP_OK && body)
            rc = thp_passages_find(rd->tok, terms, h->lang ? h->lang : "",
                                   body, n, req->passages, 
                                   req->format == THP_FMT_KWIC
                                       ? req->kwic_width : 160,
                                   req->format == THP_FMT_KWIC,
                                   &h->passages, &h->npassages,
                                   &h->nmatches);
        thp_free(body);
        if (rc != THP_OK)
            return thp_err_set(err, rc, "passages: %s", thp_strerror(rc));
    }
    sqlite3_bind_int64(so, 1, c->id);
    step = collect_urls(so, &h->sources, &h->nsources);
    if (step == SQLITE_DONE && grouped(rd, c->id, c->grp)) {
        sqlite3_bind_int64(si, 1, c->id);
        sqlite3_bind_int64(si, 2, c->grp);
        step = collect_urls(si, &h->similar, &h->nsimilar);
    }
    if (step != SQLITE_DONE)
        return step == SQLITE_ROW
                   ? thp_err_set(err, THP_ERR_NOMEM, "search: out of memory")
                   : run_error(rd, step, err);
    return THP_OK;
}

/* ---- did you mean -------------------------------------------------------- */

/* 1 if the stored lists and vocabulary are current (index.h). */
static int stored_current(thp_reader *rd)
{
    char key[600];
    int valid = 0;

    if (rd->toplist < 0) {
        rd->toplist = thp_index_toplist_key(rd->idx, key, sizeof key, &valid,
                                            NULL) == THP_OK && valid;
        if (rd->toplist)
            memcpy(rd->toplist_params, key + 17, strlen(key + 17) + 1);
    }
    return rd->toplist > 0;
}

/* Edit distance of a and b (optimal string alignment), or max + 1 once it
** exceeds max. Bytes, which is close enough for folded words. */
static size_t edit_distance(const char *a, size_t na, const char *b,
                            size_t nb, size_t max)
{
    size_t d[3][THP_TOK_MAXLEN + 2], i, j;

    if (na > THP_TOK_MAXLEN || nb > THP_TOK_MAXLEN)
        return max + 1;
    if ((na > nb ? na - nb : nb - na) > max)
        return max + 1;
    for (j = 0; j <= nb; j++)
        d[0][j] = j;
    for (i = 1; i <= na; i++) {
        size_t *cur = d[i % 3], *prev = d[(i - 1) % 3], *pp = d[(i + 1) % 3];
        size_t best = cur[0] = i;

        for (j = 1; j <= nb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = prev[j - 1] + cost;

            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
    }
    return d[na % 3][nb];
}

struct fold {
    char tok[THP_TOK_MAXLEN + 16];
    size_t n;
};

static int take_first(void *arg, int tflags, const char *tok, int n,
                       int start, int end)
{
    struct fold *f = arg;

    (void)start;
    (void)end;
    if (f->n || tflags || n <= 0 || (size_t)n >= sizeof f->tok)
        return 0;
    memcpy(f->tok, tok, (size_t)n);
    f->n = (size_t)n;
    return 0;
}

/* The most frequent index term within reach of word w (folded), or 0. */
static int closest_term(thp_reader *rd, const struct fold *w, char *out,
                        size_t outlen, struct thp_err *err)
{
    sqlite3_stmt *st = stmt(rd, stored_current(rd) ? SQ_VOCAB_T : SQ_VOCAB,
                            err);
    size_t max = w->n <= 4 ? 1 : 2, best_d = max + 1;
    int64_t best_doc = 0, self = 0;
    char lo[8], hi[8];
    int step;

    if (st == NULL || w->n < 3)
        return 0;
    /* terms sharing the first letter (a typo rarely starts a word) */
    memcpy(lo, w->tok, 1);
    lo[1] = '\0';
    memcpy(hi, lo, 2);
    hi[0]++;
    sqlite3_bind_text(st, 1, lo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, hi, -1, SQLITE_TRANSIENT);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0), d;
        int64_t doc = sqlite3_column_int64(st, 1);

        if (t == NULL || (n == w->n && !memcmp(t, w->tok, n))) {
            self = doc;
            continue;
        }
        d = edit_distance(w->tok, w->n, t, n, max);
        if (d <= max && (d < best_d || (d == best_d && doc > best_doc)) &&
            n < outlen) {
            best_d = d;
            best_doc = doc;
            memcpy(out, t, n);
            out[n] = '\0';
        }
    }
    sqlite3_reset(st);
    /* a word the index knows is not a typo unless a far more frequent
    ** one is that close */
    return best_doc > 0 && best_doc > 10 * self;
}

static int suggest_query(thp_reader *rd, const struct thp_request *req,
                         const struct thp_plan *plan, struct thp_result *res,
                         struct thp_err *err)
{
    struct thp_buf b;
    size_t i, at = 0;
    int changed = 0;

    thp_buf_init(&b, 0);
    for (i = 0; i < plan->nwords; i++) {
        const struct thp_qword *w = &plan->words[i];
        struct fold f = {{0}, 0};
        char best[THP_TOK_MAXLEN + 16];

        /* a word typed with '*' is left as it is; the last word of a
        ** search box query is a prefix too, and a typo when nothing matched */
        if ((w->prefix && !(req->prefix && i + 1 == plan->nwords)) ||
            w->off < at)
            continue;
        thp_tok_run(rd->tok, req->q + w->off, w->len, THP_TOK_QUERY,
                    take_first, &f);
        if (f.n == 0 || !closest_term(rd, &f, best, sizeof best, err))
            continue;
        thp_buf_append(&b, req->q + at, w->off - at);
        thp_buf_puts(&b, best);
        at = w->off + w->len;
        changed = 1;
    }
    if (changed) {
        thp_buf_append(&b, req->q + at, req->qlen - at);
        if (b.rc == THP_OK && b.s)
            res->suggestion = thp_buf_detach(&b);
    }
    thp_buf_release(&b);
    return THP_OK;
}

/* ---- the executor -------------------------------------------------------- */

static int parse_plan(const struct thp_request *req, int flags,
                      struct thp_plan *p, struct thp_err *err)
{
    return thp_qparse_plan(req->q, req->qlen, flags, p, err);
}

int thp_request_check(const struct thp_request *req, struct thp_err *err)
{
    struct thp_plan plan;
    int rc;

    thp_plan_init(&plan);
    rc = parse_plan(req, qflags(req->mode, prefix_ok(req)), &plan, err);
    if (rc == THP_OK)
        rc = add_filters(&plan, req, err);
    thp_plan_release(&plan);
    return rc;
}

void thp_result_release(struct thp_result *res)
{
    size_t i, j;

    for (i = 0; i < res->nhits; i++)
        thp_hit_release(&res->hits[i]);
    thp_free(res->hits);
    for (i = 0; i < res->nfacets; i++) {
        for (j = 0; j < res->facets[i].n; j++)
            thp_free(res->facets[i].v[j].value);
        thp_free(res->facets[i].v);
    }
    thp_free(res->query);
    thp_free(res->match);
    thp_free(res->roles);
    thp_free(res->suggestion);
    memset(res, 0, sizeof *res);
}

/*
** The stored best hits of a frequent word (toplist.h), when they are the
** answer to this request: one bare word as the index folds it, relevance
** order, the default ranking, no filters or facets, within the depth.
** Returns 1 with s's heap and total filled, 0 to run the full pass.
*/
static int from_toplist(thp_reader *rd, const struct thp_request *req,
                        const struct thp_plan *plan,
                        const struct thp_rank_params *rank, struct scan *s,
                        struct thp_err *err)
{
    const struct thp_qword *w = plan->words;
    char params[512], want[160];
    sqlite3_stmt *st;
    const char *blob;
    size_t i, n;
    int found = 0;

    if (plan->nwords != 1 || (w->prefix && !s->prefix_list) || w->exact ||
        w->len > 64 ||
        req->sort != THP_SORT_RELEVANCE || has_filters(plan) ||
        req->facets || plan->weights.n || rank->recency > 0 ||
        rank->fb_docs > 0 || req->all)
        return 0;
    /* the match must be the bare word's, word as the index folds it */
    for (i = 0; i < w->len; i++) {
        char c = req->q[w->off + i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return 0;
    }
    /* a prefix's list is the search box's request for exactly that word
    ** (prefix_alone checked it); a word's, the bare word's match */
    snprintf(want, sizeof want, "(\"\x01%.*s\" OR \"%.*s\")", (int)w->len,
             req->q + w->off, (int)w->len, req->q + w->off);
    if (!s->prefix_list &&
        (plan->match.n != strlen(want) ||
         memcmp(plan->match.s, want, plan->match.n)))
        return 0;
    thp_rank_format(rank, params, sizeof params);
    if (!stored_current(rd) || strcmp(params, rd->toplist_params))
        return 0;
    if ((st = stmt(rd, SQ_TOPLIST, err)) == NULL)
        return 0;
    snprintf(want, sizeof want, "%.*s%s", (int)w->len, req->q + w->off,
             s->prefix_list ? "*" : "");
    sqlite3_bind_text(st, 1, want, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        int64_t total = sqlite3_column_int64(st, 0);

        blob = sqlite3_column_blob(st, 1);
        n = (size_t)sqlite3_column_bytes(st, 1) / 16;
        /* the list holds the page, or every hit there is */
        if (req->offset + req->limit <= n || (int64_t)n >= total) {
            s->heap.cap = 0;
            found = 1;
            for (i = 0; i < n && found; i++) {
                struct cand c;
                double sc;

                memcpy(&c.id, blob + 16 * i, 8);
                memcpy(&sc, blob + 16 * i + 8, 8);
                c.grp = group_of(rd, c.id);
                c.score = c.key = sc;
                if (heap_push(&s->heap, &c) != THP_OK)
                    found = 0;
            }
            s->total = total;
        }
    }
    sqlite3_reset(st);
    if (!found)
        scan_release(s);
    return found;
}

static int run_scan(struct scan *s, size_t cap, struct thp_err *err)
{
    const struct thp_request *req = s->req;
    int ranked = req->sort == THP_SORT_RELEVANCE || req->all ||
                 req->sort == THP_SORT_TITLE;
    int rc;

    scan_release(s);
    s->heap.cap = cap;
    if (s->plan->match.n == 0)
        rc = scan_browse(s) == THP_OK
                 ? THP_OK
                 : thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    else
        rc = scan_match(s, ranked, err);
    if (rc == THP_OK && facets_groups(s) != THP_OK)
        rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    return rc;
}

/*
** Whether the request is one prefix of THP_TOPLIST_PREFIX_MIN..MAX
** letters, alone: the search box's word being typed, or a word written
** with its star (publ*) in any mode. Both compile to the same match
** ("publ"*), so a prefix's stored list (toplist.h) answers either, if
** from_toplist finds one that fits.
*/
static int prefix_alone(const struct thp_request *req,
                        const struct thp_plan *plan)
{
    const struct thp_qword *w = plan->words;
    size_t lead = 0, tail = req->qlen;

    if (plan->nwords != 1 || !w->prefix || w->exact || w->field ||
        w->len < THP_TOPLIST_PREFIX_MIN || w->len > THP_TOPLIST_PREFIX_MAX)
        return 0;
    while (lead < req->qlen && req->q[lead] == ' ')
        lead++;
    while (tail > lead && req->q[tail - 1] == ' ')
        tail--;
    if (lead != w->off)
        return 0;
    if (prefix_ok(req))
        return tail - lead == w->len;
    return tail - lead == w->len + 1 && req->q[tail - 1] == '*';
}

/*
** As you type, the word being typed stands for its most frequent
** completions (THP_BOX_WORDS of them, from the stored vocabulary) rather
** than for every word it begins: FTS5 merges the postings of every word
** of a prefix before it returns one row, which costs as much as the
** longest search, while an OR of whole words is read lazily. On success
** *out holds the query with the word replaced, and the plan is rebuilt.
** 0: not applicable (nothing changed).
*/
#define THP_BOX_WORDS 8

static int box_completions(thp_reader *rd, const struct thp_request *req,
                           struct thp_plan *plan, struct thp_buf *out,
                           struct thp_err *err)
{
    const struct thp_qword *w;
    struct fold f = {{0}, 0};
    struct thp_plan np;
    sqlite3_stmt *st;
    char hi[sizeof f.tok + 1];
    size_t n = 0, end;
    int step;

    if (plan->nwords == 0 || !stored_current(rd))
        return 0;
    w = &plan->words[plan->nwords - 1];
    if (!w->prefix || w->exact || w->field)
        return 0;
    thp_tok_run(rd->tok, req->q + w->off, w->len, THP_TOK_QUERY, take_first,
                &f);
    if (f.n == 0 || f.n >= sizeof f.tok - 1 ||
        (st = stmt(rd, SQ_TERMS_T, err)) == NULL)
        return 0;
    memcpy(hi, f.tok, f.n);
    hi[f.n] = '\xff';
    sqlite3_bind_text(st, 1, f.tok, (int)f.n, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, hi, (int)f.n + 1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, THP_BOX_WORDS);
    thp_buf_reset(out);
    thp_buf_append(out, req->q, w->off);
    thp_buf_putc(out, '(');
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);

        if (t == NULL || strchr(t, '"'))
            continue;
        thp_buf_printf(out, "%s\"%s\"", n ? " OR " : "", t);
        n++;
    }
    sqlite3_reset(st);
    if (n == 0)
        return 0;
    thp_buf_putc(out, ')');
    end = w->off + w->len;
    while (end < req->qlen && req->q[end] == '*')
        end++;
    thp_buf_append(out, req->q + end, req->qlen - end);
    if (out->rc != THP_OK || out->n > THP_REQUEST_MAX_Q)
        return 0;
    thp_plan_init(&np);
    if (thp_qparse_plan(out->s, out->n, qflags(req->mode, 0), &np, err) !=
        THP_OK) {
        thp_plan_release(&np);
        return 0;
    }
    add_filters(&np, req, err);
    thp_plan_release(plan);
    *plan = np;
    return 1;
}

int thp_exec(thp_reader *rd, const struct thp_request *req,
             struct thp_result *res, thp_hit_fn each, void *arg,
             struct thp_err *err)
{
    struct thp_plan plan;
    struct thp_rank_params rank = req->rank;
    struct scan s;
    struct thp_hit one;
    struct thp_buf boxq;
    const char *plan_q = req->q;
    thp_terms *terms = NULL;
    sqlite3_blob *blob = NULL;
    size_t want, cap, i, k, shown;
    int64_t gen = 0;
    double t0 = now_ms();
    int rc, stream = each != NULL, listed = 0;

    memset(res, 0, sizeof *res);
    memset(&s, 0, sizeof s);
    thp_plan_init(&plan);
    thp_buf_init(&boxq, 0);
    rd->timed_out = 0;
    rd->cancelled = 0;
    rd->next_ask = t0; /* asked at the first progress call, then every 5 ms */
    rd->deadline = rd->budget_ms ? t0 + rd->budget_ms : 0;
    if ((rc = thp_reader_refresh(rd, &gen, err)) != THP_OK)
        return rc;
    res->generation = gen;
    res->mode = req->mode;
    res->limit = req->limit;
    res->offset = req->offset;
    res->all = req->all;
    if ((res->query = thp_strndup(req->q, req->qlen)) == NULL)
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    if (req->recent && rank.recency == 0)
        rank.recency = 1.0;
    if (req->expand && rank.fb_docs == 0)
        rank.fb_docs = THP_RANK_FB_DOCS;
    rc = parse_plan(req, qflags(req->mode, prefix_ok(req)), &plan, err);
    if (rc == THP_OK)
        rc = add_filters(&plan, req, err);
    if (rc != THP_OK)
        goto out;
    if (plan.match.n == 0 && !has_filters(&plan))
        goto done; /* nothing to search for: no hits */
    if (!rd->groups_loaded && (rc = load_groups(rd, err)) != THP_OK)
        goto out;
    if (!rd->langs_set)
        set_query_langs(rd);
    if (rd->val == NULL &&
        (has_filters(&plan) || req->facets || rank.recency > 0 ||
         req->sort == THP_SORT_DATE || req->sort == THP_SORT_DATE_ASC ||
         plan.match.n == 0) &&
        (rc = load_values(rd, err)) != THP_OK)
        goto out;
    if (rank.fb_docs > 0 && plan.match.n > 0) {
        char params[512];

        thp_rank_format(&rank, params, sizeof params);
        rc = thp_expand(thp_index_db(rd->idx), &rank, params, &plan.match,
                        &plan.roles, &plan.weights, err);
        if (rc != THP_OK && (rd->timed_out || rd->cancelled)) {
            /* the budget ran out while expanding: say so, not "index" */
            thp_err_clear(err);
            rc = run_error(rd, rc, err);
        }
        if (rc != THP_OK)
            goto out;
    }
    s.rd = rd;
    s.req = req;
    s.plan = &plan;
    s.rank = &rank;
    if (rank.now > 0) {
        s.year_now = rank.now;
    } else {
        time_t now = time(NULL);
        struct tm tm;

        s.year_now = gmtime_r(&now, &tm) ? tm.tm_year + 1900 : 1970;
    }
    for (i = 0; i < sizeof facet_names / sizeof *facet_names; i++)
        if (req->facets & facet_names[i].bit) {
            s.fc[s.nfc].bit = facet_names[i].bit;
            s.fc[s.nfc].name = facet_names[i].name;
            s.nfc++;
        }
    /* a prefix alone (the box's word, or publ*) may have a stored list */
    s.prefix_list = prefix_alone(req, &plan);
    /* as you type, the newest THP_BOX_SCAN matches are ranked: the cost
    ** of a keystroke is bounded, the total then "at least" */
    if (req->mode == THP_MODE_SIMPLE && req->prefix && !req->facets &&
        !req->count_exact && !req->all && req->sort == THP_SORT_RELEVANCE &&
        req->offset + req->limit <= THP_BOX_SCAN / 4) {
        s.bound = THP_BOX_SCAN;
        /* a listed prefix: its full ranking, stored, exact, no bound */
        if (s.prefix_list && from_toplist(rd, req, &plan, &rank, &s, err)) {
            listed = 1;
            s.bound = 0;
        } else {
            s.prefix_list = 0;
            if (box_completions(rd, req, &plan, &boxq, err))
                plan_q = boxq.s;
        }
    }
    want = req->all ? 0 : req->offset + req->limit;
    cap = req->all || req->sort == THP_SORT_TITLE ? 0 : want * 2 + 16;
    for (;;) {
        if (listed || from_toplist(rd, req, &plan, &rank, &s, err)) {
            res->total = s.total;
            break;
        }
        if ((rc = run_scan(&s, cap, err)) != THP_OK)
            goto out;
        /* simple mode: nothing has every word, so show any word's */
        if (s.total == 0 && req->mode == THP_MODE_SIMPLE && !res->relaxed &&
            plan.nwords > 1) {
            struct thp_plan any;

            thp_plan_init(&any);
            if (parse_plan(req, qflags(THP_MODE_ANY, prefix_ok(req)), &any,
                           err) != THP_OK) {
                thp_plan_release(&any);
                rc = err->rc;
                goto out;
            }
            add_filters(&any, req, err);
            thp_plan_release(&plan);
            plan = any;
            res->relaxed = 1;
            s.prefix_list = 0;
            continue;
        }
        /* distinct groups among the candidates: enough for the page? */
        if (s.heap.n > 1)
            qsort(s.heap.v, s.heap.n, sizeof *s.heap.v, cand_cmp);
        if (req->sort == THP_SORT_TITLE &&
            (rc = sort_by_title(rd, s.heap.v, s.heap.n, err)) !=
                THP_OK)
            goto out;
        thp_imap_clear(&s.seen);
        for (i = k = 0; i < s.heap.n; i++) {
            const struct cand *c = &s.heap.v[i];

            if (grouped(rd, c->id, c->grp)) {
                if (thp_imap_get(&s.seen, c->grp, &gen))
                    continue;
                if (thp_imap_put(&s.seen, c->grp, 1) != THP_OK) {
                    rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
                    goto out;
                }
            }
            s.heap.v[k++] = *c;
        }
        s.heap.n = k;
        if (k >= want || s.heap.dropped == 0 || cap == 0)
            break;
        cap *= 4;
    }
    res->total = s.total;
    res->total_exact = !(s.bound && s.rows >= (int64_t)s.bound);
    if ((rc = facets_result(s.fc, s.nfc, rd->val, req->facet_top, res)) !=
        THP_OK) {
        rc = thp_err_set(err, rc, "out of memory");
        goto out;
    }
    if ((res->match = thp_strndup(plan.match.s ? plan.match.s : "",
                                  plan.match.n)) == NULL ||
        (res->roles = thp_strndup(plan.roles.s ? plan.roles.s : "",
                                  plan.roles.n)) == NULL) {
        rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (req->snippets &&
        (rc = thp_terms_new(rd->tok, plan_q, &plan, &terms)) != THP_OK) {
        rc = thp_err_set(err, rc, "out of memory");
        goto out;
    }
    shown = req->offset < s.heap.n ? s.heap.n - req->offset : 0;
    if (!req->all && shown > req->limit)
        shown = req->limit;
    if (!stream && shown &&
        (res->hits = thp_calloc(shown, sizeof *res->hits)) == NULL) {
        rc = thp_err_set(err, THP_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (i = 0; i < shown; i++) {
        struct thp_hit *h = stream ? &one : &res->hits[res->nhits];

        rc = fill_hit(rd, req, terms, &blob, &s.heap.v[req->offset + i], h,
                      err);
        if (rc == THP_OK && stream) {
            rc = each(arg, res, h, req->offset + i);
            thp_hit_release(h);
        } else if (!stream) {
            res->nhits++;
        }
        if (rc != THP_OK)
            goto out;
    }
done:
    if ((s.total == 0 || res->relaxed) && plan.nwords > 0 &&
        plan_q == req->q &&
        (rc = suggest_query(rd, req, &plan, res, err)) != THP_OK)
        goto out;
    rc = THP_OK;
    res->took_ms = now_ms() - t0;
out:
    if (blob)
        sqlite3_blob_close(blob);
    thp_terms_free(terms);
    scan_release(&s);
    thp_plan_release(&plan);
    thp_buf_release(&boxq);
    rd->deadline = 0;
    if (rc != THP_OK)
        thp_result_release(res);
    return rc;
}

/* ---- title order --------------------------------------------------------- */

struct titled {
    struct cand c;
    char *title;
};

static int titled_cmp(const void *x, const void *y)
{
    const struct titled *a = x, *b = y;
    int d = strcasecmp(a->title, b->title);

    return d ? d : (a->c.id < b->c.id ? -1 : a->c.id > b->c.id);
}

/* Sort v[0..n) by title (case aside), then id. */
static int sort_by_title(thp_reader *rd, struct cand *v, size_t n,
                         struct thp_err *err)
{
    sqlite3_stmt *st = stmt(rd, SQ_TITLE, err);
    struct titled *t;
    size_t i;

    if (st == NULL)
        return THP_ERR_DB;
    if (n == 0)
        return THP_OK;
    if ((t = thp_calloc(n, sizeof *t)) == NULL)
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        t[i].c = v[i];
        sqlite3_bind_int64(st, 1, v[i].id);
        if (sqlite3_step(st) == SQLITE_ROW)
            t[i].title = col_dup(st, 0);
        sqlite3_reset(st);
        if (t[i].title == NULL)
            t[i].title = thp_strdup("");
        if (t[i].title == NULL) {
            while (i-- > 0)
                thp_free(t[i].title);
            thp_free(t);
            return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
        }
    }
    if (n > 1)
        qsort(t, n, sizeof *t, titled_cmp);
    for (i = 0; i < n; i++) {
        v[i] = t[i].c;
        thp_free(t[i].title);
    }
    thp_free(t);
    return THP_OK;
}

/* ---- completions --------------------------------------------------------- */

int thp_suggest(thp_reader *rd, const char *q, size_t n, size_t limit,
                char ***out, size_t *nout, struct thp_err *err)
{
    struct thp_plan plan;
    sqlite3_stmt *st;
    char **v = NULL;
    size_t nv = 0, i;
    int rc, step;

    *out = NULL;
    *nout = 0;
    if (limit == 0 || n == 0)
        return THP_OK;
    rd->cancelled = 0;
    rd->next_ask = now_ms() + CANCEL_EVERY_MS;
    if ((rc = thp_reader_refresh(rd, NULL, err)) != THP_OK)
        return rc;
    thp_plan_init(&plan);
    rc = thp_qparse_plan(q, n, THP_QP_LENIENT | THP_QP_PREFIX_LAST, &plan,
                         err);
    if (rc != THP_OK || plan.match.n == 0) {
        thp_plan_release(&plan);
        return rc;
    }
    /* titles holding the words so far, the last as a prefix */
    if ((st = stmt(rd, SQ_TITLES, err)) == NULL) {
        thp_plan_release(&plan);
        return THP_ERR_DB;
    }
    {
        struct thp_buf m;

        thp_buf_init(&m, 0);
        thp_buf_puts(&m, "title : (");
        thp_buf_append(&m, plan.match.s, plan.match.n);
        thp_buf_putc(&m, ')');
        sqlite3_bind_text(st, 1, m.s ? m.s : "", -1, SQLITE_TRANSIENT);
        thp_buf_release(&m);
    }
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit * 4);
    /* titles fill half the list at most; completions of the word the rest */
    while ((step = sqlite3_step(st)) == SQLITE_ROW &&
           nv < (limit + 1) / 2) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        char **nvv;

        /* FTS5 shows titles with their language tag (tok.h) */
        if (t)
            t += thp_tok_tag_len(t, strlen(t));

        for (i = 0; t && i < nv; i++)
            if (!strcmp(v[i], t))
                break;
        if (t == NULL || i < nv)
            continue;
        if ((nvv = thp_realloc(v, (nv + 1) * sizeof *v)) == NULL)
            break;
        v = nvv;
        if ((v[nv] = thp_strdup(t)) == NULL)
            break;
        nv++;
    }
    sqlite3_reset(st);
    /* then frequent index terms that start with the last word */
    if (plan.nwords && plan.words[plan.nwords - 1].prefix &&
        (step == SQLITE_DONE || step == SQLITE_ROW) && nv < limit &&
        (st = stmt(rd, stored_current(rd) ? SQ_TERMS_T : SQ_TERMS, err)) !=
            NULL) {
        const struct thp_qword *w = &plan.words[plan.nwords - 1];
        struct fold f = {{0}, 0};

        thp_tok_run(rd->tok, q + w->off, w->len, THP_TOK_QUERY, take_first,
                    &f);
        if (f.n > 0 && f.n < sizeof f.tok - 1) {
            char hi[sizeof f.tok];

            memcpy(hi, f.tok, f.n);
            hi[f.n] = '\xff';
            sqlite3_bind_text(st, 1, f.tok, (int)f.n, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, hi, (int)f.n + 1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, 3, (sqlite3_int64)(limit - nv) * 2);
            while ((step = sqlite3_step(st)) == SQLITE_ROW && nv < limit) {
                const char *t = (const char *)sqlite3_column_text(st, 0);
                struct thp_buf line;
                char **nvv;

                if (t == NULL || t[0] == '~')
                    continue;
                /* the words before the last, then the completion */
                thp_buf_init(&line, 0);
                thp_buf_append(&line, q, w->off);
                thp_buf_puts(&line, t);
                for (i = 0; line.s && i < nv; i++)
                    if (!strcmp(v[i], line.s))
                        break;
                if (line.s && i < nv) {
                    thp_buf_release(&line);
                    continue;
                }
                if (line.rc != THP_OK || line.s == NULL ||
                    (nvv = thp_realloc(v, (nv + 1) * sizeof *v)) == NULL) {
                    thp_buf_release(&line);
                    break;
                }
                v = nvv;
                v[nv++] = thp_buf_detach(&line);
            }
            sqlite3_reset(st);
        }
    }
    thp_plan_release(&plan);
    if (step != SQLITE_DONE && step != SQLITE_ROW) {
        for (i = 0; i < nv; i++)
            thp_free(v[i]);
        thp_free(v);
        return run_error(rd, step, err);
    }
    *out = v;
    *nout = nv;
    return THP_OK;
}
