#!/usr/bin/env python3
"""Generate the legacy-encoding variants of the thp-search sample corpus.

The Hague Process on Refugees and Migration (THP) pages that thp-search has
to index were scraped at different times and arrive in different encodings.
The two real scrapes live in corpus/seeds/ and are kept byte for byte (with
their genuine mojibake).  This script writes a set of *derived* test files
into pages/ and reports/: the same news items, written below as correct
Unicode text, then encoded the way real-world pages turn up:

    pages/rotterdam-pilot.cp1252.html            Windows-1252, <meta charset>
    pages/porto-alegre-workshop.latin1.html      ISO-8859-1, http-equiv meta
    pages/global-cities-report.utf8.html         UTF-8 (no BOM), <meta charset>
    pages/johannesburg-consultation.mislabelled.html
                                                 UTF-8 bytes declared iso-8859-1
    pages/toronto-consultation.utf16le.html      UTF-16LE with BOM, no meta
    reports/state-of-play-review.utf8bom.txt     UTF-8 with BOM, has a form feed
    reports/istanbul-consultation.cp1252.txt     Windows-1252, no declaration,
                                                 CRLF line endings
    reports/manila-consultation.latin1.txt       ISO-8859-1, no declaration

The text is adapted/paraphrased from the seed items; a few details (names of
districts, a sentence on euro accounting, ...) are illustrative and exist
only to exercise the encodings.

Usage:  python3 generate.py [OUTPUT_DIR]
        OUTPUT_DIR defaults to the directory containing this script.

The output is deterministic: no timestamps, no randomness, files written in
sorted order, "\\n" (or explicit "\\r\\n") line endings regardless of the
platform.  corpus/check-generated.sh regenerates into a temporary directory
and compares the result with the committed files byte for byte, so any edit
here must be followed by a re-run and a commit of the regenerated files.

Standard library only (Python 3.11).
"""

import os
import sys

# ---------------------------------------------------------------------------
# HTML page template (shared boilerplate an extractor is expected to drop:
# <head> bits, <style>, <script>, <header>, <nav>, <aside>, <footer>, HTML
# comments and the "back to overview" link).
# ---------------------------------------------------------------------------

HTML_TEMPLATE = """\
<!DOCTYPE html>
<html lang="en">
<head>
{charset_decl}
<title>{title}</title>
<link rel="stylesheet" href="/static/css/thp.css">
<style type="text/css">
  body {{ font-family: "Segoe UI", Arial, sans-serif; margin: 0; }}
  nav ul li {{ display: inline; padding: 0 .5em; }}
  .styledecoy:after {{ content: "stylesheetonlyword"; }}
</style>
<script type="text/javascript">
  // Analytics snippet: none of this is page text.
  var _gaq = _gaq || [];
  _gaq.push(['_setAccount', 'UA-0000000-1']);
  if (window.innerWidth < 600 && document.getElementById('menu')) {{
    document.body.className += ' scriptonlyword';
  }}
</script>
</head>
<body>
<header id="top">
  <a href="/" class="logo">The Hague Process on Refugees and Migration</a>
  <form action="/search" method="get"><input type="text" name="q" value="Search this site"></form>
</header>
<nav id="menu">
  <ul>
    <li><a href="/en/">Home</a></li>
    <li><a href="/en/about/">About THP</a></li>
    <li><a href="/en/projects/">Projects</a></li>
    <li><a href="/en/publications/">Publications</a></li>
    <li><a href="/en/news/">News</a></li>
    <li><a href="/en/contact/">Contact</a></li>
  </ul>
</nav>
<!-- main content starts here; this comment is not page text -->
<main id="content">
<article>
<h1>{h1}</h1>
{body}
<p class="back"><a href="/en/news/">back to overview</a></p>
</article>
</main>
<aside class="more-news">
  <h2>More news</h2>
  <ul>
    <li><a href="/en/news/labor-migrant-integration/">Labor Migrant Integration through Cities and Business</a></li>
  </ul>
</aside>
<footer>
  <p>Copyright © 2014 The Hague Process on Refugees and Migration. All rights reserved.</p>
  <p><a href="/en/disclaimer/">Disclaimer</a> | <a href="/en/sitemap/">Sitemap</a></p>
</footer>
</body>
</html>
"""


