#!/usr/bin/env bash
# 30-searchd.sh: thp-searchd end to end, on an index of corpus/.
#
# /health, /search (same answers as thp-search --json; 400 with a position
# for a bad query; bad parameters), hostile queries (never a 500, never a
# dead daemon), the search box's static files and path traversal, methods,
# /doc/ID, answering while thp-index writes to the same index, shutdown on
# SIGTERM/SIGINT (also with a client connected), and start-up errors.
set -u
. "$(dirname "$0")/lib.sh"

DB=$TMP/corpus.db
# besides corpus/, a report whose text looks like markup
mkdir -p "$TMP/extra"
printf '%s\n' 'Markup <script>alert(1)</script> & "quotes" title' \
    'The wombatword <img src=x onerror=alert(2)> & <b>bold</b> text.' \
    >"$TMP/extra/markup.txt"
index_corpus "$DB" corpus "$TMP/extra" ||
    { echo "not ok - cannot index corpus/"; finish; }

# enc TEXT: TEXT percent-encoded for a query string (as python's
# urllib.parse.quote(TEXT, safe=""), in bash: no process per call)
enc() {
    local LC_ALL=C s=$1 out= c h i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
        [a-zA-Z0-9._~-]) out+=$c ;;
        *) printf -v h '%%%02X' "'$c"; out+=$h ;;
        esac
    done
    printf '%s\n' "$out"
}

header() { # header NAME: value of a response header of the last http call
    tr -d '\r' <"$TMP/http.head" | sed -n "s/^$1: //Ip" | tail -n 1
}

if ! start_daemon "$DB"; then
    echo "not ok - thp-searchd starts and writes its port file"
    finish
fi
check_eq "thp-searchd starts and writes its port file" "ok" \
    "$([ "$PORT" -gt 0 ] && echo ok)"

#---- /health ---------------------------------------------------------------

check_http "/health: 200" 200 /health
check_contains "/health: JSON content type" "$(header Content-Type)" \
    "application/json"
check_json "/health: status ok, documents = rows in the index" "$TMP/http.body" \
    "d['status'] == 'ok' and d['documents'] == $(sql "$DB" 'SELECT count(*) FROM documents') and d['generation'] >= 1"

#---- /search: the same answers as the CLI -----------------------------------

# same_as_cli DESC QUERY-STRING CLI-ARG...: /search?QUERY-STRING equals
# thp-search --json CLI-ARG... except for took_ms
same_as_cli() {
    local desc=$1 qs=$2
    shift 2
    http "/search?$qs"
    cp "$TMP/http.body" "$TMP/daemon.json"
    run "$SEARCH" --index "$DB" --json "$@"
    printf '%s\n' "$OUT" >"$TMP/cli.json"
    check_py "$desc" '
import json, sys
status, a, b = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
assert status == "200", status
for d in (a, b):
    d.pop("took_ms", None)
assert a["hits"], "no hits"
assert [h["id"] for h in a["hits"]] == [h["id"] for h in b["hits"]], "ids differ"
assert a["total"] == b["total"], "totals differ"
assert a == b, (a, b)
' "$STATUS" "$TMP/daemon.json" "$TMP/cli.json"
}
same_as_cli "/search?q=rotterdam: same hits and total as the CLI" \
    "q=rotterdam" rotterdam
same_as_cli "/search with limit and offset: same page as the CLI" \
    "q=migration&limit=3&offset=2" --limit 3 --offset 2 migration
same_as_cli "/search?q=São Paulo (UTF-8): same as the CLI" \
    "q=$(enc 'São Paulo')" "São Paulo"
same_as_cli "/search phrase and exclusion: same as the CLI" \
    "q=$(enc '"rotterdam pilot" OR manila -toronto')" \
    '"rotterdam pilot" OR manila -toronto'

check_http "/search?q=rotterdam: 200" 200 "/search?q=rotterdam"
check_contains "/search: JSON content type" "$(header Content-Type)" \
    "application/json"
check_json "/search: query, total, hits; hits with snippet <mark>" "$TMP/http.body" \
    'd["query"] == "rotterdam" and d["total"] >= len(d["hits"]) > 0 and all("<mark>" in h["snippet"] for h in d["hits"])'
