/*
** tinyindex.h: a small index for the query targets, built once in a
** temporary folder through the project's own index API (thp_index_put,
** as thp-index stores documents), and a reader on it as the daemon
** opens one (read-only, thp_reader_open). The folder is removed at exit.
**
** About thirty documents in the seven languages the index stems, of the
** three kinds, with dates of every precision, locations, authors and
** partners, report pages, and a pair of near-duplicates, so that
** filters, facets, sorts, grouping, passages and "did you mean" all have
** something to work on. What thp-index writes after a run can be added
** (thp_toplist_build): the vocabulary (completions, "did you mean", the
** as-you-type search) alone, or with the stored best hits of the
** frequent words, from which a reader then answers a bare such word.
**
**   tiny_open(lists, budget_ms)     a reader on a new index (aborts on
**                                   failure); kept for the process's life;
**                                   lists: TINY_NONE, TINY_VOCAB or
**                                   TINY_TOPLIST (vocabulary and best hits)
**   TINY_NDOCS                      documents stored
*/
#ifndef FUZZ_TINYINDEX_H
#define FUZZ_TINYINDEX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "thp/exec.h"
#include "thp/index.h"
#include "thp/toplist.h"

struct tiny_doc {
    const char *path, *kind, *lang, *title, *body, *date;
    int year, page;
    const char *location, *authors, *partners;
};

/* The text of two near-duplicates. */
#define TINY_LONG                                                          \
    "Cities are places where both migrants and non-migrants interact, be " \
    "it through working, studying, living, playing or raising their "     \
    "families. This report blazes a trail by linking migrant and refugee " \
    "integration policies, public-private partnerships and the local "    \
    "level in a comparative discussion of eight global cities, with the " \
    "harbour, a kestrel and a falcon."

