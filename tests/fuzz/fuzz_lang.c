/*
** fuzz_lang.c: libFuzzer target for language detection (lang.h).
**
** The first byte chooses one of four detectors made once: all seven
** languages, "en nl", "tr" alone, and all seven by function words only
** (no libexttextcat); the rest is the text, given as it comes (lang.h
** allows invalid bytes) and once made clean UTF-8 as the indexer gives
** it. The target abort()s when a promise of lang.h breaks:
**   - the answer is "" or one of the detector's languages, and so is
**     the leader; "" exactly when undecided (THP_LANG_BY_NONE, with
**     confidence 0);
**   - a guess by words has evidence >= THP_LANG_MIN_SCORE and a lead
**     >= THP_LANG_MIN_LEAD; one by n-grams evidence >= MIN_AGREE and
**     is the leader; confidence lies in [0, 1];
**   - at most THP_LANG_READ bytes are read, ending at a character
**     boundary, and the answer for the whole text is the answer for
**     those bytes alone; the same text gives the same answer twice.
** Memory errors are the sanitizers'.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promise.h"
#include "thp/lang.h"
#include "thp/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const sets[] = {THP_LANG_DEFAULT, "en nl", "tr",
                                   THP_LANG_DEFAULT};
#define NDET (sizeof sets / sizeof sets[0])
static thp_lang *det[NDET];

static void setup(void)
{
    size_t i;

    if (det[0] != NULL)
        return;
    for (i = 0; i < NDET; i++)
        promise(thp_lang_open(&det[i], sets[i], i == 3 ? "" : NULL,
                              NULL) == THP_OK);
}

/* Is code "" or a language of the list set? */
static int in_set(const char *code, const char *set)
{
    size_t n = strlen(code);
    const char *p = set;

    if (n == 0)
        return 1;
    promise(n == 2 && code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' &&
            code[1] <= 'z');
    while ((p = strstr(p, code)) != NULL) {
        if ((p == set || p[-1] == ' ') && (p[2] == '\0' || p[2] == ' '))
            return 1;
        p++;
    }
    return 0;
}

static int same_guess(const struct thp_lang_guess *a,
                      const struct thp_lang_guess *b)
{
    return !strcmp(a->lang, b->lang) && !strcmp(a->leader, b->leader) &&
           a->by == b->by && a->score == b->score &&
           a->runner_up == b->runner_up && a->confidence == b->confidence &&
           a->words == b->words && a->read == b->read;
}

static void check(size_t d, const char *s, size_t n)
{
    struct thp_lang_guess g, again, cut;

    memset(&g, 0x55, sizeof g);
    promise(thp_lang_detect(det[d], s, n, &g) == THP_OK);
    promise(memchr(g.lang, '\0', sizeof g.lang) != NULL &&
            memchr(g.leader, '\0', sizeof g.leader) != NULL);
    promise(in_set(g.lang, sets[d]) && in_set(g.leader, sets[d]));
    promise(g.read <= n && g.read <= THP_LANG_READ);
    promise(g.read == n || g.read == 0 ||
            ((unsigned char)s[g.read] & 0xC0) != 0x80 ||
            !thp_text_utf8_valid(s, n));
    promise(g.confidence >= 0.0 && g.confidence <= 1.0);
    promise(g.score >= 0.0 && g.runner_up >= 0.0 &&
            g.runner_up <= g.score + 1e-9);
    switch (g.by) {
    case THP_LANG_BY_NONE:
        promise(g.lang[0] == '\0' && g.confidence == 0.0);
        break;
    case THP_LANG_BY_WORDS:
        promise(g.lang[0] != '\0' && !strcmp(g.lang, g.leader));
        promise(g.score >= THP_LANG_MIN_SCORE - 1e-9 &&
                g.score - g.runner_up >= THP_LANG_MIN_LEAD - 1e-9);
        break;
    case THP_LANG_BY_NGRAMS:
        promise(d != 3); /* that detector has no n-gram models */
        promise(g.lang[0] != '\0' && !strcmp(g.lang, g.leader));
        promise(g.score >= THP_LANG_MIN_AGREE - 1e-9);
        break;
    default:
        promise(0);
    }
    if (g.lang[0] == '\0')
        promise(g.by == THP_LANG_BY_NONE);
    promise(thp_lang_detect(det[d], s, n, &again) == THP_OK);
    promise(same_guess(&g, &again));
    /* only the bytes read count */
    if (g.read < n) {
        promise(thp_lang_detect(det[d], s, g.read, &cut) == THP_OK);
        promise(!strcmp(cut.lang, g.lang) && cut.by == g.by &&
                cut.read == g.read);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct thp_buf clean;
    size_t d;

    if (size == 0)
        return 0;
    setup();
    d = data[0] % NDET;
    check(d, (const char *)data + 1, size - 1);
    thp_buf_init(&clean, 0);
    promise(thp_text_prepare((const char *)data + 1, size - 1, 0, &clean,
                             NULL, NULL) == THP_OK);
    check(d, clean.s ? clean.s : "", clean.n);
    thp_buf_release(&clean);
    return 0;
}
