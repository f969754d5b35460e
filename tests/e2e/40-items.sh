#!/usr/bin/env bash
# 40-items.sh: listing pages split into items, their metadata, the same
# item found on two pages, and reports indexed page by page.
#
# Seed 000 is a listing of 10 items (consultations, a workshop, two
# publications, a blog post) with label lines written every which way;
# seed 001 repeats its Rotterdam pilot item word for word. Reports (text
# with form feeds, PDFs) give one document per page, with the page number
# in the key, the URL and the JSON hit.
set -u
. "$(dirname "$0")/lib.sh"

DB=$TMP/corpus.db
index_corpus "$DB" || { echo "not ok - cannot index corpus/"; finish; }
S0=corpus/seeds/000_6de4cf8245ff3bca.txt
S1=corpus/seeds/001_733df58f0c338147.txt

# field DESC KEY-LIKE COLUMN EXPECTED: COLUMN of the one document linked
# from a source key LIKE KEY-LIKE
field() {
    check_eq "$1" "$4" "$(sql "$DB" "SELECT DISTINCT d.$3 FROM documents d JOIN doc_sources s ON s.doc_id = d.id WHERE s.source_key LIKE '$2'")"
}

#---- seed 000: ten items -------------------------------------------------

check_eq "seed 000 gives 10 documents" "10" \
    "$(sql "$DB" "SELECT count(DISTINCT doc_id) FROM doc_sources WHERE source_path = '$S0'")"
check_eq "... all of kind item" "item" \
    "$(sql "$DB" "SELECT DISTINCT d.kind FROM documents d JOIN doc_sources s ON s.doc_id = d.id WHERE s.source_path = '$S0'")"
check_py "... keyed path#anchor, anchors distinct, url = key" '
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT source_key, url FROM doc_sources WHERE source_path = ?", (sys.argv[2],)).fetchall()
assert len(rows) == 10, rows
anchors = set()
for key, url in rows:
    assert key == url, (key, url)
    path, _, anchor = key.partition("#")
    assert path == sys.argv[2] and re.fullmatch(r"[a-z0-9][a-z0-9-]*", anchor), key
    anchors.add(anchor)
assert len(anchors) == 10, anchors
' "$DB" "$S0"
check_eq "... with the titles of the listing" \
    "$(LC_ALL=C sort <<'EOF'
Business-City Partnership Project: Rotterdam Pilot
Towards an Inclusive Approach to Citizenship: Investing in Education for the Empowerment of All City Residents
Preliminary Expert Consultation on Business / Cities and Urbanisation / Migration
First Expert Consultation for Business and Cities on Migration and Urbanisation, Johannesburg
2nd Expert Consultation for Business and Cities on Migration and Urbanisation, Toronto
3rd Expert Consultation for Business and Cities on Migration and Urbanisation, Manila
4th Expert Consultation for Business and Cities on Migration and Urbanisation, Istanbul
Migrant and Refugee Integration in Global Cities: The Role of Cities and Businesses
State of Play Review: Migrants, Cities and the Business Sector
Labor Migrant Integration through Cities and Business
EOF
)" \
    "$(sql "$DB" "SELECT d.title FROM documents d JOIN doc_sources s ON s.doc_id = d.id WHERE s.source_path = '$S0'" | LC_ALL=C sort)"

# metadata of the items, exactly
q() { # q TITLE-LIKE COLUMNS: COLUMNS of the seed-000 item titled TITLE-LIKE
    sql "$DB" "SELECT $2 FROM documents d JOIN doc_sources s ON s.doc_id = d.id WHERE s.source_path = '$S0' AND d.title LIKE '$1'" |
        tr '\t' '|'
}
check_eq "Toronto item: date 2011-09, year 2011, location 'Toronto, Canada'" \
    "2011-09|2011|Toronto, Canada" "$(q '%, Toronto' 'date, year, location')"
check_eq "Manila item: 'Manila, The Philippines' (from 'location, manila, the philippines'), 2012-03" \
    "Manila, The Philippines|2012-03|2012" "$(q '%, Manila' 'location, date, year')"