def html_page(charset_decl, title, h1, body):
    """Fill the shared HTML template; body is ready-made HTML markup."""
    return HTML_TEMPLATE.format(
        charset_decl=charset_decl, title=title, h1=h1, body=body.strip("\n"))


# ---------------------------------------------------------------------------
# Rotterdam pilot: Windows-1252.  Contains ’ – “ ” € (bytes 0x80-0x9F, which
# mean something else - C1 controls - in ISO-8859-1) plus HTML entities.
# ---------------------------------------------------------------------------

ROTTERDAM = html_page(
    '<meta charset="windows-1252">',
    "Business–City Partnership Project: Rotterdam Pilot – THP",
    "Business–City Partnership Project: Rotterdam Pilot",
    """
<p>Building on THP’s experience with conducting Expert Consultations with the
private sector and cities, THP identified the need to form partnerships between
the private sector and cities to address migration challenges specific to the
city in question.</p>
<p>A first pilot project was launched to facilitate the formation of such a
partnership in the city of Rotterdam. THP, the Port of Rotterdam, the City of
Rotterdam &amp; Erasmus University are focusing on creating partnerships – or
“pathways of cooperation” – between city government and local businesses for
the purpose of improving migration and labour market outcomes in Rotterdam.</p>
<p>This two-year project is forward looking, has a long-term focus and is being
co-funded by the Dutch Ministry of Foreign Affairs, the City of Rotterdam and
the Port of Rotterdam amongst others. Contributions of the co-funding partners
are accounted for in euro (€) in THP’s annual report. As the project unfolds,
THP will roll out a series of other partnerships in cities in and around Europe
using the Rotterdam Pilot Project as an example &#8211; a r&eacute;sum&eacute;
of the pilot&rsquo;s first findings will be published on this website.</p>
<p>For more information about the Business–City Partnership Project please
contact Teressa Juzwiak (Research Coordinator).<br>
Tel: +31&nbsp;(0)10&nbsp;7118988</p>
""")

# ---------------------------------------------------------------------------
# Porto Alegre workshop: ISO-8859-1, declared with http-equiv.  Only Latin-1
# characters (ã é ç ü ê ó « » ...); no curly quotes or dashes.
# ---------------------------------------------------------------------------

PORTO_ALEGRE = html_page(
    '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
    "Towards an Inclusive Approach to Citizenship - Porto Alegre workshop - THP",
    "Towards an Inclusive Approach to Citizenship: Investing in Education for "
    "the Empowerment of All City Residents",
    """
<p class="meta">Location: Porto Alegre, Brazil<br>
Partners: City of The Hague, Compagnia di San Paolo, ICCO, Oxfam Novib.<br>
Date: February 2008</p>
<p>International Workshop organised by The Hague Process on Refugees and
Migration within the World Conference on the Development of Cities
(Conferência Mundial sobre o Desenvolvimento de Cidades): Democratic Innovation
and Social Transformations for Inclusive Cities for the 21st Century, which
took place in Porto Alegre, Brazil, in February 2008.</p>
<p>To what extent is education (educação, éducation) the key to the inclusion
and empowerment of all in the city? Is it a required focus for a holistic
human rights based approach to personal and collective development in the
city? What are the challenges in terms of effective and equal access for
refugees and migrant populations? Beyond access, what proactive policies can
enable newcomers to overcome barriers such as language, the school environment
(« l'environnement scolaire », as the delegation from Lyon put it) or
orientation? Which stakeholders should be engaged and which partnerships
established?</p>
<p>These are some of the framing questions which guided the work of The Hague
Process on Refugees and Migration at the conference in Porto Alegre.
Challenges were addressed by participants from Cairo, Johannesburg, São Paulo,
Lyon, Turin and The Hague on the basis of their respective experiences in the
field of education, human rights and migration. Speakers compared the
Brazilian idea of cidadania with the German Bürgerschaft and the French
citoyenneté, and the Prefeitura de Porto Alegre presented its programmes for
inclus&atilde;o social. The initiative unveiled pathways to advance the realization
of fundamental rights to education and inclusion of all city residents, and
received support from UNESCO by way of its Assistant Director-General for
Education, Mr. N. Burnett.</p>
<p>The key findings from the workshop in Porto Alegre can be found in the
Final Report &amp; its annexes.</p>
<p><a href="/media/reports/porto-alegre-2008-final-report.pdf">Download the Report</a></p>
""")

