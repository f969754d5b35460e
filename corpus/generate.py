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
    reports/global-cities-case-studies.pdf       PDF 1.4 written by hand: six
                                                 pages, Helvetica/WinAnsi
                                                 (cp1252) text, for pdftotext

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

import hashlib
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
# Global Cities case studies: a real multi-page PDF, written by hand below
# (PDF 1.4, uncompressed content streams, standard Type1 fonts Helvetica and
# Helvetica-Bold with /WinAnsiEncoding, so every text string is cp1252 bytes).
# It exists so the indexer's PDF path (poppler's pdftotext) can be tested end
# to end, including page numbers: each case-study city, and one distinctive
# term, occurs on exactly one page (see PDF_PAGE_TERMS and corpus/README.md).
#
# A no-break space (U+00A0) in the text below only keeps words together on a
# line ("Kuala Lumpur", "jua kali"); it is written as an ordinary space.
# ---------------------------------------------------------------------------

NBSP = "\u00a0"

PDF_TITLE = "Migrant and Refugee Integration in Global Cities: Case Studies"
PDF_AUTHORS = "Teressa Juzwiak, Elaine McGregor, Melissa Siegel"

# Each page is a list of (style, text) blocks; see PDF_STYLES.
PDF_REPORT = [
    # ---- page 1: title page (no city names) -------------------------------
    [
        # The title must be the first line, and one line: thp-index titles
        # a report by the first line of its text.
        ("gap", "60"),
        ("title", PDF_TITLE),
        ("gap", "4"),
        ("subtitle", "The Role of Cities and Businesses"),
        ("gap", "36"),
        ("meta", "Authors: " + PDF_AUTHORS),
        ("meta", "Partner: Maastricht Graduate School of Governance, "
                 "UNU-MERIT"),
        ("meta", "Published by The Hague Process on Refugees and Migration"),
        ("meta", "Publication date: 2014"),
        ("gap", "48"),
        ("h2", "About this volume"),
        ("p", "Migration is a local reality. Cities are where migrants and "
              "non-migrants meet – at work, at school, in the neighbourhood – "
              "and where integration succeeds or fails. This volume brings "
              "together summaries of the eight case studies that underpin "
              "the THP–UNU-MERIT report on the role of cities and businesses "
              "in the economic and social integration of migrant and refugee "
              "populations. Each summary describes the city’s migration "
              "profile, the main actors on the public and the private side, "
              "and the partnerships – existing or potential – between them."),
        ("p", "The case studies were prepared through desk research and "
              "interviews with city officials, employers, chambers of "
              "commerce and non-governmental organisations. They are not a "
              "ranking: every city starts from a different place, and what "
              "works in one labour market may not travel to another. Details "
              "of individual programmes are summarised from the full case "
              "study reports."),
        ("gap", "170"),
        ("small", "© 2014 The Hague Process on Refugees and Migration, "
                  "The Hague"),
    ],
    # ---- page 2: Auckland, Buenos Aires ------------------------------------
    [
        ("h1", "1. Auckland (New Zealand)"),
        ("p", "Auckland is one of the most diverse cities in the world: close "
              "to four in ten of its residents were born overseas, many of "
              "them in the Pacific Islands, China, India and the United "
              "Kingdom. Migration has been a deliberate part of New Zealand’s "
              "economic strategy for decades, with a points-based system that "
              "selects skilled migrants and an annual refugee quota that "
              "brings resettled refugees to the country."),
        ("p", "Auckland Council and central government share responsibility "
              "for settlement, and business associations are increasingly "
              "part of the conversation. The Auckland Chamber of Commerce "
              "runs a job-matching service, New" + NBSP + "Kiwis, that "
              "connects skilled newcomers with employers, and several large "
              "firms offer work placements for recent arrivals. The case "
              "study finds that the main gap is not a lack of goodwill but "
              "of coordination: employers, the Council and settlement "
              "agencies each run their own schemes, and a newcomer’s first "
              "job often depends on whom he or she happens to meet."),
        ("h1", "2. Buenos" + NBSP + "Aires (Argentina)"),
        ("p", "Buenos" + NBSP + "Aires has been shaped by migration since the "
              "nineteenth century. Today most newcomers arrive from "
              "neighbouring countries – Paraguay, Bolivia and Peru – and "
              "settle in the city and its surrounding conurbation, often "
              "working in construction, domestic service, textile workshops "
              "and retail. Argentina’s Migration Law of 2004 recognises "
              "migration as a human right, and the Patria" + NBSP + "Grande "
              "regularisation programme allowed hundreds of thousands of "
              "residents from MERCOSUR countries to obtain legal status."),
        ("p", "The city government works through its offices for community "
              "affairs and collective rights, while NGOs and migrant "
              "associations provide much of the day-to-day support. "
              "Cooperation with business is still limited: employers are "
              "rarely seen as partners in integration, and informal work "
              "remains widespread. The case study argues that the "
              "regularisation experience offers a foundation – documented "
              "workers are easier to hire, train and protect – on which "
              "city–business partnerships could now be built."),
    ],
    # ---- page 3: Chicago, Kuala Lumpur -------------------------------------
    [
        ("h1", "3. Chicago (United States)"),
        ("p", "Chicago has long been a gateway city for immigrants from "
              "Mexico, Poland, India and the Philippines and, more recently, "
              "from many African and Middle Eastern countries; about one in "
              "five Chicagoans was born abroad. In 2011 the City created an "
              "Office of New Americans with the stated aim of making Chicago "
              "“the most immigrant-friendly city in the world”, and it has "
              "since launched initiatives on citizenship, small business "
              "support and access to city services."),
        ("p", "The private sector is a visible partner. Banks, foundations "
              "and large employers fund English classes, financial literacy "
              "training and citizenship workshops, while business "
              "associations help immigrant entrepreneurs navigate licensing "
              "rules. The case study highlights how the City acts as a "
              "convener – bringing companies, community organisations and "
              "universities to the same table – rather than as the sole "
              "funder of integration programmes."),
        ("h1", "4. Kuala" + NBSP + "Lumpur (Malaysia)"),
        ("p", "Kuala" + NBSP + "Lumpur and the surrounding Klang Valley depend "
              "heavily on foreign labour. Migrant workers from Indonesia, "
              "Bangladesh, Nepal and Myanmar are employed in construction, "
              "manufacturing, services and domestic work, mostly on "
              "temporary permits tied to a single employer. Malaysia is not a "
              "party to the 1951 Refugee Convention, and refugees registered "
              "with UNHCR – many of them Rohingya and Chin from Myanmar – "
              "have no formal right to work."),
        ("p", "Integration is therefore not an explicit policy goal, and the "
              "city authority, Kuala" + NBSP + "Lumpur City Hall (Dewan" + NBSP
              + "Bandaraya), has a limited role in migration matters. "
              "Employers, recruitment agencies and NGOs fill part of the gap, "
              "for example by providing housing, health screening and "
              "language support for their workers. The case study identifies "
              "room for cooperation on decent housing and on access to "
              "health care, areas in which both the city and business have "
              "a direct interest."),
    ],
    # ---- page 4: Lisbon, Nairobi -------------------------------------------
    [
        ("h1", "5. Lisbon (Portugal)"),
        ("p", "Lisbon’s immigrant population grew rapidly from the 1990s, "
              "first from Portuguese-speaking African countries such as Cape "
              "Verde and Angola, then from Brazil, Eastern Europe and South "
              "Asia. Portugal is often cited for its integration policies: "
              "the National Immigrant Support Centre in Lisbon brings "
              "together, under one roof, the services a newcomer needs – "
              "residence permits, social security, employment and legal "
              "advice."),
        ("p", "The municipality is preparing its own plan for immigrant "
              "integration, and neighbourhoods such as Mouraria and "
              "Martim" + NBSP + "Moniz, with their migrant-run shops, "
              "restaurants and cafés, have become part of the city’s image. "
              "Business involvement takes the form of corporate social "
              "responsibility projects, entrepreneurship support and "
              "microcredit. The economic crisis after 2008 reduced both "
              "public budgets and job opportunities, and the case study "
              "stresses the need to sustain partnerships in difficult "
              "times."),
        ("h1", "6. Nairobi (Kenya)"),
        ("p", "Nairobi is both a destination for migrants from within East "
              "Africa and home to a large urban refugee population, including "
              "Somalis, Ethiopians, Congolese and South Sudanese. Although "
              "Kenya’s encampment policy requires most refugees to live in "
              "the Dadaab and Kakuma camps, tens of thousands live in the "
              "city, many of them in Eastleigh, which has grown into one of "
              "the region’s busiest commercial hubs."),
        ("p", "Most migrants and refugees earn their living in the informal "
              "economy – the jua" + NBSP + "kali sector – as traders, "
              "mechanics, tailors and artisans. City authorities and "
              "businesses have rarely cooperated on integration, and "
              "refugees without documents face harassment and difficulty "
              "opening bank accounts or obtaining business licences. The case "
              "study suggests that recognising the economic contribution of "
              "jua" + NBSP + "kali workshops, for instance through licensing, "
              "vocational training and access to mobile money services, could "
              "benefit the city, business and migrants alike."),
    ],
    # ---- page 5: Rotterdam, São Paulo --------------------------------------
    [
        ("h1", "7. Rotterdam (The Netherlands)"),
        ("p", "Almost half of Rotterdam’s population has a migrant "
              "background, with large communities of Surinamese, Turkish, "
              "Moroccan, Cape Verdean and Antillean origin and a growing "
              "number of workers from Central and Eastern Europe. The city "
              "has a long tradition of integration policy and a strong "
              "port-based economy, but unemployment among young people with "
              "a migrant background remains well above the city average."),
        ("p", "Rotterdam is the city where THP chose to move from research "
              "to practice. Building on the case study, THP, the Port of "
              "Rotterdam, the City of Rotterdam and Erasmus University "
              "started a Business–City Partnership pilot to create "
              "“pathways of cooperation” between the city government and "
              "local businesses, with the aim of improving labour market "
              "outcomes for migrants and refugees."),
        ("h1", "8. São" + NBSP + "Paulo (Brazil)"),
        ("p", "São" + NBSP + "Paulo, the largest city in South America, was "
              "built by successive waves of migrants – from Italy, Portugal, "
              "Japan, Lebanon and the Brazilian Northeast. Today the city "
              "also receives newcomers from Bolivia, Paraguay, Peru, China, "
              "West Africa and, since 2010, Haiti. Many Bolivians work in "
              "small garment workshops in neighbourhoods such as Bom" + NBSP
              + "Retiro and Brás, where long hours and poor conditions have "
              "drawn public attention."),
        ("p", "In 2013 the municipality created a coordination office for "
              "migrant policies within its human rights department. "
              "Businesses are involved mainly through the garment supply "
              "chain: retailers have signed commitments to monitor their "
              "suppliers, while organisations such as Missão" + NBSP + "Paz "
              "work with employers on documentation and labour rights. The "
              "case study sees São" + NBSP + "Paulo as a city where a new "
              "public commitment could be matched by a more active role for "
              "the private sector."),
    ],
    # ---- page 6: conclusions (no city names) -------------------------------
    [
        ("h1", "Conclusions: what cities and businesses can do together"),
        ("p", "Across the eight cities, the case studies point to a common "
              "finding: cities and businesses both have a stake in the "
              "successful integration of migrants and refugees, but they "
              "seldom act together. Where cooperation exists, it is often "
              "project-based, dependent on individual champions and "
              "vulnerable to changes in leadership or budgets."),
        ("p", "Three lessons stand out. First, city governments can act as "
              "conveners and brokers, providing a matchmaking service between "
              "employers looking for skills and newcomers looking for work. "
              "Second, businesses bring more than money: mentoring, work "
              "placements and knowledge of the labour market are often worth "
              "more than a grant. Third, partnerships last when they serve "
              "the interests of all parties – the city, the company and the "
              "migrant – rather than relying on charity alone."),
        ("p", "The report therefore recommends that cities map existing "
              "initiatives, create a single point of contact for employers, "
              "and evaluate joint programmes, so that good practices can "
              "travel from one global city to another. It is accompanied by "
              "eight individual case study reports, one per city, which "
              "provide further background for the interested reader."),
    ],
]

