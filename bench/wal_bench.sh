#!/usr/bin/env bash
# bench/wal_bench.sh [N]: how large the write-ahead log grows while
# thp-index writes N generated pages (default 20000) and a daemon answers
# searches over the same index the whole time.
#
# Runs thp-index on bench/gen_corpus.py's corpus of N pages into a fresh
# index; as soon as the index exists, starts thp-searchd on it and
# READERS clients (default 4, keep-alive connections) that loop /search
# requests until the indexer exits. Samples the size of index.db-wal every 0.1 s. Prints the indexing
# time, the largest WAL seen, the WAL left once thp-index has exited, and
# the searches answered (and any answer but 200). Exits 0 whatever the
# numbers are (a report); non-zero only if something failed to run.
#
# As root, the indexer and the daemon both run as nobody (the daemon
# refuses root), in a folder that user owns. Environment: BUILD (default
# build), BENCH_DIR (default ${TMPDIR:-/tmp}/thp-bench; the corpus is
# reused from there), READERS.
set -u

N=${1:-20000}
case $N in '' | *[!0-9]*) echo "usage: $0 [N]" >&2; exit 2 ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/thp-bench}
READERS=${READERS:-4}
GEN=$ROOT/bench/gen_corpus.py

die() { echo "wal_bench: $*" >&2; exit 2; }
for p in thp-index thp-search thp-searchd; do
    [ -x "$BUILD/$p" ] || die "$BUILD/$p not found: run make first"
done
command -v curl >/dev/null || die "curl is needed"
mkdir -p "$WORK" || die "cannot make $WORK"

# the corpus, reused as bench/index_bench.sh does
CORPUS=$WORK/corpus-$N
id="$N $(sha256sum "$GEN" | cut -d' ' -f1)"
if [ -f "$CORPUS/.bench-corpus" ] && [ "$(cat "$CORPUS.id" 2>/dev/null)" = "$id" ]; then
    echo "wal_bench: reusing $CORPUS" >&2
else
    rm -rf "$CORPUS" "$CORPUS.id"
    echo "wal_bench: generating $N pages into $CORPUS" >&2
    python3 "$GEN" "$CORPUS" "$N" >&2 || die "gen_corpus.py failed"
    echo "$id" >"$CORPUS.id"
fi

RUN=$(mktemp -d "$WORK/wal-bench.XXXXXX") || die "cannot make a folder in $WORK"
DB=$RUN/index.db
AS=()       # how the indexer runs
DROP=()     # the daemon's --user
if [ "$(id -u)" -eq 0 ]; then
    id nobody >/dev/null 2>&1 || die "running as root needs the user nobody"
    chown nobody "$RUN"
    chmod 755 "$RUN"
    AS=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
    DROP=(--user nobody)
    # nobody must be able to reach the corpus and the programs
    for d in "$CORPUS" "$BUILD"; do
        setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
            test -r "$d" -a -x "$d" || die "nobody cannot read $d"
    done
fi

IPID= DPID= SPID= RPIDS=
cleanup() {
    local p
    for p in $RPIDS $SPID $DPID $IPID; do
        kill -TERM "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# WAL size sampler: the largest size seen, and the last
(
    max=0
    while :; do
        s=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
        [ "$s" -gt "$max" ] && max=$s
        echo "$max $s" >"$RUN/wal.tmp" && mv "$RUN/wal.tmp" "$RUN/wal"
        sleep 0.1
    done
) &
SPID=$!

t0=$(date +%s.%N)
"${AS[@]}" "$BUILD/thp-index" --quiet --index "$DB" "$CORPUS" \
    >"$RUN/index.out" 2>&1 &
IPID=$!

# the daemon, once the index has its schema
for _ in $(seq 1 600); do
    "${AS[@]}" "$BUILD/thp-search" --index "$DB" --limit 1 x >/dev/null 2>&1
    [ $? -le 1 ] && break
    kill -0 "$IPID" 2>/dev/null || die "thp-index ended early: $(cat "$RUN/index.out")"
    sleep 0.05
done
"$BUILD/thp-searchd" --index "$DB" --listen 127.0.0.1:0 --port-file "$RUN/port" \
    --quiet --max-per-ip 0 "${DROP[@]}" 2>"$RUN/daemon.err" &
DPID=$!
for _ in $(seq 1 200); do [ -s "$RUN/port" ] && break; sleep 0.05; done
PORT=$(tr -dc 0-9 <"$RUN/port" 2>/dev/null)
[ -n "$PORT" ] || die "the daemon did not start: $(cat "$RUN/daemon.err")"

# readers: each a keep-alive connection looping searches until told to
# stop, so a read transaction is nearly always open; one status a line
cat >"$RUN/reader.py" <<'PY'
import http.client, os, sys, threading
port, n, stop, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
words = ["migration", "city", "rotterdam", "report", "policy", "labour+market",
         "asy*", "housing", "water", "security", "trade", "children"]
def loop(k):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    i = k
    with open("%s%d" % (out, k), "w") as f:
        while not os.path.exists(stop):
            try:
                c.request("GET", "/search?q=%s&limit=10" % words[i % len(words)])
                r = c.getresponse()
                r.read()
                f.write("%d\n" % r.status)
            except Exception as e:
                f.write("ERR %r\n" % e)
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            i += 1
ts = [threading.Thread(target=loop, args=(k,)) for k in range(n)]
for t in ts: t.start()
for t in ts: t.join()
PY
python3 "$RUN/reader.py" "$PORT" "$READERS" "$RUN/stop" "$RUN/reader" &
RPIDS=$!

wait "$IPID"
irc=$?
IPID=
t1=$(date +%s.%N)
sleep 0.3   # one more sample after the indexer's close
touch "$RUN/stop"
for p in $RPIDS; do wait "$p" 2>/dev/null; done
RPIDS=
read -r max last <"$RUN/wal"
[ "$irc" -eq 0 ] || { cat "$RUN/index.out" >&2; die "thp-index exited $irc"; }
answers=$(cat "$RUN"/reader[0-9]* | wc -l)
bad=$(cat "$RUN"/reader[0-9]* | grep -v '^200$' | sort | uniq -c |
      awk '{printf "%s%d x %s", NR > 1 ? ", " : "", $1, $2}')
docs=$(grep -o 'holds [0-9]* documents' "$RUN/index.out" | cut -d' ' -f2)

awk -v n="$N" -v docs="${docs:-?}" -v secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" \
    -v max="$max" -v last="$last" -v answers="$answers" -v bad="$bad" \
    -v readers="$READERS" -v indexer="$BUILD/thp-index" 'BEGIN {
    printf "wal_bench: %s, %d pages (%s documents), %d readers looping /search\n",
           indexer, n, docs, readers
    printf "indexing:            %8.1f s\n", secs
    printf "largest WAL seen:    %8.1f MiB\n", max / 1048576
    printf "WAL after thp-index: %8.1f MiB\n", last / 1048576
    printf "searches answered:   %8d (not 200: %s)\n", answers, bad == "" ? "none" : bad
}'
