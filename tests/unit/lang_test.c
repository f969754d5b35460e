/*
** lang_test.c: language detection. Opening (language lists, models),
** bad arguments, the labelled set tests/cases/lang.txt (never a wrong
** guess, every paragraph and page right, names and foreign text "", and
** at least 80% right overall), the rules for names, suffixes and
** letters, the read limit, a candidate subset, and the same answers from
** four threads at once.
*/
#include <pthread.h>
#include <stdlib.h>

#include "check.h"
#include "thp/lang.h"
#include "thp/mem.h"

#define MAXS 512

struct sample {
    char want[4]; /* "" for a "-" line */
    char *text;
    size_t n;
};

static struct sample set[MAXS];
static int nset;

/* Read tests/cases/lang.txt ("CODE TEXT" lines; "-" means ""). */
static int load(const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL, *sp;
    size_t cap = 0;
    ssize_t len;

    if (!f)
        return 0;
    while ((len = getline(&line, &cap, f)) > 0 && nset < MAXS) {
        while (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        sp = strchr(line, ' ');
        if (!sp || sp - line > 2)
            continue;
        *sp = '\0';
        snprintf(set[nset].want, sizeof set[nset].want, "%s",
                 strcmp(line, "-") == 0 ? "" : line);
        set[nset].n = strlen(sp + 1);
        set[nset].text = malloc(set[nset].n + 1);
        if (!set[nset].text)
            break;
        memcpy(set[nset].text, sp + 1, set[nset].n + 1);
        nset++;
    }
    free(line);
    fclose(f);
    return nset;
}

static const char *detect(const thp_lang *det, const char *s)
{
    static struct thp_lang_guess g;

    if (thp_lang_detect(det, s, strlen(s), &g) != THP_OK)
        return "(error)";
    return g.lang;
}

static void test_open(void)
{
    static const char *const bad[] = {
        "xx", "en en", "english", "en,,it", "en nl pt es fr de tr en", " , "};
    struct thp_err err;
    thp_lang *det = (thp_lang *)&err;
    size_t i;

    thp_err_clear(&err);
    CHECK(thp_lang_open(&det, NULL, NULL, &err) == THP_OK && det);
    thp_lang_close(det);
    CHECK(thp_lang_open(&det, "", NULL, NULL) == THP_OK && det);
    thp_lang_close(det);
    CHECK(thp_lang_open(&det, "tr,de", NULL, NULL) == THP_OK && det);
    thp_lang_close(det);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        det = (thp_lang *)&err;
        CHECK(thp_lang_open(&det, bad[i], NULL, NULL) == THP_ERR_MISUSE);
        CHECK(det == NULL);
    }
    thp_err_clear(&err);
    CHECK(thp_lang_open(&det, "en it", NULL, &err) == THP_ERR_MISUSE);
    CHECK(strstr(err.msg, "'it'") != NULL);

    /* a models folder without the models: an I/O error that names one */
    thp_err_clear(&err);
    det = (thp_lang *)&err;
    CHECK(thp_lang_open(&det, NULL, "tests/no-such-dir", &err) ==
          THP_ERR_IO);
    CHECK(det == NULL);
    CHECK(strstr(err.msg, "tests/no-such-dir/en.lm") != NULL);
    CHECK(thp_lang_open(NULL, NULL, NULL, NULL) == THP_ERR_MISUSE);
    thp_lang_close(NULL);

    /* out of memory: a clean code, nothing returned */
    thp_err_clear(&err);
    det = (thp_lang *)&err;
    thp_mem_fail_after(0);
    CHECK(thp_lang_open(&det, NULL, NULL, &err) == THP_ERR_NOMEM);
    thp_mem_fail_after(-1);
    CHECK(det == NULL && err.rc == THP_ERR_NOMEM);
}

static void test_args(const thp_lang *det)
{
    struct thp_lang_guess g;

    memset(&g, 0x55, sizeof g);
    CHECK(thp_lang_detect(det, NULL, 0, &g) == THP_OK);
    CHECK_STR(g.lang, "");
    CHECK_STR(g.leader, "");
    CHECK(g.words == 0 && g.read == 0 && g.by == THP_LANG_BY_NONE);
    CHECK(g.confidence == 0);
    CHECK(thp_lang_detect(det, "", 0, &g) == THP_OK && !g.lang[0]);
    CHECK(thp_lang_detect(det, NULL, 3, &g) == THP_ERR_MISUSE);
    CHECK(thp_lang_detect(NULL, "the", 3, &g) == THP_ERR_MISUSE);
    CHECK(thp_lang_detect(det, "the", 3, NULL) == THP_ERR_MISUSE);
    CHECK_STR(detect(det, "   \t\n 2019 -- 12.03. !!"), "");
    CHECK_STR(detect(det, "\xff\xfe the of and \xc3"), "en");
}

