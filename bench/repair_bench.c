/*
** repair_bench.c: throughput of thp_repair_text on clean and on damaged
** text, against a floor: copying the same bytes and validating them as
** UTF-8, which any stage that passes text on has to do anyway.
**
** Three texts of about 20 MB each, made from a fixed seed: Latin
** (English and Portuguese with curly quotes, dashes and euro signs),
** multilingual (the Latin phrases beside Greek, Russian, Vietnamese,
** Korean, Hindi, Arabic, Chinese and Thai, with combining marks), and
** damaged (the multilingual text with 5% of its lines shown as
** Windows-1252, Mac Roman, Windows-1250 or cp437, or with a no-break
** byte lost). Each figure is the best of five runs in CPU time (the
** process's, so that other load on the machine counts less), and each
** is also given as a ratio to the floor on the same text; the aim is a
** whole text path at 0.25x the floor or better on each. Prints the load
** average first (a shared machine moves every figure), then one line
** per measurement, and exits 0.
**
** --outputs prints, instead of times, a hash of what the repair and the
** whole text path give on each of the three texts and on a fourth, of
** lines damaged every way the repair undoes (--outputs below): two
** builds that print the same lines give byte-identical output.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "thp/buf.h"
#include "thp/repair.h"
#include "thp/text.h"

#define TARGET_BYTES (20u * 1024 * 1024)
#define RUNS 5

static const char *const phrases[] = {
    "The Hague Process on Refugees and Migration (THP) works with cities "
    "and businesses.",
    "THP\xE2\x80\x99s partners met in Rotterdam \xE2\x80\x94 the port, the "
    "city and Erasmus University.",
    "\xE2\x80\x9C" "Migration is a question of integration, not charity,"
    "\xE2\x80\x9D said the speaker.",
    "The project cost \xE2\x82\xAC" "250,000 and ran from 2010 to 2012 "
    "(see p.\xC2\xA0" "12).",
    "Participants came from Cairo, Johannesburg, Lyon, Turin and The "
    "Hague\xE2\x80\xA6",
    "A coopera\xC3\xA7\xC3\xA3o entre S\xC3\xA3o Paulo e Lisboa \xC3\xA9 "
    "uma quest\xC3\xA3o de integra\xC3\xA7\xC3\xA3o.",
    "Os migrantes t\xC3\xAAm acesso \xC3\xA0 educa\xC3\xA7\xC3\xA3o e "
    "\xC3\xA0 sa\xC3\xBA" "de p\xC3\xBA" "blicas.",
    "A pol\xC3\xADtica municipal de imigra\xC3\xA7\xC3\xA3o \xE2\x80\x93 "
    "em S\xC3\xA3o Paulo \xE2\x80\x93 mudou em 2013.",
    "Refugees\xE2\x80\x99 access to the labour market depends on language "
    "courses.",
    "\xE2\x80\x98" "Cities of welcome\xE2\x80\x99 was the title of the 2012 "
    "Global Hearing.",
};

#define N_PHRASES (sizeof phrases / sizeof phrases[0])

/* Other scripts: Korean, Hindi and Thai hold characters NFC may
** change or reorder (Hangul syllables, viramas, marks), in NFC already. */
static const char *const world[] = {
    "\xCE\x97 \xCE\x95\xCE\xBB\xCE\xBB\xCE\xAC\xCE\xB4\xCE\xB1 "
    "\xCF\x85\xCF\x80\xCE\xBF\xCE\xB4\xCE\xAD\xCF\x87\xCF\x84\xCE\xB7"
    "\xCE\xBA\xCE\xB5 \xCF\x80\xCF\x81\xCF\x8C\xCF\x83\xCF\x86\xCF\x85"
    "\xCE\xB3\xCE\xB5\xCF\x82.",
    "\xD0\x91\xD0\xB5\xD0\xB6\xD0\xB5\xD0\xBD\xD1\x86\xD1\x8B \xD0\xB8 "
    "\xD0\xBC\xD0\xB8\xD0\xB3\xD1\x80\xD0\xB0\xD0\xBD\xD1\x82\xD1\x8B "
    "\xD0\xB2 \xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB5.",
    "Ng\xC6\xB0\xE1\xBB\x9Di t\xE1\xBB\x8B n\xE1\xBA\xA1n \xC4\x91\xC3\xA3 "
    "\xC4\x91\xE1\xBA\xBFn H\xC3\xA0 N\xE1\xBB\x99i.",
    "\xEC\x84\x9C\xEC\x9A\xB8\xEC\x97\x90\xEC\x84\x9C \xEC\x9D\xB4\xEC"
    "\xA3\xBC\xEB\xAF\xBC\xEA\xB3\xBC \xEB\x82\x9C\xEB\xAF\xBC\xEC\x9D"
    "\x84 \xEC\x9C\x84\xED\x95\x9C \xED\x9A\x8C\xEC\x9D\x98.",
    "\xE0\xA4\xB6\xE0\xA4\xB0\xE0\xA4\xA3\xE0\xA4\xBE\xE0\xA4\xB0\xE0"
    "\xA5\x8D\xE0\xA4\xA5\xE0\xA5\x80 \xE0\xA4\x94\xE0\xA4\xB0 \xE0\xA4"
    "\xAA\xE0\xA5\x8D\xE0\xA4\xB0\xE0\xA4\xB5\xE0\xA4\xBE\xE0\xA4\xB8"
    "\xE0\xA5\x80",
    "\xD8\xA7\xD9\x84\xD9\x84\xD8\xA7\xD8\xAC\xD8\xA6\xD9\x88\xD9\x86 "
    "\xD9\x88\xD8\xA7\xD9\x84\xD9\x85\xD9\x87\xD8\xA7\xD8\xAC\xD8\xB1"
    "\xD9\x88\xD9\x86 \xD9\x81\xD9\x8A \xD8\xA7\xD9\x84\xD9\x85\xD8\xAF"
    "\xD9\x86",
    "\xE9\x9A\xBE\xE6\xB0\x91\xE5\x92\x8C\xE7\xA7\xBB\xE6\xB0\x91\xE5"
    "\x9C\xA8\xE5\x9F\x8E\xE5\xB8\x82\xE4\xB8\xAD\xE7\x9A\x84\xE8\x9E"
    "\x8D\xE5\x90\x88\xE3\x80\x82",
    "\xE0\xB8\x9C\xE0\xB8\xB9\xE0\xB9\x89\xE0\xB8\xA5\xE0\xB8\xB5\xE0"
    "\xB9\x89\xE0\xB8\xA0\xE0\xB8\xB1\xE0\xB8\xA2 \xE0\xB9\x83\xE0\xB8"
    "\x99\xE0\xB9\x80\xE0\xB8\xA1\xE0\xB8\xB7\xE0\xB8\xAD\xE0\xB8\x87",
};

