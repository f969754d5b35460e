#!/usr/bin/env python3
"""box_overlap.py: how close the search box's bounded ranking is to the full one.

    bench/box_overlap.py BUILD INDEX QUERIES.tsv

As the visitor types (mode=simple, prefix=1) the query core ranks only the
newest matches of a word typed so far (lib/exec.c, THP_BOX_SCAN) so that a
keystroke's cost does not grow with the index. --count exact turns that
off and ranks every match. For each box-* query of QUERIES.tsv this runs
both through thp-search and reports, per kind and overall, the mean share
of the full ranking's top 10 that the box shows (overlap@10), and how many
queries show exactly the same top 10. Never part of make check.
"""
import json
import subprocess
import sys
from collections import defaultdict


def top(build, index, q, exact):
    cmd = [build + "/thp-search", "--index", index, "--format", "json",
           "--mode", "simple", "--prefix", "--limit", "10", "--no-snippets"]
    if exact:
        cmd += ["--count", "exact"]
    out = subprocess.run(cmd + ["--", q], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise SystemExit("thp-search failed on %r: %s" % (q, out.stderr))
    return [h["id"] for h in json.loads(out.stdout)["hits"]]


def main():
    build, index, queries = sys.argv[1:4]
    per = defaultdict(list)
    for line in open(queries, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        kind, flags, q = line.rstrip("\n").split("\t", 2)
        if not kind.startswith("box"):
            continue
        full = top(build, index, q, True)
        box = top(build, index, q, False)
        ov = len(set(full) & set(box)) / len(full) if full else 1.0
        per[kind].append((ov, full == box))
    allv = [v for vs in per.values() for v in vs]
    print("%-12s %5s %12s %12s" % ("kind", "n", "overlap@10", "same top 10"))
    for kind in sorted(per) + ["all"]:
        vs = allv if kind == "all" else per[kind]
        print("%-12s %5d %12.3f %12d" % (kind, len(vs),
              sum(o for o, _ in vs) / len(vs), sum(1 for _, s in vs if s)))


if __name__ == "__main__":
    main()
