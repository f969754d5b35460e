#!/usr/bin/env python3
"""Generate a THP-like corpus for the indexing benchmark.

    python3 bench/gen_corpus.py OUTDIR N

Writes N pages below OUTDIR, 100 per folder (OUTDIR/d0000/p000000.html,
...), like the pages of The Hague Process on Refugees and Migration:

  ~70%  HTML pages: <title>, header/nav/aside/footer boilerplate, <style>
        and <script>, a <main> with an <h1>, sometimes Location:/date:
        label lines, and 3-8 paragraphs of migration/cities/business prose.
        About 1 in 5 is windows-1252 with a <meta> charset (curly quotes,
        dashes and the euro sign in bytes 0x80-0x9F); the rest is UTF-8.
  ~20%  plain-text listing pages: 3-5 items (title, label lines,
        paragraphs) separated by "back to overview" lines.
  ~10%  plain-text reports: a title page and several pages separated by
        form feeds, each ending in "Page N of M".

Pages are 2-10 KB (a few listings up to ~11.5 KB). The text comes from a fixed vocabulary through a PRNG
seeded per page, so the output is byte-for-byte reproducible and page i is
the same whatever N is: the first 10,000 pages of a 50,000-page corpus are
the 10,000-page corpus. Python 3 standard library only.

Prints the number of files and bytes written, and records them (with N and
the generator version) in OUTDIR/.bench-corpus, a dot file the indexer
skips; bench/index_bench.sh reuses a corpus whose stamp matches.
"""

import os
import random
import sys

VERSION = 1
SEED = 20240611
PER_FOLDER = 100

# ---------------------------------------------------------------- vocabulary

# (city, country); all encodable in windows-1252
CITIES = [
    ("Rotterdam", "The Netherlands"), ("The Hague", "The Netherlands"),
    ("Amsterdam", "The Netherlands"), ("São Paulo", "Brazil"),
    ("Porto Alegre", "Brazil"), ("Curitiba", "Brazil"),
    ("Johannesburg", "South Africa"), ("Cape Town", "South Africa"),
    ("Toronto", "Canada"), ("Montréal", "Canada"), ("Istanbul", "Turkey"),
    ("Manila", "The Philippines"), ("Auckland", "New Zealand"),
    ("Buenos Aires", "Argentina"), ("Chicago", "USA"),
    ("Kuala Lumpur", "Malaysia"), ("Lisbon", "Portugal"),
    ("Nairobi", "Kenya"), ("Zürich", "Switzerland"), ("Malmö", "Sweden"),
    ("Göteborg", "Sweden"), ("Bogotá", "Colombia"), ("Medellín", "Colombia"),
    ("Kraków", "Poland"), ("Málaga", "Spain"), ("Barcelona", "Spain"),
    ("Düsseldorf", "Germany"), ("München", "Germany"), ("Lyon", "France"),
    ("Turin", "Italy"), ("Cairo", "Egypt"), ("Accra", "Ghana"),
    ("Dakar", "Senegal"), ("Mexico City", "Mexico"), ("Quito", "Ecuador"),
    ("Athens", "Greece"), ("Thessaloníki", "Greece"), ("Gaziantep", "Turkey"),
    ("Amman", "Jordan"), ("Beirut", "Lebanon"), ("Kampala", "Uganda"),
    ("Bangkok", "Thailand"), ("Jakarta", "Indonesia"), ("Melbourne",
    "Australia"), ("Vancouver", "Canada"), ("Dublin", "Ireland"),
    ("Genève", "Switzerland"), ("Antwerpen", "Belgium"), ("Liège", "Belgium"),
    ("Córdoba", "Argentina"), ("Asunción", "Paraguay"), ("Valparaíso",
    "Chile"), ("Reykjavík", "Iceland"), ("Tromsø", "Norway"),
]

