#!/usr/bin/env bash
# 20-cli.sh: thp-search end to end, on an index of corpus/.
#
# Finding things (accents and case folded), the --json format, --limit and
# --offset paging, the query language (phrases, exclusion, OR, prefixes,
# title:), syntax errors (exit 2 with a position) and --lenient repair,
# punctuation that would break raw FTS5, colour, and errors about the
# index file and the options.
set -u
. "$(dirname "$0")/lib.sh"

DB=$TMP/corpus.db
index_corpus "$DB" || { echo "not ok - cannot index corpus/"; finish; }

# sj NAME QUERY-ARG...: thp-search --json into $TMP/NAME.json (RC etc. set)
sj() {
    local name=$1
    shift
    run "$SEARCH" --index "$DB" --json "$@"
    printf '%s\n' "$OUT" >"$TMP/$name.json"
}

total() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["total"])' \
        "$TMP/$1.json" 2>/dev/null
}

#---- finding things ------------------------------------------------------

check_rc "Rotterdam: exit 0" 0 "$SEARCH" --index "$DB" Rotterdam
check_contains "Rotterdam: text output lists the pilot" "$OUT" \
    "Rotterdam Pilot"
check_contains "Rotterdam: text output ends with a count line" \
    "$(printf '%s\n' "$OUT" | tail -n 1)" "results"
sj rotterdam Rotterdam
check_json "Rotterdam: first hit is titled ...Rotterdam..." "$TMP/rotterdam.json" \
    '"Rotterdam" in d["hits"][0]["title"]'
# (the page and its listing item are one group: either is the hit, the
# other listed under it)
check_json "Rotterdam: the cp1252 pilot page is among the hits or their near-duplicates" \
    "$TMP/rotterdam.json" \
    'any(u.endswith("rotterdam-pilot.cp1252.html") for h in d["hits"] for u in [h["url"]] + h["near_duplicates"])'

sj sp1 --limit 100 "São Paulo"
sj sp2 --limit 100 sao paulo
sj sp3 --limit 100 "SAO PAULO"
check_json "'São Paulo' finds at least 3 documents" "$TMP/sp1.json" \
    'd["total"] >= 3 and len(d["hits"]) == d["total"]'
check_eq "'sao paulo' finds the same documents (accents folded)" \
    "$(ids sp1)" "$(ids sp2)"
check_eq "'SAO PAULO' finds the same documents (case folded)" \
    "$(ids sp1)" "$(ids sp3)"
check_json "'São Paulo' finds the latin1, utf-8 and mislabelled pages (as hits or their near-duplicates)" \
    "$TMP/sp1.json" \
    '{"porto-alegre-workshop.latin1.html", "global-cities-report.utf8.html", "johannesburg-consultation.mislabelled.html"} <= {u.rsplit("/", 1)[-1] for h in d["hits"] for u in [h["url"]] + h["near_duplicates"]}'

sj montreal montreal
check_json "'montreal' finds Montréal in the utf-16 page" "$TMP/montreal.json" \
    'any("toronto" in h["url"] for h in d["hits"])'
sj paranaque paranaque
check_json "'paranaque' finds Parañaque in the latin1 report" \
    "$TMP/paranaque.json" 'any("manila" in h["url"] for h in d["hits"])'

#---- the JSON format ------------------------------------------------------

check_json "--json: query, total, hits (and limit, offset)" "$TMP/rotterdam.json" \
    '{"query", "total", "hits", "limit", "offset"} <= set(d) and d["query"] == "Rotterdam"'
check_json "--json: every hit has exactly the documented fields" \
    "$TMP/rotterdam.json" \
    'd["hits"] and all(set(h) == {"id", "rank", "title", "url", "link", "path", "kind", "date", "year", "location", "partners", "authors", "lang", "page", "score", "snippet", "passages", "repairs", "sources", "near_duplicates"} for h in d["hits"])'