# ---------------------------------------------------------------------------
# Global Cities report: UTF-8 without BOM, correct São Paulo and en dashes
# (the same item appears as mojibake "S√£o Paulo" / "‚Äď" in seed 000).
# ---------------------------------------------------------------------------

GLOBAL_CITIES = html_page(
    '<meta charset="utf-8">',
    "Migrant and Refugee Integration in Global Cities – THP",
    "Migrant and Refugee Integration in Global Cities: The Role of Cities and "
    "Businesses",
    """
<p class="meta">Authors: Teressa Juzwiak, Elaine McGregor, Melissa Siegel<br>
Partner: Maastricht Graduate School of Governance, UNU-MERIT<br>
Publication date: 2014</p>
<p>Migration is a local reality. Cities are places where both migrants and
non-migrants interact, be it through working, studying, living, playing or
raising their families. This report blazes a trail by linking migrant and
refugee integration policies, public–private partnerships and the local level
in a comparative discussion. It will serve to fill an important gap in the
literature.</p>
<p>The study, initiated by The Hague Process on Refugees and Migration (THP) in
partnership with UNU-MERIT and its School of Governance, looks at how
businesses and governments in global cities contribute to the economic and
social integration of migrant and refugee populations, either through
outreach, specialised programmes, the provision of services or targeted
funding of NGOs; and to what extent these contributions can be deepened or
expanded. The study focuses on efforts by the private sector and city
governments – both separately and in partnership – to give these groups
greater protection and opportunities in employment markets and
communities.</p>
<p>More specifically, this report identifies good practices among the selected
cities as well as gaps in intervention by determining whether and how business
and cities are currently working together to create opportunities for migrants
and refugees to deepen their integration into society. Where there is
presently no collaboration between the private and public sectors, the
research identifies barriers and opportunities for potential partnerships. To
this end, the research draws from eight case studies:</p>
<ul class="case-studies">
  <li>Auckland (New Zealand)</li>
  <li>Buenos Aires (Argentina)</li>
  <li>Chicago (USA)</li>
  <li>Kuala Lumpur (Malaysia)</li>
  <li>Lisbon (Portugal)</li>
  <li>Nairobi (Kenya)</li>
  <li>Rotterdam (The Netherlands)</li>
  <li>São Paulo (Brazil)</li>
</ul>
<p><a href="/media/publications/global-cities-final-report.pdf">Final Report</a></p>
<p>The report is accompanied by eight individual case study reports, one per
city, which provide further background information and discussion for the
interested reader. Click on the respective city below to download the
individual case study report:</p>
<ul class="downloads">
  <li><a href="/media/publications/global-cities-buenos-aires.pdf">Buenos Aires</a></li>
  <li><a href="/media/publications/global-cities-kuala-lumpur.pdf">Kuala Lumpur</a></li>
  <li><a href="/media/publications/global-cities-sao-paulo.pdf">São Paulo</a></li>
</ul>
""")

# ---------------------------------------------------------------------------
# Johannesburg consultation: *mislabelled*.  The page claims iso-8859-1 but
# the bytes are UTF-8 (a CMS that stored UTF-8 under a Latin-1 template).  A
# correct decoder notices the bytes are valid UTF-8 and uses UTF-8; trusting
# the label would give "THPâ€™s" / "SÃ£o Paulo".
# ---------------------------------------------------------------------------

