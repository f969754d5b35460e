#!/usr/bin/env bash
# 60-crash.sh: thp-index killed at any moment leaves a usable index.
#
# On a generated corpus of $NF small pages, notes and listings (enough
# that a run lasts long enough to be killed in the middle): thp-index is
# killed with SIGKILL after a series of delays (fractions of the time a
# whole run takes), each time restarted on the same index. After every
# kill the index passes SQLite's and FTS5's integrity checks, every source
# in it is either absent or complete (batches commit only between
# sources), and thp-search still answers. The last run finishes the work:
# the same documents as an uninterrupted run. Meanwhile thp-search and
# thp-searchd answer every request. The same for an incremental run that
# updates and removes sources, and for --full over a complete index; and
# SIGINT / SIGTERM stop a run with exit 130, the index consistent.
set -u
. "$(dirname "$0")/lib.sh"

C=$TMP/c
NF=6000            # files; one in ten is a listing of three items
NDOCS=$((NF * 12 / 10))
python3 - "$C" "$NF" <<'EOF'
import os, random, sys
out, nfiles = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261125)
syl = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "de", "pa", "gu",
       "re", "zo", "fi", "ba", "te", "no", "ma", "li", "su"]
vocab = sorted({"".join(rng.choice(syl) for _ in range(rng.randint(2, 4)))
                for _ in range(3000)})

def para(k):
    return " ".join(rng.choice(vocab) for _ in range(k))

for i in range(nfiles):
    d = os.path.join(out, "part%02d" % (i % 20))
    os.makedirs(d, exist_ok=True)
    tag = "crashdoc%04d" % i
    if i % 10 == 9:  # a listing of three items
        items = ["Listing %d item %d %s\n\nLocation: %s, %s\ndate: march %d\n\n"
                 "%s item%dof%04d\n\n%s\n"
                 % (i, j, rng.choice(vocab), rng.choice(vocab),
                    rng.choice(vocab), 2000 + i % 20, para(40), j, i, para(30))
                 for j in range(3)]
        name, text = "list%04d.txt" % i, "\nback to overview\n\n".join(items)
    elif i % 2:
        name = "page%04d.html" % i
        text = ("<!doctype html><html><head><meta charset=utf-8><title>Page %d"
                " %s</title><script>var scriptonlyword;</script></head><body>"
                "<nav>Home</nav><main><h1>Page %d %s</h1><p>%s %s</p><p>%s</p>"
                "</main><footer>Copyright</footer></body></html>\n"
                % (i, rng.choice(vocab), i, rng.choice(vocab), para(50), tag,
                   para(40)))
    else:
        name = "note%04d.txt" % i
        text = "Note %d %s\n\n%s %s\n\n%s\n" % (i, rng.choice(vocab), para(50),
                                              tag, para(40))
    with open(os.path.join(d, name), "w") as f:
        f.write(text)
EOF

now_ms() { echo $(($(date +%s%N) / 1000000)); }
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

# keys DB: "source_key content_hash" of every link, sorted (what a run of
# the same sources must end with, whatever the ids)
keys() {
    sql "$1" 'SELECT s.source_key, d.content_hash FROM doc_sources s JOIN documents d ON d.id = s.doc_id ORDER BY 1'
}

# check_state DESC DB REF...: in one look, the index passes PRAGMA
# integrity_check and FTS5's integrity-check (against the documents table),
# documents, links and manifest agree, and every source in DB's manifest
# has exactly the documents it has in one of the REF indexes (as it was
# before the run, or as it is after): none is half written.
check_state() {
    check "$1: FTS5 integrity-check" fts_check "$2"
    check_py "$1" '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
r = db.execute("PRAGMA integrity_check").fetchall()
assert r == [("ok",)], "integrity_check: %r" % r[:5]
def links(db):
    out = {}
    for p, k, h in db.execute("SELECT s.source_path, s.source_key, d.content_hash FROM doc_sources s LEFT JOIN documents d ON d.id = s.doc_id"):
        assert h is not None, ("link to a missing document", k)
        out.setdefault(p, set()).add((k, h))
    return out
got = links(db)
done = {p for (p,) in db.execute("SELECT path FROM sources WHERE status = \x27ok\x27")}
n = db.execute("SELECT count(*) FROM documents WHERE id NOT IN (SELECT doc_id FROM doc_sources)").fetchone()[0]
assert n == 0, "%d documents without a source" % n
refs = [links(sqlite3.connect(r)) for r in sys.argv[2:]]
for p in done:
    assert any(got.get(p, set()) == ref.get(p, set()) for ref in refs), ("half-written source", p)
stray = set(got) - done
assert not stray, ("links of sources not in the manifest", sorted(stray)[:3])
' "${@:2}"
}