# check_types NAME: the field types of every hit of $TMP/NAME.json
check_types() {
    check_json "--json field types: $1" "$TMP/$1.json" '
d["hits"] and all(type(h["id"]) is int and isinstance(h["title"], str) and isinstance(h["url"], str)
    and h["kind"] in ("page", "item", "report")
    and (h["date"] is None or __import__("re").fullmatch(r"\d{4}(-\d\d){0,2}", h["date"]))
    and (h["year"] is None or type(h["year"]) is int and h["date"].startswith(str(h["year"])))
    and (h["date"] is None) == (h["year"] is None)
    and all(h[k] is None or isinstance(h[k], str) and h[k] for k in ("location", "partners", "authors"))
    and (h["page"] is None if h["kind"] != "report" else type(h["page"]) is int and h["page"] >= 1 and h["url"].endswith("#page=%d" % h["page"]))
    and (h["kind"] != "item" or "#" in h["url"])
    and isinstance(h["score"], (int, float)) and isinstance(h["snippet"], str)
    and isinstance(h["sources"], list) and h["sources"] and all(isinstance(u, str) for u in h["sources"])
    and len(set(h["sources"])) == len(h["sources"]) and h["url"] in h["sources"]
    and (h["repairs"] is None or isinstance(h["repairs"], dict))
    and isinstance(h["near_duplicates"], list) and all(isinstance(u, str) and u not in h["sources"] for u in h["near_duplicates"])
    for h in d["hits"])'
}
check_types rotterdam
sj migration100 --limit 100 migration
check_types migration100
check_json "migration: hits of all three kinds" "$TMP/migration100.json" \
    '{h["kind"] for h in d["hits"]} == {"page", "item", "report"}'
check_json "--json: the ids of a page are distinct" "$TMP/migration100.json" \
    'len({h["id"] for h in d["hits"]}) == len(d["hits"])'
check_json "--json: a near-duplicate listed under a hit is not a hit of its own" \
    "$TMP/migration100.json" '
d["total"] == len(d["hits"]) and not ({u for h in d["hits"] for u in h["near_duplicates"]} & {u for h in d["hits"] for u in h["sources"]})'
check_json "--json: snippets mark the match with <mark>" "$TMP/rotterdam.json" \
    'all("<mark>" in h["snippet"] and "</mark>" in h["snippet"] for h in d["hits"])'
check_json "--json: total >= number of hits" "$TMP/rotterdam.json" \
    'd["total"] >= len(d["hits"]) > 0'
check_json "--json: hits ordered by score, best first" "$TMP/rotterdam.json" \
    'all(a["score"] >= b["score"] for a, b in zip(d["hits"], d["hits"][1:]))'
check_json "--json: no mark control bytes leak into snippets" \
    "$TMP/rotterdam.json" \
    'not any(c in h["snippet"] for h in d["hits"] for c in "\x01\x02")'
# "annexes" is only on the Porto Alegre page, whose text has "Report & its"
sj erasmus annexes
check_json "--json: snippets are HTML-escaped ('&' as &amp;)" "$TMP/erasmus.json" '
__import__("re").search(r"&(?!amp;|lt;|gt;|quot;|#\d+;|#x[0-9a-fA-F]+;)", "".join(h["snippet"] for h in d["hits"])) is None
and any("&amp;" in h["snippet"] for h in d["hits"])'

#---- paging ---------------------------------------------------------------

sj all migration --limit 100
sj l1 migration --limit 1
check_json "migration: at least 5 documents (for the paging tests)" \
    "$TMP/all.json" 'd["total"] >= 5'
check_json "--limit 1: one hit, same total" "$TMP/l1.json" \
    "len(d['hits']) == 1 and d['total'] == $(total all)"
