/*
** lang_eval.c: language detection measured on the labelled set
** tests/cases/lang.txt: lib/lang.c, its function-word step alone, and
** libexttextcat alone restricted to the same seven languages.
**
**   make build/bench/lang_eval && build/bench/lang_eval [FILE]
**   LANG_EVAL_MISSES=1 build/bench/lang_eval     (also list every miss)
**
** Prints, per method, right / undecided ("") / wrong per language and
** per length bucket, the same for short text (<= 200 bytes), what share
** of each page's first 128-1024 bytes suffices, and speed (CPU time).
** Methods:
**   function words  thp_lang_detect with models "" (step 1 alone)
**   libexttextcat   fingerprints of en nl pt es fr de tr
**                   (/usr/share/libexttextcat/XX.lm), scored as
**                   textcat_Classify does (every language within 1.03 of
**                   the nearest distance is a candidate); one candidate
**                   is the answer, several are "" (textcat's "[en][nl]")
**   top-1           the same, always taking the nearest language
**   thp_lang_detect the library: function words, else libexttextcat when
**                   it names the function words' leader and only it
** Every method reads at most THP_LANG_READ bytes of a text.
*/
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <textcat.h>
#include <fingerprint.h>
#include <constants.h>

#include "thp/lang.h"

#define MAXS 512
#define NLANG 7
#define MODELS "/usr/share/libexttextcat/"

static const char *const langs[NLANG] = {"en", "nl", "pt", "es",
                                         "fr", "de", "tr"};

struct sample {
    char want[4]; /* "" for "-" */
    char *text;
    size_t n;
};

static struct sample S[MAXS];
static int nS;

static void *fps[NLANG];
static thp_lang *det, *det_words;

static void load(const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;

    if (!f) {
        perror(path);
        exit(2);
    }
    while ((len = getline(&line, &cap, f)) > 0) {
        char *sp;

        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        sp = strchr(line, ' ');
        if (!sp || sp - line > 2 || nS == MAXS)
            continue;
        *sp = '\0';
        snprintf(S[nS].want, sizeof S[nS].want, "%s",
                 strcmp(line, "-") == 0 ? "" : line);
        S[nS].text = strdup(sp + 1);
        S[nS].n = strlen(sp + 1);
        nS++;
    }
    free(line);
    fclose(f);
}

/* textcat over text[0..n): fills dist[] (INT_MAX: beyond the cutoff) and
** returns the number of candidates within THRESHOLDVALUE of the best, or
** 0 when textcat finds the text too short. *best gets the nearest. */
static int textcat_run(const char *text, size_t n, int *best)
{
    char buf[THP_LANG_READ + 1];
    void *unknown;
    int dist[NLANG], min = INT_MAX, threshold = INT_MAX, cnt = 0, i;

    if (n > THP_LANG_READ)
        n = THP_LANG_READ;
    memcpy(buf, text, n);
    buf[n] = '\0'; /* textcat scans to a NUL past runs of spaces */
    unknown = fp_Init(NULL);
    fp_SetProperty(unknown, TCPROP_UTF8AWARE, TC_TRUE);
    if (!fp_Create(unknown, buf, (uint4)n, MAXNGRAMS)) {
        fp_Done(unknown);
        *best = -1;
        return 0;
    }
    *best = -1;
    for (i = 0; i < NLANG; i++) {
        dist[i] = fp_Compare(fps[i], unknown, threshold);
        if (dist[i] < min) {
            min = dist[i];
            *best = i;
            threshold = (int)((double)dist[i] * THRESHOLDVALUE);
        }
    }
    for (i = 0; i < NLANG; i++)
        if (dist[i] < threshold || i == *best)
            cnt++;
    fp_Done(unknown);
    return cnt;
}

enum { M_WORDS, M_TEXTCAT, M_TOP1, M_LIB, NMETHOD };
static const char *const mname[NMETHOD] = {
    "function words alone (lib/lang.c, step 1)",
    "libexttextcat alone, 7 models",
    "libexttextcat top-1, 7 models (never \"\")",
    "thp_lang_detect: function words, then libexttextcat if it agrees"};

static const char *guess(int m, const char *text, size_t n)
{
    struct thp_lang_guess g;
    static char out[4];
    int best, cnt;

    if (m == M_WORDS || m == M_LIB) {
        thp_lang_detect(m == M_WORDS ? det_words : det, text, n, &g);
        memcpy(out, g.lang, sizeof out);
        return out;
    }
    cnt = textcat_run(text, n, &best);
    if (best < 0)
        return "";
    if (m == M_TOP1 || cnt == 1)
        return langs[best];
    return "";
}

static const char *const bname[] = {"title <=60 B", "sentence 61-200 B",
                                    "paragraph 201-1000 B", "page >1000 B"};

static int bucket(size_t n)
{
    return n <= 60 ? 0 : n <= 200 ? 1 : n <= 1000 ? 2 : 3;
}

struct tally {
    int n, ok, undecided, wrong;
};

static void add(struct tally *t, const char *want, const char *got)
{
    t->n++;
    if (strcmp(want, got) == 0)
        t->ok++;
    else if (!*got)
        t->undecided++;
    else
        t->wrong++;
}