# Terms that occur on exactly one page of the PDF (1-based page numbers);
# checked by sanity_check_pdf() and documented in corpus/README.md.
PDF_PAGE_TERMS = [
    ("Publication date: 2014", 1),
    ("Auckland", 2), ("Buenos Aires", 2), ("Patria Grande", 2),
    ("Chicago", 3), ("Kuala Lumpur", 3), ("Dewan Bandaraya", 3),
    ("Lisbon", 4), ("Nairobi", 4), ("jua kali", 4), ("Eastleigh", 4),
    ("Rotterdam", 5), ("São Paulo", 5),
    ("matchmaking", 6),
]

# style: (font resource, size, line height, space before, space after).
PDF_STYLES = {
    "small":    ("F1", 9.0, 12.0, 0.0, 0.0),
    "title":    ("F2", 14.0, 20.0, 0.0, 0.0),
    "subtitle": ("F1", 12.0, 16.0, 0.0, 0.0),
    "meta":     ("F1", 11.0, 16.0, 0.0, 0.0),
    "h1":       ("F2", 14.0, 18.0, 10.0, 6.0),
    "h2":       ("F2", 12.0, 16.0, 6.0, 4.0),
    "p":        ("F1", 10.5, 14.0, 0.0, 8.0),
}
PDF_FONTS = [("F1", "Helvetica"), ("F2", "Helvetica-Bold")]
PDF_PAGE_W, PDF_PAGE_H = 595, 842          # A4 in points
PDF_LEFT, PDF_TOP, PDF_BOTTOM = 72.0, 770.0, 80.0
PDF_TEXT_W = PDF_PAGE_W - 2 * PDF_LEFT    # 451 pt
PDF_FOOTER_Y = 40.0

