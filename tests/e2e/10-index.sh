#!/usr/bin/env bash
# 10-index.sh: thp-index end to end.
#
# Indexing corpus/ (counts in the summary line, incremental re-runs: touch
# vs. real edits), broken and missing sources (reported with their path,
# the run goes on; exit 1 only when nothing could be indexed), options and
# exit statuses, and what ends up in the index: valid UTF-8 only, each
# encoding variant of the corpus decoded to the right characters, and no
# page furniture (<script>, <style>, <nav>, <footer>, ...).
set -u
. "$(dirname "$0")/lib.sh"

DB=$TMP/corpus.db

# "thp-index: S seen, A added, U updated, N unchanged, F failed; ..." ->
# "S A U N F" (from $OUT, the stdout of the last run)
counts() {
    printf '%s\n' "$OUT" | sed -nE 's/^thp-index: ([0-9]+) seen, ([0-9]+) added, ([0-9]+) updated, ([0-9]+) unchanged, ([0-9]+) failed.*/\1 \2 \3 \4 \5/p' | tail -n 1
}

# Indexable files of corpus/ (README.md and the scripts are not).
n=$(find corpus -type f \( -name '*.html' -o -name '*.htm' -o -name '*.txt' \) | wc -l)
n=$((n + 0))

#---- a first run, then an unchanged re-run -------------------------------

check_rc "index corpus/: exit 0" 0 "$INDEX" --index "$DB" corpus
check_eq "summary: $n seen, $n added, 0 updated, 0 unchanged, 0 failed" \
    "$n $n 0 0 0" "$(counts)"
check_contains "summary names the index and its document count" "$OUT" \
    "$DB holds $n documents"
check_eq "one 'added' line per file" "$n" \
    "$(printf '%s\n' "$OUT" | grep -c '^added ')"
check_eq "nothing on stderr" "" "$ERR"
check_eq "the index holds $n documents" "$n" \
    "$(sql "$DB" 'SELECT count(*) FROM documents')"
check_eq "every corpus file is a document (source paths)" \
    "$(find corpus -type f \( -name '*.html' -o -name '*.htm' -o -name '*.txt' \) | sort)" \
    "$(sql "$DB" 'SELECT source_path FROM documents ORDER BY source_path' | sort)"

check_rc "re-run on unchanged files: exit 0" 0 "$INDEX" --index "$DB" corpus
check_eq "re-run: all unchanged" "$n 0 0 $n 0" "$(counts)"
check_eq "re-run adds no documents" "$n" \
    "$(sql "$DB" 'SELECT count(*) FROM documents')"

check_rc "--quiet: exit 0" 0 "$INDEX" --quiet --index "$DB" corpus
check_eq "--quiet prints only the summary" "1" \
    "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')"
check_eq "--quiet summary: all unchanged" "$n 0 0 $n 0" "$(counts)"

check_rc "--full re-reads every file" 0 "$INDEX" --full --index "$DB" corpus
check_eq "--full: nothing added, all updated in place" "$n 0 $n 0 0" "$(counts)"
check_eq "--full keeps $n documents" "$n" \
    "$(sql "$DB" 'SELECT count(*) FROM documents')"

#---- incremental: touch vs. edit, on a copy ------------------------------

cp -R corpus "$TMP/c"
COPY=$TMP/copy.db
F=$TMP/c/reports/manila-consultation.latin1.txt
check_rc "index a copy of corpus/" 0 "$INDEX" --index "$COPY" "$TMP/c"
touch -d '2001-02-03 04:05:06' "$F"
check_rc "after touch: exit 0" 0 "$INDEX" --index "$COPY" "$TMP/c"
check_eq "touched file (same content) counts as unchanged" "$n 0 0 $n 0" \
    "$(counts)"
check_eq "touch: new mtime remembered" \
    "$(stat -c %Y "$F")" \
    "$(sql "$COPY" "SELECT mtime FROM documents WHERE source_path LIKE '%manila%'")"

