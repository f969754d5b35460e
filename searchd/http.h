/*
** http.h: thp-searchd's HTTP side: the libmicrohttpd daemons and their
** routes. main.c parses options, binds, drops privileges and waits for
** signals; everything that touches a request lives in http.c.
*/
#ifndef THP_SEARCHD_HTTP_H
#define THP_SEARCHD_HTTP_H

#include "thp/err.h"
#include "thp/rank.h"

#define SEARCHD_MAX_LISTEN 8
#define SEARCHD_MAX_ORIGINS 16

enum searchd_log { SEARCHD_LOG_TEXT = 0, SEARCHD_LOG_JSON };

struct searchd_conf {
    const char *index_path; /* index file */
    const char *web_dir;    /* static files of the search box, or NULL */
    const char *host[SEARCHD_MAX_LISTEN]; /* numeric IPv4 or IPv6 */
    unsigned port[SEARCHD_MAX_LISTEN];    /* 0: any free port */
    unsigned nlisten;
    unsigned threads;       /* query slots: searches run at once */
    unsigned max_queue;     /* searches waiting for a slot; more: 503 */
    int quiet;              /* no access log */
    int log_format;         /* enum searchd_log */
    const char *origins[SEARCHD_MAX_ORIGINS]; /* --cors-origin, "*" any */
    unsigned norigins;
    unsigned max_conn;      /* open connections; more get a 503 */
    unsigned max_per_ip;    /* connections per client address (0: off) */
    unsigned timeout_s;     /* idle connection timeout */
    unsigned max_uri;       /* bytes of the request target */
    unsigned budget_ms;     /* per-query time budget (0: none) */
    unsigned drain_ms;      /* SIGTERM: wait this long for requests */
    struct thp_rank_params rank; /* ranking (--rank-config) */
};

struct searchd;

/* Start serving; *out is the running daemon. */
int searchd_start(const struct searchd_conf *conf, struct searchd **out,
                  struct thp_err *err);

/* The port actually bound by listening address i (useful with port 0). */
unsigned searchd_port(const struct searchd *sd, unsigned i);

/* SIGHUP: every worker reopens the index before its next request. */
void searchd_reopen(struct searchd *sd);

/*
** Open every search thread's reader (and /health's) now, as the user the
** daemon runs as: should the index file go away, all answer from the
** same open file. A reader not opened here opens on its first request.
*/
void searchd_open_readers(struct searchd *sd);

/* Stop accepting, let requests in flight finish (up to conf.drain_ms). */
void searchd_drain(struct searchd *sd);

/* Stop serving, wait for the threads, free everything. */
void searchd_stop(struct searchd *sd);

#endif
