# tests/e2e/lib.sh: shared helpers for the end-to-end tests (sourced).
#
# Each test script is run from the repository root with BUILD set to the
# build folder (default "build"; "build/san" under sanitizers). This file
# gives it:
#
#   $TMP                 a scratch folder, removed on exit (with any daemon
#                        or background job still running)
#   $INDEX $SEARCH $SEARCHD   the three programs
#   run CMD...           run CMD; sets RC, OUT (stdout) and ERR (stderr)
#   check DESC CMD...    pass if CMD exits 0
#   check_rc DESC RC CMD...   pass if CMD exits RC (RC may be "0|1");
#                        leaves RC/OUT/ERR set for further checks
#   check_eq DESC EXPECTED ACTUAL
#   check_contains DESC HAYSTACK NEEDLE, check_not_contains (same)
#   check_py DESC CODE [ARG...]  python3 CODE ARG...; passes on exit 0
#                        (use assert; the assertion message is shown)
#   check_json DESC FILE EXPR   EXPR (python, d = the parsed file) is true
#   sql DB QUERY         print rows of QUERY, one a line, fields by tabs
#   corpus_copy [DIR]    copy corpus/ to DIR/corpus (default $TMP), once;
#                        print that path. thp-index names a source by its
#                        path relative to the index file's folder when it
#                        lies inside it (else by its absolute real path):
#                        a copy beside the index is named corpus/...
#   index_corpus DB [SRC...]    thp-index --quiet SRC (default corpus); a
#                        SRC "corpus" means the copy of corpus/ in DB's
#                        folder (made by corpus_copy), so its documents are
#                        named corpus/...
#   start_daemon DB [ARG...]    thp-searchd on 127.0.0.1:0; sets PORT, DPID
#   DAEMON_USER          (--user nobody) when the tests run as root, else
#                        empty: thp-searchd refuses root, so a script that
#                        starts it itself passes "${DAEMON_USER[@]}". $TMP
#                        then belongs to nobody and the umask is 000, so the
#                        daemon may read the index and create its -shm file
#   SAN_DIR              where AddressSanitizer/UBSan reports of every
#                        program go (log_path); finish fails on any, as
#                        run does on one in the stderr it captured
#   stop_daemon [SIG]    signal the daemon (TERM), wait up to 5 s; sets
#                        DAEMON_RC (137 if it had to be killed)
#   http PATH [CURL-ARG...]     GET; sets STATUS, body in $TMP/http.body,
#                        headers in $TMP/http.head, BODY (the body text)
#   check_http DESC STATUS PATH [CURL-ARG...]
#   summary [TEXT]       the counts of thp-index's summary line in TEXT
#                        (default $OUT), as sumline prints them
#   sumline N A U C F R a u d r H   "files N: A added, U updated, C unchanged,
#                        F failed, R removed; documents: a added, u updated,
#                        d duplicate, r removed; holds H"
#   ndocs DB             rows in the documents table
#   check_db DESC DB     PRAGMA integrity_check is ok, the FTS5 index passes
#                        its integrity-check (against the documents table)
#                        and documents, links and the sources manifest
#                        agree
#   skip DESC            a visible note that a check was skipped
#   finish               print "N passed, N failed", exit 1 if any failed
set -u

BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
INDEX=$BUILD/thp-index
SEARCH=$BUILD/thp-search
SEARCHD=$BUILD/thp-searchd
ROOT=$PWD

TMP=$(mktemp -d "${TMPDIR:-/tmp}/thp-e2e.XXXXXX") || exit 2
DAEMON_USER=()
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
    DAEMON_USER=(--user nobody)
    chown nobody "$TMP" && chmod 755 "$TMP" || exit 2
    # folders a test makes are writable for the daemon too, as the index's
    # folder is in production (it creates INDEX-shm beside the index);
    # tests/e2e/46-privilege.sh tries read-only folders and files
    umask 000
fi
# a report in a file is seen even when a test drops the program's stderr
# or the program runs in the background; any user may write there
SAN_DIR=$TMP/sanitizer
mkdir -p "$SAN_DIR" && chmod 1777 "$SAN_DIR" || exit 2
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$SAN_DIR/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$SAN_DIR/ubsan:print_stacktrace=1"
SAN_RE='runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: AddressSanitizer'
PASSED=0
FAILED=0
DPID=
PORT=
BG_PIDS=

