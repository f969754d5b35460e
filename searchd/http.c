/*
** http.c: routes of thp-searchd on libmicrohttpd.
**
**   GET /search?q=&...    a result page; parameters are the request
**                         table's (lib/request.c), format= any of the
**                         renderer's forms (JSON by default)
**   GET /suggest?q=       completions of the words typed so far
**   GET /health           {"status","documents","generation","index_mtime"}
**   GET /metrics          Prometheus text format
**   GET /doc/ID           one document as HTML
**   GET /?q=...           the results page as HTML (no script needed)
**   GET / and /NAME.{html,js,css,...}   the search box (web/)
**   OPTIONS *             CORS preflight (--cors-origin)
**
** Searches (/search, /?q=, /suggest, /doc/ID) run in query slots: at
** most --threads at once, each slot with its own reader (exec.h) on the
** index, opened at start. libmicrohttpd's pool has one thread more than
** there are slots, so /health, /metrics, static files and 304s are
** answered while every slot is busy. A search that finds no free slot
** parks its connection (suspended) in a first-come queue and is handed
** the next slot freed; beyond --max-queue parked searches it gets a 503.
** While a search runs, its reader asks every few milliseconds whether
** the client closed its connection, and stops the search if so.
**
** Every search first asks its slot's reader whether the index changed
** (another process committed, a new file was renamed over the path, or
** SIGHUP asked for a reopen; a reopen that fails keeps the index open
** before, so a deleted file is answered from by every slot alike). The daemon's generation is one number for all
** workers: the content of an index (its FTS structure fingerprint,
** document count and creation time) is mapped to a number the first
** time any worker sees it, so two workers answering from the same index
** report the same generation and a newer index a larger one.
**
** A bad query or parameter is a 400 with {"error","position"}; an index
** that cannot be read, a full server or a query over its time budget is
** a 503; nothing a client sends can produce a 500. Counters for
** /metrics are atomics: no lock on the query path.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sqlite3.h>
#define ZLIB_CONST /* next_in is const: no cast away */
#include <zlib.h>

#include "http.h"
#include "thp/json.h"
#include "thp/mem.h"
#include "thp/exec.h"
#include "thp/query.h"
#include "thp/render.h"
#include "thp/request.h"

#define JSON_TYPE "application/json; charset=utf-8"
#define HTML_TYPE "text/html; charset=utf-8"
#define CSP_HTML "default-src 'self'; base-uri 'none'; form-action 'self'; " \
                 "frame-ancestors 'self'"
#define GZIP_MIN 1024
#define STATIC_MAX (4u << 20)
#define ALLOW "GET, HEAD, OPTIONS"
#define DOC_MAX (4u << 20)       /* text shown by /doc/ID */

/* ---- metrics ------------------------------------------------------------ */

enum route { R_SEARCH, R_SUGGEST, R_HEALTH, R_METRICS, R_DOC, R_STATIC,
             R_OPTIONS, R_OTHER, R__N };
static const char *const route_name[R__N] = {
    "search", "suggest", "health", "metrics", "doc", "static", "options",
    "other"};

static const unsigned status_code[] = {200, 204, 304, 400, 404, 405, 414,
                                       503, 0};
#define S__N (sizeof status_code / sizeof *status_code)

/* latency buckets, seconds */
static const double bucket_le[] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                   0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define B__N (sizeof bucket_le / sizeof *bucket_le)

struct metrics {
    atomic_ullong requests[R__N][S__N];
    atomic_ullong bucket[R__N][B__N + 1]; /* last: +Inf */
    atomic_ullong sum_us[R__N];
    atomic_ullong query_errors, query_timeouts, not_modified, gzipped;
    atomic_ullong rejected_full, reopens;
    atomic_ullong parked, rejected_queue, cancelled;
    atomic_llong open_conns, in_flight;
    atomic_llong generation, documents;
    atomic_llong index_mtime;
};

/* A query slot: one reader, used by one request at a time. */
struct qslot {
    thp_reader *rd;
    int64_t local_gen;          /* the reader's own generation last seen */
    int64_t gen;                /* the daemon's generation it maps to */
    unsigned epoch;             /* SIGHUP epoch it was opened in */
};

struct req_ctx;

#define GEN_KEEP 64
struct gen_entry {
    char token[96];
    int64_t gen;
};

/* Connections per client address, counted in slots by a hash of the
** address: beyond --max-per-ip a request gets a 503 saying so; beyond
** PER_IP_SLACK more, libmicrohttpd refuses the connection outright. Two
** addresses sharing a slot share its count (rare with 4096 slots). */
#define PER_IP_SLOTS 4096
#define PER_IP_SLACK 16

struct searchd {
    struct searchd_conf conf;
    struct MHD_Daemon *mhd[SEARCHD_MAX_LISTEN];
    unsigned nmhd;
    char web_real[PATH_MAX];    /* realpath of conf.web_dir */
    pthread_mutex_t lock;       /* guards gens */
    struct gen_entry gens[GEN_KEEP];
    unsigned ngens;
    int64_t last_gen;
    pthread_mutex_t qlock;      /* guards the slots' free list and queue */
    struct qslot *qs;           /* conf.threads query slots */
    struct qslot **qfree;       /* the free ones, a stack */
    unsigned nfree;
    struct req_ctx *qhead, *qtail; /* parked searches, first come first */
    unsigned nparked;
    int stopping;               /* no more parking: searchd_stop began */
    atomic_int aborting;        /* searches still running are stopped */
    pthread_mutex_t hlock;      /* guards the /health slot */
    struct qslot health;        /* /health's own reader */
    atomic_uint epoch;          /* bumped by SIGHUP */
    atomic_uint per_ip[PER_IP_SLOTS]; /* open connections by address hash */
    unsigned long long boot;    /* start time, part of every ETag */
    struct metrics m;
};

/* What one request carries from start to its completion. */
struct req_ctx {
    char *uri;                  /* the request target as received */
    double t0;
    int started;                /* on_request has been called */
    int counted;                /* counted in m.in_flight */
    int route;
    unsigned status;
    long long hits;             /* -1: not a search */
    size_t qlen;
    int html;                   /* the results page: errors as HTML */
    char method[8];
    struct searchd *sd;
    struct MHD_Connection *c;
    struct qslot *slot;         /* held while searching (or handed over) */
    int parked;                 /* suspended, waiting for a slot */
    int shed;                   /* woken without a slot: shutting down */
    int checked;                /* search_precheck done */
    struct req_ctx *qnext;
};