printf 'Appended paragraph mentioning zanzibarword.\n' >>"$F"
check_rc "after an edit: exit 0" 0 "$INDEX" --index "$COPY" "$TMP/c"
check_eq "edited file: 1 updated, the rest unchanged" "$n 0 1 $((n - 1)) 0" \
    "$(counts)"
check_eq "edit keeps $n documents (updated in place)" "$n" \
    "$(sql "$COPY" 'SELECT count(*) FROM documents')"
check_rc "the new word is searchable" 0 "$SEARCH" --index "$COPY" zanzibarword
check_contains "... and found in the edited file" "$OUT" "manila-consultation"

printf 'Manila, rewritten\nOnly quokkaword remains of this report.\n' >"$F"
check_rc "after a rewrite: exit 0" 0 "$INDEX" --index "$COPY" "$TMP/c"
check_rc "the removed word is no longer found" 1 \
    "$SEARCH" --index "$COPY" zanzibarword
check_rc "the rewritten text is found" 0 "$SEARCH" --index "$COPY" quokkaword
check_rc "the old text of the file is gone" 1 \
    "$SEARCH" --index "$COPY" Parañaque

#---- broken and missing sources ------------------------------------------

B=$TMP/broken
mkdir -p "$B/dir.html"
printf 'Good first\nThe aardvarkword report.\n' >"$B/aa-good.txt"
: >"$B/empty.html"
ln -s "$TMP/nowhere.html" "$B/dangling.html"
printf '<html><head><script>var scriptonlyword;</script></head><body>\n</body></html>\n' \
    >"$B/only-script.html"
printf '\n  \n\t\n' >"$B/blank.txt"
printf 'Good last\nThe zebrafishword report.\n' >"$B/zz-good.txt"
BDB=$TMP/broken.db

check_rc "broken sources among good ones: exit 0" 0 \
    "$INDEX" --index "$BDB" "$B"
check_eq "summary: 2 added, 4 failed" "2 0 0 4" \
    "$(counts | cut -d' ' -f2-5)"
for f in empty.html dangling.html only-script.html blank.txt; do
    check_contains "problem reported with its path: $f" "$ERR" "$B/$f"
done
check_rc "the run went on past the problems" 0 \
    "$SEARCH" --index "$BDB" zebrafishword
check_eq "only the good files are documents" "2" \
    "$(sql "$BDB" 'SELECT count(*) FROM documents')"

mkdir -p "$TMP/allbad"
: >"$TMP/allbad/empty.html"
ln -s "$TMP/nowhere.txt" "$TMP/allbad/dangling.txt"
check_rc "only broken sources: exit 1" 1 \
    "$INDEX" --index "$TMP/allbad.db" "$TMP/allbad"
check_contains "... each reported" "$ERR" "$TMP/allbad/empty.html"

check_rc "a missing path alone: exit 1" 1 \
    "$INDEX" --index "$TMP/missing.db" "$TMP/no/such/folder"
check_contains "... reported with the path" "$ERR" "$TMP/no/such/folder"
check_rc "a missing path beside a good one: exit 0" 0 \
    "$INDEX" --index "$TMP/missing2.db" "$TMP/no/such/file.html" "$B/aa-good.txt"
check_contains "... the missing one reported" "$ERR" "$TMP/no/such/file.html"

mkdir -p "$TMP/nothing"
printf 'not indexed\n' >"$TMP/nothing/notes.md"
check_rc "a folder without .html/.htm/.txt: exit 1" 1 \
    "$INDEX" --index "$TMP/nothing.db" "$TMP/nothing"

#---- options and index errors --------------------------------------------

check_rc "--help: exit 0" 0 "$INDEX" --help
check_contains "--help prints the usage on stdout" "$OUT" "usage: thp-index"
check_rc "unknown option: exit 2" 2 "$INDEX" --bogus corpus
check_contains "... says which option" "$ERR" "--bogus"
check_rc "no SOURCE: exit 2" 2 "$INDEX" --index "$TMP/none.db"
check_rc "--index without a value: exit 2" 2 "$INDEX" --index

