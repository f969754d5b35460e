#!/usr/bin/env bash
# 45-confine.sh: nothing read that should not be, nothing lost silently.
# A symlink out of the corpus is skipped and said so (one inside is
# followed); a FIFO or device is never opened and is reported; a folder unreadable for one run keeps its documents; JSON
# Lines ids of any length are kept whole, and their "url" is the hit's.
set -u
. "$(dirname "$0")/lib.sh"

S=$TMP/site
mkdir -p "$S/sub" "$TMP/elsewhere"
printf 'Secret\n\nokapisecretword stays out\n' >"$TMP/elsewhere/secret.txt"
printf 'Inside\n\nwombatinsideword is here\n' >"$S/sub/in.txt"
ln -s "$TMP/elsewhere/secret.txt" "$S/x.txt"
ln -s sub/in.txt "$S/link-in.txt"
DB=$TMP/s.db
check_rc "index a folder with a symlink out of it: exit 0" 0 "$INDEX" --index "$DB" "$S"
check_contains "the link out is reported: skipped (symlink outside corpus)" "$ERR" "site/x.txt: skipped (symlink outside corpus)"
check_rc "... and not indexed" 1 "$SEARCH" --index "$DB" okapisecretword
check_rc "a link inside the corpus is followed" 0 "$SEARCH" --index "$DB" wombatinsideword

# a FIFO and a device in the corpus are never opened, and said so
F=$TMP/special
mkdir -p "$F"
printf 'Plain\n\nquokkaplainword\n' >"$F/plain.txt"
mkfifo "$F/pipe.txt"
ln -s /dev/zero "$F/zero.txt"
run timeout 20 "$INDEX" --index "$TMP/special.db" "$F"
check_eq "a corpus with a FIFO and a link to /dev/zero: exit 0 (not blocked)" 0 "$RC"
check_contains "the FIFO is reported: skipped" "$ERR" "pipe.txt: skipped (a FIFO, not a file)"
check_contains "the device is reported: skipped" "$ERR" "zero.txt: skipped (a device, not a file)"
check_rc "... the plain file is indexed" 0 "$SEARCH" --index "$TMP/special.db" quokkaplainword

# a folder that cannot be read this time keeps what it had
mkdir -p "$S/locked"
printf 'Locked\n\nnumbatlockedword lives here\n' >"$S/locked/page.txt"
check_rc "index with the folder readable" 0 "$INDEX" --index "$DB" "$S"
check_rc "... its page is found" 0 "$SEARCH" --index "$DB" numbatlockedword
if capsh --drop=cap_dac_override,cap_dac_read_search -- -c true 2>/dev/null ||
   [ "$(id -u)" != 0 ]; then
    chmod 000 "$S/locked"
    if [ "$(id -u)" = 0 ]; then
        run capsh --drop=cap_dac_override,cap_dac_read_search -- -c "'$INDEX' --index '$DB' '$S'"
    else
        run "$INDEX" --index "$DB" "$S"
    fi
    chmod 755 "$S/locked"
    check_contains "an unreadable folder is reported" "$ERR" "site/locked: Permission denied"
    check_contains "... nothing is removed" "$(summary)" " 0 removed; documents: 0 added, 0 updated, 0 duplicate, 0 removed"
    check_rc "... its page is still found" 0 "$SEARCH" --index "$DB" numbatlockedword
    rm -rf "$S/locked"
    check_rc "once it is really gone, the sweep removes it" 0 "$INDEX" --index "$DB" "$S"
    check_rc "... and its page is no longer found" 1 "$SEARCH" --index "$DB" numbatlockedword
else
    skip "unreadable folder: cannot drop root's read permission here"
fi

# JSON Lines: long ids whole, "url" honoured
python3 - "$TMP/long.jsonl" <<'PY'
import json, sys
p = "x" * 400
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"id": p + "-one", "title": "First", "text": "aardvarkoneword"}) + "\n")
    f.write(json.dumps({"id": p + "-two", "title": "Second", "text": "aardvarktwoword"}) + "\n")
    f.write(json.dumps({"id": "withurl", "title": "Linked", "text": "quokkaurlword", "url": "https://example.org/linked#here"}) + "\n")