check_http "/search?q=title:rotterdam: 200" 200 "/search?q=title%3Arotterdam"
check_json "/search: the Rotterdam pilot item once, with its 2 sources" "$TMP/http.body" '
[sorted(u.split("#")[0].rsplit("/", 1)[-1] for u in h["sources"]) for h in d["hits"] if h["kind"] == "item"]
== [["000_6de4cf8245ff3bca.txt", "001_733df58f0c338147.txt"]]'
check_http "/search?q=interdependence: 200" 200 "/search?q=interdependence"
check_json "/search: a report page hit has its page number" "$TMP/http.body" '
[(h["page"], h["url"]) for h in d["hits"] if h["kind"] == "report"]
== [(2, "corpus/reports/state-of-play-review.utf8bom.txt#page=2")]'
check_http "/search?q=rot&prefix=1: 200" 200 "/search?q=rot&prefix=1"
check_json "prefix=1: the last word is a prefix (rot -> Rotterdam)" \
    "$TMP/http.body" 'd["total"] > 0 and any("Rotterdam" in h["title"] for h in d["hits"])'

http "/search?q=wombatword"
check_json "/search: snippets escape markup-like text (no raw tags)" \
    "$TMP/http.body" '
len(d["hits"]) == 1 and "&lt;img src=x" in d["hits"][0]["snippet"]
and "<img" not in d["hits"][0]["snippet"] and "<b>" not in d["hits"][0]["snippet"]'
check_json "/search: titles are plain text (escaped by the page, not here)" \
    "$TMP/http.body" 'd["hits"][0]["title"].startswith("Markup <script>")'

# many clients at once
seq 1 120 | xargs -P 16 -I{} curl -s -o /dev/null --max-time 10 \
    -w '%{http_code}\n' "http://127.0.0.1:$PORT/search?q=migration&offset={}" \
    >"$TMP/burst.log"
check_eq "120 requests from 16 clients at once: all 200" "120" \
    "$(grep -c '^200$' "$TMP/burst.log")"

#---- bad queries and parameters ---------------------------------------------

check_http '/search?q="asylum: 400' 400 "/search?q=%22asylum"
check_json '/search?q="asylum: error message and integer position 0' \
    "$TMP/http.body" \
    'isinstance(d["error"], str) and d["error"] and type(d["position"]) is int and d["position"] == 0'
check_http '/search?q=asylum ): 400' 400 "/search?q=asylum%20)"
check_json '/search?q=asylum ): position 7' "$TMP/http.body" 'd["position"] == 7'
check_http '/search?q="asylum&lenient=1: 200' 200 "/search?q=%22asylum&lenient=1"
check_json 'lenient=1: repaired query finds the asylum report' "$TMP/http.body" \
    'any("istanbul" in u for h in d["hits"] for u in [h["url"]] + h["near_duplicates"])'

check_http "/search without q: 400" 400 "/search"
check_json "/search without q: JSON error" "$TMP/http.body" 'd["error"]'
for qs in "q=x&limit=0" "q=x&limit=abc" "q=x&limit=1001" "q=x&limit=-5" \
    "q=x&offset=-1" "q=x&offset=abc" "q=x&offset=1e3"; do
    check_http "/search?$qs: 400" 400 "/search?$qs"
done
check_json "/search?q=x&offset=1e3: JSON error" "$TMP/http.body" 'd["error"]'
check_http "/search?q=rotterdam&limit=1000: 200" 200 "/search?q=rotterdam&limit=1000"

#---- hostile queries: 200 or 400, never 500, never a dead daemon -------------

long=$(printf 'rotterdam %.0s' $(seq 1 500))  # 5000 bytes
hostile=(')' '(((' '""' '*' 'NOT' 'OR OR' '-' 'AND' 'title:' ':' '^'
    'NEAR(a b)' 'a:b' '"' '-rotterdam' 'rotterdam NOT' 'title:"' 'body:(' ')('
    '***' 'a OR' '((((((((((((((((((((((((((((((((x' 'title:title:x'
    'C++' "l'asile" 'U.S.' '2015-2020' 'asylum-seekers' '{a}' '[x]'
    'NEAR(' 'rowid:1' "$long" "$(printf 'x%.0s' $(seq 1 5000))")