static void row(const char *name, const struct tally *t)
{
    if (!t->n)
        return;
    printf("  %-22s %4d %5.1f%% %5.1f%% %5.1f%%\n", name, t->n,
           100.0 * t->ok / t->n, 100.0 * t->undecided / t->n,
           100.0 * t->wrong / t->n);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of detecting the samples of at least min_len bytes over and
** over for a second: MB/s of text read (at most THP_LANG_READ of each)
** and microseconds per text. */
static void speed(int m, size_t min_len, const char *what)
{
    double t0, t, bytes = 0;
    long calls = 0;
    int r, i;
    volatile char sink = 0;

    t0 = now();
    do {
        for (r = 0; r < 10; r++)
            for (i = 0; i < nS; i++) {
                if (S[i].n < min_len)
                    continue;
                sink ^= guess(m, S[i].text, S[i].n)[0];
                bytes += (double)(S[i].n < THP_LANG_READ ? S[i].n
                                                         : THP_LANG_READ);
                calls++;
            }
        t = now() - t0;
    } while (t < 1.0);
    (void)sink;
    printf("  speed, %-14s %6.1f MB/s, %6.1f us per text\n", what,
           bytes / 1e6 / t, t * 1e6 / (double)calls);
}

static void report(int m)
{
    struct tally bylang[NLANG + 1] = {{0}}, bybucket[4] = {{0}}, all = {0};
    struct tally shortt = {0}, noname = {0};
    int i, l;

    printf("\n%s\n", mname[m]);
    for (i = 0; i < nS; i++) {
        const char *got = guess(m, S[i].text, S[i].n);

        if (getenv("LANG_EVAL_MISSES") && strcmp(got, S[i].want) != 0)
            printf("  miss: want \"%s\" got \"%s\": %.70s\n", S[i].want,
                   got, S[i].text);

        for (l = 0; l < NLANG; l++)
            if (strcmp(S[i].want, langs[l]) == 0)
                break;
        add(&bylang[l], S[i].want, got);
        add(&all, S[i].want, got);
        if (S[i].want[0])
            add(&bybucket[bucket(S[i].n)], S[i].want, got);
        else
            add(&noname, S[i].want, got);
        if (S[i].n <= 200)
            add(&shortt, S[i].want, got);
    }
    printf("  %-22s %4s %6s %6s %6s\n", "", "n", "right", "\"\"",
           "wrong");
    for (l = 0; l < NLANG; l++)
        row(langs[l], &bylang[l]);
    row("- (names, other)", &noname);
    for (i = 0; i < 4; i++)
        row(bname[i], &bybucket[i]);
    row("short (<=200 B), all", &shortt);
    row("all", &all);
    speed(m, 0, "whole set:");
    speed(m, 1001, "pages only:");
}

/* Pages cut to `cap` bytes: how much text the decision needs. */
static void cap_report(int m, size_t cap)
{
    int i, n = 0, ok = 0, wrong = 0;

    for (i = 0; i < nS; i++) {
        const char *got;
        size_t len = S[i].n;

        if (!S[i].want[0] || len <= 1000)
            continue;
        if (len > cap)
            len = cap;
        while (len > 0 && ((unsigned char)S[i].text[len] & 0xC0) == 0x80)
            len--;
        got = guess(m, S[i].text, len);
        n++;
        ok += strcmp(got, S[i].want) == 0;
        wrong += *got && strcmp(got, S[i].want) != 0;
    }
    printf("  pages cut to %4zu B: %d/%d right, %d wrong\n", cap, ok, n,
           wrong);
}

int main(int argc, char **argv)
{
    struct thp_err err = {0};
    int i, m;
    static const size_t caps[] = {128, 256, 512, 1024};

    load(argc > 1 ? argv[1] : "tests/cases/lang.txt");
    if (thp_lang_open(&det, NULL, NULL, &err) ||
        thp_lang_open(&det_words, NULL, "", &err)) {
        fprintf(stderr, "lang_eval: %s\n", err.msg);
        return 2;
    }
    for (i = 0; i < NLANG; i++) {
        char path[256];

        snprintf(path, sizeof path, MODELS "%s.lm", langs[i]);
        fps[i] = fp_Init(langs[i]);
        fp_SetProperty(fps[i], TCPROP_UTF8AWARE, TC_TRUE);
        if (!fp_Read(fps[i], path, MAXNGRAMS)) {
            fprintf(stderr, "lang_eval: cannot read %s\n", path);
            return 2;
        }
    }
    printf("lang_eval: %d samples, %s; right / undecided / wrong\n", nS,
           textcat_Version());
    for (m = 0; m < NMETHOD; m++) {
        report(m);
        for (i = 0; i < 4; i++)
            cap_report(m, caps[i]);
    }
    for (i = 0; i < NLANG; i++)
        fp_Done(fps[i]);
    thp_lang_close(det);
    thp_lang_close(det_words);
    for (i = 0; i < nS; i++)
        free(S[i].text);
    return 0;
}
