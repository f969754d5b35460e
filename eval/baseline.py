#!/usr/bin/env python3
"""The reference run: plain SQLite FTS5 BM25, as ../shared/eval/cranfield
describes it.

  baseline.py DOCS.jsonl QUERIES.tsv [TOKENIZE] > RUN

fts5(title, body, tokenize=TOKENIZE) (default 'porter unicode61
remove_diacritics 2') over the JSON Lines documents (title, text), each
query an OR of its quoted words, top 100 by bm25() with equal weights,
printed as a TREC run tagged fts5-baseline. Uses Python's own sqlite3
module (the system's SQLite), nothing of thp-search.
"""
import json, re, sqlite3, sys

def main():
    docs, queries = sys.argv[1], sys.argv[2]
    tokenize = sys.argv[3] if len(sys.argv) > 3 else \
        "porter unicode61 remove_diacritics 2"
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE d USING fts5(title, body, tokenize='%s')"
               % tokenize.replace("'", "''"))
    ids = []
    with open(docs, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            ids.append(str(d["id"]))
            db.execute("INSERT INTO d(rowid, title, body) VALUES(?, ?, ?)",
                       (len(ids), d.get("title", ""), d.get("text", "")))
    for line in open(queries, encoding="utf-8"):
        qid, _, text = line.rstrip("\n").partition("\t")
        words = re.findall(r"\w+", text)
        if not qid or not words:
            continue
        match = " OR ".join('"%s"' % w for w in words)
        rows = db.execute("SELECT rowid, bm25(d) FROM d WHERE d MATCH ?"
                          " ORDER BY bm25(d) LIMIT 100", (match,)).fetchall()
        for rank, (row, score) in enumerate(rows, 1):
            print("%s Q0 %s %d %.4f fts5-baseline"
                  % (qid, ids[row - 1], rank, -score))

main()
