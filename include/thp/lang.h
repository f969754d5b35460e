/*
** lang.h: which language a document is written in, for the index's lang
** column and the tokenizer's choice of Snowball stemmer.
**
** METHOD. Function words. Every word of the text that is on Snowball's
** stop list of a candidate language (thp_tok_is_stopword, tok.h) is
** evidence for that language, shared equally among all candidates whose
** list holds it: "het" counts 1 for Dutch, "in" 1/3 each for English,
** Dutch and German, "de" 1/5 for Dutch, Portuguese, Spanish, French and
** Turkish. The language with the most evidence wins if it has at least
** THP_LANG_MIN_SCORE and at least THP_LANG_MIN_RATIO times the runner-up;
** otherwise the answer is "" (undecided) and the caller uses its default.
** Names, places and titles without function words therefore give "", not
** a guess from their spelling ("Workshop in São Paulo and Porto Alegre"
** is English or nothing, never Portuguese). libexttextcat's n-gram
** models were measured against this on the project's labelled set and
** lost (docs/ARCHITECTURE.md, bench/lang_eval.c).
**
** CANDIDATES. The languages the project stems, THP_LANG_DEFAULT, or any
** subset given to thp_lang_open. Text in another language comes out as
** "" when its function words do not look like one candidate's, but
** related languages can be taken for a candidate (Italian for Spanish or
** French): the set is closed, there is no "other" answer.
**
** LENGTH. Only the first THP_LANG_READ bytes are read (cut back to a
** character boundary): by then a page has given hundreds of function
** words, the cost per document is bounded whatever its size, and a page's
** opening (title, first paragraphs) is its language for searching.
**
** THREADS. A detector is read-only after thp_lang_open: any number of
** threads may call thp_lang_detect on one detector at once.
*/
#ifndef THP_LANG_H
#define THP_LANG_H

#include <stddef.h>

#include "thp/err.h"

/* The candidate languages when thp_lang_open is given NULL. */
#define THP_LANG_DEFAULT "en nl pt es fr de tr"

#define THP_LANG_MAX       8    /* languages one detector can weigh */
#define THP_LANG_READ      4096 /* bytes of a text that are read */
#define THP_LANG_MIN_SCORE 2.0  /* evidence the winner needs at least */
#define THP_LANG_MIN_LEAD  2.0  /* ... and its lead over the runner-up */

typedef struct thp_lang thp_lang;

/* The answer for one text. */
struct thp_lang_guess {
    char lang[4];      /* ISO 639-1 code, two lowercase letters, or "" */
    char leader[4];    /* the best candidate even when lang is "" (ties:
                          the first in the list), "" without evidence */
    double score;      /* evidence for the leader (weighted words) */
    double runner_up;  /* evidence for the second best */
    double confidence; /* 1 - runner_up / score when decided, else 0 */
    unsigned words;    /* words read */
    size_t read;       /* bytes read: at most THP_LANG_READ */
};

/*
** Create a detector for the languages in langs, "L1 L2 ..." (spaces or
** commas; NULL or "" means THP_LANG_DEFAULT). Each must be one of en nl
** pt es fr de tr (the languages with stop lists in tok.c), at most
** THP_LANG_MAX, no repeats. Returns THP_OK and sets *out, freed with
** thp_lang_close; or THP_ERR_MISUSE (a bad list) or THP_ERR_NOMEM, with
** *out = NULL.
*/
int thp_lang_open(thp_lang **out, const char *langs, struct thp_err *err);

/* Free a detector; NULL is a no-op. */
void thp_lang_close(thp_lang *det);

/*
** Guess the language of utf8[0..n), valid UTF-8 (invalid bytes separate
** words and count for nothing). Fills *out, and returns THP_OK; out->lang
** is "" when the text is empty, too short or ambiguous. utf8 may be NULL
** when n is 0. THP_ERR_MISUSE when det or out is NULL, or utf8 is NULL
** with n > 0. Allocates nothing.
*/
int thp_lang_detect(const thp_lang *det, const char *utf8, size_t n,
                    struct thp_lang_guess *out);

#endif