i=0
for q in "${hostile[@]}"; do
    i=$((i + 1))
    label=${q:0:30}
    for extra in "" "&lenient=1"; do
        http "/search?q=$(enc "$q")$extra"
        case $STATUS in
        200 | 400) _pass "hostile query $i [$label]$extra: $STATUS" ;;
        *) _fail "hostile query $i [$label]$extra: status $STATUS"
           printf '%s\n' "$BODY" | _detail ;;
        esac
    done
    # lenient parsing never fails on syntax: only a too-long query is a 400
    if [ ${#q} -le 4096 ]; then
        check_eq "hostile query $i [$label] with lenient=1: 200" 200 "$STATUS"
    fi
done
for raw in '%FF%FE' '%00' 'a%00b' '%C0%80' '%ED%A0%80' '%F4%90%80%80' '%E2%82' \
    '%01%02' '%0D%0A' '%' '%zz' '%2' 'a&q=b' '&&&' '=' 'q'; do
    http "/search?q=$raw"
    case $STATUS in
    200 | 400) _pass "raw query [q=$raw]: $STATUS" ;;
    *) _fail "raw query [q=$raw]: status $STATUS"
       printf '%s\n' "$BODY" | _detail ;;
    esac
    check_json "raw query [q=$raw]: a JSON answer" "$TMP/http.body" \
        'isinstance(d, dict) and ("hits" in d or "error" in d)'
done
http "/search?q=%FF%FE"
check_eq "invalid UTF-8 query: 400" 400 "$STATUS"
check "daemon still running after the hostile queries" kill -0 "$DPID"
check_http "daemon still answers /health" 200 /health

#---- the search box and static files -----------------------------------------

check_http "/: 200" 200 /
check_contains "/: text/html" "$(header Content-Type)" "text/html"
check_contains "/: an HTML page" "$BODY" "<html"
check_http "/index.html: 200" 200 /index.html
check_http "/searchbox.js: 200" 200 /searchbox.js
check_contains "/searchbox.js: text/javascript" "$(header Content-Type)" \
    "text/javascript"
check_eq "/searchbox.js: the file of web/" "$(cat web/searchbox.js)" "$BODY"
check_http "/searchbox.css: 200" 200 /searchbox.css
check_contains "/searchbox.css: text/css" "$(header Content-Type)" "text/css"
for p in /../Makefile /%2e%2e/Makefile /%2E%2E%2FMakefile /..%2fMakefile \
    /nope.html /Makefile /.git/config /web/index.html //etc/passwd \
    /index.html/ /%2fetc%2fpasswd '/..\Makefile' \
    /.hidden.html; do
    check_http "GET $p: 404" 404 "$p" --path-as-is
done
check_not_contains "404 bodies never hold the Makefile" "$BODY" "CFLAGS"

check_http "POST /search: 405" 405 "/search?q=rotterdam" -X POST -d x=y
check_http "PUT /: 405" 405 / -X PUT -d x
check_http "DELETE /health: 405" 405 /health -X DELETE
check_http "HEAD /health: 200" 200 /health -I

#---- /doc/ID ---------------------------------------------------------------

id=$(sql "$DB" "SELECT id FROM documents WHERE source_path LIKE '%rotterdam-pilot%'")
title=$(sql "$DB" "SELECT title FROM documents WHERE id = $id")
check_http "/doc/$id: 200" 200 "/doc/$id"
check_contains "/doc/$id: text/html" "$(header Content-Type)" "text/html"
check_contains "/doc/$id: shows the title" "$BODY" "<h1>$title</h1>"
check_contains "/doc/$id: shows the body text (HTML-escaped)" "$BODY" \
    "Rotterdam &amp; Erasmus University"
check_not_contains "/doc/$id: no raw '&' from the text" "$BODY" \
    "Rotterdam & Erasmus"
http "/search?q=erasmus"
hit=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["hits"][0]["id"])' \
    "$TMP/http.body" 2>/dev/null)
check_http "/doc/<id of a search hit>: 200" 200 "/doc/$hit"
# an item of a listing and a page of a report have pages of their own
iid=$(sql "$DB" "SELECT doc_id FROM doc_sources WHERE source_key LIKE 'corpus/seeds/000_%' AND doc_id IN (SELECT id FROM documents WHERE kind = 'item' AND title LIKE '%Toronto')")
check_http "/doc/ID of the Toronto item of seed 000: 200" 200 "/doc/$iid"
check_contains "... shows the item's title" "$BODY" \
    "2nd Expert Consultation for Business and Cities on Migration and Urbanisation, Toronto"
