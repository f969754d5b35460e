#!/usr/bin/env bash
# 25-research.sh: the research features of thp-search and thp-searchd on an
# index of corpus/: a table of queries with their exact hits in order,
# --format csv (parsed back) and jsonl, --count-by against a brute-force
# count, --kwic alignment, --suggest and "did you mean", the filters and
# sorts, the CLI and the daemon answering the same request alike, and the
# errors both give for bad options (exit 2 / HTTP 400, the same message).
set -u
. "$(dirname "$0")/lib.sh"

DB=$TMP/research.db
index_corpus "$DB" || { echo "not ok - cannot index corpus/"; finish; }

S=("$SEARCH" --index "$DB")

# ids_of FILE...: "FILE<TAB>id id ..." for each jsonl FILE (one python:
# its start-up is the slow part of these tests)
ids_of() {
    python3 -I -S -c '
import json, sys
for f in sys.argv[1:]:
    ids = [str(json.loads(l)["id"]) for l in open(f, encoding="utf-8") if l.strip()]
    print(f + "\t" + " ".join(ids))
' "$@"
}

# order ARG...: the hit ids, in order, of thp-search --format jsonl
order() {
    "${S[@]}" --format jsonl --limit 1000 "$@" >"$TMP/order.jsonl" 2>/dev/null
    ids_of "$TMP/order.jsonl" | cut -f2
}

#---- a table of queries with their hits in order ---------------------------
# (ids as thp-index numbers corpus/ in its walk order; ranks from the
# default ranking; a listing item and the page of the same event are one
# hit: a change to any of these shows here first)
cat >"$TMP/table" <<'EOF'
16 10 26|rotterdam
16 10 26|ROTTERDAM
16 11 6 22 10|"labour market"
1 25 6 9 8 11 10 7|integr*
1 6 9 10 11 7 8 14 15 12 25 17 19 18|refugee OR migrant
26|rotterdam -pilot
16|title:rotterdam
10 23 2 17|sao paulo
10 23 2 17|"São Paulo"
3 10 9 8 7|workshop
1 6 9 8 7 11 10 12 19 17 18 14 15|cities refugees
3|title:workshop
21 11 6 17 9 7|partnership -rotterdam
16 10|"port of rotterdam"
|zanzibarquux
EOF
n=0
files=()
while IFS='|' read -r want q; do
    n=$((n + 1))
    "${S[@]}" --format jsonl --limit 1000 "$q" >"$TMP/t$n.jsonl" 2>/dev/null
    files+=("$TMP/t$n.jsonl")
done <"$TMP/table"
ids_of "${files[@]}" >"$TMP/table.ids"
n=0
while IFS='|' read -r want q; do
    n=$((n + 1))
    check_eq "hits of [$q] in order" "$want" \
        "$(grep "^$TMP/t$n.jsonl	" "$TMP/table.ids" | cut -f2)"
done <"$TMP/table"

# the same query split into words on the command line is the same query
check_eq "words as separate arguments: the same hits" \
    "$(order "cities refugees")" "$(order cities refugees)"

#---- jsonl and csv -----------------------------------------------------------
run "${S[@]}" --format jsonl --all refugee
printf '%s\n' "$OUT" >"$TMP/all.jsonl"
check_eq "--format jsonl --all: exit 0" 0 "$RC"
check_py "--format jsonl: every line one JSON object, ranks 1..n" '
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l]
assert lines, "no lines"
hits = [json.loads(l) for l in lines]
assert all(isinstance(h, dict) for h in hits)
assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1)), "ranks"
assert len({h["id"] for h in hits}) == len(hits), "an id twice"
' "$TMP/all.jsonl"
run "${S[@]}" --json --limit 1 refugee
printf '%s\n' "$OUT" >"$TMP/total.json"
check_py "--all streams every hit: as many lines as the total" '
import json, sys
total = json.load(open(sys.argv[1]))["total"]
n = sum(1 for l in open(sys.argv[2]) if l.strip())
assert total == n, (total, n)
' "$TMP/total.json" "$TMP/all.jsonl"

"${S[@]}" --format csv --all refugee >"$TMP/all.csv" 2>"$TMP/csv.err"
check_eq "--format csv: exit 0" 0 "$?"
check_py "--format csv parses back (RFC 4180): header, CRLF, the jsonl hits" '
import csv, io, json, sys
raw = open(sys.argv[1], "rb").read()
assert raw.endswith(b"\r\n"), "records end with CRLF"
assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM unless asked"
rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
head = rows[0]
assert head == ["rank", "id", "title", "url", "path", "kind", "date", "year",
    "location", "authors", "partners", "lang", "page", "score", "passage"], head
