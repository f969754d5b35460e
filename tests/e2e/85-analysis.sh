#!/usr/bin/env bash
# 85-analysis.sh: text analysis and ranking end to end, on an index of
# corpus/ (the "thp" tokenizer and thp_rank, through the real programs).
#
# Plain words match every inflection and quoted ones only the form
# written; prefixes run on exact forms; accents fold; snippets mark the
# words as written for every matched form; ranking parameters are read,
# checked and applied; --expand and expand=1 work; documents carry their
# detected language; an index of another analysis version is refused by
# readers and writers with advice to rebuild.
set -u
. "$(dirname "$0")/lib.sh"

# corpus/ and two pages in other languages, written here
mkdir -p "$TMP/extra"
cat >"$TMP/extra/vluchtelingen.html" <<'END'
<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">
<title>Opvang van vluchtelingen in Rotterdam</title></head><body><main>
<h1>Opvang van vluchtelingen in Rotterdam</h1>
<p>De gemeente Rotterdam en de haven werken samen aan de opvang van
vluchtelingen. Het project wil dat nieuwkomers sneller werk vinden en dat
bedrijven hun kennis delen met de stad.</p>
<p>Een vluchteling die in de stad aankomt, krijgt hulp bij het zoeken naar
een woning en een baan. Volgens de onderzoekers is samenwerking tussen
de stad en het bedrijfsleven daarvoor nodig.</p>
</main></body></html>
END
cat >"$TMP/extra/migracoes.txt" <<'END'
Migrações e cidades: o caso de São Paulo

A cidade de São Paulo recebeu ao longo do século vinte muitos migrantes
vindos da Itália, do Japão e do Nordeste do Brasil. As empresas e a
prefeitura discutem hoje como integrar os novos trabalhadores e as suas
famílias no mercado de trabalho da cidade.
END
DB=$TMP/corpus.db
index_corpus "$DB" corpus "$TMP/extra" ||
    { echo "not ok - cannot index corpus/"; finish; }

sj() {
    local name=$1
    shift
    run "$SEARCH" --index "$DB" --json --limit 100 "$@"
    printf '%s\n' "$OUT" >"$TMP/$name.json"
}

# subset A B: every hit of A is a hit of B
subset() {
    python3 -c '
import json, sys
a = {h["id"] for h in json.load(open(sys.argv[1]))["hits"]}
b = {h["id"] for h in json.load(open(sys.argv[2]))["hits"]}
sys.exit(0 if a <= b else 1)
' "$TMP/$1.json" "$TMP/$2.json"
}

#---- stems, exact forms, prefixes, accents -------------------------------

sj stem refugee
sj exact '"refugee"'
check_json "refugee (any form) finds documents" "$TMP/stem.json" 'd["total"] > 0'
check "\"refugee\" (exact) finds a subset of refugee" subset exact stem
check_json "refugee finds more than \"refugee\": the plural counts too" \
    "$TMP/stem.json" "d['total'] > $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$TMP/exact.json")"
check_json "refugee: snippets mark 'refugees' as written (the stem matched)" \
    "$TMP/stem.json" \
    'any("<mark>refugees</mark>" in h["snippet"].lower() for h in d["hits"])'
check_json "\"refugee\": no snippet marks 'refugees'" "$TMP/exact.json" \
    'not any("<mark>refugees</mark>" in h["snippet"].lower() for h in d["hits"])'

sj integrate integrate
sj integrate_q '"integrate"'
check_json "integrate finds 'integration' (one stem)" "$TMP/integrate.json" \
    'any("<mark>integration</mark>" in h["snippet"].lower() for h in d["hits"])'
check_json "\"integrate\" does not" "$TMP/integrate_q.json" \
    'not any("<mark>integration</mark>" in h["snippet"].lower() for h in d["hits"])'

sj prefix 'asy*'
check_json "asy* finds asylum (prefix on exact forms), marked whole" \
    "$TMP/prefix.json" \
    'd["total"] > 0 and all("<mark>asy" in h["snippet"].lower() for h in d["hits"])'

sj sp1 '"São Paulo"'
sj sp2 '"sao paulo"'
check_json "\"São Paulo\" (a phrase) finds documents" "$TMP/sp1.json" \
    'd["total"] >= 3'
