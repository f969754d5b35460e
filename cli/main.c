/*
** thp-search: the command-line search over an index built by thp-index.
** Its options are the request table of lib/request.c (the same names as
** the daemon's URL parameters, as --NAME VALUE), its output one of the
** renderer's forms (lib/render.c): text for people, json, jsonl, csv, tsv
** and kwic for programs and spreadsheets. Exit status like grep: 0 when
** something matched, 1 when nothing did, 2 on error.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "thp/buf.h"
#include "thp/exec.h"
#include "thp/json.h"
#include "thp/mem.h"
#include "thp/render.h"
#include "thp/request.h"

#define PROG "thp-search"
#ifndef THP_VERSION
#define THP_VERSION "0.5"
#endif

static void usage(FILE *f)
{
    fprintf(f,
        "usage: " PROG " [--index PATH] [OPTIONS] QUERY...\n"
        "\n"
        "Search the index. QUERY words are joined by spaces. The language\n"
        "(docs/QUERY.md):\n"
        "  refugee camps      both words        \"labour market\"  a phrase\n"
        "  asy*               a prefix          refugee OR migrant  either\n"
        "  -camps, NOT camps  exclude           ( ... )           grouping\n"
        "  NEAR(a b, 5), \"a b\"~5               words close together\n"
        "  title: body: location: author: partner:   only in that field\n"
        "  kind:report lang:nl year:2011 date:2010..2012 date:>=2011-06\n"
        "\n"
        "Program options:\n"
        "  --index PATH      index file (default: thp.db)\n"
        "  --json            the same as --format json\n"
        "  --kwic [WIDTH]    every occurrence in context, aligned\n"
        "  --count-by F[,F]  a table of matching documents by year, kind,\n"
        "                    location, lang or author\n"
        "  --suggest         completions of the words typed so far\n"
        "  --color WHEN      highlight matches: auto (default), always, never\n"
        "  --rank-config FILE  ranking parameters from a file (docs/RELEVANCE.md)\n"
        "  --no-expand       turn feedback off (for --trec-run)\n"
        "  --trec-run FILE   run every query of FILE (qid TAB query a line) as\n"
        "                    ranked retrieval and print a TREC run\n"
        "  --run-tag TAG     the run's tag (default: thp)\n"
        "  --version, --help\n"
        "\n"
        "Request options (the daemon's URL parameters; flags take no value):\n");
    thp_request_help(f, 1);
    fprintf(f, "\nExit status: 0 if something matched, 1 if nothing did, "
               "2 on error.\n");
}

/* Show where in the query an error is: the query, then a caret. */
static void show_position(const char *q, size_t pos)
{
    size_t i, chars = 0;

    fprintf(stderr, "  %s\n  ", q);
    for (i = 0; q[i] && chars < pos; i++)
        if (((unsigned char)q[i] & 0xC0) != 0x80) {
            fputc(' ', stderr);
            chars++;
        }
    fputs("^\n", stderr);
}

/* Streaming output: each hit rendered and written at once. */
struct stream {
    const struct thp_render_opts *ro;
    int head_done;
    size_t n;
};

static int write_buf(struct thp_buf *b)
{
    if (b->rc != THP_OK)
        return b->rc;
    if (b->n && fwrite(b->s, 1, b->n, stdout) != b->n)
        return THP_ERR_IO;
    thp_buf_reset(b);
    return THP_OK;
}

static int stream_hit(void *arg, const struct thp_result *res,
                      const struct thp_hit *h, size_t rank)
{
    struct stream *s = arg;
    struct thp_buf b;
    int rc;

    thp_buf_init(&b, 0);
    if (!s->head_done) {
        thp_render_head(&b, res, s->ro);
        s->head_done = 1;
    }
    thp_render_hit(&b, res, h, rank, s->ro);
    rc = write_buf(&b);
    thp_buf_release(&b);
    s->n++;
    return rc;
}

/* The id a JSON Lines document was given: what follows the last '#'. */
static const char *doc_id(const char *url)
{
    const char *hash = strrchr(url, '#');

    return hash ? hash + 1 : url;
}

