/*
** lang.h: which language a document is written in, for the index's lang
** column and the tokenizer's choice of Snowball stemmer.
**
** METHOD. Two signals, and a guess only when they are clear.
** 1. Function words. Every word of the text on Snowball's stop list of a
**    candidate (thp_tok_is_stopword, tok.h; for Turkish also a few
**    frequent words that list lacks, like "bir") is evidence for that
**    language, shared equally among the candidates whose list holds it
**    and who write its letters: "het" counts 1 for Dutch, "in" 1/3 each
**    for English, Dutch and German, "de" 1/5 for five languages, and
**    Turkish "iş" nothing for English "is". Not counted: a word after
**    letter + apostrophe (a suffix: Mayıs'ta) and a capitalised word
**    followed by another (a name: Den Haag, De Vries, Dos Santos). The
**    leader decides alone with evidence >= THP_LANG_MIN_SCORE and a lead
**    >= THP_LANG_MIN_LEAD over the runner-up (every paragraph does).
** 2. Character n-grams (libexttextcat's fingerprints of the candidates
**    only). Short text rarely has two clear function words, so when the
**    leader has at least THP_LANG_MIN_AGREE of evidence but not enough to
**    decide, it is taken if libexttextcat, scored as its
**    textcat_Classify does, names it and only it.
** Otherwise the answer is "" (undecided) and the caller uses its default.
** Names and places alone ("São Paulo, Porto Alegre") have no function
** words and give "", never a guess from their spelling, and "Workshop in
** São Paulo and Porto Alegre" is English or "", never Portuguese.
** Measured on tests/cases/lang.txt by bench/lang_eval.c; the numbers and
** the alternatives are in docs/ARCHITECTURE.md.
**
** CANDIDATES. The languages the project stems, THP_LANG_DEFAULT, or any
** subset given to thp_lang_open. The set is closed: there is no "other"
** answer. With all seven, text in another language comes out as "" (the
** five such lines of the test set do), though a close relative could be
** taken for a candidate; with fewer, text of a left-out language often
** is (Spanish "en" is also Dutch), so leave out only languages the
** corpus does not have.
**
** LENGTH. Only the first THP_LANG_READ bytes are read (cut back to a
** character boundary): every page of the test set is decided from its
** first 256 bytes, 4 KB hold several hundred function words, the cost
** per document is bounded whatever its size, and a page's opening (title,
** first paragraphs) is what its language means for searching.
**
** THREADS. A detector is read-only after thp_lang_open (libexttextcat
** builds the text's fingerprint in memory of its own per call): any
** number of threads may call thp_lang_detect on one detector at once.
**
** MEMORY. libexttextcat allocates with malloc and does not check for
** failure, so thp_mem_fail_after cannot reach it; thp_lang_detect asks
** it only for short, undecided texts.
*/
#ifndef THP_LANG_H
#define THP_LANG_H

#include <stddef.h>

#include "thp/err.h"

/* The candidate languages when thp_lang_open is given NULL. */
#define THP_LANG_DEFAULT "en nl pt es fr de tr"

/* Where libexttextcat-data keeps its models (XX.lm); Debian's path. */
#ifndef THP_LANG_MODELS
#define THP_LANG_MODELS "/usr/share/libexttextcat"
#endif

#define THP_LANG_MAX       8    /* languages one detector can weigh */
#define THP_LANG_READ      4096 /* bytes of a text that are read */
#define THP_LANG_MIN_SCORE 2.0  /* function words: evidence to decide... */
#define THP_LANG_MIN_LEAD  2.0  /* ... and lead over the runner-up */
#define THP_LANG_MIN_AGREE 1.0  /* evidence to ask libexttextcat */

/* How a guess was made (struct thp_lang_guess.by). */
enum { THP_LANG_BY_NONE, THP_LANG_BY_WORDS, THP_LANG_BY_NGRAMS };

typedef struct thp_lang thp_lang;

/* The answer for one text. */
struct thp_lang_guess {
    char lang[4];      /* ISO 639-1 code, two lowercase letters, or "" */
    char leader[4];    /* the best candidate even when lang is "" (ties:
                          the first in the list), "" without evidence */
    double score;      /* evidence for the leader (weighted words) */
    double runner_up;  /* evidence for the second best */
    double confidence; /* 0 when undecided; by words: 1 - runner_up /
                          score; by n-grams: 1 - nearest / second
                          nearest fingerprint distance */
    int by;            /* THP_LANG_BY_* */
    unsigned words;    /* words read */
    size_t read;       /* bytes read: at most THP_LANG_READ */
};

/*
** Create a detector for the languages in langs, "L1 L2 ..." (spaces or
** commas; NULL or "" means THP_LANG_DEFAULT). Each must be one of en nl
** pt es fr de tr (the languages with stop lists in tok.c), at most
** THP_LANG_MAX, no repeats. models is the folder of libexttextcat's
** XX.lm files (NULL: THP_LANG_MODELS); only the candidates' are read;
** "" leaves step 2 out (function words only).
** Returns THP_OK and sets *out, freed with thp_lang_close; or, with
** *out = NULL, THP_ERR_MISUSE (a bad list), THP_ERR_IO (a model cannot
** be read) or THP_ERR_NOMEM.
*/
int thp_lang_open(thp_lang **out, const char *langs, const char *models,
                  struct thp_err *err);

/* Free a detector; NULL is a no-op. */
void thp_lang_close(thp_lang *det);

/*
** Guess the language of utf8[0..n), valid UTF-8 (invalid bytes separate
** words and count for nothing). Fills *out, and returns THP_OK; out->lang
** is "" when the text is empty, too short or ambiguous. utf8 may be NULL
** when n is 0. THP_ERR_MISUSE when det or out is NULL, or utf8 is NULL
** with n > 0. Uses about 5 KB of stack.
*/
int thp_lang_detect(const thp_lang *det, const char *utf8, size_t n,
                    struct thp_lang_guess *out);

#endif
