#!/usr/bin/env bash
# 70-repair.sh: text repair through the real programs: thp-index
# --repair-text on the seed pages, what --explain says, repairs recorded in
# the index and in hits, and "São Paulo" found however it was damaged.
. "$(dirname "$0")/lib.sh"

SEED0=corpus/seeds/000_6de4cf8245ff3bca.txt
SEED1=corpus/seeds/001_733df58f0c338147.txt

# --- the damaged seed comes back as its author wrote it ---------------------
run "$INDEX" --repair-text --explain <"$SEED0"
check_eq "--repair-text exits 0" 0 "$RC"
REPAIRED=$OUT
for bad in '√£' '‚Äď' 'Šļ•'; do
    check_not_contains "no '$bad' left in seed 000" "$REPAIRED" "$bad"
done
check_eq "'São Paulo' restored twice" 2 "$(grep -o 'São Paulo' <<<"$REPAIRED" | wc -l)"
check_eq "'Sấo Paulo' restored once" 1 "$(grep -o 'Sấo Paulo' <<<"$REPAIRED" | wc -l)"
check_contains "the en dash restored" "$REPAIRED" "city governments – both separately and in partnership –"
check_contains "--explain names Mac Central European" "$ERR" "Mac Central European"
check_contains "--explain names Mac Roman" "$ERR" "Mac Roman"
check_contains "--explain says how the bytes were read" "$ERR" "read as UTF-8"

# every line that held no mojibake is unchanged (blanks folded aside)
check_py "seed 000: only the damaged lines differ" '
import sys, unicodedata, re
raw = open(sys.argv[1], encoding="utf-8").read()
out = open(sys.argv[2], encoding="utf-8").read()
fold = lambda s: re.sub(r"[ \t\u00a0]+", " ", s).strip()
a = [fold(l) for l in raw.split("\n") if fold(l)]
b = [fold(l) for l in out.split("\n") if fold(l)]
assert len(a) == len(b), (len(a), len(b))
diff = [(x, y) for x, y in zip(a, b) if x != y]
assert len(diff) == 4, len(diff)
for x, y in diff:
    assert any(m in x for m in ("√£", "‚Äď", "Šļ•")), x[:80]
' "$SEED0" <(printf '%s\n' "$REPAIRED")

run "$INDEX" --repair-text <"$SEED1"
check_py "seed 001 (clean) comes back unchanged but for blanks" '
import sys, re
raw = open(sys.argv[1], encoding="utf-8").read()
out = open(sys.argv[2], encoding="utf-8").read()
fold = lambda s: [re.sub(r"[ \t\u00a0]+", " ", l).strip() for l in s.split("\n") if l.strip(" \t\u00a0")]
assert fold(raw) == fold(out)
' "$SEED1" <(printf '%s\n' "$OUT")

# --- other damage on stdin ---------------------------------------------------
run "$INDEX" --repair-text < <(printf 'caf\xc3\x83\xc2\xa9 and d\xc3\x83\xc6\x92\xc3\x82\xc2\xa9j\xc3\x83\xc2\xa0 vu\n')
check_eq "Windows-1252 mojibake, one and two layers" "café and déjà vu" "$OUT"
run "$INDEX" --repair-text < <(printf 'Caf\xe9 \x96 \x93quoted\x94\n')
check_eq "a Windows-1252 text is decoded" "Café – “quoted”" "$OUT"
run "$INDEX" --repair-text < <(printf '\xff\xfeS\x00\xe3\x00o\x00\n\x00')
check_eq "UTF-16LE with a BOM is decoded" "São" "$OUT"
run "$INDEX" --repair-text < <(printf 'Fish &amp; chips &eacute;t&#233; &#x2013; ok\n')
check_eq "character references in text are decoded" "Fish & chips été – ok" "$OUT"
for clean in 'SÃO PAULO' 'Zürich ÅÄÖ' '√2 ≤ 3' 'Ελλάδα' 'Москва' '难民' 'İstanbul'; do
    run "$INDEX" --repair-text < <(printf '%s\n' "$clean")
    check_eq "clean text untouched: $clean" "$clean" "$OUT"
