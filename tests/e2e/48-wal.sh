#!/usr/bin/env bash
# 48-wal.sh: the write-ahead log stays in bounds while thp-index writes and
# a daemon answers searches from the same file the whole time.
#
# 1,600 generated pages (bench/gen_corpus.py) are indexed with
# --wal-limit 1 (MiB) while two keep-alive clients loop /search on
# thp-searchd; the size of INDEX-wal is sampled every 10 ms. Without the
# writer's own checkpoints the log is never written again from its start
# (SQLite's automatic checkpoint never waits for a reader), so it holds at
# least every page the run wrote: more than the index grew (on 1,200
# pages, 31 MB before this test's change, 9 MB after). With them it stays
# under the limit plus the largest transaction. Checks: the index grows by
# more than the bound, the log passed the limit (checkpoints were needed)
# but never the bound, the readers got only 200s, and the log is empty
# once thp-index has exited. Bounded: one indexing run.
set -u
. "$(dirname "$0")/lib.sh"

N=1600
LIMIT_MIB=1
# the limit, plus the largest transaction: a batch of 500 documents, or
# the stored best hits and vocabulary at the end (about 8 MiB here)
BOUND=$((16 << 20))
mkdir -p "$TMP/w"
python3 bench/gen_corpus.py "$TMP/pages" "$N" >/dev/null 2>&1 ||
    { echo "not ok - cannot generate pages"; finish; }
DB=$TMP/w/wal.db

# the first source makes the schema; the daemon starts once it is there
"$INDEX" --quiet --index "$DB" "$ROOT/corpus/seeds" >/dev/null 2>&1 ||
    { echo "not ok - cannot index the seed pages"; finish; }
seed_size=$(stat -c %s "$DB")
start_daemon "$DB" --threads 2 || { echo "not ok - thp-searchd starts"; finish; }

# two readers, and a thread sampling the size of the log every 10 ms
cat >"$TMP/reader.py" <<'PY'
import http.client, os, sys, threading, time
port, stop, out, wal = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
words = ["migration", "city", "report", "policy", "housing", "trade"]
def loop(k):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    with open("%s.%d" % (out, k), "w") as f:
        for i in range(100000):
            if os.path.exists(stop):
                break
            try:
                c.request("GET", "/search?q=%s&limit=10" % words[(i + k) % len(words)])
                r = c.getresponse()
                r.read()
                f.write("%d\n" % r.status)
            except Exception as e:
                f.write("ERR %r\n" % e)
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
def sample():
    top = 0
    while not os.path.exists(stop):
        try:
            top = max(top, os.stat(wal).st_size)
        except OSError:
            pass
        time.sleep(0.01)
    open(out + ".walmax", "w").write("%d\n" % top)
ts = [threading.Thread(target=loop, args=(k,)) for k in range(2)]
ts.append(threading.Thread(target=sample))
for t in ts: t.start()
for t in ts: t.join()
PY
python3 "$TMP/reader.py" "$PORT" "$TMP/reader.stop" "$TMP/reader.out" "$DB-wal" &
reader=$!
BG_PIDS="$BG_PIDS $reader"
sleep 0.3

check_rc "thp-index --wal-limit $LIMIT_MIB with searches running: exit 0" 0 \
    "$INDEX" --quiet --wal-limit "$LIMIT_MIB" --index "$DB" "$TMP/pages"
sleep 0.2
: >"$TMP/reader.stop"
wait "$reader"
BG_PIDS=

max=$(cat "$TMP/reader.out.walmax" 2>/dev/null || echo 0)
size=$(stat -c %s "$DB")
echo "# largest log: $max bytes; index: $seed_size -> $size bytes; bound: $BOUND"
check "the index grew by more than the bound (a log never restarted would hold it all)" \
    test $((size - seed_size)) -gt "$BOUND"
check "the log reached the limit (checkpoints were needed)" \
    test "$max" -ge $((LIMIT_MIB << 20))
check "the log never passed the bound ($BOUND bytes)" test "$max" -le "$BOUND"
check_eq "the log is empty once thp-index has exited" 0 \
    "$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)"
check_eq "the readers got only 200s" "" \
    "$(cat "$TMP"/reader.out.[0-9] | grep -v '^200$' | sort | uniq -c)"
check "... and some" test "$(cat "$TMP"/reader.out.[0-9] | wc -l)" -ge 10
check_eq "every page is indexed" "$N" \
    "$(sql "$DB" "SELECT count(*) FROM sources WHERE path LIKE '%/pages/%'")"
check_rc "thp-index --wal-limit 0: exit 2" 2 "$INDEX" --wal-limit 0 --index "$DB" "$TMP/pages"
check_contains "... saying what it wants" "$ERR" "--wal-limit wants a number of MiB"
stop_daemon TERM
check_db "the index after the run" "$DB"

finish