/*
** The labelled set. What must hold, sample by sample: no wrong guess
** (a wrong language stems a document worse than the default does);
** every text over 200 bytes right (paragraphs and pages carry dozens of
** function words); names, places and other languages "". Overall at
** least 80% right: measured 85.7% (bench/lang_eval), the rest "" and so
** the default; 80% allows a few short titles to move with another
** libexttextcat-data, and fails when step 2 is lost (function words
** alone give 69%).
*/
static void test_set(const thp_lang *det)
{
    int i, right = 0, wrong = 0;

    CHECK(load("tests/cases/lang.txt") >= 200);
    for (i = 0; i < nset; i++) {
        struct thp_lang_guess g;
        const char *want = set[i].want;

        CHECK(thp_lang_detect(det, set[i].text, set[i].n, &g) == THP_OK);
        if (strcmp(g.lang, want) == 0)
            right++;
        else if (g.lang[0])
            wrong++;
        if ((g.lang[0] && strcmp(g.lang, want) != 0) ||
            (!g.lang[0] && (set[i].n > 200 || !want[0]) && want[0]) ||
            (g.lang[0] && !want[0])) {
            fprintf(stderr, "lang_test: want \"%s\" got \"%s\": %.60s\n",
                    want, g.lang, set[i].text);
            CHECK(strcmp(g.lang, want) == 0);
        }
        if (g.lang[0]) {
            CHECK(g.confidence > 0 && g.confidence <= 1);
            CHECK(g.by == THP_LANG_BY_WORDS || g.by == THP_LANG_BY_NGRAMS);
        }
    }
    CHECK(wrong == 0);
    CHECK(right * 100 >= nset * 80);
    printf("lang_test: %d of %d right, %d wrong\n", right, nset, wrong);
}

static void test_rules(const thp_lang *det, const thp_lang *words)
{
    struct thp_lang_guess g;
    const char *s;

    /* English with Portuguese places: English or nothing */
    s = detect(det, "Workshop in São Paulo and Porto Alegre");
    CHECK(strcmp(s, "en") == 0 || strcmp(s, "") == 0);
    s = detect(det, "Expert consultation in Istanbul");
    CHECK(strcmp(s, "en") == 0 || strcmp(s, "") == 0);

    /* capitalised function words before a capitalised word: names */
    s = "Den Haag, De Vries, La Haya, Dos Santos, Van Gogh";
    CHECK(thp_lang_detect(det, s, strlen(s), &g) == THP_OK);
    CHECK(g.score == 0 && !g.leader[0] && !g.lang[0]);
    /* ... but all capitals is a heading, not names */
    CHECK_STR(detect(words, "THE ROLE OF CITIES IN THE INTEGRATION OF "
                            "REFUGEES"), "en");

    /* after letter + apostrophe: a suffix, not a word */
    s = "Mayıs'ta Gaziantep'te İzmir'de";
    CHECK(thp_lang_detect(det, s, strlen(s), &g) == THP_OK);
    CHECK(g.score == 0 && g.words == 6);

    /* Turkish iş is not English is, önce not once */
    s = "iş iş önce önce";
    CHECK(thp_lang_detect(det, s, strlen(s), &g) == THP_OK);
    CHECK(g.score == 0);
    /* ... and Turkish has bir, which Snowball's common list lacks */
    s = "bir bir ve";
    CHECK(thp_lang_detect(words, s, strlen(s), &g) == THP_OK);
    CHECK_STR(g.lang, "tr");
    CHECK(g.by == THP_LANG_BY_WORDS && g.score == 3.0);

    /* step 2: a title the function words only lean to */
    s = "Jaarverslag van de stichting";
    CHECK(thp_lang_detect(words, s, strlen(s), &g) == THP_OK);
    CHECK_STR(g.lang, "");
    CHECK_STR(g.leader, "nl");
    CHECK(thp_lang_detect(det, s, strlen(s), &g) == THP_OK);
    CHECK_STR(g.lang, "nl");
    CHECK(g.by == THP_LANG_BY_NGRAMS && g.confidence > 0);
}