hits = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
assert len(rows) - 1 == len(hits), (len(rows), len(hits))
for r, h in zip(rows[1:], hits):
    assert len(r) == 15, r
    assert int(r[1]) == h["id"] and int(r[0]) == h["rank"]
    assert r[2] == h["title"], (r[2], h["title"])
    assert r[3] == h["url"] and r[5] == h["kind"]
    assert r[6] == (h["date"] or "") and r[8] == (h["location"] or "")
    assert r[11] == h["lang"]
    assert "\x01" not in r[14] and "\x02" not in r[14]
' "$TMP/all.csv" "$TMP/all.jsonl"
"${S[@]}" --format csv --bom --limit 3 refugee >"$TMP/bom.csv"
check_py "--bom: a UTF-8 byte order mark, then the same CSV" '
import csv, io, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbfrank,id,"), raw[:20]
rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
assert len(rows) == 4 and all(len(r) == 15 for r in rows)
' "$TMP/bom.csv"
"${S[@]}" --format tsv --limit 100 refugee >"$TMP/all.tsv"
check_py "--format tsv: 15 fields on every line, no CR" '
import sys
raw = open(sys.argv[1], "rb").read()
assert b"\r" not in raw
lines = raw.decode("utf-8").split("\n")
assert lines[-1] == ""
assert all(l.count("\t") == 14 for l in lines[:-1]), "a tab inside a field"
' "$TMP/all.tsv"

#---- --count-by against a brute-force count ---------------------------------
for q in refugee "cities" "rotterdam OR workshop"; do
    "${S[@]}" --format jsonl --all "$q" >"$TMP/cb.jsonl"
    for f in year kind lang location; do
        "${S[@]}" --count-by "$f" "$q" >"$TMP/cb.txt"
        check_py "--count-by $f [$q] equals a count of the --all hits" '
import collections, json, sys
f = sys.argv[3]
hits = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = collections.Counter(str(h[f]) for h in hits if h[f] not in (None, ""))
lines = open(sys.argv[2], encoding="utf-8").read().split("\n")
assert lines[0] == f + "\tdocuments", lines[0]
got = {}
for l in lines[1:]:
    if l:
        v, n = l.rsplit("\t", 1)
        assert v not in got, "value twice: " + v
        got[v] = int(n)
assert got == dict(want), (got, dict(want))
counts = list(got.values())
assert counts == sorted(counts, reverse=True), "most documents first"
' "$TMP/cb.jsonl" "$TMP/cb.txt" "$f"
    done
done
"${S[@]}" --count-by year,kind --format csv refugee >"$TMP/cb.csv"
"${S[@]}" --count-by year,kind --format json refugee >"$TMP/cb.json"
"${S[@]}" --count-by year,kind refugee >"$TMP/cb2.txt"
check_py "--count-by: csv, json and text tables agree" '
import csv, io, json, sys
rows = list(csv.reader(io.StringIO(open(sys.argv[1], encoding="utf-8").read(), newline="")))
assert rows[0] == ["facet", "value", "count"]
c = {(r[0], r[1]): int(r[2]) for r in rows[1:]}
j = json.load(open(sys.argv[2]))
js = {(f, v["value"]): v["count"] for f in j for v in j[f]["values"]}
assert c == js, (c, js)
t, facet = {}, None
for l in open(sys.argv[3], encoding="utf-8").read().split("\n"):
    if not l:
        continue
    a, b = l.rsplit("\t", 1)
    if b == "documents":
        facet = a
    else:
        t[(facet, a)] = int(b)
assert t == c, (t, c)
' "$TMP/cb.csv" "$TMP/cb.json" "$TMP/cb2.txt"

#---- kwic ----------------------------------------------------------------------
for w in 10 25 40; do
    "${S[@]}" --kwic "$w" --color always rotterdam >"$TMP/kwic.txt"
    check_py "--kwic $w: every occurrence, the matches in one column" '
