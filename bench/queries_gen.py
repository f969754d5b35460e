#!/usr/bin/env python3
"""Write bench/queries.tsv, the fixed query list of the query benchmark.

    python3 bench/queries_gen.py [SAMPLE_DOCS] > bench/queries.tsv

Generates the first SAMPLE_DOCS (default 20,000) documents of the query
corpus in-process (bench/gen_query_corpus.py: document i depends only on
i, and the mix does not drift with i, so a word's share of documents is
the same at 10k, 100k and 1M) and counts in how many documents each word
occurs. Queries are then drawn from those counts, so a "common" word
really is common and a "rare" one really is rare; phrases and pasted
paragraphs are cut from the documents' own text. Deterministic.

Output, one query a line: kind<TAB>flags<TAB>query, flags a comma list of
prefix (THP_QP_PREFIX_LAST), lenient (THP_QP_LENIENT), any (THP_QP_ANY_WORD),
or "-" for none (the strict language of the CLI). The search box sends
prefix,lenient. Lines starting with # are comments. 20 kinds, 20 each.
Rerun after a change of gen_query_corpus.py's VERSION.
"""

import random
import re
import sys

import gen_corpus
import gen_query_corpus as gq

PER_KIND = 20
WORD = re.compile(r"[^\W\d_]+")
BOX = "prefix,lenient"


def main(argv):
    sample = int(argv[1]) if len(argv) > 1 else 20000
    doc = gq.Doc(gq.load_vocab())
    df, title_df, lang_of = {}, {}, {}
    texts = []
    for i in range(sample):
        d = doc.doc(i)
        words = set(w.lower() for w in WORD.findall(d["text"]))
        for w in words:
            df[w] = df.get(w, 0) + 1
            lang_of.setdefault(w, set()).add(d["lang"])
        for w in set(w.lower() for w in WORD.findall(d["title"])):
            title_df[w] = title_df.get(w, 0) + 1
        if i < 10000 and i % 5 == 0:  # so that the 10k corpus holds them
            texts.append(d["text"])
    r = random.Random(gq.SEED + 12)
    share = {w: c / sample for w, c in df.items()}

    def band(lo, hi, minlen=3, langs=None):
        ws = sorted(w for w, s in share.items()
                    if lo <= s <= hi and len(w) >= minlen and
                    (langs is None or lang_of[w] <= langs))
        return ws

    common = band(0.10, 1.0)           # in 10% of documents or more
    mid = band(0.002, 0.02, 4)          # 0.2% to 2%
    rare = band(1 / sample, 5 / sample, 4)  # 1 to 5 in the sample
    content = band(0.003, 0.25, 5)      # what people type into the box
    domain = sorted(set(w.lower() for t in (
        [c for c, _ in gen_corpus.CITIES] + gen_corpus.NOUNS +
        gen_corpus.GROUPS + gen_corpus.ADJS) for w in WORD.findall(t)
        if len(w) >= 5 and w.lower() in df))
    nlpt = band(0.001, 0.05, 5, {"nl", "pt"})
    titles = sorted(w for w, c in title_df.items()
                    if c / sample >= 0.002 and len(w) >= 4)
    sys.stderr.write(f"queries_gen: {sample} documents, {len(df)} words; "
                     f"common {len(common)}, mid {len(mid)}, rare "
                     f"{len(rare)}, box {len(content)} + {len(domain)}, "
                     f"nl/pt {len(nlpt)}, title {len(titles)}\n")

    out = []

    def add(kind, flags, q):
        out.append(f"{kind}\t{flags}\t{q}")

    def sample_n(ws, n):
        return r.sample(ws, n)

    # what the search box sends while a user types a word
    typed = sample_n(domain, 40) + sample_n(content, 60)
    r.shuffle(typed)
    letters = []
    for w in typed + sorted(df, key=lambda w: -df[w]):
        if w[0] not in letters and w[0].isascii():
            letters.append(w[0])
    for c in letters[:PER_KIND]:
        add("box-1", BOX, c)
    for n, kind in ((2, "box-2"), (3, "box-3"), (5, "box-5")):
        seen = []
        for w in typed:
            if w[:n] not in seen and len(w) > n:
                seen.append(w[:n])
        for p in seen[:PER_KIND]:
            add(kind, BOX, p)
    for w in typed[:PER_KIND]:
        add("box-word", BOX, w)
    for k in range(PER_KIND):
        a, b = typed[PER_KIND + 2 * k], typed[PER_KIND + 2 * k + 1]
        add("box-2words", BOX, f"{a} {b[:r.randint(2, 4)]}")

    # single words by document frequency
    for w in sample_n(common, min(PER_KIND, len(common))):
        add("word-common", "-", w)
    for w in sample_n(mid, PER_KIND):
        add("word-mid", "-", w)
    for w in sample_n(rare, PER_KIND):
        add("word-rare", "-", w)
    for w in sample_n(nlpt, PER_KIND):
        add("word-nl-pt", "-", w)

    # several words, as found together in one document (a user looking
    # for something they have seen): common, common + mid, three of the
    # words people type
    docsets = [set(w.lower() for w in WORD.findall(t)) for t in texts]
    cset, mset, tset = set(common), set(mid), set(content)

    def together(*bands):
        while True:
            ws = r.choice(docsets)
            picks = []
            for b in bands:
                cand = sorted(ws & b - set(picks))
                if not cand:
                    break
                picks.append(r.choice(cand))
            else:
                return " ".join(picks)

    for _ in range(PER_KIND):
        add("and-common", "-", together(cset, cset))
    for _ in range(PER_KIND):
        add("and-mixed", "-", together(cset, mset))
    for _ in range(PER_KIND):
        add("and-3", "-", together(tset, tset, mset))

    # phrases and a pasted paragraph, cut from the documents' text
    def cut(n):
        while True:
            ws = r.choice(texts).split()
            if len(ws) <= n:
                continue
            k = r.randrange(len(ws) - n)
            part = [WORD.findall(w) for w in ws[k:k + n]]
            if all(len(p) == 1 for p in part):
                return [p[0] for p in part]

    for n, kind in ((2, "phrase-2"), (3, "phrase-3")):
        for _ in range(PER_KIND):
            add(kind, "-", '"' + " ".join(cut(n)) + '"')
    for _ in range(PER_KIND):
        ws = r.choice(texts).split()
        k = r.randrange(max(1, len(ws) - 60))
        add("paste", BOX, " ".join(ws[k:k + r.randint(25, 60)]))

    # operators and fields
    for _ in range(PER_KIND):
        w = r.choice(common + domain)
        p = w[:r.randint(3, 5)]
        add("prefix", "-", p + "*")
    for _ in range(PER_KIND):
        a, b = r.choice(common + mid), r.choice(common)
        add("not", "-", f"{a} -{b}" if r.random() < 0.5 else f"{a} NOT {b}")
    for _ in range(PER_KIND):
        a, b = r.choice(mid + content), r.choice(mid + content + common)
        add("or", "-", f"{a} OR {b}")
    for _ in range(PER_KIND):
        add("field", "-", "title:" + r.choice(titles))

    sys.stdout.write("# kind\tflags\tquery: made by bench/queries_gen.py "
                     f"from the first {sample} documents of "
                     f"gen_query_corpus.py version {gq.VERSION}\n")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
