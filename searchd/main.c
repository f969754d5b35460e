/*
** thp-searchd: serve searches over an index as JSON, and the search box.
** This file reads options and waits for SIGINT/SIGTERM; http.c serves.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>

#include "http.h"
#include "thp/index.h"

#define PROG "thp-searchd"

/* Where `make install` puts the search box, relative to the program. */
#define WEB_FROM_BIN "../share/thp-search/web"

static int has_index_html(const char *dir)
{
    char path[PATH_MAX];

    return (size_t)snprintf(path, sizeof path, "%s/index.html", dir) <
               sizeof path &&
           access(path, R_OK) == 0;
}

/*
** The search box's folder when --web is not given: ./web (a source tree),
** else the installed copy beside the program, else none (API only).
*/
static const char *find_web_dir(char *buf, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n;
    char *slash;

    if (has_index_html("web"))
        return "web";
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash == NULL)
        return NULL;
    *slash = '\0';
    if ((size_t)snprintf(buf, len, "%s/" WEB_FROM_BIN, exe) >= len)
        return NULL;
    return has_index_html(buf) ? buf : NULL;
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: " PROG " [--index PATH] [--listen ADDR:PORT] [--web DIR]\n"
        "                   [--threads N] [--port-file FILE] [--quiet]\n"
        "\n"
        "Serve searches over the index as JSON, and the search box.\n"
        "  GET /search?q=QUERY&limit=N&offset=N&lenient=1&prefix=1\n"
        "  GET /health    GET /doc/ID    GET /  (the search box)\n"
        "\n"
        "  --index PATH        index file (default: thp.db)\n"
        "  --listen ADDR:PORT  where to listen (default: 127.0.0.1:8080;\n"
        "                      port 0 picks a free one; [::1]:8080 for IPv6)\n"
        "  --web DIR           search box files (default: ./web if present,\n"
        "                      else " WEB_FROM_BIN " beside the program)\n"
        "  --threads N         worker threads (default: 2)\n"
        "  --port-file FILE    write the port listened on to FILE\n"
        "  --quiet             no access log\n"
        "  --rank-config FILE  ranking parameters, key=value lines (see\n"
        "                      docs/RELEVANCE.md); defaults built in\n");
}

/* Split "host:port" / "[v6]:port" / ":port" / "port". */
static int parse_listen(const char *s, char *host, size_t hlen,
                        unsigned *port)
{
    const char *colon;
    char *end;
    long p;

    if (s[0] == '[') {
        const char *close = strchr(s, ']');

        if (close == NULL || close[1] != ':' || (size_t)(close - s) >= hlen)
            return -1;
        memcpy(host, s + 1, (size_t)(close - s - 1));
        host[close - s - 1] = '\0';
        colon = close + 1;
    } else if ((colon = strrchr(s, ':')) != NULL) {
        if ((size_t)(colon - s) >= hlen)
            return -1;
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
        if (host[0] == '\0')
            snprintf(host, hlen, "127.0.0.1");
    } else {
        snprintf(host, hlen, "127.0.0.1");
        colon = s - 1;
    }
    p = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || p < 0 || p > 65535)
        return -1;
    *port = (unsigned)p;
    return 0;
}

int main(int argc, char **argv)
{
    struct searchd_conf conf;
    const char *port_file = NULL, *listen = "127.0.0.1:8080";
    char host[64], webbuf[PATH_MAX];
    struct searchd *sd;
    struct thp_err err;
    thp_index *probe;
    sigset_t sigs;
    int i, sig;

    memset(&conf, 0, sizeof conf);
    conf.index_path = "thp.db";
    conf.host = "127.0.0.1";
    conf.port = 8080;
    conf.threads = 2;
    thp_rank_defaults(&conf.rank);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "--index") && i + 1 < argc)
            conf.index_path = argv[++i];
        else if (!strcmp(a, "--listen") && i + 1 < argc)
            listen = argv[++i];
        else if (!strcmp(a, "--web") && i + 1 < argc)
            conf.web_dir = argv[++i];
        else if (!strcmp(a, "--port-file") && i + 1 < argc)
            port_file = argv[++i];
        else if (!strcmp(a, "--threads") && i + 1 < argc)
            conf.threads = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(a, "--quiet"))
            conf.quiet = 1;
        else if (!strcmp(a, "--rank-config") && i + 1 < argc) {
            thp_err_clear(&err);
            if (thp_rank_load(&conf.rank, argv[++i], &err) != THP_OK) {
                fprintf(stderr, PROG ": --rank-config %s\n", err.msg);
                return 2;
            }
        }
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, PROG ": unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (parse_listen(listen, host, sizeof host, &conf.port) != 0) {
        fprintf(stderr, PROG ": --listen wants ADDR:PORT, not '%s'\n", listen);
        return 2;
    }
    conf.host = host;
    if (conf.threads == 0 || conf.threads > 64) {
        fprintf(stderr, PROG ": --threads must be 1..64\n");
        return 2;
    }
    if (conf.web_dir == NULL)
        conf.web_dir = find_web_dir(webbuf, sizeof webbuf);

    /* Refuse to start on a missing or foreign index: say so now. */
    thp_err_clear(&err);
    if (thp_index_open(conf.index_path, THP_INDEX_READ, &probe, &err) !=
        THP_OK) {
        fprintf(stderr, PROG ": %s\n", err.msg);
        return 2;
    }
    thp_index_close(probe);

    /* Workers inherit this mask, so only sigwait below sees the signals. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (searchd_start(&conf, &sd, &err) != THP_OK) {
        fprintf(stderr, PROG ": %s\n", err.msg);
        return 2;
    }
    if (port_file) {
        FILE *f = fopen(port_file, "w");

        if (f == NULL || fprintf(f, "%u\n", searchd_port(sd)) < 0 ||
            fclose(f) != 0) {
            fprintf(stderr, PROG ": cannot write '%s'\n", port_file);
            searchd_stop(sd);
            return 2;
        }
    }
    fprintf(stderr, PROG ": serving %s on http://%s%s%s:%u/ (search box: %s)\n",
            conf.index_path, strchr(host, ':') ? "[" : "", host,
            strchr(host, ':') ? "]" : "", searchd_port(sd),
            conf.web_dir ? conf.web_dir : "none, API only");
    sigwait(&sigs, &sig);
    fprintf(stderr, PROG ": %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    searchd_stop(sd);
    return 0;
}