import sys
w = int(sys.argv[2])
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l]
assert len(lines) >= 5, len(lines)
cols = {l.index("\x1b[1m") for l in lines}
assert cols == {13 + w}, cols
assert all(l[13 + w:].lower().startswith("\x1b[1mrotterdam") for l in lines)
' "$TMP/kwic.txt" "$w"
done
"${S[@]}" --kwic 20 --color never rotterdam >"$TMP/kwic2.txt"
check_py "--kwic: as many lines as the text has occurrences in its hits" '
import sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l]
assert all(l[33:].lower().startswith("rotterdam") for l in lines), lines[:3]
assert "\x1b" not in "".join(lines)
' "$TMP/kwic2.txt"

#---- suggestions ---------------------------------------------------------------
run "${S[@]}" --suggest rott
check_eq "--suggest rott: exit 0" 0 "$RC"
check_contains "--suggest rott: the Rotterdam Pilot's title" "$OUT" \
    "Partnership Project: Rotterdam Pilot"
check_contains "--suggest rott: the word rotterdam" "$OUT" "rotterdam"
check_py "--suggest: completions as typed text, no index markup" '
import sys
s = sys.argv[1]
assert "\ue000" not in s and "\ue001" not in s, repr(s[:80])
assert all(l.lower().count("rott") for l in s.split("\n") if l), s
' "$OUT"
run "${S[@]}" --suggest --json port of rott
printf '%s\n' "$OUT" >"$TMP/suggest.json"
check_json "--suggest --json: the query and its completions" "$TMP/suggest.json" \
    'd["query"] == "port of rott" and d["suggestions"] and all(isinstance(s, str) for s in d["suggestions"])'
run "${S[@]}" rotterdm
check_contains "did you mean: rotterdm" "$OUT" "did you mean: rotterdam"
run "${S[@]}" --json rotterdm
printf '%s\n' "$OUT" >"$TMP/dym.json"
check_json "did you mean: suggestion in JSON" "$TMP/dym.json" \
    'd["total"] == 0 and d["suggestion"] == "rotterdam"'
run "${S[@]}" --json rotterdam
printf '%s\n' "$OUT" >"$TMP/dym2.json"
check_json "no suggestion for a word the index has" "$TMP/dym2.json" \
    'd["suggestion"] is None and d["total"] > 0'

#---- filters and sorts -----------------------------------------------------------
# every document's group (near-duplicates), kind, date and language
sql "$DB" "SELECT id, coalesce(dup_group, id), kind, coalesce(date, ''),
    coalesce(nullif(lang, ''), 'en') FROM documents" >"$TMP/docs.tsv"
"${S[@]}" --format jsonl --all "refugee OR cities OR rotterdam" >"$TMP/f.jsonl"
for opt in "--kind item" "--kind report" "--kind page,item" "--year 2011" \
    "--year 2010..2012" "--year 2012.." "--date 2011-06..2014" "--lang en" \
    "--lang nl,pt" "--kind report --year 2014"; do
    # shellcheck disable=SC2086
    "${S[@]}" --format jsonl --all $opt "refugee OR cities OR rotterdam" \
        >"$TMP/f2.jsonl"
    # a group of near-duplicates passes when one of its documents does,
    # and is then shown by such a document
    check_py "filter $opt: exactly the unfiltered hits that pass it" '
import json, sys
opts = sys.argv[3].split()
docs = {}
for l in open(sys.argv[4], encoding="utf-8"):
    i, g, kind, date, lang = l.rstrip("\n").split("\t")
    docs[int(i)] = dict(group=int(g), kind=kind, date=date, lang=lang)
hits = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
got = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
def key(d, hi):
    p = (d.split("-") + ["", ""])[:3]
    return int(p[0]) * 10000 + (int(p[1]) if p[1] else (99 if hi else 0)) * 100 + (int(p[2]) if p[2] else (99 if hi else 0))
def ok(h):
    for name, v in zip(opts[0::2], opts[1::2]):
        if name == "--kind" and h["kind"] not in v.split(","):
            return False
        if name == "--lang" and h["lang"] not in v.split(","):
            return False
        if name in ("--year", "--date"):
            if not h["date"]:
                return False
            lo, _, hi = v.partition("..") if ".." in v else (v, "", v)
            k = key(h["date"], False)
            if lo and k < key(lo, False):
                return False
            if hi and k > key(hi, True):
                return False
    return True
groups = {docs[h["id"]]["group"] for h in hits}
want = sorted(g for g in groups
              if any(ok(d) for d in docs.values() if d["group"] == g))
