#!/usr/bin/env bash
# 32-production.sh: thp-searchd as deployed, through the real daemon over
# HTTP on 127.0.0.1: threads and keep-alive, the connection limit (503),
# index swaps by rename and in place while a client loops (no failure, no
# mixed generation), SIGHUP, CORS, ETag/304, Cache-Control, gzip, content
# types, HEAD, HTML 404 for browsers, 405 with Allow, /metrics, the JSON
# access log, URI/parameter/limit caps, the time budget, per-IP limit and
# slow clients, static files never through a symlink, root and --user,
# several --listen, --version, draining on SIGTERM, man pages.
# Loops are bounded by counts; nothing asserts on timing.
set -u
. "$(dirname "$0")/lib.sh"

header() { # header NAME: value of a response header of the last http call
    tr -d '\r' <"$TMP/http.head" | sed -n "s/^$1: //Ip" | tail -n 1
}

LIVE=$TMP/live/live.db
mkdir -p "$TMP/live" "$TMP/gen"
index_corpus "$LIVE" corpus || { echo "not ok - cannot index corpus/"; finish; }
base_docs=$(ndocs "$LIVE")

#---- 1. concurrency -----------------------------------------------------------

for t in 0 65 abc 2x ""; do
    check_rc "--threads '$t': exit 2" 2 timeout 10 "$SEARCHD" "${DAEMON_USER[@]}" --index "$LIVE" \
        --threads "$t" --listen 127.0.0.1:0 --quiet
done
check_contains "--threads: the message gives the range" "$ERR" "1..64"
check_rc "--version: exit 0" 0 timeout 10 "$SEARCHD" --version
check_contains "--version: names the program" "$OUT" "thp-searchd "
check_rc "--log-format xml: exit 2" 2 timeout 10 "$SEARCHD" "${DAEMON_USER[@]}" --index "$LIVE" \
    --log-format xml --listen 127.0.0.1:0

start_daemon "$LIVE" --threads 2 --max-connections 4 ||
    { echo "not ok - thp-searchd starts"; finish; }

out=$(curl -sv -o /dev/null -o /dev/null "http://127.0.0.1:$PORT/health" \
    "http://127.0.0.1:$PORT/search?q=rotterdam" 2>&1)
check_contains "keep-alive: the second request reuses the connection" "$out" \
    "Re-using existing connection"
check_not_contains "keep-alive: no Connection: close" "$out" "Connection: close"

# 4 idle connections fill the server: the next request gets a 503 in JSON
check_py "--max-connections 4: a request beyond it gets a clear 503 JSON" '
import json, socket, sys, time
port = int(sys.argv[1])
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
time.sleep(0.3)
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(b"GET /search?q=rotterdam HTTP/1.1\r\nHost: x\r\n\r\n")
data = b""
while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
assert head.startswith(b"HTTP/1.1 503"), head[:80]
assert b"application/json" in head, head
assert "too many connections" in json.loads(body)["error"], body
for c in idle:
    c.close()
' "$PORT"
sleep 0.3
check_http "after the idle connections close: 200 again" 200 /health

seq 1 60 | xargs -P 4 -I{} curl -s -o /dev/null --max-time 10 \
    -w '%{http_code}\n' "http://127.0.0.1:$PORT/search?q=migration&offset={}" \
    >"$TMP/burst.log"
check_eq "60 requests from 4 clients (within the limit): all 200" 60 \
    "$(grep -c '^200$' "$TMP/burst.log")"
stop_daemon TERM

#---- 2. zero-downtime swaps ------------------------------------------------

start_daemon "$LIVE" --threads 2 || { echo "not ok - daemon restarts"; finish; }
http /health
check_json "/health: generation and index_mtime" "$TMP/http.body" \
    'd["generation"] >= 1 and d["index_mtime"].endswith("Z") and d["documents"] == '"$base_docs"
check_eq "/health: X-Index-Generation header = generation" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["generation"])' "$TMP/http.body")" \
    "$(header X-Index-Generation)"