# A subshell (a background job) that gets a signal before it has reset the
# traps it inherited would run them too: only the test's own shell cleans up.
_MAIN_PID=$BASHPID
_cleanup() {
    local p
    [ "$BASHPID" = "$_MAIN_PID" ] || return 0
    for p in $DPID $BG_PIDS; do
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

for _p in "$INDEX" "$SEARCH" "$SEARCHD"; do
    if [ ! -x "$_p" ]; then
        echo "not ok - $_p is not built (run make)"
        echo "0 passed, 1 failed"
        exit 1
    fi
done

# Show a file or text indented under a failing check, at most 30 lines.
_detail() {
    sed -n '1,30{s/^/    /;p}'
}

_pass() {
    PASSED=$((PASSED + 1))
    echo "ok - $1"
}

_fail() {
    FAILED=$((FAILED + 1))
    echo "not ok - $1"
}

run() {
    "$@" >"$TMP/run.out" 2>"$TMP/run.err"
    RC=$?
    OUT=$(cat "$TMP/run.out")
    ERR=$(cat "$TMP/run.err")
    if grep -qE "$SAN_RE" "$TMP/run.err"; then
        _fail "no sanitizer report from: $*"
        grep -E -A12 "$SAN_RE" "$TMP/run.err" | _detail
    fi
    return 0
}

_show_run() {
    echo "    command: $*"
    echo "    exit: $RC"
    [ -s "$TMP/run.out" ] && { echo "    stdout:"; _detail <"$TMP/run.out"; }
    [ -s "$TMP/run.err" ] && { echo "    stderr:"; _detail <"$TMP/run.err"; }
    return 0
}

check() {
    local desc=$1
    shift
    run "$@"
    if [ "$RC" -eq 0 ]; then
        _pass "$desc"
    else
        _fail "$desc"
        _show_run "$@"
    fi
}

check_rc() {
    local desc=$1 want=$2 alt
    shift 2
    run "$@"
    for alt in ${want//|/ }; do
        if [ "$RC" -eq "$alt" ]; then
            _pass "$desc"
            return 0
        fi
    done
    _fail "$desc"
    echo "    expected exit: $want"
    _show_run "$@"
    return 1
}

check_eq() {
    if [ "$2" = "$3" ]; then
        _pass "$1"
    else
        _fail "$1"
        echo "    expected: $2"
        echo "    actual:   $3"
    fi
}

check_contains() {
    case $2 in
    *"$3"*) _pass "$1" ;;
    *)
        _fail "$1"
        echo "    missing: $3"
        echo "    in:"
        printf '%s\n' "$2" | _detail
        ;;
    esac
}

check_not_contains() {
    case $2 in
    *"$3"*)
        _fail "$1"
        echo "    unexpected: $3"
        echo "    in:"
        printf '%s\n' "$2" | _detail
        ;;
    *) _pass "$1" ;;
    esac
}

check_py() {
    local desc=$1 code=$2
    shift 2
    if python3 -I -S -c "$code" "$@" >"$TMP/py.out" 2>&1; then
        _pass "$desc"
    else
        _fail "$desc"
        grep -v -e '^Traceback ' -e '^  File "<string>"' "$TMP/py.out" | _detail
    fi
}

# EXPR sees d (the parsed JSON of FILE); a JSON error fails the check.
check_json() {
    local desc=$1 file=$2 expr=$3
    check_py "$desc" '
import json, sys
raw = open(sys.argv[1], "rb").read()
try:
    d = json.loads(raw)
except Exception as e:
    sys.exit("not JSON (%s): %r" % (e, raw[:300]))
if not eval("(\n" + sys.argv[2] + "\n)"):
    sys.exit("false: %s\n    on: %s" % (sys.argv[2], raw[:600].decode("utf-8", "replace")))
' "$file" "$expr"
}

# (the sqlite3 shell when there is one: a tenth of python's start-up time)
if command -v sqlite3 >/dev/null 2>&1; then
    # with the tokenizer extension, when built, so FTS tables can be read
    SQL_LOAD=()
    [ -f "$BUILD/thp_fts5.so" ] && SQL_LOAD=(-cmd ".load $BUILD/thp_fts5")
    sql() {
        sqlite3 -init /dev/null -batch -readonly -noheader \
            -separator "$(printf '\t')" -cmd '.timeout 5000' \
            "${SQL_LOAD[@]}" "$1" "$2" 2>&1
    }
else
    sql() {
        python3 -c '
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=5)
for row in db.execute(sys.argv[2]):
    print("\t".join("" if v is None else str(v) for v in row))
' "$1" "$2"
    }
fi

corpus_copy() {
    local dir=${1:-$TMP}
    if [ ! -d "$dir/corpus" ]; then
        cp -a "$ROOT/corpus" "$dir/corpus" || {
            echo "    (setup) cannot copy corpus/ to $dir" >&2
            return 1
        }
    fi
    printf '%s\n' "$dir/corpus"
}

