/*
** http.h: thp-searchd's HTTP side: the libmicrohttpd daemon and its
** routes. main.c parses options and waits for a signal; everything that
** touches a request lives in http.c.
*/
#ifndef THP_SEARCHD_HTTP_H
#define THP_SEARCHD_HTTP_H

#include "thp/err.h"
#include "thp/rank.h"

struct searchd_conf {
    const char *index_path; /* index file */
    const char *web_dir;    /* static files of the search box, or NULL */
    const char *host;       /* address to bind, numeric IPv4 or IPv6 */
    unsigned port;          /* 0: any free port */
    unsigned threads;       /* worker threads */
    int quiet;              /* no access log */
    struct thp_rank_params rank; /* ranking (--rank-config) */
};

struct searchd;

/* Start serving; *out is the running daemon. */
int searchd_start(const struct searchd_conf *conf, struct searchd **out,
                  struct thp_err *err);

/* The port actually bound (useful with port 0). */
unsigned searchd_port(const struct searchd *sd);

/* Stop serving, wait for requests in flight, free everything. */
void searchd_stop(struct searchd *sd);

#endif