check_not_contains "... and not the other items of the listing" "$BODY" "Johannesburg"
rid=$(sql "$DB" "SELECT id FROM documents WHERE source_key LIKE '%state-of-play-review.utf8bom.txt#page=2'")
check_http "/doc/ID of page 2 of the State of Play report: 200" 200 "/doc/$rid"
check_contains "... shows page 2's text" "$BODY" "Why cities and business?"
check_not_contains "... and not page 1's" "$BODY" "1. Objective"
# letters beyond ASCII come through whole (the text is escaped line by
# line, never byte by byte)
sid=$(sql "$DB" "SELECT d.id FROM documents d JOIN doc_sources s ON s.doc_id = d.id WHERE s.source_key LIKE 'corpus/seeds/001_%' AND d.body LIKE '%São Paulo%' LIMIT 1")
check_http "/doc/ID of a text with 'São Paulo': 200" 200 "/doc/$sid"
check_contains "... shows it whole" "$BODY" "São Paulo"
check_not_contains "... with no U+FFFD" "$BODY" "$(printf '\xef\xbf\xbd')"
mid=$(sql "$DB" "SELECT id FROM documents WHERE source_path LIKE '%markup.txt'")
check_http "/doc/ of the markup report: 200" 200 "/doc/$mid"
check_not_contains "/doc/: no raw <script> from the title" "$BODY" "<script>alert"
check_not_contains "/doc/: no raw <img> from the body" "$BODY" "<img src=x"
check_contains "/doc/: the markup shown as text" "$BODY" \
    "&lt;img src=x onerror=alert(2)&gt;"
for p in /doc/999999 /doc/abc /doc/0 /doc/-1 /doc/ /doc/1x /doc/1.0 \
    /doc/99999999999999999999999; do
    check_http "GET $p: 404" 404 "$p"
done

#---- answering while thp-index writes ------------------------------------------

BIG=$TMP/big
mkdir -p "$BIG"
# 300 distinct notes (near-duplicates would count as one hit)
python3 -c '
import os, random, sys
rng = random.Random(300)
syl = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "de", "pa", "gu", "zo"]
vocab = ["".join(rng.choice(syl) for _ in range(3)) for _ in range(2000)]
for i in range(300):
    words = " ".join(rng.choice(vocab) for _ in range(150))
    with open(os.path.join(sys.argv[1], "note%03d.txt" % i), "w") as f:
        f.write("Field note %d\n\nmigration and cities %s\n\nbilbyword\n" % (i, words))
' "$BIG"
: >"$TMP/writing"
(
    "$INDEX" --quiet --index "$DB" "$BIG" >"$TMP/writer.log" 2>&1 ||
        echo "first run: exit $?" >>"$TMP/writer.fail"
    end=$(($(date +%s%N) + 1500000000))
    n=0
    while [ $n -lt 3 ] || { [ "$(date +%s%N)" -lt $end ] && [ $n -lt 40 ]; }; do
        "$INDEX" --full --quiet --index "$DB" "$BIG" >>"$TMP/writer.log" 2>&1 ||
            echo "--full run $n: exit $?" >>"$TMP/writer.fail"
        n=$((n + 1))
    done
    rm -f "$TMP/writing"
) &
BG_PIDS="$BG_PIDS $!"
writer=$!
reader() { # reader N: requests while the writer runs, a status a line
    local k=0
    while [ -e "$TMP/writing" ] && [ $k -lt 3000 ]; do
        curl -s -o /dev/null --max-time 5 -w '%{http_code} health\n' \
            "http://127.0.0.1:$PORT/health"
        curl -s -o /dev/null --max-time 5 -w '%{http_code} search\n' \
            "http://127.0.0.1:$PORT/search?q=migration&limit=5"
        k=$((k + 1))
    done >"$TMP/reader$1.log"
}
reader 1 &
r1=$!
reader 2 &
r2=$!
BG_PIDS="$BG_PIDS $r1 $r2"
wait "$writer"
wait "$r1" "$r2"
BG_PIDS=
check "thp-index runs beside the daemon all exit 0" test ! -e "$TMP/writer.fail"
[ -e "$TMP/writer.fail" ] && _detail <"$TMP/writer.fail"
requests=$(cat "$TMP"/reader*.log | wc -l)
check "requests were made while indexing ($requests)" test "$requests" -gt 0
check_eq "every request during indexing got a 200" "" \
    "$(grep -v '^200 ' "$TMP"/reader*.log | sort | uniq -c)"
check_http "/health after indexing: 200" 200 /health
check_json "/health counts the new documents" "$TMP/http.body" \
    "d['documents'] == $(sql "$DB" 'SELECT count(*) FROM documents') and d['documents'] >= 310"
check_http "the new documents are searchable without a restart" 200 \
    "/search?q=bilbyword"