have = sorted(docs[h["id"]]["group"] for h in got)
assert want == have, (want, have)
assert all(ok(docs[h["id"]]) for h in got), "a hit that does not pass"
' "$TMP/f.jsonl" "$TMP/f2.jsonl" "$opt" "$TMP/docs.tsv"
done
check_py "the filters are not all empty on this corpus" '
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len({h["kind"] for h in hits}) == 3 and len({h["year"] for h in hits}) >= 3
' "$TMP/f.jsonl"

"${S[@]}" --format jsonl --all --sort date cities >"$TMP/sd.jsonl"
"${S[@]}" --format jsonl --all --sort oldest cities >"$TMP/so.jsonl"
"${S[@]}" --format jsonl --all --sort title cities >"$TMP/st.jsonl"
"${S[@]}" --format jsonl --all cities >"$TMP/sr.jsonl"
check_py "--sort date / oldest / title: orders of the same hits" '
import json, sys
ld = lambda f: [json.loads(l) for l in open(f) if l.strip()]
d, o, t, r = (ld(f) for f in sys.argv[1:5])
group = {}
for l in open(sys.argv[5], encoding="utf-8"):
    f = l.split("\t")
    group[int(f[0])] = int(f[1])
ids = lambda v: sorted(group[h["id"]] for h in v)
assert ids(d) == ids(o) == ids(t) == ids(r), (ids(d), ids(o), ids(t), ids(r))
def key(h):
    p = (h["date"].split("-") + ["0", "0"])[:3]
    return int(p[0]) * 10000 + int(p[1] or 0) * 100 + int(p[2] or 0)
kd = [key(h) for h in d if h["date"]]
ko = [key(h) for h in o if h["date"]]
assert kd == sorted(kd, reverse=True), kd
assert ko == sorted(ko), ko
for v in (d, o):
    dated = [bool(h["date"]) for h in v]
    assert dated == sorted(dated, reverse=True), "undated last"
' "$TMP/sd.jsonl" "$TMP/so.jsonl" "$TMP/st.jsonl" "$TMP/sr.jsonl" \
    "$TMP/docs.tsv"

#---- paging is a slice of the full order --------------------------------------------
full=$(order "refugee OR migrant")
for off in 0 3 7 15; do
    "${S[@]}" --format jsonl --limit 4 --offset "$off" "refugee OR migrant" \
        >"$TMP/p$off.jsonl"
done
ids_of "$TMP"/p0.jsonl "$TMP"/p3.jsonl "$TMP"/p7.jsonl "$TMP"/p15.jsonl \
    >"$TMP/pages.ids"
for off in 0 3 7 15; do
    want=$(printf '%s\n' "$full" | tr ' ' '\n' | sed -n "$((off + 1)),$((off + 4))p" | tr '\n' ' ' | sed 's/ $//')
    check_eq "--offset $off --limit 4: a slice of the full order" "$want" \
        "$(grep "^$TMP/p$off.jsonl	" "$TMP/pages.ids" | cut -f2)"
done

