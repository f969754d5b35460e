#!/usr/bin/env bash
# bench/searchd_bench.sh: thp-searchd under load with wrk, on 127.0.0.1.
#
#   bench/searchd_bench.sh            (make bench runs it as bench-searchd)
#
# Environment: BUILD (default build), SEARCHD_BENCH_INDEX (default the query
# benchmark's index /tmp/qb-bench/query-100000/index.db, else an index of
# corpus/ made here), SEARCHD_BENCH_SECONDS (default 10),
# SEARCHD_BENCH_CONNS (default "16 64"), SEARCHD_BENCH_THREADS (daemon
# threads, default online CPUs). Prints, per connection count, queries/s,
# p50/p99 latency, non-2xx answers and the daemon's RSS after the run.
# Never part of make check.
set -u
BUILD=${BUILD:-build}
SECS=${SEARCHD_BENCH_SECONDS:-10}
CONNS=${SEARCHD_BENCH_CONNS:-16 64}
THREADS=${SEARCHD_BENCH_THREADS:-$(nproc)}
if ! command -v wrk >/dev/null 2>&1; then
    echo "bench-searchd: skipped (wrk is not installed: apt-get install -y wrk)"
    exit 0
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/thp-sdbench.XXXXXX") || exit 1
DPID=
cleanup() {
    [ -n "$DPID" ] && kill -TERM "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

DB=${SEARCHD_BENCH_INDEX:-/tmp/qb-bench/query-100000/index.db}
if [ ! -f "$DB" ]; then
    DB=$WORK/corpus.db
    cp -a corpus "$WORK/corpus"
    "$BUILD/thp-index" --quiet --index "$DB" "$WORK/corpus" >/dev/null 2>&1 ||
        { echo "bench-searchd: cannot index corpus/"; exit 1; }
fi
docs=$(sqlite3 -readonly "$DB" 'SELECT count(*) FROM documents' 2>/dev/null || echo '?')

QUERIES=${SEARCHD_BENCH_QUERIES:-bench/queries.tsv}
# the benchmark's query list (bench/queries.tsv: kind, flags, query) as
# request paths, one per line, with the parameters its flags stand for
python3 - "$QUERIES" >"$WORK/paths.txt" <<'PY'
import sys, urllib.parse
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    kind, flags, q = line.rstrip("\n").split("\t", 2)
    p = "/search?q=" + urllib.parse.quote(q, safe="") + "&limit=10"
    flags = flags.split(",")
    if "prefix" in flags: p += "&prefix=1"
    if "lenient" in flags: p += "&lenient=1"
    if "any" in flags: p += "&mode=any"
    print(p)
PY
nq=$(wc -l <"$WORK/paths.txt")
cat >"$WORK/paths.lua" <<LUA
local paths = {}
for l in io.lines("$WORK/paths.txt") do paths[#paths + 1] = l end
local i = 0
init = function(args)
  -- each wrk thread starts at its own place in the list
  i = math.random(#paths)
end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT qps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

# the in-process reference: the same queries through the query core, with
# as many threads as the daemon has, by the wall clock
core=$("$BUILD/bench/query_bench" --core-only --threads "$THREADS" "$DB" \
    "$QUERIES" 2>/dev/null | sed -n 's/^CORE //p' | tail -n 1)
core_qps=$(printf '%s\n' "$core" | sed -n 's/.*qps=\([0-9.]*\).*/\1/p')

# thp-searchd never runs as root: as root, it drops to nobody
DROP=()
[ "$(id -u)" -eq 0 ] && DROP=(--user nobody)
chmod 755 "$WORK"
"$BUILD/thp-searchd" "${DROP[@]}" --index "$DB" --listen 127.0.0.1:0 --port-file "$WORK/port" \
    --threads "$THREADS" --quiet --max-connections 1024 --max-per-ip 0 \
    --time-budget 3600000 \
    2>"$WORK/daemon.err" &
DPID=$!
for _ in $(seq 1 200); do [ -s "$WORK/port" ] && break; sleep 0.05; done
PORT=$(tr -dc 0-9 <"$WORK/port")
[ -n "$PORT" ] || { echo "bench-searchd: the daemon did not start"; cat "$WORK/daemon.err"; exit 1; }
curl -s -o /dev/null "http://127.0.0.1:$PORT/search?q=warmup"

echo "bench-searchd: $DB ($docs documents), $nq queries of $QUERIES, $THREADS daemon threads, ${SECS}s per run, $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "query core in process, $THREADS threads: $core"
printf '%-12s %10s %9s %9s %8s %8s %12s  %s\n' connections 'q/s' 'p50 ms' 'p99 ms' non2xx errors 'daemon/core' 'RSS MiB (anonymous: not the mapped index)'
for c in $CONNS; do
    t=$((c < 4 ? c : 4))
    out=$(wrk -t "$t" -c "$c" -d "${SECS}s" --timeout 10s --latency -s "$WORK/paths.lua" \
        "http://127.0.0.1:$PORT" 2>&1)
    r=$(printf '%s\n' "$out" | sed -n 's/^RESULT //p')
    rss=$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$DPID/status")
    hwm=$(awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$DPID/status")
    anon=$(awk '/^RssAnon:/ {printf "%.1f", $2 / 1024}' "/proc/$DPID/status")
    eval "$r" 2>/dev/null || { printf '%s\n' "$out"; continue; }
    r=$(awk -v a="$qps" -v b="$core_qps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')
    printf '%-12s %10s %9s %9s %8s %8s %12s  %s\n' "$c" "$qps" "$p50_ms" "$p99_ms" \
        "$non2xx" "$errors" "$r" "$rss (anon $anon, peak $hwm)"
done
# the HTTP layer alone: a bare libmicrohttpd handler set up as the daemon,
# answering a fixed body of the size of a median answer here
bytes=$(curl -s "http://127.0.0.1:$PORT$(sed -n "$(( (nq + 1) / 2 ))p" "$WORK/paths.txt")" | wc -c)
"$BUILD/bench/mhd_floor" "$WORK/fport" "$THREADS" "$bytes" &
FPID=$!
for _ in $(seq 1 100); do [ -s "$WORK/fport" ] && break; sleep 0.05; done
FPORT=$(tr -dc 0-9 <"$WORK/fport")
for c in $CONNS; do
    t=$((c < 4 ? c : 4))
    out=$(wrk -t "$t" -c "$c" -d "${SECS}s" --latency -s "$WORK/paths.lua" "http://127.0.0.1:$FPORT" 2>&1)
    r=$(printf '%s\n' "$out" | sed -n 's/^RESULT //p')
    eval "$r" 2>/dev/null
    echo "HTTP floor (bare libmicrohttpd, $bytes-byte answer) at $c connections: $qps req/s, p99 $p99_ms ms: $(awk -v q="$qps" 'BEGIN { printf "%.1f", 1e6 / q }') us per request on $THREADS threads"
done
kill "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null