/* The per-address slot of connection c (1-based), 0 if it has none. */
static uintptr_t ip_slot(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    const unsigned char *p;
    size_t n, i;
    uint32_t h = 2166136261u;

    if (sa == NULL)
        return 0;
    if (sa->sa_family == AF_INET) {
        p = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
        n = 4;
    } else if (sa->sa_family == AF_INET6) {
        p = (const unsigned char *)
            &((const struct sockaddr_in6 *)sa)->sin6_addr;
        n = 16;
    } else
        return 0;
    for (i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return (uintptr_t)(h % PER_IP_SLOTS) + 1;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;

    while (n--) {
        h ^= *s++;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* ---- the index generation -------------------------------------------- */

/* The content token of the index rd reads, or "" if it cannot be read. */
static void index_token(thp_reader *rd, char *tok, size_t len, int64_t *docs)
{
    thp_index *idx = thp_reader_index(rd);
    struct thp_err err;
    sqlite3_stmt *st = NULL;
    char fp[17] = "";
    const char *created = "";
    int64_t n = 0;

    thp_err_clear(&err);
    if (thp_index_fingerprint(idx, fp, &err) != THP_OK)
        fp[0] = '\0';
    if (thp_index_count(idx, &n, &err) != THP_OK)
        n = -1;
    if (sqlite3_prepare_v2(thp_index_db(idx), "SELECT value FROM meta "
                           "WHERE key = 'created_at'", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        created = (const char *)sqlite3_column_text(st, 0);
    snprintf(tok, len, "%s:%lld:%.40s", fp, (long long)n, created);
    sqlite3_finalize(st);
    *docs = n;
}

/* Map the token of what this slot's reader now reads to a generation. */
static void slot_generation(struct searchd *sd, struct qslot *slot)
{
    char tok[96];
    int64_t docs = 0, gen = 0;
    struct stat sb;
    unsigned i;

    index_token(slot->rd, tok, sizeof tok, &docs);
    pthread_mutex_lock(&sd->lock);
    for (i = 0; i < sd->ngens && i < GEN_KEEP; i++)
        if (!strcmp(sd->gens[i].token, tok)) {
            gen = sd->gens[i].gen;
            break;
        }
    if (gen == 0) {
        struct gen_entry *e = &sd->gens[sd->ngens++ % GEN_KEEP];

        gen = ++sd->last_gen;
        snprintf(e->token, sizeof e->token, "%s", tok);
        e->gen = gen;
    }
    pthread_mutex_unlock(&sd->lock);
    slot->gen = gen;
    /* the gauges follow the newest generation any worker has seen */
    if (gen >= atomic_load(&sd->m.generation)) {
        atomic_store(&sd->m.generation, gen);
        atomic_store(&sd->m.documents, docs);
        if (stat(sd->conf.index_path, &sb) == 0)
            atomic_store(&sd->m.index_mtime, (long long)sb.st_mtime);
    }
}

/* Has the client of c closed its connection? */
static int client_gone(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct pollfd p;

    if (ci == NULL)
        return 0;
    p.fd = ci->connect_fd;
    p.events = POLLRDHUP;
    p.revents = 0;
    return poll(&p, 1, 0) > 0 &&
           (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

/* The reader's cancel function: stop the search of ctx (its client went
** away, or the daemon is stopping and its drain time is over). */
static int search_cancel(void *arg)
{
    struct req_ctx *ctx = arg;

    return atomic_load(&ctx->sd->aborting) || client_gone(ctx->c);
}

/* Open slot's reader, or (after SIGHUP) open it again: a reopen that
** fails keeps the reader it had, which still reads the index it opened. */
static int slot_open(struct searchd *sd, struct qslot *slot,
                     struct thp_err *err)
{
    unsigned epoch = atomic_load(&sd->epoch);
    thp_reader *rd = NULL;

    if (slot->rd && slot->epoch == epoch)
        return THP_OK;
    if (thp_reader_open(sd->conf.index_path, &rd, err) != THP_OK) {
        if (slot->rd == NULL)
            return err->rc;
        fprintf(stderr, "thp-searchd: reopening the index: %s; answering "
                "from the one open before\n", err->msg);
        thp_err_clear(err);
        slot->epoch = epoch;
        return THP_OK;
    }
    if (slot->rd) {
        thp_reader_close(slot->rd);
        atomic_fetch_add(&sd->m.reopens, 1);
    }
    slot->rd = rd;
    slot->epoch = epoch;
    slot->local_gen = -1;
    thp_reader_budget(rd, sd->conf.budget_ms);
    /* /health reads a count and a few meta rows: no search-sized cache */
    if (slot == &sd->health)
        sqlite3_exec(thp_index_db(thp_reader_index(rd)),
                     "PRAGMA cache_size=-2048", NULL, NULL, NULL);
    return THP_OK;
}

/*
** The reader of slot, brought up to date with the index file; *gen is
** the daemon's generation it answers from. While ctx's request (if
** any) runs on it, the reader stops if the client goes away.
*/
static thp_reader *fresh_reader(struct searchd *sd, struct qslot *slot,
                                struct req_ctx *ctx, int64_t *gen,
                                struct thp_err *err)
{
    int64_t local = 0;

    if (slot_open(sd, slot, err) != THP_OK)
        return NULL;
    if (thp_reader_refresh(slot->rd, &local, err) != THP_OK)
        return NULL;
    if (local != slot->local_gen) {
        slot->local_gen = local;
        slot_generation(sd, slot);
    }
    thp_reader_cancel(slot->rd, ctx ? search_cancel : NULL, ctx);
    *gen = slot->gen;
    return slot->rd;
}

/* After thp_exec: the generation it answered from (it refreshes too). */
static int64_t answered_generation(struct searchd *sd, struct qslot *slot,
                                   int64_t local)
{
    if (local != slot->local_gen) {
        slot->local_gen = local;
        slot_generation(sd, slot);
    }
    return slot->gen;
}

/* ---- query slots -------------------------------------------------------- */

enum { SLOT_HELD, SLOT_PARKED, SLOT_FULL, SLOT_STOPPING };

/*
** A slot for ctx's search: one handed over while it was parked, a free
** one, or none yet: then c is suspended and parked (SLOT_PARKED) unless
** the queue is full (SLOT_FULL) or the daemon is stopping.
*/
static int slot_take(struct searchd *sd, struct MHD_Connection *c,
                     struct req_ctx *ctx)
{
    int r = SLOT_HELD;

    if (ctx->slot)
        return SLOT_HELD;
    if (ctx->shed)
        return SLOT_STOPPING;
    pthread_mutex_lock(&sd->qlock);
    if (sd->nfree > 0) {
        ctx->slot = sd->qfree[--sd->nfree];
    } else if (sd->stopping) {
        r = SLOT_STOPPING;
    } else if (sd->nparked >= sd->conf.max_queue) {
        r = SLOT_FULL;
    } else {
        ctx->parked = 1;
        ctx->qnext = NULL;
        if (sd->qtail)
            sd->qtail->qnext = ctx;
        else
            sd->qhead = ctx;
        sd->qtail = ctx;
        sd->nparked++;
        atomic_fetch_add(&sd->m.parked, 1);
        /* under qlock: slot_give cannot resume c before it is suspended */
        MHD_suspend_connection(c);
        r = SLOT_PARKED;
    }
    pthread_mutex_unlock(&sd->qlock);
    return r;
}

/* A slot no longer used: hand it to the first parked search, or free
** it; slot_give: ctx is done with its slot. */
static void slot_release(struct searchd *sd, struct qslot *slot)
{
    struct req_ctx *w;

    pthread_mutex_lock(&sd->qlock);
    if ((w = sd->qhead) != NULL) {
        sd->qhead = w->qnext;
        if (sd->qhead == NULL)
            sd->qtail = NULL;
        sd->nparked--;
        w->parked = 0;
        w->slot = slot;
        MHD_resume_connection(w->c);
    } else {
        sd->qfree[sd->nfree++] = slot;
    }
    pthread_mutex_unlock(&sd->qlock);
}

static void slot_give(struct searchd *sd, struct req_ctx *ctx)
{
    struct qslot *slot = ctx->slot;

    if (slot == NULL)
        return;
    ctx->slot = NULL;
    if (slot->rd)
        thp_reader_cancel(slot->rd, NULL, NULL);
    slot_release(sd, slot);
}

/* Is a slot free now? (A hint: it may be taken before it is asked for.) */
static int slot_free(struct searchd *sd)
{
    unsigned n;

    pthread_mutex_lock(&sd->qlock);
    n = sd->nfree;
    pthread_mutex_unlock(&sd->qlock);
    return n > 0;
}

/* Stopping: wake every parked search without a slot (it answers 503). */
static void slots_shed(struct searchd *sd)
{
    struct req_ctx *w;

    pthread_mutex_lock(&sd->qlock);
    sd->stopping = 1;
    while ((w = sd->qhead) != NULL) {
        sd->qhead = w->qnext;
        sd->nparked--;
        w->parked = 0;
        w->shed = 1;
        MHD_resume_connection(w->c);
    }
    sd->qtail = NULL;
    pthread_mutex_unlock(&sd->qlock);
}

/* ---- responses ------------------------------------------------------- */

static int accepts_gzip(struct MHD_Connection *c)
{
    const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_ACCEPT_ENCODING);
    const char *p;

    if (ae == NULL || (p = strstr(ae, "gzip")) == NULL)
        return 0;
    p += 4;
    while (*p == ' ')
        p++;
    if (*p == ';') {   /* gzip;q=0 refuses it */
        const char *q = strstr(p, "q=");

        if (q && strtod(q + 2, NULL) <= 0)
            return 0;
    }
    return 1;
}

static int wants_html(struct MHD_Connection *c)
{
    const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_ACCEPT);

    return a && strstr(a, "text/html") != NULL;
}

/* body[0..*n) gzipped into a new buffer, or NULL (then send it plain). */
static char *gzip_body(const char *body, size_t *n)
{
    z_stream z;
    size_t cap = compressBound((uLong)*n) + 32;
    char *out = thp_malloc(cap);

    if (out == NULL)
        return NULL;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        thp_free(out);
        return NULL;
    }
    z.next_in = (const Bytef *)body;
    z.avail_in = (uInt)*n;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END || z.total_out >= *n) {
        deflateEnd(&z);
        thp_free(out);
        return NULL;
    }
    *n = z.total_out;
    deflateEnd(&z);
    return out;
}

/* CORS: the allowed origin of this request, or NULL. */
static const char *cors_origin(struct searchd *sd, struct MHD_Connection *c)
{
    const char *o = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    unsigned i;

    if (o == NULL)
        return NULL;
    for (i = 0; i < sd->conf.norigins; i++) {
        if (!strcmp(sd->conf.origins[i], "*"))
            return "*";
        if (!strcmp(sd->conf.origins[i], o))
            return o;
    }
    return NULL;
}

struct out {
    unsigned status;
    const char *type;
    const char *cache;          /* Cache-Control, or NULL */
    const char *etag;           /* or NULL */
    int csp;                    /* HTML: a Content-Security-Policy */
    int close;                  /* Connection: close */
    const char *disposition;
    int64_t gen;                /* X-Index-Generation when > 0 */
    int spooled;                /* the body is file fd (taken over),
                                   fdlen bytes, instead of body */
    int fd;
    size_t fdlen;
};

/*
** Queue body[0..n) (taken over: freed with thp_free by MHD when sent, or
** here on failure), gzipped when the client accepts it and it is worth
** it.
*/
static enum MHD_Result respond(struct searchd *sd, struct MHD_Connection *c,
                               struct req_ctx *ctx, const struct out *o,
                               char *body, size_t n)
{
    struct MHD_Response *r;
    enum MHD_Result ret;
    const char *origin = cors_origin(sd, c);
    int gz = 0;

    if (o->spooled) {
        /* a spooled body (limit=all): sent from the file, never held */
        r = MHD_create_response_from_fd64(o->fdlen, o->fd);
        if (r == NULL) {
            close(o->fd);
            return MHD_NO;
        }
        goto headers;
    }
    if (n > GZIP_MIN && accepts_gzip(c)) {
        size_t zn = n;
        char *z = gzip_body(body, &zn);

        if (z) {
            thp_free(body);
            body = z;
            n = zn;
            gz = 1;
            atomic_fetch_add(&sd->m.gzipped, 1);
        }
    }
    r = MHD_create_response_from_buffer_with_free_callback(n, body,
                                                           thp_free);
    if (r == NULL) {
        thp_free(body);
        return MHD_NO;
    }
headers:
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, o->type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                            o->cache ? o->cache : "no-store");
    MHD_add_response_header(r, MHD_HTTP_HEADER_VARY,
                            sd->conf.norigins ? "Accept-Encoding, Origin"
                                              : "Accept-Encoding");
    if (gz)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    if (o->etag)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, o->etag);
    if (o->csp)
        MHD_add_response_header(r, "Content-Security-Policy", CSP_HTML);
    if (o->disposition)
        MHD_add_response_header(r, "Content-Disposition", o->disposition);
    if (o->gen > 0) {
        char g[32];

        snprintf(g, sizeof g, "%lld", (long long)o->gen);
        MHD_add_response_header(r, "X-Index-Generation", g);
    }
    if (origin)
        MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
    if (origin)
        MHD_add_response_header(r, "Access-Control-Expose-Headers",
                                "ETag, X-Index-Generation");
    if (o->status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, ALLOW);
    if (o->status == MHD_HTTP_SERVICE_UNAVAILABLE)
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    if (o->close)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    ctx->status = o->status;
    ret = MHD_queue_response(c, o->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Send a JSON body built in b (released here). */
static enum MHD_Result send_json(struct searchd *sd, struct MHD_Connection *c,
                                 struct req_ctx *ctx, struct out *o,
                                 struct thp_buf *b)
{
    char *s;
    size_t n;

    thp_buf_putc(b, '\n');
    n = b->n;
    s = thp_buf_detach(b);
    thp_buf_release(b);
    if (s == NULL) {
        static const char oom[] = "{\"error\":\"out of memory\"}\n";

        if ((s = thp_strdup(oom)) == NULL)
            return MHD_NO;
        n = strlen(s);
        o->status = MHD_HTTP_SERVICE_UNAVAILABLE;
        o->cache = NULL;
        o->etag = NULL;
    }
    o->type = JSON_TYPE;
    return respond(sd, c, ctx, o, s, n);
}

static const char *reason(unsigned status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 414: return "URI Too Long";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

/*
** An error: JSON {"error","position"} for the API; for a browser (Accept:
** text/html) outside the API routes, a small HTML page.
*/
static enum MHD_Result send_error(struct searchd *sd, struct MHD_Connection *c,
                                  struct req_ctx *ctx, unsigned status,
                                  const char *msg, long pos)
{
    struct out o;
    struct thp_buf b;

    memset(&o, 0, sizeof o);
    o.status = status;
    o.close = status == MHD_HTTP_SERVICE_UNAVAILABLE &&
              ctx->route == R_OTHER;
    thp_buf_init(&b, 0);
    if (ctx->html || (wants_html(c) && (ctx->route == R_STATIC ||
                                        ctx->route == R_DOC ||
                                        ctx->route == R_OTHER))) {
        char *s, title[64];
        size_t n;

        snprintf(title, sizeof title, "%u %s", status, reason(status));
        thp_render_page_open(&b, title, "/");
        thp_buf_printf(&b, "<h1>%s</h1><p>", title);
        thp_render_html_text(&b, msg);
        thp_buf_puts(&b, "</p><form class=\"thp-form\" role=\"search\" "
                         "action=\"/\" method=\"get\"><label "
                         "class=\"thp-label\" for=\"thp-q\">Search the "
                         "site</label><div class=\"thp-row\"><input "
                         "id=\"thp-q\" name=\"q\" type=\"search\"><button "
                         "type=\"submit\">Search</button></div></form>\n");
        thp_render_page_close(&b);
        n = b.n;
        s = thp_buf_detach(&b);
        thp_buf_release(&b);
        if (s == NULL)
            return MHD_NO;
        o.type = HTML_TYPE;
        o.csp = 1;
        return respond(sd, c, ctx, &o, s, n);
    }
    thp_buf_putc(&b, '{');
    thp_json_key(&b, "error", 1);
    thp_json_cstr(&b, msg);
    if (pos >= 0) {
        thp_json_key(&b, "position", 0);
        thp_buf_printf(&b, "%ld", pos);
    }
    thp_buf_putc(&b, '}');
    return send_json(sd, c, ctx, &o, &b);
}

/* 304 Not Modified, no body. */
static enum MHD_Result send_304(struct searchd *sd, struct MHD_Connection *c,
                                struct req_ctx *ctx, const char *etag,
                                const char *cache)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        0, NULL, MHD_RESPMEM_PERSISTENT);
    const char *origin = cors_origin(sd, c);
    enum MHD_Result ret;

    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    if (origin)
        MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
    ctx->status = MHD_HTTP_NOT_MODIFIED;
    atomic_fetch_add(&sd->m.not_modified, 1);
    ret = MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, r);
    MHD_destroy_response(r);
    return ret;
}

/* The ETag of this request target at a generation; gzip is a variant. */
static void make_etag(struct searchd *sd, struct MHD_Connection *c,
                      const struct req_ctx *ctx, const char *salt,
                      char *etag, size_t len)
{
    uint64_t h = fnv(0xcbf29ce484222325ULL, ctx->uri, strlen(ctx->uri));

    h = fnv(h, salt, strlen(salt));
    snprintf(etag, len, "\"%llx-%016llx%s\"", sd->boot,
             (unsigned long long)h, accepts_gzip(c) ? "-gz" : "");
}

/* If-None-Match names etag (or is *). */
static int not_modified(struct MHD_Connection *c, const char *etag)
{
    const char *inm = MHD_lookup_connection_value(
        c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);

    return inm && (strstr(inm, etag) != NULL || !strcmp(inm, "*"));
}

/* ---- /search ---------------------------------------------------------- */

/* Every URL parameter through the request table; the first error wins. */
#define MAX_PARAMS 64

struct params {
    struct thp_request *req;
    struct thp_err *err;
    int n;
    /* the results page: name, value of the parameters its links keep */
    const char *keep[2 * MAX_PARAMS];
    size_t nkeep;
};

static enum MHD_Result on_param(void *cls, enum MHD_ValueKind kind,
                                const char *key, const char *value)
{
    struct params *p = cls;

    (void)kind;
    if (p->err->rc != THP_OK)
        return MHD_NO;
    if (++p->n > MAX_PARAMS) {
        thp_err_set(p->err, THP_ERR_TOOBIG, "too many parameters (at most "
                    "%d)", MAX_PARAMS);
        return MHD_NO;
    }
    if (!strcmp(key, "q") && value == NULL)
        value = "";
    if (strcmp(key, "q") && strcmp(key, "offset") && strcmp(key, "format")) {
        p->keep[2 * p->nkeep] = key;
        p->keep[2 * p->nkeep + 1] = value ? value : "";
        p->nkeep++;
    }
    thp_request_set(p->req, key, value, p->err);
    return p->err->rc == THP_OK ? MHD_YES : MHD_NO;
}

static enum MHD_Result unavailable(struct searchd *sd, struct MHD_Connection *c,
                                   struct req_ctx *ctx)
{
    /* never the path or SQLite's words: those are for the daemon's log */
    return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                      "the index cannot be read", -1);
}