static const struct tiny_doc tiny_docs[] = {
    {"news.html#expert-meeting-lyon", "item", "en",
     "Expert meeting in Lyon",
     "The expert meeting discussed the integration of refugees and "
     "migrants in cities. Local partners shared their experience with "
     "housing, language courses and work.",
     "2011-06-28", 2011, 0, "Lyon, France", NULL, "UNHCR, IOM"},
    {"news.html#report-launch", "item", "en", "Report launch in The Hague",
     "The report on migrant integration in global cities was launched at "
     "the Peace Palace. Refugees, mayors and researchers spoke.",
     "2014", 2014, 0, "The Hague, The Netherlands", "Ann Lee; Bo Chen",
     NULL},
    {"news.html#september-workshop", "item", "en", "SEPTEMBER 2011 workshop",
     "A workshop on public-private partnerships for refugee employment "
     "in the port city of Rotterdam.",
     "2011-09", 2011, 0, "Rotterdam, The Netherlands", NULL, "City of "
     "Rotterdam"},
    {"pages/rotterdam-pilot.html", "page", "en", "Rotterdam pilot project",
     "Business and city partnership: a pilot project in Rotterdam brings "
     "employers, refugees and the municipality together. The harbour "
     "offers work; the city offers language lessons.",
     "2012-03-15", 2012, 0, "Rotterdam", NULL, "Port of Rotterdam"},
    {"pages/porto-alegre.html", "page", "pt", "Oficina em Porto Alegre",
     "A oficina reuniu refugiados, migrantes e autoridades locais para "
     "discutir a integra\xC3\xA7\xC3\xA3o nas cidades do Brasil. S\xC3\xA3o "
     "Paulo e Porto Alegre apresentaram os seus programas.",
     "2013-05", 2013, 0, "Porto Alegre, Brasil", "Jo\xC3\xA3o Silva", NULL},
    {"pages/sao-paulo.html", "page", "pt", "Migrantes em S\xC3\xA3o Paulo",
     "O munic\xC3\xADpio de S\xC3\xA3o Paulo criou um centro de refer\xC3"
     "\xAAncia para migrantes e refugiados, com cursos de portugu\xC3\xAAs.",
     "2013", 2013, 0, "S\xC3\xA3o Paulo", NULL, NULL},
    {"pages/madrid.html", "page", "es", "Integraci\xC3\xB3n en Madrid",
     "La ciudad de Madrid y sus socios presentaron el programa de "
     "integraci\xC3\xB3n de refugiados y migrantes en los barrios.",
     "2010-11-02", 2010, 0, "Madrid, Espa\xC3\xB1" "a", NULL, "ACNUR"},
    {"pages/lyon-fr.html", "page", "fr", "R\xC3\xA9union \xC3\xA0 Lyon",
     "Les r\xC3\xA9" "fugi\xC3\xA9s et les migrants de la ville de Lyon "
     "ont particip\xC3\xA9 \xC3\xA0 la r\xC3\xA9union sur l'int\xC3\xA9gration "
     "et le logement.",
     "2011-06", 2011, 0, "Lyon", "Marie Dupont", NULL},
    {"pages/berlin.html", "page", "de", "Fl\xC3\xBC" "chtlinge in Berlin",
     "Die Stadt Berlin und ihre Partner sprechen \xC3\xBC" "ber die "
     "Integration von Fl\xC3\xBC" "chtlingen und Migranten in der Arbeit.",
     "2015-02", 2015, 0, "Berlin, Deutschland", NULL, NULL},
    {"pages/istanbul.html", "page", "tr", "\xC4\xB0stanbul'da toplant\xC4\xB1",
     "Bu toplant\xC4\xB1" "da m\xC3\xBClteciler ve g\xC3\xB6\xC3\xA7menler "
     "i\xC3\xA7in bir program var. \xC5\x9E" "ehir ve ortaklar\xC4\xB1 "
     "birlikte \xC3\xA7" "al\xC4\xB1\xC5\x9F\xC4\xB1yor.",
     "2016-10-12", 2016, 0, "\xC4\xB0stanbul, T\xC3\xBCrkiye", NULL, NULL},
    {"pages/amsterdam.html", "page", "nl", "Vluchtelingen in Amsterdam",
     "De gemeente Amsterdam werkt met partners aan de integratie van "
     "vluchtelingen en migranten in de stad en de haven.",
     "2012", 2012, 0, "Amsterdam", NULL, "Gemeente Amsterdam"},
    {"reports/global-cities.pdf#page=1", "report", "en",
     "Migrant and Refugee Integration in Global Cities",
     "Migrant and Refugee Integration in Global Cities: Case Studies. "
     "Juzwiak, McGregor, Siegel. Publication date: 2014.",
     "2014", 2014, 1, NULL, "Teressa Juzwiak, Elaine McGregor, Melissa "
     "Siegel", "UNU-MERIT"},
    {"reports/global-cities.pdf#page=2", "report", "en",
     "Migrant and Refugee Integration in Global Cities",
     "Auckland and Buenos Aires: the Patria Grande programme regularised "
     "migrants; Auckland's settlement strategy and its partners.",
     "2014", 2014, 2, NULL, "Teressa Juzwiak", "UNU-MERIT"},
    {"reports/global-cities.pdf#page=3", "report", "en",
     "Migrant and Refugee Integration in Global Cities",
     "Dublin and Lisbon: one-stop shops for immigrants, the harbour "
     "districts, housing and work for refugees and migrants.",
     "2014", 2014, 3, NULL, "Elaine McGregor", "UNU-MERIT"},
    {"reports/manila.txt", "report", "en", "Manila consultation",
     "Consultation in Manila, The Philippines: returning migrants, "
     "families and the city's programmes. Se\xC3\xB1or Cruz spoke.",
     "2009-08", 2009, 1, "Manila, The Philippines", NULL, NULL},
    {"reports/istanbul.txt", "report", "en", "Istanbul consultation",
     "The consultation in Istanbul brought refugees, employers and city "
     "officials together; a pilot for work permits followed.",
     NULL, 0, 1, "Istanbul", NULL, NULL},
    {"pages/toronto.html", "page", "en", "Toronto consultation",
     "Toronto's newcomer strategy: the city, its partners and refugees "
     "themselves on housing, language and employment.",
     "2017-04-30", 2017, 0, "Toronto, Canada", "Bo Chen", NULL},
    {"pages/johannesburg.html", "page", "en",
     "First Expert Consultation for Business",
     "Johannesburg hosted the first expert consultation for business and "
     "city partnerships on migrant employment.",
     "2010", 2010, 0, "Johannesburg, South Africa", NULL, "IOM"},
    {"pages/dup-a.html", "page", "en", "Global cities",
     TINY_LONG,
     "2012-05-01", 2012, 0, "Lyon", "Ann Lee", NULL},
    {"pages/dup-b.html", "page", "en", "Global cities",
     TINY_LONG " Extra.",
     "2012-05-01", 2012, 0, "Lyon", "Ann Lee", NULL},
    {"pages/empty-body.html", "page", NULL, "Only a title, refugees", "",
     NULL, 0, 0, NULL, NULL, NULL},
    {"pages/cjk.html", "page", NULL, "\xE9\x9A\xBE\xE6\xB0\x91 refugees",
     "\xE9\x9A\xBE\xE6\xB0\x91\xE5\x92\x8C\xE7\xA7\xBB\xE6\xB0\x91\xE5\x9C"
     "\xA8\xE5\x9F\x8E\xE5\xB8\x82 integration of refugees in cities.",
     "2018", 2018, 0, NULL, NULL, NULL},
    {"pages/greek.html", "page", NULL, "\xCE\xA0\xCF\x81\xCF\x8C\xCF\x83"
     "\xCF\x86\xCF\x85\xCE\xB3\xCE\xB5\xCF\x82",
     "\xCE\xA0\xCF\x81\xCF\x8C\xCF\x83\xCF\x86\xCF\x85\xCE\xB3\xCE\xB5\xCF"
     "\x82 \xCE\xBA\xCE\xB1\xCE\xB9 \xCE\xBC\xCE\xB5\xCF\x84\xCE\xB1\xCE"
     "\xBD\xCE\xAC\xCF\x83\xCF\x84\xCE\xB5\xCF\x82 in Athens, caf\xC3\xA9 "
     "na\xC3\xAFve co\xC3\xB6perate.",
     "2019-01-01", 2019, 0, "Athens", NULL, NULL},
    {"more-news.html#harbour", "item", "en", "Harbour refugees and the city",
     "The harbour, the city and the refugees: a kestrel over the port. "
     "Work, housing, language; migrants and refugees in every city.",
     "2011", 2011, 0, "Rotterdam", "Cy Dee", "IOM"},
};

