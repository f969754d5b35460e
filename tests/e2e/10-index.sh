#!/usr/bin/env bash
# 10-index.sh: thp-index end to end.
#
# Indexing corpus/ (files and documents in the summary line, per-source
# lines with --verbose, the sources manifest), broken and missing sources
# (reported with their path, the run goes on; exit 1 only when nothing
# could be indexed), options and exit statuses, indexes of another schema
# version, and what ends up in the index: valid UTF-8 only, each encoding
# variant of the corpus decoded to the right characters, and no page
# furniture (<script>, <style>, <nav>, <footer>, ...). Re-runs, edits and
# removals are in 50-incremental.sh, items and reports in 40-items.sh.
set -u
. "$(dirname "$0")/lib.sh"

DB=$TMP/corpus.db
# thp-index names sources relative to the index file's folder: a copy of
# corpus/ beside the index is named corpus/... (rule tests: 50-incremental)
C=$(corpus_copy) || exit 2

# Indexable files of corpus/ (README.md and the scripts are not).
(cd "$TMP" && find corpus -type f \( -name '*.html' -o -name '*.htm' -o -name '*.txt' \
    -o -name '*.pdf' \)) | LC_ALL=C sort >"$TMP/files"
n=$(wc -l <"$TMP/files" | tr -d ' ')

# Documents each file should give, from the files themselves: a PDF or a
# text with form feeds is a report, one document per non-blank page; a
# text listing is split at its separator lines ("back to overview", "More
# news"); an HTML page of corpus/ holds one item. The seeds give 10 and 2
# items (corpus/README.md); of their 12, the Rotterdam pilot is the same
# text in both, stored once.
(cd "$TMP" && python3 -c '
import subprocess, sys
seps = {"back to overview", "more news"}
for path in open(sys.argv[1]).read().split():
    raw = open(path, "rb").read()
    if path.endswith(".pdf"):
        text = subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", path, "-"],
                              capture_output=True).stdout.decode()
        k = sum(1 for p in text.split("\f") if p.strip())
    elif path.endswith(".txt") and b"\f" in raw:
        k = sum(1 for p in raw.split(b"\f") if p.strip())
    elif path.endswith(".txt"):
        parts, cur = [], []
        for line in raw.decode("utf-8", "replace").split("\n"):
            if line.strip().lower().rstrip(".:>") in seps:
                parts.append(cur)
                cur = []
            elif line.strip():
                cur.append(line)
        parts.append(cur)
        k = sum(1 for p in parts if p)
    else:
        k = 1
    print(path, k)
' "$TMP/files") >"$TMP/expected" 2>"$TMP/expected.err"
check_eq "(setup) documents per file computed" "" "$(cat "$TMP/expected.err")"
check_eq "the seeds hold 10 and 2 items" "10 2" \
    "$(grep '^corpus/seeds/' "$TMP/expected" | cut -d' ' -f2 | tr '\n' ' ' | sed 's/ $//')"
check_eq "state-of-play-review.utf8bom.txt has 2 pages" "2" \
    "$(sed -n 's|^corpus/reports/state-of-play-review.utf8bom.txt ||p' "$TMP/expected")"
links=$(awk '{s += $2} END {print s}' "$TMP/expected")
D=$((links - 1))

#---- a first run ---------------------------------------------------------

check_rc "index corpus/ (a copy beside the index): exit 0" 0 "$INDEX" --index "$DB" "$C"
check_eq "summary: all $n files added, $D documents + 1 duplicate" \
    "$(sumline "$n" "$n" 0 0 0 0 "$D" 0 1 0 "$D")" "$(summary)"
check_contains "summary names the index and its document count" "$OUT" \
    "$DB holds $D documents"
check_eq "without --verbose only the summary is printed" "1" \
    "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')"
check_eq "nothing on stderr" "" "$ERR"
check_eq "the index holds $D documents" "$D" "$(ndocs "$DB")"
check_eq "the manifest lists every corpus file, status ok" \
    "$(sed 's/$/ ok/' "$TMP/files")" \
    "$(sql "$DB" 'SELECT path || " " || status FROM sources' | LC_ALL=C sort)"