done
# --- the second pass's kinds of damage ---------------------------------------
run "$INDEX" --repair-text < <(printf '\xc3\x83 la carte, voil\xc3\x83 \n')
check_eq "a lost no-break byte (Windows-1252)" "à la carte, voilà" "$OUT"
run "$INDEX" --repair-text < <(printf 'na\xe2\x94\x9c\xc2\xbbve caf\xe2\x94\x9c\xe2\x8c\x90\n')
check_eq "UTF-8 shown as code page 437" "naïve café" "$OUT"
run "$INDEX" --repair-text < <(printf 'emoji \xc3\xad\xc2\xa0\xc2\xbd\xc3\xad\xc2\xb8\xc2\x80 here\n')
check_eq "a CESU-8 surrogate pair shown as Latin-1" "emoji 😀 here" "$OUT"
run "$INDEX" --repair-text < <(printf 'Se\xc3\x83\xc2\xb1or \xc3\x83\xef\xbf\xbd and \xc3\xa2\xe2\x82\xac\xc5\x93ok\xc3\xa2\xe2\x82\xac\xef\xbf\xbd\n')
check_eq "lossy mojibake: what can be recovered is" "Señor � and “ok”" "$OUT"
run "$INDEX" --repair-text < <(printf '10\xc3\x8e\xc2\xbcm and TNF\xc3\x8e\xc2\xb1\n')
check_eq "a Greek letter glued to Latin ones" "10μm and TNFα" "$OUT"
run "$INDEX" --repair-text < <(printf 'caf\xc3\x88 S\xe2\x80\x9eo Paulo\n')
check_eq "Latin-1 read as Mac Roman" "café São Paulo" "$OUT"
run "$INDEX" --repair-text < <(printf 'caf\xd0\x93\xc2\xa9 Z\xd0\x93\xd1\x98rich\n')
check_eq "UTF-8 of Latin text shown as Windows-1251" "café Zürich" "$OUT"
run "$INDEX" --repair-text < <(printf '3\xc3\x83\xe2\x80\x94\xc3\x82\xc2\xa310\n')
check_eq "one layer undone, the unusual text under it kept" "3×£10" "$OUT"
run "$INDEX" --repair-text --explain < <(printf 'Uchod\x9fcy w \xa3odzi\n')
check_eq "short undeclared Windows-1250" "Uchodźcy w Łodzi" "$OUT"
check_contains "... detected as Windows-1250" "$ERR" "WINDOWS-1250 (detected"
run "$INDEX" --repair-text < <(printf '\x1b[1;31mred\x1b[0m &EACUTE;COLE\n')
check_eq "terminal escapes dropped whole, capital references decoded" "red ÉCOLE" "$OUT"
# --- more damage: '?' for a lost byte, layers over one-letter words, ------
# --- science's Greek letters, symbols glued to words, escapes --------------
run "$INDEX" --repair-text < <(printf 'S\xc3\x83?o Paulo e \xc3\xa2\xe2\x82\xac\xc5\x93ok\xc3\xa2\xe2\x82\xac?\n')
check_eq "lossy mojibake with '?' for the lost byte" "S�o Paulo e “ok”" "$OUT"
run "$INDEX" --repair-text < <(printf '\xc3\xa2\xe2\x82\xac\xe2\x80\x9c\xc3\xa2\xcb\x86\xc2\x8f\x20\xc3\xa2\xe2\x82\xac\xe2\x80\x9c\xc3\x82\xc2\xba\xc3\xa2\xe2\x82\xac\xe2\x80\x9c\xc3\xa2\xcb\x86\xc2\x8f\x20\xc3\xa2\xe2\x82\xac\xe2\x80\x9c\xc3\x82\xc2\xba\xc3\xa2\xe2\x82\xac\xe2\x80\x9c\xc3\xa2\xcb\x86\xc2\x8f\xc3\xa2\xe2\x82\xac\xe2\x80\x9c\xc3\xa2\xe2\x80\xb0\xc2\xa5\n')
check_eq "a one-letter word under Mac Roman and Windows-1252" "и ми миг" "$OUT"
run "$INDEX" --repair-text < <(printf 'TNF\xc3\x8f\xe2\x80\x9e rose, IL-1\xe2\x95\xac\xe2\x96\x92\n')
check_eq "Greek letters of science through Windows-1252 and cp437" "TNFτ rose, IL-1α" "$OUT"
run "$INDEX" --repair-text < <(printf 'Helsingiss\xe2\x80\xb0 ja syksyll\xe2\x80\xb0\n')
check_eq "Latin-1 read as Mac Roman, symbols glued to words" "Helsingissä ja syksyllä" "$OUT"
run "$INDEX" --repair-text < <(printf 'La citt\xd0\x93 \xd0\x93\xd0\x81 gi\xd0\x93 pronta\n')
check_eq "a lost no-break byte through Windows-1251" "La città è già pronta" "$OUT"
run "$INDEX" --repair-text < <(printf '\x1b]0;title\x07\x1b(Bplain\x1b[2 q text\n')
check_eq "OSC strings and charset escapes dropped whole" "plain text" "$OUT"
for clean in 'é” uma' 'Il est allé »à« Paris' '”é” uma' 'πT of 3 K' '10μm'; do
    run "$INDEX" --repair-text < <(printf '%s\n' "$clean")
    check_eq "clean text untouched: $clean" "$clean" "$OUT"
