#!/usr/bin/env bash
# 41-fidelity.sh: every word a page shows is found. Pages of many shapes
# (headline that differs from <title>, one short paragraph, headings only,
# div soup, nested lists, tables, <dl>, figure captions, <br> lines, an
# article's <header>, a listing of <article>s, unclosed tags, only a
# title) and generated pages (a fixed seed) put a unique word in every
# block (tests/cases/fidelity.py); each word must find its page.
set -u
. "$(dirname "$0")/lib.sh"

SITE=$TMP/site
python3 tests/cases/fidelity.py shapes "$SITE/shapes" || { echo "not ok - fidelity.py shapes"; finish; }
python3 tests/cases/fidelity.py random "$SITE/gen" 40 20261206 || { echo "not ok - fidelity.py random"; finish; }
DB=$TMP/f.db
check_rc "index the shapes and generated pages: exit 0" 0 "$INDEX" --index "$DB" "$SITE"
check_contains "... every file indexed, none failed" "$(summary)" " 0 failed,"

# each word of the shapes, searched the way a user searches
check_py "each word of every shape finds its page (thp-search --json)" '
import json, subprocess, sys
search, db, tsv = sys.argv[1:4]
missing = []
for line in open(tsv):
    word, name = line.rstrip("\n").split("\t")
    out = subprocess.run([search, "--index", db, "--json", "--limit", "50",
                          word], capture_output=True, text=True).stdout
    hits = json.loads(out)["hits"] if out else []
    if not any(h["url"].split("#")[0].endswith("/" + name) for h in hits):
        missing.append((word, name))
assert not missing, missing
' "$SEARCH" "$DB" "$SITE/shapes/words.tsv"

# the property: every word of every generated page, in one run of queries
check_py "each word of 40 generated pages finds its page (thp-search --trec-run)" '
import subprocess, sys
search, db, tsv, qfile = sys.argv[1:5]
words = [l.rstrip("\n").split("\t") for l in open(tsv)]
assert len(words) > 300, len(words)
with open(qfile, "w") as f:
    for i, (w, _) in enumerate(words):
        f.write(f"{i}\t{w}\n")
out = subprocess.run([search, "--index", db, "--trec-run", qfile,
                      "--no-expand", "--limit", "20"], capture_output=True,
                     text=True).stdout
found = {}
for line in out.splitlines():
    qid, _, doc = line.split()[:3]
    found.setdefault(int(qid), set()).add(doc.split("#")[0].rsplit("/", 1)[-1])
missing = [(w, n) for i, (w, n) in enumerate(words) if n not in found.get(i, ())]
assert not missing, (len(missing), missing[:20])
' "$SEARCH" "$DB" "$SITE/gen/words.tsv" "$TMP/q.tsv"

# the motivating page: a headline that is not the title
check_rc "'<h1>Okapi conference in …' under <title>News – THP</title>: its words find it" 0 \
    "$SEARCH" --index "$DB" '"okapi conference"' 
check_contains "... the page" "$OUT" "headline.html"
# a page that is only a title is its title
check_eq "a page with only a title is indexed by its title" "1" \
    "$(sql "$DB" "SELECT count(*) FROM documents WHERE path LIKE '%/only-title.html' AND title LIKE 'Title zq%' AND body = ''")"
# furniture stays out
check_rc "navigation and footer words are not indexed (Home)" 1 \
    "$SEARCH" --index "$DB" 'title:home OR body:home'
check_db "index consistent" "$DB"

finish
