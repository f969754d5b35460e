/*
** index_test.c: creating an index, storing and replacing documents, the
** unchanged check, version refusal, and searching through the query core.
*/
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "thp/index.h"
#include "thp/qparse.h"
#include "thp/query.h"

static char path[] = "/tmp/thp-index-test-XXXXXX";

static void put(thp_index *idx, const char *key, const char *title,
                const char *body, int *updated)
{
    struct thp_record r;
    struct thp_err e;

    memset(&r, 0, sizeof r);
    r.source_key = key;
    r.source_path = key;
    r.title = title;
    r.body = body;
    r.hash = "0123456789abcdef";
    r.mtime = 100;
    r.size = 10;
    thp_err_clear(&e);
    CHECK(thp_index_put(idx, &r, updated, &e) == THP_OK);
}

static int64_t search(thp_index *idx, const char *q, int flags,
                      struct thp_result *res)
{
    struct thp_query_opts o = {10, 0, 0};
    struct thp_err e;

    o.flags = flags;
    thp_err_clear(&e);
    if (thp_query_run(idx, q, strlen(q), &o, res, &e) != THP_OK) {
        fprintf(stderr, "query '%s': %s\n", q, e.msg);
        return -1;
    }
    return res->total;
}

int main(void)
{
    struct thp_source_state st;
    struct thp_result res;
    struct thp_err e;
    thp_index *idx, *ro;
    int64_t n;
    int fd, updated = -1;
    char hash[17];

    fd = mkstemp(path);
    close(fd);
    unlink(path);

    /* a reader refuses a missing index with a clear message */
    thp_err_clear(&e);
    CHECK(thp_index_open(path, THP_INDEX_READ, &ro, &e) == THP_ERR_NOTFOUND);
    CHECK(ro == NULL && strstr(e.msg, path) != NULL);

    thp_err_clear(&e);
    CHECK(thp_index_open(path, THP_INDEX_WRITE, &idx, &e) == THP_OK);
    put(idx, "a.html", "Rotterdam Pilot",
        "A first pilot project in the city of Rotterdam.", &updated);
    CHECK(updated == 0);
    put(idx, "b.html", "Porto Alegre",
        "A workshop with participants from S\xC3\xA3o Paulo and Lyon.",
        &updated);
    put(idx, "c.txt", "Labour markets", "Rotterdam port and labour market "
        "outcomes <b>&</b>", &updated);
    CHECK(thp_index_commit(idx, &e) == THP_OK);
    CHECK(thp_index_count(idx, &n, &e) == THP_OK && n == 3);

    /* replacing by source key keeps one document and re-indexes it */
    put(idx, "b.html", "Porto Alegre workshop",
        "Participants from S\xC3\xA3o Paulo, Cairo and Lyon.", &updated);
    CHECK(updated == 1);
    CHECK(thp_index_commit(idx, &e) == THP_OK);
    CHECK(thp_index_count(idx, &n, &e) == THP_OK && n == 3);
    CHECK(thp_index_lookup(idx, "b.html", &st, &e) == THP_OK);
    CHECK(st.found && st.mtime == 100 && st.size == 10);
    CHECK(thp_index_touch(idx, "b.html", 200, 11, &e) == THP_OK);
    CHECK(thp_index_commit(idx, &e) == THP_OK);
    CHECK(thp_index_lookup(idx, "b.html", &st, &e) == THP_OK);
    CHECK(st.mtime == 200 && st.size == 11);
    CHECK(thp_index_lookup(idx, "nope", &st, &e) == THP_OK && !st.found);

    /* searching, from a second (read-only) connection */
    thp_err_clear(&e);
    CHECK(thp_index_open(path, THP_INDEX_READ, &ro, &e) == THP_OK);
    CHECK(search(ro, "rotterdam", 0, &res) == 2);
    /* the title weight puts the Rotterdam Pilot first */
    CHECK(res.nhits == 2 && strcmp(res.hits[0].title, "Rotterdam Pilot") == 0);
    CHECK(res.hits[0].score >= res.hits[1].score);
    CHECK(strstr(res.hits[0].snippet, THP_MARK_OPEN "Rotterdam"
                 THP_MARK_CLOSE) != NULL);
    thp_result_release(&res);
    CHECK(search(ro, "sao paulo", 0, &res) == 1); /* diacritics fold */
    thp_result_release(&res);
    CHECK(search(ro, "cairo", 0, &res) == 1);     /* the replaced text */
    thp_result_release(&res);
    CHECK(search(ro, "workshop", 0, &res) == 1);
    thp_result_release(&res);
    CHECK(search(ro, "\"labour market\"", 0, &res) == 1);
    thp_result_release(&res);
    CHECK(search(ro, "rotterdam -pilot", 0, &res) == 1);
    thp_result_release(&res);
    CHECK(search(ro, "title:rotterdam", 0, &res) == 1);
    thp_result_release(&res);
    CHECK(search(ro, "rott*", 0, &res) == 2);
    thp_result_release(&res);
    CHECK(search(ro, "rott", THP_QP_PREFIX_LAST, &res) == 2);
    thp_result_release(&res);
    CHECK(search(ro, "zanzibar", 0, &res) == 0 && res.nhits == 0);
    thp_result_release(&res);
    CHECK(search(ro, "+++", 0, &res) == 0);
    thp_result_release(&res);
    /* paging past the end: the total, no hits */
    {
        struct thp_query_opts o = {10, 5, 0};

        CHECK(thp_query_run(ro, "rotterdam", 9, &o, &res, &e) == THP_OK);
        CHECK(res.total == 2 && res.nhits == 0);
        thp_result_release(&res);
    }
    /* JSON: snippets escaped, marks as <mark> */
    {
        struct thp_buf b;

        CHECK(search(ro, "outcomes", 0, &res) == 1);
        thp_buf_init(&b, 0);
        CHECK(thp_result_json(&res, &b) == THP_OK);
        CHECK(strstr(b.s, "<mark>outcomes<\\/mark>") != NULL);
        CHECK(strstr(b.s, "&lt;b&gt;&amp;&lt;/b&gt;") != NULL);
        CHECK(strstr(b.s, "\"total\":1") != NULL);
        thp_buf_release(&b);
        thp_result_release(&res);
    }
    /* a syntax error carries its position */
    {
        struct thp_query_opts o = {10, 0, 0};

        thp_err_clear(&e);
        CHECK(thp_query_run(ro, "a \"b", 4, &o, &res, &e) == THP_ERR_SYNTAX);
        CHECK(e.pos == 2);
    }
    thp_index_close(ro);

    /* writing to a read-only connection is refused */
    thp_err_clear(&e);
    CHECK(thp_index_open(path, THP_INDEX_READ, &ro, &e) == THP_OK);
    {
        struct thp_record r;

        memset(&r, 0, sizeof r);
        r.source_key = r.source_path = "x";
        CHECK(thp_index_put(ro, &r, NULL, &e) == THP_ERR_MISUSE);
    }
    thp_index_close(ro);

    /* an index of another version is refused with advice to rebuild */
    CHECK(sqlite3_exec(thp_index_db(idx), "UPDATE meta SET value='99' WHERE "
                       "key='schema_version'", NULL, NULL, NULL) == SQLITE_OK);
    thp_index_close(idx);
    thp_err_clear(&e);
    CHECK(thp_index_open(path, THP_INDEX_READ, &ro, &e) == THP_ERR_CORRUPT);
    CHECK(strstr(e.msg, "--full") != NULL);

    /* a file that is not an index */
    {
        FILE *f = fopen(path, "w");

        fputs("not a database at all, just text\n", f);
        fclose(f);
        thp_err_clear(&e);
        CHECK(thp_index_open(path, THP_INDEX_READ, &ro, &e) != THP_OK);
        CHECK(ro == NULL && e.msg[0] != '\0');
    }

    thp_index_hash("", 0, hash);
    CHECK_STR(hash, "cbf29ce484222325");
    thp_index_hash("a", 1, hash);
    CHECK_STR(hash, "af63dc4c8601ec8c");

    unlink(path);
    {
        char side[64];

        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
    }
    return check_done("index");
}