check_eq "Porto Alegre workshop: 2008-02 (from 'february 2008'), 'Porto Alegre, Brazil'" \
    "2008-02|2008|Porto Alegre, Brazil" "$(q 'Towards an Inclusive%' 'date, year, location')"
check_contains "Porto Alegre workshop: partners start with 'City of The Hague'" \
    "^$(q 'Towards an Inclusive%' 'partners')" "^City of The Hague, Compagnia di San Paolo"
check_eq "The Hague consultation: 'The Hague, The Netherlands', 2010-11" \
    "The Hague, The Netherlands|2010-11" "$(q 'Preliminary Expert%' 'location, date')"
check_eq "Johannesburg consultation: 'Johannesburg, South Africa', 2011-06" \
    "Johannesburg, South Africa|2011-06" "$(q '%, Johannesburg' 'location, date')"
check_eq "Istanbul consultation: 'Istanbul, Turkey' (from 'istanbul, turkey'), 2012-10" \
    "Istanbul, Turkey|2012-10" "$(q '%, Istanbul' 'location, date')"
check_eq "2014 publication: authors as written, 'Publication date: 2014' -> 2014" \
    "Teressa Juzwiak, Elaine mc gregor, melissa siegel|2014|2014" \
    "$(q 'Migrant and Refugee Integration%' 'authors, date, year')"
check_contains "2014 publication: its partner" \
    "$(q 'Migrant and Refugee Integration%' 'lower(partners)')" "unu-merit"
check_eq "State of Play Review: authors 'dr. Alfons Fermin', partner, 2011-02" \
    "dr. Alfons Fermin|Western Union|2011-02|2011" \
    "$(q 'State of Play Review%' 'authors, partners, date, year')"
check_eq "Rotterdam pilot and the blog post: no metadata" \
    "|||||" "$(q 'Business-City%' 'date, year, location, partners, authors, page')"
check_eq "items carry no page number" "0" \
    "$(sql "$DB" "SELECT count(*) FROM documents WHERE kind != 'report' AND page IS NOT NULL")"

# the HTML pages carry the same kinds of label lines
check_eq "Toronto HTML page: 2011-09, 'Toronto, Canada', kind page" \
    "2011-09|Toronto, Canada|page" \
    "$(sql "$DB" "SELECT date, location, kind FROM documents WHERE source_key = 'corpus/pages/toronto-consultation.utf16le.html'" | tr '\t' '|')"
check_eq "Porto Alegre HTML page: 2008-02, 'Porto Alegre, Brazil'" \
    "2008-02|Porto Alegre, Brazil" \
    "$(sql "$DB" "SELECT date, location FROM documents WHERE source_key = 'corpus/pages/porto-alegre-workshop.latin1.html'" | tr '\t' '|')"

check_py "label lines are metadata, not body text, in every item" '
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
label = re.compile(r"^\s*(publication date|date|location|partners?|authors?)\s*[:,]", re.I | re.M)
rows = db.execute("SELECT title, body FROM documents WHERE kind = \x27item\x27").fetchall()
assert len(rows) >= 11, len(rows)
for title, body in rows:
    m = label.search(body)
    assert not m, (title, body[m.start():m.start() + 60])
' "$DB"
check_py "no document body or title holds boilerplate lines" '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
bad = ("back to overview", "more news", "download the report",
       "click on the image for a .pdf version of the report")
rows = db.execute("SELECT source_key, title, body FROM documents").fetchall()
for key, title, body in rows:
    for line in (title + "\n" + body).split("\n"):
        assert line.strip().lower().rstrip(".") not in bad, (key, line)
' "$DB"
check_eq "... nor any bit of them (in items)" "0" \
    "$(sql "$DB" "SELECT count(*) FROM documents WHERE kind = 'item' AND (body LIKE '%back to overview%' OR body LIKE '%More news%' OR body LIKE '%Download the Report%')")"
