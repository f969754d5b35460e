#!/usr/bin/env bash
# 43-dups.sh: one event, one hit. A listing's item and the event's own page
# are one near-duplicate group (most of the item's word 3-shingles occur in
# the page), measured on the corpus; different events that share
# boilerplate stay apart.
set -u
. "$(dirname "$0")/lib.sh"

DB=$TMP/corpus.db
index_corpus "$DB" || { echo "not ok - cannot index corpus/"; finish; }
S0=corpus/seeds/000_6de4cf8245ff3bca.txt

# group ITEM-ANCHOR PAGE-PATH: the item and the page share a dup_group
group() {
    check_eq "$1" "1" "$(sql "$DB" "SELECT count(DISTINCT coalesce(d.dup_group, d.id)) FROM documents d JOIN doc_sources s ON s.doc_id = d.id WHERE s.source_key IN ('$S0#$2', '$3')")"
}
group "Rotterdam: the item and the pilot page are one group" \
    business-city-partnership-project-rotterdam corpus/pages/rotterdam-pilot.cp1252.html
group "Johannesburg: the item and the consultation page are one group" \
    first-expert-consultation-for-business-and corpus/pages/johannesburg-consultation.mislabelled.html
group "Toronto: the item and the consultation page are one group" \
    2nd-expert-consultation-for-business-and corpus/pages/toronto-consultation.utf16le.html
group "Porto Alegre: the item and the workshop page are one group" \
    towards-an-inclusive-approach-to-citizenship corpus/pages/porto-alegre-workshop.latin1.html
# the four consultations share their wording ("Expert Consultation for
# Business and Cities on Migration and Urbanisation") but are four events
check_eq "the four consultation items are four groups" "4" \
    "$(sql "$DB" "SELECT count(DISTINCT coalesce(d.dup_group, d.id)) FROM documents d JOIN doc_sources s ON s.doc_id = d.id WHERE s.source_key LIKE '$S0#%expert-consultation-for-business-and'")"
check_eq "the ten items of seed 000 are ten groups" "10" \
    "$(sql "$DB" "SELECT count(DISTINCT coalesce(d.dup_group, d.id)) FROM documents d JOIN doc_sources s ON s.doc_id = d.id WHERE s.source_path = '$S0'")"
check_eq "the six pages of the PDF report are six groups" "6" \
    "$(sql "$DB" "SELECT count(DISTINCT coalesce(dup_group, id)) FROM documents WHERE path LIKE 'corpus/reports/global-cities-case-studies.pdf#%'")"
check_rc "rotterdam pilot: exit 0" 0 "$SEARCH" --index "$DB" --json --limit 50 rotterdam pilot
printf '%s\n' "$OUT" >"$TMP/rp.json"
check_json "rotterdam pilot: the item and the page are one hit, the other its near-duplicate" "$TMP/rp.json" '
[h for h in d["hits"] if "rotterdam" in (h["url"] + " ".join(h["near_duplicates"])) and ("pilot" in h["url"] or any("pilot" in u for u in h["near_duplicates"]))].__len__() == 1'

# different events, same boilerplate: half of each text is a shared
# paragraph; they must not merge
E=$TMP/events
mkdir -p "$E"
BOILER="The Hague Process on Refugees and Migration organises expert consultations with cities and businesses. For more information about the programme please contact the research coordinator at the office in The Hague."
printf 'Workshop in Lima\n\n%s\n\nIn Lima, twenty experts from local government and the private sector discussed the integration of Venezuelan migrants into the labour market, with a visit to a training centre run by a textile company.\n' "$BOILER" >"$E/lima.txt"
printf 'Workshop in Accra\n\n%s\n\nIn Accra, city officials and employers compared apprenticeship schemes for returning migrants and agreed a pilot with two banks and a construction firm in the port district of Tema.\n' "$BOILER" >"$E/accra.txt"
# and a near copy of one of them: that one does merge
printf 'Workshop in Lima (repeat)\n\n%s\n\nIn Lima, twenty experts from local government and the private sector discussed the integration of Venezuelan migrants into the labour market, with a visit to a training centre run by a textile company. Photos follow.\n' "$BOILER" >"$E/lima-copy.txt"
check_rc "index the events" 0 "$INDEX" --index "$TMP/e.db" "$E"
check_eq "Lima and Accra (shared boilerplate) are two groups" "2" \
    "$(sql "$TMP/e.db" "SELECT count(DISTINCT coalesce(dup_group, id)) FROM documents WHERE path IN ('events/lima.txt', 'events/accra.txt')")"
check_eq "Lima and its near copy are one group" "1" \
    "$(sql "$TMP/e.db" "SELECT count(DISTINCT coalesce(dup_group, id)) FROM documents WHERE path IN ('events/lima.txt', 'events/lima-copy.txt')")"
check_db "index consistent" "$DB"
check_db "events index consistent" "$TMP/e.db"

finish
