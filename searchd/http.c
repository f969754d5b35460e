/*
** http.c: routes of thp-searchd on libmicrohttpd.
**
**   GET /search?q=&...    a result page; parameters are the request
**                         table's (lib/request.c), format= any of the
**                         renderer's forms (JSON by default)
**   GET /suggest?q=       completions of the words typed so far
**   GET /health           {"status","documents"}
**   GET /doc/ID           one document as HTML
**   GET /?q=...           the results page as HTML (no script needed)
**   GET / and /NAME.{html,js,css,...}   the search box (web/)
**
** Each worker thread keeps its own reader (exec.h) on the index. A bad
** query or parameter is a 400 with {"error","position"}; an index that
** cannot be read is a 503; nothing a client sends can produce a 500.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http.h"
#include "thp/json.h"
#include "thp/mem.h"
#include "thp/exec.h"
#include "thp/query.h"
#include "thp/render.h"
#include "thp/request.h"

#define JSON_TYPE "application/json; charset=utf-8"
#define HTML_TYPE "text/html; charset=utf-8"

/* One reader per worker thread, all listed for closing. */
struct conn_slot {
    thp_reader *rd;
    struct conn_slot *next;
};

struct searchd {
    struct searchd_conf conf;
    struct MHD_Daemon *mhd;
    pthread_mutex_t lock;      /* guards slots */
    struct conn_slot *slots;
    pthread_key_t key;         /* this thread's conn_slot */
};

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* This thread's reader, opened on first use. */
static thp_reader *thread_reader(struct searchd *sd, struct thp_err *err)
{
    struct conn_slot *slot = pthread_getspecific(sd->key);

    if (slot && slot->rd)
        return slot->rd;
    if (slot == NULL) {
        slot = thp_calloc(1, sizeof *slot);
        if (slot == NULL) {
            thp_err_set(err, THP_ERR_NOMEM, "out of memory");
            return NULL;
        }
        pthread_setspecific(sd->key, slot);
        pthread_mutex_lock(&sd->lock);
        slot->next = sd->slots;
        sd->slots = slot;
        pthread_mutex_unlock(&sd->lock);
    }
    if (thp_reader_open(sd->conf.index_path, &slot->rd, err) != THP_OK)
        return NULL;
    return slot->rd;
}

/*
** Queue a response whose body is body[0..n), which this call takes over
** (freed with thp_free by MHD when sent, or here on failure).
*/
static enum MHD_Result send_body(struct MHD_Connection *c, unsigned status,
                                 const char *type, char *body, size_t n,
                                 int no_store)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    r = MHD_create_response_from_buffer_with_free_callback(n, body,
                                                           thp_free);
    if (r == NULL) {
        thp_free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (no_store)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Send a JSON body built in b (taken over), or a fixed 500 if b failed. */
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status,
                                 struct thp_buf *b)
{
    char *s;
    size_t n = b->n;

    thp_buf_putc(b, '\n');
    n = b->n;
    s = thp_buf_detach(b);
    if (s == NULL) {
        static const char oom[] = "{\"error\":\"out of memory\"}\n";

        thp_buf_release(b);
        s = thp_strdup(oom);
        if (s == NULL)
            return MHD_NO;
        return send_body(c, MHD_HTTP_SERVICE_UNAVAILABLE, JSON_TYPE, s,
                         strlen(s), 1);
    }
    return send_body(c, status, JSON_TYPE, s, n, 1);
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status,
                                  const char *msg, long pos)
{
    struct thp_buf b;

    thp_buf_init(&b, 0);
    thp_buf_putc(&b, '{');
    thp_json_key(&b, "error", 1);
    thp_json_cstr(&b, msg);
    if (pos >= 0) {
        thp_json_key(&b, "position", 0);
        thp_buf_printf(&b, "%ld", pos);
    }
    thp_buf_putc(&b, '}');
    return send_json(c, status, &b);
}

/* Every URL parameter through the request table; the first error wins. */
struct params {
    struct thp_request *req;
    struct thp_err *err;
    int n;
};

static enum MHD_Result on_param(void *cls, enum MHD_ValueKind kind,
                                const char *key, const char *value)
{
    struct params *p = cls;

    (void)kind;
    if (p->err->rc != THP_OK)
        return MHD_NO;
    if (++p->n > 64) {
        thp_err_set(p->err, THP_ERR_TOOBIG, "too many parameters (at most "
                    "64)");
        return MHD_NO;
    }
    if (!strcmp(key, "q") && value == NULL)
        value = "";
    thp_request_set(p->req, key, value, p->err);
    return p->err->rc == THP_OK ? MHD_YES : MHD_NO;
}

