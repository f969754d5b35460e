#!/usr/bin/env bash
# 35-browser.sh: the search box in a real browser (tests/browser/box.test.mjs)
#
# Debian's chromium driven by playwright-core, with axe-core for
# accessibility (both from npm, pinned in tests/browser/package-lock.json
# and installed by scripts/install-deps). Starts thp-searchd on an index of
# corpus/, and a second web server on another port for the pages of
# "another site" that embed the box (allowed by --cors-origin). Screenshots
# go to $BUILD/browser/ for a person to look at.
set -u
. "$(dirname "$0")/lib.sh"

B=$ROOT/tests/browser
if ! command -v node >/dev/null || ! command -v chromium >/dev/null ||
   [ ! -d "$B/node_modules/playwright-core" ] ||
   [ ! -d "$B/node_modules/axe-core" ]; then
    echo "not ok - the browser test needs node, chromium and tests/browser/node_modules (scripts/install-deps)"
    FAILED=$((FAILED + 1))
    finish
fi

DB=$TMP/corpus.db
index_corpus "$DB" corpus || { echo "not ok - cannot index corpus/"; finish; }

# the other site: a static server on a port of its own
mkdir -p "$TMP/host"
python3 - "$TMP/host" "$TMP/hport" >"$TMP/host.log" 2>&1 <<'PY' &
import functools, http.server, sys
root, portfile = sys.argv[1], sys.argv[2]
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
h.log_message = lambda *a: None
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
open(portfile + ".tmp", "w").write("%d\n" % s.server_address[1])
import os; os.rename(portfile + ".tmp", portfile)
s.serve_forever()
PY
HPID=$!
for _ in $(seq 1 100); do [ -s "$TMP/hport" ] && break; sleep 0.05; done
HPORT=$(tr -dc 0-9 <"$TMP/hport" 2>/dev/null)
[ -n "$HPORT" ] || { echo "not ok - the second web server did not start"; FAILED=$((FAILED + 1)); kill "$HPID"; finish; }

if ! start_daemon "$DB" --cors-origin "http://127.0.0.1:$HPORT"; then
    echo "not ok - thp-searchd starts"
    FAILED=$((FAILED + 1))
    kill "$HPID"
    finish
fi
# a port where nothing listens, for the page whose service is down
DOWN=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -e "s|http://127.0.0.1:8080|http://127.0.0.1:$PORT|g" web/embed/index.html \
    >"$TMP/host/host.html"
# the script still comes from the daemon; the service it names is down
sed -e "s|http://127.0.0.1:8080|http://127.0.0.1:$PORT|g" \
    -e "s|data-thp-search=\"http://127.0.0.1:$PORT\"|data-thp-search=\"http://127.0.0.1:$DOWN\"|" \
    web/embed/index.html >"$TMP/host/down.html"

OUT=$BUILD/browser
rm -rf "$OUT"
THP_URL="http://127.0.0.1:$PORT/" HOST_URL="http://127.0.0.1:$HPORT/" OUT=$OUT \
    timeout 240 node "$B/box.test.mjs" 2>&1
rc=$?
kill "$HPID" 2>/dev/null
wait "$HPID" 2>/dev/null
stop_daemon
if grep -qE 'ERROR: AddressSanitizer|runtime error:' "$TMP/daemon.err"; then
    echo "not ok - thp-searchd reported a sanitizer error:"
    _detail <"$TMP/daemon.err"
    echo "0 passed, 1 failed"
    exit 1
fi
exit $rc