/*
** --trec-run: each line "qid<TAB>query" is run as ranked retrieval (words
** OR-ed, malformed queries repaired) and printed as a TREC run. Every
** source of a hit is listed (the same text found twice is one document).
*/
static int trec_run(thp_reader *rd, const char *file,
                    struct thp_request *req, const char *tag)
{
    FILE *f = fopen(file, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long nq = 0;
    int rc = 0;

    if (f == NULL) {
        fprintf(stderr, PROG ": cannot open '%s': %s\n", file,
                strerror(errno));
        return 2;
    }
    req->mode = THP_MODE_ANY;
    req->snippets = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        struct thp_result res;
        struct thp_err err;
        char *tab = strchr(line, '\t'), *q;
        size_t i, j, rank = 0;

        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (tab == NULL || tab == line)
            continue;
        *tab = '\0';
        q = tab + 1;
        thp_err_clear(&err);
        if (thp_request_set(req, "q", q, &err) != THP_OK ||
            thp_exec(rd, req, &res, NULL, NULL, &err) != THP_OK) {
            fprintf(stderr, PROG ": query %s: %s\n", line, err.msg);
            rc = 2;
            continue;
        }
        for (i = 0; i < res.nhits && rank < req->limit; i++)
            for (j = 0; j < res.hits[i].nsources && rank < req->limit; j++)
                printf("%s Q0 %s %zu %.4f %s\n", line,
                       doc_id(res.hits[i].sources[j]), ++rank,
                       res.hits[i].score, tag);
        thp_result_release(&res);
        nq++;
    }
    free(line); /* getline allocates with malloc */
    fclose(f);
    if (fflush(stdout) != 0)
        rc = 2;
    fprintf(stderr, PROG ": %ld queries run\n", nq);
    return rc;
}

