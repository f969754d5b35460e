#!/usr/bin/env bash
# 50-incremental.sh: re-running thp-index on a changing copy of corpus/.
#
# Unchanged and touched files are skipped; an edited page is re-read and
# its document updated in place (same id); an item dropped from a listing,
# a page dropped from a report and a deleted file take their documents
# with them; the same item on two pages survives the loss of either; a
# file that breaks keeps the documents it had; --full re-reads everything;
# "c", "./c/" and "$PWD/c" name the same sources; --log and --quiet.
# The naming rule (sources relative to the index file's folder, else by
# their absolute real path, whatever the current folder), another
# program's SQLite database left alone, and documents (not links) counted
# as removed.
set -u
. "$(dirname "$0")/lib.sh"

cd "$TMP" || exit 2
cp -R "$ROOT/corpus" c
DB=inc.db

# docs_of KEY-LIKE: "id|title" of the documents linked from keys LIKE it
docs_of() {
    sql "$DB" "SELECT DISTINCT d.id || '|' || d.title FROM documents d JOIN doc_sources s ON s.doc_id = d.id WHERE s.source_key LIKE '$1' ORDER BY d.id"
}
# hit_urls QUERY: the urls of the hits of QUERY, sorted, one a line
hit_urls() {
    "$SEARCH" --index "$DB" --json --limit 100 -- "$1" |
        python3 -I -S -c 'import json, sys; print("\n".join(sorted(h["url"] for h in json.load(sys.stdin)["hits"])))'
}
# edit FILE PYTHON-EXPR: rewrite FILE's bytes b as PYTHON-EXPR (of b); the
# file's size or time changes, so the next run looks at it
edit() {
    python3 -I -S -c '
import sys
p = sys.argv[1]
b = open(p, "rb").read()
n = eval(sys.argv[2])
assert n != b, "edit changed nothing"
open(p, "wb").write(n)' "$1" "$2" || echo "    (setup) edit of $1 failed"
    touch -d "+1 minute" "$1"
}

n=$(find c -type f \( -name '*.html' -o -name '*.htm' -o -name '*.txt' -o -name '*.pdf' \) | wc -l | tr -d ' ')
check_rc "index the copy: exit 0" 0 "$INDEX" --index "$DB" c
D=$(ndocs "$DB")
check_eq "first run: all $n files added" \
    "$(sumline "$n" "$n" 0 0 0 0 "$D" 0 1 0 "$D")" "$(summary)"
sql "$DB" 'SELECT id, source_key, content_hash FROM documents ORDER BY id' >ids.0

#---- unchanged, touched ----------------------------------------------------

check_rc "re-run: exit 0" 0 "$INDEX" --index "$DB" c
check_eq "re-run: all unchanged, no document touched" \
    "$(sumline "$n" 0 0 "$n" 0 0 0 0 0 0 "$D")" "$(summary)"
sql "$DB" 'SELECT id, source_key, content_hash FROM documents ORDER BY id' >ids.1
check_eq "re-run: the same documents, ids and texts" "" "$(diff ids.0 ids.1)"

F=c/reports/manila-consultation.latin1.txt
touch -d '2001-02-03 04:05:06' "$F"
check_rc "after touch: exit 0" 0 "$INDEX" --verbose --index "$DB" c
check_eq "a touched file (same bytes) is unchanged" \
    "$(sumline "$n" 0 0 "$n" 0 0 0 0 0 0 "$D")" "$(summary)"
check_eq "... and gets no 'updated' line" "1" \
    "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')"
check_eq "... its new mtime is remembered in the manifest" "$(stat -c %Y "$F")" \
    "$(sql "$DB" "SELECT mtime FROM sources WHERE path = '$F'")"
check_rc "... and the next run skips it too" 0 "$INDEX" --index "$DB" c
check_eq "... (unchanged again)" "$(sumline "$n" 0 0 "$n" 0 0 0 0 0 0 "$D")" \
    "$(summary)"

#---- one name per source ------------------------------------------------------

for src in ./c/ "$TMP/c" "$TMP/./c//" c/../c; do
    check_rc "source given as '$src': exit 0" 0 "$INDEX" --index "$DB" "$src"
    check_eq "'$src' names the same sources: all unchanged, none removed" \
        "$(sumline "$n" 0 0 "$n" 0 0 0 0 0 0 "$D")" "$(summary)"
done
check_rc "a subfolder: exit 0" 0 "$INDEX" --index "$DB" "$TMP/c/pages"
check_eq "a subfolder: its files unchanged, nothing else removed" \
    "$(sumline 5 0 0 5 0 0 0 0 0 0 "$D")" "$(summary)"
