#!/usr/bin/env bash
# index_bench.sh [N]: the indexing benchmark (see bench/README.md).
#
# In one run, on one generated corpus of N pages (default 50000):
#   (a) the full pipeline: thp-index --quiet into a fresh index, timed, with
#       its peak RSS;
#   (b) the floor: a plain FTS5 bulk insert of the same extracted text
#       (bench/fts5_floor, reading it from the index (a) wrote);
#   (c) memory: the full pipeline again on the first N/5 pages, to compare
#       peak RSS (it should not grow with the corpus).
# Prints a table and PASS/MISS against the targets. Exits 0 whatever the
# numbers are (this is a report); non-zero only if something failed to run.
#
# Environment: BUILD (default build; where thp-index and bench/fts5_floor
# are), BENCH_DIR (default ${TMPDIR:-/tmp}/thp-bench; corpora and indexes),
# KEEP=1 keeps the indexes afterwards.
set -euo pipefail

N=${1:-50000}
case $N in '' | *[!0-9]*) echo "usage: $0 [N]" >&2; exit 2 ;; esac
if [ "$N" -lt 500 ]; then echo "index_bench: N must be at least 500" >&2; exit 2; fi
SMALL_N=$((N / 5))

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
INDEXER=$BUILD/thp-index
FLOOR=$BUILD/bench/fts5_floor
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/thp-bench}
GEN=$ROOT/bench/gen_corpus.py

die() { echo "index_bench: $*" >&2; exit 2; }

[ -x "$INDEXER" ] || die "$INDEXER not found: run make first"
mkdir -p "$WORK"
if [ ! -x "$FLOOR" ]; then
    # normally built by `make bench`; build a private copy otherwise (it
    # links libthp.a for the "thp" tokenizer)
    FLOOR=$WORK/fts5_floor
    [ -f "$BUILD/libthp.a" ] || die "$BUILD/libthp.a not found: run make first"
    echo "index_bench: building $FLOOR"
    # shellcheck disable=SC2046  # pkg-config output is a list of flags
    ${CC:-cc} -O2 -std=c11 -pthread -D_GNU_SOURCE -I"$ROOT/include" \
        -o "$FLOOR" "$ROOT/bench/fts5_floor.c" "$BUILD/libthp.a" \
        $(pkg-config --cflags --libs sqlite3 uchardet libutf8proc gumbo \
            libexttextcat) -lstemmer -lm || die "cannot build fts5_floor"
fi

# A corpus is reused when it was made by this gen_corpus.py with this N.
corpus() {
    local n=$1 dir=$WORK/corpus-$1 id
    id="$n $(sha256sum "$GEN" | cut -d' ' -f1)"
    if [ -f "$dir/.bench-corpus" ] && [ "$(cat "$dir.id" 2>/dev/null)" = "$id" ]; then
        echo "index_bench: reusing $dir" >&2
    else
        rm -rf "$dir" "$dir.id"
        echo "index_bench: generating $n pages into $dir" >&2
        python3 "$GEN" "$dir" "$n" >&2 || die "gen_corpus.py failed"
        echo "$id" > "$dir.id"
    fi
    echo "$dir"
}

rm_db() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

# measure NAME CMD...: run CMD; sets SECS (wall clock), CPU (user + system
# seconds) and RSS_KB (peak resident set, KiB) of the command. CMD's output
# goes to $WORK/NAME.out.
measure() {
    local name=$1 t0 t1 rc=0
    shift
    if [ -x /usr/bin/time ]; then
        t0=$(date +%s.%N)
        /usr/bin/time -o "$WORK/$name.rss" -f '%M %U %S' "$@" >"$WORK/$name.out" 2>&1 || rc=$?
        t1=$(date +%s.%N)
        SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        read -r RSS_KB CPU < <(tail -n 1 "$WORK/$name.rss" | awk '{ print $1, $2 + $3 }')
    else
        # No GNU time: poll the child's VmHWM (peak RSS of its own address
        # space). getrusage(RUSAGE_CHILDREN) would not do: a child forked
        # or vforked from Python keeps Python's ~10 MB high-water mark.
        python3 - "$WORK/$name" "$@" <<'EOF' || rc=$?
import resource, subprocess, sys, time
out = sys.argv[1]
hwm = 0
with open(out + ".out", "wb") as f:
    t0 = time.monotonic()
    p = subprocess.Popen(sys.argv[2:], stdout=f, stderr=subprocess.STDOUT)
    while p.poll() is None:
        try:
            with open("/proc/%d/status" % p.pid) as st:
                for line in st:
                    if line.startswith("VmHWM:"):
                        hwm = max(hwm, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.01)
    dt = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out + ".rss", "w") as f:  # KiB
    f.write("%.3f %d %.2f\n" % (dt, hwm, ru.ru_utime + ru.ru_stime))
sys.exit(p.returncode)
EOF
        read -r SECS RSS_KB CPU < "$WORK/$name.rss"
    fi
    if [ "$rc" -ne 0 ]; then
        cat "$WORK/$name.out" >&2
        die "$name: '$*' exited with status $rc"
    fi
}