check_eq "each file's documents are linked to it (doc_sources)" \
    "$(cat "$TMP/expected")" \
    "$(sql "$DB" 'SELECT source_path || " " || count(*) FROM doc_sources GROUP BY source_path' | LC_ALL=C sort)"
check_eq "every document's own source is one of its links" "0" \
    "$(sql "$DB" 'SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM doc_sources s WHERE s.doc_id = d.id AND s.source_key = d.source_key)')"
check_eq "kinds: pages, items and report pages" "item page report" \
    "$(sql "$DB" 'SELECT DISTINCT kind FROM documents ORDER BY kind' | tr '\n' ' ' | sed 's/ $//')"
check_db "index consistent (integrity_check, FTS5 integrity-check)" "$DB"

check_rc "--verbose, on a new index: exit 0" 0 \
    "$INDEX" --verbose --index "$TMP/verbose.db" "$C"
check_eq "--verbose: an 'added PATH: N documents (CHARSET)' line per file, N as expected" \
    "$(cat "$TMP/expected")" \
    "$(printf '%s\n' "$OUT" | sed -nE 's/^added (.*): ([0-9]+) documents? \([A-Za-z0-9_.:-]+\)$/\1 \2/p' | LC_ALL=C sort)"
check_eq "--verbose: each with the charset the file was read as" \
    "added corpus/pages/rotterdam-pilot.cp1252.html: 1 document (WINDOWS-1252)
added corpus/pages/toronto-consultation.utf16le.html: 1 document (UTF-16LE)
added corpus/reports/global-cities-case-studies.pdf: 6 documents (PDF)
added corpus/reports/state-of-play-review.utf8bom.txt: 2 documents (UTF-8)" \
    "$(printf '%s\n' "$OUT" | grep -a -e rotterdam-pilot -e toronto-consultation -e '\.pdf:' -e state-of-play | cat -v)"
check_eq "--verbose: then the summary" \
    "$(sumline "$n" "$n" 0 0 0 0 "$D" 0 1 0 "$D")" \
    "$(summary "$(printf '%s\n' "$OUT" | tail -n 1)")"

check_rc "re-run: exit 0" 0 "$INDEX" --index "$DB" "$C"
check_eq "re-run: all unchanged" "$(sumline "$n" 0 0 "$n" 0 0 0 0 0 0 "$D")" \
    "$(summary)"

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
printf '%%PDF-1.4\nnot really a PDF\n' >"$B/broken.pdf"
BDB=$TMP/broken.db

check_rc "broken sources among good ones: exit 0" 0 \
    "$INDEX" --log "$TMP/broken.log" --index "$BDB" "$B"
check_eq "summary: 7 files, 2 added, 5 failed (a folder named .html is no file)" \
    "$(sumline 7 2 0 0 5 0 2 0 0 0 2)" "$(summary)"
# (named relative to the index's folder, $TMP)
for f in empty.html dangling.html only-script.html blank.txt broken.pdf; do
    check_contains "problem reported with its path: broken/$f" "$ERR" \
        "thp-index: broken/$f: "
done
check_eq "one line on stderr per problem" "5" "$(printf '%s\n' "$ERR" | grep -c .)"
check_eq "--log: a 'path<TAB>reason' line per problem" \
    "broken/blank.txt broken/broken.pdf broken/dangling.html broken/empty.html broken/only-script.html" \
    "$(cut -f1 "$TMP/broken.log" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "--log: every line has a reason after the tab" "0" \
    "$(awk -F'\t' 'NF != 2 || $2 == ""' "$TMP/broken.log" | wc -l | tr -d ' ')"
check_contains "--log: the broken PDF's reason" "$(cat "$TMP/broken.log")" \
    "broken/broken.pdf	not a readable PDF"
# (the dangling link has no size or time to record)
check_eq "the manifest records the failed files with their reason" \
    "blank.txt failed 1|broken.pdf failed 1|empty.html failed 1|only-script.html failed 1" \
    "$(sql "$BDB" "SELECT replace(path, 'broken/', '') || ' ' || status || ' ' || (length(error) > 0) FROM sources WHERE status != 'ok' AND path NOT LIKE '%dangling%' ORDER BY path" | tr '\n' '|' | sed 's/|$//')"
