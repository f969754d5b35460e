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
#include "thp/render.h"

static char dbpath[] = "/tmp/thp-index-test-XXXXXX";

/* Store a document of source path (key path or path#anchor). */
static int put(thp_index *idx, const char *path, const char *anchor,
               const char *title, const char *body)
{
    struct thp_record r;
    struct thp_err e;
    char key[256];
    int outcome = 0;

    snprintf(key, sizeof key, "%s%s%s", path, anchor ? "#" : "",
             anchor ? anchor : "");
    memset(&r, 0, sizeof r);
    r.source_key = key;
    r.source_path = path;
    r.title = title;
    r.body = body;
    r.mtime = 100;
    r.size = 10;
    thp_err_clear(&e);
    CHECK(thp_index_put(idx, &r, &outcome, &e) == THP_OK);
    return outcome;
}

static void done(thp_index *idx, const char *path, const char *error,
                 long *removed)
{
    struct thp_source src = {path, 100, 10, "0123456789abcdef", error};
    struct thp_err e;

    thp_err_clear(&e);
    CHECK(thp_index_source_done(idx, &src, removed, &e) == THP_OK);
}

static int64_t count(thp_index *idx)
{
    int64_t n = -1;

    CHECK(thp_index_count(idx, &n, NULL) == THP_OK);
    return n;
}

/* A long text (enough words for near-duplicate detection). */
static const char long_text[] =
    "Cities are places where both migrants and non-migrants interact, be it "
    "through working, studying, living, playing or raising their families. "
    "This report blazes a trail by linking migrant and refugee integration "
    "policies, public-private partnerships and the local level in a "
    "comparative discussion of eight global cities.";

static int64_t search(thp_index *idx, const char *q, int flags,
                      struct thp_result *res)
{
    struct thp_query_opts o = {10, 0, 0, NULL};
    struct thp_err e;

    o.flags = flags;
    thp_err_clear(&e);
    if (thp_query_run(idx, q, strlen(q), &o, res, &e) != THP_OK) {
        fprintf(stderr, "query '%s': %s\n", q, e.msg);
        return -1;
    }
    return res->total;
}

/* A made-up word of letters only: "q" and n in base 26. */
static void pseudo(struct thp_buf *b, char lead, unsigned n)
{
    thp_buf_putc(b, ' ');
    thp_buf_putc(b, lead);
    do {
        thp_buf_putc(b, (char)('a' + n % 26));
        n /= 26;
    } while (n);
}

/* The group of the document of key (its own id: none), or its id. */
static int64_t group_of(thp_index *idx, const char *key, int own_id)
{
    sqlite3_stmt *st;
    int64_t g = -1;

    CHECK(sqlite3_prepare_v2(thp_index_db(idx), own_id ? "SELECT d.id FROM"
                             " documents d JOIN doc_sources s ON s.doc_id ="
                             " d.id WHERE s.source_key = ?1" : "SELECT"
                             " coalesce(dup_group, d.id) FROM documents d"
                             " JOIN doc_sources s ON s.doc_id = d.id WHERE"
                             " s.source_key = ?1", -1, &st, NULL) ==
          SQLITE_OK);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        g = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return g;
}

/*
** Whether key's document is in a group for containment alone: no other
** member is near it by simhash (at most 3 bits apart).
*/
static int grouped_by_containment(thp_index *idx, const char *key)
{
    sqlite3_stmt *st;
    int grouped = 0, near = 0;

    CHECK(sqlite3_prepare_v2(thp_index_db(idx), "SELECT d.simhash, m.simhash"
                             " FROM documents d JOIN doc_sources s ON"
                             " s.doc_id = d.id JOIN documents m ON"
                             " coalesce(m.dup_group, m.id) = d.dup_group AND"
                             " m.id != d.id WHERE s.source_key = ?1", -1, &st,
                             NULL) == SQLITE_OK);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        grouped = 1;
        near |= __builtin_popcountll((uint64_t)sqlite3_column_int64(st, 0) ^
                                     (uint64_t)sqlite3_column_int64(st, 1)) <=
                3;
    }
    sqlite3_finalize(st);
    return grouped && !near;
}

