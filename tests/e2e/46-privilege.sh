#!/usr/bin/env bash
# 46-privilege.sh: least privilege. An unprivileged user (nobody) reads an
# index in a read-only folder, as a read-only file, with thp-search and
# thp-searchd (which picks up an index renamed over it); every refusal says
# what really failed: which file may not be read, written or created, a
# full disk, a file that is not an index. Needs root (to become nobody and
# to mount a small tmpfs for the full disk); skipped otherwise.
set -u
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1; then
    skip "least privilege: needs root and the user nobody"
    finish
fi
NOBODY=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
FULL=$TMP/full
trap 'umount "$FULL" 2>/dev/null; _cleanup' EXIT

# the index, built by root, then made read-only: folder and file
mkdir -p "$TMP/src"
printf 'Read only\n\nquollreadword in a read-only folder\n' >"$TMP/src/a.txt"
index_corpus "$TMP/base.db" corpus "$TMP/src" ||
    { echo "not ok - cannot index"; finish; }
RO=$TMP/ro
mkdir -p "$RO"
cp "$TMP/base.db" "$RO/live.db"
chmod 444 "$RO/live.db"
chmod 555 "$RO"

#---- readers of a read-only index --------------------------------------------

check_rc "nobody, read-only folder and file: thp-search finds it" 0 \
    "${NOBODY[@]}" "$SEARCH" --index "$RO/live.db" quollreadword
check_contains "... the hit" "$OUT" "Read only"
check "... and nothing was created beside it" \
    test ! -e "$RO/live.db-shm" -a ! -e "$RO/live.db-wal"

if start_daemon "$RO/live.db"; then
    check_contains "thp-searchd as nobody on it: says it reads an unchanging file" \
        "$(cat "$TMP/daemon.err")" "is read as an unchanging file"
    check_http "... /search: 200" 200 "/search?q=quollreadword"
    check_json "... one hit" "$TMP/http.body" 'd["total"] == 1'
    check_http "... /health: 200" 200 /health
    # a new index renamed over the read-only one (root may write the folder)
    printf 'Renamed in\n\nwombatrenamedword arrives by rename\n' >"$TMP/src/b.txt"
    cp "$TMP/base.db" "$TMP/next.db"
    "$INDEX" --quiet --index "$TMP/next.db" "$TMP/src" >/dev/null 2>&1
    chmod 444 "$TMP/next.db"
    mv "$TMP/next.db" "$RO/live.db"
    check_http "... an index renamed over it is searched" 200 "/search?q=wombatrenamedword"
    check_json "... one hit" "$TMP/http.body" 'd["total"] == 1'
    stop_daemon TERM
    check_eq "... stops cleanly" 0 "$DAEMON_RC"
else
    _fail "thp-searchd as nobody starts on a read-only index"
fi

# a log with changes but no -shm, in a folder nobody may not write: refused,
# naming the -shm file (immutable reading would miss the logged changes)
LOGGED=$TMP/logged
mkdir -p "$LOGGED"
cp "$TMP/base.db" "$LOGGED/live.db"
head -c 4096 /dev/urandom >"$LOGGED/live.db-wal"
chmod 755 "$LOGGED"
chmod 644 "$LOGGED/live.db" "$LOGGED/live.db-wal"
check_rc "a log with changes and no -shm that may be created: exit 2" 2 \
    "${NOBODY[@]}" "$SEARCH" --index "$LOGGED/live.db" quollreadword
check_contains "... names the -shm file and the reason" "$ERR" \
    "cannot read index '$LOGGED/live.db': cannot create '$LOGGED/live.db-shm': Permission denied"

#---- what really failed ------------------------------------------------------

for prog in SEARCH SEARCHD; do
    mkdir -p "$TMP/$prog"
    cp "$TMP/base.db" "$TMP/$prog/locked.db"
    chmod 600 "$TMP/$prog/locked.db"
    if [ "$prog" = SEARCH ]; then
        args=("${NOBODY[@]}" "$SEARCH" --index "$TMP/$prog/locked.db" x)
    else
        args=(timeout 10 "$SEARCHD" --index "$TMP/$prog/locked.db" --user nobody
              --listen 127.0.0.1:0 --quiet)
    fi
    check_rc "thp-$(tr A-Z a-z <<<"$prog"): an index nobody may not read: exit 2" 2 "${args[@]}"
    check_contains "... permission denied, on the index" "$ERR" \
        "cannot read index '$TMP/$prog/locked.db': Permission denied"
    check_not_contains "... not 'not a thp-search index'" "$ERR" "not a thp-search index"
