#!/usr/bin/env bash
# scripts/soak.sh: thp-searchd under load and slow clients for about two
# minutes, on 127.0.0.1 only (make soak).
#
# While wrk keeps 256 connections busy with a cycle of valid, invalid and
# pathological searches (from 127.0.0.1), a slowloris client holds
# SOAK_SLOW connections that send a header line every few seconds and never
# finish (from 127.0.0.2), and /health is asked once a second (from
# 127.0.0.3, with a 2 s limit). Distinct loopback addresses make the
# daemon's per-address limit (--max-per-ip) apply as it would to three
# clients. Prints the answers by kind of query and status, the health
# polls, and the daemon's memory at start, half way and end. Fails (exit
# 1) on any 5xx other than 503 (documented: a full server, a search over
# its time budget, an unreadable index), a /health poll that is not
# answered 200, anonymous memory that grows in the second half by more
# than a quarter and 32 MiB, or a daemon that dies.
#
# The index: SOAK_INDEX if set; else the query benchmark's
# /tmp/qb-bench/query-100000/index.db or $BENCH_DIR/query-100000/index.db
# when this build can read it; else one indexed here from the benchmark's
# 100,000-document corpus.jsonl when there is one (kept in
# $BENCH_DIR/soak-100000 for the next run); else a smaller index of 5,000
# generated pages, and the report says so.
#
# Environment: BUILD (default build), SOAK_SECONDS (load, default 100),
# SOAK_CONNS (wrk connections, default 256), SOAK_SLOW (slow sockets,
# default 400), SOAK_THREADS (daemon threads, default online CPUs),
# BENCH_DIR (default ${TMPDIR:-/tmp}/thp-bench).
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SECS=${SOAK_SECONDS:-100}
CONNS=${SOAK_CONNS:-256}
SLOW=${SOAK_SLOW:-400}
THREADS=${SOAK_THREADS:-$(nproc)}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/thp-bench}

die() { echo "soak: $*" >&2; exit 2; }
for p in thp-index thp-search thp-searchd; do
    [ -x "$BUILD/$p" ] || die "$BUILD/$p not found: run make first"
done
command -v wrk >/dev/null || die "wrk is needed (apt-get install -y wrk)"
command -v curl >/dev/null || die "curl is needed"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/thp-soak.XXXXXX") || die "cannot make a folder"
chmod 755 "$WORK"
DPID= SPID= HPID=
cleanup() {
    local p
    for p in $SPID $HPID $DPID; do
        kill -TERM "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

readable() { "$BUILD/thp-search" --index "$1" --limit 1 x >/dev/null 2>&1; [ $? -le 1 ]; }

#---- the index ----------------------------------------------------------------

NOTE=
DB=${SOAK_INDEX:-}
if [ -z "$DB" ]; then
    for c in /tmp/qb-bench/query-100000/index.db "$BENCH_DIR/query-100000/index.db" \
             "$BENCH_DIR/soak-100000/index.db"; do
        if [ -f "$c" ] && readable "$c"; then DB=$c; break; fi
        [ -f "$c" ] && echo "soak: $c cannot be read by this build (another schema?)" >&2
    done
fi
if [ -z "$DB" ]; then
    JSONL=
    for c in /tmp/qb-bench/query-100000/corpus.jsonl "$BENCH_DIR/query-100000/corpus.jsonl"; do
        [ -f "$c" ] && { JSONL=$c; break; }
    done
    if [ -n "$JSONL" ]; then
        DB=$BENCH_DIR/soak-100000/index.db
        mkdir -p "$(dirname "$DB")" || die "cannot make $(dirname "$DB")"
        rm -f "$DB" "$DB-wal" "$DB-shm"
        echo "soak: indexing $JSONL into $DB (once; reused later)" >&2
        "$BUILD/thp-index" --quiet --index "$DB" --jsonl "$JSONL" >&2 ||
            die "cannot index $JSONL"
    else
        DB=$WORK/small/index.db
        mkdir -p "$WORK/small"
        echo "soak: no 100,000-document index or corpus: indexing 5,000 generated pages" >&2
        python3 bench/gen_corpus.py "$WORK/small/pages" 5000 >/dev/null ||
            die "gen_corpus.py failed"
        "$BUILD/thp-index" --quiet --index "$DB" "$WORK/small/pages" >/dev/null ||
            die "cannot index the generated pages"
        NOTE="a SMALLER index (5,000 generated pages), not 100,000 documents"
    fi
fi
readable "$DB" || die "cannot read the index $DB"
DOCS=$(sqlite3 -readonly "$DB" 'SELECT count(*) FROM documents' 2>/dev/null || echo '?')
case $DOCS in *[!0-9]*|'') ;; *) [ "$DOCS" -lt 100000 ] && [ -z "$NOTE" ] &&
    NOTE="a SMALLER index ($DOCS documents), not 100,000" ;; esac