#define TINY_NDOCS (sizeof tiny_docs / sizeof tiny_docs[0])

enum { TINY_NONE, TINY_VOCAB, TINY_TOPLIST };

static char tiny_dir[] = "/tmp/thp-fuzz-XXXXXX";
static int tiny_count;

/* Remove the index files and their folder. */
static void tiny_cleanup(void)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    char path[64];
    int i;
    size_t k;

    for (i = 0; i < tiny_count; i++)
        for (k = 0; k < sizeof ext / sizeof *ext; k++) {
            snprintf(path, sizeof path, "%s/%d.db%s", tiny_dir, i, ext[k]);
            unlink(path);
        }
    rmdir(tiny_dir);
}

static void tiny_fail(const struct thp_err *e)
{
    fprintf(stderr, "tinyindex: %s\n", e->msg);
    abort();
}

static thp_reader *tiny_open(int lists, unsigned budget_ms)
{
    thp_index *idx;
    thp_reader *rd;
    struct thp_err e;
    char path[64];
    size_t i;

    if (tiny_count == 0) {
        if (mkdtemp(tiny_dir) == NULL)
            abort();
        atexit(tiny_cleanup);
    }
    snprintf(path, sizeof path, "%s/%d.db", tiny_dir, tiny_count++);
    thp_err_clear(&e);
    if (thp_index_open(path, THP_INDEX_WRITE, &idx, &e) != THP_OK)
        tiny_fail(&e);
    for (i = 0; i < TINY_NDOCS; i++) {
        const struct tiny_doc *d = &tiny_docs[i];
        struct thp_record r;
        struct thp_source src;
        char key[128];

        memset(&r, 0, sizeof r);
        snprintf(key, sizeof key, "%s", d->path);
        key[strcspn(key, "#")] = '\0';
        r.source_key = r.path = d->path;
        r.source_path = key;
        r.anchor = strchr(d->path, '#') && !d->page ? strchr(d->path, '#') + 1
                                                    : NULL;
        r.kind = d->kind;
        r.title = d->title;
        r.body = d->body;
        r.date = d->date;
        r.year = d->year;
        r.page = d->page;
        r.lang = d->lang;
        r.location = d->location;
        r.authors = d->authors;
        r.partners = d->partners;
        r.charset = "UTF-8";
        r.repairs = "{\"charset\":\"UTF-8\",\"source\":\"utf-8\","
                    "\"confidence\":99}";
        r.mtime = 1300000000 + (int64_t)i;
        r.size = (int64_t)strlen(d->body);
        if (thp_index_put(idx, &r, NULL, &e) != THP_OK)
            tiny_fail(&e);
        /* a source is done after its last document */
        if (i + 1 < TINY_NDOCS &&
            !strncmp(tiny_docs[i + 1].path, key, strlen(key)) &&
            tiny_docs[i + 1].path[strlen(key)] == '#')
            continue;
        memset(&src, 0, sizeof src);
        src.path = key;
        src.mtime = r.mtime;
        src.size = r.size;
        src.hash = "0123456789abcdef";
        if (thp_index_source_done(idx, &src, NULL, &e) != THP_OK)
            tiny_fail(&e);
    }
    /* best hits of words in two documents or more; none in a billion */
    if (thp_index_commit(idx, &e) != THP_OK ||
        (lists != TINY_NONE &&
         thp_toplist_build(idx, 64, lists == TINY_TOPLIST ? 2 : 1000000000,
                           NULL, &e) != THP_OK))
        tiny_fail(&e);
    thp_index_close(idx);
    if (thp_reader_open(path, &rd, &e) != THP_OK)
        tiny_fail(&e);
    thp_reader_budget(rd, budget_ms);
    return rd; /* lives as long as the process */
}

#endif
