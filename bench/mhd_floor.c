/*
** mhd_floor.c: the HTTP floor for bench/searchd_bench.sh.
**
**   mhd_floor PORT_FILE THREADS BYTES
**
** A bare libmicrohttpd daemon on 127.0.0.1 (an ephemeral port, written to
** PORT_FILE) set up as thp-searchd sets up its own (internal polling, a
** pool of THREADS threads, keep-alive), answering every request with the
** same JSON body of BYTES bytes and nothing else: no parsing, no index, no
** rendering. wrk against it measures what the HTTP layer alone costs, so
** the daemon's q/s can be read beside both the query core and this floor.
** Runs until SIGTERM or SIGINT.
*/
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

static char *body;
static size_t body_len;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_len, void **ctx)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    (void)cls; (void)url; (void)method; (void)version; (void)upload;
    (void)upload_len; (void)ctx;
    r = MHD_create_response_from_buffer(body_len, body,
                                        MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type",
                            "application/json; charset=utf-8");
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

int main(int argc, char **argv)
{
    struct sockaddr_in a;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    unsigned threads;
    size_t i;
    FILE *f;

    if (argc != 4) {
        fprintf(stderr, "usage: mhd_floor PORT_FILE THREADS BYTES\n");
        return 2;
    }
    threads = (unsigned)strtoul(argv[2], NULL, 10);
    body_len = (size_t)strtoul(argv[3], NULL, 10);
    if (threads == 0 || body_len < 2 || (body = malloc(body_len)) == NULL) {
        fprintf(stderr, "mhd_floor: bad THREADS or BYTES\n");
        return 2;
    }
    /* {"x":"aaaa...a"} padded to BYTES */
    for (i = 0; i < body_len; i++)
        body[i] = 'a';
    memcpy(body, "{\"x\":\"", body_len < 6 ? body_len : 6);
    body[body_len - 2] = '"';
    body[body_len - 1] = '}';
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
                         MHD_USE_ITC | MHD_USE_AUTO, 0, NULL, NULL,
                         on_request, NULL,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a,
                         MHD_OPTION_THREAD_POOL_SIZE, threads,
                         MHD_OPTION_CONNECTION_LIMIT, 1024u,
                         MHD_OPTION_CONNECTION_TIMEOUT, 30u,
                         MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
                         MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "mhd_floor: cannot start libmicrohttpd\n");
        return 1;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (info == NULL || (f = fopen(argv[1], "w")) == NULL) {
        fprintf(stderr, "mhd_floor: no port\n");
        return 1;
    }
    fprintf(f, "%u\n", (unsigned)info->port);
    fclose(f);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    while (!stop)
        pause();
    MHD_stop_daemon(d);
    free(body);
    return 0;
}