done
mkdir -p "$TMP/shut"
cp "$TMP/base.db" "$TMP/shut/live.db"
chmod 700 "$TMP/shut"
check_rc "a folder nobody may not enter: exit 2" 2 \
    "${NOBODY[@]}" "$SEARCH" --index "$TMP/shut/live.db" x
check_contains "... permission denied, not 'no index'" "$ERR" \
    "cannot read index '$TMP/shut/live.db': Permission denied"
printf 'just text\n' >"$TMP/text.db"
check_rc "a text file as index: exit 2" 2 "${NOBODY[@]}" "$SEARCH" --index "$TMP/text.db" x
check_contains "... is not a thp-search index" "$ERR" \
    "'$TMP/text.db' is not a thp-search index: file is not a database"

# the indexer
check_rc "thp-index as nobody, a new index in a read-only folder: exit 2" 2 \
    "${NOBODY[@]}" "$INDEX" --quiet --index "$RO/new.db" "$TMP/src"
check_contains "... cannot create the index: permission denied" "$ERR" \
    "cannot create index '$RO/new.db': Permission denied"
check_rc "thp-index as nobody, a read-only index file: exit 2" 2 \
    "${NOBODY[@]}" "$INDEX" --quiet --index "$RO/live.db" "$TMP/src"
check_contains "... cannot write the index: permission denied" "$ERR" \
    "cannot write index '$RO/live.db': Permission denied"
mkdir -p "$TMP/rofolder"
cp "$TMP/base.db" "$TMP/rofolder/live.db"
chmod 666 "$TMP/rofolder/live.db"
chmod 555 "$TMP/rofolder"
check_rc "thp-index as nobody, a writable index in a read-only folder: exit 2" 2 \
    "${NOBODY[@]}" "$INDEX" --quiet --index "$TMP/rofolder/live.db" "$TMP/src"
check_contains "... names the log it cannot create" "$ERR" \
    "cannot create '$TMP/rofolder/live.db-wal': Permission denied"
check_eq "... the index is unchanged" "$(ndocs "$TMP/base.db")" \
    "$(ndocs "$TMP/rofolder/live.db")"
check_rc "thp-index into a text file: exit 2" 2 \
    "$INDEX" --quiet --index "$TMP/text.db" "$TMP/src"
check_contains "... is not a thp-search index" "$ERR" "is not a thp-search index"
check_eq "... which is left alone" "just text" "$(cat "$TMP/text.db")"

#---- a full disk -------------------------------------------------------------

mkdir -p "$FULL"
if mount -t tmpfs -o size=1m tmpfs "$FULL" 2>/dev/null; then
    # pages enough to need more than the space left
    mkdir -p "$TMP/big"
    python3 -c '
import random, sys
r = random.Random(7)
for i in range(60):
    words = " ".join("w%x" % r.getrandbits(40) for _ in range(600))
    open("%s/p%02d.txt" % (sys.argv[1], i), "w").write("Page %d\n\n%s\n" % (i, words))
' "$TMP/big"
    head -c 900000 /dev/zero >"$FULL/fill"
    check_rc "a new index on a full disk: exit 2" 2 \
        "$INDEX" --quiet --index "$FULL/new.db" "$TMP/big"
    check_contains "... says the disk is full" "$ERR" "the disk is full"
    check_not_contains "... not 'not a thp-search index'" "$ERR" "not a thp-search index"
    rm -f "$FULL"/*
    cp "$TMP/base.db" "$FULL/live.db"
    head -c 2000000 /dev/zero >"$FULL/fill" 2>/dev/null
    check_rc "a reader on the full disk (no room for -shm): still answers" 0 \
        "$SEARCH" --index "$FULL/live.db" quollreadword
    check_rc "thp-index on the full disk: exit 2" 2 \
        "$INDEX" --quiet --index "$FULL/live.db" "$TMP/big"
    check_contains "... says the disk is full" "$ERR" "the disk is full"
    check_not_contains "... not 'not a thp-search index'" "$ERR" "not a thp-search index"
    rm -f "$FULL"/*
    cp "$TMP/base.db" "$FULL/live.db"
    head -c 400000 /dev/zero >"$FULL/fill"
    check_rc "the disk fills up while indexing: exit 2" 2 \
        "$INDEX" --quiet --index "$FULL/live.db" "$TMP/big"
    check_contains "... says the disk is full" "$ERR" "the disk is full"
    rm -f "$FULL/fill"
    check_db "... the index stays sound" "$FULL/live.db"
    check_rc "... and is searched as before" 0 \
        "$SEARCH" --index "$FULL/live.db" quollreadword
    umount "$FULL"
else
    skip "full disk: cannot mount a tmpfs here"
fi

finish