check_eq "\"sao paulo\" finds the same (accents folded in phrases)" \
    "$(ids sp1)" "$(ids sp2)"
check_json "\"sao paulo\": 'São Paulo' is marked as written" "$TMP/sp2.json" \
    'any("<mark>São Paulo</mark>" in h["snippet"] for h in d["hits"])'

#---- ranking parameters --------------------------------------------------

check_rc "--rank with a bad value: exit 2" 2 "$SEARCH" --index "$DB" \
    --rank 'k1=abc' refugee
check_contains "... naming the parameter" "$ERR" "k1"
check_rc "--rank with an unknown key: exit 2" 2 "$SEARCH" --index "$DB" \
    --rank 'k3=1' refugee
check_contains "... naming the key and its byte" "$ERR" "'k3' at byte 0"
printf '# ranking for a test\nk1=1.5\nb=0.5 title=3\n' >"$TMP/rank.conf"
check_rc "--rank-config FILE: exit 0" 0 "$SEARCH" --index "$DB" \
    --rank-config "$TMP/rank.conf" refugee
printf 'k1=1.5\nwindow=0\n' >"$TMP/bad.conf"
check_rc "--rank-config with a bad value: exit 2" 2 "$SEARCH" --index "$DB" \
    --rank-config "$TMP/bad.conf" refugee
check_contains "... naming the file" "$ERR" "$TMP/bad.conf"
sj t0 --rank 'title=0 body=1 meta=0' rotterdam
sj t9 --rank 'title=100 body=1 meta=0' rotterdam
check_json "title=100: the first hit has the word in its title" "$TMP/t9.json" \
    '"rotterdam" in d["hits"][0]["title"].lower()'
check_json "scores are positive and in order" "$TMP/t9.json" \
    'all(a["score"] >= b["score"] > 0 for a, b in zip(d["hits"], d["hits"][1:]))'
sj recent --recent migration
sj plain migration
check_json "--recent: dated documents move up" "$TMP/recent.json" \
    "[h['id'] for h in d['hits']] != $(python3 -c 'import json,sys; print([h["id"] for h in json.load(open(sys.argv[1]))["hits"]])' "$TMP/plain.json")"

#---- expansion -----------------------------------------------------------

sj noexp 'informal economy'
sj exp --expand 'informal economy'
check_json "--expand finds at least what the query alone finds" "$TMP/exp.json" \
    "d['total'] >= $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$TMP/noexp.json") and d['total'] > 0"
check "... and every hit of the plain query is among them" subset noexp exp

#---- languages -----------------------------------------------------------

check_eq "every document has a language or none (NULL), never junk" "0" \
    "$(sql "$DB" "SELECT count(*) FROM documents WHERE lang IS NOT NULL
        AND lang NOT IN ('en','nl','pt','es','fr','de','tr')")"
check_eq "the English pages are English" "en" \
    "$(sql "$DB" "SELECT group_concat(DISTINCT lang) FROM documents WHERE
        source_path LIKE '%rotterdam-pilot%'")"
check_eq "the Dutch page is Dutch" "nl" \
    "$(sql "$DB" "SELECT lang FROM documents WHERE source_path LIKE
        '%vluchtelingen.html'")"
check_eq "the Portuguese text is Portuguese" "pt" \
    "$(sql "$DB" "SELECT lang FROM documents WHERE source_path LIKE
        '%migracoes.txt'")"
sj nl1 vluchteling
check_json "vluchteling finds the Dutch page (Dutch stem of vluchtelingen)" \
    "$TMP/nl1.json" \
    'any(h["url"].endswith("vluchtelingen.html") for h in d["hits"])'
check_json "... marking 'vluchtelingen' as written" "$TMP/nl1.json" \
    'any("<mark>vluchtelingen</mark>" in h["snippet"] for h in d["hits"])'
sj nl2 '"vluchtelingen"'
sj nl3 '"vluchtelingen" -"vluchteling"'
check_json "\"vluchtelingen\" -\"vluchteling\": exact forms do not stem" \
    "$TMP/nl3.json" "d['total'] == $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$TMP/nl2.json") - 1"