printf 'just some text, not SQLite\n' >"$TMP/notdb.db"
check_rc "an --index file that is not an index: exit 2" 2 \
    "$INDEX" --index "$TMP/notdb.db" corpus
check_contains "... message names the file" "$ERR" "$TMP/notdb.db"
check_eq "... and the file is left alone" "just some text, not SQLite" \
    "$(cat "$TMP/notdb.db")"
check_rc "an --index in a missing folder: exit 2" 2 \
    "$INDEX" --index "$TMP/no/dir/x.db" corpus

#---- what the index holds: clean UTF-8 -----------------------------------

check_py "every title and body is strict UTF-8, NFC, LF-only, no NUL/C1/BOM/NBSP" '
import sqlite3, sys, unicodedata
db = sqlite3.connect(sys.argv[1])
for path, t, b in db.execute("SELECT source_path, CAST(title AS BLOB), CAST(body AS BLOB) FROM documents"):
    for name, raw in (("title", t), ("body", b)):
        s = raw.decode("utf-8")  # strict: raises on any bad byte
        assert unicodedata.is_normalized("NFC", s), (path, name, "not NFC")
        bad = sorted({hex(ord(c)) for c in s
                      if (ord(c) < 0x20 and c not in "\n\f") or 0x7f <= ord(c) < 0xa0
                      or c in "\ufeff\u00a0"})
        assert not bad, (path, name, bad)
' "$DB"

check_py "no U+FFFD in documents from the clean encodings (pages/, reports/)" '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT source_path, title || body FROM documents WHERE source_path LIKE ? OR source_path LIKE ?", ("corpus/pages/%", "corpus/reports/%")).fetchall()
assert len(rows) >= 8, "only %d pages/reports" % len(rows)
for path, text in rows:
    assert "\ufffd" not in text, path
' "$DB"

# doc_text DESC FILE-SUFFIX [+NEEDLE|-NEEDLE]...: the document whose source
# path ends with FILE-SUFFIX has (+) or has not (-) each NEEDLE in its
# title or body.
doc_text() {
    local desc=$1 file=$2
    shift 2
    check_py "$desc" '
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT CAST(title AS BLOB), CAST(body AS BLOB) FROM documents WHERE source_path LIKE ?", ("%" + sys.argv[2],)).fetchall()
assert len(rows) == 1, "%d documents for %s" % (len(rows), sys.argv[2])
text = (rows[0][0] + b"\n" + rows[0][1]).decode("utf-8")
for arg in sys.argv[3:]:
    arg = os.fsencode(arg).decode("utf-8")
    want, needle = arg[0] == "+", arg[1:]
    assert (needle in text) == want, ("missing %r" if want else "unexpected %r") % needle
' "$DB" "$file" "$@"
}

doc_text "cp1252 page: ’ – “ ” € decoded" rotterdam-pilot.cp1252.html \
    "+THP’s experience" "+partnerships – or" "+“pathways of cooperation”" \
    "+in euro (€)" "-â€"
doc_text "cp1252 page: entities &amp; &#8211; &eacute; &rsquo; &nbsp; decoded" \
    rotterdam-pilot.cp1252.html "+Rotterdam & Erasmus" "+an example – a résumé" \
    "+pilot’s first findings" "+Tel: +31 (0)10 7118988" "-&amp;" "-&eacute;"
doc_text "cp1252 page: title decoded" rotterdam-pilot.cp1252.html \
    "+Business–City Partnership Project: Rotterdam Pilot"
doc_text "latin1 page: São Paulo and other Latin-1 letters" \
    porto-alegre-workshop.latin1.html "+São Paulo" "+educação, éducation" \
    "+« l'environnement scolaire »" "+Bürgerschaft" "+inclusão social" "-Ã"
doc_text "utf-8 page: São Paulo, public–private" global-cities-report.utf8.html \
    "+São Paulo (Brazil)" "+public–private partnerships"
