#!/usr/bin/env bash
# 47-faults.sh: the index file deleted, truncated (to nothing and to half,
# in place) and replaced (by half a file, by a text file, by another index)
# under a running thp-searchd, while a client loops /search and /health on
# two keep-alive connections. The daemon answers every request, with 200 or
# a 503 whose JSON says "the index cannot be read" and names no path of the
# server; after each fault a good index renamed in is served again; the
# daemon stops cleanly on SIGTERM. Bounded: a few hundred requests.
set -u
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/live"
LIVE=$TMP/live/live.db
index_corpus "$TMP/good.db" corpus || { echo "not ok - cannot index"; finish; }
mkdir -p "$TMP/other"
printf 'Other index\n\nokapiotherword only here\n' >"$TMP/other/only.txt"
"$INDEX" --quiet --index "$TMP/other.db" "$TMP/other" >/dev/null 2>&1 ||
    { echo "not ok - cannot index the other corpus"; finish; }
cp "$TMP/good.db" "$LIVE"
GOOD_DOCS=$(ndocs "$TMP/good.db")

start_daemon "$LIVE" --threads 2 || { echo "not ok - thp-searchd starts"; finish; }

# put_back FILE: rename a copy of FILE over the live index
put_back() {
    cp "$1" "$TMP/live/new.db" && mv "$TMP/live/new.db" "$LIVE"
}

# answers DESC: /search and /health are answered with 200 or a clean 503
answers() {
    local p
    for p in "/search?q=rotterdam" /health; do
        http "$p"
        case $STATUS in
        200) _pass "$1: $p answered (200)" ;;
        503)
            check_contains "$1: $p answered (503, saying the index cannot be read)" \
                "$BODY" '"error":"the index cannot be read"'
            check_not_contains "$1: ... the 503 names no server path" "$BODY" "$TMP"
            ;;
        *) _fail "$1: $p answered $STATUS"; printf '%s\n' "$BODY" | _detail ;;
        esac
    done
}

# unavailable DESC: both routes say 503, in JSON, without a path
unavailable() {
    check_http "$1: /search 503" 503 "/search?q=rotterdam"
    check_eq "$1: ... JSON saying the index cannot be read, no path" \
        '{"error":"the index cannot be read"}' "$BODY"
    check_http "$1: /health 503" 503 /health
    check_eq "$1: ... status unavailable, no path" \
        '{"status":"unavailable","error":"the index cannot be read"}' "$BODY"
}

# recovered DESC: a good index renamed in is served again
recovered() {
    put_back "$TMP/good.db"
    check_http "$1, then a good index renamed in: /search 200" 200 "/search?q=rotterdam"
    check_contains "$1: ... hits" "$BODY" '"hits":[{'
    check_http "$1: ... /health 200" 200 /health
    check_contains "$1: ... with every document" "$BODY" \
        "{\"status\":\"ok\",\"documents\":$GOOD_DOCS,"
}

# the client: 2 keep-alive connections, /search and /health in turn, one
# "status body" line per answer, until told to stop (at most 1500 each)
cat >"$TMP/loop.py" <<'EOF'
import http.client, os, sys, threading
port, stop, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def run(k):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    with open("%s.%d" % (out, k), "w") as f:
        for i in range(1500):
            if os.path.exists(stop):
                break
            path = "/health" if i % 2 else "/search?q=migration&limit=3"
            try:
                c.request("GET", path)
                r = c.getresponse()
                body = r.read().decode("utf-8", "replace").replace("\n", " ")
                f.write("%d %s %s\n" % (r.status, path[1:7], body[:200]))
            except Exception as e:
                f.write("ERR %s\n" % repr(e).replace("\n", " "))
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
ts = [threading.Thread(target=run, args=(k,)) for k in range(2)]
for t in ts: t.start()
for t in ts: t.join()
EOF
python3 "$TMP/loop.py" "$PORT" "$TMP/loop.stop" "$TMP/loop.out" &
loop=$!
BG_PIDS="$BG_PIDS $loop"

check_http "before any fault: /search 200" 200 "/search?q=rotterdam"
sleep 0.3

# deleted: every query slot (and /health's reader) opened the file at
# start and goes on answering from it, alike; a SIGHUP's reopen fails and
# keeps it
rm -f "$LIVE"
for i in 1 2 3; do
    check_http "index deleted: /search answered from the file open before ($i)" 200 "/search?q=rotterdam"
    check_contains "... with hits" "$BODY" '"hits":[{'
done
check_http "index deleted: /health 200" 200 /health
kill -HUP "$DPID"
sleep 0.2
check_http "index deleted, then SIGHUP: /search still answered" 200 "/search?q=rotterdam"
check_http "... and /health" 200 /health
check_contains "... counting every document" "$BODY" "\"documents\":$GOOD_DOCS,"
sleep 0.3
recovered "index deleted"

# truncated in place, to nothing and to half its size
: >"$LIVE"
unavailable "index truncated to 0 bytes in place"
sleep 0.3
recovered "index truncated to 0 bytes"
truncate -s $(($(stat -c %s "$LIVE") / 2)) "$LIVE"
answers "index truncated to half in place"
sleep 0.3
recovered "index truncated to half"

# replaced (renamed over) by half a file, by a text file, by another index
head -c $(($(stat -c %s "$TMP/good.db") / 2)) "$TMP/good.db" >"$TMP/half.db"
put_back "$TMP/half.db"
unavailable "index replaced by half a file"
recovered "index replaced by half a file"
printf 'not an index\n' >"$TMP/text.db"
put_back "$TMP/text.db"
unavailable "index replaced by a text file"
recovered "index replaced by a text file"
put_back "$TMP/other.db"
check_http "index replaced by another index: its word is found" 200 "/search?q=okapiotherword"
check_contains "... one hit" "$BODY" '"total":1,'
check_http "... and /health counts its documents" 200 /health
check_contains "... one" "$BODY" '"documents":1,'
recovered "index replaced by another index"

: >"$TMP/loop.stop"
wait "$loop"
BG_PIDS=
check_py "the looping client: every answer 200 or a clean 503, never another status or a dropped connection" '
import glob, json, sys
n = ok = 0
for name in glob.glob(sys.argv[1] + ".*"):
    for line in open(name):
        n += 1
        status, route, body = (line.rstrip("\n").split(" ", 2) + ["", ""])[:3]
        assert status in ("200", "503"), line
        if status == "503":
            assert "the index cannot be read" in json.loads(body)["error"], line
            assert sys.argv[2] not in body, line
        else:
            ok += 1
assert n >= 20 and ok >= 10, "only %d answers, %d of them 200" % (n, ok)
' "$TMP/loop.out" "$TMP"
check "the daemon is still running" kill -0 "$DPID"
stop_daemon TERM
check_eq "SIGTERM after the faults: exit 0" 0 "$DAEMON_RC"

finish