/* limit=all: each hit rendered and appended to a temporary file. */
struct spool {
    FILE *f;
    const struct thp_render_opts *ro;
    int head_done;
    size_t n;
};

static int spool_write(struct spool *sp, struct thp_buf *b)
{
    if (b->rc != THP_OK)
        return b->rc;
    if (b->n && fwrite(b->s, 1, b->n, sp->f) != b->n)
        return THP_ERR_IO;
    thp_buf_reset(b);
    return THP_OK;
}

static int spool_hit(void *arg, const struct thp_result *res,
                     const struct thp_hit *h, size_t rank)
{
    struct spool *sp = arg;
    struct thp_buf b;
    int rc;

    thp_buf_init(&b, 0);
    if (!sp->head_done) {
        thp_render_head(&b, res, sp->ro);
        sp->head_done = 1;
    }
    thp_render_hit(&b, res, h, rank, sp->ro);
    rc = spool_write(sp, &b);
    thp_buf_release(&b);
    sp->n++;
    return rc;
}

/*
** The request of a search from c's parameters (html: the results page).
** THP_OK, or err says what is wrong with them (a 400).
*/
static int search_request(struct searchd *sd, struct MHD_Connection *c,
                          struct req_ctx *ctx, int html,
                          struct thp_request *req, struct params *p,
                          struct thp_err *err)
{
    thp_request_init(req);
    req->rank = sd->conf.rank;
    if (html) {
        /* the page without JavaScript: what the search box shows */
        req->mode = THP_MODE_SIMPLE;
        req->format = THP_FMT_HTML;
        req->facets = THP_FACET_YEAR | THP_FACET_KIND;
        req->facet_top = 8;
        ctx->html = 1;
    }
    thp_err_clear(err);
    p->req = req;
    p->err = err;
    p->n = 0;
    p->nkeep = 0;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, on_param, p);
    if (html)
        req->format = THP_FMT_HTML;
    if (err->rc == THP_OK &&
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q") == NULL)
        thp_err_set(err, THP_ERR_SYNTAX, "missing parameter 'q'");
    if (err->rc == THP_OK && req->all && req->format != THP_FMT_CSV &&
        req->format != THP_FMT_TSV && req->format != THP_FMT_JSONL)
        thp_err_set(err, THP_ERR_SYNTAX, "limit=all is for format=csv, "
                    "tsv or jsonl");
    ctx->qlen = req->qlen;
    return err->rc;
}