/*
** Containment among texts that share boilerplate: once more than 64
** documents hold a stretch of text, it no longer makes two texts one
** (each is 100 shared words and 20 of its own: 80% alike, which the
** share of shingles alone would group; two may still be near by their
** simhash, which is another test), while an item inside its page
** is still found beside them.
*/
static void test_contain_common(void)
{
    char path[] = "/tmp/thp-contain-test-XXXXXX", key[32], side[64];
    struct thp_buf b, u;
    struct thp_err e;
    thp_index *idx = NULL;
    unsigned k, j;
    int fd, later = 0;

    fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    unlink(path);
    thp_err_clear(&e);
    CHECK(thp_index_open(path, THP_INDEX_WRITE, &idx, &e) == THP_OK);
    thp_buf_init(&b, 0);
    thp_buf_init(&u, 0);
    for (k = 0; k < 100; k++) {
        thp_buf_reset(&b);
        for (j = 0; j < 100; j++)
            pseudo(&b, 'b', j);
        for (j = 0; j < 20; j++)
            pseudo(&b, 'o', k * 100 + j);
        snprintf(key, sizeof key, "p%u.txt", k);
        CHECK(put(idx, key, NULL, "Notice", b.s) == THP_PUT_ADDED);
        done(idx, key, NULL, NULL);
    }
    /* a page: its own 60 words, then the boilerplate; its item: the 60 */
    for (j = 0; j < 60; j++)
        pseudo(&u, 'u', j);
    thp_buf_reset(&b);
    thp_buf_puts(&b, u.s);
    for (j = 0; j < 100; j++)
        pseudo(&b, 'b', j);
    CHECK(put(idx, "page.html", NULL, "Events", b.s) == THP_PUT_ADDED);
    CHECK(put(idx, "page.html", "item", "One event", u.s) == THP_PUT_ADDED);
    done(idx, "page.html", NULL, NULL);
    CHECK(thp_index_commit(idx, &e) == THP_OK);
    for (k = 70; k < 100; k++) {
        snprintf(key, sizeof key, "p%u.txt", k);
        later += grouped_by_containment(idx, key);
    }
    CHECK(later == 0);
    CHECK(group_of(idx, "page.html", 1) > 0);
    CHECK(group_of(idx, "page.html#item", 0) ==
          group_of(idx, "page.html", 1));
    thp_buf_release(&b);
    thp_buf_release(&u);
    thp_index_close(idx);
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

int main(void)
{
    struct thp_source_state st;
    struct thp_result res;
    struct thp_err e;
    thp_index *idx, *ro;
    long removed = 0;
    int fd;
    char hash[17], near[sizeof long_text + 16];

    fd = mkstemp(dbpath);
    close(fd);
    unlink(dbpath);

    /* a reader refuses a missing index with a clear message */
    thp_err_clear(&e);
    CHECK(thp_index_open(dbpath, THP_INDEX_READ, &ro, &e) == THP_ERR_NOTFOUND);
    CHECK(ro == NULL && strstr(e.msg, dbpath) != NULL);

    thp_err_clear(&e);
    CHECK(thp_index_open(dbpath, THP_INDEX_WRITE, &idx, &e) == THP_OK);
    CHECK(put(idx, "a.html", NULL, "Rotterdam Pilot", "A first pilot "
              "project in the city of Rotterdam.") == THP_PUT_ADDED);
    done(idx, "a.html", NULL, NULL);
    CHECK(put(idx, "b.txt", "x", "Porto Alegre", "A workshop with "
              "participants from S\xC3\xA3o Paulo and Lyon.") == THP_PUT_ADDED);
    CHECK(put(idx, "b.txt", "y", "Labour markets", "Rotterdam port and "
              "labour market outcomes <b>&</b>") == THP_PUT_ADDED);
    done(idx, "b.txt", NULL, NULL);
    /* the same item found on another page is one document, two sources */
    CHECK(put(idx, "c.txt", "x", "Porto Alegre", "A workshop with "
              "participants from S\xC3\xA3o Paulo and Lyon.") ==
          THP_PUT_DUPLICATE);
    done(idx, "c.txt", NULL, NULL);
    CHECK(thp_index_commit(idx, &e) == THP_OK);
    CHECK(count(idx) == 3);
    CHECK(thp_index_source_get(idx, "b.txt", &st, &e) == THP_OK);
    CHECK(st.found && !st.failed && st.mtime == 100 && st.size == 10);
    CHECK(thp_index_source_get(idx, "nope", &st, &e) == THP_OK && !st.found);

    /* searching, from a second (read-only) connection */
    thp_err_clear(&e);
    CHECK(thp_index_open(dbpath, THP_INDEX_READ, &ro, &e) == THP_OK);
    /* beside a writer it reads through the WAL: never immutable, never
    ** "changed" (it sees commits); only a writer has a log bound */
    CHECK(!thp_index_immutable(ro) && !thp_index_changed(ro));
    thp_err_clear(&e);
    CHECK(thp_index_wal_limit(ro, 1 << 20, &e) == THP_ERR_MISUSE);
    thp_err_clear(&e);
    CHECK(thp_index_wal_limit(idx, 1 << 20, &e) == THP_OK);
    CHECK(search(ro, "rotterdam", 0, &res) == 2);
    /* the title weight puts the Rotterdam Pilot first */
    CHECK(res.nhits == 2 && strcmp(res.hits[0].title, "Rotterdam Pilot") == 0);
    CHECK(res.hits[0].score >= res.hits[1].score);
    CHECK(res.hits[0].npassages == 1 &&
          strstr(res.hits[0].passages[0].text, THP_MARK_OPEN "Rotterdam"
                 THP_MARK_CLOSE) != NULL);
    thp_result_release(&res);
    CHECK(search(ro, "sao paulo", 0, &res) == 1); /* diacritics fold */
    CHECK(res.nhits == 1 && res.hits[0].nsources == 2);
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
        struct thp_query_opts o = {10, 5, 0, NULL};

        CHECK(thp_query_run(ro, "rotterdam", 9, &o, &res, &e) == THP_OK);
        CHECK(res.total == 2 && res.nhits == 0);
        thp_result_release(&res);
    }
    /* JSON: snippets escaped, marks as <mark>, sources listed */
    {
        struct thp_buf b;

        CHECK(search(ro, "outcomes", 0, &res) == 1);
        thp_buf_init(&b, 0);
        {
            struct thp_render_opts ro_json = {THP_FMT_JSON, 0, 0, 0, NULL,
                                              NULL};

            CHECK(thp_render(&b, &res, &ro_json) == THP_OK);
        }
        CHECK(strstr(b.s, "<mark>outcomes<\\/mark>") != NULL);
        CHECK(strstr(b.s, "&lt;b&gt;&amp;&lt;/b&gt;") != NULL);
        CHECK(strstr(b.s, "\"total\":1") != NULL);
        CHECK(strstr(b.s, "\"sources\":[\"b.txt\"]") != NULL);
        thp_buf_release(&b);
        thp_result_release(&res);
    }
    /* a syntax error carries its position */
    {
        struct thp_query_opts o = {10, 0, 0, NULL};

        thp_err_clear(&e);
        CHECK(thp_query_run(ro, "a \"b", 4, &o, &res, &e) == THP_ERR_SYNTAX);
        CHECK(e.pos == 2);
    }

    /* re-indexing b.txt without item y drops y; x is unchanged */
    CHECK(put(idx, "b.txt", "x", "Porto Alegre", "A workshop with "
              "participants from S\xC3\xA3o Paulo and Lyon.") ==
          THP_PUT_UNCHANGED);
    done(idx, "b.txt", NULL, &removed);
    CHECK(removed == 1);
    CHECK(count(idx) == 2);
    /* a changed document keeps its id */
    CHECK(put(idx, "a.html", NULL, "Rotterdam Pilot", "A pilot with the "
              "Port of Rotterdam.") == THP_PUT_UPDATED);
    done(idx, "a.html", NULL, NULL);
    /* a failed source keeps what it had */
    removed = 0;
    done(idx, "c.txt", "cannot read", &removed);
    CHECK(removed == 0);
    CHECK(thp_index_source_get(idx, "c.txt", &st, &e) == THP_OK && st.failed);
    CHECK(thp_index_commit(idx, &e) == THP_OK);
    CHECK(search(ro, "port", 0, &res) == 1);
    thp_result_release(&res);

    /* near-duplicates: found, grouped, counted once */
    memcpy(near, long_text, sizeof long_text);
    CHECK(put(idx, "d.txt", NULL, "Global cities", long_text) ==
          THP_PUT_ADDED);
    done(idx, "d.txt", NULL, NULL);
    strcpy(near + sizeof long_text - 2, " Extra."); /* one word more */
    CHECK(put(idx, "e.txt", NULL, "Global cities", near) == THP_PUT_ADDED);
    done(idx, "e.txt", NULL, NULL);
    CHECK(thp_index_commit(idx, &e) == THP_OK);
    CHECK(count(idx) == 4);
    CHECK(search(ro, "trail", 0, &res) == 1 && res.nhits == 1);
    thp_result_release(&res);

    /* a sweep of the current folder removes sources not seen this run */
    thp_index_close(idx);
    thp_err_clear(&e);
    CHECK(thp_index_open(dbpath, THP_INDEX_WRITE, &idx, &e) == THP_OK);
    CHECK(thp_index_source_seen(idx, "a.html", 100, 10, &e) == THP_OK);
    removed = 0;
    CHECK(thp_index_sweep(idx, ".", &removed, NULL, &e) == THP_OK);
    CHECK(removed == 4); /* b.txt c.txt d.txt e.txt */
    CHECK(thp_index_commit(idx, &e) == THP_OK);
    CHECK(count(idx) == 1);
    CHECK(search(ro, "sao", 0, &res) == 0);
    thp_result_release(&res);
    thp_index_close(ro);

    /* writing to a read-only connection is refused */
    thp_err_clear(&e);
    CHECK(thp_index_open(dbpath, THP_INDEX_READ, &ro, &e) == THP_OK);
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
    CHECK(thp_index_open(dbpath, THP_INDEX_READ, &ro, &e) == THP_ERR_CORRUPT);
    CHECK(strstr(e.msg, "--full") != NULL);

    /* a file that is not an index */
    {
        FILE *f = fopen(dbpath, "w");

        fputs("not a database at all, just text\n", f);
        fclose(f);
        thp_err_clear(&e);
        CHECK(thp_index_open(dbpath, THP_INDEX_READ, &ro, &e) != THP_OK);
        CHECK(ro == NULL && e.msg[0] != '\0');
    }

    thp_index_hash("", 0, hash);
    CHECK_STR(hash, "cbf29ce484222325");
    thp_index_hash("a", 1, hash);
    CHECK_STR(hash, "af63dc4c8601ec8c");
    {
        /* over pieces, the same as over the whole */
        char whole[17];
        uint64_t h = THP_INDEX_HASH_START;

        thp_index_hash("foobar", 6, whole);
        thp_index_hash_part(&h, "", 0, hash);
        CHECK_STR(hash, "cbf29ce484222325");
        thp_index_hash_part(&h, "foo", 3, hash);
        thp_index_hash_part(&h, "", 0, hash);
        thp_index_hash_part(&h, "bar", 3, hash);
        CHECK_STR(hash, whole);
    }

    unlink(dbpath);
    {
        char side[64];

        snprintf(side, sizeof side, "%s-wal", dbpath);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", dbpath);
        unlink(side);
    }
    test_contain_common();
    return check_done("index");
}