doc_text "mislabelled page (UTF-8 declared iso-8859-1) read as UTF-8" \
    johannesburg-consultation.mislabelled.html "+São Paulo" "+Zürich" \
    "+THP’s consultations" "+28–29 June 2011" "-Ã" "-â€"
doc_text "utf-16le page: Toronto, Montréal, Québec, rôle" \
    toronto-consultation.utf16le.html "+Toronto" "+Montréal" "+Québec City" \
    "+the rôle of employers" "+THP’s initiative"
doc_text "utf-8 BOM report: no U+FEFF, quotes and dashes decoded" \
    state-of-play-review.utf8bom.txt "-$(printf '\xef\xbb\xbf')" \
    "+“state of play” – in other words"
check_eq "utf-8 BOM report: title is the first line, without the BOM" \
    "State of Play Review: Migrants, Cities and the Business Sector" \
    "$(sql "$DB" "SELECT title FROM documents WHERE source_path LIKE '%state-of-play%'")"
doc_text "undeclared cp1252 report (CRLF): ’ “ ” – decoded" \
    istanbul-consultation.cp1252.txt "+THP’s initiative" \
    "+Bilgi University’s Center" "+“geographical limitation”" \
    "+in the field – in the"
doc_text "undeclared latin1 report: ñ é decoded" manila-consultation.latin1.txt \
    "+Parañaque and Las Piñas" "+San José"
doc_text "correct seed 001: São Paulo" 001_733df58f0c338147.txt "+São Paulo"

#---- page furniture is not text ------------------------------------------

for p in rotterdam-pilot.cp1252.html porto-alegre-workshop.latin1.html \
    global-cities-report.utf8.html johannesburg-consultation.mislabelled.html \
    toronto-consultation.utf16le.html; do
    doc_text "$p: no <script>/<style> text" "$p" -scriptonlyword \
        -stylesheetonlyword -_gaq -font-family
    doc_text "$p: no <nav>, <aside>, <footer> or comment text" "$p" \
        "-About THP" "-More news" "-Copyright" "-Disclaimer" \
        "-main content starts here"
done
# corpus/README.md lists the "back to overview" link among the boilerplate
# an extractor should drop.
for p in rotterdam-pilot.cp1252.html toronto-consultation.utf16le.html; do
    doc_text "$p: no 'back to overview' link text" "$p" "-back to overview"
done

check_rc "search scriptonlyword: no hits (exit 1)" 1 \
    "$SEARCH" --index "$DB" scriptonlyword
check_rc "search stylesheetonlyword: no hits (exit 1)" 1 \
    "$SEARCH" --index "$DB" stylesheetonlyword
check_rc "while page text of the same files is found" 0 \
    "$SEARCH" --index "$DB" Gauteng

#---- bytes that no encoding explains -------------------------------------

G=$TMP/garbage
mkdir -p "$G"
printf 'Garbage report\nbody \x81 bad \xc3( \xed\xa0\x80 \xc0\xaf \xf4\x90\x80\x80 bytes platypusword\n' \
    >"$G/garbage.txt"
printf 'Null report\nhello\x00world caf\xe9 numbatword\n' >"$G/nul-cp1252.txt"
check_rc "index files with invalid bytes: exit 0" 0 "$INDEX" --index "$TMP/g.db" "$G"
check_py "invalid bytes: stored text is still strict UTF-8, words kept" '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT CAST(body AS BLOB) FROM documents").fetchall()
assert len(rows) == 2, rows
for (b,) in rows:
    s = b.decode("utf-8")
    assert "\x00" not in s, s
assert any("platypusword" in b.decode() for (b,) in rows)
' "$TMP/g.db"
# text.h: "NUL and other control characters dropped" (a NUL is not an
# undecodable byte, in a legacy encoding as in UTF-8).
check_eq "a NUL byte in a legacy-encoded file is dropped, not U+FFFD" \
    "helloworld café numbatword" \
    "$(sql "$TMP/g.db" "SELECT body FROM documents WHERE source_path LIKE '%nul-cp1252%'")"

finish