ORGS = [
    "THP", "The Hague Process on Refugees and Migration", "UNHCR", "IOM",
    "UNESCO", "UNU-MERIT", "the Maastricht Graduate School of Governance",
    "Erasmus University", "the Port of {city}", "the City of {city}",
    "the Chamber of Commerce of {city}", "Oxfam Novib", "ICCO",
    "Compagnia di San Paolo", "the Dutch Ministry of Foreign Affairs",
    "the European Commission", "the World Bank", "the ILO",
    "Bilgi University’s Center for Migration Research",
    "the Prefeitura de {city}", "the Mayor’s Office of {city}",
    "a consortium of employers in {city}", "local NGOs in {city}",
    "refugee-led organisations in {city}",
]

SUBJECTS = [
    "The City of {city}", "{org}", "Local businesses in {city}",
    "The municipality of {city}", "Participants from {city} and {city2}",
    "Employers’ associations", "Representatives of {org}",
    "A delegation from {city}", "The working group", "Civil society partners",
    "Researchers at {org}", "The expert consultation", "The pilot project",
    "Small and medium-sized enterprises", "Migrant entrepreneurs in {city}",
    "The steering committee", "{title} {surname}", "The final report",
]

VERBS = [
    "discussed", "presented", "examined", "called for", "launched",
    "is co-funding", "has supported", "reviewed", "identified", "mapped",
    "proposed", "evaluated", "set out", "strengthened", "compared",
    "highlighted", "documented", "piloted", "expanded", "welcomed",
    "questioned", "prioritised", "helped to design", "agreed on",
]

ADJS = [
    "inclusive", "long-term", "municipal", "cross-sector", "practical",
    "targeted", "informal", "regional", "city-level", "innovative",
    "sustainable", "holistic", "public–private", "community-based",
    "rights-based", "local", "national", "transnational", "affordable",
    "coordinated", "evidence-based", "multilingual", "flexible",
]

NOUNS = [
    "integration programmes", "language courses", "labour market pathways",
    "housing policies", "mentoring schemes", "recognition of qualifications",
    "partnerships", "reception services", "vocational training",
    "apprenticeships", "micro-credit schemes", "health services",
    "school enrolment", "legal aid", "job matching", "outreach campaigns",
    "social cohesion", "urban planning", "anti-discrimination measures",
    "business incubators", "citizenship education", "remittance channels",
    "data collection", "registration procedures", "volunteer networks",
    "childcare provision", "skills audits", "public transport access",
]

GROUPS = [
    "newcomers", "refugees", "migrant entrepreneurs", "asylum seekers",
    "migrant workers", "young migrants", "women migrants",
    "unaccompanied minors", "labour migrants", "returnees",
    "internally displaced people", "second-generation residents",
    "undocumented residents", "international students", "city residents",
]

TAILS = [
    " in {year}", " with support from {org}", " across {city} and {city2}",
    " – a first step towards {adj} {noun}", " (“{adj} {noun}”)",
    " at a cost of €{money} million", " over the next {n} years",
    ", as {title} {surname} of {org} put it", " in {month} {year}",
    " – both separately and in partnership –", "", "", "", "",
    " for {n}000 {group}", ", following the consultation in {city}",
    " under the {surname} Plan", " despite {adj} barriers",
]

TITLES = ["Mr.", "Ms.", "Dr.", "Prof.", "Mayor", "Councillor"]

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]

HEADLINE = [
    "{ord} Expert Consultation for Business and Cities on Migration and "
    "Urbanisation, {city}",
    "Business–City Partnership Project: {city} Pilot",
    "Towards {adj} {noun}: Investing in {group} in {city}",
    "{adj_t} {noun_t} for {group} in {city}",
    "Migrant and Refugee Integration in Global Cities: {city}",
    "{city} Workshop on {noun_t} and {noun_t2}",
    "State of Play Review: {noun_t} in {city} and {city2}",
    "The Role of Cities and Businesses in {noun_t}",
    "{city} and {city2} Sign Agreement on {noun_t}",
    "Labour Migrant Integration through Cities and Business, {city}",
]