sj l4 migration --limit 4
sj p1 migration --limit 2 --offset 0
sj p2 migration --limit 2 --offset 2
check_py "--offset: pages 0-1 and 2-3 are disjoint and equal --limit 4" '
import json, sys
l4, p1, p2 = (json.load(open(f))["hits"] for f in sys.argv[1:4])
a, b = [h["id"] for h in p1], [h["id"] for h in p2]
assert len(a) == 2 and len(b) == 2, (a, b)
assert not set(a) & set(b), (a, b)
assert a + b == [h["id"] for h in l4], (a, b, [h["id"] for h in l4])
' "$TMP/l4.json" "$TMP/p1.json" "$TMP/p2.json"
sj p2again migration --limit 2 --offset 2
check_eq "--offset: the same page twice is the same" "$(ids p2)" "$(ids p2again)"
sj past migration --offset 1000
check_json "--offset past the end: no hits, total kept" "$TMP/past.json" \
    "d['hits'] == [] and d['total'] == $(total all)"

#---- no match, syntax errors, --lenient -----------------------------------

check_rc "no match: exit 1" 1 "$SEARCH" --index "$DB" xyzzyplughword
sj nomatch xyzzyplughword
check_json "no match, --json: total 0, no hits" "$TMP/nomatch.json" \
    'd["total"] == 0 and d["hits"] == []'

# syntax_error QUERY POSITION
syntax_error() {
    check_rc "syntax error: [$1] exits 2" 2 "$SEARCH" --index "$DB" -- "$1"
    check_contains "syntax error: [$1] reported at position $2" "$ERR" \
        "position $2"
    check_eq "syntax error: [$1] prints nothing on stdout" "" "$OUT"
}
syntax_error '"asylum' 0
syntax_error 'asylum )' 7
syntax_error 'OR refugees' 0
syntax_error 'refugees AND' 9
syntax_error '(asylum' 0

for q in '"asylum' 'asylum )' 'OR refugees' 'refugees AND' '(asylum' \
    '(((' ')' 'NOT' '"' 'title:'; do
    check_rc "--lenient repairs [$q] (exit 0 or 1)" "0|1" \
        "$SEARCH" --index "$DB" --lenient -- "$q"
done
check_rc "--lenient '\"asylum' finds the asylum report" 0 \
    "$SEARCH" --index "$DB" --lenient '"asylum'
check_contains "... the Istanbul report" "$OUT" "Istanbul"

#---- punctuation that raw FTS5 would choke on -----------------------------

for q in 'asylum-seekers' 'C++' "l'asile" '2015-2020' 'U.S.' 'a:b' \
    'NEAR(asylum refugee)' '^asylum' 'asylum*' 'x AND-y' '{title}' \
    "\"l'asile\"" '-' '*' '""' '#!$%&@'; do
    check_rc "punctuation [$q] is not an error (exit 0 or 1)" "0|1" \
        "$SEARCH" --index "$DB" -- "$q"
done
sj po practice-oriented
check_json "'practice-oriented' finds the State of Play review" "$TMP/po.json" \
    'any("state-of-play" in h["url"] for h in d["hits"])'
sj unu UNU-MERIT
check_json "'UNU-MERIT' finds the Global Cities report" "$TMP/unu.json" \
    'any("global-cities" in h["url"] for h in d["hits"])'
sj apos "THP's"
check_json "\"THP's\" (ASCII apostrophe) finds the Manila report" \
    "$TMP/apos.json" 'any("manila" in u for h in d["hits"] for u in [h["url"]] + h["near_duplicates"])'

#---- the query language ---------------------------------------------------

# check_hits_text DESC NAME COND: every hit of $TMP/NAME.json satisfies the
# python condition COND on its stored title and body (read from the index).
check_hits_text() {
    local desc=$1 name=$2 cond=$3
    check_py "$desc" '
import json, re, sqlite3, sys
d = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
assert d["hits"], "no hits"
for h in d["hits"]:
    title, body = db.execute("SELECT title, body FROM documents WHERE id = ?", (h["id"],)).fetchone()
    assert eval(sys.argv[3]), (h["id"], title)
' "$TMP/$name.json" "$DB" "$cond"
}

sj phrase --limit 100 '"rotterdam pilot"'
sj both --limit 100 rotterdam pilot
check_rc "phrase \"rotterdam pilot\": exit 0" 0 \
    "$SEARCH" --index "$DB" '"rotterdam pilot"'