/* Before a search waits for a slot: a 400 for bad parameters or a query
** that does not parse, answered at once. MHD_NO: nothing sent, go on. */
static int search_precheck(struct searchd *sd, struct MHD_Connection *c,
                           struct req_ctx *ctx, enum MHD_Result *ret)
{
    struct thp_request *req = thp_malloc(sizeof *req);
    struct params p;
    struct thp_err err;

    if (req == NULL)
        return 0; /* the search itself will say so */
    if (search_request(sd, c, ctx, ctx->html, req, &p, &err) == THP_OK &&
        thp_request_check(req, &err) != THP_OK)
        atomic_fetch_add(&sd->m.query_errors, 1); /* a bad query */
    thp_free(req);
    if (err.rc == THP_ERR_SYNTAX || err.rc == THP_ERR_TOOBIG) {
        *ret = send_error(sd, c, ctx, MHD_HTTP_BAD_REQUEST, err.msg,
                          err.haspos ? (long)err.pos : -1);
        return 1;
    }
    return 0;
}

static enum MHD_Result handle_search(struct searchd *sd,
                                     struct MHD_Connection *c,
                                     struct req_ctx *ctx, int html)
{
    struct thp_request *req = thp_malloc(sizeof *req);
    struct params p;
    struct thp_render_opts ro;
    struct thp_result res;
    struct thp_err err;
    struct thp_buf b;
    struct spool sp;
    struct out o;
    thp_reader *rd;
    char *body, etag[80], salt[32];
    int64_t gen = 0;
    size_t n;
    int rc;

    if (req == NULL)
        return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                          "out of memory", -1);
    if (search_request(sd, c, ctx, html, req, &p, &err) != THP_OK) {
        thp_free(req);
        return send_error(sd, c, ctx, MHD_HTTP_BAD_REQUEST, err.msg, -1);
    }
    rd = fresh_reader(sd, ctx->slot, ctx, &gen, &err);
    if (rd == NULL) {
        thp_free(req);
        fprintf(stderr, "thp-searchd: %s\n", err.msg);
        return unavailable(sd, c, ctx);
    }
    snprintf(salt, sizeof salt, "g%lld", (long long)gen);
    make_etag(sd, c, ctx, salt, etag, sizeof etag);
    if (not_modified(c, etag)) {
        thp_free(req);
        return send_304(sd, c, ctx, etag, "public, max-age=10");
    }
    memset(&ro, 0, sizeof ro);
    ro.format = req->format;
    ro.bom = req->bom;
    ro.base = "/";
    ro.req = req;
    ro.keep = p.keep;
    ro.nkeep = p.nkeep;
    /* limit=all goes hit by hit to an unlinked temporary file, sent from
    ** there: a request's memory does not grow with its hits */
    if (req->all) {
        if ((sp.f = tmpfile()) == NULL) {
            thp_free(req);
            fprintf(stderr, "thp-searchd: limit=all: no temporary file: "
                    "%s\n", strerror(errno));
            return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                              "no room for the answer", -1);
        }
        sp.ro = &ro;
        sp.head_done = 0;
        sp.n = 0;
        rc = thp_exec(rd, req, &res, spool_hit, &sp, &err);
        if (rc != THP_OK)
            fclose(sp.f);
    } else
        rc = thp_exec(rd, req, &res, NULL, NULL, &err);
    if (rc != THP_OK) {
        thp_free(req);
        if (thp_reader_cancelled(rd)) {
            /* nobody reads the answer: logged (and counted) only */
            atomic_fetch_add(&sd->m.cancelled, 1);
            return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                              atomic_load(&sd->aborting)
                                  ? "the server is stopping, retry later"
                                  : err.msg, -1);
        }
        atomic_fetch_add(&sd->m.query_errors, 1);
        if (rc == THP_ERR_TOOBIG && !strncmp(err.msg, "query stopped", 13)) {
            atomic_fetch_add(&sd->m.query_timeouts, 1);
            return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                              err.msg, -1);
        }
        if (rc == THP_ERR_SYNTAX || rc == THP_ERR_TOOBIG)
            return send_error(sd, c, ctx, MHD_HTTP_BAD_REQUEST, err.msg,
                              err.haspos ? (long)err.pos : -1);
        fprintf(stderr, "thp-searchd: %s\n", err.msg);
        return unavailable(sd, c, ctx);
    }
    /* the generation actually answered from (thp_exec refreshes too) */
    res.generation = gen =
        answered_generation(sd, ctx->slot, res.generation);
    snprintf(salt, sizeof salt, "g%lld", (long long)gen);
    make_etag(sd, c, ctx, salt, etag, sizeof etag);
    ctx->hits = (long long)res.nhits;
    memset(&o, 0, sizeof o);
    if (req->all) {
        thp_buf_init(&b, 0);
        if (!sp.head_done)
            thp_render_head(&b, &res, &ro);
        res.nhits = 0;
        thp_render_tail(&b, &res, &ro);
        thp_result_release(&res);
        ctx->hits = (long long)sp.n;
        if (spool_write(&sp, &b) != THP_OK || fflush(sp.f) != 0 ||
            (o.fd = dup(fileno(sp.f))) < 0) {
            thp_buf_release(&b);
            fclose(sp.f);
            thp_free(req);
            return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                              "no room for the answer", -1);
        }
        thp_buf_release(&b);
        o.fdlen = (size_t)ftello(sp.f);
        o.spooled = 1;
        fclose(sp.f);
        body = NULL;
        n = 0;
    } else {
        thp_buf_init(&b, 0);
        thp_render(&b, &res, &ro);
        thp_result_release(&res);
        n = b.n;
        body = thp_buf_detach(&b);
        thp_buf_release(&b);
        if (body == NULL) {
            thp_free(req);
            return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                              "out of memory", -1);
        }
    }
    o.status = MHD_HTTP_OK;
    o.type = thp_render_mime(req->format);
    o.cache = "public, max-age=10";
    o.etag = etag;
    o.gen = gen;
    o.csp = req->format == THP_FMT_HTML;
    if (req->format == THP_FMT_CSV || req->format == THP_FMT_TSV)
        o.disposition = req->format == THP_FMT_CSV
                            ? "attachment; filename=\"thp-search.csv\""
                            : "attachment; filename=\"thp-search.tsv\"";
    thp_free(req);
    return respond(sd, c, ctx, &o, body, n);
}

static enum MHD_Result handle_suggest(struct searchd *sd,
                                      struct MHD_Connection *c,
                                      struct req_ctx *ctx)
{
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q");
    struct thp_err err;
    struct thp_buf b;
    struct out o;
    thp_reader *rd;
    char **v = NULL, etag[80], salt[32];
    size_t nv = 0, i;
    int64_t gen = 0;

    if (q == NULL)
        return send_error(sd, c, ctx, MHD_HTTP_BAD_REQUEST,
                          "missing parameter 'q'", -1);
    ctx->qlen = strlen(q);
    if (strlen(q) > THP_REQUEST_MAX_Q)
        return send_error(sd, c, ctx, MHD_HTTP_BAD_REQUEST, "query too long",
                          -1);
    thp_err_clear(&err);
    rd = fresh_reader(sd, ctx->slot, ctx, &gen, &err);
    if (rd == NULL)
        return unavailable(sd, c, ctx);
    snprintf(salt, sizeof salt, "g%lld", (long long)gen);
    make_etag(sd, c, ctx, salt, etag, sizeof etag);
    if (not_modified(c, etag))
        return send_304(sd, c, ctx, etag, "public, max-age=10");
    if (thp_suggest(rd, q, strlen(q), 8, &v, &nv, &err) != THP_OK) {
        if (err.rc == THP_ERR_SYNTAX)
            return send_error(sd, c, ctx, MHD_HTTP_BAD_REQUEST, err.msg, -1);
        return unavailable(sd, c, ctx);
    }
    thp_buf_init(&b, 0);
    thp_buf_puts(&b, "{\"query\":");
    thp_json_cstr(&b, q);
    thp_buf_puts(&b, ",\"suggestions\":[");
    for (i = 0; i < nv; i++) {
        if (i)
            thp_buf_putc(&b, ',');
        thp_json_cstr(&b, v[i]);
        thp_free(v[i]);
    }
    thp_free(v);
    thp_buf_puts(&b, "]}");
    ctx->hits = (long long)nv;
    memset(&o, 0, sizeof o);
    o.status = MHD_HTTP_OK;
    o.cache = "public, max-age=10";
    o.etag = etag;
    o.gen = gen;
    return send_json(sd, c, ctx, &o, &b);
}

