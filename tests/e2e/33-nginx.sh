#!/usr/bin/env bash
# 33-nginx.sh: nginx (Debian's) in front of two thp-searchd replicas, as in
# docs/DEPLOY.md, all on 127.0.0.1 with a generated config in $TMP:
# requests are spread over both, stopping one replica loses no request
# (proxy_next_upstream), and an index swap done on both is seen through
# nginx. Skipped when nginx is not installed. Bounded loops, no timing
# assertions.
set -u
. "$(dirname "$0")/lib.sh"

NGINX=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null)
if [ -z "$NGINX" ]; then
    skip "nginx is not installed (apt-get install -y nginx-light)"
    finish
fi

# replica A and B, each on its own copy of the index (built once)
mkdir -p "$TMP/a" "$TMP/b" "$TMP/build"
index_corpus "$TMP/build/index.db" corpus || { echo "not ok - cannot index"; finish; }
cp "$TMP/build/index.db" "$TMP/a/live.db"
cp "$TMP/build/index.db" "$TMP/b/live.db"

start_replica() { # start_replica NAME: sets PORT_NAME and PID_NAME
    local name=$1 i
    rm -f "$TMP/$name.port"
    "$SEARCHD" "${DAEMON_USER[@]}" --index "$TMP/$name/live.db" --listen 127.0.0.1:0 \
        --port-file "$TMP/$name.port" --web web --max-per-ip 0 \
        --log-format text 2>"$TMP/$name.log" &
    eval "PID_$name=$!"
    BG_PIDS="$BG_PIDS $!"
    for i in $(seq 1 100); do
        [ -s "$TMP/$name.port" ] && break
        sleep 0.05
    done
    eval "PORT_$name=$(tr -dc 0-9 <"$TMP/$name.port")"
}
start_replica a
start_replica b
if [ -z "$PORT_a" ] || [ -z "$PORT_b" ]; then
    echo "not ok - the two replicas start"
    finish
fi

NPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$TMP/nginx/tmp"
cat >"$TMP/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 256; }
http {
    access_log $TMP/nginx/access.log;
    client_body_temp_path $TMP/nginx/tmp/body;
    proxy_temp_path $TMP/nginx/tmp/proxy;
    fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
    scgi_temp_path $TMP/nginx/tmp/scgi;
    upstream thp_search {
        server 127.0.0.1:$PORT_a max_fails=1 fail_timeout=2s;
        server 127.0.0.1:$PORT_b max_fails=1 fail_timeout=2s;
        keepalive 8;
    }
    server {
        listen 127.0.0.1:$NPORT;
        location / {
            proxy_pass http://thp_search;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            add_header X-Upstream \$upstream_addr;
        }
    }
}
EOF
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" 2>"$TMP/nginx/stderr" &
NGPID=$!
BG_PIDS="$BG_PIDS $NGPID"
up=
for i in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$NPORT/health"; then up=1; break; fi
    kill -0 "$NGPID" 2>/dev/null || break
    sleep 0.05
done
if [ -z "$up" ]; then
    skip "nginx did not start here: $(head -c 300 "$TMP/nginx/stderr" "$TMP/nginx/error.log" 2>/dev/null)"
    finish
fi
PORT=$NPORT

check_http "through nginx: /health 200" 200 /health
check_http "through nginx: /search 200" 200 "/search?q=rotterdam"
check_json "... the JSON answer" "$TMP/http.body" 'd["total"] >= 1'

# requests are spread over both replicas
for i in $(seq 1 40); do
    curl -s -o /dev/null -D - "http://127.0.0.1:$NPORT/search?q=migration&offset=$i" |
        tr -d '\r' | sed -n 's/^X-Upstream: //Ip'
done >"$TMP/spread.log"
check_eq "40 requests: both replicas answered" 2 \
    "$(sort -u "$TMP/spread.log" | wc -l)"

# stopping one replica loses no request
: >"$TMP/stop.log"
(
    for i in $(seq 1 150); do
        curl -s -o /dev/null --max-time 10 -w '%{http_code}\n' \
            "http://127.0.0.1:$NPORT/search?q=city&offset=$((i % 7))"
    done >"$TMP/stop.log"
) &
cl=$!
BG_PIDS="$BG_PIDS $cl"
sleep 0.3
kill -TERM "$PID_a"
wait "$PID_a"
check_eq "replica a stops with exit 0" 0 "$?"
wait "$cl"
check_eq "150 requests while replica a stops: all 200" 150 \
    "$(grep -c '^200$' "$TMP/stop.log")"
# back on the same port (nginx's config names it)
old_a=$PORT_a
"$SEARCHD" "${DAEMON_USER[@]}" --index "$TMP/a/live.db" --listen "127.0.0.1:$old_a" --web web \
    --max-per-ip 0 --quiet 2>"$TMP/a.log" &
PID_a=$!
BG_PIDS="$BG_PIDS $PID_a"
for i in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$old_a/health" && break
    sleep 0.05
done

# a swap done on both replicas is seen through nginx
mkdir -p "$TMP/build/notes"
printf 'Swap through nginx\n\nnginxswapword note\n' >"$TMP/build/notes/n.txt"
"$INDEX" --quiet --index "$TMP/build/new.db" "$TMP/build/corpus" "$TMP/build/notes" \
    >/dev/null 2>&1
check "the new index is built once" test -s "$TMP/build/new.db"
cp "$TMP/build/new.db" "$TMP/a/new.db" && mv "$TMP/a/new.db" "$TMP/a/live.db"
cp "$TMP/build/new.db" "$TMP/b/new.db" && mv "$TMP/b/new.db" "$TMP/b/live.db"
ok=0
for i in $(seq 1 20); do
    http "/search?q=nginxswapword&offset=0"
    [ "$STATUS" = 200 ] && python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["total"] == 1 else 1)' \
        "$TMP/http.body" && ok=$((ok + 1))
done
check_eq "after the swap on both: 20 of 20 searches through nginx find the new document" \
    20 "$ok"

kill -TERM "$NGPID" 2>/dev/null
wait "$NGPID" 2>/dev/null
finish