check_py "every item body holds the text of its own item only" '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
b = dict(db.execute("SELECT title, body FROM documents d JOIN doc_sources s ON s.doc_id = d.id WHERE s.source_path = ?", (sys.argv[2],)))
t = {k.rsplit(", ", 1)[-1]: v for k, v in b.items()}
assert "Greater Toronto Area" in t["Toronto"] and "Greater Toronto Area" not in t["Manila"]
assert "Philippines" in t["Manila"] and "Istanbul Metropolitan" in t["Istanbul"]
assert "Johannesburg" not in t["Toronto"], t["Toronto"][:200]
' "$DB" "$S0"

# the searchable metadata column
check_rc "a partner named only in a label line is found (Novib)" 0 \
    "$SEARCH" --index "$DB" --json --limit 100 Novib
printf '%s\n' "$OUT" >"$TMP/novib.json"
# the item and the page are one event: one hit, the other listed under it
check_json "... the Porto Alegre item and page (one hit and its near-duplicate), with partners in the hit" \
    "$TMP/novib.json" '
len(d["hits"]) == 1 and len(d["hits"][0]["near_duplicates"]) == 1
and {d["hits"][0]["url"].rsplit("/", 1)[-1].split("#")[0], d["hits"][0]["near_duplicates"][0].rsplit("/", 1)[-1].split("#")[0]} == {"porto-alegre-workshop.latin1.html", "000_6de4cf8245ff3bca.txt"}
and all(h["partners"].startswith("City of The Hague") and h["location"] == "Porto Alegre, Brazil" and h["date"] == "2008-02" and h["year"] == 2008 for h in d["hits"])'
check_eq "... though no body says Novib" "0" \
    "$(sql "$DB" "SELECT count(*) FROM documents WHERE body LIKE '%Novib%'")"
check_rc "an author is found (Fermin)" 0 "$SEARCH" --index "$DB" --json Fermin
printf '%s\n' "$OUT" >"$TMP/fermin.json"
check_json "... with the authors in the hit" "$TMP/fermin.json" '
any(h["authors"] == "dr. Alfons Fermin" and h["date"] == "2011-02" for h in d["hits"])
and any(u.endswith("#state-of-play-review-migrants-cities-and-the") for h in d["hits"] for u in [h["url"]] + h["near_duplicates"])'

#---- the same item on two pages: one document, two sources ---------------

check_eq "seed 001 gives 2 items" "2" \
    "$(sql "$DB" "SELECT count(*) FROM doc_sources WHERE source_path = '$S1'")"
rid=$(sql "$DB" "SELECT doc_id FROM doc_sources WHERE source_path = '$S1' AND doc_id IN (SELECT doc_id FROM doc_sources WHERE source_path = '$S0')")
check_eq "the Rotterdam pilot of seed 001 is the document of seed 000's" \
    "Business-City Partnership Project: Rotterdam Pilot" \
    "$(sql "$DB" "SELECT title FROM documents WHERE id = ${rid:-0}")"
check_eq "... stored once" "1" \
    "$(sql "$DB" "SELECT count(*) FROM documents WHERE title = 'Business-City Partnership Project: Rotterdam Pilot'")"
check_eq "... linked from both seeds (doc_sources)" "$S0 $S1" \
    "$(sql "$DB" "SELECT source_path FROM doc_sources WHERE doc_id = ${rid:-0} ORDER BY source_path" | tr '\n' ' ' | sed 's/ $//')"
check_eq "... the same anchor in both" "1" \
    "$(sql "$DB" "SELECT count(DISTINCT substr(source_key, instr(source_key, '#'))) FROM doc_sources WHERE doc_id = ${rid:-0}")"

check_rc "title:rotterdam: exit 0" 0 "$SEARCH" --index "$DB" --json --limit 100 title:rotterdam
printf '%s\n' "$OUT" >"$TMP/title.json"
check_json "title:rotterdam: the pilot item once" "$TMP/title.json" \
    "[h['id'] for h in d['hits']].count(${rid:-0}) == 1 and len({h['id'] for h in d['hits']}) == len(d['hits'])"