BIG=$(corpus "$N")
SMALL=$(corpus "$SMALL_N")
read_stamp() { sed -n 's/.*bytes=\([0-9]*\).*/\1/p' "$1/.bench-corpus"; }
BIG_BYTES=$(read_stamp "$BIG")
SMALL_BYTES=$(read_stamp "$SMALL")

LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
FULL_DB=$WORK/full.db SMALL_DB=$WORK/small.db FLOOR_DB=$WORK/floor.db
rm_db "$FULL_DB"; rm_db "$SMALL_DB"; rm_db "$FLOOR_DB"

echo "index_bench: (a) full pipeline on $N pages" >&2
measure pipeline "$INDEXER" --quiet --index "$FULL_DB" "$BIG"
P_SECS=$SECS P_RSS=$RSS_KB P_CPU=$CPU
DOCS=$(grep -o 'holds [0-9]* documents' "$WORK/pipeline.out" | cut -d' ' -f2 || true)

echo "index_bench: (b) FTS5 floor on the same text" >&2
measure floor "$FLOOR" "$FULL_DB" "$FLOOR_DB"
# "floor: N docs, X MB text, T s" (the insert alone, timed inside)
read -r F_DOCS F_MB F_SECS < <(awk '/^floor:/ { print $2, $4, $7 }' "$WORK/floor.out")
[ -n "${F_SECS:-}" ] || die "floor: no result line in $WORK/floor.out"
F_CPU=$(awk '/^floor-cpu:/ { print $2 }' "$WORK/floor.out")
# the floor copies the index's FTS5 columns and tokenize= clause
F_TOK=$(sed -n 's/^floor-tokenize: //p' "$WORK/floor.out")

echo "index_bench: (c) full pipeline on the first $SMALL_N pages (memory)" >&2
measure small "$INDEXER" --quiet --index "$SMALL_DB" "$SMALL"
S_SECS=$SECS S_RSS=$RSS_KB S_CPU=$CPU
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

if [ "${KEEP:-0}" != 1 ]; then
    rm_db "$FULL_DB"; rm_db "$SMALL_DB"; rm_db "$FLOOR_DB"
fi

awk -v n="$N" -v sn="$SMALL_N" -v bytes="$BIG_BYTES" -v sbytes="$SMALL_BYTES" \
    -v ps="$P_SECS" -v pc="$P_CPU" -v prss="$P_RSS" -v docs="${DOCS:-?}" \
    -v fdocs="$F_DOCS" -v fmb="$F_MB" -v fs="$F_SECS" -v fc="${F_CPU:-0}" \
    -v ss="$S_SECS" -v sc="$S_CPU" -v srss="$S_RSS" \
    -v cpus="$(nproc 2>/dev/null || echo '?')" -v load="$LOAD" -v load2="$LOAD_END" \
    -v when="$(date -u '+%Y-%m-%d %H:%M UTC')" -v indexer="$INDEXER" \
    -v tok="${F_TOK:-?}" '
function verdict(ok) { return ok ? "PASS" : "MISS" }
BEGIN {
    mb = bytes / 1e6; smb = sbytes / 1e6
    ratio = ps / fs
    rss_ratio = prss / srss
    printf "\nthp-search indexing benchmark, %s, %s CPUs\n", when, cpus
    printf "indexer: %s\n", indexer
    printf "tokenizer (index and floor): %s\n", tok
    printf "load average before / after: %s / %s\n\n", load, load2
    printf "%-26s %7s %8s %8s %7s %8s %6s %7s\n", "", "pages", "input MB",
           "wall s", "CPU s", "pages/s", "MB/s", "docs"
    printf "%-26s %7d %8.1f %8.2f %7.2f %8.0f %6.2f %7s\n",
           "full pipeline (thp-index)", n, mb, ps, pc, n / ps, mb / ps, docs
    printf "%-26s %7s %8s %8.2f %7.2f %8s %6s %7s  (%s MB of text)\n",
           "FTS5 floor, same text", "-", "-", fs, fc, "-", "-", fdocs, fmb
    printf "%-26s %7d %8.1f %8.2f %7.2f %8.0f %6.2f\n", "full pipeline, 1/5 corpus",
           sn, smb, ss, sc, sn / ss, smb / ss
    printf "\npipeline / floor, wall:  %6.2fx   target <= 2.0x    %s\n",
           ratio, verdict(ratio <= 2.0)
    if (fc > 0)
        printf "pipeline / floor, CPU:   %6.2fx   (for information)\n", pc / fc
    printf "peak RSS %7d pages:   %6.1f MB\n", sn, srss / 1024
    printf "peak RSS %7d pages:   %6.1f MB\n", n, prss / 1024
    printf "peak RSS large / small:  %6.2fx   target <= 1.25x   %s\n",
           rss_ratio, verdict(rss_ratio <= 1.25)
}'
exit 0