static int print_suggestions(thp_reader *rd, const char *q, size_t n,
                             size_t limit, int json)
{
    struct thp_err err;
    char **v = NULL;
    size_t nv = 0, i;
    struct thp_buf b;

    thp_err_clear(&err);
    if (thp_suggest(rd, q, n, limit, &v, &nv, &err) != THP_OK) {
        fprintf(stderr, PROG ": %s\n", err.msg);
        return 2;
    }
    thp_buf_init(&b, 0);
    if (json) {
        thp_buf_puts(&b, "{\"query\":");
        thp_json_str(&b, q, n);
        thp_buf_puts(&b, ",\"suggestions\":[");
    }
    for (i = 0; i < nv; i++) {
        if (json) {
            if (i)
                thp_buf_putc(&b, ',');
            thp_json_cstr(&b, v[i]);
        } else {
            thp_buf_printf(&b, "%s\n", v[i]);
        }
        thp_free(v[i]);
    }
    thp_free(v);
    if (json)
        thp_buf_puts(&b, "]}\n");
    write_buf(&b);
    thp_buf_release(&b);
    return nv ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *index_path = "thp.db", *color_when = "auto";
    const char *trec = NULL, *tag = "thp", *count_by = NULL;
    struct thp_request *req = thp_malloc(sizeof *req);
    struct thp_render_opts ro;
    struct thp_buf q, out;
    struct thp_result res;
    struct thp_err err;
    thp_reader *rd = NULL;
    int i, rc = 2, expand = -1, suggest = 0, is_flag;

    if (req == NULL) {
        fprintf(stderr, PROG ": out of memory\n");
        return 2;
    }
    thp_request_init(req);
    req->format = THP_FMT_TEXT;
    memset(&ro, 0, sizeof ro);
    thp_buf_init(&q, 0);
    thp_buf_init(&out, 0);
    thp_err_clear(&err);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "--index") && i + 1 < argc) {
            index_path = argv[++i];
        } else if (!strcmp(a, "--json")) {
            req->format = THP_FMT_JSON;
        } else if (!strcmp(a, "--kwic")) {
            req->format = THP_FMT_KWIC;
            if (i + 1 < argc && argv[i + 1][0] >= '0' &&
                argv[i + 1][0] <= '9' &&
                thp_request_set(req, "width", argv[++i], &err) != THP_OK)
                goto bad;
        } else if (!strcmp(a, "--count-by") && i + 1 < argc) {
            count_by = argv[++i];
            if (thp_request_set(req, "facets", count_by, &err) != THP_OK)
                goto bad;
        } else if (!strcmp(a, "--suggest")) {
            suggest = 1;
        } else if (!strcmp(a, "--color") && i + 1 < argc) {
            color_when = argv[++i];
        } else if (!strcmp(a, "--trec-run") && i + 1 < argc) {
            trec = argv[++i];
            req->limit = 100;
        } else if (!strcmp(a, "--run-tag") && i + 1 < argc) {
            tag = argv[++i];
        } else if (!strcmp(a, "--no-expand")) {
            expand = 0;
        } else if (!strcmp(a, "--expand")) {
            expand = 1;
        } else if (!strcmp(a, "--rank-config") && i + 1 < argc) {
            if (thp_rank_load(&req->rank, argv[++i], &err) != THP_OK) {
                fprintf(stderr, PROG ": --rank-config %s\n", err.msg);
                goto out;
            }
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            rc = 0;
            goto out;
        } else if (!strcmp(a, "--version")) {
            printf(PROG " " THP_VERSION "\n");
            rc = 0;
            goto out;
        } else if (!strcmp(a, "--")) {
            for (i++; i < argc; i++) {
                if (q.n)
                    thp_buf_putc(&q, ' ');
                thp_buf_puts(&q, argv[i]);
            }
            break;
        } else if (a[0] == '-' && a[1] == '-' &&
                   thp_request_known(a + 2, &is_flag) && strcmp(a, "--q")) {
            const char *v = is_flag ? "1" : i + 1 < argc ? argv[++i] : NULL;

            if (!is_flag && v == NULL) {
                fprintf(stderr, PROG ": %s wants a value\n", a);
                goto out;
            }
            if (thp_request_set(req, a + 2, v, &err) != THP_OK)
                goto bad;
        } else if (!strncmp(a, "--no-", 5) &&
                   thp_request_known(a + 5, &is_flag) && is_flag) {
            if (thp_request_set(req, a + 5, "0", &err) != THP_OK)
                goto bad;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, PROG ": unknown option '%s' (see --help)\n", a);
            goto out;
        } else {
            /* a lone "-word" is an exclusion in the query, not an option */
            if (q.n)
                thp_buf_putc(&q, ' ');
            thp_buf_puts(&q, a);
        }
    }
    if (q.rc != THP_OK) {
        fprintf(stderr, PROG ": out of memory\n");
        goto out;
    }
    if (thp_request_set(req, "q", q.s ? q.s : "", &err) != THP_OK)
        goto bad;
    if (expand == 1 || (trec && expand != 0))
        req->expand = 1;
    if (expand == 0)
        req->rank.fb_docs = 0;
    if (!strcmp(color_when, "always"))
        ro.color = 1;
    else if (!strcmp(color_when, "never"))
        ro.color = 0;
    else if (!strcmp(color_when, "auto"))
        ro.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    else {
        fprintf(stderr, PROG ": --color wants auto, always or never\n");
        goto out;
    }
    if (!trec && q.n == 0 && !req->date_lo && !req->date_hi && !req->kinds &&
        !req->nlangs) {
        fprintf(stderr, PROG ": no QUERY given (see --help)\n");
        goto out;
    }
    if (thp_reader_open(index_path, &rd, &err) != THP_OK) {
        fprintf(stderr, PROG ": %s\n", err.msg);
        goto out;
    }
    if (trec) {
        rc = trec_run(rd, trec, req, tag);
        goto out;
    }
    if (suggest) {
        rc = print_suggestions(rd, req->q, req->qlen, req->limit,
                               req->format == THP_FMT_JSON);
        goto out;
    }
    ro.format = req->format;
    ro.bom = req->bom;
    ro.explain = req->explain;
    if (count_by) {
        req->limit = 0;
        req->all = 0;
        req->snippets = 0;
    }
    if (req->format == THP_FMT_KWIC && !req->all && req->limit == 10)
        req->all = 1;   /* a concordance lists every occurrence */
    if (req->all) {
        struct stream st = {&ro, 0, 0};

        rc = thp_exec(rd, req, &res, stream_hit, &st, &err);
        if (rc == THP_OK) {
            if (!st.head_done)
                thp_render_head(&out, &res, &ro);
            res.nhits = 0;
            if (ro.format == THP_FMT_TEXT) {
                /* text's tail counts what was shown */
                res.all = 1;
            }
            thp_render_tail(&out, &res, &ro);
        }
    } else {
        rc = thp_exec(rd, req, &res, NULL, NULL, &err);
        if (rc == THP_OK) {
            if (count_by)
                thp_render_counts(&out, &res,
                                  req->format == THP_FMT_TEXT ? THP_FMT_TEXT
                                                              : req->format);
            else
                thp_render(&out, &res, &ro);
        }
    }
    if (rc != THP_OK)
        goto bad;
    if (write_buf(&out) != THP_OK || fflush(stdout) != 0) {
        perror(PROG ": writing results");
        rc = 2;
    } else {
        rc = res.total > 0 ? 0 : 1;
    }
    thp_result_release(&res);
    goto out;
bad:
    fprintf(stderr, PROG ": %s\n", err.msg);
    if (err.haspos && q.s)
        show_position(q.s, err.pos);
    rc = 2;
out:
    thp_reader_close(rd);
    thp_buf_release(&q);
    thp_buf_release(&out);
    thp_free(req);
    return rc;
}
