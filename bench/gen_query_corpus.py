#!/usr/bin/env python3
"""Generate the corpus of the query benchmark, as JSON Lines.

    python3 bench/gen_query_corpus.py gen OUT.jsonl N
    python3 bench/gen_query_corpus.py vocab        # rebuild the word list

`gen` writes N documents, one JSON object a line, in the form
`thp-index --jsonl` reads: {"id","title","text","date","kind","lang","url"}.
Document i depends only on i, so the first 100,000 documents of the
1,000,000-document corpus are the 100,000-document corpus. Python 3
standard library only; byte-for-byte reproducible.

Where the words come from: bench/query_corpus_vocab.tsv, word counts
(lang, word, count) from real text shipped by Debian packages, made once
by `vocab` and committed so that the corpus does not depend on what a
machine has installed:

    en  debian-reference-en (the Debian Reference, plain text), the
        licence texts in /usr/share/common-licenses, English man pages
    nl  manpages-nl (Dutch man pages)
    pt  debian-reference-pt and manpages-pt-br

The text of a document is drawn word by word from its language's counts,
so document frequencies follow the real, Zipfian distribution (the
function words in nearly every document, a long tail in one or two);
each document also repeats a few topic words of its own (real text is
bursty), and names (generated surnames, a Zipfian long tail of hundreds
of thousands), and sentences from the indexing corpus's THP vocabulary
(bench/gen_corpus.py: cities, organisations, "labour market pathways")
are mixed in, so that the words THP's users look for are there.

The mix: 80% English, 10% Dutch, 10% Portuguese documents; kinds page 55%,
item 30%, report (pages of a report, longer) 15%; lengths log-normal, median
~210 words, mean ~320, a few up to 6,000 and more; dates 1998-2026; 3% near-duplicates of an
earlier document (one word changed). Titles: a THP headline or a few
words with a name.

A stamp line (generator version, seed, N, bytes) goes to OUT.jsonl.stamp.
"""

import gzip
import json
import math
import os
import random
import re
import sys
from bisect import bisect

import gen_corpus  # the THP vocabulary of the indexing corpus

VERSION = 1
SEED = 20261206
HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB = os.path.join(HERE, "query_corpus_vocab.tsv")

LANGS = (("en", 0.80), ("nl", 0.10), ("pt", 0.10))
KINDS = (("page", 0.55), ("item", 0.30), ("report", 0.15))
NAMES = 400000       # distinct generated surnames in the long tail
NEAR_DUP = 0.03      # share of documents that near-copy an earlier one


# ------------------------------------------------------------ word counts

def _roff_text(data):
    """Text of a man page (roff), macros and escapes left out."""
    out = []
    for line in data.splitlines():
        if line.startswith(('.\\"', "'\\\"", '.\\}')):
            continue
        if line.startswith((".", "'")):
            parts = line.split(None, 1)
            if len(parts) < 2 or parts[0][1:] not in (
                    "B", "I", "BI", "BR", "IB", "IR", "RB", "RI", "SH", "SS",
                    "TP", "IP", "SM", "SB"):
                continue
            line = parts[1].replace('"', " ")
        line = re.sub(r"\\([a-zA-Z*]\[[^]]*\]|\(..|\*\(..|\*\[[^]]*\]|\*.|f\[[^]]*\]|f.|"
                      r"s[-+]?\d|\[[^]]*\]|.)", " ", line)
        out.append(line)
    return "\n".join(out)


def _files(pattern_dirs, suffix=".gz", limit=None):
    paths = []
    for d in pattern_dirs:
        for root, _, names in os.walk(d):
            paths += [os.path.join(root, n) for n in names if n.endswith(suffix)]
    paths.sort()
    return paths[:limit] if limit else paths


def _read(path):
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _count(texts, counts, forms):
    for t in texts:
        for w in WORD.findall(t):
            if len(w) > 24:
                continue
            k = w.lower()
            counts[k] = counts.get(k, 0) + 1
            f = forms.setdefault(k, {})
            f[w] = f.get(w, 0) + 1


