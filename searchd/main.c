/*
** thp-searchd: serve searches over an index as JSON, and the search box.
** This file reads options, binds, drops privileges (--user) and waits
** for SIGHUP (reopen), SIGINT/SIGTERM (drain, stop); http.c serves.
*/
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>

#include "http.h"
#include "thp/index.h"

#define PROG "thp-searchd"
#ifndef THP_VERSION
#define THP_VERSION "0.9.0"
#endif

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
        "usage: " PROG " [--index PATH] [--listen ADDR:PORT]... [--web DIR]\n"
        "                   [--threads N] [--port-file FILE] [options]\n"
        "\n"
        "Serve searches over the index as JSON, and the search box.\n"
        "  GET /search?q=QUERY&limit=N&offset=N&lenient=1&prefix=1&format=F\n"
        "  GET /suggest?q=   GET /health   GET /metrics   GET /doc/ID\n"
        "  GET /  (the search box)\n"
        "\n"
        "  --index PATH        index file, opened read-only (default: thp.db)\n"
        "  --listen ADDR:PORT  where to listen, repeatable (default:\n"
        "                      127.0.0.1:8080; port 0 picks a free one;\n"
        "                      [::1]:8080 for IPv6)\n"
        "  --web DIR           search box files (default: ./web if present,\n"
        "                      else " WEB_FROM_BIN " beside the program)\n"
        "  --threads N         searches run at once, 1..64 (default: online\n"
        "                      CPUs); /health and files are answered by\n"
        "                      one more thread even when all are busy\n"
        "  --max-queue N       searches waiting for a free thread before a\n"
        "                      503 (default 256)\n"
        "  --max-connections N open connections before a 503 (default 512)\n"
        "  --max-per-ip N      connections per client address (default 64,\n"
        "                      0 no limit)\n"
        "  --timeout SEC       close idle or slow connections (default 30)\n"
        "  --max-uri BYTES     longest request target, else 414 (default 8192)\n"
        "  --time-budget MS    per-query time budget, else 503 (default 2000)\n"
        "  --drain MS          on SIGTERM, wait this long for requests in\n"
        "                      flight (default 10000)\n"
        "  --cors-origin ORIGIN  allow this origin (repeatable; * any)\n"
        "  --log-format text|json  access log form (default text)\n"
        "  --quiet             no access log\n"
        "  --user NAME         drop to this user after binding (required\n"
        "                      when started as root; never root itself)\n"
        "  --port-file FILE    write the (first) port listened on to FILE\n"
        "  --rank-config FILE  ranking parameters, key=value lines (see\n"
        "                      docs/RELEVANCE.md); defaults built in\n"
        "  --version           print the version\n"
        "\n"
        "Signals: SIGHUP reopens the index in every worker; SIGTERM/SIGINT\n"
        "stop accepting, finish requests in flight, exit 0.\n");
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

/* A whole number in lo..hi, or -1. */
static long number(const char *s, long lo, long hi)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (s[0] == '\0' || *end != '\0' || errno || v < lo || v > hi)
        return -1;
    return v;
}

/* Become user name (after binding): groups, gid, then uid; for good. */
static int drop_to(const char *name)
{
    struct passwd *pw = getpwnam(name);

    if (pw == NULL) {
        fprintf(stderr, PROG ": --user: no user '%s'\n", name);
        return -1;
    }
    if (geteuid() != 0) {
        if (pw->pw_uid == geteuid())
            return 0;
        fprintf(stderr, PROG ": --user %s: only root can change user\n",
                name);
        return -1;
    }
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
        setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        fprintf(stderr, PROG ": --user %s: %s\n", name, strerror(errno));
        return -1;
    }
    if (pw->pw_uid != 0 && setuid(0) == 0) {
        fprintf(stderr, PROG ": --user %s: could regain root\n", name);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct searchd_conf conf;
    const char *port_file = NULL, *user = NULL;
    const char *listen[SEARCHD_MAX_LISTEN];
    char host[SEARCHD_MAX_LISTEN][64], webbuf[PATH_MAX];
    unsigned nlisten = 0, u;
    struct searchd *sd;
    struct thp_err err;
    thp_index *probe;
    struct passwd *pw = NULL;
    FILE *pf = NULL;
    sigset_t sigs;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN), v;
    int i, sig;

    memset(&conf, 0, sizeof conf);
    conf.index_path = "thp.db";
    conf.threads = cpus < 1 ? 1 : cpus > 64 ? 64 : (unsigned)cpus;
    conf.max_conn = 512;
    conf.max_queue = 256;
    conf.max_per_ip = 64;
    conf.timeout_s = 30;
    conf.max_uri = 8192;
    conf.budget_ms = 2000;
    conf.drain_ms = 10000;
    thp_rank_defaults(&conf.rank);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;

#define NUM(flag, field, lo, hi)                                         \
        if (!strcmp(a, flag) && val) {                                   \
            if ((v = number(val, lo, hi)) < 0) {                         \
                fprintf(stderr, PROG ": " flag " must be %ld..%ld, not '%s'\n", \
                        (long)(lo), (long)(hi), val);                    \
                return 2;                                                \
            }                                                            \
            conf.field = (unsigned)v;                                    \
            i++;                                                         \
            continue;                                                    \
        }
        NUM("--threads", threads, 1, 64)
        NUM("--max-connections", max_conn, 1, 100000)
        NUM("--max-queue", max_queue, 0, 100000)
        NUM("--max-per-ip", max_per_ip, 0, 100000)
        NUM("--timeout", timeout_s, 1, 3600)
        NUM("--max-uri", max_uri, 64, 60000)
        NUM("--time-budget", budget_ms, 0, 3600000)
        NUM("--drain", drain_ms, 0, 600000)