static enum MHD_Result handle_search(struct searchd *sd,
                                     struct MHD_Connection *c, int html,
                                     unsigned *status)
{
    struct thp_request *req = thp_malloc(sizeof *req);
    struct params p;
    struct thp_render_opts ro;
    struct thp_result res;
    struct thp_err err;
    struct thp_buf b;
    thp_reader *rd;
    char *body;
    size_t n;
    int rc;

    *status = MHD_HTTP_BAD_REQUEST;
    if (req == NULL) {
        *status = MHD_HTTP_SERVICE_UNAVAILABLE;
        return send_error(c, *status, "out of memory", -1);
    }
    thp_request_init(req);
    req->rank = sd->conf.rank;
    if (html) {
        req->mode = THP_MODE_SIMPLE;
        req->format = THP_FMT_HTML;
    }
    thp_err_clear(&err);
    p.req = req;
    p.err = &err;
    p.n = 0;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, on_param, &p);
    if (err.rc == THP_OK &&
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q") == NULL)
        thp_err_set(&err, THP_ERR_SYNTAX, "missing parameter 'q'");
    if (err.rc == THP_OK && req->all && req->format != THP_FMT_CSV &&
        req->format != THP_FMT_TSV && req->format != THP_FMT_JSONL)
        thp_err_set(&err, THP_ERR_SYNTAX, "limit=all is for format=csv, "
                    "tsv or jsonl");
    if (err.rc != THP_OK) {
        thp_free(req);
        return send_error(c, *status, err.msg, -1);
    }
    rd = thread_reader(sd, &err);
    if (rd == NULL) {
        thp_free(req);
        *status = MHD_HTTP_SERVICE_UNAVAILABLE;
        return send_error(c, *status, "the index cannot be read", -1);
    }
    thp_reader_budget(rd, 10000);
    memset(&ro, 0, sizeof ro);
    ro.format = req->format;
    ro.bom = req->bom;
    ro.base = "/";
    ro.req = req;
    /* limit=all is rendered here in full; streaming it is the daemon's
    ** next step (docs/API.md) */
    rc = thp_exec(rd, req, &res, NULL, NULL, &err);
    if (rc == THP_ERR_SYNTAX || rc == THP_ERR_TOOBIG) {
        thp_free(req);
        return send_error(c, *status, err.msg,
                          err.haspos ? (long)err.pos : -1);
    }
    if (rc != THP_OK) {
        thp_free(req);
        *status = MHD_HTTP_SERVICE_UNAVAILABLE;
        return send_error(c, *status, "the index cannot be read", -1);
    }
    thp_buf_init(&b, 0);
    thp_render(&b, &res, &ro);
    thp_result_release(&res);
    n = b.n;
    body = thp_buf_detach(&b);
    thp_buf_release(&b);
    if (body == NULL) {
        thp_free(req);
        *status = MHD_HTTP_SERVICE_UNAVAILABLE;
        return send_error(c, *status, "out of memory", -1);
    }
    *status = MHD_HTTP_OK;
    {
        struct MHD_Response *r =
            MHD_create_response_from_buffer_with_free_callback(n, body,
                                                               thp_free);
        enum MHD_Result ret;

        if (r == NULL) {
            thp_free(body);
            thp_free(req);
            return MHD_NO;
        }
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                thp_render_mime(req->format));
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        if (req->format == THP_FMT_CSV || req->format == THP_FMT_TSV)
            MHD_add_response_header(r, "Content-Disposition",
                                    req->format == THP_FMT_CSV
                                        ? "attachment; filename=\"thp-search.csv\""
                                        : "attachment; filename=\"thp-search.tsv\"");
        if (req->format == THP_FMT_HTML)
            MHD_add_response_header(r, "Content-Security-Policy",
                                    "default-src 'self'; base-uri 'none'; "
                                    "form-action 'self'");
        ret = MHD_queue_response(c, *status, r);
        MHD_destroy_response(r);
        thp_free(req);
        return ret;
    }
}

