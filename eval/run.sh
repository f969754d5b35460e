#!/usr/bin/env bash
# eval/run.sh: `make eval`, relevance on a test collection, beside the
# plain FTS5 baseline, in one run (see docs/RELEVANCE.md).
#
#   eval/run.sh [COLLECTION_DIR]     default ../shared/eval/cranfield
#
# The collection has docs.jsonl, queries.tsv and qrels.txt, scored by
# trec_eval.py in the folder above it. Runs, each through a real program:
#   thp            thp-index --jsonl, thp-search --trec-run (the defaults:
#                  thp tokenizer, thp_rank, pseudo-relevance feedback)
#   thp-no-expand  the same with --no-expand
#   fts5-porter    eval/baseline.py: fts5(title, body, tokenize='porter
#                  unicode61 remove_diacritics 2'), OR of quoted words,
#                  top 100 by bm25() (the issue's reference)
#   fts5-unicode61 the same with 'unicode61 remove_diacritics 2'
# and prints MAP, nDCG@10 and P@10 on all queries, on the tuning half (odd
# query ids, where the ranking parameters were chosen: eval/tune.py) and
# on the test half (even ids, never looked at while tuning), with each
# run's change relative to fts5-porter. The target: MAP and nDCG@10 at
# least +10% on all queries and on the test half.
#
# Environment: BUILD (default build), EVAL_DIR (default
# ${TMPDIR:-/tmp}/thp-eval). Exits 0 if the runs ran, whatever the
# figures; non-zero if something failed to run.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
COLL=${1:-$ROOT/../shared/eval/cranfield}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
WORK=${EVAL_DIR:-${TMPDIR:-/tmp}/thp-eval}
TREC_EVAL=$(cd "$COLL/.." && pwd)/trec_eval.py

die() { echo "eval: $*" >&2; exit 2; }
for f in docs.jsonl queries.tsv qrels.txt; do
    [ -f "$COLL/$f" ] || die "$COLL/$f not found"
done
[ -f "$TREC_EVAL" ] || die "$TREC_EVAL not found"
[ -x "$BUILD/thp-index" ] || die "$BUILD/thp-index not found: run make"
mkdir -p "$WORK"
rm -f "$WORK/index.db" "$WORK/index.db-wal" "$WORK/index.db-shm"

name=$(basename "$COLL")
echo "eval: $name: $(wc -l < "$COLL/docs.jsonl") documents," \
     "$(wc -l < "$COLL/queries.tsv") queries"
"$BUILD/thp-index" --quiet --index "$WORK/index.db" \
    --jsonl "$COLL/docs.jsonl" >&2 || die "thp-index failed"

t0=$(date +%s.%N)
"$BUILD/thp-search" --index "$WORK/index.db" --trec-run "$COLL/queries.tsv" \
    --run-tag thp > "$WORK/thp.run" 2>/dev/null || die "thp-search failed"
t1=$(date +%s.%N)
"$BUILD/thp-search" --index "$WORK/index.db" --trec-run "$COLL/queries.tsv" \
    --no-expand --run-tag thp-no-expand > "$WORK/thp-no-expand.run" \
    2>/dev/null || die "thp-search --no-expand failed"
t2=$(date +%s.%N)
python3 "$ROOT/eval/baseline.py" "$COLL/docs.jsonl" "$COLL/queries.tsv" \
    > "$WORK/fts5-porter.run" || die "baseline failed"
python3 "$ROOT/eval/baseline.py" "$COLL/docs.jsonl" "$COLL/queries.tsv" \
    "unicode61 remove_diacritics 2" > "$WORK/fts5-unicode61.run" ||
    die "baseline (unicode61) failed"

# score RUN HALF: "map ndcg10 p10" of RUN on all (HALF=all), odd or even
score() {
    local run=$1 half=$2 q=$WORK/qrels.$2 r=$WORK/run.$2
    case $half in
        all) cp "$COLL/qrels.txt" "$q"; cp "$run" "$r" ;;
        odd) awk '$1 % 2 == 1' "$COLL/qrels.txt" > "$q"
             awk '$1 % 2 == 1' "$run" > "$r" ;;
        even) awk '$1 % 2 == 0' "$COLL/qrels.txt" > "$q"
              awk '$1 % 2 == 0' "$run" > "$r" ;;
    esac
    python3 "$TREC_EVAL" "$q" "$r" | awk '/^EVAL / {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        print v["map"], v["ndcg10"], v["p10"] }'
}

status=0
for half in all odd even; do
    case $half in
        all) label="all queries" ;;
        odd) label="tuning half (odd ids)" ;;
        even) label="test half (even ids)" ;;
    esac
    read -r bm bn bp < <(score "$WORK/fts5-porter.run" "$half")
    echo
    echo "$label"
    printf '  %-16s %8s %8s %8s   %9s %9s\n' run MAP nDCG@10 P@10 "vs MAP" "nDCG@10"
    for run in thp thp-no-expand fts5-porter fts5-unicode61; do
        read -r m n p < <(score "$WORK/$run.run" "$half")
        printf '  %-16s %8.4f %8.4f %8.4f   %+8.1f%% %+8.1f%%\n' "$run" \
            "$m" "$n" "$p" \
            "$(awk -v a="$m" -v b="$bm" 'BEGIN { print 100 * (a / b - 1) }')" \
            "$(awk -v a="$n" -v b="$bn" 'BEGIN { print 100 * (a / b - 1) }')"
        if [ "$run" = thp ] && [ "$half" != odd ]; then
            ok=$(awk -v m="$m" -v bm="$bm" -v n="$n" -v bn="$bn" \
                 'BEGIN { print (m >= 1.1 * bm && n >= 1.1 * bn) ? "PASS" : "MISS" }')
            targets="${targets:-}  target (thp vs fts5-porter, MAP and nDCG@10 >= +10%) on $label: $ok"$'\n'
        fi
    done
done
echo
printf '%s' "$targets"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$(wc -l < "$COLL/queries.tsv")" \
    'BEGIN { printf "  query time: thp %.1f ms/query, thp-no-expand %.1f ms/query\n",
             1000 * (b - a) / n, 1000 * (c - b) / n }'
exit $status