#define N_WORLD (sizeof world / sizeof world[0])

static uint32_t rng = 20240601;

static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line of 1-4 phrases; with world, half of them in other scripts. */
static void make_line(struct thp_buf *b, int with_world)
{
    int k = 1 + (int)(next_rand() % 4), i;

    for (i = 0; i < k; i++) {
        if (i)
            thp_buf_putc(b, ' ');
        if (with_world && next_rand() % 2)
            thp_buf_puts(b, world[next_rand() % N_WORLD]);
        else
            thp_buf_puts(b, phrases[next_rand() % N_PHRASES]);
    }
    thp_buf_putc(b, '\n');
}

/*
** Append s[0..n) shown through code page cp; with lose_a0, a byte 0xA0
** comes out as a plain space instead (the no-break space lost on the way).
*/
static void damage(struct thp_buf *b, const char *s, size_t n, int cp,
                   int lose_a0)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned c = (unsigned char)s[i];

        if (c < 0x80)
            thp_buf_putc(b, (int)c);
        else if (c == 0xA0 && lose_a0)
            thp_buf_putc(b, ' ');
        else
            thp_buf_put_utf8(b, thp_repair_cp_char(cp, c));
    }
}

/* Best time of RUNS repairs of in[0..n). */
static double time_repair(const char *in, size_t n, struct thp_buf *out,
                          size_t *runs)
{
    double best = 1e30;
    int r;

    for (r = 0; r < RUNS; r++) {
        struct thp_repair_info info;
        double t0, t;

        thp_buf_reset(out);
        thp_repair_info_init(&info);
        t0 = now();
        if (thp_repair_text(in, n, out, &info, NULL) != THP_OK) {
            fprintf(stderr, "repair_bench: repair failed\n");
            exit(1);
        }
        t = now() - t0;
        if (t < best)
            best = t;
        *runs = info.runs;
    }
    return best;
}