u0=$(sql "$DB" "SELECT url FROM doc_sources WHERE doc_id = ${rid:-0} AND source_path = '$S0'")
u1=$(sql "$DB" "SELECT url FROM doc_sources WHERE doc_id = ${rid:-0} AND source_path = '$S1'")
check_json "... its hit lists both sources; its url is where it was first found" \
    "$TMP/title.json" "
[(h['url'], sorted(h['sources'])) for h in d['hits'] if h['id'] == ${rid:-0}]
== [('$u0', sorted(['$u0', '$u1']))]"
check_json "... every hit's url is among its sources" "$TMP/title.json" \
    'all(h["url"] in h["sources"] for h in d["hits"])'
check_json "... no hit comes from seed 001's copy of it" "$TMP/title.json" \
    "not any(h['url'].startswith('$S1') for h in d['hits'])"
check_json "... total counts it once" "$TMP/title.json" 'd["total"] == len(d["hits"])'
check_rc "text output: the pilot listed once" 0 "$SEARCH" --index "$DB" title:rotterdam
check_eq "... (one line with its title)" "1" \
    "$(printf '%s\n' "$OUT" | grep -c 'Business-City Partnership Project: Rotterdam Pilot')"

#---- reports, page by page ----------------------------------------------

R=corpus/reports/state-of-play-review.utf8bom.txt
check_eq "State of Play report: 2 documents, pages 1 and 2" \
    "$R#page=1|report|1|$R#page=1
$R#page=2|report|2|$R#page=2" \
    "$(sql "$DB" "SELECT source_key, kind, page, url FROM documents WHERE source_path = '$R' ORDER BY page" | tr '\t' '|')"
check_eq "... both pages carry the report's metadata" \
    "dr. Alfons Fermin|2011-02|2011" \
    "$(sql "$DB" "SELECT DISTINCT authors, date, year FROM documents WHERE source_path = '$R'" | tr '\t' '|')"