JOHANNESBURG = html_page(
    '<meta charset="iso-8859-1">',
    "First Expert Consultation for Business and Cities – Johannesburg – THP",
    "First Expert Consultation for Business and Cities on Migration and "
    "Urbanisation, Johannesburg",
    """
<p class="meta">Location: Johannesburg, South Africa<br>
Date: June 2011</p>
<p>On 28–29 June 2011 the first Expert Consultation for business and cities on
migration and urbanisation took place in Johannesburg, South Africa. Organised
by Foundation The Hague Process on Refugees and Migration (THP), the event was
the first in a series of some five similar consultations to be held around the
world. Toronto and Istanbul are next in line; Asia and Latin America will
follow.</p>
<p>The objective of THP’s consultations is to bring two key stakeholders in the
refugee and migration domain, big cities and business, together with a view to
develop practical answers to migration developments. In Johannesburg,
representatives of the City of Johannesburg and of companies operating in
Gauteng met international experts who had travelled from Zürich, São Paulo and
The Hague – a mix that made it possible to compare migration to Johannesburg
with the experience of other global cities.</p>
<p>The outcomes of each consultation will inform the next in the series and will
ultimately feed into The Hague Global Hearing on Refugees and Migration in
2012.</p>
<ul class="downloads">
  <li><a href="/media/consultations/johannesburg-regional-document.pdf">Regional document</a></li>
  <li><a href="/en/photos/johannesburg-2011/">Photo reportage</a></li>
</ul>
""")

# ---------------------------------------------------------------------------
# Toronto consultation: UTF-16LE with BOM and no <meta> declaration (the BOM
# is the only signal, as with files saved as "Unicode" by Windows editors).
# ---------------------------------------------------------------------------

TORONTO = html_page(
    "<!-- saved as Unicode; no charset declaration -->",
    "2nd Expert Consultation for Business and Cities – Toronto – THP",
    "2nd Expert Consultation for Business and Cities on Migration and "
    "Urbanisation, Toronto",
    """
<p class="meta">Location: Toronto, Canada<br>
Date: September 2011</p>
<p>The topic of migration seen from the perspective of business and cities is
not new to the Greater Toronto Area (GTA), where attention has been paid to
this nexus over the last ten years. However, THP’s initiative to organise an
Expert Consultation in cooperation with CivicAction offered an opportunity for
a broad selection of representatives from the region to get an international
perspective on migration trends, and to consider these trends in the context
of regional issues around migration with THP’s international
representatives.</p>
<p>The consultation allowed participants to explore the challenges presented by
immigration trends and the opportunities for better collaboration between the
private sector and the various levels of government. Participants from Toronto
compared notes with colleagues from Montréal and Québec City on the recognition
of foreign credentials, and on the rôle of employers in the settlement of
newcomers.</p>
<ul class="downloads">
  <li><a href="/media/consultations/toronto-regional-document.pdf">Regional Document</a></li>
</ul>
""")

# ---------------------------------------------------------------------------
# State of Play Review: plain-text report, UTF-8 with BOM.  A form feed
# separates the two "pages" of the report.
# ---------------------------------------------------------------------------