/* Only THP_LANG_READ bytes are read, cut at a character boundary. */
static void test_limit(const thp_lang *det)
{
    static const char nl[] = "Het is de taak van de gemeente om voor "
                             "woonruimte te zorgen en de nieuwkomers te "
                             "begeleiden. ";
    static const char en[] = "The city is where the work of the "
                             "foundation is done and where it matters. ";
    char *s = malloc(3 * THP_LANG_READ);
    struct thp_lang_guess g;
    size_t n = 0;

    if (!s) {
        CHECK(s != NULL);
        return;
    }
    while (n + sizeof nl < THP_LANG_READ - 2) {
        memcpy(s + n, nl, sizeof nl - 1);
        n += sizeof nl - 1;
    }
    while (n < THP_LANG_READ - 1)
        s[n++] = ' ';
    memcpy(s + n, "é", 2); /* straddles the limit */
    n += 2;
    while (n + sizeof en < 3 * THP_LANG_READ) {
        memcpy(s + n, en, sizeof en - 1);
        n += sizeof en - 1;
    }
    CHECK(thp_lang_detect(det, s, n, &g) == THP_OK);
    CHECK_STR(g.lang, "nl");
    CHECK(g.read == THP_LANG_READ - 1);
    /* past the limit it is English */
    CHECK(thp_lang_detect(det, s + THP_LANG_READ + 1,
                          n - THP_LANG_READ - 1, &g) == THP_OK);
    CHECK_STR(g.lang, "en");
    free(s);
}

/* Candidates narrowed to en nl: only they are answers. The set is
** closed, so Spanish function words ("en" is Dutch too) make a Spanish
** paragraph Dutch here; with all seven candidates it is Spanish. */
static void test_subset(const thp_lang *all)
{
    static const char es[] = "En el segundo día del encuentro, los "
                             "participantes debatieron sobre el acceso al "
                             "mercado laboral y sobre la formación.";
    thp_lang *det = NULL;

    CHECK(thp_lang_open(&det, "en nl", NULL, NULL) == THP_OK);
    if (!det)
        return;
    CHECK_STR(detect(det, "De bijeenkomst vindt plaats in het stadhuis "
                          "van Den Haag en begint om tien uur."),
              "nl");
    CHECK_STR(detect(det, "The meeting takes place in the city hall of The "
                          "Hague and starts at ten."),
              "en");
    CHECK_STR(detect(det, es), "nl");
    CHECK_STR(detect(all, es), "es");
    thp_lang_close(det);
}

struct run {
    const thp_lang *det;
    char got[MAXS][4];
};

static void *run_set(void *arg)
{
    struct run *r = arg;
    int i, k;

    for (k = 0; k < 3; k++)
        for (i = 0; i < nset; i++) {
            struct thp_lang_guess g;

            thp_lang_detect(r->det, set[i].text, set[i].n, &g);
            memcpy(r->got[i], g.lang, 4);
        }
    return NULL;
}

/* One detector, four threads at once: the answers of one thread alone. */
static void test_threads(const thp_lang *det)
{
    static struct run alone, par[4];
    pthread_t th[4];
    int i, started = 0;

    alone.det = det;
    run_set(&alone);
    for (i = 0; i < 4; i++) {
        par[i].det = det;
        if (pthread_create(&th[i], NULL, run_set, &par[i]) == 0)
            started |= 1 << i;
    }
    CHECK(started == 15);
    for (i = 0; i < 4; i++)
        if (started & (1 << i)) {
            pthread_join(th[i], NULL);
            CHECK(memcmp(par[i].got, alone.got, sizeof alone.got) == 0);
        }
}

int main(void)
{
    thp_lang *det = NULL, *words = NULL;
    int i;

    test_open();
    CHECK(thp_lang_open(&det, NULL, NULL, NULL) == THP_OK);
    CHECK(thp_lang_open(&words, NULL, "", NULL) == THP_OK);
    if (det && words) {
        test_args(det);
        test_set(det);
        test_rules(det, words);
        test_limit(det);
        test_subset(det);
        test_threads(det);
    }
    thp_lang_close(det);
    thp_lang_close(words);
    for (i = 0; i < nset; i++)
        free(set[i].text);
    return check_done("lang_test");
}