# The client: 2 keep-alive connections (each served by one worker) loop
# over /search and /health until the swapper is done (at most 4000 each),
# logging status, generation and documents.
cat >"$TMP/loop.py" <<'EOF'
import http.client, json, os, sys, threading
port, stop, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def run(k):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    with open("%s.%d" % (out, k), "w") as f:
        for i in range(4000):
            if os.path.exists(stop) and i > 20:
                break
            path = "/health" if i % 2 else "/search?q=migration&limit=3"
            try:
                c.request("GET", path)
                r = c.getresponse()
                body = r.read()
                d = json.loads(body)
                g = int(r.getheader("X-Index-Generation") or -1)
                docs = d.get("documents", -1)
                f.write("%d %s %d %d %d\n" % (r.status, path[1:7], g,
                        d.get("generation", -1), docs))
            except Exception as e:
                f.write("ERR %s\n" % repr(e).replace("\n", " "))
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
ts = [threading.Thread(target=run, args=(k,)) for k in range(2)]
for t in ts: t.start()
for t in ts: t.join()
EOF
rm -f "$TMP/swap.done"
python3 "$TMP/loop.py" "$PORT" "$TMP/swap.done" "$TMP/loopout" &
loop=$!
BG_PIDS="$BG_PIDS $loop"
swapfail=
walleft=
for k in 1 2 3 4; do
    # each generation has one more note, so its document count differs
    mkdir -p "$TMP/gen/notes"
    printf 'Swap note %d\n\nswapword%d generation note\n' "$k" "$k" \
        >"$TMP/gen/notes/note$k.txt"
    rm -f "$TMP/live/new.db"
    "$INDEX" --quiet --index "$TMP/live/new.db" "$TMP/live/corpus" \
        "$TMP/gen/notes" >"$TMP/swap.log" 2>&1 || swapfail="$swapfail build$k"
    # thp-index checkpoints and closes: nothing beside new.db to go stale
    [ -e "$TMP/live/new.db-wal" ] || [ -e "$TMP/live/new.db-shm" ] &&
        walleft="$walleft $k"
    mv "$TMP/live/new.db" "$LIVE" || swapfail="$swapfail mv$k"
    sleep 0.3
done
# and once in place (WAL), as thp-index does on the live file
printf 'In place\n\ninplaceword note\n' >"$TMP/gen/notes/inplace.txt"
"$INDEX" --quiet --index "$LIVE" "$TMP/live/corpus" "$TMP/gen/notes" \
    >"$TMP/swap.log" 2>&1 || swapfail="$swapfail inplace"
sleep 0.3
: >"$TMP/swap.done"
wait "$loop"
BG_PIDS=
check_eq "4 rebuilds + renames and 1 in-place update all succeed" "" "$swapfail"
check_eq "thp-index leaves no -wal/-shm beside new.db before the rename" "" \
    "$walleft"
check_py "the looping client: zero failures, generations never go back per connection, one document count per generation" '
import glob, sys
total = 0
docs_of = {}
for name in sorted(glob.glob(sys.argv[1] + ".*")):
    last = 0
    for line in open(name):
        total += 1
        f = line.split()
        assert f[0] == "200", "%s: %s" % (name, line)
        g, gj, docs = int(f[2]), int(f[3]), int(f[4])
        assert g == gj or f[1] == "health", line
        assert g >= last, "%s: generation went back %d -> %d" % (name, last, g)
        last = g
        if docs >= 0:
            assert docs_of.setdefault(g, docs) == docs, \
                "generation %d with %d and %d documents" % (g, docs_of[g], docs)
assert total > 40, "only %d requests" % total
assert len(docs_of) >= 2, "saw only generations %r" % docs_of
' "$TMP/loopout"
http /health
check_json "after the swaps: /health shows the last index" "$TMP/http.body" \
    "d['documents'] == $(ndocs "$LIVE") and d['generation'] >= 2"
gen_before=$(header X-Index-Generation)
check_http "the in-place update is searchable" 200 "/search?q=inplaceword"
check_json "... one hit" "$TMP/http.body" 'd["total"] == 1'
check_http "the last renamed file is searchable" 200 "/search?q=swapword4"
check_json "... one hit" "$TMP/http.body" 'd["total"] == 1'
check_db "the live index after swaps" "$LIVE"
check "thp-index updates the swapped file in place afterwards" \
    "$INDEX" --quiet --index "$LIVE" "$TMP/live/corpus" "$TMP/gen/notes"