/*
** Best time of RUNS passes of the indexer's whole text path over in[0..n):
** decode, references, repair, clean, NFC (thp_text_prepare).
*/
static double time_prepare(const char *in, size_t n, struct thp_buf *out)
{
    double best = 1e30;
    int r;

    for (r = 0; r < RUNS; r++) {
        double t0, t;

        thp_buf_reset(out);
        t0 = now();
        if (thp_text_prepare(in, n, 0, out, NULL, NULL) != THP_OK) {
            fprintf(stderr, "repair_bench: prepare failed\n");
            exit(1);
        }
        t = now() - t0;
        if (t < best)
            best = t;
    }
    return best;
}

/* Best time of RUNS copies and validations of in[0..n). */
static double time_floor(const char *in, size_t n, char *dst)
{
    double best = 1e30;
    int r;

    for (r = 0; r < RUNS; r++) {
        double t0 = now(), t;

        memcpy(dst, in, n);
        if (!thp_text_utf8_valid(dst, n)) {
            fprintf(stderr, "repair_bench: invalid UTF-8\n");
            exit(1);
        }
        t = now() - t0;
        if (t < best)
            best = t;
    }
    return best;
}

/* One text of the bench, and what was measured on it. */
struct text {
    const char *name;
    struct thp_buf in;       /* what is repaired */
    struct thp_buf want;     /* what the repair should give */
    size_t lines, damaged, runs;
    double floor, repair, prepare;
};

/* Make a text of TARGET_BYTES: Latin or multilingual, damaged or not. */
static void make_text(struct text *t, const char *name, int with_world,
                      int damaged)
{
    static const int cps[] = {THP_CP_1252, THP_CP_MACROMAN, THP_CP_1250,
                              THP_CP_1252};
    struct thp_buf line;

    memset(t, 0, sizeof *t);
    t->name = name;
    thp_buf_init(&t->in, 0);
    thp_buf_init(&t->want, 0);
    thp_buf_init(&line, 0);
    while (t->want.n < TARGET_BYTES) {
        thp_buf_reset(&line);
        make_line(&line, with_world);
        thp_buf_append(&t->want, line.s, line.n);
        if (damaged && next_rand() % 100 < 5) {
            uint32_t r = next_rand() % 4;

            damage(&t->in, line.s, line.n, cps[r], r == 3);
            t->damaged++;
        } else {
            thp_buf_append(&t->in, line.s, line.n);
        }
        t->lines++;
    }
    thp_buf_release(&line);
}

static void measure(struct text *t, char *dst, struct thp_buf *out)
{
    t->floor = time_floor(t->in.s, t->in.n, dst);
    t->repair = time_repair(t->in.s, t->in.n, out, &t->runs);
    if (out->n != t->want.n || memcmp(out->s, t->want.s, t->want.n) != 0)
        fprintf(stderr, "repair_bench: %s text not as it should be "
                        "after repair\n", t->name);
    t->prepare = time_prepare(t->in.s, t->in.n, out);
}

/* FNV-1a, 64 bits, of s[0..n). */
static uint64_t hash64(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}