# A word only on page 2 of the report (from the file itself).
w2=$(python3 -c '
import re, sys
pages = open(sys.argv[1], encoding="utf-8-sig").read().split("\f")
assert len(pages) == 2
words = lambda s: set(re.findall(r"[a-z]{9,}", s.lower()))
print(sorted(words(pages[1]) - words(pages[0]))[0])
' "$R")
check_rc "a word only on page 2 ($w2): exit 0" 0 \
    "$SEARCH" --index "$DB" --json --limit 100 "$w2"
printf '%s\n' "$OUT" >"$TMP/w2.json"
check_json "... hits page 2 of the report, not page 1" "$TMP/w2.json" "
[(h['url'], h['page'], h['kind']) for h in d['hits'] if h['url'].startswith('$R')]
== [('$R#page=2', 2, 'report')]"
w1=$(python3 -c '
import re, sys
pages = open(sys.argv[1], encoding="utf-8-sig").read().split("\f")
words = lambda s: set(re.findall(r"[a-z]{9,}", s.lower()))
print(sorted(words(pages[0]) - words(pages[1]))[0])
' "$R")
check_rc "a word only on page 1 ($w1): exit 0" 0 \
    "$SEARCH" --index "$DB" --json --limit 100 "$w1"
printf '%s\n' "$OUT" >"$TMP/w1.json"
check_json "... hits page 1 only" "$TMP/w1.json" "
[h['page'] for h in d['hits'] if h['url'].startswith('$R')] == [1]"

# A PDF made here: three pages, a word unique to each.
mkdir -p "$TMP/pdf"
python3 - "$TMP/pdf/field-report.pdf" <<'EOF'
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
        for line in lines:
            line = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append("(%s) Tj T*" % line)
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

pdf(sys.argv[1], [
    ["Harbour Cities Field Report", "Authors: Ada Lovelace, Alan Turing",
     "Publication date: March 2013", "",
     "The first page is about harbours and kelpiepageone."],
    ["Second part", "The second page mentions dingopagetwo and cities."],
    ["Third part", "The third page mentions numbatpagethree and café prices."],
])
EOF
PDB=$TMP/pdf.db
# (named relative to the index's folder, $TMP)
check_rc "a 3-page PDF: exit 0" 0 "$INDEX" --verbose --index "$PDB" "$TMP/pdf"
check_contains "... 3 documents, read as PDF" "$OUT" \
    "added pdf/field-report.pdf: 3 documents (PDF)"
check_eq "... pages 1 to 3, keyed path#page=N, kind report" \
    "1 report pdf/field-report.pdf#page=1|2 report pdf/field-report.pdf#page=2|3 report pdf/field-report.pdf#page=3" \
    "$(sql "$PDB" "SELECT page, kind, source_key FROM documents ORDER BY page" | tr '\t' ' ' | tr '\n' '|' | sed 's/|$//')"
check_eq "... all titled by the first line, with its metadata" \
    "Harbour Cities Field Report|Ada Lovelace, Alan Turing|2013-03|2013" \
    "$(sql "$PDB" "SELECT DISTINCT title, authors, date, year FROM documents" | tr '\t' '|')"
for w in kelpiepageone:1 dingopagetwo:2 numbatpagethree:3; do
    run "$SEARCH" --index "$PDB" --json "${w%:*}"
    printf '%s\n' "$OUT" >"$TMP/pdfw.json"
    check_json "PDF: ${w%:*} hits page ${w#*:} (url #page=${w#*:}, page ${w#*:})" \
        "$TMP/pdfw.json" "
[(h['page'], h['url'].rsplit('#', 1)[-1], h['kind']) for h in d['hits']]
== [(${w#*:}, 'page=${w#*:}', 'report')]"
done
run "$SEARCH" --index "$PDB" cafe
check_eq "PDF: WinAnsi é found as café (exit 0)" 0 "$RC"

# The corpus's own 6-page PDF; corpus/README.md lists terms that occur on
# one page only, and says every page ends with "Page N of 6".
P=corpus/reports/global-cities-case-studies.pdf
if [ -e "$TMP/$P" ]; then
    check_eq "$P: 6 documents, pages 1 to 6, keyed and linked #page=N" \
        "1 2 3 4 5 6" \
        "$(sql "$DB" "SELECT page FROM documents WHERE source_path = '$P' AND kind = 'report' AND source_key = '$P#page=' || page AND url = source_key ORDER BY page" | tr '\n' ' ' | sed 's/ $//')"
    check_eq "$P: page N's text is the Nth page (its 'Page N of 6' footer)" \
        "1 2 3 4 5 6" \
        "$(sql "$DB" "SELECT page FROM documents WHERE source_path = '$P' AND body LIKE '%Page ' || page || ' of 6%' ORDER BY page" | tr '\n' ' ' | sed 's/ $//')"
    check_eq "$P: titled by its first line, with its authors and date" \
        "Migrant and Refugee Integration in Global Cities: Case Studies|Teressa Juzwiak, Elaine McGregor, Melissa Siegel|2014" \
        "$(sql "$DB" "SELECT DISTINCT title, authors, date FROM documents WHERE source_path = '$P'" | tr '\t' '|')"
    for w in Auckland:2 '"Patria Grande"':2 '"Dewan Bandaraya"':3 \
        '"jua kali"':4 Eastleigh:4 cafes:4 'sao paulo':5 matchmaking:6; do
        run "$SEARCH" --index "$DB" --json --limit 100 "${w%:*}"
        printf '%s\n' "$OUT" >"$TMP/cpdf.json"
        check_json "$P: ${w%:*} is on page ${w#*:}" "$TMP/cpdf.json" "
[(h['page'], h['url'], h['kind']) for h in d['hits'] if h['url'].startswith('$P')]
== [(${w#*:}, '$P#page=${w#*:}', 'report')]"
    done
else
    skip "$P is not in corpus/: its page tests are skipped"
fi

check_db "index consistent" "$DB"
finish