static void iso_time(char *buf, size_t len, time_t t, int ms)
{
    struct tm tm;
    size_t n;

    gmtime_r(&t, &tm);
    n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    if (ms >= 0)
        snprintf(buf + n, len - n, ".%03dZ", ms);
    else
        snprintf(buf + n, len - n, "Z");
}

static enum MHD_Result handle_health(struct searchd *sd,
                                     struct MHD_Connection *c,
                                     struct req_ctx *ctx)
{
    struct thp_err err;
    struct thp_buf b;
    struct out o;
    struct stat st;
    thp_reader *rd;
    int64_t n = 0, gen = 0;
    char when[40] = "";

    thp_err_clear(&err);
    memset(&o, 0, sizeof o);
    /* its own reader, never a query slot: answered while all are busy */
    pthread_mutex_lock(&sd->hlock);
    rd = fresh_reader(sd, &sd->health, NULL, &gen, &err);
    if (rd != NULL &&
        thp_index_count(thp_reader_index(rd), &n, &err) != THP_OK)
        rd = NULL;
    pthread_mutex_unlock(&sd->hlock);
    if (rd == NULL) {
        fprintf(stderr, "thp-searchd: %s\n", err.msg);
        o.status = MHD_HTTP_SERVICE_UNAVAILABLE;
        thp_buf_init(&b, 0);
        thp_buf_puts(&b, "{\"status\":\"unavailable\",\"error\":"
                         "\"the index cannot be read\"}");
        return send_json(sd, c, ctx, &o, &b);
    }
    if (stat(sd->conf.index_path, &st) == 0)
        iso_time(when, sizeof when, st.st_mtime, -1);
    o.status = MHD_HTTP_OK;
    o.gen = gen;
    thp_buf_init(&b, 0);
    thp_buf_printf(&b, "{\"status\":\"ok\",\"documents\":%lld,"
                   "\"generation\":%lld,\"index_mtime\":\"%s\"}",
                   (long long)n, (long long)gen, when);
    return send_json(sd, c, ctx, &o, &b);
}

/* ---- /metrics ---------------------------------------------------------- */

static enum MHD_Result handle_metrics(struct searchd *sd,
                                      struct MHD_Connection *c,
                                      struct req_ctx *ctx)
{
    struct metrics *m = &sd->m;
    struct thp_buf b;
    struct out o;
    size_t r, s, k, n;
    char *body;
    unsigned waiting;

    pthread_mutex_lock(&sd->qlock);
    waiting = sd->nparked;
    pthread_mutex_unlock(&sd->qlock);
    thp_buf_init(&b, 0);
    thp_buf_puts(&b, "# HELP thp_http_requests_total Requests answered, by "
                     "route and status.\n"
                     "# TYPE thp_http_requests_total counter\n");
    for (r = 0; r < R__N; r++)
        for (s = 0; s < S__N; s++) {
            unsigned long long v = atomic_load(&m->requests[r][s]);

            if (v == 0 && !(r == R_SEARCH && s == 0))
                continue;
            if (status_code[s])
                thp_buf_printf(&b, "thp_http_requests_total{route=\"%s\","
                               "status=\"%u\"} %llu\n", route_name[r],
                               status_code[s], v);
            else
                thp_buf_printf(&b, "thp_http_requests_total{route=\"%s\","
                               "status=\"other\"} %llu\n", route_name[r], v);
        }
    thp_buf_puts(&b, "# HELP thp_http_request_duration_seconds Time from "
                     "request to response queued.\n"
                     "# TYPE thp_http_request_duration_seconds histogram\n");
    for (r = 0; r < R__N; r++) {
        unsigned long long cum = 0;

        for (k = 0; k <= B__N; k++) {
            cum += atomic_load(&m->bucket[r][k]);
            if (k < B__N)
                thp_buf_printf(&b, "thp_http_request_duration_seconds_bucket"
                               "{route=\"%s\",le=\"%g\"} %llu\n",
                               route_name[r], bucket_le[k], cum);
            else
                thp_buf_printf(&b, "thp_http_request_duration_seconds_bucket"
                               "{route=\"%s\",le=\"+Inf\"} %llu\n",
                               route_name[r], cum);
        }
        thp_buf_printf(&b, "thp_http_request_duration_seconds_sum{route="
                       "\"%s\"} %.6f\n", route_name[r],
                       (double)atomic_load(&m->sum_us[r]) / 1e6);
        thp_buf_printf(&b, "thp_http_request_duration_seconds_count{route="
                       "\"%s\"} %llu\n", route_name[r], cum);
    }
    thp_buf_printf(&b,
        "# HELP thp_query_errors_total Searches that failed (bad query, "
        "timeout, index).\n# TYPE thp_query_errors_total counter\n"
        "thp_query_errors_total %llu\n"
        "# HELP thp_query_timeouts_total Searches stopped by the time "
        "budget.\n# TYPE thp_query_timeouts_total counter\n"
        "thp_query_timeouts_total %llu\n"
        "# HELP thp_http_not_modified_total 304 answers.\n"
        "# TYPE thp_http_not_modified_total counter\n"
        "thp_http_not_modified_total %llu\n"
        "# HELP thp_http_gzip_total Responses sent gzipped.\n"
        "# TYPE thp_http_gzip_total counter\n"
        "thp_http_gzip_total %llu\n"
        "# HELP thp_http_rejected_total Requests refused with 503 because "
        "the connection limit was reached.\n"
        "# TYPE thp_http_rejected_total counter\n"
        "thp_http_rejected_total %llu\n"
        "# HELP thp_index_reopens_total Readers reopened after SIGHUP.\n"
        "# TYPE thp_index_reopens_total counter\n"
        "thp_index_reopens_total %llu\n"
        "# HELP thp_query_parked_total Searches that waited for a free "
        "query slot.\n# TYPE thp_query_parked_total counter\n"
        "thp_query_parked_total %llu\n"
        "# HELP thp_query_queue_full_total Searches refused with 503 "
        "because --max-queue searches were waiting.\n"
        "# TYPE thp_query_queue_full_total counter\n"
        "thp_query_queue_full_total %llu\n"
        "# HELP thp_query_cancelled_total Searches stopped because their "
        "client closed the connection.\n"
        "# TYPE thp_query_cancelled_total counter\n"
        "thp_query_cancelled_total %llu\n"
        "# HELP thp_query_waiting Searches waiting for a query slot now.\n"
        "# TYPE thp_query_waiting gauge\n"
        "thp_query_waiting %u\n"
        "# HELP thp_index_generation The newest index generation served.\n"
        "# TYPE thp_index_generation gauge\n"
        "thp_index_generation %lld\n"
        "# HELP thp_index_documents Documents in that index.\n"
        "# TYPE thp_index_documents gauge\n"
        "thp_index_documents %lld\n"
        "# HELP thp_index_mtime_seconds Modification time of the index "
        "file.\n# TYPE thp_index_mtime_seconds gauge\n"
        "thp_index_mtime_seconds %lld\n"
        "# HELP thp_http_open_connections Connections open now.\n"
        "# TYPE thp_http_open_connections gauge\n"
        "thp_http_open_connections %lld\n"
        "# HELP thp_http_requests_in_flight Requests being answered now.\n"
        "# TYPE thp_http_requests_in_flight gauge\n"
        "thp_http_requests_in_flight %lld\n",
        atomic_load(&m->query_errors), atomic_load(&m->query_timeouts),
        atomic_load(&m->not_modified), atomic_load(&m->gzipped),
        atomic_load(&m->rejected_full), atomic_load(&m->reopens),
        atomic_load(&m->parked), atomic_load(&m->rejected_queue),
        atomic_load(&m->cancelled), waiting,
        (long long)atomic_load(&m->generation),
        (long long)atomic_load(&m->documents),
        (long long)atomic_load(&m->index_mtime),
        (long long)atomic_load(&m->open_conns),
        (long long)atomic_load(&m->in_flight));
    n = b.n;
    body = thp_buf_detach(&b);
    thp_buf_release(&b);
    if (body == NULL)
        return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                          "out of memory", -1);
    memset(&o, 0, sizeof o);
    o.status = MHD_HTTP_OK;
    o.type = "text/plain; version=0.0.4; charset=utf-8";
    return respond(sd, c, ctx, &o, body, n);
}

/* ---- /doc/ID ------------------------------------------------------------ */