/*
** Lines of the multilingual text damaged every way: through any of the
** code pages, once or twice (the second time through any of them), a
** no-break byte lost, one character of the mojibake lost to '?' or
** U+FFFD; and a tenth of the lines left clean.
*/
static void make_hard(struct thp_buf *in)
{
    struct thp_buf line, once, twice;

    thp_buf_init(&line, 0);
    thp_buf_init(&once, 0);
    thp_buf_init(&twice, 0);
    while (in->n < TARGET_BYTES && in->rc == THP_OK) {
        uint32_t how = next_rand();
        const struct thp_buf *last = &once;

        thp_buf_reset(&line);
        thp_buf_reset(&once);
        thp_buf_reset(&twice);
        make_line(&line, 1);
        if (how % 10 == 0) {
            thp_buf_append(in, line.s, line.n);
            continue;
        }
        damage(&once, line.s, line.n, (int)(next_rand() % THP_CP_COUNT),
               how % 7 == 1);
        if (how % 5 == 2) {
            damage(&twice, once.s, once.n,
                   (int)(next_rand() % THP_CP_COUNT), 0);
            last = &twice;
        }
        if (how % 4 == 3 && last->n > 0) {
            /* one character past ASCII lost, from a random place on */
            size_t at = next_rand() % last->n, k = 1;
            unsigned c;

            while (at < last->n && (unsigned char)last->s[at] < 0xC0)
                at++;
            if (at < last->n) {
                k = thp_utf8_at((const unsigned char *)last->s + at,
                                last->n - at, &c);
                if (k == 0)
                    k = 1;
                thp_buf_append(in, last->s, at);
                thp_buf_puts(in, how % 8 < 4 ? "?" : "\xEF\xBF\xBD");
                thp_buf_append(in, last->s + at + k, last->n - at - k);
                continue;
            }
        }
        thp_buf_append(in, last->s, last->n);
    }
    thp_buf_release(&line);
    thp_buf_release(&once);
    thp_buf_release(&twice);
}

/* --outputs: hashes of what repair and the whole path give on each text. */
static int outputs(struct text *texts, size_t ntexts)
{
    struct thp_buf out;
    size_t i;
    int cp;

    thp_buf_init(&out, 0);
    for (i = 0; i < ntexts; i++) {
        const struct text *t = &texts[i];
        struct thp_repair_info info;
        int rc;

        thp_buf_reset(&out);
        thp_repair_info_init(&info);
        rc = thp_repair_text(t->in.s, t->in.n, &out, &info, NULL);
        printf("%s: in %zu bytes %016llx; repair rc %d, %zu bytes %016llx, "
               "%zu runs, %d layers, %zu Latin-1 as Mac, by code page",
               t->name, t->in.n, (unsigned long long)hash64(t->in.s, t->in.n),
               rc, out.n, (unsigned long long)hash64(out.s, out.n),
               info.runs, info.layers, info.latin1_as_mac);
        for (cp = 0; cp < THP_CP_COUNT; cp++)
            printf(" %zu", info.mojibake[cp]);
        thp_buf_reset(&out);
        rc = thp_text_prepare(t->in.s, t->in.n, 0, &out, NULL, NULL);
        printf("; whole path rc %d, %zu bytes %016llx\n", rc, out.n,
               (unsigned long long)hash64(out.s, out.n));
    }
    thp_buf_release(&out);
    return 0;
}