# Helvetica advance widths (1/1000 em, Adobe AFM) for every character used,
# to wrap lines inside the text block.  Helvetica-Bold is at most ~11 %
# wider; bold lines are measured with a 1.12 factor to stay on the safe side.
HELVETICA_WIDTHS = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333,
     278, 278] + [556] * 10 + [278, 278, 584, 584, 584, 556, 1015,
     667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722,
     778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
     278, 278, 278, 469, 556, 333,
     556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556,
     556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500,
     334, 260, 334, 584]))
HELVETICA_WIDTHS.update({
    NBSP: 278, "ã": 556, "á": 556, "é": 556, "ç": 500, "©": 737,
    "’": 222, "“": 333, "”": 333, "–": 556,
})


def pdf_text_width(text, size, bold=False):
    """Width in points of text set in Helvetica (KeyError: add the glyph)."""
    units = sum(HELVETICA_WIDTHS[c] for c in text)
    return units * size / 1000.0 * (1.12 if bold else 1.0)


def pdf_wrap(text, size, bold, width):
    """Greedy word wrap on ordinary spaces (never on U+00A0 or dashes)."""
    lines, line = [], ""
    for word in text.split(" "):
        candidate = word if not line else line + " " + word
        if line and pdf_text_width(candidate, size, bold) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    for line in lines:
        if pdf_text_width(line, size, bold) > width:
            raise SystemExit("generate.py: PDF line too wide: %r" % line)
    return lines