check_rc "one file, by an absolute path: exit 0" 0 "$INDEX" --index "$DB" "$TMP/$F"
check_eq "one file: unchanged" "$(sumline 1 0 0 1 0 0 0 0 0 0 "$D")" "$(summary)"
check_eq "the manifest names each file once, relative to the folder" "$n 0" \
    "$(sql "$DB" "SELECT count(*), sum(path NOT LIKE 'c/%' OR path LIKE '%/./%' OR path LIKE '%//%') FROM sources" | tr '\t' ' ')"
check_eq "no document was added twice" "$D" "$(ndocs "$DB")"
# The same files indexed from another folder (on a copy of the index: the
# checks below go on with the original).
mkdir -p sub
cp "$DB" sub.db
(cd sub && "$INDEX" --quiet --index ../sub.db ../c) >sub.out 2>&1
check_eq "run from another folder, '../c' names the same sources: all unchanged" \
    "$(sumline "$n" 0 0 "$n" 0 0 0 0 0 0 "$D")" "$(summary "$(cat sub.out)")"
check_eq "... the manifest still names each file once" "$n" \
    "$(sql sub.db 'SELECT count(*) FROM sources')"
check_eq "... and each hit has one source per place it was found" \
    "corpus/pages/rotterdam-pilot.cp1252.html" \
    "$(sql sub.db "SELECT group_concat(replace(url, '$TMP/', ''), ' ') FROM doc_sources WHERE source_path LIKE '%/pages/rotterdam-pilot.cp1252.html'" | sed 's|^c/|corpus/|')"

#---- an edited page ------------------------------------------------------------

P=c/pages/johannesburg-consultation.mislabelled.html
pid=$(sql "$DB" "SELECT id FROM documents WHERE source_key = '$P'")
check_eq "(before) Gauteng is found in the Johannesburg page only" "$P" \
    "$(hit_urls Gauteng)"
edit "$P" 'b.replace(b"Gauteng", b"Wallabyland")'
cp "$DB" verbose.db
check_rc "after editing a page: exit 0" 0 "$INDEX" --index "$DB" c
check_eq "edited page: 1 file updated, 1 document updated" \
    "$(sumline "$n" 0 1 $((n - 1)) 0 0 0 1 0 0 "$D")" "$(summary)"
check_rc "the same with --verbose (on a copy of the index): exit 0" 0 \
    "$INDEX" --verbose --index verbose.db c
check_eq "... a line for the updated page, with the charset it was read as" \
    "updated $P: 1 document (UTF-8)" \
    "$(printf '%s\n' "$OUT" | grep -a -v '^thp-index: ' | cat -v)"
check_eq "the new word is found, in the same document (id $pid)" "$pid" \
    "$("$SEARCH" --index "$DB" --json Wallabyland | python3 -I -S -c 'import json, sys; print(" ".join(str(h["id"]) for h in json.load(sys.stdin)["hits"]))')"
check_rc "the old word is gone" 1 "$SEARCH" --index "$DB" Gauteng
check_eq "the manifest has the new hash" \
    "$(python3 -c 'import sys; h = 0xcbf29ce484222325
for c in open(sys.argv[1], "rb").read(): h = ((h ^ c) * 0x100000001b3) % 2**64
print("%016x" % h)' "$P")" \
    "$(sql "$DB" "SELECT hash FROM sources WHERE path = '$P'")"

#---- listings: an item dropped, an item edited -----------------------------------

mkdir -p c/news
cat >c/news/listing.txt <<'EOF'
Harbour Partnership Launched

Location: bergen, norway
date: april 2015

The harbour partnership koalaone brings together the port and the city.

back to overview

Workshop on Skills Matching

location: lyon, france
date: may 2015

Employers and the city discussed koalatwo skills matching.

back to overview

Expert Meeting on Housing

Location: Leeds, United Kingdom
date: june 2015

Housing for newcomers was the koalathree theme.
EOF
check_rc "a new listing: exit 0" 0 "$INDEX" --index "$DB" c
check_eq "new listing: 1 file added, 3 documents added" \
    "$(sumline $((n + 1)) 1 0 "$n" 0 0 3 0 0 0 $((D + 3)))" "$(summary)"
