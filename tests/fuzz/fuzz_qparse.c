/*
** fuzz_qparse.c: libFuzzer target for the query parser (qparse.h).
**
** The first byte chooses the flags (THP_QP_PREFIX_LAST, THP_QP_ANY_WORD);
** the rest is the query. It is compiled by thp_qparse_plan in strict and
** lenient mode and by thp_qparse, and the target abort()s when a promise
** breaks: lenient mode never fails on a query of at most THP_QP_MAXLEN
** bytes; a failure is THP_ERR_SYNTAX or THP_ERR_TOOBIG with a position
** and leaves the plan empty; on success there is one role per FTS5
** phrase (one per quoted string), at most THP_QP_MAXPHRASES of them, the
** words lie inside the query, and FTS5 accepts the expression on a table
** of the "thp" tokenizer (a syntax error there is a bug of ours). Memory
** errors are left to the sanitizers.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "thp/plan.h"
#include "thp/qparse.h"
#include "thp/tok.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *stmt;

/* The table every expression runs on, made once. */
static void setup(void)
{
    if (db != NULL)
        return;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        thp_tok_register(db, NULL) != THP_OK ||
        sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE t USING fts5(title, body, meta,"
                     " tokenize='thp lang en langs en nl pt es fr de tr');"
                     "INSERT INTO t VALUES('Rotterdam port', 'refugees in "
                     "camps near the port city', 'Rotterdam; UNHCR');",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?", -1,
                           &stmt, NULL) != SQLITE_OK)
        abort();
}

/* Quoted strings of an FTS5 expression ("" escapes a quote); -1 if one
** is unterminated. */
static long count_strings(const char *s)
{
    long count = 0;

    while (*s) {
        if (*s++ != '"')
            continue;
        count++;
        for (;;) {
            if (*s == '\0')
                return -1;
            if (*s == '"' && s[1] == '"') {
                s += 2;
                continue;
            }
            if (*s++ == '"')
                break;
        }
    }
    return count;
}

static void run_fts5(const char *match)
{
    sqlite3_bind_text(stmt, 1, match, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_ROW)
        abort();
    sqlite3_reset(stmt);
}

static void check(const char *q, size_t n, int flags)
{
    struct thp_plan pl;
    struct thp_err e;
    size_t i;
    int rc;

    thp_plan_init(&pl);
    thp_err_clear(&e);
    rc = thp_qparse_plan(q, n, flags, &pl, &e);
    if (rc != THP_OK) {
        if ((flags & THP_QP_LENIENT) && n <= THP_QP_MAXLEN)
            abort();
        if ((rc != THP_ERR_SYNTAX && rc != THP_ERR_TOOBIG) || !e.haspos ||
            strstr(e.msg, "position") == NULL || pl.match.n || pl.words)
            abort();
        return;
    }
    if (count_strings(pl.match.s ? pl.match.s : "") != (long)pl.roles.n ||
        pl.roles.n > THP_QP_MAXPHRASES || pl.nlangs > THP_PLAN_MAX_LANGS)
        abort();
    for (i = 0; i < pl.nwords; i++)
        if (pl.words[i].len == 0 || pl.words[i].off + pl.words[i].len > n)
            abort();
    if (pl.match.n)
        run_fts5(pl.match.s);
    thp_plan_release(&pl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct thp_buf out, roles;
    int flags;

    if (size == 0 || size > THP_QP_MAXLEN + 64)
        return 0;
    setup();
    flags = data[0] & (THP_QP_PREFIX_LAST | THP_QP_ANY_WORD);
    check((const char *)data + 1, size - 1, flags);
    check((const char *)data + 1, size - 1, flags | THP_QP_LENIENT);
    /* the classic language: FTS5 takes whatever it compiles */
    thp_buf_init(&out, 0);
    thp_buf_init(&roles, 0);
    if (thp_qparse((const char *)data + 1, size - 1, flags | THP_QP_LENIENT,
                   &out, &roles, NULL) == THP_OK) {
        if (count_strings(out.s ? out.s : "") != (long)roles.n)
            abort();
        if (out.n)
            run_fts5(out.s);
    }
    thp_buf_release(&out);
    thp_buf_release(&roles);
    return 0;
}