STATE_OF_PLAY = """\
State of Play Review: Migrants, Cities and the Business Sector
A global review of research-based evidence for policymaking by cities and businesses on migration

author: dr. Alfons Fermin
Partner: Western Union
Publisher: The Hague Process on Refugees and Migration, The Hague
Publication date: February 2011


1. Objective

The overall objective of this review is to compile and analyse existing
significant research on policies and strategies regarding migration and its
challenges for cities and the business sector, with the ultimate aim of
facilitating evidence-based decision-making. As a modest first step, this
report offers a “state of play” – in other words, a snapshot of the current
state of research-based evidence on migration, cities and the business sector.

The review aims to:
  • develop a profile and inventory of the available policy-relevant,
    research-based evidence;
  • distil and prioritise significant policy recommendations;
  • identify major gaps and overlap in research.
\f
2. Why cities and business?

THP has chosen to focus on the business sector and cities, as these two key
stakeholders are often excluded from the international refugee and migration
policy debates. This is remarkable as the overwhelming majority of migrants
settle in cities, and thus local governments – from The Hague to Toronto and
Johannesburg – are most directly confronted with the challenges related to
migration. At the same time, issues of international migration and mobility
are becoming a core strategic interest of businesses, due to processes of
globalisation and a growing interdependence of economies and actors.

Furthermore, policies and strategies of these two stakeholders are often more
practice-oriented and therefore appear to be more open to rational
information and arguments. This review is intended to be of assistance to all
relevant stakeholders in cities and the business sector across the world
involved in policy-making in the field of migration, but also to researchers
seeking insight into the work done to date.

The Hague, February 2011
"""

# ---------------------------------------------------------------------------
# Istanbul consultation: plain text, Windows-1252, no declaration, CRLF line
# endings.  Long, with many ’ “ ” – so that a statistical detector (and not
# only a label) can identify it as cp1252 rather than Latin-1.
# ---------------------------------------------------------------------------

ISTANBUL = """\
4th Expert Consultation for Business and Cities on Migration and Urbanisation, Istanbul

Location: Istanbul, Turkey
Date: October 2012

The topic of migration and refugees in the context of the Istanbul
Metropolitan Area has a long history, is complex but also in need of more
focused attention. THP’s initiative to organise an Expert Consultation in
cooperation with Bilgi University’s Center for Migration Research provided a
platform for a select group of representatives working in the field – in the
presence of international experts and representatives from the national and
local government. The event was an illustration of the state of migration and
refugee policies in the Turkish context. Reflective of the situation in Turkey
was the emphasis on refugee issues and the absence of domestic migrant
organisations.

Officials from the Ministry of the Interior (Department of Asylum Affairs)
explained how timely the consultation was, as preparations for a new
legislation on asylum were ongoing. The draft law would open the way to Turkey
meeting most of the requirements set by the EU – short of the lifting of the
“geographical limitation” to the 1951 Geneva Convention, under which Turkey
grants full refugee status only to people fleeing events in Europe.

To get an international perspective on migration trends, and to consider these
trends in the context of regional issues around migration, THP introduced
international representatives who highlighted the connection between urban
challenges on migration and refugees and the role of the business sector.
Discussions explored a number of topics – ranging from security considerations
to perceptions, irregular migration and the labour market. Against the
backdrop of an economy that for a significant part is informal, emphasis was
put on the context of urban poverty and the need for protection.

One participant summed up the day as “a first conversation between Istanbul’s
businesses and its newcomers, not the last one”. The organisers’ conclusions
will feed into The Hague Global Hearing on Refugees and Migration.

Regional document: istanbul-regional-document.pdf
"""

# ---------------------------------------------------------------------------
# Manila consultation: plain text, ISO-8859-1, no declaration.
# ---------------------------------------------------------------------------

MANILA = """\
3rd Expert Consultation for Business and Cities on Migration and Urbanisation, Manila

Location: Manila, the Philippines
Date: March 2012

The topic of migration is key in understanding social and economic realities
in the Philippines. Many dimensions of the phenomenon are the subject of
various national, regional and local initiatives. To address the issue of
migration from primarily a business and cities perspective, however, added a
new level of engagement.

THP's initiative to organise an Expert Consultation in Manila in cooperation
with IDEALS, hosted by THP Board Member Doris Magsaysay, offered a unique
occasion for a broad selection of representatives from local government, the
private sector and civil society to exchange best practices, discuss dilemmas
and forge new partnerships for practical cooperation. Participants came from
Metro Manila cities such as Makati, Parañaque and Las Piñas, and from San José
del Monte in Bulacan.

The consultation allowed participants to showcase existing initiatives and to
progressively debate the ambiguities of the migration realities, ranging from
social costs to economic opportunities. An important insight was that
migration is not a temporary phase society has to go through, but a persistent
feature that will not go away and has to be dealt with in all its aspects.

Regional document: manila-regional-document.pdf
Photo reportage: manila-2012-photos.html
"""