L=c/news/listing.txt
docs_of "$L#%" >items.0
check_eq "... 3 items" "3" "$(wc -l <items.0 | tr -d ' ')"
edit "$L" 'b.replace(b"koalathree theme", b"koalafour theme, again")'
check_rc "an item's text edited: exit 0" 0 "$INDEX" --index "$DB" c
check_eq "edited item: 1 file updated, 1 document updated in place" \
    "$(sumline $((n + 1)) 0 1 "$n" 0 0 0 1 0 0 $((D + 3)))" "$(summary)"
check_eq "... the same ids and titles" "$(cat items.0)" "$(docs_of "$L#%")"
check_eq "... koalafour found in the Leeds item" "$L#expert-meeting-on-housing" \
    "$(hit_urls koalafour)"
check_rc "... koalathree gone" 1 "$SEARCH" --index "$DB" koalathree
edit "$L" 'b[:b.index(b"Workshop on Skills")] + b[b.index(b"Expert Meeting"):]'
check_rc "an item removed from the listing: exit 0" 0 "$INDEX" --index "$DB" c
check_eq "removed item: 1 file updated, 1 document removed" \
    "$(sumline $((n + 1)) 0 1 "$n" 0 0 0 0 0 1 $((D + 2)))" "$(summary)"
check_eq "... the other two items keep their ids" \
    "$(sed -n '1p;3p' items.0)" "$(docs_of "$L#%")"
check_rc "... its text is no longer found" 1 "$SEARCH" --index "$DB" koalatwo
check_eq "... its key is gone from doc_sources" "0" \
    "$(sql "$DB" "SELECT count(*) FROM doc_sources WHERE source_key LIKE '$L#workshop%'")"

#---- reports: a page dropped -----------------------------------------------------

