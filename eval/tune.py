#!/usr/bin/env python3
"""Choose thp_rank parameters on the tuning half of a test collection.

  tune.py SEARCH INDEX QUERIES QRELS TREC_EVAL [--rounds N] [--target map]

Coordinate ascent: each parameter in turn is tried at each value of its grid
with the others fixed, and the best value on the TUNING half (odd query ids)
is kept; rounds repeat until nothing changes. Only the tuning half is looked
at while choosing; the chosen parameters are then scored on both halves and
printed as a --rank SPEC line, which is what eval/rank.conf holds.
"""
import os, subprocess, sys, tempfile

GRID = {
    "k1": [0.6, 0.9, 1.2, 1.5, 1.8, 2.2],
    "b": [0.3, 0.45, 0.6, 0.75, 0.9],
    "title": [0.0, 0.5, 1.0, 2.0, 3.0, 5.0],
    "exact": [0.0, 0.1, 0.25, 0.5, 1.0],
    "prox": [0.0, 0.25, 0.5, 1.0, 2.0, 3.0],
    "window": [2, 3, 5, 8, 12],
    "fb_docs": [0, 3, 5, 8, 10, 15, 20],
    "fb_terms": [5, 10, 20, 30, 50],
    "fb_weight": [0.2, 0.3, 0.5, 0.7, 1.0],
}

def run(search, index, queries, spec):
    cmd = [search, "--index", index, "--trec-run", queries, "--rank", spec]
    if " fb_docs=0 " in " " + spec + " ":
        cmd.append("--no-expand")
    out = subprocess.run(cmd, capture_output=True, text=True,
                         check=True).stdout
    return out

def evaluate(trec_eval, qrels, run_text, half):
    with tempfile.TemporaryDirectory() as d:
        rq, rr = os.path.join(d, "q"), os.path.join(d, "r")
        with open(rq, "w") as f:
            for line in open(qrels):
                qid = line.split()[0]
                if half is None or int(qid) % 2 == half:
                    f.write(line)
        with open(rr, "w") as f:
            for line in run_text.splitlines(True):
                qid = line.split()[0]
                if half is None or int(qid) % 2 == half:
                    f.write(line)
        out = subprocess.run([sys.executable, trec_eval, rq, rr],
                             capture_output=True, text=True, check=True).stdout
    last = [l for l in out.splitlines() if l.startswith("EVAL ")][-1]
    return {k: float(v) for k, v in (p.split("=") for p in last.split()[1:])}

def spec_of(p):
    return " ".join("%s=%s" % (k, p[k]) for k in sorted(p))

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    search, index, queries, qrels, trec_eval = args[:5]
    rounds = 3
    target = "both"
    if "--rounds" in sys.argv:
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1])
    if "--target" in sys.argv:
        target = sys.argv[sys.argv.index("--target") + 1]
    # the start: FTS5's own bm25 settings, no extras
    p = {"k1": 1.2, "b": 0.75, "title": 1.0, "exact": 0.0, "prox": 0.0,
         "window": 5, "fb_docs": 0, "fb_terms": 20, "fb_weight": 0.5}
    cache = {}
    def score(q):
        s = spec_of(q)
        if s not in cache:
            r = evaluate(trec_eval, qrels, run(search, index, queries, s), 1)
            # the target (default: MAP + nDCG@10, the two measures)
            t = r["map"] + r["ndcg10"] if target == "both" else r[target]
            cache[s] = (t, r["ndcg10"])
            print("  %-60s map=%.4f ndcg10=%.4f" % (s, r["map"], r["ndcg10"]),
                  file=sys.stderr, flush=True)
        return cache[s]
    best = score(p)
    for rnd in range(rounds):
        changed = False
        for k, values in GRID.items():
            for v in values:
                q = dict(p); q[k] = v
                s = score(q)
                if s > best:
                    best, p, changed = s, q, True
        print("round %d: %s -> %s=%.4f" % (rnd + 1, spec_of(p), target,
                                           best[0]), file=sys.stderr)
        if not changed:
            break
    full = run(search, index, queries, spec_of(p))
    for name, half in (("tuning half (odd qids)", 1),
                       ("test half (even qids)", 0), ("all queries", None)):
        r = evaluate(trec_eval, qrels, full, half)
        print("%-24s map=%.4f ndcg10=%.4f p10=%.4f" %
              (name, r["map"], r["ndcg10"], r["p10"]))
    print("SPEC " + spec_of(p))

main()