index_corpus() {
    local db=$1 copy a args=()
    shift
    [ $# -gt 0 ] || set -- corpus
    for a; do
        if [ "$a" = corpus ]; then
            copy=$(corpus_copy "$(dirname "$db")") || return 1
            a=$copy
        fi
        args+=("$a")
    done
    "$INDEX" --quiet --index "$db" "${args[@]}" >"$TMP/index_corpus.log" 2>&1 || {
        echo "    (setup) thp-index --index $db ${args[*]} failed:"
        _detail <"$TMP/index_corpus.log"
        return 1
    }
}

start_daemon() {
    local db=$1 i
    shift
    rm -f "$TMP/port"
    "$SEARCHD" --index "$db" --listen 127.0.0.1:0 --port-file "$TMP/port" \
        --web web --quiet "${DAEMON_USER[@]}" "$@" >"$TMP/daemon.out" \
        2>"$TMP/daemon.err" &
    DPID=$!
    PORT=
    for i in $(seq 1 100); do
        # the port file is complete once it holds a number and a newline
        if [ -s "$TMP/port" ] && [ "$(wc -l <"$TMP/port")" -ge 1 ]; then
            PORT=$(tr -dc 0-9 <"$TMP/port")
            [ -n "$PORT" ] && return 0
        fi
        if ! kill -0 "$DPID" 2>/dev/null; then
            wait "$DPID"
            echo "    (setup) thp-searchd exited $? before listening:"
            _detail <"$TMP/daemon.err"
            DPID=
            return 1
        fi
        sleep 0.05
    done
    echo "    (setup) thp-searchd wrote no port file in 5 s"
    return 1
}

stop_daemon() {
    local sig=${1:-TERM} wd
    DAEMON_RC=
    [ -n "$DPID" ] || return 1
    kill -"$sig" "$DPID" 2>/dev/null
    (sleep 5 && kill -KILL "$DPID") >/dev/null 2>&1 &
    wd=$!
    wait "$DPID"
    DAEMON_RC=$?
    kill -KILL "$wd" 2>/dev/null
    wait "$wd" 2>/dev/null
    DPID=
    return 0
}

http() {
    local path=$1
    shift
    STATUS=$(curl -s -g --max-time 10 -D "$TMP/http.head" -o "$TMP/http.body" \
        -w '%{http_code}' "$@" "http://127.0.0.1:$PORT$path")
    BODY=$(cat "$TMP/http.body" 2>/dev/null)
}

check_http() {
    local desc=$1 want=$2
    shift 2
    http "$@"
    if [ "$STATUS" = "$want" ]; then
        _pass "$desc"
    else
        _fail "$desc"
        echo "    GET $1: expected status $want, got $STATUS"
        printf '%s\n' "$BODY" | _detail
    fi
}

summary() {
    local line re
    re='^thp-index: ([0-9]+) files?: ([0-9]+) added, ([0-9]+) updated, ([0-9]+) unchanged, ([0-9]+) failed, ([0-9]+) removed; documents: ([0-9]+) added, ([0-9]+) updated, ([0-9]+) duplicate, ([0-9]+) removed; .* holds ([0-9]+) documents?'
    line=$(printf '%s\n' "${1-$OUT}" | grep -a '^thp-index: [0-9]' | tail -n 1)
    if [[ $line =~ $re ]]; then
        sumline "${BASH_REMATCH[@]:1:11}"
    else
        echo "(no summary line)"
    fi
}

sumline() {
    echo "files $1: $2 added, $3 updated, $4 unchanged, $5 failed, $6 removed; documents: $7 added, $8 updated, $9 duplicate, ${10} removed; holds ${11}"
}

ndocs() {
    sql "$1" 'SELECT count(*) FROM documents'
}

# ids NAME: the sorted hit ids of $TMP/NAME.json, space separated
ids() {
    python3 -c '
import json, sys
print(" ".join(str(i) for i in sorted(h["id"] for h in json.load(open(sys.argv[1]))["hits"])))
' "$TMP/$1.json" 2>/dev/null
}

# fts_check DB: FTS5's integrity-check of DB in the sqlite3 shell, with the
# tokenizer extension loaded (Python's sqlite3 module cannot load one)
fts_check() {
    sqlite3 -init /dev/null -batch -cmd '.timeout 10000' \
        -cmd ".load $BUILD/thp_fts5" "$1" \
        "INSERT INTO documents_fts(documents_fts, rank)
         VALUES('integrity-check', 1)" 2>&1
}

check_db() {
    check "$1: FTS5 integrity-check" fts_check "$2"
    check_py "$1" '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
r = db.execute("PRAGMA integrity_check").fetchall()
assert r == [("ok",)], "integrity_check: %r" % r[:5]
n = db.execute("SELECT count(*) FROM documents WHERE id NOT IN (SELECT doc_id FROM doc_sources)").fetchone()[0]
assert n == 0, "%d documents without a source" % n
n = db.execute("SELECT count(*) FROM doc_sources WHERE doc_id NOT IN (SELECT id FROM documents)").fetchone()[0]
assert n == 0, "%d links to missing documents" % n
n = db.execute("SELECT count(*) FROM doc_sources WHERE source_path NOT IN (SELECT path FROM sources)").fetchone()[0]
assert n == 0, "%d links to sources not in the manifest" % n
' "$2"
}

skip() {
    echo "skip - $1"
}

# san_reports: fail once for every sanitizer report written so far (each
# file of $SAN_DIR), showing it, and remove it
san_reports() {
    local f
    for f in "$SAN_DIR"/*; do
        [ -f "$f" ] || continue
        _fail "sanitizer report $(basename "$f")"
        _detail <"$f"
        rm -f "$f"
    done
}

finish() {
    # a daemon still running writes its leak report when it exits
    if [ -n "$DPID" ]; then
        stop_daemon TERM
    fi
    san_reports
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ] || exit 1
    exit 0
}