/* Append s HTML-escaped; paragraphs (blank lines) become <p>. Each line
** is escaped whole: thp_render_html_text writes a character it is given
** only in part as U+FFFD. */
static void html_paragraphs(struct thp_buf *b, const char *s)
{
    struct thp_buf line;

    thp_buf_init(&line, 0);
    thp_buf_puts(b, "<p>");
    while (*s) {
        size_t k = strcspn(s, "\n\f");

        thp_buf_reset(&line);
        thp_buf_append(&line, s, k);
        thp_render_html_text(b, line.s ? line.s : "");
        s += k;
        if (s[0] == '\n' && s[1] == '\n') {
            thp_buf_puts(b, "</p>\n<p>");
            s += 2;
        } else if (*s) {
            thp_buf_puts(b, "<br>\n");
            s++;
        }
    }
    thp_buf_puts(b, "</p>\n");
    if (line.rc != THP_OK && b->rc == THP_OK)
        b->rc = line.rc;
    thp_buf_release(&line);
}

static void html_text(struct thp_buf *b, const char *s)
{
    thp_render_html_text(b, s ? s : "");
}

/* One <dt>/<dd> pair of the document page, when value is set. */
static void meta_row(struct thp_buf *b, const char *name, const char *value)
{
    if (value == NULL || *value == '\0')
        return;
    thp_buf_printf(b, "<dt>%s</dt><dd>", name);
    html_text(b, value);
    thp_buf_puts(b, "</dd>");
}

/* The string value of "key" at the top level of a repair record (a flat
** JSON object written by the indexer), copied to out; 0 if absent. */
static int record_value(const char *json, const char *key, char *out,
                        size_t n)
{
    char pat[40];
    const char *p;
    size_t k = 0;

    snprintf(pat, sizeof pat, "\"%s\":", key);
    p = json ? strstr(json, pat) : NULL;
    if (p == NULL || n == 0)
        return 0;
    p += strlen(pat);
    if (*p == '"')
        p++;
    while (*p && *p != '"' && *p != ',' && *p != '}' && k + 1 < n)
        out[k++] = *p++;
    out[k] = '\0';
    return k > 0;
}

/* What the indexer did to make the text readable, from its repair record:
** how the bytes were read, and each code page whose mojibake was undone. */
static void repairs_rows(struct thp_buf *b, const char *json)
{
    static const char *const how[] = {
        "declared", "as the page declares it", "bom", "from its byte order mark",
        "utf-8", "as valid UTF-8", "detected", "as detected",
        "fallback", "by the fallback (nothing else fitted)"
    };
    char charset[64], source[32], conf[16], layers[16];
    const char *m;
    size_t i;

    if (!record_value(json, "charset", charset, sizeof charset))
        return;
    thp_buf_puts(b, "<dt>Read as</dt><dd>");
    html_text(b, charset);
    if (record_value(json, "source", source, sizeof source))
        for (i = 0; i < sizeof how / sizeof *how; i += 2)
            if (!strcmp(how[i], source)) {
                thp_buf_printf(b, " %s", how[i + 1]);
                break;
            }
    if (record_value(json, "confidence", conf, sizeof conf))
        thp_buf_printf(b, " (confidence %s%%)", conf);
    thp_buf_puts(b, "</dd>");
    m = strstr(json, "\"mojibake\":{");
    if (m) {
        const char *p = m + 12, *q;

        thp_buf_puts(b, "<dt>Repaired</dt><dd>");
        while (*p == '"' && (q = strchr(p + 1, '"')) != NULL && q[1] == ':') {
            char name[48], *end;
            long count = strtol(q + 2, &end, 10);

            snprintf(name, sizeof name, "%.*s", (int)(q - p - 1), p + 1);
            thp_buf_printf(b, "%s%ld run%s of UTF-8 text that had been read "
                           "as ", p == m + 12 ? "" : "; ", count,
                           count == 1 ? "" : "s");
            html_text(b, name);
            p = *end == ',' ? end + 1 : end;
        }
        if (record_value(json, "layers", layers, sizeof layers) &&
            strcmp(layers, "1"))
            thp_buf_printf(b, " (%s layers)", layers);
        thp_buf_puts(b, "</dd>");
    }
}

/* GET /doc/ID: the stored text of one document, for result links. */
static enum MHD_Result handle_doc(struct searchd *sd,
                                  struct MHD_Connection *c,
                                  struct req_ctx *ctx, const char *id)
{
    struct thp_document doc;
    struct thp_err err;
    struct thp_buf b;
    struct out o;
    thp_reader *rd;
    char *end, *s, etag[80], salt[32];
    long long n;
    int64_t gen = 0;
    size_t len;
    int rc, cut;

    errno = 0;
    n = strtoll(id, &end, 10);
    if (*id == '\0' || *end != '\0' || n <= 0 || errno)
        return send_error(sd, c, ctx, MHD_HTTP_NOT_FOUND, "no such document",
                          -1);
    thp_err_clear(&err);
    rd = fresh_reader(sd, ctx->slot, ctx, &gen, &err);
    if (rd == NULL)
        return unavailable(sd, c, ctx);
    snprintf(salt, sizeof salt, "g%lld", (long long)gen);
    make_etag(sd, c, ctx, salt, etag, sizeof etag);
    if (not_modified(c, etag))
        return send_304(sd, c, ctx, etag, "public, max-age=60");
    rc = thp_query_document(thp_reader_index(rd), n, DOC_MAX, &doc, &err);
    if (rc == THP_ERR_NOTFOUND)
        return send_error(sd, c, ctx, MHD_HTTP_NOT_FOUND, "no such document",
                          -1);
    if (rc != THP_OK)
        return unavailable(sd, c, ctx);
    cut = strlen(doc.body) + 8 >= DOC_MAX;
    thp_buf_init(&b, 0);
    thp_render_page_open(&b, *doc.title ? doc.title : "Document", "/");
    thp_buf_puts(&b, "<article class=\"thp-doc\"><p class=\"thp-back\">"
                     "<a href=\"/\">Search</a></p><h1>");
    html_text(&b, *doc.title ? doc.title : "(untitled)");
    thp_buf_puts(&b, "</h1>\n<dl class=\"thp-docmeta\">");
    meta_row(&b, "Kind", !strcmp(doc.kind, "report") ? "Report"
                         : !strcmp(doc.kind, "item") ? "Item" : "Page");
    if (doc.page) {
        char pg[16];

        snprintf(pg, sizeof pg, "%d", doc.page);
        meta_row(&b, "Report page", pg);
    }
    meta_row(&b, "Date", doc.date);
    meta_row(&b, "Place", doc.location);
    meta_row(&b, "Authors", doc.authors);
    meta_row(&b, "Partners", doc.partners);
    meta_row(&b, "Language", doc.lang);
    if (doc.url && (!strncasecmp(doc.url, "http://", 7) ||
                    !strncasecmp(doc.url, "https://", 8) ||
                    (doc.path && strcmp(doc.url, doc.path)))) {
        thp_buf_puts(&b, "<dt>Web address</dt><dd><a href=\"");
        html_text(&b, doc.url);
        thp_buf_puts(&b, "\">");
        html_text(&b, doc.url);
        thp_buf_puts(&b, "</a></dd>");
    }
    repairs_rows(&b, doc.repairs);
    thp_buf_puts(&b, "</dl>\n<div class=\"thp-text\">");
    html_paragraphs(&b, doc.body);
    if (cut)
        thp_buf_puts(&b, "<p class=\"thp-note\">The text goes on; this "
                         "page shows its first 4 MB.</p>");
    thp_buf_puts(&b, "</div></article>\n");
    thp_render_page_close(&b);
    thp_document_release(&doc);
    len = b.n;
    s = thp_buf_detach(&b);
    thp_buf_release(&b);
    if (s == NULL)
        return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                          "out of memory", -1);
    memset(&o, 0, sizeof o);
    o.status = MHD_HTTP_OK;
    o.type = HTML_TYPE;
    o.cache = "public, max-age=60";
    o.etag = etag;
    o.gen = gen;
    o.csp = 1;
    return respond(sd, c, ctx, &o, s, len);
}

/* ---- static files ------------------------------------------------------- */