#---- the daemon -----------------------------------------------------------------

DROP=()
[ "$(id -u)" -eq 0 ] && DROP=(--user nobody)
"$BUILD/thp-searchd" --index "$DB" --listen 127.0.0.1:0 --port-file "$WORK/port" \
    --threads "$THREADS" --quiet --max-connections 1024 --max-per-ip 300 \
    --timeout 10 "${DROP[@]}" 2>"$WORK/daemon.err" &
DPID=$!
for _ in $(seq 1 200); do [ -s "$WORK/port" ] && break; sleep 0.05; done
PORT=$(tr -dc 0-9 <"$WORK/port" 2>/dev/null)
[ -n "$PORT" ] || die "the daemon did not start: $(cat "$WORK/daemon.err")"
URL=http://127.0.0.1:$PORT
curl -s -o /dev/null -o /dev/null "$URL/search?q=warmup" "$URL/search?q=migration"
mem() { awk '/^(VmRSS|RssAnon|VmHWM):/ {printf "%s %.1f MiB  ", $1, $2 / 1024}' "/proc/$DPID/status"; }
MEM_START=$(mem)

#---- the clients ----------------------------------------------------------------

# wrk: the queries of one class in turn, answers counted by status
cat >"$WORK/soak.lua" <<'LUA'
local long = string.rep("migration ", 400)
local ors = {}
for i = 1, 60 do ors[#ors + 1] = "w" .. i end
local many = {}
for i = 1, 70 do many[#many + 1] = "lenient=1" end
paths = {
  -- valid
  {"valid", "/search?q=migration&limit=10"},
  {"valid", "/search?q=%22labour+market%22"},
  {"valid", "/search?q=asy*&limit=20&offset=20"},
  {"valid", "/search?q=refugee+OR+migrant&facets=year,kind"},
  {"valid", "/search?q=city&sort=date"},
  {"valid", "/suggest?q=rot"},
  {"valid", "/search?q=integration+policy&format=csv"},
  {"valid", "/doc/1"},
  -- invalid
  {"invalid", "/search?q=%22unbalanced"},
  {"invalid", "/search?q=x&limit=-1"},
  {"invalid", "/search?q=x&limit=abc"},
  {"invalid", "/search?q=x&sort=bogus"},
  {"invalid", "/search?q=x&nosuchparameter=1"},
  {"invalid", "/search"},
  {"invalid", "/search?q=%ff%fe%00"},
  {"invalid", "/doc/notanumber"},
  {"invalid", "/search?" .. table.concat(many, "&") .. "&q=x"},
  {"invalid", "/nosuchroute"},
  -- pathological
  {"patho", "/search?q=a*+b*+c*+d*&limit=1000"},
  {"patho", "/search?q=" .. long:gsub(" ", "+")},
  {"patho", "/search?q=" .. table.concat(ors, "+OR+")},
  {"patho", "/search?q=" .. string.rep("(", 200) .. "x" .. string.rep(")", 200)},
  {"patho", "/search?q=m*&limit=1000&facets=year,kind,lang"},
  {"patho", "/search?q=the+of+and+a+in&limit=1000&offset=0"},
  {"patho", "/search?q=" .. string.rep("%E2%80%8B", 300)},
}
-- one wrk per class (the last argument): a response cannot be told
-- apart from the request it answers, so each class counts on its own
local mine = {}
local i = 0
counts = {}
setup = function(thread)
  threads = threads or {}
  table.insert(threads, thread)
end
init = function(args)
  for _, p in ipairs(paths) do
    if p[1] == args[1] then mine[#mine + 1] = p[2] end
  end
  i = math.random(#mine)
end
request = function()
  i = i % #mine + 1
  return wrk.format("GET", mine[i])
end
response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
done = function(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("COUNT %s %d\n", k, v)) end
  io.write(string.format("RESULT requests=%d seconds=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout))
end
LUA

# slowloris: SLOW sockets from 127.0.0.2 that trickle header lines; a
# socket the server closes is opened again; counts what the server did
cat >"$WORK/slow.py" <<'PY'
import os, socket, sys, time
port, n, stop, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
socks, opened, refused, closed = [], 0, 0, 0
def conn():
    global opened, refused
    try:
        s = socket.socket()
        s.bind(("127.0.0.2", 0))
        s.settimeout(2)
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /search?q=slow HTTP/1.1\r\nHost: x\r\n")
        s.setblocking(False)
        opened += 1
        return s
    except OSError:
        refused += 1
        return None
while not os.path.exists(stop):
    socks = [s for s in socks if s is not None]
    while len(socks) < n and not os.path.exists(stop):
        socks.append(conn())
        socks = [s for s in socks if s is not None]
        if refused > 0 and refused % 50 == 0:
            time.sleep(0.2)
    for s in list(socks):
        try:
            s.send(b"X-Slow: %d\r\n" % int(time.time()))
        except OSError:
            closed += 1
            socks.remove(s)
            s.close()
    time.sleep(3)
open(out, "w").write("opened=%d refused=%d closed_by_server=%d holding=%d\n"
                     % (opened, refused, closed, len(socks)))
PY

# health: once a second from 127.0.0.3
(
    while [ ! -e "$WORK/stop" ]; do
        t0=$(date +%s%N)
        s=$(curl -s -o /dev/null --interface 127.0.0.3 --max-time 2 \
            -w '%{http_code}' "$URL/health")
        echo "$s $((($(date +%s%N) - t0) / 1000000))" >>"$WORK/health"
        sleep 1
    done
) &
HPID=$!
python3 "$WORK/slow.py" "$PORT" "$SLOW" "$WORK/stop" "$WORK/slow.out" &
SPID=$!
sleep 2

echo "soak: $DB ($DOCS documents), $THREADS daemon threads, $CONNS wrk connections," \
     "$SLOW slow sockets, ${SECS}s, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
[ -n "$NOTE" ] && echo "soak: NOTE: $NOTE"
# half the connections for valid searches, a quarter each for the others
wpids=
for class in valid invalid patho; do
    c=$((CONNS / 4))
    [ "$class" = valid ] && c=$((CONNS - 2 * (CONNS / 4)))
    wrk -t 1 -c "$c" -d "${SECS}s" --timeout 10s -s "$WORK/soak.lua" "$URL" \
        -- "$class" >"$WORK/wrk.$class" 2>&1 &
    wpids="$wpids $!"
done
# memory half way through: the second half must not keep growing
sleep $((SECS / 2))
MEM_MID=$(mem)
ANON_MID=$(awk '/^RssAnon:/ {print $2}' "/proc/$DPID/status" 2>/dev/null)
wait $wpids
: >"$WORK/stop"
wait "$SPID" "$HPID" 2>/dev/null
SPID= HPID=
alive=yes
kill -0 "$DPID" 2>/dev/null || alive=no
MEM_END=$( [ "$alive" = yes ] && mem)
ANON_END=$( [ "$alive" = yes ] && awk '/^RssAnon:/ {print $2}' "/proc/$DPID/status")

#---- the report -------------------------------------------------------------------

echo "answers by kind of query (wrk connections) and status:"
for class in valid invalid patho; do
    echo "  $class: $(sed -n 's/^RESULT //p' "$WORK/wrk.$class")"
    sed -n 's/^COUNT //p' "$WORK/wrk.$class" | sort -n |
        awk '{printf "      %s %9d\n", $1, $2}'
done
echo "slow clients: $(cat "$WORK/slow.out" 2>/dev/null)"
awk '{n++; if ($1 == "200") ok++; if ($2 > max) max = $2}
     END {printf "health: %d polls, %d answered 200, slowest %d ms\n", n, ok, max}' "$WORK/health"
echo "daemon memory at start: $MEM_START"
echo "daemon memory half way: ${MEM_MID:-(daemon gone)}"
echo "daemon memory at end:   ${MEM_END:-(daemon gone)}"
fail=0
# flat: the second half adds at most a quarter and 32 MiB to the first's
if [ -n "${ANON_MID:-}" ] && [ -n "${ANON_END:-}" ] &&
    [ "$ANON_END" -gt $((ANON_MID * 5 / 4 + 32768)) ]; then
    echo "soak: FAIL: anonymous memory grew from $((ANON_MID / 1024)) MiB half way to $((ANON_END / 1024)) MiB at the end"
    fail=1
fi

bad5xx=$(cat "$WORK"/wrk.* | sed -n 's/^COUNT //p' | awk '$1 >= 500 && $1 != 503 {n += $2} END {print n + 0}')
badhealth=$(awk '$1 != "200"' "$WORK/health" | wc -l)
[ "$(wc -l <"$WORK/health")" -gt 0 ] || badhealth=1
[ "$bad5xx" -eq 0 ] || { echo "soak: FAIL: $bad5xx answers 5xx other than 503"; fail=1; }
[ "$badhealth" -eq 0 ] || { echo "soak: FAIL: $badhealth /health polls not answered 200"; fail=1; }
[ "$alive" = yes ] || { echo "soak: FAIL: the daemon died"; tail -5 "$WORK/daemon.err"; fail=1; }
for class in valid invalid patho; do
    grep -q '^RESULT' "$WORK/wrk.$class" ||
        { echo "soak: FAIL: wrk ($class) gave no result"; cat "$WORK/wrk.$class"; fail=1; }
done
[ "$fail" -eq 0 ] && echo "soak: PASS (no 5xx but documented 503s, /health answered throughout, memory flat in the second half)"
exit "$fail"
