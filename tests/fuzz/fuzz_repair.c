/*
** fuzz_repair.c: libFuzzer target for the text-repair stage.
**
** Any bytes are decoded and cleaned as thp_text_prepare() does, then
** mojibake is repaired, both on the decoded and on the cleaned text (the
** stage's place in the pipeline is not settled), and character references
** are decoded. Every output must be valid UTF-8 and a second repair must
** change nothing; otherwise the target aborts, which libFuzzer (or the
** replay driver) reports as a crash.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "thp/buf.h"
#include "thp/repair.h"
#include "thp/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Repair in[0..n) twice: valid UTF-8 out, and the second pass a no-op. */
static void repair_checked(const char *in, size_t n)
{
    struct thp_buf r1, r2, ent;

    thp_buf_init(&r1, 0);
    thp_buf_init(&r2, 0);
    thp_buf_init(&ent, 0);
    if (thp_repair_text(in, n, &r1, NULL, NULL) != THP_OK)
        abort();
    if (!thp_text_utf8_valid(r1.s ? r1.s : "", r1.n))
        abort();
    if (thp_repair_text(r1.s ? r1.s : "", r1.n, &r2, NULL, NULL) != THP_OK)
        abort();
    if (r2.n != r1.n || (r1.n > 0 && memcmp(r1.s, r2.s, r1.n) != 0))
        abort();
    if (thp_repair_entities(r1.s ? r1.s : "", r1.n, &ent, NULL, NULL) !=
        THP_OK)
        abort();
    if (!thp_text_utf8_valid(ent.s ? ent.s : "", ent.n))
        abort();
    thp_buf_release(&r1);
    thp_buf_release(&r2);
    thp_buf_release(&ent);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct thp_buf dec, clean;

    thp_buf_init(&dec, 0);
    thp_buf_init(&clean, 0);
    if (thp_text_decode((const char *)data, size, THP_TEXT_HTML, &dec, NULL,
                        NULL) != THP_OK)
        abort();
    repair_checked(dec.s ? dec.s : "", dec.n);
    if (thp_text_clean(dec.s ? dec.s : "", dec.n, &clean, NULL, NULL) !=
        THP_OK)
        abort();
    repair_checked(clean.s ? clean.s : "", clean.n);
    thp_buf_release(&dec);
    thp_buf_release(&clean);
    return 0;
}