static const char *content_type(const char *name)
{
    static const struct { const char *ext, *type; } types[] = {
        {".html", HTML_TYPE},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
        {".json", JSON_TYPE},
    };
    const char *dot = strrchr(name, '.');
    size_t i;

    for (i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (!strcmp(dot, types[i].ext))
            return types[i].type;
    return NULL;
}

/*
** A file of the web folder: a plain name (letters, digits, - _ .), no
** folders, no leading dot, a known type, a regular file reached without
** a symlink (O_NOFOLLOW, and its real path inside the folder's). Anything
** else is 404.
*/
static enum MHD_Result handle_static(struct searchd *sd,
                                     struct MHD_Connection *c,
                                     struct req_ctx *ctx, const char *url)
{
    const char *name = strcmp(url, "/") ? url + 1 : "index.html";
    const char *type = content_type(name);
    char path[PATH_MAX], real[PATH_MAX], etag[80], salt[64];
    struct stat st;
    struct out o;
    size_t i, wl = strlen(sd->web_real), got = 0;
    char *body;
    int fd;

    if (sd->web_real[0] == '\0' || type == NULL || name[0] == '.')
        return send_error(sd, c, ctx, MHD_HTTP_NOT_FOUND, "not found", -1);
    for (i = 0; name[i]; i++)
        if (!(name[i] == '-' || name[i] == '_' || name[i] == '.' ||
              (name[i] >= 'a' && name[i] <= 'z') ||
              (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9')))
            return send_error(sd, c, ctx, MHD_HTTP_NOT_FOUND, "not found", -1);
    if ((size_t)snprintf(path, sizeof path, "%s/%s", sd->web_real, name) >=
        sizeof path)
        return send_error(sd, c, ctx, MHD_HTTP_NOT_FOUND, "not found", -1);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return send_error(sd, c, ctx, MHD_HTTP_NOT_FOUND, "not found", -1);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (uint64_t)st.st_size > STATIC_MAX || realpath(path, real) == NULL ||
        strncmp(real, sd->web_real, wl) != 0 || real[wl] != '/') {
        close(fd);
        return send_error(sd, c, ctx, MHD_HTTP_NOT_FOUND, "not found", -1);
    }
    snprintf(salt, sizeof salt, "%llx-%llx-%llx",
             (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtime);
    make_etag(sd, c, ctx, salt, etag, sizeof etag);
    if (not_modified(c, etag)) {
        close(fd);
        return send_304(sd, c, ctx, etag, "public, max-age=86400");
    }
    body = thp_malloc((size_t)st.st_size + 1);
    if (body == NULL) {
        close(fd);
        return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                          "out of memory", -1);
    }
    while (got < (size_t)st.st_size) {
        ssize_t k = read(fd, body + got, (size_t)st.st_size - got);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    memset(&o, 0, sizeof o);
    o.status = MHD_HTTP_OK;
    o.type = type;
    o.cache = "public, max-age=86400";
    o.etag = etag;
    o.csp = !strcmp(type, HTML_TYPE);
    return respond(sd, c, ctx, &o, body, got);
}

/* ---- OPTIONS: CORS preflight ---------------------------------------------- */

static enum MHD_Result handle_options(struct searchd *sd,
                                      struct MHD_Connection *c,
                                      struct req_ctx *ctx)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        0, NULL, MHD_RESPMEM_PERSISTENT);
    const char *origin = cors_origin(sd, c);
    enum MHD_Result ret;

    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, ALLOW);
    if (origin) {
        MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
        MHD_add_response_header(r, "Access-Control-Allow-Methods", ALLOW);
        MHD_add_response_header(r, "Access-Control-Allow-Headers",
                                "Accept, If-None-Match");
        MHD_add_response_header(r, "Access-Control-Max-Age", "600");
        MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Origin");
    }
    ctx->status = MHD_HTTP_NO_CONTENT;
    ret = MHD_queue_response(c, MHD_HTTP_NO_CONTENT, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- the request cycle ------------------------------------------------- */

static int route_of(const char *url)
{
    if (!strcmp(url, "/search"))
        return R_SEARCH;
    if (!strcmp(url, "/suggest"))
        return R_SUGGEST;
    if (!strcmp(url, "/health"))
        return R_HEALTH;
    if (!strcmp(url, "/metrics"))
        return R_METRICS;
    if (!strncmp(url, "/doc/", 5))
        return R_DOC;
    return R_STATIC;
}

/* A search, /suggest or /doc/ID: run it in a query slot, or park it
** until one is free. */
static enum MHD_Result with_slot(struct searchd *sd, struct MHD_Connection *c,
                                 struct req_ctx *ctx, const char *url)
{
    enum MHD_Result ret;
    char msg[96];

    /* a search that can only be a 400 does not wait its turn (with a
    ** free slot, the search itself says so: no parse twice) */
    if (ctx->route == R_SEARCH && ctx->slot == NULL && !ctx->checked &&
        !slot_free(sd)) {
        ctx->checked = 1;
        if (search_precheck(sd, c, ctx, &ret))
            return ret;
    }
    switch (slot_take(sd, c, ctx)) {
    case SLOT_PARKED:
        return MHD_YES; /* called again once resumed */
    case SLOT_FULL:
        atomic_fetch_add(&sd->m.rejected_queue, 1);
        snprintf(msg, sizeof msg, "server busy: every search thread is "
                 "taken and the queue is full (%u), retry later",
                 sd->conf.max_queue);
        return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE, msg, -1);
    case SLOT_STOPPING:
        return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                          "the server is stopping, retry later", -1);
    default:
        break;
    }
    if (client_gone(c)) {
        /* it went away while it waited: nothing to search for */
        atomic_fetch_add(&sd->m.cancelled, 1);
        ret = send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                         "query cancelled: its client went away", -1);
    } else if (ctx->route == R_SUGGEST)
        ret = handle_suggest(sd, c, ctx);
    else if (ctx->route == R_DOC)
        ret = handle_doc(sd, c, ctx, url + 5);
    else
        ret = handle_search(sd, c, ctx, ctx->html);
    slot_give(sd, ctx);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **reqp)
{
    struct searchd *sd = cls;
    struct req_ctx *ctx = *reqp;
    long long open_now;

    (void)version;
    (void)upload;
    if (ctx == NULL)
        return MHD_NO;
    if (!ctx->started) {
        /* the first call comes with the headers: answer on the next one,
        ** once the request is complete, so the connection stays open */
        ctx->started = 1;
        ctx->counted = 1;
        atomic_fetch_add(&sd->m.in_flight, 1);
        snprintf(ctx->method, sizeof ctx->method, "%s", method);
        return MHD_YES;
    }
    if (*upload_size != 0) {
        *upload_size = 0; /* a body is read and ignored */
        return MHD_YES;
    }
    ctx->route = route_of(url);
    if (!strcmp(method, "OPTIONS")) {
        ctx->route = R_OPTIONS;
        return handle_options(sd, c, ctx);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_error(sd, c, ctx, MHD_HTTP_METHOD_NOT_ALLOWED,
                          "only GET, HEAD and OPTIONS are served", -1);
    open_now = atomic_load(&sd->m.open_conns);
    if (sd->conf.max_conn && open_now > (long long)sd->conf.max_conn) {
        atomic_fetch_add(&sd->m.rejected_full, 1);
        ctx->route = R_OTHER;
        return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE,
                          "server busy: too many connections, retry later",
                          -1);
    }
    if (sd->conf.max_per_ip) {
        uintptr_t slot = ip_slot(c);

        if (slot && atomic_load(&sd->per_ip[slot - 1]) > sd->conf.max_per_ip) {
            char msg[96];

            atomic_fetch_add(&sd->m.rejected_full, 1);
            ctx->route = R_OTHER;
            snprintf(msg, sizeof msg, "too many connections from your "
                     "address (at most %u), retry later", sd->conf.max_per_ip);
            return send_error(sd, c, ctx, MHD_HTTP_SERVICE_UNAVAILABLE, msg,
                              -1);
        }
    }
    if (sd->conf.max_uri && strlen(ctx->uri) > sd->conf.max_uri) {
        char msg[96];

        snprintf(msg, sizeof msg, "request target too long (at most %u "
                 "bytes)", sd->conf.max_uri);
        return send_error(sd, c, ctx, MHD_HTTP_URI_TOO_LONG, msg, -1);
    }
    if (ctx->route == R_STATIC && !strcmp(url, "/") &&
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q")) {
        ctx->route = R_SEARCH;
        ctx->html = 1;
    }
    switch (ctx->route) {
    case R_HEALTH:
        return handle_health(sd, c, ctx);
    case R_METRICS:
        return handle_metrics(sd, c, ctx);
    case R_STATIC:
        return handle_static(sd, c, ctx, url);
    default:
        return with_slot(sd, c, ctx, url);
    }
}

/* Called with the raw request target before anything else: the context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct req_ctx *ctx = thp_calloc(1, sizeof *ctx);

    if (ctx == NULL)
        return NULL;
    ctx->sd = cls;
    ctx->c = c;
    ctx->t0 = now_ms();
    ctx->hits = -1;
    ctx->route = R_OTHER;
    ctx->uri = thp_strdup(uri ? uri : "");
    if (ctx->uri == NULL) {
        thp_free(ctx);
        return NULL;
    }
    return ctx;
}

/* s with control characters, non-ASCII bytes, quote and backslash as \xNN */
static void log_escape(struct thp_buf *b, const char *s, size_t max)
{
    size_t i;

    for (i = 0; i < max && s[i]; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\')
            thp_buf_printf(b, "\\x%02x", ch);
        else
            thp_buf_putc(b, (char)ch);
    }
    if (s[i])
        thp_buf_puts(b, "...");
}

