/*
** thp-search: the command-line search over an index built by thp-index.
** It answers through the same query core as thp-searchd (lib/query.c) and
** differs only in output: text for people, --json for programs.
** Exit status like grep: 0 when something matched, 1 when nothing did,
** 2 on error.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "thp/buf.h"
#include "thp/index.h"
#include "thp/qparse.h"
#include "thp/query.h"

#define PROG "thp-search"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: " PROG " [--index PATH] [--json] [--limit N] [--offset N]\n"
        "                  [--lenient] [--color WHEN] QUERY...\n"
        "\n"
        "Search the index. QUERY words are joined by spaces. The language:\n"
        "  refugee camps      both words        \"labour market\"  a phrase\n"
        "  asy*               a prefix          refugee OR migrant  either\n"
        "  -camps, NOT camps  exclude           ( ... )           grouping\n"
        "  title:rotterdam    only in the title (fields: title, body)\n"
        "\n"
        "  --index PATH   index file (default: thp.db)\n"
        "  --json         print one JSON object (the daemon's format)\n"
        "  --limit N      hits to show (default 10, at most %d)\n"
        "  --offset N     hits to skip first (default 0)\n"
        "  --lenient      repair a malformed query instead of failing\n"
        "  --color WHEN   highlight matches: auto (default), always, never\n"
        "  --trec-run FILE  run every query of FILE (qid TAB query a line)\n"
        "                 as ranked retrieval (words OR-ed) and print a TREC\n"
        "                 run: qid Q0 docid rank score tag (top --limit, 100\n"
        "                 by default); docid is the JSON Lines id\n"
        "  --run-tag TAG  the run's tag (default: thp)\n"
        "  --recent       favour recent documents (recency=1 unless set)\n"
        "  --expand       add words of the best hits to the query and search\n"
        "                 again (pseudo-relevance feedback); on by default\n"
        "                 for --trec-run, --no-expand turns it off\n"
        "  --rank SPEC    ranking parameters, e.g. 'k1=1.2 b=0.75 title=2'\n"
        "  --rank-config FILE  the same, from a file of key=value lines\n"
        "                 (keys: docs/RELEVANCE.md; both may be repeated,\n"
        "                 later ones win)\n"
        "\n"
        "Exit status: 0 if something matched, 1 if nothing did, 2 on error.\n",
        THP_QUERY_MAX_LIMIT);
}

static int parse_count(const char *opt, const char *s, size_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);

    if (*s == '\0' || *end != '\0' || v < 0) {
        fprintf(stderr, PROG ": %s wants a number >= 0, not '%s'\n", opt, s);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

/* Show where in the query a syntax error is: the query, then a caret. */
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

/* "[item, 2011-09, Toronto, Canada, p. 3, 2 sources]" */
static void hit_meta(struct thp_buf *b, const struct thp_hit *h)
{
    thp_buf_printf(b, "[%s", h->kind);
    if (h->date)
        thp_buf_printf(b, ", %s", h->date);
    if (h->location)
        thp_buf_printf(b, ", %s", h->location);
    if (h->page)
        thp_buf_printf(b, ", p. %d", h->page);
    if (h->nsources > 1)
        thp_buf_printf(b, ", %zu sources", h->nsources);
    thp_buf_putc(b, ']');
}

static void print_text(const struct thp_result *res, int color)
{
    struct thp_buf line, meta;
    size_t i;

    thp_buf_init(&line, 0);
    thp_buf_init(&meta, 0);
    for (i = 0; i < res->nhits; i++) {
        const struct thp_hit *h = &res->hits[i];

        thp_buf_reset(&line);
        thp_buf_reset(&meta);
        thp_snippet_term(&line, h->snippet ? h->snippet : "",
                         color ? "\033[1m" : "", color ? "\033[0m" : "");
        hit_meta(&meta, h);
        printf("%s%zu. %s%s  %s\n   %s\n   %s\n\n", color ? "\033[1m" : "",
               res->offset + i + 1, h->title, color ? "\033[0m" : "",
               meta.s ? meta.s : "", h->url, line.s ? line.s : "");
    }
    if (res->nhits)
        printf("%zu-%zu of %lld results (%.1f ms)\n", res->offset + 1,
               res->offset + res->nhits, (long long)res->total, res->took_ms);
    else if (res->total)
        printf("no results past %zu (%lld in all)\n", res->offset,
               (long long)res->total);
    else
        printf("no results\n");
    thp_buf_release(&line);
    thp_buf_release(&meta);
}

/* The id a document was given in JSON Lines: what follows the last '#'. */
static const char *doc_id(const char *url)
{
    const char *hash = strrchr(url, '#');

    return hash ? hash + 1 : url;
}