def vocab():
    """Rebuild query_corpus_vocab.tsv from the Debian packages' text."""
    sources = {
        "en": (["/usr/share/debian-reference/debian-reference.en.txt.gz"] +
               _files(["/usr/share/common-licenses"], suffix="") +
               [p for p in _files(["/usr/share/man/man1", "/usr/share/man/man5",
                                   "/usr/share/man/man7", "/usr/share/man/man8"])
                if not os.path.basename(p).startswith(("gcloud", "bq", "gsutil"))],
               30000),
        "nl": (_files(["/usr/share/man/nl"]), 12000),
        "pt": (["/usr/share/debian-reference/debian-reference.pt.txt.gz"] +
               _files(["/usr/share/man/pt_BR"]), 20000),
    }
    rows = []
    for lang, (paths, keep) in sources.items():
        counts, forms = {}, {}
        for p in paths:
            t = _read(p)
            if "/man/" in p:
                t = _roff_text(t)
            _count([t], counts, forms)
        if not counts:
            sys.exit(f"vocab: no text for {lang}: install debian-reference-en,"
                     " debian-reference-pt, manpages-nl, manpages-pt-br")
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        top = [(k, c) for k, c in top if c >= 2][:keep]
        for k, c in top:
            form = max(forms[k].items(), key=lambda kv: (kv[1], kv[0]))[0]
            rows.append(f"{lang}\t{form}\t{c}")
        sys.stderr.write(f"vocab: {lang}: {len(paths)} files, "
                         f"{sum(counts.values())} words, {len(counts)} "
                         f"distinct, kept {len(top)}\n")
    with open(VOCAB, "w", encoding="utf-8") as f:
        f.write("# lang\tword\tcount: made by gen_query_corpus.py vocab\n")
        f.write("\n".join(rows) + "\n")
    return 0


# ------------------------------------------------------------- the corpus

class Lang:
    def __init__(self, words, counts):
        self.words = words
        self.cum = []
        t = 0
        for c in counts:
            t += c
            self.cum.append(t)
        self.total = t
        # topic words: ranks 100.. (content words), flatter than Zipf
        self.topic = words[100:]