# count DB: its documents, or "none" when it has no index yet
count() {
    local c
    c=$(sql "$1" 'SELECT count(*) FROM documents' 2>/dev/null)
    case $c in '' | *[!0-9]*) echo none ;; *) echo "$c" ;; esac
}

alive() { # alive PID: running (not a zombie)
    kill -0 "$1" 2>/dev/null &&
        ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}

# kill_after_commit DB EXTRA-MS: start thp-index on DB over $C; once it has
# committed more documents than DB held, wait EXTRA-MS more and SIGKILL
# it (so kills land at varied points of a batch, and every run gets
# further). Sets RC: 137 if it was killed, its exit status if it ended.
kill_after_commit() {
    local db=$1 extra=$2 before now i pid
    before=$(count "$db")
    [ "$before" = none ] && before=0
    "$INDEX" --quiet --index "$db" "$C" >"$TMP/kill.out" 2>&1 &
    pid=$!
    for ((i = 0; i < 2000; i++)); do
        alive "$pid" || break
        now=$(count "$db")
        [ "$now" != none ] && [ "$now" -gt "$before" ] && break
        sleep 0.01
    done
    sleep_ms "$extra"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    RC=$?
}

#---- the reference: one uninterrupted run ---------------------------------

REF=$TMP/ref.db
t0=$(now_ms)
check_rc "reference run over $NF files: exit 0" 0 "$INDEX" --quiet --index "$REF" "$C"
T=$(($(now_ms) - t0))
N=$(ndocs "$REF")
check_eq "reference: $NF files, $NDOCS documents" \
    "$(sumline "$NF" "$NF" 0 0 0 0 "$NDOCS" 0 0 0 "$NDOCS")" "$(summary)"
keys "$REF" >"$TMP/ref.keys"
echo "# a whole run takes $T ms"

#---- SIGKILL at a series of moments, restarting on the same index ---------

DB=$TMP/crash.db
# killed at once, at a few moments while the index is being created: either
# nothing was committed and there is no index (exit 2, never a half-made
# one read as if whole), or what is there is consistent
for ms in 1 2 3 5 8; do
    rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
    "$INDEX" --quiet --index "$DB" "$C" >"$TMP/kill.out" 2>&1 &
    pid=$!
    sleep_ms "$ms"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    have=$(count "$DB")
    if [ "$have" = none ]; then
        check_rc "killed at $ms ms, before the schema was committed: thp-search says there is no index (exit 2)" \
            2 "$SEARCH" --index "$DB" crashdoc0001
    else
        check_state "killed at $ms ms ($have documents): index consistent" "$DB" "$REF"
        check_rc "killed at $ms ms: thp-search answers (exit 0 or 1)" "0|1" \
            "$SEARCH" --index "$DB" crashdoc0001
    fi
done

killed=0
partial=0
progress=
readers=0
for extra in 0 35 10 60 20 45; do
    kill_after_commit "$DB" "$extra"
    rc=$RC
    have=$(count "$DB")
    progress="$progress $have"
    label="killed ${extra} ms after a commit: exit $rc, $have documents"
    case $rc in
    137) killed=$((killed + 1)) ;;
    0) ;;
    *) _fail "$label: killed (137) or finished (0)"
       _detail <"$TMP/kill.out" ;;
    esac
    [ "$have" != none ] && [ "$have" -gt 0 ] && [ "$have" -lt "$N" ] &&
        partial=$((partial + 1))
    check_state "$label: index consistent, every source complete or absent" \
        "$DB" "$REF"
    check_rc "$label: thp-search answers (exit 0 or 1)" "0|1" \
        "$SEARCH" --index "$DB" crashdoc0001

    # from now on, thp-search and thp-searchd answer beside the writer
    if [ "$readers" -eq 0 ]; then
        readers=1
        (
            while [ ! -e "$TMP/stop-reading" ]; do
                "$SEARCH" --index "$DB" --limit 5 crashdoc1234 OR listing \
                    >/dev/null 2>>"$TMP/reader.err"
                echo "$?"
                sleep 0.02
            done
        ) >"$TMP/reader.log" &
        BG_PIDS="$BG_PIDS $!"
        if start_daemon "$DB"; then
            readers=2
            (
                while [ ! -e "$TMP/stop-reading" ]; do
                    curl -s -o /dev/null --max-time 5 -w '%{http_code}\n' \
                        "http://127.0.0.1:$PORT/search?q=crashdoc0042+OR+note&limit=5"
                    curl -s -o /dev/null --max-time 5 -w '%{http_code}\n' \
                        "http://127.0.0.1:$PORT/health"
                    sleep 0.02
                done
            ) >"$TMP/http.log" &
            BG_PIDS="$BG_PIDS $!"
        fi
    fi
