#!/usr/bin/env bash
# 90-query-bench.sh: a smoke run of the query benchmark, so it does not rot.
#
# A tiny corpus from bench/gen_query_corpus.py (200 documents), indexed by
# thp-index --jsonl; build/bench/query_bench runs a few queries of several
# kinds with 1 and 2 threads and must print its table and write a results
# file of the documented shape; bench/compare.py reads two of them. No
# timing is ever asserted: only that the numbers are there and sane.
set -u
. "$(dirname "$0")/lib.sh"

QB=$BUILD/bench/query_bench
check "the harness is built (make $BUILD/bench/query_bench)" test -x "$QB"
[ "$FAILED" -eq 0 ] || finish

check "gen_query_corpus.py writes 200 documents" \
    python3 bench/gen_query_corpus.py gen "$TMP/c.jsonl" 200
check_eq "... one JSON object a line" 200 "$(wc -l <"$TMP/c.jsonl")"
check "thp-index --jsonl indexes them" \
    "$INDEX" --quiet --index "$TMP/q.db" --jsonl "$TMP/c.jsonl"

TAB=$(printf '\t')
cat >"$TMP/q.tsv" <<EOF
# kind	flags	query
box-1${TAB}prefix,lenient${TAB}t
box-word${TAB}prefix,lenient${TAB}migration
word-common${TAB}-${TAB}the
phrase-2${TAB}-${TAB}"of the"
not${TAB}-${TAB}the -migration
or${TAB}-${TAB}refugees OR vluchtelingen
field${TAB}-${TAB}title:migration
word-none${TAB}-${TAB}zzqqxxyy
EOF

check_rc "query_bench runs with 1 and 2 threads" 0 \
    "$QB" --threads 1,2 --size 200 --git test --json "$TMP/r.json" \
    "$TMP/q.db" "$TMP/q.tsv"
TABLE=$OUT
check_contains "it names the index and counts" "$TABLE" \
    "200 documents"
check_contains "a table for 1 thread" "$TABLE" "1 thread,"
check_contains "a table for 2 threads" "$TABLE" "2 threads,"
check_contains "a row per kind" "$TABLE" "word-common"
check_contains "and one for all" "$TABLE" "all "
check_contains "no query failed" "$TABLE" "queries failed: 0"
check_json "results: two runs, every kind, both sides" "$TMP/r.json" '
    d["benchmark"] == "query" and d["documents"] == 200 and
    d["queries"] == 8 and [r["threads"] for r in d["runs"]] == [1, 2] and
    all(set(r["per_kind"]) == set(d["kinds"]) and len(d["kinds"]) == 8 and
        all(g[s]["n"] == 1 and g[s]["p50_ms"] >= 0 and g[s]["qps"] >= 0
            for g in r["per_kind"].values() for s in ("core", "fts5"))
        and r["all"]["core"]["n"] == 8 for r in d["runs"])'
check_json "matches per query: common words match, nonsense does not" \
    "$TMP/r.json" '
    {q["kind"]: q["matches"] for q in d["per_query"]}["word-common"] > 100
    and {q["kind"]: q["matches"] for q in d["per_query"]}["word-none"] == 0
    and all(0 <= q["core_total"] <= q["matches"] for q in d["per_query"])
    and all(len(q["core_ms"]) == 2 and len(q["fts5_ms"]) == 2
            for q in d["per_query"])'
check_json "the core's hit ids: up to 10 per query, none for nonsense" \
    "$TMP/r.json" '
    all(len(q["core_ids"]) == min(10, q["core_total"]) for q in d["per_query"])
    and {q["kind"]: q["core_ids"] for q in d["per_query"]}["word-none"] == []'

check_rc "compare.py reads two results" 0 \
    python3 bench/compare.py "$TMP/r.json" "$TMP/r.json"
check_contains "... and compares every kind" "$OUT" "word-none"
check_contains "... and the hits: a run against itself is identical" "$OUT" \
    "all                8         8    1.000"

printf 'no tabs here\n' >"$TMP/bad.tsv"
check_rc "a malformed query list is an error (exit 2)" 2 \
    "$QB" "$TMP/q.db" "$TMP/bad.tsv"
check_rc "a missing index is an error (exit 2)" 2 \
    "$QB" "$TMP/none.db" "$TMP/q.tsv"
finish
