#!/usr/bin/env python3
"""Compare two results of the query benchmark, kind by kind.

    python3 bench/compare.py A.json B.json      (make bench-compare A B)

A and B are files bench/query_bench wrote (bench/results/query-N-GIT.json).
For each thread count both ran and each query kind: the core's and bare
FTS5's p50 and p99 in A and B, and B / A for each (below 1.00: B is
faster), and the core / FTS5 q/s ratio in A and in B. Then, for the
queries both ran, whether the core returned the same hits: per kind, how
many top-k lists are identical (ids and order) and the mean overlap of
the two sets (|A ∩ B| / the larger). Runs on different
machines, loads or index sizes are compared all the same, with a warning.
Python 3 standard library only. Exits 2 if a file cannot be read.
"""

import json
import sys


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"compare: {path}: {e}")
    if d.get("benchmark") != "query":
        sys.exit(f"compare: {path}: not a query benchmark result")
    return d


def fmt_ms(ms):
    if ms >= 1000:
        return f"{ms / 1000:.2f}s"
    if ms >= 100:
        return f"{ms:.0f}"
    if ms >= 10:
        return f"{ms:.1f}"
    return f"{ms:.2f}"


def rel(b, a):
    return f"{b / a:.2f}" if a > 0 else "-"


def describe(name, d):
    print(f"{name}: {d.get('date', '?')}  git {d.get('git', '?')}  "
          f"{d.get('documents', '?')} documents  {d.get('queries', '?')} "
          f"queries  load {d.get('loadavg_before', '?').split(' ')[0]}")


def main(argv):
    if len(argv) != 3 or not argv[1] or not argv[2]:
        sys.stderr.write("usage: compare.py A.json B.json\n"
                         "       make bench-compare A B\n")
        return 2
    a, b = load(argv[1]), load(argv[2])
    describe("A", a)
    describe("B", b)
    for key in ("documents", "queries", "queries_file", "cpus", "sqlite"):
        if a.get(key) != b.get(key):
            print(f"warning: {key} differs: {a.get(key)} / {b.get(key)}")
    runs_b = {r["threads"]: r for r in b["runs"]}
    for ra in a["runs"]:
        rb = runs_b.get(ra["threads"])
        if rb is None:
            continue
        t = ra["threads"]
        print(f"\n{t} thread{'s' if t != 1 else ''}: latency in ms; B/A below "
              "1.00 means B is faster")
        head = (f"{'kind':<12} | {'core p50 A':>10} {'B':>7} {'B/A':>5} | "
                f"{'core p99 A':>10} {'B':>7} {'B/A':>5} | "
                f"{'FTS5 p50 A':>10} {'B':>7} {'B/A':>5} | "
                f"{'FTS5 p99 A':>10} {'B':>7} {'B/A':>5} | "
                f"{'core/FTS5 q/s A':>15} {'B':>5}")
        print(head)
        kinds = list(ra["per_kind"]) + [k for k in rb["per_kind"]
                                        if k not in ra["per_kind"]]
        for k in kinds + ["all"]:
            ga = ra["all"] if k == "all" else ra["per_kind"].get(k)
            gb = rb["all"] if k == "all" else rb["per_kind"].get(k)
            if ga is None or gb is None:
                print(f"{k:<12} | only in {'B' if ga is None else 'A'}")
                continue
            cells = []
            for side, p in (("core", "p50_ms"), ("core", "p99_ms"),
                            ("fts5", "p50_ms"), ("fts5", "p99_ms")):
                x, y = ga[side][p], gb[side][p]
                cells.append(f"{fmt_ms(x):>10} {fmt_ms(y):>7} "
                             f"{rel(y, x):>5}")
            print(f"{k:<12} | " + " | ".join(cells) +
                  f" | {ga['ratio']['qps']:>15.2f} {gb['ratio']['qps']:>5.2f}")
    overlap(a, b)
    return 0


def overlap(a, b):
    """How far B's top hits (core) are A's, per kind, for the same queries."""
    ids_a = {(q["kind"], q["flags"], q["query"]): q.get("core_ids")
             for q in a["per_query"]}
    per_kind = {}
    for q in b["per_query"]:
        x = ids_a.get((q["kind"], q["flags"], q["query"]))
        y = q.get("core_ids")
        if x is None or y is None:
            continue
        k = per_kind.setdefault(q["kind"], [0, 0, 0.0])
        k[0] += 1
        k[1] += x == y
        k[2] += len(set(x) & set(y)) / max(len(x), len(y)) if x or y else 1
    if not per_kind:
        print("\n(no hit ids in both files: no overlap to show)")
        return
    print("\ncore hits, B against A, same queries: identical top-k lists "
          "(ids and order), and the mean overlap of the sets")
    print(f"{'kind':<12} {'queries':>7} {'identical':>9} {'overlap':>8}")
    tot = [0, 0, 0.0]
    for kind, (n, same, ov) in per_kind.items():
        print(f"{kind:<12} {n:>7} {same:>9} {ov / n:>8.3f}")
        tot = [tot[0] + n, tot[1] + same, tot[2] + ov]
    print(f"{'all':<12} {tot[0]:>7} {tot[1]:>9} {tot[2] / tot[0]:>8.3f}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