sj pt1 empresa
check_json "empresa finds the Portuguese text (Portuguese stem of empresas)" \
    "$TMP/pt1.json" \
    'any(h["url"].endswith("migracoes.txt") for h in d["hits"])'
sj pt2 integrar
check_json "integrar finds it, not the English 'integration' pages" \
    "$TMP/pt2.json" \
    '[h["url"].split("/")[-1] for h in d["hits"]] == ["migracoes.txt"]'

#---- the daemon ----------------------------------------------------------

if start_daemon "$DB"; then
    http '/search?q=informal+economy&expand=1'
    check_eq "/search?expand=1: 200" 200 "$STATUS"
    check_contains "... JSON with hits" "$BODY" '"hits":['
    http '/search?q=migration&recent=1'
    check_eq "/search?recent=1: 200" 200 "$STATUS"
    stop_daemon
    printf 'k1=7\nbogus=1\n' >"$TMP/bad2.conf"
    check_rc "thp-searchd --rank-config with an unknown key: exit 2" 2 \
        "$SEARCHD" "${DAEMON_USER[@]}" --index "$DB" --rank-config "$TMP/bad2.conf"
    check_contains "... naming the file" "$ERR" "$TMP/bad2.conf"
else
    _fail "thp-searchd starts on the corpus index"
fi

#---- another analysis version --------------------------------------------

cp "$DB" "$TMP/old.db"
python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE meta SET value = \x27unicode61-rd2/1\x27 WHERE key = \x27analysis\x27")
db.commit()
' "$TMP/old.db"
check_rc "thp-search refuses an index of another analysis: exit 2" 2 \
    "$SEARCH" --index "$TMP/old.db" refugee
check_contains "... saying to rebuild with --full" "$ERR" "thp-index --full"
check_rc "thp-index refuses to add to it: exit 2" 2 \
    "$INDEX" --quiet --index "$TMP/old.db" "$(corpus_copy "$TMP")"
check_contains "... saying to rebuild with --full" "$ERR" "thp-index --full"

# ---- query stems only in the documents' languages ---------------------------
L=$TMP/langs
mkdir -p "$L"
printf '%s\n' \
    '{"id":"a","title":"Refugees","text":"Refugees arrive in the city.","lang":"en"}' \
    '{"id":"b","title":"Vluchtelingen","text":"De vluchtelingen komen aan.","lang":"nl"}' \
    >"$L/one.jsonl"
printf '%s\n' \
    '{"id":"c","title":"Refugiados","text":"Os refugiados chegam ao Brasil.","lang":"pt"}' \
    >"$L/two.jsonl"
"$INDEX" --quiet --index "$L/x.db" --jsonl "$L/one.jsonl" >/dev/null 2>&1
check_eq "the writer keeps the documents' languages (meta doc_langs)" "en nl" \
    "$(sql "$L/x.db" "SELECT value FROM meta WHERE key = 'doc_langs'")"
check_rc "a Dutch stem finds the Dutch document" 0 \
    "$SEARCH" --index "$L/x.db" --format json vluchteling
check_contains "... by its stem" "$OUT" '"title":"Vluchtelingen"'
"$INDEX" --quiet --index "$L/x.db" --jsonl "$L/one.jsonl" --jsonl "$L/two.jsonl" >/dev/null 2>&1
check_eq "a new language joins the list in the run that adds it" "en nl pt" \
    "$(sql "$L/x.db" "SELECT value FROM meta WHERE key = 'doc_langs'")"
check_rc "a Portuguese stem finds the Portuguese document" 0 \
    "$SEARCH" --index "$L/x.db" --format json refugiado
check_contains "... by its stem" "$OUT" '"title":"Refugiados"'
# an index from before the list: the writer makes it from the documents
sql "$L/x.db" "DELETE FROM meta WHERE key = 'doc_langs'" >/dev/null
"$INDEX" --quiet --index "$L/x.db" --jsonl "$L/one.jsonl" --jsonl "$L/two.jsonl" \
    --full >/dev/null 2>&1
check_contains "... and an index without the list gets one" \
    "$(sql "$L/x.db" "SELECT value FROM meta WHERE key = 'doc_langs'")" "pt"

finish