ORDINALS = ["First", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th"]

SYLL = ["ka", "ver", "ro", "mi", "den", "sa", "bel", "to", "ja", "nik",
        "ho", "lu", "an", "dra", "mo", "zu", "gre", "ta", "el", "win",
        "ber", "os", "ti", "van", "che", "ly", "dor", "hes", "qui", "pa"]

SEPARATORS = ["back to overview", " back to overview", "Back to overview",
              "back to overview >"]

NAV = ["Home", "About THP", "Projects", "Publications", "News", "Events",
       "Partners", "Research", "Contact"]


class Gen:
    """All the text of one page comes from one seeded PRNG."""

    def __init__(self, rng, cities):
        self.r = rng
        self.cities = cities

    def surname(self):
        r = self.r
        s = "".join(r.choice(SYLL) for _ in range(r.randint(2, 4)))
        return s.capitalize()

    def fill(self, tpl, city=None):
        r = self.r
        c1, c2 = r.sample(self.cities, 2)
        if city and r.random() < 0.6:
            c1 = city
            if c2 == city:
                c2 = self.cities[(self.cities.index(city) + 1) %
                                 len(self.cities)]
        vals = {
            "city": c1[0], "city2": c2[0], "year": str(r.randint(1998, 2016)),
            "month": r.choice(MONTHS), "money": str(r.randint(2, 90)),
            "n": str(r.randint(2, 9)), "adj": r.choice(ADJS),
            "noun": r.choice(NOUNS), "group": r.choice(GROUPS),
            "title": r.choice(TITLES), "ord": r.choice(ORDINALS),
        }
        vals["adj_t"] = vals["adj"][0].upper() + vals["adj"][1:]
        vals["noun_t"] = r.choice(NOUNS).title()
        vals["noun_t2"] = r.choice(NOUNS).title()
        if "{surname}" in tpl:
            vals["surname"] = self.surname()
        if "{org}" in tpl:
            vals["org"] = r.choice(ORGS).format(city=c1[0])
        return tpl.format(**vals)

    def sentence(self, city=None):
        r = self.r
        s = self.fill(r.choice(SUBJECTS), city)
        s += " " + r.choice(VERBS) + " " + r.choice(ADJS) + " "
        s += r.choice(NOUNS) + " for " + r.choice(GROUPS)
        s += self.fill(r.choice(TAILS), city)
        if r.random() < 0.3:
            sub = self.fill(r.choice(SUBJECTS), city)
            if sub.startswith(("The ", "A ")):
                sub = sub[0].lower() + sub[1:]
            s += ", " + r.choice(["while", "because", "so that", "although",
                                  "and"]) + " " + sub + " " + r.choice(VERBS)
            s += " the " + r.choice(NOUNS) + " of " + self.fill("{city}", city)
        s = s[0].upper() + s[1:]
        return s + r.choice([".", ".", ".", ".", "?", "!"])

    def paragraph(self, city=None, lo=3, hi=7):
        return " ".join(self.sentence(city)
                        for _ in range(self.r.randint(lo, hi)))

    def headline(self, city):
        return self.fill(self.r.choice(HEADLINE), city)

    def date_line(self):
        r = self.r
        label = r.choice(["Date", "date", "DATE", "Date of publication"])
        y = r.randint(1998, 2016)
        m = r.choice(MONTHS)
        val = r.choice([f"{m} {y}", f"{m.lower()} {y}", f"{m.upper()} {y}",
                        f"{r.randint(1, 28)} {m} {y}", f"{y}"])
        return f"{label}: {val}"

    def location_line(self, city):
        label = self.r.choice(["Location", "location", "Venue"])
        return f"{label}: {city[0]}, {city[1]}"


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(text, width=78):
    out, line = [], ""
    for w in text.split(" "):
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = w if not line else line + " " + w
    if line:
        out.append(line)
    return out


# --------------------------------------------------------------------- pages

def html_page(g, r, cp1252):
    city = r.choice(g.cities)
    head = g.headline(city)
    lines = []
    if cp1252:
        lines.append(r.choice([
            '<meta charset="windows-1252">',
            '<meta http-equiv="Content-Type" content="text/html; '
            'charset=windows-1252">']))
    else:
        lines.append('<meta charset="utf-8">')
    top = ["<!DOCTYPE html>", '<html lang="en">', "<head>"] + lines + [
        f"<title>{esc(head)} – THP</title>",
        '<link rel="stylesheet" href="/static/css/thp.css">',
        "<style type=\"text/css\">",
        "  body { font-family: \"Segoe UI\", Arial, sans-serif; margin: 0; }",
        "  nav ul li { display: inline; padding: 0 .5em; }",
        "  .more-news h2 { font-size: 1.1em; color: #245; }",
        "</style>",
        "<script type=\"text/javascript\">",
        "  var _gaq = _gaq || [];",
        "  _gaq.push(['_setAccount', 'UA-0000000-1']);",
        "  _gaq.push(['_trackPageview']);",
        "</script>",
        "</head>", "<body>",
        '<header id="top">',
        '  <a href="/" class="logo">The Hague Process on Refugees and '
        'Migration</a>',
        '  <form action="/search" method="get"><input type="text" name="q" '
        'value="Search this site"></form>',
        "</header>", '<nav id="menu">', "  <ul>",
    ]
    for item in NAV:
        slug = item.lower().replace(" ", "-")
        top.append(f'    <li><a href="/en/{slug}/">{item}</a></li>')
    top += ["  </ul>", "</nav>",
            "<!-- main content starts here -->",
            '<main id="content">', "<article>", f"<h1>{esc(head)}</h1>"]
    body = []
    if r.random() < 0.6:
        meta = [g.location_line(city)]
        if r.random() < 0.5:
            meta.append("Partners: " + ", ".join(
                o.format(city=city[0]) for o in r.sample(ORGS, 3)) + ".")
        meta.append(g.date_line())
        body.append('<p class="meta">' + "<br>\n".join(esc(m) for m in meta)
                    + "</p>")
    for k in range(r.randint(3, 8)):
        if k and r.random() < 0.15:
            body.append(f"<h2>{esc(g.headline(city))}</h2>")
        p = esc(g.paragraph(city))
        if not cp1252 and r.random() < 0.3:
            p = p.replace("’", "&rsquo;", 1)
        if r.random() < 0.2:
            p = p.replace(" – ", " &#8211; ", 1)
        if r.random() < 0.2:
            p = p.replace(". ", ".&nbsp; ", 1)
        body.append("<p>" + "\n".join(wrap(p)) + "</p>")
    if r.random() < 0.4:
        body.append(f'<p><a href="/media/reports/{r.randint(1000, 9999)}'
                    '.pdf">Download the Report</a></p>')
    body.append('<p class="back"><a href="/en/news/">back to overview</a></p>')
    bottom = ["</article>", "</main>", '<aside class="more-news">',
              "  <h2>More news</h2>", "  <ul>"]
    for _ in range(3):
        bottom.append(f'    <li><a href="/en/news/{r.randint(100, 999)}/">'
                      f"{esc(g.headline(r.choice(g.cities)))}</a></li>")
    bottom += ["  </ul>", "</aside>", "<footer>",
               f"  <p>Copyright © {r.randint(2008, 2016)} The Hague Process "
               "on Refugees and Migration. All rights reserved.</p>",
               '  <p><a href="/en/disclaimer/">Disclaimer</a> | '
               '<a href="/en/sitemap/">Sitemap</a></p>',
               "</footer>", "</body>", "</html>", ""]
    text = "\n".join(top + body + bottom)
    if cp1252:
        return text.encode("cp1252")
    return text.encode("utf-8")


def listing_page(g, r):
    out = []
    items = r.randint(3, 5)
    while items > 0 or sum(len(x) + 1 for x in out) < 2100:
        items -= 1
        city = r.choice(g.cities)
        out.append(g.headline(city))
        out.append("")
        if r.random() < 0.7:
            out.append(g.location_line(city))
        if r.random() < 0.4:
            out.append("Partners: " + ", ".join(
                o.format(city=city[0]) for o in r.sample(ORGS, 2)) + ".")
        if r.random() < 0.8:
            out.append("")
            out.append(g.date_line())
        out.append("")
        for _ in range(r.randint(1, 3)):
            out.append(g.paragraph(city, 3, 6))
            out.append("")
        if r.random() < 0.4:
            out.append(r.choice(["Download the Report", "Read more",
                                 "Final Report"]))
            out.append("")
        out.append(r.choice(SEPARATORS))
        out.append("")
    text = "\n".join(out)
    if r.random() < 0.15:  # legacy: Windows-1252, CRLF, no declaration
        return text.replace("\n", "\r\n").encode("cp1252")
    return text.encode("utf-8")


def report(g, r):
    city = r.choice(g.cities)
    title = g.headline(city)
    npages = r.randint(3, 5)
    pages = []
    first = [title, "", "Authors: " + ", ".join(
        g.surname() + " " + g.surname() for _ in range(r.randint(1, 3))),
        "Publication date: " + str(r.randint(2004, 2016)), ""]
    first += wrap(g.paragraph(city, 3, 5))
    pages.append(first)
    for k in range(2, npages + 1):
        pg = [f"{k - 1}. {g.headline(city)}", ""]
        for _ in range(r.randint(2, 3)):
            pg += wrap(g.paragraph(city, 3, 5))
            pg.append("")
        pages.append(pg)
    text = "\f".join("\n".join(pg + ["", f"Page {i + 1} of {npages}", ""])
                     for i, pg in enumerate(pages))
    if r.random() < 0.1:
        return text.encode("cp1252")
    return text.encode("utf-8")


def page(i):
    """(relative path, bytes) of page i; depends on i only."""
    r = random.Random(SEED * 1000003 + i)
    g = Gen(r, CITIES)
    folder = f"d{i // PER_FOLDER:04d}"
    x = r.random()
    if x < 0.70:
        data = html_page(g, r, cp1252=r.random() < 0.2)
        name = f"p{i:06d}.html"
    elif x < 0.90:
        data = listing_page(g, r)
        name = f"l{i:06d}.txt"
    else:
        data = report(g, r)
        name = f"r{i:06d}.txt"
    return os.path.join(folder, name), data


def main(argv):
    if len(argv) != 3 or not argv[2].isdigit() or int(argv[2]) < 1:
        sys.stderr.write("usage: gen_corpus.py OUTDIR N\n")
        return 2
    out, n = argv[1], int(argv[2])
    stamp = os.path.join(out, ".bench-corpus")
    if os.path.exists(stamp):
        os.remove(stamp)
    total = 0
    kinds = {"html": 0, "listing": 0, "report": 0}
    sizes = []
    for i in range(n):
        rel, data = page(i)
        path = os.path.join(out, rel)
        if i % PER_FOLDER == 0:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        total += len(data)
        sizes.append(len(data))
        base = os.path.basename(rel)
        kinds["html" if base[0] == "p" else
              "listing" if base[0] == "l" else "report"] += 1
    sizes.sort()
    with open(stamp, "w") as f:
        f.write(f"version={VERSION} seed={SEED} pages={n} files={n} "
                f"bytes={total}\n")
    print(f"gen_corpus: {n} files, {total} bytes ({total / 1e6:.1f} MB) in "
          f"{out}: {kinds['html']} HTML, {kinds['listing']} listings, "
          f"{kinds['report']} reports; sizes {sizes[0]}..{sizes[-1]} bytes, "
          f"median {sizes[len(sizes) // 2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