# SIGHUP: every worker reopens; the same content keeps its generation
kill -HUP "$DPID"
sleep 0.3
http /health
check_eq "after SIGHUP: 200" 200 "$STATUS"
check_eq "after SIGHUP: same content, same generation" "$gen_before" \
    "$(header X-Index-Generation)"
check_contains "SIGHUP is noted in the log" "$(cat "$TMP/daemon.err")" \
    "SIGHUP, reopening the index"
check "still running after SIGHUP" kill -0 "$DPID"

# a broken file renamed over the index: 503 that does not name the path,
# and the daemon recovers when a good file comes back
cp "$LIVE" "$TMP/live/good.db"
printf 'not an index at all\n' >"$TMP/live/bad.db"
mv "$TMP/live/bad.db" "$LIVE"
http /health
check_eq "a broken index renamed in: /health 503" 503 "$STATUS"
check_not_contains "... the body does not reveal the index path" "$BODY" "live"
http "/search?q=rotterdam"
check_eq "... /search 503" 503 "$STATUS"
check_json "... a JSON error" "$TMP/http.body" 'd["error"] == "the index cannot be read"'
check_not_contains "... not naming the path" "$BODY" "$TMP"
mv "$TMP/live/good.db" "$LIVE"
check_http "a good index renamed back: 200 again" 200 /health
stop_daemon TERM

#---- 3. HTTP conventions ----------------------------------------------------

start_daemon "$LIVE" --cors-origin https://thp.example \
    --cors-origin https://other.example || { echo "not ok - daemon starts"; finish; }

http "/search?q=rotterdam" -H "Origin: https://thp.example"
check_eq "CORS: an allowed origin is echoed" "https://thp.example" \
    "$(header Access-Control-Allow-Origin)"
http "/search?q=rotterdam" -H "Origin: https://evil.example"
check_eq "CORS: another origin gets no Allow-Origin" "" \
    "$(header Access-Control-Allow-Origin)"
check_http "OPTIONS preflight: 204" 204 /search -X OPTIONS \
    -H "Origin: https://other.example" -H "Access-Control-Request-Method: GET"
check_eq "... Allow-Origin" "https://other.example" "$(header Access-Control-Allow-Origin)"
check_contains "... Allow-Methods" "$(header Access-Control-Allow-Methods)" "GET"
check_contains "... Allow" "$(header Allow)" "GET, HEAD, OPTIONS"

check_http "/search: 200" 200 "/search?q=rotterdam&limit=2"
etag=$(header ETag)
check_contains "/search: an ETag" "$etag" '"'
check_eq "/search: short Cache-Control" "public, max-age=10" "$(header Cache-Control)"
check_eq "/search: JSON with charset" "application/json; charset=utf-8" \
    "$(header Content-Type)"
check_eq "/search: X-Content-Type-Options" nosniff "$(header X-Content-Type-Options)"
rm -f "$TMP/http.body"
check_http "the same search with If-None-Match: 304" 304 "/search?q=rotterdam&limit=2" \
    -H "If-None-Match: $etag"
check_eq "... no body" "" "$BODY"
check_http "another request URL, same ETag sent: 200" 200 "/search?q=rotterdam&limit=3" \
    -H "If-None-Match: $etag"
check_eq "... and another ETag" "no" "$([ "$(header ETag)" = "$etag" ] && echo yes || echo no)"
mkdir -p "$TMP/extra2"
printf 'Etag note\n\netagword text\n' >"$TMP/extra2/etag.txt"
"$INDEX" --quiet --index "$LIVE" "$TMP/live/corpus" "$TMP/gen/notes" "$TMP/extra2" \
    >/dev/null 2>&1
check_http "after the index changed, the old ETag: 200" 200 "/search?q=rotterdam&limit=2" \
    -H "If-None-Match: $etag"