static void access_log(struct searchd *sd, const struct req_ctx *ctx,
                       long long us)
{
    struct thp_buf b, u;
    struct timespec ts;
    char when[40];

    clock_gettime(CLOCK_REALTIME, &ts);
    iso_time(when, sizeof when, ts.tv_sec, (int)(ts.tv_nsec / 1000000));
    thp_buf_init(&u, 0);
    log_escape(&u, ctx->uri, 2048);
    thp_buf_init(&b, 0);
    if (sd->conf.log_format == SEARCHD_LOG_JSON) {
        thp_buf_puts(&b, "{\"time\":");
        thp_json_cstr(&b, when);
        thp_buf_puts(&b, ",\"method\":");
        thp_json_cstr(&b, ctx->method);
        thp_buf_puts(&b, ",\"uri\":");
        thp_json_str(&b, u.s ? u.s : "", u.n);
        thp_buf_printf(&b, ",\"route\":\"%s\",\"status\":%u,\"query_length\""
                       ":%zu,\"hits\":", route_name[ctx->route], ctx->status,
                       ctx->qlen);
        if (ctx->hits >= 0)
            thp_buf_printf(&b, "%lld", ctx->hits);
        else
            thp_buf_puts(&b, "null");
        thp_buf_printf(&b, ",\"us\":%lld}\n", us);
    } else {
        thp_buf_printf(&b, "%s %s \"", when, ctx->method);
        thp_buf_puts(&b, u.s ? u.s : "");
        thp_buf_printf(&b, "\" %u %s qlen=%zu hits=%lld us=%lld\n",
                       ctx->status, route_name[ctx->route], ctx->qlen,
                       ctx->hits, us);
    }
    if (b.rc == THP_OK && b.s)
        fwrite(b.s, 1, b.n, stderr);
    thp_buf_release(&b);
    thp_buf_release(&u);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **reqp,
                         enum MHD_RequestTerminationCode toe)
{
    struct searchd *sd = cls;
    struct req_ctx *ctx = *reqp;
    long long us;
    size_t s, k;

    (void)c;
    (void)toe;
    if (ctx == NULL)
        return;
    slot_give(sd, ctx); /* only if the request ended while holding one */
    us = (long long)((now_ms() - ctx->t0) * 1000.0);
    if (ctx->counted)
        atomic_fetch_sub(&sd->m.in_flight, 1);
    if (ctx->status) {
        for (s = 0; s + 1 < S__N && status_code[s] != ctx->status; s++)
            ;
        atomic_fetch_add(&sd->m.requests[ctx->route][s], 1);
        for (k = 0; k < B__N && (double)us / 1e6 > bucket_le[k]; k++)
            ;
        atomic_fetch_add(&sd->m.bucket[ctx->route][k], 1);
        atomic_fetch_add(&sd->m.sum_us[ctx->route], (unsigned long long)us);
        if (!sd->conf.quiet)
            access_log(sd, ctx, us);
    }
    thp_free(ctx->uri);
    thp_free(ctx);
    *reqp = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct searchd *sd = cls;
    uintptr_t slot;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        atomic_fetch_add(&sd->m.open_conns, 1);
        slot = ip_slot(c);
        /* the connection keeps its counter, to give it back on close */
        *socket = slot ? &sd->per_ip[slot - 1] : NULL;
        if (*socket)
            atomic_fetch_add((atomic_uint *)*socket, 1);
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        atomic_fetch_sub(&sd->m.open_conns, 1);
        if (*socket)
            atomic_fetch_sub((atomic_uint *)*socket, 1);
    }
}

static struct MHD_Daemon *start_one(struct searchd *sd, const char *host,
                                    unsigned port, struct thp_err *err)
{
    struct sockaddr_in6 a6;
    struct sockaddr_in a4;
    const struct sockaddr *addr;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
                     MHD_USE_ITC | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME;
    struct MHD_Daemon *d;
    unsigned mhd_limit = sd->conf.max_conn ? sd->conf.max_conn + 64 : 1024;

    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)port);
        addr = (const struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)port);
        addr = (const struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        thp_err_set(err, THP_ERR_MISUSE,
                    "'%s' is not a numeric IPv4 or IPv6 address", host);
        return NULL;
    }
    errno = 0;
    d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, sd,
        MHD_OPTION_SOCK_ADDR, addr,
        /* one thread more than query slots: one is always free for
        ** /health, /metrics and static files */
        MHD_OPTION_THREAD_POOL_SIZE, sd->conf.threads + 1u,
        MHD_OPTION_CONNECTION_TIMEOUT, sd->conf.timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, mhd_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        sd->conf.max_per_ip ? sd->conf.max_per_ip + PER_IP_SLACK : 0u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, sd,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, sd,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, sd,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_END);
    if (d == NULL) {
        int e = errno;

        thp_err_set(err, THP_ERR_IO, "cannot listen on %s:%u: %s", host, port,
                    e ? strerror(e) : "libmicrohttpd refused");
    }
    return d;
}

int searchd_start(const struct searchd_conf *conf, struct searchd **out,
                  struct thp_err *err)
{
    struct searchd *sd;
    struct timespec ts;
    unsigned i;

    *out = NULL;
    sd = thp_calloc(1, sizeof *sd);
    if (sd == NULL)
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    sd->conf = *conf;
    if (conf->web_dir && realpath(conf->web_dir, sd->web_real) == NULL)
        sd->web_real[0] = '\0';
    clock_gettime(CLOCK_REALTIME, &ts);
    sd->boot = (unsigned long long)ts.tv_sec ^ ((unsigned long long)getpid()
                                                << 32);
    if (sd->conf.threads == 0)
        sd->conf.threads = 1;
    pthread_mutex_init(&sd->lock, NULL);
    pthread_mutex_init(&sd->qlock, NULL);
    pthread_mutex_init(&sd->hlock, NULL);
    sd->qs = thp_calloc(sd->conf.threads, sizeof *sd->qs);
    sd->qfree = thp_calloc(sd->conf.threads, sizeof(struct qslot *));
    if (sd->qs == NULL || sd->qfree == NULL) {
        searchd_stop(sd);
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < sd->conf.threads; i++)
        sd->qfree[sd->nfree++] = &sd->qs[sd->conf.threads - 1 - i];
    for (i = 0; i < conf->nlisten; i++) {
        sd->mhd[i] = start_one(sd, conf->host[i], conf->port[i], err);
        if (sd->mhd[i] == NULL) {
            searchd_stop(sd);
            return err->rc;
        }
        sd->nmhd = i + 1;
    }
    *out = sd;
    return THP_OK;
}

unsigned searchd_port(const struct searchd *sd, unsigned i)
{
    const union MHD_DaemonInfo *info;

    if (i >= sd->nmhd)
        return 0;
    info = MHD_get_daemon_info(sd->mhd[i], MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void searchd_open_readers(struct searchd *sd)
{
    unsigned i;

    for (i = 0; i <= sd->conf.threads; i++) {
        struct qslot *slot = i < sd->conf.threads ? &sd->qs[i] : &sd->health;
        struct thp_err e;
        int taken = 0;

        thp_err_clear(&e);
        if (slot != &sd->health) {
            /* only a free slot: a search may hold it already */
            unsigned k;

            pthread_mutex_lock(&sd->qlock);
            for (k = 0; k < sd->nfree && !taken; k++)
                if (sd->qfree[k] == slot) {
                    sd->qfree[k] = sd->qfree[--sd->nfree];
                    taken = 1;
                }
            pthread_mutex_unlock(&sd->qlock);
            if (!taken)
                continue;
        } else
            pthread_mutex_lock(&sd->hlock);
        (void)slot_open(sd, slot, &e);
        if (taken)
            slot_release(sd, slot);
        else
            pthread_mutex_unlock(&sd->hlock);
    }
}

void searchd_reopen(struct searchd *sd)
{
    atomic_fetch_add(&sd->epoch, 1);
}

void searchd_drain(struct searchd *sd)
{
    double end = now_ms() + sd->conf.drain_ms;
    unsigned i;

    for (i = 0; i < sd->nmhd; i++) {
        MHD_socket s = MHD_quiesce_daemon(sd->mhd[i]);

        if (s != MHD_INVALID_SOCKET)
            close(s);
    }
    while (atomic_load(&sd->m.in_flight) > 0 && now_ms() < end) {
        struct timespec ts = {0, 10000000L};

        nanosleep(&ts, NULL);
    }
    /* time is up: searches still running or waiting answer 503 now, and
    ** have a moment to send it */
    atomic_store(&sd->aborting, 1);
    slots_shed(sd);
    end = now_ms() + 1000;
    while (atomic_load(&sd->m.in_flight) > 0 && now_ms() < end) {
        struct timespec ts = {0, 10000000L};

        nanosleep(&ts, NULL);
    }
}

void searchd_stop(struct searchd *sd)
{
    unsigned i;

    if (sd == NULL)
        return;
    /* libmicrohttpd must not be stopped with a connection suspended, and
    ** waits for every handler: searches still running are stopped */
    atomic_store(&sd->aborting, 1);
    slots_shed(sd);
    for (i = 0; i < sd->nmhd; i++)
        MHD_stop_daemon(sd->mhd[i]);
    for (i = 0; sd->qs && i < sd->conf.threads; i++)
        thp_reader_close(sd->qs[i].rd);
    thp_reader_close(sd->health.rd);
    thp_free(sd->qs);
    thp_free(sd->qfree);
    pthread_mutex_destroy(&sd->hlock);
    pthread_mutex_destroy(&sd->qlock);
    pthread_mutex_destroy(&sd->lock);
    thp_free(sd);
}
