#!/usr/bin/env python3
"""fidelity.py: pages of many shapes with a unique word in every block.

    fidelity.py shapes DIR     write the hand-made shapes into DIR
    fidelity.py random DIR N SEED   write N generated pages into DIR

Each writes DIR/words.tsv: "word<TAB>file" for every word that must be
found by searching it (tests/e2e/41-fidelity.sh checks each one with
thp-search). Words are made of letters only, unique per run, and never
real words, so a hit can only come from the block that holds the word.
"""
import os
import random
import sys

CONS = "bcdfghjklmnpqrstvwxz"
VOW = "aeiou"


class Words:
    def __init__(self, rng):
        self.rng = rng
        self.seen = set()
        self.out = []  # (word, file)

    def new(self, fname):
        while True:
            w = "zq" + "".join(self.rng.choice(CONS) + self.rng.choice(VOW)
                               for _ in range(4))
            if w not in self.seen:
                self.seen.add(w)
                self.out.append((w, fname))
                return w


def page(title, body, head_extra=""):
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + (f"<title>{title}</title>" if title is not None else "")
            + head_extra + "</head>\n<body>\n" + body + "\n</body></html>\n")


NAV = ('<header><a href="/">THP</a></header><nav><ul><li><a href="/en/">Home'
       '</a></li><li><a href="/en/news/">News</a></li></ul></nav>')
FOOT = "<footer>&copy; THP 2014</footer>"


def shapes(d, W):
    files = {}

    def add(name, content):
        files[name] = content

    n = "headline.html"  # the headline differs from <title>
    add(n, page("News – THP", NAV + f"<main><h1>Okapi conference in {W.new(n)}"
                f"</h1><p>Experts met in {W.new(n)} to talk.</p></main>" + FOOT))
    n = "headline-repeats-title.html"
    w = W.new(n)
    add(n, page(f"Meeting in {w} – THP", NAV + f"<main><h1>Meeting in {w}</h1>"
                f"<p>A report of {W.new(n)} and more.</p></main>" + FOOT))
    n = "one-short-paragraph.html"
    add(n, page("Zurich", f"<main><p>Experts travelled from {W.new(n)} to "
                "discuss housing.</p></main>"))
    n = "one-paragraph-no-title.html"
    add(n, page(None, f"<p>Only {W.new(n)} here.</p>"))
    n = "headings-only.html"
    add(n, page("Headings", "<main>" + "".join(
        f"<h{k}>Heading {W.new(n)}</h{k}>" for k in range(1, 7)) + "</main>"))
    n = "div-soup.html"
    add(n, page("Soup", NAV + f"<div class=c><div>{W.new(n)}</div><div><span>"
                f"{W.new(n)}</span> <span>and {W.new(n)}</span></div>"
                f"<div><div><div>deep {W.new(n)}</div></div></div>"
                f"{W.new(n)} loose text</div>" + FOOT))
    n = "nested-lists.html"
    add(n, page("Lists", f"<main><ul><li>{W.new(n)}<ul><li>{W.new(n)}</li>"
                f"<li>{W.new(n)}<ol><li>{W.new(n)}</li></ol></li></ul></li>"
                f"<li>{W.new(n)}</li></ul></main>"))
    n = "table.html"
    add(n, page("Table", f"<main><table><caption>{W.new(n)}</caption><thead>"
                f"<tr><th>{W.new(n)}</th><th>{W.new(n)}</th></tr></thead>"
                f"<tbody><tr><td>{W.new(n)}</td><td>{W.new(n)}</td></tr>"
                f"<tr><td colspan=2>{W.new(n)}</td></tr></tbody></table>"
                "</main>"))
    n = "definition-list.html"
    add(n, page("DL", f"<main><dl><dt>{W.new(n)}</dt><dd>{W.new(n)}</dd>"
                f"<dt>{W.new(n)}</dt><dd>{W.new(n)}</dd></dl></main>"))
    n = "figure.html"
    add(n, page("Figure", f"<main><figure><img src=a.png alt=x><figcaption>"
                f"{W.new(n)} caption</figcaption></figure><p>{W.new(n)}</p>"
                "</main>"))
    n = "br-lines.html"
    add(n, page("Lines", f"<main><p>{W.new(n)}<br>{W.new(n)}<br/>"
                f"{W.new(n)}</p>{W.new(n)}<br>{W.new(n)}</main>"))
    n = "article-header.html"
    add(n, page("Article", NAV + f"<main><article><header><h1>{W.new(n)}</h1>"
                f"<p class=date>June 2011</p></header><p>{W.new(n)}</p>"
                "</article></main>" + FOOT))
    n = "articles-listing.html"
    add(n, page("Listing", NAV + "".join(
        f"<article><h2>{W.new(n)}</h2><p>{W.new(n)}</p></article>"
        for _ in range(3)) + FOOT))
    n = "mixed-blocks.html"
    add(n, page("Mixed", f"<main><section><blockquote>{W.new(n)}</blockquote>"
                f"<pre>{W.new(n)}</pre><address>{W.new(n)}</address>"
                f"<details><summary>{W.new(n)}</summary>{W.new(n)}</details>"
                f"<center><font>{W.new(n)}</font></center></section></main>"))
    n = "sloppy.html"  # unclosed p and li: gumbo's path
    add(n, page("Sloppy", f"<main><p>{W.new(n)}<p>{W.new(n)}<ul><li>"
                f"{W.new(n)}<li>{W.new(n)}</ul></main>"))
    n = "no-main.html"
    add(n, page("Body", NAV + f"<h1>{W.new(n)}</h1><p>{W.new(n)}</p>" + FOOT))
    n = "only-title.html"
    add(n, page(f"Title {W.new(n)}", ""))
    n = "entities.html"
    add(n, page("Ents", f"<main><p>&ldquo;{W.new(n)}&rdquo; &amp; "
                f"{W.new(n)}&nbsp;{W.new(n)}</p></main>"))
    n = "label-lines.html"
    add(n, page("Labels", f"<main><p>Location: {W.new(n)}</p><p>Partners: "
                f"{W.new(n)}</p><p>Authors: {W.new(n)}</p><p>Date: June "
                f"2011</p><p>{W.new(n)} body.</p></main>"))
    for name, content in files.items():
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(content)
    n = "one-line.txt"
    with open(os.path.join(d, n), "w") as f:
        f.write(f"{W.new(n)} alone\n")
    n = "two-lines.txt"
    with open(os.path.join(d, n), "w") as f:
        f.write(f"{W.new(n)} title\n\n{W.new(n)} body\n")