#undef NUM
        if (!strcmp(a, "--index") && val)
            conf.index_path = argv[++i];
        else if (!strcmp(a, "--listen") && val) {
            if (nlisten == SEARCHD_MAX_LISTEN) {
                fprintf(stderr, PROG ": at most %d --listen\n",
                        SEARCHD_MAX_LISTEN);
                return 2;
            }
            listen[nlisten++] = argv[++i];
        } else if (!strcmp(a, "--web") && val)
            conf.web_dir = argv[++i];
        else if (!strcmp(a, "--port-file") && val)
            port_file = argv[++i];
        else if (!strcmp(a, "--user") && val)
            user = argv[++i];
        else if (!strcmp(a, "--cors-origin") && val) {
            if (conf.norigins == SEARCHD_MAX_ORIGINS) {
                fprintf(stderr, PROG ": at most %d --cors-origin\n",
                        SEARCHD_MAX_ORIGINS);
                return 2;
            }
            conf.origins[conf.norigins++] = argv[++i];
        } else if (!strcmp(a, "--log-format") && val) {
            i++;
            if (!strcmp(val, "text"))
                conf.log_format = SEARCHD_LOG_TEXT;
            else if (!strcmp(val, "json"))
                conf.log_format = SEARCHD_LOG_JSON;
            else {
                fprintf(stderr, PROG ": --log-format is text or json, not "
                        "'%s'\n", val);
                return 2;
            }
        } else if (!strcmp(a, "--quiet"))
            conf.quiet = 1;
        else if (!strcmp(a, "--rank-config") && val) {
            thp_err_clear(&err);
            if (thp_rank_load(&conf.rank, argv[++i], &err) != THP_OK) {
                fprintf(stderr, PROG ": --rank-config %s\n", err.msg);
                return 2;
            }
        } else if (!strcmp(a, "--version")) {
            printf(PROG " " THP_VERSION "\n");
            return 0;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, PROG ": unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (nlisten == 0)
        listen[nlisten++] = "127.0.0.1:8080";
    for (u = 0; u < nlisten; u++) {
        if (parse_listen(listen[u], host[u], sizeof host[u], &conf.port[u]) !=
            0) {
            fprintf(stderr, PROG ": --listen wants ADDR:PORT, not '%s'\n",
                    listen[u]);
            return 2;
        }
        conf.host[u] = host[u];
    }
    conf.nlisten = nlisten;
    if (conf.web_dir == NULL)
        conf.web_dir = find_web_dir(webbuf, sizeof webbuf);
    if (user && (pw = getpwnam(user)) == NULL) {
        fprintf(stderr, PROG ": --user: no user '%s'\n", user);
        return 2;
    }
    /* a search service needs no privilege: as root, only to bind */
    if (geteuid() == 0 && user == NULL) {
        fprintf(stderr, PROG ": refusing to run as root; give --user NAME "
                "(an unprivileged user who may read the index) to drop to "
                "after binding\n");
        return 2;
    }
    if (user && pw->pw_uid == 0) {
        fprintf(stderr, PROG ": --user %s: that is root; name an "
                "unprivileged user\n", user);
        return 2;
    }

    /* Workers inherit this mask, so only sigwait below sees the signals. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* Bind (perhaps a privileged port), then become the user ... */
    thp_err_clear(&err);
    if (searchd_start(&conf, &sd, &err) != THP_OK) {
        fprintf(stderr, PROG ": %s\n", err.msg);
        return 2;
    }
    /* the port file is opened before the user changes (its folder may be
    ** root's), written once the index is known to be readable */
    if (port_file && user &&
        (pf = fopen(port_file, "w")) == NULL) {
        fprintf(stderr, PROG ": cannot write '%s'\n", port_file);
        searchd_stop(sd);
        return 2;
    }
    if (user && drop_to(user) != 0) {
        searchd_stop(sd);
        return 2;
    }
    /* ... and refuse to serve a missing or foreign index: say so now. */
    thp_err_clear(&err);
    if (thp_index_open(conf.index_path, THP_INDEX_READ, &probe, &err) !=
        THP_OK) {
        fprintf(stderr, PROG ": %s\n", err.msg);
        searchd_stop(sd);
        if (pf) {
            fclose(pf);
            unlink(port_file);
        }
        return 2;
    }
    if (thp_index_immutable(probe))
        fprintf(stderr, PROG ": note: '%s' is read as an unchanging file "
                "(no -shm file can be created beside it): update it by "
                "renaming a new index over it (docs/DEPLOY.md)\n",
                conf.index_path);
    thp_index_close(probe);
    searchd_open_readers(sd);
    if (port_file) {
        FILE *f = pf ? pf : fopen(port_file, "w");

        if (f == NULL || fprintf(f, "%u\n", searchd_port(sd, 0)) < 0 ||
            fclose(f) != 0) {
            fprintf(stderr, PROG ": cannot write '%s'\n", port_file);
            searchd_stop(sd);
            return 2;
        }
    }
    for (u = 0; u < nlisten; u++)
        fprintf(stderr, PROG ": serving %s on http://%s%s%s:%u/ (search box: "
                "%s)\n", conf.index_path, strchr(host[u], ':') ? "[" : "",
                host[u], strchr(host[u], ':') ? "]" : "", searchd_port(sd, u),
                conf.web_dir ? conf.web_dir : "none, API only");
    for (;;) {
        sigwait(&sigs, &sig);
        if (sig != SIGHUP)
            break;
        fprintf(stderr, PROG ": SIGHUP, reopening the index\n");
        searchd_reopen(sd);
    }
    fprintf(stderr, PROG ": %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    searchd_drain(sd);
    searchd_stop(sd);
    return 0;
}
