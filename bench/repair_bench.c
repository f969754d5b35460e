/*
** repair_bench.c: throughput of thp_repair_text on clean and on damaged
** text, against a floor: copying the same bytes and validating them as
** UTF-8, which any stage that passes text on has to do anyway.
**
** The text is about 20 MB of English and Portuguese with curly quotes,
** dashes and euro signs, made from a fixed seed; the damaged copy has 5%
** of its lines shown as Windows-1252 or Mac Roman. Each figure is the
** best of five runs. Prints one line per measurement and exits 0.
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

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line of 1-4 phrases. */
static void make_line(struct thp_buf *b)
{
    int k = 1 + (int)(next_rand() % 4), i;

    for (i = 0; i < k; i++) {
        if (i)
            thp_buf_putc(b, ' ');
        thp_buf_puts(b, phrases[next_rand() % N_PHRASES]);
    }
    thp_buf_putc(b, '\n');
}

/* Append s[0..n) shown through code page cp. */
static void damage(struct thp_buf *b, const char *s, size_t n, int cp)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned c = (unsigned char)s[i];

        if (c < 0x80)
            thp_buf_putc(b, (int)c);
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

int main(void)
{
    struct thp_buf clean, bad, line, out;
    size_t lines = 0, damaged = 0, runs = 0;
    double floor_clean, floor_bad, t_clean, t_bad, p_clean, p_bad, mb;
    char *dst;

    thp_buf_init(&clean, 0);
    thp_buf_init(&bad, 0);
    thp_buf_init(&line, 0);
    thp_buf_init(&out, 0);
    while (clean.n < TARGET_BYTES) {
        thp_buf_reset(&line);
        make_line(&line);
        thp_buf_append(&clean, line.s, line.n);
        if (next_rand() % 100 < 5) {
            damage(&bad, line.s, line.n,
                   next_rand() & 1 ? THP_CP_1252 : THP_CP_MACROMAN);
            damaged++;
        } else {
            thp_buf_append(&bad, line.s, line.n);
        }
        lines++;
    }
    if (clean.rc != THP_OK || bad.rc != THP_OK) {
        fprintf(stderr, "repair_bench: out of memory\n");
        return 1;
    }
    dst = malloc(bad.n > clean.n ? bad.n : clean.n);
    if (dst == NULL)
        return 1;

    floor_clean = time_floor(clean.s, clean.n, dst);
    floor_bad = time_floor(bad.s, bad.n, dst);
    t_clean = time_repair(clean.s, clean.n, &out, &runs);
    if (out.n != clean.n || memcmp(out.s, clean.s, clean.n) != 0)
        fprintf(stderr, "repair_bench: clean text changed!\n");
    t_bad = time_repair(bad.s, bad.n, &out, &runs);
    if (out.n != clean.n || memcmp(out.s, clean.s, clean.n) != 0)
        fprintf(stderr, "repair_bench: damaged text not fully restored\n");
    p_clean = time_prepare(clean.s, clean.n, &out);
    p_bad = time_prepare(bad.s, bad.n, &out);

    mb = (double)clean.n / 1e6;
    printf("text: %.1f MB, %zu lines, %zu damaged (%zu runs repaired)\n",
           mb, lines, damaged, runs);
    printf("floor (memcpy + UTF-8 check): %.0f MB/s\n", mb / floor_clean);
    printf("repair clean: %.0f MB/s (%.2fx floor)\n", mb / t_clean,
           floor_clean / t_clean);
    mb = (double)bad.n / 1e6;
    printf("repair damaged: %.0f MB/s (%.2fx floor)\n", mb / t_bad,
           floor_bad / t_bad);
    printf("whole text path (decode, repair, clean, NFC) clean: %.0f MB/s "
           "(%.2fx floor), damaged: %.0f MB/s (%.2fx floor)\n",
           (double)clean.n / 1e6 / p_clean, floor_clean / p_clean,
           mb / p_bad, floor_bad / p_bad);
    free(dst);
    thp_buf_release(&clean);
    thp_buf_release(&bad);
    thp_buf_release(&line);
    thp_buf_release(&out);
    return 0;
}