def pdf_num(x):
    """A PDF number, formatted the same way on every platform."""
    s = "%.2f" % x
    return s.rstrip("0").rstrip(".") if "." in s else s


def pdf_string(text):
    """A PDF literal string holding the WinAnsi (cp1252) bytes of text."""
    data = text.replace(NBSP, " ").encode("cp1252", errors="strict")
    data = (data.replace(b"\\", b"\\\\")
                .replace(b"(", b"\\(").replace(b")", b"\\)"))
    if b"\r" in data or b"\n" in data:
        raise SystemExit("generate.py: line break inside a PDF string")
    return b"(" + data + b")"


def pdf_page_content(blocks, page_no, page_count):
    """Content stream of one page: one BT/ET text object per line."""
    ops, y = [], PDF_TOP

    def show(font, size, x, y, text):
        ops.append(b"BT\n/%s %s Tf\n%s %s Td\n%s Tj\nET\n" % (
            font.encode("ascii"), pdf_num(size).encode("ascii"),
            pdf_num(x).encode("ascii"), pdf_num(y).encode("ascii"),
            pdf_string(text)))

    first = True
    for style, text in blocks:
        if style == "gap":
            y -= float(text)
            continue
        font, size, leading, before, after = PDF_STYLES[style]
        if not first:
            y -= before
        first = False
        for line in pdf_wrap(text, size, font == "F2", PDF_TEXT_W):
            y -= leading
            if y < PDF_BOTTOM:
                raise SystemExit("generate.py: PDF page %d overflows"
                                 % page_no)
            show(font, size, PDF_LEFT, y, line)
        y -= after
    footer = "Page %d of %d" % (page_no, page_count)
    show("F1", 9.0, (PDF_PAGE_W - pdf_text_width(footer, 9.0)) / 2,
         PDF_FOOTER_Y, footer)
    return b"".join(ops)


def pdf_dict(entries):
    return b"<< " + b" ".join(b"/%s %s" % (k.encode("ascii"), v)
                              for k, v in entries) + b" >>"


