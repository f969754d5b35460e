#!/usr/bin/env bash
# 44-repairs.sh: a document's repair record is its own. Seed 000 holds five
# runs of mojibake (2 Mac Roman, 3 Mac Central European) in two of its ten
# items: those two items count their own, the other eight none, and all
# ten say how the file was read.
set -u
. "$(dirname "$0")/lib.sh"

DB=$TMP/corpus.db
index_corpus "$DB" || { echo "not ok - cannot index corpus/"; finish; }
S0=corpus/seeds/000_6de4cf8245ff3bca.txt
check_py "seed 000: each item records its own fixes, which add up to the file's" '
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT s.source_key, d.repairs, d.body FROM documents d JOIN doc_sources s ON s.doc_id = d.id WHERE s.source_path = ?", (sys.argv[2],)).fetchall()
assert len(rows) == 10, len(rows)
total = {}
fixed = []
for key, rep, body in rows:
    r = json.loads(rep)
    assert r["charset"] == "UTF-8" and r["source"] == "utf-8", r
    assert "nbsp_folded" not in r, r    # cleaning counts are the file'"'"'s
    for cp, k in r.get("mojibake", {}).items():
        total[cp] = total.get(cp, 0) + k
    if r.get("mojibake"):
        fixed.append(key.split("#")[1])
        assert any(ord(c) > 127 for c in body), key  # what the fix produced
assert total == {"macroman": 2, "mac-centraleurope": 3}, total
assert sorted(fixed) == ["migrant-and-refugee-integration-in-global",
                         "towards-an-inclusive-approach-to-citizenship"], fixed
' "$DB" "$S0"
check_py "a page (one document) keeps the whole record of its file" '
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
(rep,) = db.execute("SELECT repairs FROM documents WHERE path = ?", ("corpus/pages/rotterdam-pilot.cp1252.html",)).fetchone()
r = json.loads(rep)
assert r["charset"].lower() in ("windows-1252", "cp1252"), r
' "$DB"
finish