check_rc "the run went on past the problems" 0 \
    "$SEARCH" --index "$BDB" zebrafishword
check_eq "only the good files are documents" "2" "$(ndocs "$BDB")"
check_rc "a re-run tries the failed files again: exit 0" 0 \
    "$INDEX" --index "$BDB" "$B"
check_eq "re-run: 2 unchanged, 5 failed" "$(sumline 7 0 0 2 5 0 0 0 0 0 2)" \
    "$(summary)"

mkdir -p "$TMP/allbad"
: >"$TMP/allbad/empty.html"
ln -s "$TMP/nowhere.txt" "$TMP/allbad/dangling.txt"
check_rc "only broken sources: exit 1" 1 \
    "$INDEX" --index "$TMP/allbad.db" "$TMP/allbad"
check_contains "... each reported" "$ERR" "thp-index: allbad/empty.html: "
check_contains "... each reported" "$ERR" "thp-index: allbad/dangling.txt: "
check_eq "... and counted" "$(sumline 2 0 0 0 2 0 0 0 0 0 0)" "$(summary)"

check_rc "a missing path alone: exit 1" 1 \
    "$INDEX" --index "$TMP/missing.db" "$TMP/no/such/folder"
check_contains "... reported with the path as given" "$ERR" \
    "thp-index: $TMP/no/such/folder: "
check_rc "a missing path beside a good one: exit 0" 0 \
    "$INDEX" --index "$TMP/missing2.db" "$TMP/no/such/file.html" "$B/aa-good.txt"
check_contains "... the missing one reported" "$ERR" \
    "thp-index: $TMP/no/such/file.html: "
check_eq "... and the good one indexed" "$(sumline 2 1 0 0 1 0 1 0 0 0 1)" \
    "$(summary)"

mkdir -p "$TMP/nothing"
printf 'not indexed\n' >"$TMP/nothing/notes.md"
check_rc "a folder without .html/.htm/.txt/.pdf: exit 1" 1 \
    "$INDEX" --index "$TMP/nothing.db" "$TMP/nothing"
check_contains "... says so" "$ERR" "no .html, .htm, .txt or .pdf files found"

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
check_rc "--full on a file that is not an index: exit 2" 2 \
    "$INDEX" --full --index "$TMP/notdb.db" corpus
check_eq "... and the file is left alone (not replaced)" \
    "just some text, not SQLite" "$(cat "$TMP/notdb.db")"
check_rc "an --index in a missing folder: exit 2" 2 \
    "$INDEX" --index "$TMP/no/dir/x.db" corpus
check_rc "--log without a value: exit 2" 2 "$INDEX" --index "$TMP/x.db" corpus --log
check_rc "--log in a missing folder: exit 2" 2 \
    "$INDEX" --log "$TMP/no/dir/log" --index "$TMP/x.db" corpus
check_contains "... names the log" "$ERR" "$TMP/no/dir/log"
check "... and touches no index" test ! -e "$TMP/x.db"

# Another program's SQLite database is not an index: like a text file, it
# is refused and left as it was (thp-search refuses it too, 20-cli.sh).
python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE accounts(name TEXT, balance INTEGER)")
c.execute("INSERT INTO accounts VALUES(\x27ada\x27, 100)")
c.commit()' "$TMP/app.db"
check_rc "another program's SQLite database as --index: exit 2" 2 \
    "$INDEX" --index "$TMP/app.db" corpus
check_eq "... and no tables are added to it" "accounts" \
    "$(sql "$TMP/app.db" "SELECT name FROM sqlite_schema WHERE type = 'table'")"