PY
check_rc "index JSON Lines with 404-byte ids" 0 "$INDEX" --index "$TMP/j.db" --jsonl "$TMP/long.jsonl"
check_eq "two long ids with a common prefix are two documents" "3" "$(ndocs "$TMP/j.db")"
check_eq "... kept whole" "2" "$(sql "$TMP/j.db" "SELECT count(*) FROM documents WHERE length(source_key) > 404 AND (source_key LIKE '%-one' OR source_key LIKE '%-two')")"
check_rc "the JSON Lines url: exit 0" 0 "$SEARCH" --index "$TMP/j.db" --json quokkaurlword
printf '%s\n' "$OUT" >"$TMP/u.json"
check_json "... is the hit's url" "$TMP/u.json" 'd["hits"][0]["url"] == "https://example.org/linked#here"'
check_eq "... and the path is the local one" "long.jsonl#withurl" "$(sql "$TMP/j.db" "SELECT path FROM documents WHERE url LIKE 'https://example.org/linked%'")"

# JSON Lines is read in pieces of 4 MiB: lines that span pieces (a text of
# 9 MB among short ones), a last line without its newline, and a file
# unchanged on a second run (its hash taken over the pieces)
python3 - "$TMP/big.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write(json.dumps({"id": "s%d" % i, "title": "Short %d" % i, "text": "smallword%d wombatfill" % i}) + "\n")
        if i == 1500:
            f.write(json.dumps({"id": "huge", "title": "Huge", "text": "hugestart " + "filler words here " * 500000 + "hugeend"}) + "\n")
    f.write(json.dumps({"id": "last", "title": "Last", "text": "lastlineword"}))
PY
check_rc "index JSON Lines of 14 MB" 0 "$INDEX" --index "$TMP/big.db" --jsonl "$TMP/big.jsonl"
check_eq "every line is a document" "3002" "$(ndocs "$TMP/big.db")"
check_eq "the long line whole" "1" "$(sql "$TMP/big.db" "SELECT count(*) FROM documents WHERE body LIKE 'hugestart %' AND body LIKE '% hugeend'")"
check_eq "the line without a newline" "1" "$(sql "$TMP/big.db" "SELECT count(*) FROM documents WHERE title = 'Last' AND body = 'lastlineword'")"
check_eq "lines after the long one" "1" "$(sql "$TMP/big.db" "SELECT count(*) FROM documents WHERE title = 'Short 2999'")"
check_rc "a second run: exit 0" 0 "$INDEX" --index "$TMP/big.db" --jsonl "$TMP/big.jsonl"
check_contains "... the file is unchanged" "$OUT" "1 unchanged"
check_eq "... its hash is the whole file's" "$(python3 -c '
import sys
h = 0xcbf29ce484222325
for b in open(sys.argv[1], "rb").read():
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
print("%016x" % h)' "$TMP/big.jsonl")" "$(sql "$TMP/big.db" "SELECT hash FROM sources WHERE path LIKE '%big.jsonl'")"
# a line over 64 MiB fails the file, which keeps what it had
printf '%s\n' '{"id":"a","title":"A","text":"keptalpha"}' '{"id":"b","title":"B","text":"keptbravo"}' >"$TMP/huge.jsonl"
check_rc "index a small JSON Lines file" 0 "$INDEX" --quiet --index "$TMP/huge.db" --jsonl "$TMP/huge.jsonl"
python3 - "$TMP/huge.jsonl" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"id":"a","title":"A","text":"keptalpha"}\n')
    f.write('{"id":"h","title":"H","text":"' + "x" * (65 << 20) + '"}\n')
    f.write('{"id":"c","title":"C","text":"afterhuge"}\n')
PY
check_rc "the same file with a 65 MiB line" "0|1" "$INDEX" --index "$TMP/huge.db" --jsonl "$TMP/huge.jsonl"
check_contains "... says which line and why" "$OUT$ERR" "line 2: a line longer than 64 MiB"
check_eq "... and keeps what it had (b not swept)" "1" "$(sql "$TMP/huge.db" "SELECT count(*) FROM documents WHERE body = 'keptbravo'")"
check_eq "... the file is recorded as failed" "failed" "$(sql "$TMP/huge.db" "SELECT status FROM sources WHERE path LIKE '%huge.jsonl'")"
rm -f "$TMP/huge.jsonl"
check_db "index consistent" "$DB"

finish