# (2>/dev/null: bash notes the NUL bytes of a gzip body it reads into BODY)
{ check_http "/searchbox.js gzipped: 200" 200 /searchbox.js -H "Accept-Encoding: gzip"; } 2>/dev/null
check_eq "... Content-Encoding: gzip" gzip "$(header Content-Encoding)"
check_eq "... decodes to the file" "$(cat web/searchbox.js)" \
    "$(python3 -c 'import gzip,sys; sys.stdout.write(gzip.open(sys.argv[1]).read().decode())' "$TMP/http.body")"
check_eq "... long Cache-Control" "public, max-age=86400" "$(header Cache-Control)"
check_contains "... Vary: Accept-Encoding" "$(header Vary)" "Accept-Encoding"
etag=$(header ETag)
rm -f "$TMP/http.body"
check_http "/searchbox.js with If-None-Match: 304" 304 /searchbox.js \
    -H "Accept-Encoding: gzip" -H "If-None-Match: $etag"
check_http "/searchbox.js without Accept-Encoding: 200" 200 /searchbox.js
check_eq "... not gzipped" "" "$(header Content-Encoding)"
check_http "/health gzip asked: 200" 200 /health -H "Accept-Encoding: gzip"
check_eq "... a body under 1 KB is sent plain" "" "$(header Content-Encoding)"
check_http "/searchbox.js gzip;q=0: 200" 200 /searchbox.js -H "Accept-Encoding: gzip;q=0"
check_eq "... not gzipped" "" "$(header Content-Encoding)"

types=(/health "application/json; charset=utf-8"
    "/search?q=rotterdam" "application/json; charset=utf-8"
    "/search?q=rotterdam&format=csv" "text/csv; charset=utf-8"
    "/?q=rotterdam" "text/html; charset=utf-8"
    / "text/html; charset=utf-8"
    /searchbox.css "text/css; charset=utf-8"
    /searchbox.js "text/javascript; charset=utf-8"
    "/suggest?q=rot" "application/json; charset=utf-8"
    /metrics "text/plain; version=0.0.4; charset=utf-8"
    /nope "application/json; charset=utf-8")