static enum MHD_Result handle_suggest(struct searchd *sd,
                                      struct MHD_Connection *c,
                                      unsigned *status)
{
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q");
    struct thp_err err;
    struct thp_buf b;
    thp_reader *rd;
    char **v = NULL;
    size_t nv = 0, i;

    *status = MHD_HTTP_BAD_REQUEST;
    if (q == NULL)
        return send_error(c, *status, "missing parameter 'q'", -1);
    if (strlen(q) > THP_REQUEST_MAX_Q)
        return send_error(c, *status, "query too long", -1);
    thp_err_clear(&err);
    rd = thread_reader(sd, &err);
    if (rd == NULL || thp_suggest(rd, q, strlen(q), 8, &v, &nv, &err) !=
                          THP_OK) {
        *status = err.rc == THP_ERR_SYNTAX ? MHD_HTTP_BAD_REQUEST
                                           : MHD_HTTP_SERVICE_UNAVAILABLE;
        return send_error(c, *status, err.rc == THP_ERR_SYNTAX
                                          ? err.msg
                                          : "the index cannot be read", -1);
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
    *status = MHD_HTTP_OK;
    return send_json(c, *status, &b);
}

static enum MHD_Result handle_health(struct searchd *sd,
                                     struct MHD_Connection *c,
                                     unsigned *status)
{
    struct thp_err err;
    struct thp_buf b;
    thp_reader *rd;
    int64_t n = 0;

    thp_err_clear(&err);
    rd = thread_reader(sd, &err);
    if (rd == NULL || thp_reader_refresh(rd, NULL, &err) != THP_OK ||
        thp_index_count(thp_reader_index(rd), &n, &err) != THP_OK) {
        *status = MHD_HTTP_SERVICE_UNAVAILABLE;
        thp_buf_init(&b, 0);
        thp_buf_puts(&b, "{\"status\":\"unavailable\",\"error\":");
        thp_json_cstr(&b, err.msg);
        thp_buf_putc(&b, '}');
        return send_json(c, *status, &b);
    }
    *status = MHD_HTTP_OK;
    thp_buf_init(&b, 0);
    thp_buf_printf(&b, "{\"status\":\"ok\",\"documents\":%lld}",
                   (long long)n);
    return send_json(c, *status, &b);
}

/* Append s HTML-escaped; paragraphs (blank lines) become <p>. */
static void html_paragraphs(struct thp_buf *b, const char *s)
{
    thp_buf_puts(b, "<p>");
    for (; *s; s++) {
        if (s[0] == '\n' && s[1] == '\n') {
            thp_buf_puts(b, "</p>\n<p>");
            s++;
        } else if (*s == '\n' || *s == '\f') {
            thp_buf_puts(b, "<br>\n");
        } else {
            char one[2] = {*s, 0};

            thp_render_html_text(b, one);
        }
    }
    thp_buf_puts(b, "</p>\n");
}

static void html_text(struct thp_buf *b, const char *s)
{
    thp_render_html_text(b, s ? s : "");
}

/* GET /doc/ID: the stored text of one document, for result links. */
static enum MHD_Result handle_doc(struct searchd *sd,
                                  struct MHD_Connection *c, const char *id,
                                  unsigned *status)
{
    struct thp_document doc;
    struct thp_err err;
    struct thp_buf b;
    thp_reader *rd;
    char *end, *s;
    long long n;
    size_t len;
    int rc;

    errno = 0;
    n = strtoll(id, &end, 10);
    *status = MHD_HTTP_NOT_FOUND;
    if (*id == '\0' || *end != '\0' || n <= 0 || errno)
        return send_error(c, *status, "no such document", -1);
    thp_err_clear(&err);
    rd = thread_reader(sd, &err);
    rc = rd ? thp_query_document(thp_reader_index(rd), n, 4 << 20, &doc,
                                 &err)
            : THP_ERR_DB;
    if (rc == THP_ERR_NOTFOUND)
        return send_error(c, *status, "no such document", -1);
    if (rc != THP_OK) {
        *status = MHD_HTTP_SERVICE_UNAVAILABLE;
        return send_error(c, *status, err.msg, -1);
    }
    thp_buf_init(&b, 0);
    thp_buf_puts(&b, "<!doctype html>\n<html lang=\"en\"><head>"
                     "<meta charset=\"utf-8\"><meta name=\"viewport\" "
                     "content=\"width=device-width, initial-scale=1\">"
                     "<link rel=\"stylesheet\" href=\"/search.css\"><title>");
    html_text(&b, doc.title);
    thp_buf_puts(&b, "</title></head><body><main class=\"doc\"><p><a "
                     "href=\"/\">Back to search</a></p><h1>");
    html_text(&b, doc.title);
    thp_buf_puts(&b, "</h1><p class=\"doc-meta\">");
    html_text(&b, doc.kind);
    thp_buf_puts(&b, " · ");
    html_text(&b, doc.url);
    thp_buf_puts(&b, "</p>\n");
    html_paragraphs(&b, doc.body);
    thp_buf_puts(&b, "</main></body></html>\n");
    thp_document_release(&doc);
    len = b.n;
    s = thp_buf_detach(&b);
    if (s == NULL) {
        thp_buf_release(&b);
        *status = MHD_HTTP_SERVICE_UNAVAILABLE;
        return send_error(c, *status, "out of memory", -1);
    }
    *status = MHD_HTTP_OK;
    return send_body(c, *status, HTML_TYPE, s, len, 0);
}

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
** folders, no leading dot, a known type. Anything else is 404.
*/
static enum MHD_Result handle_static(struct searchd *sd,
                                     struct MHD_Connection *c,
                                     const char *url, unsigned *status)
{
    const char *name = strcmp(url, "/") ? url + 1 : "index.html";
    const char *type = content_type(name);
    char path[4096];
    struct MHD_Response *r;
    struct stat st;
    enum MHD_Result ret;
    size_t i;
    int fd;

    *status = MHD_HTTP_NOT_FOUND;
    if (sd->conf.web_dir == NULL || type == NULL || name[0] == '.')
        return send_error(c, *status, "not found", -1);
    for (i = 0; name[i]; i++)
        if (!(name[i] == '-' || name[i] == '_' || name[i] == '.' ||
              (name[i] >= 'a' && name[i] <= 'z') ||
              (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9')))
            return send_error(c, *status, "not found", -1);
    if ((size_t)snprintf(path, sizeof path, "%s/%s", sd->conf.web_dir, name) >=
        sizeof path)
        return send_error(c, *status, "not found", -1);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return send_error(c, *status, "not found", -1);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return send_error(c, *status, "not found", -1);
    }
    r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (r == NULL) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (!strcmp(type, HTML_TYPE))
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'self'; base-uri 'none'; "
                                "form-action 'self'; frame-ancestors 'none'");
    *status = MHD_HTTP_OK;
    ret = MHD_queue_response(c, *status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **req)
{
    struct searchd *sd = cls;
    unsigned status = 0;
    enum MHD_Result ret;
    double t0 = now_ms();

    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        status = MHD_HTTP_METHOD_NOT_ALLOWED;
        ret = send_error(c, status, "only GET and HEAD are served", -1);
    } else if (*upload_size != 0) {
        *upload_size = 0; /* a GET body is ignored */
        return MHD_YES;
    } else if (!strcmp(url, "/search")) {
        ret = handle_search(sd, c, 0, &status);
    } else if (!strcmp(url, "/suggest")) {
        ret = handle_suggest(sd, c, &status);
    } else if (!strcmp(url, "/") &&
               MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q")) {
        ret = handle_search(sd, c, 1, &status);
    } else if (!strcmp(url, "/health")) {
        ret = handle_health(sd, c, &status);
    } else if (!strncmp(url, "/doc/", 5)) {
        ret = handle_doc(sd, c, url + 5, &status);
    } else {
        ret = handle_static(sd, c, url, &status);
    }
    if (!sd->conf.quiet)
        fprintf(stderr, "thp-searchd: %s %s %u %.1fms\n", method, url, status,
                now_ms() - t0);
    (void)version;
    (void)upload;
    (void)req;
    return ret;
}

static void slot_destructor(void *p)
{
    (void)p; /* slots are closed by searchd_stop, after the threads end */
}

int searchd_start(const struct searchd_conf *conf, struct searchd **out,
                  struct thp_err *err)
{
    struct sockaddr_in6 a6;
    struct sockaddr_in a4;
    const struct sockaddr *addr;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    struct searchd *sd;

    *out = NULL;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    if (inet_pton(AF_INET, conf->host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)conf->port);
        addr = (const struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, conf->host, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)conf->port);
        addr = (const struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        return thp_err_set(err, THP_ERR_MISUSE,
                           "'%s' is not a numeric IPv4 or IPv6 address",
                           conf->host);
    }
    sd = thp_calloc(1, sizeof *sd);
    if (sd == NULL)
        return thp_err_set(err, THP_ERR_NOMEM, "out of memory");
    sd->conf = *conf;
    pthread_mutex_init(&sd->lock, NULL);
    pthread_key_create(&sd->key, slot_destructor);
    sd->mhd = MHD_start_daemon(
        flags, (uint16_t)conf->port, NULL, NULL, on_request, sd,
        MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(conf->threads ? conf->threads : 1),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_END);
    if (sd->mhd == NULL) {
        int e = errno;

        searchd_stop(sd);
        return thp_err_set(err, THP_ERR_IO, "cannot listen on %s:%u: %s",
                           conf->host, conf->port,
                           e ? strerror(e) : "libmicrohttpd refused");
    }
    *out = sd;
    return THP_OK;
}

unsigned searchd_port(const struct searchd *sd)
{
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(sd->mhd, MHD_DAEMON_INFO_BIND_PORT);

    return info ? info->port : 0;
}

void searchd_stop(struct searchd *sd)
{
    struct conn_slot *s, *next;

    if (sd == NULL)
        return;
    if (sd->mhd)
        MHD_stop_daemon(sd->mhd);
    for (s = sd->slots; s; s = next) {
        next = s->next;
        thp_reader_close(s->rd);
        thp_free(s);
    }
    pthread_key_delete(sd->key);
    pthread_mutex_destroy(&sd->lock);
    thp_free(sd);
}