#---- the CLI and the daemon: the same request, the same hits -----------------------
start_daemon "$DB" || { echo "not ok - cannot start thp-searchd"; finish; }
n=0
pairs=()
while IFS='|' read -r params; do
    [ -n "$params" ] || continue
    n=$((n + 1))
    # CLI: --NAME VALUE for each NAME=VALUE (q is the query)
    args=()
    q=
    IFS='&' read -r -a kv <<<"$params"
    for p in "${kv[@]}"; do
        name=${p%%=*}
        value=${p#*=}
        value=${value//+/ }
        value=$(printf '%b' "${value//%/\\x}")
        if [ "$name" = q ]; then q=$value; else args+=("--$name" "$value"); fi
    done
    "${S[@]}" --format json "${args[@]}" "$q" >"$TMP/cli$n.json"
    http "/search?$params&format=json"
    cp "$TMP/http.body" "$TMP/srv$n.json"
    pairs+=("$params")
done <<'EOF'
q=rotterdam
q=refugee+OR+migrant&limit=5&offset=3
q=cities&kind=item
q=cities&kind=report&year=2010..2014
q=cities&lang=en&sort=date
q=cities&sort=oldest&limit=20
q=cities&sort=title&limit=20
q=%22labour+market%22&mode=simple
q=integr*&date=2011-06..
q=refugee&facets=year,kind&top=2
q=kestrel+rotterdam&mode=simple
q=sao+paulo&passages=3
EOF
python3 -I -S -c '
import json, sys
def head(f):
    try:
        d = json.load(open(f, encoding="utf-8"))
        return "%s %s" % (d["total"], [h["id"] for h in d["hits"]])
    except Exception as e:
        return "not JSON: %s" % e
for i in range(1, int(sys.argv[2]) + 1):
    print("%s\t%s" % (head("%s/cli%d.json" % (sys.argv[1], i)),
                       head("%s/srv%d.json" % (sys.argv[1], i))))
' "$TMP" "$n" >"$TMP/pairs"
i=0
while IFS='	' read -r cli srv; do
    check_eq "CLI and daemon alike: ${pairs[$i]}" "$cli" "$srv"
    i=$((i + 1))
done <"$TMP/pairs"
check_eq "CLI and daemon: every request compared" "$n" "$i"
http "/search?q=refugee&facets=year,kind,lang&format=json"
printf '%s\n' "$BODY" >"$TMP/srv-facets.json"
"${S[@]}" --count-by year,kind,lang --format json refugee >"$TMP/cli-facets.json"
check_py "the daemon's facets are the CLI's --count-by" '
import json, sys
a = json.load(open(sys.argv[1]))["facets"]
b = json.load(open(sys.argv[2]))
assert a == b, (a, b)
' "$TMP/srv-facets.json" "$TMP/cli-facets.json"
http "/search?q=refugee&format=csv&limit=all"
check_py "the daemon's csv with limit=all parses to every hit" '
import csv, io, sys
rows = list(csv.reader(io.StringIO(sys.argv[1], newline="")))
assert rows[0][:2] == ["rank", "id"] and len(rows) - 1 == int(sys.argv[2])
' "$(cat "$TMP/http.body")" "$(wc -l <"$TMP/all.jsonl")"

#---- errors: exit 2 and HTTP 400, one message ----------------------------------------
# err DESC CLI-ARGS... -- URL-PARAMS
err() {
    local desc=$1 a args=() params= cli srv
    shift
    while [ $# -gt 0 ]; do
        a=$1
        shift
        if [ "$a" = -- ]; then
            params=$1
            break
        fi
        args+=("$a")
    done
    run "${S[@]}" "${args[@]}"
    check_eq "$desc: thp-search exits 2" 2 "$RC"
    cli=${ERR#thp-search: }
    cli=${cli%%$'\n'*}
    http "/search?$params"
    check_eq "$desc: the daemon answers 400" 400 "$STATUS"
    srv=$(printf '%s' "$BODY" | sed -n 's/^{"error":"\(.*\)"\(,"position":[-0-9a-z]*\)\{0,1\}}$/\1/p')
    check_eq "$desc: the same message" "$cli" "$srv"
}
err "limit 0" --limit 0 x -- "q=x&limit=0"
err "limit 1001" --limit 1001 x -- "q=x&limit=1001"
err "limit -1" --limit -1 x -- "q=x&limit=-1"
err "offset 10^12" --offset 1000000000000 x -- "q=x&offset=1000000000000"
err "reversed year range" --year 2014..2010 x -- "q=x&year=2014..2010"
err "year with a month" --year 2011-06 x -- "q=x&year=2011-06"
err "bad facet" --facets year,colour x -- "q=x&facets=year,colour"
err "bad kind" --kind video x -- "q=x&kind=video"
err "bad sort" --sort author x -- "q=x&sort=author"
err "bad format" --format xml x -- "q=x&format=xml"
run "${S[@]}" --count-by colour x
check_eq "--count-by colour: exit 2" 2 "$RC"
check_contains "--count-by colour: the facet message" "$ERR" \
    "unknown facet 'colour'; facets: year, kind, location, lang, author"
# an unknown option: the CLI names --colour, the daemon colour
run "${S[@]}" --colour red x
check_eq "unknown option: thp-search exits 2" 2 "$RC"
check_contains "unknown option: thp-search names it" "$ERR" \
    "unknown option '--colour'"
http "/search?q=x&colour=red"
check_eq "unknown option: the daemon answers 400" 400 "$STATUS"
check_contains "unknown option: the daemon names it" "$BODY" \
    "unknown option 'colour'"
stop_daemon
check_eq "the daemon stops cleanly" 0 "$DAEMON_RC"

finish
