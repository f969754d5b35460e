#!/usr/bin/env bash
# 80-tok-ext.sh: the "thp" tokenizer as a loadable extension.
#
# build/thp_fts5.so in the sqlite3 shell: ".load" registers the tokenizer
# (entry point sqlite3_thpfts_init, derived from the file name), a table
# made with it stems per language and reads the query marker; without the
# extension the shell cannot use such a table. Then the real index from
# thp-index passes FTS5's integrity-check in the shell.
set -u
. "$(dirname "$0")/lib.sh"

EXT=$BUILD/thp_fts5
DB=$TMP/ext.db
check "the extension is built" test -f "$EXT.so"
check "the sqlite3 shell is installed" command -v sqlite3
[ "$FAILED" -eq 0 ] || finish
sq() { sqlite3 -batch "$1" ".load $EXT" "$2"; }
# rowids of a MATCH, space-separated; the marker is char(1) inside quotes
hits() { sq "$DB" "SELECT group_concat(rowid, ' ') FROM (SELECT rowid FROM t
    WHERE t MATCH $1 ORDER BY rowid)"; }
M="'\"' || char(1) ||"   # opens a marked (any-form) string

check "a table with the thp tokenizer" sq "$DB" "
    CREATE VIRTUAL TABLE t USING fts5(x,
        tokenize='thp lang en langs en nl pt');
    INSERT INTO t(rowid, x) VALUES
        (1, 'Refugees arrive in São Paulo'),
        (2, char(57344) || 'nl' || char(57345) || 'De vluchtelingen komen'),
        (3, 'The asylum-seekers of the U.S.'),
        (4, 'A refugee camp');"
check_eq "any form: refugee" "1 4" "$(hits "$M 'refugee\"'")"
check_eq "any form, Dutch: vluchteling" "2" "$(hits "$M 'vluchteling\"'")"
check_eq "quoted: exact forms only" "4" "$(hits "'\"refugee\"'")"
check_eq "prefix: asy*" "3" "$(hits "'\"asy\"*'")"
check_eq "accents folded: Sao Paulo" "1" "$(hits "'\"sao paulo\"'")"
check_eq "punctuation: U.S." "3" "$(hits "'\"U.S.\"'")"
check_eq "highlight maps stems back to words" "1:[Refugees] arrive" \
    "$(sq "$DB" "SELECT rowid || ':' || highlight(t, 0, '[', ']') FROM t
        WHERE t MATCH $M 'refugee\"' AND rowid = 1" | cut -d' ' -f1-2)"
check "integrity-check with the extension" \
    sq "$DB" "INSERT INTO t(t) VALUES('integrity-check')"
check_rc "without the extension the table is unusable" 1 \
    sqlite3 -batch "$DB" "SELECT count(*) FROM t WHERE t MATCH 'x'"
check_contains "... and says why" "$ERR" "no such tokenizer: thp"

# The real index, whatever its tokenizer: the shell reads and checks it.
index_corpus "$TMP/corpus.db" || exit 1
check "thp-index's index passes integrity-check in the shell" \
    sq "$TMP/corpus.db" "INSERT INTO documents_fts(documents_fts)
        VALUES('integrity-check')"
check_eq "and answers a search" 1 "$(sq "$TMP/corpus.db" "SELECT count(*) > 0
    FROM documents_fts WHERE documents_fts MATCH '\"rotterdam\"'")"
finish