done
echo "# documents after each kill:$progress"
check "SIGKILL landed mid-run at least 3 times ($killed)" test "$killed" -ge 3
check "kills left partial indexes ($partial times)" test "$partial" -ge 2

check_rc "the run after the kills finishes: exit 0" 0 "$INDEX" --quiet --index "$DB" "$C"
check_eq "... the same document count as the uninterrupted run" "$N" "$(ndocs "$DB")"
keys "$DB" >"$TMP/crash.keys"
check_eq "... the same documents (keys and texts)" "" \
    "$(diff "$TMP/ref.keys" "$TMP/crash.keys" | head -n 5)"
check_db "... index consistent" "$DB"
check_rc "one more run: exit 0" 0 "$INDEX" --quiet --index "$DB" "$C"
check_eq "... nothing left to do" "$(sumline "$NF" 0 0 "$NF" 0 0 0 0 0 0 "$N")" \
    "$(summary)"

#---- a run that updates and removes, killed ------------------------------

# edit 150 files (an extra word), delete one folder (100 files), add 50
python3 -I -S - "$C" <<'EOF'
import os, shutil, sys
c = sys.argv[1]
for i in range(0, 1500, 10):
    d = os.path.join(c, "part%02d" % (i % 20))
    for f in os.listdir(d):
        if f.endswith("%04d.txt" % i) or f.endswith("%04d.html" % i):
            p = os.path.join(d, f)
            s = open(p).read().replace("crashdoc", "crashedit crashdoc", 1)
            s = s.replace(" item0of", " crashedit item0of", 1)
            open(p, "w").write(s)
            os.utime(p, (1e9, 1e9))
shutil.rmtree(os.path.join(c, "part19"))
os.makedirs(os.path.join(c, "new"))
for i in range(50):
    with open(os.path.join(c, "new", "fresh%02d.txt" % i), "w") as f:
        f.write("Fresh note %d\n\nfreshword%02d and some other words about"
                " harbours, cities, employers and the labour market.\n" % (i, i))
EOF
REF2=$TMP/ref2.db
check_rc "reference of the changed corpus: exit 0" 0 "$INDEX" --quiet --index "$REF2" "$C"
N2=$(ndocs "$REF2")
keys "$REF2" >"$TMP/ref2.keys"
for pct in 5 10 20; do
    delay=$((T * pct / 100))
    [ "$delay" -ge 10 ] || delay=10
    "$INDEX" --quiet --index "$DB" "$C" >"$TMP/kill.out" 2>&1 &
    pid=$!
    sleep_ms "$delay"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    label="incremental run killed at $pct% (${delay} ms, exit $rc)"
    check_state "$label: index consistent, every source as before or after" \
        "$DB" "$REF" "$REF2"
    check_rc "$label: thp-search answers" "0|1" "$SEARCH" --index "$DB" crashedit
done
check_rc "the incremental run after the kills finishes: exit 0" 0 \
    "$INDEX" --quiet --index "$DB" "$C"
check_eq "... the documents of an uninterrupted run ($N2)" "$N2" "$(ndocs "$DB")"
keys "$DB" >"$TMP/crash2.keys"
check_eq "... the same keys and texts" "" \
    "$(diff "$TMP/ref2.keys" "$TMP/crash2.keys" | head -n 5)"