check_hits_text "phrase: every hit has the words side by side" phrase \
    're.search(r"rotterdam\W+pilot", title + " " + body, re.I)'
# (compared as documents: a group's best hit may differ between the two)
check_py "phrase hits are a subset of the AND hits" '
import json, sys
def docs(f):
    return {u for h in json.load(open(f))["hits"] for u in [h["url"]] + h["near_duplicates"]}
a, b = docs(sys.argv[1]), docs(sys.argv[2])
assert a and a <= b, (a, b)
' "$TMP/phrase.json" "$TMP/both.json"

sj rot --limit 100 rotterdam
sj notpilot --limit 100 rotterdam -pilot
sj notpilot2 --limit 100 rotterdam NOT pilot
check_py "rotterdam -pilot: fewer hits than rotterdam" '
import sys
a, b = set(sys.argv[1].split()), set(sys.argv[2].split())
assert a and a < b, (a, b)
' "$(ids notpilot)" "$(ids rot)"
check_hits_text "rotterdam -pilot: no hit mentions pilot" notpilot \
    're.search(r"rotterdam", title + body, re.I) and not re.search(r"\bpilot", title + " " + body, re.I)'
check_eq "'-pilot' and 'NOT pilot' exclude alike" "$(ids notpilot)" \
    "$(ids notpilot2)"

sj manila --limit 100 manila
sj toronto --limit 100 toronto
sj either --limit 100 manila OR toronto
check_json "manila OR toronto: at least 2 hits" "$TMP/either.json" 'd["total"] >= 2'
check_eq "manila OR toronto: the union of both" \
    "$(printf '%s\n' $(ids manila) $(ids toronto) | sort -n | uniq | tr '\n' ' ' | sed 's/ $//')" \
    "$(ids either | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')"

sj prefix --limit 100 'rotter*'
check_py "prefix rotter*: at least the rotterdam hits" '
import sys
a, b = set(sys.argv[1].split()), set(sys.argv[2].split())
assert b and b <= a, (a, b)
' "$(ids prefix)" "$(ids rot)"

sj title --limit 100 title:rotterdam
check_hits_text "title:rotterdam: every hit has Rotterdam in its title" title \
    '"rotterdam" in title.lower()'
check_py "title:rotterdam: fewer hits than rotterdam anywhere" '
import sys
a, b = set(sys.argv[1].split()), set(sys.argv[2].split())
assert a and a < b, (a, b)
' "$(ids title)" "$(ids rot)"

sj titlephrase --limit 100 'title:"rotterdam pilot"'
check_hits_text 'title:"rotterdam pilot": every hit has the phrase in its title' \
    titlephrase 're.search(r"rotterdam\W+pilot", title, re.I)'

# A field before a group: either apply the field to the group (as FTS5's
# "title : (...)" does) or reject the query; never drop the restriction.
run "$SEARCH" --index "$DB" --json --limit 100 'title:(global)'
printf '%s\n' "$OUT" >"$TMP/titlegroup.json"
if [ "$RC" -eq 2 ]; then
    _pass "title:(global): rejected as a syntax error"
else
    check_hits_text "title:(global): every hit has Global in its title" \
        titlegroup '"global" in title.lower()'
fi

#---- colour --------------------------------------------------------------

check_rc "--color always: exit 0" 0 "$SEARCH" --index "$DB" --color always Rotterdam
check_contains "--color always: ANSI bold" "$OUT" $'\033[1m'
check_rc "--color never: exit 0" 0 "$SEARCH" --index "$DB" --color never Rotterdam
check_not_contains "--color never: no escape codes" "$OUT" $'\033'
check_rc "--color auto (not a terminal): exit 0" 0 \
    "$SEARCH" --index "$DB" --color auto Rotterdam
check_not_contains "--color auto into a file: no escape codes" "$OUT" $'\033'

#---- the index file -------------------------------------------------------