def load_vocab():
    by = {}
    with open(VOCAB, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            lang, w, c = line.rstrip("\n").split("\t")
            by.setdefault(lang, ([], []))
            by[lang][0].append(w)
            by[lang][1].append(int(c))
    return {k: Lang(*v) for k, v in by.items()}


def surname(k):
    """The k-th name of the long tail (same k, same name)."""
    r = random.Random(k * 7919 + 17)
    syl = gen_corpus.SYLL
    return "".join(r.choice(syl) for _ in range(r.randint(2, 4))).capitalize()


def pick(r, table):
    x = r.random()
    for v, p in table:
        if x < p:
            return v
        x -= p
    return table[-1][0]


class Doc:
    def __init__(self, langs):
        self.langs = langs

    def name(self, r):
        # Zipf-like over NAMES: a few names are everywhere, most are rare
        k = int(NAMES ** r.random()) - 1
        return surname(k)

    def words(self, r, lang, n, topic):
        L = self.langs[lang]
        cum, total, ws = L.cum, L.total, L.words
        out = [ws[bisect(cum, r.random() * total)] for _ in range(n)]
        for i in range(n):
            x = r.random()
            if x < 0.06:
                out[i] = r.choice(topic)
            elif x < 0.075:
                out[i] = self.name(r)
        return out

    def sentence(self, r, lang, topic):
        w = self.words(r, lang, r.randint(5, 24), topic)
        if len(w) > 8 and r.random() < 0.4:
            w[r.randint(3, len(w) - 3)] += ","
        s = " ".join(w)
        return s[0].upper() + s[1:] + r.choice(".....?!")

    def paragraph(self, r, g, lang, topic, nwords, city):
        out, n = [], 0
        while n < nwords:
            if lang == "en" and r.random() < 0.25:
                s = g.sentence(city)
            else:
                s = self.sentence(r, lang, topic)
            out.append(s)
            n += s.count(" ") + 1
        return " ".join(out)

    def make(self, i):
        r = random.Random(SEED * 1000003 + i)
        g = gen_corpus.Gen(r, gen_corpus.CITIES)
        lang = pick(r, LANGS)
        kind = pick(r, KINDS)
        L = self.langs[lang]
        topic = [L.topic[int(len(L.topic) * r.random() ** 2)]
                 for _ in range(r.randint(3, 10))]
        topic += [self.name(r) for _ in range(r.randint(0, 2))]
        city = r.choice(gen_corpus.CITIES)
        median = 400 if kind == "report" else 170
        nwords = int(min(6000, max(15, r.lognormvariate(math.log(median),
                                                         0.85))))
        paras, left = [], nwords
        while left > 0:
            k = min(left, r.randint(40, 160))
            paras.append(self.paragraph(r, g, lang, topic, k, city))
            left -= k
        if lang == "en" or r.random() < 0.5:
            title = g.headline(city)
        else:
            title = " ".join(self.words(r, lang, r.randint(3, 8), topic))
            title = title[0].upper() + title[1:]
        if r.random() < 0.3:
            title += " – " + self.name(r)
        y = r.randint(1998, 2026)
        date = r.choice([f"{y}", f"{y}-{r.randint(1, 12):02d}",
                         f"{y}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"])
        doc = {"id": f"q{i:07d}", "title": title, "text": "\n\n".join(paras),
               "date": date, "kind": kind, "lang": lang,
               "url": f"https://thp.example/{kind}/{i}"}
        return r, doc

    def doc(self, i):
        r, d = self.make(i)
        if i >= 100 and r.random() < NEAR_DUP:
            # a near-duplicate of an earlier document: one word changed
            j = i - 1 - int(r.random() * min(i - 1, 5000))
            _, src = self.make(j)
            ws = src["text"].split(" ")
            k = r.randrange(len(ws))
            ws[k] = self.name(r)
            d["title"], d["text"] = src["title"], " ".join(ws)
            d["lang"], d["kind"] = src["lang"], src["kind"]
        return d


_DOC = None  # the generator, set before the worker processes fork


def _chunk(lo_hi):
    lo, hi = lo_hi
    lines = [json.dumps(_DOC.doc(i), ensure_ascii=False) + "\n"
             for i in range(lo, hi)]
    return "".join(lines)


def gen(out, n):
    """Write documents 0..n-1; chunks in parallel, written in order."""
    global _DOC
    _DOC = Doc(load_vocab())
    stamp = out + ".stamp"
    if os.path.exists(stamp):
        os.remove(stamp)
    step = 2000
    chunks = [(lo, min(n, lo + step)) for lo in range(0, n, step)]
    jobs = min(os.cpu_count() or 1, 8, len(chunks))
    total = docs = 0
    with open(out, "w", encoding="utf-8") as f:
        if jobs > 1:
            import multiprocessing
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                parts = pool.imap(_chunk, chunks)
                for text in parts:
                    f.write(text)
                    total += len(text.encode("utf-8"))
                    docs += text.count("\n")
                    if docs % 100000 == 0:
                        sys.stderr.write(f"gen_query_corpus: {docs} "
                                         "documents\n")
        else:
            for c in chunks:
                text = _chunk(c)
                f.write(text)
                total += len(text.encode("utf-8"))
    with open(stamp, "w") as f:
        f.write(f"version={VERSION} seed={SEED} docs={n} bytes={total}\n")
    print(f"gen_query_corpus: {n} documents, {total} bytes "
          f"({total / 1e6:.1f} MB) in {out}")
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "vocab":
        return vocab()
    if len(argv) == 4 and argv[1] == "gen" and argv[3].isdigit() \
            and int(argv[3]) > 0:
        return gen(argv[2], int(argv[3]))
    sys.stderr.write("usage: gen_query_corpus.py gen OUT.jsonl N\n"
                     "       gen_query_corpus.py vocab\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