check_json "... all 300 of them" "$TMP/http.body" 'd["total"] == 300'

#---- stopping ----------------------------------------------------------------

# a client that sent half a request and waits must not hold up the stop
python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
time.sleep(8)
' "$PORT" >/dev/null 2>&1 &
BG_PIDS="$BG_PIDS $!"
sleep 0.3
t0=$(date +%s%N)
stop_daemon TERM
ms=$((($(date +%s%N) - t0) / 1000000))
check_eq "SIGTERM (a client connected): exit 0" 0 "$DAEMON_RC"
check "SIGTERM: stopped within 3 s (${ms} ms)" test "$ms" -lt 3000
check_eq "SIGTERM: nothing but the start/stop notes on stderr" "" \
    "$(grep -v -e '^thp-searchd: serving' -e '^thp-searchd: SIGTERM, stopping' -e '^thp-searchd: warning: running as root' "$TMP/daemon.err")"

if start_daemon "$DB"; then
    check_http "restarted daemon answers" 200 /health
    t0=$(date +%s%N)
    stop_daemon INT
    ms=$((($(date +%s%N) - t0) / 1000000))
    check_eq "SIGINT: exit 0" 0 "$DAEMON_RC"
    check "SIGINT: stopped within 3 s (${ms} ms)" test "$ms" -lt 3000
else
    _fail "daemon restarts on the same index"
fi

#---- start-up errors -----------------------------------------------------------

rm -f "$TMP/port"
check_rc "missing index: exit 2" 2 timeout 10 "$SEARCHD" "${DAEMON_USER[@]}" --index "$TMP/none.db" \
    --listen 127.0.0.1:0 --port-file "$TMP/port" --web web --quiet
check_contains "missing index: message names the path" "$ERR" "$TMP/none.db"
check "missing index: no port file written" test ! -e "$TMP/port"
check "missing index: not created" test ! -e "$TMP/none.db"
printf 'not an index\n' >"$TMP/text.db"
check_rc "a text file as index: exit 2" 2 timeout 10 "$SEARCHD" "${DAEMON_USER[@]}" \
    --index "$TMP/text.db" --listen 127.0.0.1:0 --web web --quiet
for l in bogus 127.0.0.1:99999 127.0.0.1: 127.0.0.1:80x localhost:0 \
    '[::1' 999.1.2.3:0; do
    check_rc "--listen $l: exit 2" 2 timeout 10 "$SEARCHD" "${DAEMON_USER[@]}" --index "$DB" \
        --listen "$l" --web web --quiet
    check_contains "--listen $l: the message quotes it" "$ERR" "${l%%:*}"
done
check_rc "--threads 0: exit 2" 2 timeout 10 "$SEARCHD" "${DAEMON_USER[@]}" --index "$DB" \
    --threads 0 --listen 127.0.0.1:0 --quiet
check_rc "--threads 65: exit 2" 2 timeout 10 "$SEARCHD" "${DAEMON_USER[@]}" --index "$DB" \
    --threads 65 --listen 127.0.0.1:0 --quiet
check_rc "--threads abc: exit 2" 2 timeout 10 "$SEARCHD" "${DAEMON_USER[@]}" --index "$DB" \
    --threads abc --listen 127.0.0.1:0 --quiet
check_rc "--port-file in a missing folder: exit 2" 2 timeout 10 "$SEARCHD" "${DAEMON_USER[@]}" \
    --index "$DB" --listen 127.0.0.1:0 --port-file "$TMP/no/such/port" --quiet
check_contains "--port-file in a missing folder: names it" "$ERR" \
    "$TMP/no/such/port"
check_rc "unknown option: exit 2" 2 timeout 10 "$SEARCHD" "${DAEMON_USER[@]}" --bogus
check_rc "--help: exit 0" 0 timeout 10 "$SEARCHD" --help
check_contains "--help: usage on stdout" "$OUT" "usage: thp-searchd"

if start_daemon "$DB"; then
    check_rc "a port already in use: exit 2" 2 timeout 10 "$SEARCHD" "${DAEMON_USER[@]}" \
        --index "$DB" --listen "127.0.0.1:$PORT" --web web --quiet
    check_contains "a port already in use: says it cannot listen" "$ERR" \
        "$PORT"
    check_http "the first daemon still answers" 200 /health
    stop_daemon TERM
    check_eq "... and stops with exit 0" 0 "$DAEMON_RC"
else
    _fail "daemon starts for the port-in-use test"
fi

finish