for ((i = 0; i < ${#types[@]}; i += 2)); do
    http "${types[i]}"
    check_contains "${types[i]}: Content-Type ${types[i + 1]}" \
        "$(header Content-Type)" "${types[i + 1]}"
    check_eq "${types[i]}: nosniff" nosniff "$(header X-Content-Type-Options)"
done
for p in / "/?q=rotterdam" "/doc/1"; do
    http "$p"
    check_contains "$p: a CSP" "$(header Content-Security-Policy)" "default-src 'self'"
done
for p in /health "/search?q=rotterdam" / /searchbox.js /metrics /doc/1 "/suggest?q=rot"; do
    check_http "HEAD $p: 200" 200 "$p" -I
    check_eq "HEAD $p: headers only, no body" "" "$(sed '1,/^\r$/d' "$TMP/http.body")"
done
check_http "browser 404: 404" 404 /nope.html -H "Accept: text/html,*/*"
check_contains "... an HTML page" "$(header Content-Type)" "text/html"
check_contains "... saying not found" "$BODY" "404 Not Found"
check_http "API 404: 404" 404 /nope.html
check_json "... JSON" "$TMP/http.body" 'd["error"] == "not found"'
check_http "/search for a browser, bad query: still JSON 400" 400 "/search?q=%22x" \
    -H "Accept: text/html"
check_json "... JSON" "$TMP/http.body" 'd["error"] and d["position"] == 0'
check_http "POST: 405" 405 /search -X POST -d a=b
check_eq "... Allow" "GET, HEAD, OPTIONS" "$(header Allow)"
check_json "... JSON" "$TMP/http.body" 'd["error"]'
stop_daemon TERM

#---- 4. observability -----------------------------------------------------

rm -f "$TMP/port"
"$SEARCHD" "${DAEMON_USER[@]}" --index "$LIVE" --listen 127.0.0.1:0 --port-file "$TMP/port" --web web \
    --log-format json >"$TMP/daemon.out" 2>"$TMP/daemon.err" &
DPID=$!
for i in $(seq 1 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
PORT=$(tr -dc 0-9 <"$TMP/port")
check_http "json log daemon: /search 200" 200 "/search?q=rotterdam&limit=2"
check_http "json log daemon: bad query 400" 400 "/search?q=%22x"
python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /nope\x1b[31mred HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
while s.recv(65536): pass
' "$PORT"
check_http "/metrics: 200" 200 /metrics
cp "$TMP/http.body" "$TMP/metrics.txt"
check_py "/metrics: Prometheus text with every family" '
import re, sys
t = open(sys.argv[1]).read()
for name in ["thp_http_requests_total", "thp_http_request_duration_seconds_bucket",
             "thp_http_request_duration_seconds_sum", "thp_query_errors_total",
             "thp_query_timeouts_total", "thp_index_generation", "thp_index_documents",
             "thp_http_open_connections"]:
    assert re.search(r"^%s[ {]" % name, t, re.M), name
assert re.search(r"^# TYPE thp_http_request_duration_seconds histogram$", t, re.M)
assert re.search(r"^thp_http_requests_total\{route=\"search\",status=\"200\"\} [1-9]", t, re.M), t
assert re.search(r"^thp_http_requests_total\{route=\"search\",status=\"400\"\} 1$", t, re.M), t
assert re.search(r"^thp_query_errors_total 1$", t, re.M), t
assert re.search(r"^thp_http_request_duration_seconds_bucket\{route=\"search\",le=\"\+Inf\"\} [1-9]", t, re.M)
assert re.search(r"^thp_index_documents [1-9]", t, re.M)
assert re.search(r"^thp_http_open_connections [1-9]", t, re.M)
for line in t.splitlines():
    assert line.startswith("#") or re.match(r"^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$", line), line
' "$TMP/metrics.txt"
stop_daemon TERM
check_py "--log-format json: one JSON object a line with every field" '
import json, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("{")]
assert len(lines) >= 4, lines
for l in lines:
    d = json.loads(l)
    assert set(d) >= {"time", "method", "uri", "route", "status", "query_length", "hits", "us"}, d
s = [json.loads(l) for l in lines if "rotterdam" in l][0]
assert s["status"] == 200 and s["route"] == "search" and s["hits"] == 2 and s["query_length"] == 9, s
assert any(json.loads(l)["status"] == 400 for l in lines)
esc = [json.loads(l) for l in lines if "31mred" in l]
assert esc and "\\x1b" in esc[0]["uri"] and "\x1b" not in esc[0]["uri"], esc
' "$TMP/daemon.err"
check_not_contains "the log holds no raw escape character" "$(cat "$TMP/daemon.err")" \
    "$(printf '\033')"

#---- 5. limits and safety ----------------------------------------------------

start_daemon "$LIVE" --max-uri 200 --timeout 1 --max-per-ip 3 \
    --time-budget 1 || { echo "not ok - daemon starts"; finish; }
check_http "URI over --max-uri: 414" 414 "/search?q=$(printf 'a%.0s' $(seq 1 300))"
check_json "... JSON naming the cap" "$TMP/http.body" '"200 bytes" in d["error"]'
qs=$(for i in $(seq 1 65); do printf 'lenient=1&'; done)
stop_daemon TERM
start_daemon "$LIVE" --timeout 1 --max-per-ip 3 --time-budget 1 ||
    { echo "not ok - daemon starts"; finish; }
check_http "65 parameters: 400" 400 "/search?${qs}q=x"
check_json "... JSON" "$TMP/http.body" '"too many parameters" in d["error"]'
check_http "limit=1001: 400" 400 "/search?q=x&limit=1001"
check_json "... JSON names limit" "$TMP/http.body" '"limit" in d["error"]'
# --time-budget 1: a query either finishes or is stopped with a clear 503
n503=0
for i in 1 2 3 4 5 6; do
    http "/search?q=$(printf '%s*%%20OR%%20' a b c d e f g h i k l m n o p r s t)z*&limit=1000&offset=$i"
    case $STATUS in
    200) ;;
    503) n503=$((n503 + 1))
         check_json "time budget exceeded: JSON saying so" "$TMP/http.body" \
             '"took longer than 1 ms" in d["error"]' ;;
    *) _fail "time budget query: status $STATUS" ;;
    esac
done
[ "$n503" -eq 0 ] && skip "no query ran over 1 ms here (the budget's 503 was not seen)"
http /metrics
check_contains "/metrics counts timeouts" "$BODY" "thp_query_timeouts_total $n503"
check_py "--max-per-ip 3: a fourth connection from one address gets a 503 saying so" '
import json, socket, sys, time
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
time.sleep(0.2)
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
data = b""
while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
    more = s.recv(4096)
    if not more:
        break
    data += more
head, _, body = data.partition(b"\r\n\r\n")
assert head.startswith(b"HTTP/1.1 503"), data[:200]
assert b"connection: close" in head.lower(), head
assert "too many connections from your address (at most 3)" in json.loads(body)["error"], body
for c in held: c.close()
time.sleep(0.3)
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
assert s.recv(100).startswith(b"HTTP/1.1 200"), "not served again after the others closed"
' "$PORT"
check_py "--timeout 1: a slow client is disconnected" '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=15)
s.sendall(b"GET /health HTTP/1.1\r\nHo")
try:
    data = s.recv(100)
except socket.timeout:
    sys.exit("still connected after 15 s")
assert data in (b"",) or data.startswith(b"HTTP/1.1 408"), data
' "$PORT"
sleep 0.3
check_http "the daemon answers after the slow client" 200 /health
stop_daemon TERM

# static files never through a symlink
cp -a web "$TMP/web"
ln -s /etc/passwd "$TMP/web/passwd.txt"
ln -s searchbox.css "$TMP/web/alias.css"
mkdir -p "$TMP/outside"
echo 'secret' >"$TMP/outside/secret.txt"
ln -s "$TMP/outside/secret.txt" "$TMP/web/secret.txt"
start_daemon "$LIVE" --web "$TMP/web" || { echo "not ok - daemon starts"; finish; }
check_http "a regular file of the web folder: 200" 200 /searchbox.css
for p in /passwd.txt /alias.css /secret.txt; do
    check_http "symlink $p: 404" 404 "$p"
    check_not_contains "... nothing of its target" "$BODY" "root:"
done
stop_daemon TERM

# root: refused without --user, on any address; --user drops
if [ "$(id -u)" -eq 0 ]; then
    check_rc "root on 0.0.0.0 without --user: exit 2" 2 timeout 10 "$SEARCHD" \
        --index "$LIVE" --listen 0.0.0.0:0 --quiet
    check_contains "... says why" "$ERR" "refusing to run as root"
    rm -f "$TMP/port"
    check_rc "root on loopback without --user: exit 2" 2 timeout 10 "$SEARCHD" \
        --index "$LIVE" --listen 127.0.0.1:0 --port-file "$TMP/port" --quiet
    check_contains "... says why, naming --user" "$ERR" \
        "refusing to run as root; give --user NAME"
    check "... and never listened (no port file)" test ! -e "$TMP/port"
    check_rc "--user root: exit 2" 2 timeout 10 "$SEARCHD" \
        --index "$LIVE" --listen 127.0.0.1:0 --user root --quiet
    check_contains "... says it is root" "$ERR" "that is root"
    if id nobody >/dev/null 2>&1; then
        pub=$(mktemp -d /tmp/thp-pub.XXXXXX)
        cp "$LIVE" "$pub/pub.db"
        chown -R nobody "$pub"
        chmod 755 "$pub"
        rm -f "$TMP/port"
        "$SEARCHD" --index "$pub/pub.db" --listen 127.0.0.1:0 --user nobody \
            --port-file "$TMP/port" --quiet 2>"$TMP/user.err" &
        DPID=$!
        for i in $(seq 1 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
        PORT=$(tr -dc 0-9 <"$TMP/port")
        check_http "--user nobody: serves" 200 /health
        check_eq "--user nobody: runs as nobody" "$(id -u nobody)" \
            "$(awk '/^Uid:/ {print $3}' /proc/$DPID/status)"
        stop_daemon TERM
        check_eq "--user nobody: exit 0" 0 "$DAEMON_RC"
        rm -rf "$pub"
    else
        skip "no user nobody"
    fi
    check_rc "--user with an unknown name: exit 2" 2 timeout 10 "$SEARCHD" \
        --index "$LIVE" --listen 127.0.0.1:0 --user no-such-user-here --quiet
else
    skip "not root: the root checks"
fi

#---- 6. operations --------------------------------------------------------------

rm -f "$TMP/port"
"$SEARCHD" "${DAEMON_USER[@]}" --index "$LIVE" --listen 127.0.0.1:0 --listen '[::1]:0' \
    --port-file "$TMP/port" --quiet >/dev/null 2>"$TMP/two.err" &
DPID=$!
for i in $(seq 1 100); do
    [ -s "$TMP/port" ] && break
    kill -0 "$DPID" 2>/dev/null || break
    sleep 0.05
done
if [ -s "$TMP/port" ]; then
    p4=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TMP/two.err")
    p6=$(sed -n 's|.*http://\[::1\]:\([0-9]*\)/.*|\1|p' "$TMP/two.err")
    check_eq "two --listen: IPv4 answers" 200 \
        "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p4/health")"
    check_eq "two --listen: IPv6 answers" 200 \
        "$(curl -s -g -o /dev/null -w '%{http_code}' "http://[::1]:$p6/health")"
    stop_daemon TERM
else
    stop_daemon TERM
    skip "no IPv6 loopback here: $(head -c 200 "$TMP/two.err")"
fi

# SIGTERM drains: a request in flight (its body still coming) is answered
start_daemon "$LIVE" || { echo "not ok - daemon starts"; finish; }
rm -f "$TMP/inflight.ready" "$TMP/go"
python3 -c '
import os, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab")
open(sys.argv[2], "w").close()
for _ in range(200):
    if os.path.exists(sys.argv[3]): break
    time.sleep(0.05)
s.sendall(b"cd")
data = b""
while True:
    try:
        c = s.recv(65536)
    except OSError:
        break
    if not c: break
    data += c
    if data.rstrip().endswith(b"}"): break
print(data.split(b"\r\n")[0].decode())
' "$PORT" "$TMP/inflight.ready" "$TMP/go" >"$TMP/inflight.out" 2>&1 &
cl=$!
BG_PIDS="$BG_PIDS $cl"
for i in $(seq 1 100); do [ -e "$TMP/inflight.ready" ] && break; sleep 0.05; done
sleep 0.3
kill -TERM "$DPID"
sleep 0.5
check "SIGTERM with a request in flight: still draining" kill -0 "$DPID"
check_eq "... new connections are refused while draining" 000 \
    "$(curl -s -o /dev/null --max-time 3 -w '%{http_code}' "http://127.0.0.1:$PORT/health")"
: >"$TMP/go"
wait "$cl"
BG_PIDS=
check_eq "... the request in flight gets its answer" "HTTP/1.1 200 OK" \
    "$(cat "$TMP/inflight.out")"
stop_daemon TERM
check_eq "... and the daemon exits 0" 0 "$DAEMON_RC"

# man pages and the systemd unit
check "make install-man installs the three pages" make -s --no-print-directory \
    install-man DESTDIR="$TMP/dest" PREFIX=/usr
for m in man1/thp-index.1 man1/thp-search.1 man8/thp-searchd.8; do
    check "installed: $m" test -s "$TMP/dest/usr/share/man/$m"
done
if command -v groff >/dev/null 2>&1; then
    for m in docs/man/*.[18]; do
        check_eq "$m: groff renders it without warnings" "" \
            "$(groff -man -Tutf8 -ww -z "$m" 2>&1)"
    done
fi
check_contains "packaging/thp-searchd.service: ExecStart" \
    "$(cat packaging/thp-searchd.service)" "ExecStart=/usr/local/bin/thp-searchd"
for k in User= ExecReload= KillSignal=SIGTERM NoNewPrivileges=yes; do
    check_contains "packaging/thp-searchd.service: $k" \
        "$(cat packaging/thp-searchd.service)" "$k"
done

finish