INLINE = ["span", "b", "em", "strong", "a", "i", "small", "code"]
BLOCK = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
         "section", "address", "figcaption", "td", "li", "dd", "dt"]


def gen_block(rng, W, n, depth):
    """One block of a generated page, with its unique words."""
    kind = rng.randrange(10)
    if depth > 2 or kind < 3:
        text = " ".join(W.new(n) if rng.random() < 0.5 else rng.choice(
            ["the", "city", "and", "migration", "of", "partners"])
            for _ in range(rng.randint(1, 5)))
        if not any(t.startswith("zq") for t in text.split()):
            text += " " + W.new(n)
        if rng.random() < 0.3:
            tag = rng.choice(INLINE)
            attr = ' href="/x"' if tag == "a" else ""
            text = f"<{tag}{attr}>{text}</{tag}>"
        if rng.random() < 0.2:
            text = text + "<br>" + W.new(n)
        return text
    if kind == 3:
        return "<ul>" + "".join(f"<li>{gen_block(rng, W, n, depth + 1)}</li>"
                                for _ in range(rng.randint(1, 3))) + "</ul>"
    if kind == 4:
        rows = "".join("<tr>" + "".join(
            f"<td>{gen_block(rng, W, n, depth + 1)}</td>"
            for _ in range(rng.randint(1, 3))) + "</tr>"
            for _ in range(rng.randint(1, 3)))
        return f"<table>{rows}</table>"
    if kind == 5:
        return "<dl>" + "".join(
            f"<dt>{W.new(n)}</dt><dd>{gen_block(rng, W, n, depth + 1)}</dd>"
            for _ in range(rng.randint(1, 2))) + "</dl>"
    tag = rng.choice([t for t in BLOCK if t not in ("td", "li", "dd", "dt")])
    if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "address"):
        # phrasing content only: no blocks inside these
        inner = " ".join(W.new(n) for _ in range(rng.randint(1, 3)))
    else:
        # siblings apart, as a writer separates them (text runs would glue)
        inner = "\n".join(gen_block(rng, W, n, depth + 1)
                          for _ in range(rng.randint(1, 3)))
    return f"<{tag}>{inner}</{tag}>"


def generated(d, count, seed, W):
    rng = random.Random(seed)
    for i in range(count):
        n = f"gen-{i:03d}.html"
        blocks = "\n".join(gen_block(rng, W, n, 0)
                           for _ in range(rng.randint(1, 6)))
        wrap = rng.randrange(4)
        if wrap == 0:
            body = f"<main>{blocks}</main>"
        elif wrap == 1:
            body = f"<article>{blocks}</article>"
        elif wrap == 2:
            body = blocks
        else:
            body = f"<main><article><header><h1>{W.new(n)}</h1></header>" \
                   f"{blocks}</article></main>"
        if rng.random() < 0.5:
            body = NAV + body + FOOT
        title = rng.choice(["News – THP", "Publications", None, "Event"])
        if title == "Event":
            title = "Event in " + W.new(n)
        with open(os.path.join(d, n), "w", encoding="utf-8") as f:
            f.write(page(title, body))


def main():
    what, d = sys.argv[1], sys.argv[2]
    os.makedirs(d, exist_ok=True)
    if what == "shapes":
        W = Words(random.Random(1))
        shapes(d, W)
    else:
        count, seed = int(sys.argv[3]), int(sys.argv[4])
        W = Words(random.Random(seed + 1))
        generated(d, count, seed, W)
    with open(os.path.join(d, "words.tsv"), "w") as f:
        for w, n in W.out:
            f.write(f"{w}\t{n}\n")


main()
