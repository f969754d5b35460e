#!/usr/bin/env bash
# 49-busy.sh: thp-searchd when every search thread is taken. On a 10,000-
# document index where one query takes about a second, with --threads 1:
# /health and /metrics are answered at once while searches queue behind
# the one running (they are parked, and counted), and a query that cannot
# parse gets its 400 at once; a client that hangs up
# cancels its search, which frees the thread for the next; beyond
# --max-queue a search gets a 503 that says so; SIGTERM with a search
# running and one waiting answers both with a 503 and exits 0 in seconds.
set -u
. "$(dirname "$0")/lib.sh"

C=$TMP/c
python3 - "$C" <<'EOF'
import os, random, sys
out = sys.argv[1]
os.makedirs(out)
rng = random.Random(20261206)
words = ["w%d" % i for i in range(3000)]
for i in range(10000):
    with open(os.path.join(out, "d%05d.txt" % i), "w") as f:
        f.write("Doc %d common\n\n%s common\n"
                % (i, " ".join(rng.choice(words) for _ in range(150))))
EOF
"$INDEX" --quiet --index "$TMP/busy.db" "$C" >/dev/null 2>&1 ||
    { echo "not ok - cannot index"; finish; }

# a search of about a second here (every document matches several
# prefixes; a thousand hits are ranked and shown)
SLOW="/search?q=w1*%20w2*%20w3*%20w4*%20w5*%20w6*%20w7*&limit=1000"

# metric NAME: its value in /metrics now
metric() {
    curl -s --max-time 5 "http://127.0.0.1:$PORT/metrics" |
        awk -v n="$1" '$1 == n { print $2 }'
}

# wait_metric NAME MIN: until NAME >= MIN (at most 10 s); 0 if it got there
wait_metric() {
    local i v
    for i in $(seq 1 200); do
        v=$(metric "$1")
        [ -n "$v" ] && [ "$v" -ge "$2" ] && return 0
        sleep 0.05
    done
    return 1
}

start_daemon "$TMP/busy.db" --threads 1 --time-budget 60000 ||
    { echo "not ok - thp-searchd starts"; finish; }

#---- a client that hangs up cancels its search ----------------------------
check_eq "no search cancelled yet" 0 "$(metric thp_query_cancelled_total)"
curl -s --max-time 0.15 "http://127.0.0.1:$PORT$SLOW" >/dev/null
check "a client that hangs up after 0.15 s: its search is cancelled" \
    wait_metric thp_query_cancelled_total 1
check_http "... and the thread serves the next search" 200 "/search?q=common&limit=1"
check_contains "... with its hits" "$BODY" '"total":10000'

#---- /health and /metrics while searches wait --------------------------------
loops=
for k in 1 2 3; do
    (for i in 1 2; do
        curl -s --max-time 60 -o /dev/null -w '%{http_code}\n' \
            "http://127.0.0.1:$PORT$SLOW&offset=$k$i"
    done >"$TMP/loop.$k") &
    loops="$loops $!"
done
BG_PIDS="$BG_PIDS $loops"
check "searches wait for the one thread (parked)" wait_metric thp_query_waiting 1
slow_health=0
for i in 1 2 3 4 5; do
    t=$(curl -s --max-time 5 -o "$TMP/h.body" -w '%{http_code} %{time_total}' \
        "http://127.0.0.1:$PORT/health")
    case $t in
    "200 "*) awk -v t="${t#200 }" 'BEGIN { exit !(t < 0.5) }' ||
        slow_health=$((slow_health + 1)) ;;
    *) slow_health=$((slow_health + 1)); echo "    /health: $t" ;;
    esac
    sleep 0.1
done
check_eq "/health answered within 0.5 s five times while searches wait" 0 "$slow_health"
t=$(curl -s --max-time 5 -o "$TMP/bad.body" -w '%{http_code} %{time_total}' \
    "http://127.0.0.1:$PORT/search?q=common%20AND%20(w1")
check_eq "a query that cannot parse does not wait its turn: 400" 400 "${t%% *}"
check "... at once (${t#* } s)" awk -v t="${t#* }" 'BEGIN { exit !(t < 0.5) }'
check_contains "... with the position" "$(cat "$TMP/bad.body")" '"position":'
check_contains "... saying ok" "$(cat "$TMP/h.body")" '"status":"ok"'
check_http "/metrics answered too" 200 /metrics
wait $loops
BG_PIDS=
check_eq "every waiting search was answered 200" "200 200 200 200 200 200" \
    "$(cat "$TMP"/loop.* | sort | tr '\n' ' ' | sed 's/ $//')"
check "... after waiting their turn (counted as parked)" \
    wait_metric thp_query_parked_total 3
stop_daemon TERM
check_eq "stopped: exit 0" 0 "$DAEMON_RC"

#---- beyond --max-queue: 503 ------------------------------------------------
start_daemon "$TMP/busy.db" --threads 1 --time-budget 60000 --max-queue 0 \
    --drain 200 || { echo "not ok - thp-searchd starts"; finish; }
full=
for try in 1 2 3; do
    curl -s --max-time 60 -o /dev/null "http://127.0.0.1:$PORT$SLOW" &
    first=$!
    # the first search holds the thread once a second request is in flight
    # beside /metrics' own
    wait_metric thp_http_requests_in_flight 2
    http "/search?q=common"
    wait "$first"
    if [ "$STATUS" = 503 ]; then
        full=$BODY
        break
    fi
done
check_eq "the one thread busy and no queue: a search gets 503 with JSON saying so" \
    '{"error":"server busy: every search thread is taken and the queue is full (0), retry later"}' "$full"
check "... counted" wait_metric thp_query_queue_full_total 1
stop_daemon TERM

#---- SIGTERM with a search running and one waiting ---------------------------
start_daemon "$TMP/busy.db" --threads 1 --time-budget 60000 --drain 200 ||
    { echo "not ok - thp-searchd starts"; finish; }
for k in 1 2; do
    curl -s --max-time 30 -o "$TMP/term.$k" -w '%{http_code}' \
        "http://127.0.0.1:$PORT$SLOW&offset=$k" >"$TMP/term.$k.status" &
    terms="${terms:-} $!"
    [ "$k" = 1 ] && wait_metric thp_http_requests_in_flight 2
done
wait_metric thp_query_waiting 1
t0=$(date +%s%N)
stop_daemon TERM
t=$((($(date +%s%N) - t0) / 1000000))
check_eq "SIGTERM with a search running and one waiting: exit 0" 0 "$DAEMON_RC"
check "... within 3 s (took $t ms; --drain 200)" test "$t" -lt 3000
wait $terms
check_eq "... the waiting search was answered 503" 503 "$(cat "$TMP/term.2.status")"
check_eq "... saying the server is stopping" \
    '{"error":"the server is stopping, retry later"}' "$(cat "$TMP/term.2")"
case $(cat "$TMP/term.1.status") in
200 | 503) _pass "... the running search was answered ($(cat "$TMP/term.1.status"))" ;;
*) _fail "... the running search was answered: got $(cat "$TMP/term.1.status")" ;;
esac

finish