def build_pdf(pages, info):
    """Serialise a complete PDF 1.4 file (bytes) for the given pages.

    Objects: 1 catalog, 2 pages tree, 3 info, then one per font, then a
    page object and its content stream per page.  The xref table holds the
    byte offset of every object; /ID is the MD5 of the file body, so the
    output is a pure function of the input.
    """
    n_fonts = len(PDF_FONTS)
    first_page = 4 + n_fonts
    page_ids = [first_page + 2 * i for i in range(len(pages))]
    font_refs = b" ".join(b"/%s %d 0 R" % (name.encode("ascii"), 4 + i)
                          for i, (name, _) in enumerate(PDF_FONTS))
    # Info strings are PDFDocEncoding, not WinAnsi: keep them ASCII.
    if not all(value.isascii() for _, value in info):
        raise SystemExit("generate.py: PDF /Info values must be ASCII")
    objects = [
        pdf_dict([("Type", b"/Catalog"), ("Pages", b"2 0 R")]),
        pdf_dict([("Type", b"/Pages"),
                  ("Kids", b"[" + b" ".join(b"%d 0 R" % i for i in page_ids)
                   + b"]"),
                  ("Count", b"%d" % len(pages))]),
        pdf_dict([(key, pdf_string(value)) for key, value in info]),
    ]
    for _, base in PDF_FONTS:
        objects.append(pdf_dict([
            ("Type", b"/Font"), ("Subtype", b"/Type1"),
            ("BaseFont", b"/" + base.encode("ascii")),
            ("Encoding", b"/WinAnsiEncoding")]))
    for i, blocks in enumerate(pages):
        content = pdf_page_content(blocks, i + 1, len(pages))
        objects.append(pdf_dict([
            ("Type", b"/Page"), ("Parent", b"2 0 R"),
            ("MediaBox", b"[0 0 %d %d]" % (PDF_PAGE_W, PDF_PAGE_H)),
            ("Resources", b"<< /Font << " + font_refs
             + b" >> /ProcSet [/PDF /Text] >>"),
            ("Contents", b"%d 0 R" % (page_ids[i] + 1))]))
        objects.append(pdf_dict([("Length", b"%d" % len(content))])
                       + b"\nstream\n" + content + b"endstream")

    # Header; the comment of four high bytes marks the file as binary.
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    file_id = hashlib.md5(bytes(out)).hexdigest().upper().encode("ascii")
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"   # every entry is exactly 20 bytes
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n" + pdf_dict([
        ("Size", b"%d" % (len(objects) + 1)), ("Root", b"1 0 R"),
        ("Info", b"3 0 R"), ("ID", b"[<" + file_id + b"> <" + file_id + b">]"),
    ]) + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_page_plain_text(blocks):
    """The words of one page as plain text (for sanity checks)."""
    return " ".join(text.replace(NBSP, " ") for style, text in blocks
                    if style != "gap")


def sanity_check_pdf(path, data, pages, page_terms):
    """Structural self-check of build_pdf's output and of the page terms."""
    problems = []
    if not data.startswith(b"%PDF-1.4\n") or not data.endswith(b"%%EOF\n"):
        problems.append("bad header or trailer")
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    if data[xref:xref + 5] != b"xref\n":
        problems.append("startxref does not point at the xref table")
    count = int(data[xref:].split(b"\n")[1].split()[1])
    for num in range(1, count):
        entry = data[xref:].split(b"\n")[2 + num]
        off = int(entry[:10])
        if not data.startswith(b"%d 0 obj\n" % num, off):
            problems.append("xref entry %d is not at its object" % num)
    if not 4 <= len(pages) <= 6:
        problems.append("%d pages, want 4-6" % len(pages))
    texts = [pdf_page_plain_text(blocks) for blocks in pages]
    for term, page in page_terms:
        where = [i + 1 for i, t in enumerate(texts) if term in t]
        if where != [page]:
            problems.append("%r is on page(s) %s, want only %d"
                            % (term, where, page))
    for ch in "ã–’é":
        if ch not in "".join(texts):
            problems.append("no %r in the text" % ch)
    if problems:
        raise SystemExit("generate.py: %s: %s" % (path, "; ".join(problems)))


GLOBAL_CITIES_PDF = build_pdf(PDF_REPORT, [
    ("Title", PDF_TITLE),
    ("Author", PDF_AUTHORS),
    ("Subject", "Eight case studies on the role of cities and businesses "
                "in migrant and refugee integration"),
    ("Creator", "thp-search corpus/generate.py"),
    ("Producer", "thp-search corpus/generate.py"),
    ("CreationDate", "D:20140101000000Z"),
])

# Binary files written as they are: (relative path, bytes).
BINARY_FILES = [
    ("reports/global-cities-case-studies.pdf", GLOBAL_CITIES_PDF),
]

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

    for rel, data in sorted(BINARY_FILES):
        sanity_check_pdf(rel, data, PDF_REPORT, PDF_PAGE_TERMS)
        path = os.path.join(out_dir, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv)