/*
** --trec-run: each line "qid<TAB>query" is run as ranked retrieval (words
** OR-ed, malformed queries repaired) through the same query core, and the
** hits printed as a TREC run. Every source of a hit is listed (the same
** text found twice is one document here).
*/
static int trec_run(thp_index *idx, const char *file, size_t limit,
                    const char *tag, const struct thp_rank_params *params)
{
    struct thp_query_opts opts = {0, 0, THP_QP_LENIENT | THP_QP_ANY_WORD |
                                            THP_QUERY_NO_SNIPPET, params};
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
    opts.limit = limit;
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
        if (thp_query_run(idx, q, strlen(q), &opts, &res, &err) != THP_OK) {
            fprintf(stderr, PROG ": query %s: %s\n", line, err.msg);
            rc = 2;
            continue;
        }
        for (i = 0; i < res.nhits && rank < limit; i++)
            for (j = 0; j < res.hits[i].nsources && rank < limit; j++)
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

int main(int argc, char **argv)
{
    const char *index_path = "thp.db", *color_when = "auto";
    const char *trec = NULL, *tag = "thp";
    struct thp_query_opts opts = {10, 0, 0, NULL};
    struct thp_rank_params rank;
    int recent = 0, expand = -1; /* -1: the mode's default */
    struct thp_buf q, out;
    struct thp_result res;
    struct thp_err err;
    thp_index *idx;
    int i, json = 0, color, rc = 2; /* 2 until a search has run */

    thp_buf_init(&q, THP_QP_MAXLEN);
    thp_rank_defaults(&rank);
    opts.rank = &rank;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "--index") && i + 1 < argc) {
            index_path = argv[++i];
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--lenient")) {
            opts.flags |= THP_QP_LENIENT;
        } else if (!strcmp(a, "--limit") && i + 1 < argc) {
            if (parse_count(a, argv[++i], &opts.limit))
                goto out;
        } else if (!strcmp(a, "--offset") && i + 1 < argc) {
            if (parse_count(a, argv[++i], &opts.offset))
                goto out;
        } else if (!strcmp(a, "--color") && i + 1 < argc) {
            color_when = argv[++i];
        } else if (!strcmp(a, "--trec-run") && i + 1 < argc) {
            trec = argv[++i];
            opts.limit = 100;
        } else if (!strcmp(a, "--run-tag") && i + 1 < argc) {
            tag = argv[++i];
        } else if (!strcmp(a, "--recent")) {
            recent = 1;
        } else if (!strcmp(a, "--expand")) {
            expand = 1;
        } else if (!strcmp(a, "--no-expand")) {
            expand = 0;
        } else if (!strcmp(a, "--rank") && i + 1 < argc) {
            const char *spec = argv[++i];

            thp_err_clear(&err);
            if (thp_rank_set(&rank, spec, strlen(spec), &err) != THP_OK) {
                fprintf(stderr, PROG ": --rank: %s\n", err.msg);
                goto out;
            }
        } else if (!strcmp(a, "--rank-config") && i + 1 < argc) {
            thp_err_clear(&err);
            if (thp_rank_load(&rank, argv[++i], &err) != THP_OK) {
                fprintf(stderr, PROG ": --rank-config %s\n", err.msg);
                goto out;
            }
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            rc = 0;
            goto out;
        } else if (!strcmp(a, "--")) {
            for (i++; i < argc; i++) {
                if (q.n)
                    thp_buf_putc(&q, ' ');
                thp_buf_puts(&q, argv[i]);
            }
            break;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, PROG ": unknown option '%s'\n", a);
            usage(stderr);
            goto out;
        } else {
            /* a lone "-word" is an exclusion in the query, not an option */
            if (q.n)
                thp_buf_putc(&q, ' ');
            thp_buf_puts(&q, a);
        }
    }
    if (opts.limit == 0 || opts.limit > THP_QUERY_MAX_LIMIT) {
        fprintf(stderr, PROG ": --limit must be 1..%d\n", THP_QUERY_MAX_LIMIT);
        goto out;
    }
    if (q.rc != THP_OK) {
        fprintf(stderr, PROG ": query longer than %d bytes\n", THP_QP_MAXLEN);
        goto out;
    }
    if (recent && rank.recency == 0)
        rank.recency = 1.0;
    /* ranked retrieval of questions expands unless told not to */
    if (expand == 0)
        rank.fb_docs = 0;
    else if ((expand == 1 || trec) && rank.fb_docs == 0)
        rank.fb_docs = THP_RANK_FB_DOCS;
    if (trec) {
        thp_err_clear(&err);
        if (thp_index_open(index_path, THP_INDEX_READ, &idx, &err) != THP_OK) {
            fprintf(stderr, PROG ": %s\n", err.msg);
            goto out;
        }
        rc = trec_run(idx, trec, opts.limit, tag, &rank);
        thp_index_close(idx);
        goto out;
    }
    if (q.n == 0) {
        fprintf(stderr, PROG ": no QUERY given\n");
        usage(stderr);
        goto out;
    }
    if (!strcmp(color_when, "always"))
        color = 1;
    else if (!strcmp(color_when, "never"))
        color = 0;
    else if (!strcmp(color_when, "auto"))
        color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    else {
        fprintf(stderr, PROG ": --color wants auto, always or never\n");
        goto out;
    }

    thp_err_clear(&err);
    if (thp_index_open(index_path, THP_INDEX_READ, &idx, &err) != THP_OK) {
        fprintf(stderr, PROG ": %s\n", err.msg);
        goto out;
    }
    rc = thp_query_run(idx, q.s, q.n, &opts, &res, &err);
    if (rc != THP_OK) {
        fprintf(stderr, PROG ": %s\n", err.msg);
        if (rc == THP_ERR_SYNTAX && strstr(err.msg, "position"))
            show_position(q.s, err.pos);
        thp_index_close(idx);
        rc = 2;
        goto out;
    }
    if (json) {
        thp_buf_init(&out, 0);
        thp_result_json(&res, &out);
        if (out.rc == THP_OK)
            printf("%s\n", out.s);
        thp_buf_release(&out);
    } else {
        print_text(&res, color);
    }
    rc = res.total > 0 ? 0 : 1;
    thp_result_release(&res);
    thp_index_close(idx);
    if (fflush(stdout) != 0) {
        perror(PROG ": writing results");
        rc = 2;
    }
out:
    thp_buf_release(&q);
    return rc;
}