done
for clean in '3×£10' '“ß”' '—à' '„ď…' 'Ã' 'Å ja' 'Ð is eth'; do
    run "$INDEX" --repair-text < <(printf '%s\n' "$clean")
    check_eq "clean text untouched: $clean" "$clean" "$OUT"
done
run "$INDEX" --repair-text < <(head -c 3000 /dev/urandom)
check_eq "random bytes: exit 0" 0 "$RC"
check_py "random bytes: valid UTF-8 out" '
import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$TMP/run.out"
# Windows-1252 text that libuchardet calls Windows-1250 ("Săo Paulo")
run "$INDEX" --repair-text --explain <tests/cases/cp1252-detected-as-1250.txt
check_contains "Western text the detector calls Central European: São" "$OUT" "São"
check_not_contains "... never Săo" "$OUT" "Săo"
check_contains "... read as Windows-1252 on second opinion" "$ERR" "WINDOWS-1252 (detected, confidence 50%)"
check_rc "--repair-text refuses sources" 2 "$INDEX" --repair-text corpus

# --- recorded in the index and in hits --------------------------------------
DB=$TMP/corpus.db
index_corpus "$DB"
check_eq "the index holds no mojibake" "" \
    "$(sql "$DB" "SELECT id FROM documents WHERE body LIKE '%√£%' OR body LIKE '%‚Äď%' OR body LIKE '%Šļ•%'")"
check_contains "repairs of a seed item recorded in the index" \
    "$(sql "$DB" "SELECT repairs FROM documents WHERE source_key LIKE '%000_%#towards-an-inclusive%'")" \
    '"mac-centraleurope"'
for q in 'São Paulo' 'Sao Paulo' 'sao paulo'; do
    run "$SEARCH" --index "$DB" --json --limit 50 "$q"
    printf '%s' "$OUT" >"$TMP/hits.json"
    check_json "'$q' finds the three seed items (as hits or their near-duplicates)" \
        "$TMP/hits.json" '
sum(1 for h in d["hits"] for u in h["sources"] + h["near_duplicates"]
    if "/seeds/" in u and ("towards-an-inclusive" in u or "migrant-and-refugee" in u)) == 3'
done
check_json "hits say how their text was decoded" "$TMP/hits.json" \
    'all(h["repairs"]["charset"] for h in d["hits"])'

finish