check_eq "... the deleted folder is gone from the manifest" "0" \
    "$(sql "$DB" "SELECT count(*) FROM sources WHERE path LIKE '%/part19/%'")"
check_db "... index consistent" "$DB"

#---- --full over a complete index, killed: nothing is lost -----------------

for pct in 15 40; do
    delay=$((T * pct / 100))
    [ "$delay" -ge 10 ] || delay=10
    "$INDEX" --full --quiet --index "$DB" "$C" >"$TMP/kill.out" 2>&1 &
    pid=$!
    sleep_ms "$delay"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    label="--full killed at $pct% (exit $rc)"
    check_eq "$label: all $N2 documents still there" "$N2" "$(ndocs "$DB")"
    keys "$DB" >"$TMP/full.keys"
    check_eq "$label: the same keys and texts" "" \
        "$(diff "$TMP/ref2.keys" "$TMP/full.keys" | head -n 5)"
done
check_db "after the killed --full runs: index consistent" "$DB"

#---- readers beside the writer -----------------------------------------------

: >"$TMP/stop-reading"
for p in $BG_PIDS; do
    [ "$p" = "$DPID" ] || wait "$p" 2>/dev/null
done
BG_PIDS=
n=$(grep -c . "$TMP/reader.log")
check "thp-search ran while thp-index wrote and was killed ($n searches)" \
    test "$n" -gt 5
check_eq "... every search exited 0 or 1" "" \
    "$(grep -v -x -e 0 -e 1 "$TMP/reader.log" | sort | uniq -c)"
check_eq "... with nothing on stderr" "" "$(head -n 5 "$TMP/reader.err")"
if [ "$readers" -eq 2 ]; then
    n=$(grep -c . "$TMP/http.log")
    check "thp-searchd was asked while thp-index wrote ($n requests)" \
        test "$n" -gt 5
    check_eq "... every request got a 200" "" \
        "$(grep -v -x 200 "$TMP/http.log" | sort | uniq -c)"
    check_http "... and it still answers" 200 /health
    check_json "... counting the final documents" "$TMP/http.body" \
        "d['documents'] == $N2"
    stop_daemon TERM
    check_eq "... and stops with exit 0" 0 "$DAEMON_RC"
else
    _fail "thp-searchd starts on the index being written"
fi

#---- SIGINT and SIGTERM: exit 130, the work so far kept -------------------------

for sig in INT TERM; do
    SDB=$TMP/sig-$sig.db
    rc=
    for pct in 40 20 10 5; do
        delay=$((T * pct / 100))
        [ "$delay" -ge 10 ] || delay=10
        rm -f "$SDB" "$SDB-wal" "$SDB-shm"
        "$INDEX" --index "$SDB" "$C" >"$TMP/sig.out" 2>"$TMP/sig.err" &
        pid=$!
        sleep_ms "$delay"
        if kill -0 "$pid" 2>/dev/null; then
            kill -"$sig" "$pid"
            wait "$pid" 2>/dev/null
            rc=$?
            # every document was in before the signal (it came while the
            # best hits were being stored, or after): try again earlier
            grep -q "interrupted" "$TMP/sig.out" &&
                [ "$(ndocs "$SDB")" -lt "$N2" ] && break
            rc=
            continue
        fi
        wait "$pid" 2>/dev/null
    done
    if [ -z "$rc" ]; then
        skip "SIG$sig: thp-index always finished before the signal"
        continue
    fi
    check_eq "SIG$sig during a run: exit 130" 130 "$rc"
    check_contains "SIG$sig: the summary says to run again" \
        "$(cat "$TMP/sig.out")" "interrupted, run again to finish"
    check_eq "SIG$sig: nothing on stderr" "" "$(cat "$TMP/sig.err")"
    have=$(ndocs "$SDB")
    check "SIG$sig: stopped early, the work so far kept ($have of $N2 documents)" \
        test "$have" -lt "$N2"
    check_state "SIG$sig: index consistent, every source complete or absent" \
        "$SDB" "$REF2"
    check_rc "SIG$sig: the next run finishes: exit 0" 0 "$INDEX" --quiet --index "$SDB" "$C"
    check_eq "SIG$sig: ... with all $N2 documents" "$N2" "$(ndocs "$SDB")"
done

finish
