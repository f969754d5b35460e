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

# the query list: single words, two words, a phrase, a prefix, OR, a filter
cat >"$WORK/paths.lua" <<'LUA'
local qs = {"migration", "refugee", "city", "rotterdam", "labour+market",
  "%22labour+market%22", "asy*", "refugee+OR+migrant", "integration+policy",
  "business", "cities+migration", "report", "asylum+seekers", "education",
  "health+care", "work", "housing", "the+netherlands", "mig*", "global+cities",
  "human+rights", "children", "women", "employment", "language", "data",
  "development", "security", "trade", "water"}
local i = 0
request = function()
  i = i + 1
  local q = qs[(i % #qs) + 1]
  return wrk.format("GET", "/search?q=" .. q .. "&limit=10&offset=" .. (i % 3) * 10)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT qps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

# thp-searchd never runs as root: as root, it drops to nobody
DROP=()
[ "$(id -u)" -eq 0 ] && DROP=(--user nobody)
chmod 755 "$WORK"
"$BUILD/thp-searchd" "${DROP[@]}" --index "$DB" --listen 127.0.0.1:0 --port-file "$WORK/port" \
    --threads "$THREADS" --quiet --max-connections 1024 --max-per-ip 0 \
    2>"$WORK/daemon.err" &
DPID=$!
for _ in $(seq 1 200); do [ -s "$WORK/port" ] && break; sleep 0.05; done
PORT=$(tr -dc 0-9 <"$WORK/port")
[ -n "$PORT" ] || { echo "bench-searchd: the daemon did not start"; cat "$WORK/daemon.err"; exit 1; }
curl -s -o /dev/null "http://127.0.0.1:$PORT/search?q=warmup"

echo "bench-searchd: $DB ($docs documents), $THREADS daemon threads, ${SECS}s per run, $(nproc) CPUs"
printf '%-12s %10s %9s %9s %8s %8s %10s\n' connections 'q/s' 'p50 ms' 'p99 ms' non2xx errors 'RSS MiB (anonymous: not the mapped index)'
for c in $CONNS; do
    t=$((c < 4 ? c : 4))
    out=$(wrk -t "$t" -c "$c" -d "${SECS}s" --timeout 10s --latency -s "$WORK/paths.lua" \
        "http://127.0.0.1:$PORT" 2>&1)
    r=$(printf '%s\n' "$out" | sed -n 's/^RESULT //p')
    rss=$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$DPID/status")
    hwm=$(awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$DPID/status")
    anon=$(awk '/^RssAnon:/ {printf "%.1f", $2 / 1024}' "/proc/$DPID/status")
    eval "$r" 2>/dev/null || { printf '%s\n' "$out"; continue; }
    printf '%-12s %10s %9s %9s %8s %8s %10s\n' "$c" "$qps" "$p50_ms" "$p99_ms" \
        "$non2xx" "$errors" "$rss (anon $anon, peak $hwm)"
done
# the HTTP layer alone: /health (a refresh and a count, no search)
out=$(wrk -t 2 -c 16 -d "${SECS}s" --latency "http://127.0.0.1:$PORT/health" 2>&1)
echo "HTTP layer, GET /health at 16 connections: $(printf '%s\n' "$out" | sed -n 's/^Requests\/sec: *//p') req/s, p99 $(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')"