check_rc "missing index: exit 2" 2 "$SEARCH" --index "$TMP/nope.db" Rotterdam
check_contains "missing index: message names the path" "$ERR" "$TMP/nope.db"
check "missing index: not created by searching" test ! -e "$TMP/nope.db"
printf 'plain text, not an index\n' >"$TMP/text.db"
check_rc "a text file as index: exit 2" 2 "$SEARCH" --index "$TMP/text.db" Rotterdam
check_contains "a text file as index: message names the path" "$ERR" "$TMP/text.db"
check_eq "a text file as index: left alone" "plain text, not an index" \
    "$(cat "$TMP/text.db")"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE t(x)"); c.commit()' \
    "$TMP/other.db"
check_rc "another SQLite database as index: exit 2" 2 \
    "$SEARCH" --index "$TMP/other.db" Rotterdam
check_contains "another SQLite database: message names the path" "$ERR" \
    "$TMP/other.db"

#---- options ---------------------------------------------------------------

check_rc "--help: exit 0" 0 "$SEARCH" --help
check_contains "--help: usage on stdout" "$OUT" "usage: thp-search"
check_rc "no query: exit 2" 2 "$SEARCH" --index "$DB"
check_rc "unknown option: exit 2" 2 "$SEARCH" --index "$DB" --bogus Rotterdam
check_rc "--limit 0: exit 2" 2 "$SEARCH" --index "$DB" --limit 0 Rotterdam
check_rc "--limit 1001: exit 2" 2 "$SEARCH" --index "$DB" --limit 1001 Rotterdam
check_rc "--limit abc: exit 2" 2 "$SEARCH" --index "$DB" --limit abc Rotterdam
check_rc "--offset -1: exit 2" 2 "$SEARCH" --index "$DB" --offset -1 Rotterdam
check_rc "--color sometimes: exit 2" 2 "$SEARCH" --index "$DB" --color sometimes Rotterdam
# the same mistakes after the query words
check_rc "query then unknown option: exit 2" 2 "$SEARCH" --index "$DB" Rotterdam --bogus
check_rc "query then --limit abc: exit 2" 2 "$SEARCH" --index "$DB" Rotterdam --limit abc
check_rc "query then --offset -1: exit 2" 2 "$SEARCH" --index "$DB" Rotterdam --offset -1
check_rc "a 5000-byte query: exit 2" 2 "$SEARCH" --index "$DB" \
    "$(printf 'a%.0s' $(seq 1 5000))"
check_contains "a 5000-byte query: says it is too long" "$ERR" "longer"

#---- where a hit opens -------------------------------------------------------

# without a web address a hit opens the daemon's /doc/ID; with --url-base
# it opens the web address, an item at its anchor, a report at its page
"$SEARCH" --index "$DB" --format json --limit 50 'rotterdam OR migrant' >"$TMP/local.json"
check_json "no web address: link is /doc/ID" "$TMP/local.json" \
    'd["hits"] and all(h["link"] == "/doc/%d" % h["id"] for h in d["hits"])'
WEB=$TMP/web.db
"$INDEX" --quiet --index "$WEB" --url-base https://thp.example/site/ "$(corpus_copy)" \
    >/dev/null 2>&1 || _fail "thp-index --url-base"
"$SEARCH" --index "$WEB" --format json --limit 50 'rotterdam OR migrant' >"$TMP/web.json"
check_json "--url-base: every link is the web address" "$TMP/web.json" \
    'd["hits"] and all(h["link"] == h["url"] and h["link"].startswith("https://thp.example/site/") for h in d["hits"])'
check_json "... an item's link ends in its anchor" "$TMP/web.json" \
    'any(h["kind"] == "item" for h in d["hits"]) and all("#" in h["link"] and not h["link"].endswith("#") for h in d["hits"] if h["kind"] == "item")'
check_json "... a report's link ends in #page=N, N its page" "$TMP/web.json" \
    'any(h["kind"] == "report" for h in d["hits"]) and all(h["link"].endswith("#page=%d" % h["page"]) for h in d["hits"] if h["kind"] == "report")'

finish