# An index of another schema version: refused, with the advice to rebuild;
# --full rebuilds it.
cp "$DB" "$TMP/old.db"
python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE meta SET value = \x271\x27 WHERE key = \x27schema_version\x27")
c.commit()' "$TMP/old.db"
check_rc "an index of schema 1: exit 2" 2 "$INDEX" --index "$TMP/old.db" corpus
check_contains "... with the advice to rebuild with --full" "$ERR" "--full"
check_contains "... naming the index" "$ERR" "$TMP/old.db"
check_rc "thp-search refuses it too: exit 2" 2 "$SEARCH" --index "$TMP/old.db" Rotterdam
check_contains "... with the same advice" "$ERR" "--full"
check_rc "--full rebuilds it: exit 0" 0 "$INDEX" --full --index "$TMP/old.db" "$C"
check_eq "... as a new index of corpus/" \
    "$(sumline "$n" "$n" 0 0 0 0 "$D" 0 1 0 "$D")" "$(summary)"
schema=$(sql "$DB" "SELECT value FROM meta WHERE key = 'schema_version'")
check_eq "... of the current schema (that of a new index, $schema)" "$schema" \
    "$(sql "$TMP/old.db" "SELECT value FROM meta WHERE key = 'schema_version' AND value != '1'")"
check_rc "... and searchable" 0 "$SEARCH" --index "$TMP/old.db" Rotterdam

#---- what the index holds: clean UTF-8 -----------------------------------

# (form feeds too: a report is split into pages at them)
check_py "every text column is strict UTF-8, NFC, LF-only, no NUL/FF/C1/BOM/NBSP" '
import sqlite3, sys, unicodedata
db = sqlite3.connect(sys.argv[1])
cols = ("title", "body", "meta", "date", "location", "partners", "authors")
n = 0
for row in db.execute("SELECT source_key, " + ", ".join("CAST(%s AS BLOB)" % c for c in cols) + " FROM documents"):
    for name, raw in zip(cols, row[1:]):
        if raw is None:
            continue
        n += 1
        s = raw.decode("utf-8")  # strict: raises on any bad byte
        assert unicodedata.is_normalized("NFC", s), (row[0], name, "not NFC")
        bad = sorted({hex(ord(c)) for c in s
                      if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) < 0xa0
                      or c in "\ufeff\u00a0"})
        assert not bad, (row[0], name, bad)
assert n > 50, n
' "$DB"

check_py "no U+FFFD in documents from the clean encodings (pages/, reports/)" '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT source_path, title || body FROM documents WHERE source_path LIKE ? OR source_path LIKE ?", ("corpus/pages/%", "corpus/reports/%")).fetchall()
assert len(rows) >= 8, "only %d pages/reports" % len(rows)
for path, text in rows:
    assert "\ufffd" not in text, path
' "$DB"

# doc_text DESC KEY-SUFFIX [+NEEDLE|-NEEDLE]...: the one document whose
# source key (path, path#anchor or path#page=N) ends with KEY-SUFFIX (a
# LIKE pattern) has (+) or has not (-) each NEEDLE in its title or body.
doc_text() {
    local desc=$1 file=$2
    shift 2
    check_py "$desc" '
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT DISTINCT CAST(d.title AS BLOB), CAST(d.body AS BLOB) FROM documents d JOIN doc_sources s ON s.doc_id = d.id WHERE s.source_key LIKE ?", ("%" + sys.argv[2],)).fetchall()
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
    "state-of-play-review.utf8bom.txt#page=1" "-$(printf '\xef\xbb\xbf')" \
    "+“state of play” – in other words"
check_eq "utf-8 BOM report: both pages titled by the first line, without the BOM" \
    "State of Play Review: Migrants, Cities and the Business Sector" \
    "$(sql "$DB" "SELECT DISTINCT title FROM documents WHERE source_path LIKE '%state-of-play%'")"
doc_text "undeclared cp1252 report (CRLF): ’ “ ” – decoded" \
    istanbul-consultation.cp1252.txt "+THP’s initiative" \
    "+Bilgi University’s Center" "+“geographical limitation”" \
    "+in the field – in the"
doc_text "undeclared latin1 report: ñ é decoded" manila-consultation.latin1.txt \
    "+Parañaque and Las Piñas" "+San José"
doc_text "correct seed 001: São Paulo" \
    "001_733df58f0c338147.txt#migrant-and-refugee%" "+São Paulo"

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