R=c/reports/state-of-play-review.utf8bom.txt
docs_of "$R#page=%" >report.0
w2=$(python3 -c '
import re, sys
pages = open(sys.argv[1], encoding="utf-8-sig").read().split("\f")
words = lambda s: set(re.findall(r"[a-z]{9,}", s.lower()))
print(sorted(words(pages[1]) - words(pages[0]))[0])' "$R")
edit "$R" 'b.split(b"\f")[0] + b"\f"'  # (still a report: a form feed)
check_rc "a report that lost its page 2: exit 0" 0 "$INDEX" --index "$DB" c
check_eq "... 1 file updated, 1 document removed" \
    "$(sumline $((n + 1)) 0 1 "$n" 0 0 0 0 0 1 $((D + 1)))" "$(summary)"
check_eq "... page 1 keeps its id" "$(sed -n 1p report.0)" "$(docs_of "$R#page=%")"
check_eq "... a word of page 2 ($w2) no longer finds the report" "" \
    "$(hit_urls "$w2" | grep -a "^$R")"

#---- the same item on two pages -----------------------------------------------

S0=c/seeds/000_6de4cf8245ff3bca.txt
S1=c/seeds/001_733df58f0c338147.txt
rid=$(sql "$DB" "SELECT doc_id FROM doc_sources WHERE source_path = '$S1' AND doc_id IN (SELECT doc_id FROM doc_sources WHERE source_path = '$S0')")
check_eq "(before) the Rotterdam pilot item: one document, 2 sources" "2" \
    "$(sql "$DB" "SELECT count(*) FROM doc_sources WHERE doc_id = ${rid:-0}")"
D=$(ndocs "$DB")
mv "$S0" seed0.txt
check_rc "seed 000 deleted: exit 0" 0 "$INDEX" --index "$DB" c
check_eq "... 1 file removed, its 9 documents of its own removed" \
    "$(sumline $((n)) 0 0 "$n" 0 1 0 0 0 9 $((D - 9)))" "$(summary)"
check_eq "... the shared item stays, with seed 001 as its only source" \
    "$rid $S1" \
    "$(sql "$DB" "SELECT doc_id, source_path FROM doc_sources WHERE doc_id = ${rid:-0}" | tr '\t' ' ')"
check_eq "... and its url now points there" "$S1#" \
    "$(sql "$DB" "SELECT substr(url, 1, instr(url, '#')) FROM documents WHERE id = ${rid:-0}")"
check_eq "... seed 000 left the manifest" "0" \
    "$(sql "$DB" "SELECT count(*) FROM sources WHERE path = '$S0'")"
check_eq "... and no key of it is left" "0" \
    "$(sql "$DB" "SELECT count(*) FROM doc_sources WHERE source_path = '$S0'")"
check_eq "... its Toronto item is no longer found" "" \
    "$(hit_urls '"Greater Toronto Area"' | grep -a '^c/seeds/')"
mv seed0.txt "$S0"
check_rc "seed 000 back: exit 0" 0 "$INDEX" --index "$DB" c
check_eq "... 1 file added: 9 documents added, 1 duplicate" \
    "$(sumline $((n + 1)) 1 0 "$n" 0 0 9 0 1 0 "$D")" "$(summary)"
check_eq "... the shared item has its 2 sources again, same id" "2" \
    "$(sql "$DB" "SELECT count(*) FROM doc_sources WHERE doc_id = ${rid:-0}")"

edit "$S1" 'b.replace(b"Tel:", b"Platypusword. Tel:", 1)'
check_rc "seed 001's copy of the shared item edited: exit 0" 0 \
    "$INDEX" --index "$DB" c
# (a new document for a key that had one: counted as added or as updated)
check_eq "... 1 file updated: its item is now a document of its own" \
    "$(sumline $((n + 1)) 0 1 "$n" 0 0 X X 0 0 $((D + 1)))" \
    "$(summary | sed -E 's/documents: (1 added, 0 updated|0 added, 1 updated)/documents: X added, X updated/')"
check_eq "... the shared document keeps its id, with seed 000 only" \
    "$S0" "$(sql "$DB" "SELECT source_path FROM doc_sources WHERE doc_id = ${rid:-0}")"
check_eq "... the edited copy is found at seed 001" \
    "$(sql "$DB" "SELECT source_key FROM doc_sources WHERE source_path = '$S1' AND source_key LIKE '%rotterdam%'")" \
    "$(hit_urls Platypusword)"
D=$(ndocs "$DB")

#---- deleted files ---------------------------------------------------------------

G=c/pages/global-cities-report.utf8.html
gid=$(sql "$DB" "SELECT id FROM documents WHERE source_key = '$G'")
rm "$G"
check_rc "a page deleted: exit 0" 0 "$INDEX" --verbose --index "$DB" c
check_eq "... 1 file removed, 1 document removed" \
    "$(sumline "$n" 0 0 "$n" 0 1 0 0 0 1 $((D - 1)))" "$(summary)"
check_eq "... its document is gone" "" \
    "$(sql "$DB" "SELECT id FROM documents WHERE id = ${gid:-0}")"
check_eq "... and its manifest row" "0" \
    "$(sql "$DB" "SELECT count(*) FROM sources WHERE path = '$G'")"
D=$((D - 1))
rm -r c/news
check_rc "a folder deleted: exit 0" 0 "$INDEX" --index "$DB" c
check_eq "... its listing removed with its 2 items" \
    "$(sumline $((n - 1)) 0 0 $((n - 1)) 0 1 0 0 0 2 $((D - 2)))" "$(summary)"
D=$((D - 2))
n=$((n - 1))
check_rc "a run over a source that is gone: exit 1" 1 \
    "$INDEX" --index "$DB" c/news
check_eq "... removes nothing else" "$D" "$(ndocs "$DB")"

#---- files that break keep their documents ---------------------------------------

mkdir -p c/pdf
python3 - c/pdf/field-report.pdf <<'EOF'
import sys

def pdf(path, pages):
    """A minimal PDF 1.4: Helvetica, one text block per page."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            ("<< /Type /Pages /Kids [%s] /Count %d >>" % (
                " ".join("%d 0 R" % (4 + 2 * i) for i in range(len(pages))),
                len(pages))).encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
            b" /Encoding /WinAnsiEncoding >>"]
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        ops += ["(%s) Tj T*" % line for line in lines]
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252")
        objs.append(("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
                     " /Resources << /Font << /F1 3 0 R >> >>"
                     " /Contents %d 0 R >>" % (5 + 2 * i)).encode())
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream +
                    b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, o in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (k + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, xref))
    open(path, "wb").write(out)

pdf(sys.argv[1], [["Field Report", "The first page: kelpiepageone."],
                  ["Second part", "The second page: dingopagetwo."]])
EOF
check_rc "a PDF added: exit 0" 0 "$INDEX" --index "$DB" c
check_eq "... 2 documents (pages)" \
    "$(sumline $((n + 1)) 1 0 "$n" 0 0 2 0 0 0 $((D + 2)))" "$(summary)"
n=$((n + 1))
D=$((D + 2))
cp c/pdf/field-report.pdf good.pdf
H=c/pages/toronto-consultation.utf16le.html
cp "$H" good.html
head -c 300 good.pdf >c/pdf/field-report.pdf
: >"$H"
check_rc "a PDF truncated and a page emptied: exit 0" 0 \
    "$INDEX" --log problems.log --index "$DB" c
check_eq "... 2 failed, no document removed" \
    "$(sumline "$n" 0 0 $((n - 2)) 2 0 0 0 0 0 "$D")" "$(summary)"
check_contains "... the PDF reported" "$ERR" "thp-index: c/pdf/field-report.pdf: "
check_contains "... the page reported" "$ERR" "thp-index: $H: "
check_eq "... the old pages of the PDF are still found" \
    "c/pdf/field-report.pdf#page=2" "$(hit_urls dingopagetwo)"
check_contains "... and the old text of the page" "$(hit_urls Montréal)" "$H"
check_eq "... the manifest says failed, with the reason" \
    "c/pages/toronto-consultation.utf16le.html|failed|1
c/pdf/field-report.pdf|failed|1" \
    "$(sql "$DB" "SELECT path, status, length(error) > 0 FROM sources WHERE status != 'ok' ORDER BY path" | tr '\t' '|')"
check_eq "--log: a 'path<TAB>reason' line per problem" \
    "c/pages/toronto-consultation.utf16le.html c/pdf/field-report.pdf" \
    "$(cut -f1 problems.log | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "--log: each with its reason, as on stderr" \
    "$(printf '%s\n' "$ERR" | sed 's/^thp-index: //; s/: /\t/' | LC_ALL=C sort)" \
    "$(LC_ALL=C sort problems.log)"

check_rc "--quiet, with the problems still there: exit 0" 0 \
    "$INDEX" --quiet --log problems.log --index "$DB" c
check_eq "--quiet: exactly one line on stdout" "1" \
    "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')"
check_eq "--quiet: and that is the summary (failed files tried again)" \
    "$(sumline "$n" 0 0 $((n - 2)) 2 0 0 0 0 0 "$D")" "$(summary)"
check_eq "--quiet: the problems still on stderr" "2" \
    "$(printf '%s\n' "$ERR" | grep -c '^thp-index: c/')"
check_eq "--log appends: 4 lines after two runs" "4" \
    "$(wc -l <problems.log | tr -d ' ')"

cp good.pdf c/pdf/field-report.pdf
cp good.html "$H"
check_rc "the broken files repaired: exit 0" 0 "$INDEX" --log problems.log --index "$DB" c
check_eq "... 2 updated, their documents unchanged" \
    "$(sumline "$n" 0 2 $((n - 2)) 0 0 0 0 0 0 "$D")" "$(summary)"
check_eq "... nothing more logged" "4" "$(wc -l <problems.log | tr -d ' ')"
check_eq "... the manifest is all ok" "ok" \
    "$(sql "$DB" "SELECT DISTINCT status FROM sources")"

#---- --full ---------------------------------------------------------------------

sql "$DB" 'SELECT id, source_key, content_hash FROM documents ORDER BY id' >ids.2
check_rc "--full: exit 0" 0 "$INDEX" --full --index "$DB" c
check_eq "--full: every file re-read (updated), no document changed" \
    "$(sumline "$n" 0 "$n" 0 0 0 0 0 0 0 "$D")" "$(summary)"
sql "$DB" 'SELECT id, source_key, content_hash FROM documents ORDER BY id' >ids.3
check_eq "--full: the same documents, ids and texts" "" "$(diff ids.2 ids.3)"
check_rc "after --full, a plain run: all unchanged" 0 "$INDEX" --index "$DB" c
check_eq "... (summary)" "$(sumline "$n" 0 0 "$n" 0 0 0 0 0 0 "$D")" "$(summary)"

#---- the same as a fresh index -------------------------------------------------

check_rc "a fresh index of the edited copy: exit 0" 0 "$INDEX" --index fresh.db c
check_py "the incremental index holds what a fresh one does" '
import sqlite3, sys
def docs(path):
    db = sqlite3.connect(path)
    return sorted(db.execute("SELECT s.source_key, d.kind, d.title, d.body, d.meta, d.date, d.location, d.page FROM doc_sources s JOIN documents d ON d.id = s.doc_id"))
a, b = docs(sys.argv[1]), docs(sys.argv[2])
ka, kb = {r[0] for r in a}, {r[0] for r in b}
assert ka == kb, ("keys only incremental", sorted(ka - kb)[:5], "only fresh", sorted(kb - ka)[:5])
diff = [x[0] for x, y in zip(a, b) if x != y]
assert not diff, ("differ", diff[:5])
' "$DB" fresh.db
check_eq "... as many documents" "$(ndocs fresh.db)" "$(ndocs "$DB")"
check_db "the incremental index is consistent" "$DB"

#---- the naming rule: relative to the index file's folder, else absolute ------
#
# thp-index names a source (manifest path, documents.source_path, keys,
# urls, problems) by its path relative to the folder of the index file when
# it lies inside that folder, else by its absolute real path (symlinks
# resolved). The current folder plays no part.

NM=$TMP/names
mkdir -p "$NM/deep/er" "$NM/idx" "$NM/idx2"
cp -R "$ROOT/corpus" "$NM/corpus"
RNM=$(realpath "$NM")
# the indexable files of NM/corpus, named as the rule says for an index in NM
(cd "$NM" && find corpus -type f \( -name '*.html' -o -name '*.htm' \
    -o -name '*.txt' -o -name '*.pdf' \)) | LC_ALL=C sort >names.files
nn=$(wc -l <names.files | tr -d ' ')
# links DB: "source_path source_key url doc_id" of every link, sorted
links() {
    sql "$1" "SELECT source_path || ' ' || source_key || ' ' || url || ' ' || doc_id FROM doc_sources ORDER BY 1"
}

cd "$NM" || exit 2
check_rc "names: corpus indexed from the index's folder: exit 0" 0 \
    "$INDEX" --index two.db corpus
N2=$(ndocs two.db)
check_eq "... all $nn files added" \
    "$(sumline "$nn" "$nn" 0 0 0 0 "$N2" 0 1 0 "$N2")" "$(summary)"
cd "$TMP" || exit 2
check_eq "... the manifest names them corpus/... (relative to the index)" \
    "$(cat names.files)" "$(sql "$NM/two.db" 'SELECT path FROM sources' | LC_ALL=C sort)"
links "$NM/two.db" >names.links
check_eq "... and so do documents, keys and urls" "0" \
    "$(sql "$NM/two.db" "SELECT (SELECT count(*) FROM documents WHERE source_path NOT LIKE 'corpus/%' OR url NOT LIKE 'corpus/%' OR source_key NOT LIKE 'corpus/%') + (SELECT count(*) FROM doc_sources WHERE source_path NOT LIKE 'corpus/%' OR source_key NOT LIKE source_path || '%' OR url NOT LIKE 'corpus/%')")"

# the same sources from other current folders, by other spellings
twice() { # twice DESC DIR INDEX-ARG SOURCE-ARG: a run from DIR finds all unchanged
    local desc=$1 dir=$2
    cd "$dir" || exit 2
    check_rc "names: $desc: exit 0" 0 "$INDEX" --index "$3" "$4"
    cd "$TMP" || exit 2
    check_eq "... all unchanged, nothing added or removed" \
        "$(sumline "$nn" 0 0 "$nn" 0 0 0 0 0 0 "$N2")" "$(summary)"
    check_eq "... the same names and links, none twice" "" \
        "$(links "$NM/two.db" | diff names.links - | head -n 5)"
}
twice "from a folder below, '../../two.db ../../corpus'" "$NM/deep/er" \
    ../../two.db ../../corpus
twice "from the repository, absolute paths" "$ROOT" "$NM/two.db" "$NM/corpus/"
twice "from /, paths relative to /" / "${RNM#/}/two.db" "${RNM#/}/./corpus"
ln -s "$NM" names-link
twice "both through a symlink to the folder" "$TMP" names-link/two.db \
    names-link/corpus
check_eq "... the manifest still names each file once" "$nn" \
    "$(sql "$NM/two.db" 'SELECT count(*) FROM sources')"
check_eq "... and no source key twice in doc_sources" "0" \
    "$(sql "$NM/two.db" 'SELECT count(*) - count(DISTINCT source_key) FROM doc_sources')"

# outside the index's folder: the absolute real path
cd "$NM" || exit 2
check_rc "names: corpus/pages with the index in idx/ (outside it): exit 0" 0 \
    "$INDEX" --index idx/out.db corpus/pages
cd "$TMP" || exit 2
check_eq "... named by their absolute paths" \
    "$(grep '^corpus/pages/' names.files | sed "s|^|$RNM/|")" \
    "$(sql "$NM/idx/out.db" 'SELECT path FROM sources' | LC_ALL=C sort)"
check_eq "... documents and links too (source_path, key, url)" \
    "$(grep '^corpus/pages/' names.files | sed "s|^|$RNM/|; s|.*|& & & &|")" \
    "$(sql "$NM/idx/out.db" "SELECT d.source_path || ' ' || d.source_key || ' ' || d.url || ' ' || s.url FROM documents d JOIN doc_sources s ON s.doc_id = d.id" | LC_ALL=C sort)"
ln -s ../corpus/reports "$NM/idx/reports-link"
check_rc "a symlink in idx/ to a folder outside it: exit 0" 0 \
    "$INDEX" --verbose --index "$NM/idx/out.db" "$NM/idx/reports-link"
check_eq "... named by the real path, not by the link" \
    "$(grep '^corpus/reports/' names.files | sed "s|^|$RNM/|")" \
    "$(sql "$NM/idx/out.db" "SELECT path FROM sources WHERE path NOT LIKE '%/pages/%'" | LC_ALL=C sort)"
check_eq "... also in the --verbose lines" \
    "$(grep '^corpus/reports/' names.files | sed "s|^|$RNM/|")" \
    "$(printf '%s\n' "$OUT" | sed -n 's/^added \(.*\): [0-9]* documents\{0,1\} (.*)$/\1/p' | LC_ALL=C sort)"
# idx2/ starts with the name of idx/ but is not inside it
printf 'Sibling report\nThe sibling folder holds bilbyword.\n' >"$NM/idx2/sib.txt"
: >"$NM/idx2/empty.html"
check_rc "idx2/ beside idx/ (a common prefix, not inside): exit 0" 0 \
    "$INDEX" --log names.log --index "$NM/idx/out.db" "$NM/idx2"
check_eq "... named by their absolute paths" \
    "$RNM/idx2/empty.html failed
$RNM/idx2/sib.txt ok" \
    "$(sql "$NM/idx/out.db" "SELECT path || ' ' || status FROM sources WHERE path LIKE '%idx2%' ORDER BY path")"
check_eq "... a problem reported by that name" \
    "thp-index: $RNM/idx2/empty.html: " \
    "$(printf '%s\n' "$ERR" | grep -o "^thp-index: .*empty.html: ")"
check_eq "... and logged by it" "$RNM/idx2/empty.html" "$(cut -f1 names.log)"
check_eq "... its hit's url is that path" "$RNM/idx2/sib.txt" \
    "$("$SEARCH" --index "$NM/idx/out.db" --json bilbyword | python3 -I -S -c 'import json, sys; print(" ".join(h["url"] for h in json.load(sys.stdin)["hits"]))')"
cd "$ROOT" || exit 2
check_rc "the repository's corpus/pages into an index in \$TMP (run from the repository): exit 0" 0 \
    "$INDEX" --index "$TMP/repo.db" corpus/pages
cd "$TMP" || exit 2
check_eq "... named by their absolute paths" \
    "$(grep '^corpus/pages/' names.files | sed "s|^|$(realpath "$ROOT")/|")" \
    "$(sql repo.db 'SELECT path FROM sources' | LC_ALL=C sort)"

# moved together, the index and its sources keep their names
mv "$NM" "$TMP/names-moved"
check_rc "names: the folder moved, index and corpus with it: exit 0" 0 \
    "$INDEX" --index "$TMP/names-moved/two.db" "$TMP/names-moved/corpus"
check_eq "... all unchanged, nothing added or removed" \
    "$(sumline "$nn" 0 0 "$nn" 0 0 0 0 0 0 "$N2")" "$(summary)"
check_eq "... the same names and links" "" \
    "$(links "$TMP/names-moved/two.db" | diff names.links - | head -n 5)"
mv "$TMP/names-moved" "$NM"

#---- another program's SQLite database is not written into ---------------------

# (10-index.sh checks the exit status and that no table is added; here the
# message, --full, and that nothing of the file changes)
foreign() { # foreign FILE SQL...: a database of another program
    python3 -I -S -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for q in sys.argv[2:]:
    c.execute(q)
c.commit()
c.close()' "$@"
}
dump() { # dump FILE: its schema and rows, as SQL
    python3 -I -S -c '
import sqlite3, sys
print("\n".join(sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True).iterdump()))' "$1"
}
foreign app.db "CREATE TABLE accounts(name TEXT, balance INTEGER)" \
    "INSERT INTO accounts VALUES('ada', 100)" "CREATE INDEX acc_name ON accounts(name)"
dump app.db >app.dump
mv app.db app.orig
for opt in "" --full; do
    rm -f app.db-*
    cp app.orig app.db
    check_rc "another program's SQLite database${opt:+ with $opt}: exit 2" 2 \
        "$INDEX" $opt --index app.db "$NM/corpus"
    check_eq "... says so, naming it" \
        "thp-index: 'app.db' is an SQLite database but not a thp-search index; not writing into it" \
        "$ERR"
    check_eq "... nothing indexed, no summary" "" "$OUT"
    check_eq "... no file left beside it (-wal, -shm, -journal)" "" \
        "$(ls app.db-* 2>/dev/null)"
    # (first, before anything else opens it)
    check_eq "... not a byte of it changed (not even its journal mode)" \
        "unchanged" \
        "$(cmp -s app.orig app.db && echo unchanged || echo "changed: journal_mode $(sql app.db 'PRAGMA journal_mode')")"
    check_eq "... its tables and rows untouched" "" "$(dump app.db | diff app.dump - | head -n 5)"
done

# a table named meta does not make a database an index of another version
foreign meta.db "CREATE TABLE meta(key TEXT, value TEXT)" \
    "INSERT INTO meta VALUES('version', '4')" \
    "CREATE TABLE accounts(name TEXT, balance INTEGER)" \
    "INSERT INTO accounts VALUES('ada', 100)"
dump meta.db >meta.dump
check_rc "a foreign database with a table named meta: exit 2" 2 \
    "$INDEX" --index meta.db "$NM/corpus"
check_eq "... its tables and rows untouched" "" "$(dump meta.db | diff meta.dump - | head -n 5)"
check_rc "... with --full: exit 2 (not rebuilt: it is no index)" 2 \
    "$INDEX" --full --index meta.db "$NM/corpus"
check_eq "... its tables and rows untouched" "" "$(dump meta.db | diff meta.dump - | head -n 5)"

# what may become an index: an empty file, an SQLite database without tables
: >empty.db
check_rc "an empty file as --index becomes an index: exit 0" 0 \
    "$INDEX" --quiet --index empty.db "$NM/corpus/pages"
check_eq "... holding the pages" "5" "$(ndocs empty.db)"
foreign notables.db "PRAGMA user_version = 7" "CREATE TABLE t(x)" "DROP TABLE t"
check_rc "an SQLite database without tables becomes an index: exit 0" 0 \
    "$INDEX" --quiet --index notables.db "$NM/corpus/pages"
check_eq "... holding the pages" "5" "$(ndocs notables.db)"

#---- removed documents are documents, not links ----------------------------------

# Two listings share an item: it is one document with two sources. When
# one listing loses it, the document stays (with the other source): the
# summary counts no document removed, so that "holds" = before + added -
# removed.
mkdir -p share
listing() { # listing NAME ITEM...: a listing of the items (title + text)
    local f=share/$1 t
    shift
    : >"$f"
    for t in "$@"; do
        printf '%s\n\nThe %s item tells of %sword and of cities.\n\nback to overview\n\n' \
            "$t" "$t" "$(printf '%s' "$t" | tr -cd 'a-z')" >>"$f"
    done
}
listing a.txt "Shared harbour" "First alpha" "First beta"
listing b.txt "Shared harbour" "Second gamma" "Second delta"
check_rc "two listings sharing an item: exit 0" 0 "$INDEX" --index share.db share
check_eq "... 5 documents, 1 duplicate" "$(sumline 2 2 0 0 0 0 5 0 1 0 5)" "$(summary)"
shid=$(sql share.db "SELECT doc_id FROM doc_sources WHERE source_key = 'share/a.txt#shared-harbour'")
listing b.txt "Second gamma" "Second delta"
touch -d "+1 minute" share/b.txt
check_rc "one listing drops the shared item: exit 0" 0 "$INDEX" --index share.db share
check_eq "... the shared document stays, with the other listing only" \
    "${shid:-?} share/a.txt#shared-harbour" \
    "$(sql share.db "SELECT doc_id || ' ' || source_key FROM doc_sources WHERE source_key LIKE '%shared%'")"
check_eq "... so no document is counted removed" \
    "$(sumline 2 0 1 1 0 0 0 0 0 0 5)" "$(summary)"
listing b.txt "Shared harbour" "Second gamma" "Second delta"
touch -d "+2 minutes" share/b.txt
check_rc "the shared item back in it: exit 0" 0 "$INDEX" --index share.db share
check_eq "... a duplicate again" "$(sumline 2 0 1 1 0 0 0 0 1 0 5)" "$(summary)"
rm share/a.txt
check_rc "the other listing deleted: exit 0" 0 "$INDEX" --index share.db share
check_eq "... its 2 own documents removed, the shared one kept" \
    "$(sumline 1 0 0 1 0 1 0 0 0 2 3)" "$(summary)"
check_db "the shared index is consistent" share.db

finish