# ---------------------------------------------------------------------------
# Output table: (relative path, text, codec, BOM bytes, newline, place name).
# The place name is checked to be present so every file is findable by search.
# ---------------------------------------------------------------------------

FILES = [
    ("pages/rotterdam-pilot.cp1252.html",
     ROTTERDAM, "cp1252", b"", "\n", "Rotterdam"),
    ("pages/porto-alegre-workshop.latin1.html",
     PORTO_ALEGRE, "latin-1", b"", "\n", "Porto Alegre"),
    ("pages/global-cities-report.utf8.html",
     GLOBAL_CITIES, "utf-8", b"", "\n", "São Paulo"),
    ("pages/johannesburg-consultation.mislabelled.html",
     JOHANNESBURG, "utf-8", b"", "\n", "Johannesburg"),
    ("pages/toronto-consultation.utf16le.html",
     TORONTO, "utf-16-le", b"\xff\xfe", "\n", "Toronto"),
    ("reports/state-of-play-review.utf8bom.txt",
     STATE_OF_PLAY, "utf-8", b"\xef\xbb\xbf", "\n", "The Hague"),
    ("reports/istanbul-consultation.cp1252.txt",
     ISTANBUL, "cp1252", b"", "\r\n", "Istanbul"),
    ("reports/manila-consultation.latin1.txt",
     MANILA, "latin-1", b"", "\n", "Manila"),
]

C1_RANGE = range(0x80, 0xA0)  # cp1252 printables / Latin-1 C1 controls


def encode(text, codec, bom, newline):
    """Return the exact bytes of a file: BOM + text with newline applied.

    errors="strict": a character the codec cannot represent is a bug in the
    text above and must fail loudly, not be replaced silently.
    """
    if newline != "\n":
        text = text.replace("\n", newline)
    return bom + text.encode(codec, errors="strict")


def sanity_check(path, text, codec, data, place):
    """Guard the properties the tests rely on (raise, don't assert: -O safe)."""
    problems = []
    if place not in text:
        problems.append("missing place name %r" % place)
    if all(ord(c) < 128 for c in text):
        problems.append("no non-ASCII characters")
    if codec == "cp1252":
        # Must really need cp1252, i.e. contain bytes 0x80-0x9F.
        if not any(b in C1_RANGE for b in data):
            problems.append("no cp1252-specific bytes (0x80-0x9F)")
    if codec == "latin-1":
        # Latin-1 files must not contain C1 control bytes.
        if any(b in C1_RANGE for b in data):
            problems.append("C1 control bytes in a Latin-1 file")
    if "mislabelled" in path:
        if 'charset="iso-8859-1"' not in text or codec != "utf-8":
            problems.append("mislabelled page must be UTF-8 declared iso-8859-1")
    if "istanbul" in path and len(data) < 1500:
        problems.append("Istanbul report shorter than 1500 bytes")
    if "state-of-play" in path and "\f" not in text:
        problems.append("State of Play report lacks a form feed")
    if problems:
        raise SystemExit("generate.py: %s: %s" % (path, "; ".join(problems)))


def main(argv):
    if len(argv) > 2:
        raise SystemExit("usage: generate.py [OUTPUT_DIR]")
    out_dir = argv[1] if len(argv) == 2 else os.path.dirname(
        os.path.abspath(__file__))

    for rel, text, codec, bom, newline, place in sorted(FILES):
        data = encode(text, codec, bom, newline)
        sanity_check(rel, text, codec, data, place)
        path = os.path.join(out_dir, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:  # binary: no newline translation
            f.write(data)


if __name__ == "__main__":
    main(sys.argv)