/* --clean-lines: count the lines of the files named on stdin that change. */
static int clean_lines(void)
{
    char path[4096];
    size_t files = 0, lines = 0, changed = 0;
    struct thp_buf file, out;

    thp_buf_init(&file, 0);
    thp_buf_init(&out, 0);
    while (fgets(path, sizeof path, stdin) != NULL) {
        FILE *f;
        char chunk[65536];
        size_t k, i = 0;

        path[strcspn(path, "\n")] = '\0';
        f = fopen(path, "rb");
        if (f == NULL)
            continue;
        thp_buf_reset(&file);
        while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
            thp_buf_append(&file, chunk, k);
        fclose(f);
        if (file.rc != THP_OK || file.n == 0 ||
            memchr(file.s, 0, file.n) != NULL ||
            !thp_text_utf8_valid(file.s, file.n))
            continue;
        files++;
        while (i < file.n) {
            size_t j = i;

            while (j < file.n && file.s[j] != '\n')
                j++;
            if (j < file.n)
                j++;
            lines++;
            thp_buf_reset(&out);
            if (thp_repair_text(file.s + i, j - i, &out, NULL, NULL) ==
                    THP_OK &&
                (out.n != j - i || memcmp(out.s, file.s + i, j - i) != 0)) {
                changed++;
                printf("%s: %.*s  -> %.*s", path, (int)(j - i), file.s + i,
                       (int)out.n, out.s);
            }
            i = j;
        }
    }
    printf("clean lines: %zu files, %zu lines, %zu changed\n", files, lines,
           changed);
    thp_buf_release(&file);
    thp_buf_release(&out);
    return 0;
}

int main(int argc, char **argv)
{
    struct text texts[4];
    struct thp_buf out;
    size_t i, most = 0;
    char *dst;
    int rc;

    if (argc > 1 && strcmp(argv[1], "--clean-lines") == 0)
        return clean_lines();
    if (argc > 1 && strcmp(argv[1], "--outputs") == 0) {
        make_text(&texts[0], "clean Latin", 0, 0);
        make_text(&texts[1], "clean multilingual", 1, 0);
        make_text(&texts[2], "damaged multilingual", 1, 1);
        memset(&texts[3], 0, sizeof texts[3]);
        texts[3].name = "damaged every way";
        thp_buf_init(&texts[3].in, 0);
        make_hard(&texts[3].in);
        rc = outputs(texts, 4);
        for (i = 0; i < 4; i++) {
            thp_buf_release(&texts[i].in);
            thp_buf_release(&texts[i].want);
        }
        return rc;
    }
    {
        double load[3];

        if (getloadavg(load, 3) == 3)
            printf("load average: %.2f %.2f %.2f\n", load[0], load[1],
                   load[2]);
    }
    thp_buf_init(&out, 0);
    make_text(&texts[0], "clean Latin", 0, 0);
    make_text(&texts[1], "clean multilingual", 1, 0);
    make_text(&texts[2], "damaged multilingual", 1, 1);
    for (i = 0; i < 3; i++) {
        if (texts[i].in.rc != THP_OK || texts[i].want.rc != THP_OK) {
            fprintf(stderr, "repair_bench: out of memory\n");
            return 1;
        }
        if (texts[i].in.n > most)
            most = texts[i].in.n;
    }
    dst = malloc(most);
    if (dst == NULL)
        return 1;
    for (i = 0; i < 3; i++)
        measure(&texts[i], dst, &out);
    for (i = 0; i < 3; i++) {
        const struct text *t = &texts[i];
        double mb = (double)t->in.n / 1e6;

        printf("%s: %.1f MB, %zu lines, %zu damaged (%zu runs repaired)\n",
               t->name, mb, t->lines, t->damaged, t->runs);
        printf("  floor (memcpy + UTF-8 check): %.0f MB/s\n",
               mb / t->floor);
        printf("  repair: %.0f MB/s (%.2fx floor)\n", mb / t->repair,
               t->floor / t->repair);
        printf("  whole text path (decode, references, repair, clean, "
               "NFC): %.0f MB/s (%.2fx floor%s)\n", mb / t->prepare,
               t->floor / t->prepare,
               t->floor / t->prepare >= 0.25 ? "" : ", below the 0.25x aim");
    }
    free(dst);
    for (i = 0; i < 3; i++) {
        thp_buf_release(&texts[i].in);
        thp_buf_release(&texts[i].want);
    }
    thp_buf_release(&out);
    return 0;
}
