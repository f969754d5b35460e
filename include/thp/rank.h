/*
** rank.h: relevance ranking, as the FTS5 auxiliary function thp_rank().
**
**   thp_rank(documents_fts [, roles [, params [, year [, weights]]]])
**
** Higher is better. The score of a document for a query of terms t is
**
**   BM25F. Each term's frequency is summed over the fields (title, body,
**   meta), each field's count weighted and normalised by the field's
**   length against its average (b), then saturated once (k1):
**       tf~(t) = sum_f  w_f * (tf_f(t) + exact * ex_f(t))
**                       / (1 - b + b * len_f / avglen_f)
**       score  = sum_t  q(t) * idf(t) * tf~(t) * (k1 + 1) / (tf~(t) + k1)
**   with idf(t) = ln(1 + (N - n_t + 0.5) / (n_t + 0.5)) (never negative),
**   ex_f(t) the occurrences in exact form (as the query wrote the word,
**   not only its stem), and q(t) = stop for stop words, else 1.
**
**   PROXIMITY (BM25TP). Occurrences of two different terms in one field
**   within `window` positions add 1/d^2 to that pair's count a; each pair
**   adds prox * min(idf) * a (k1 + 1) / (a + k1).
**
**   RECENCY. With recency > 0 and a year, the score is multiplied by
**   1 + recency * 2^(-(now - year) / halflife).
**
** ROLES tell thp_rank what each FTS5 phrase of the MATCH expression is,
** one byte per phrase in FTS5's order (qparse writes them):
**   T  a term, any inflection          t  the same, a stop word
**   X  a term, exact forms only        x  the same, a stop word
**   e  the exact form of the term before it (counts into its ex_f)
**   n  an excluded phrase (not scored)
** A phrase beyond the roles given is a term of its own ('T'), so
** thp_rank(documents_fts) alone is plain BM25F. A fifth argument, a text
** of numbers separated by blanks, gives the terms' weights in order
** (missing ones are 1); q(t) is multiplied by them.
**
** PARAMS is a text of key=value pairs separated by blanks, commas,
** semicolons or newlines ('#' starts a comment to the end of the line);
** unknown keys are an error. Keys and defaults (THP_RANK_DEFAULTS):
**   k1 b                BM25 saturation and length normalisation
**   title body meta     field weights
**   exact               extra weight of an exact-form occurrence
**   stop                weight of a stop-word term
**   prox window         proximity weight, window in positions (1..64)
**   recency halflife    recency weight (0: off) and half-life in years
**   now                 the year recency counts from (0: this year)
**   fb_docs fb_terms fb_weight   pseudo-relevance feedback (expand.h):
**                       feedback documents (0: off), terms added, and
**                       the weight of the strongest added term
**   (the feedback keys are read by query.c, not by thp_rank)
** The defaults were chosen on half of the Cranfield queries; see
** docs/RELEVANCE.md and `make eval`.
*/
#ifndef THP_RANK_H
#define THP_RANK_H

#include <stddef.h>

#include <sqlite3.h>

#include "thp/err.h"

/* Roles of FTS5 phrases (see above). */
#define THP_ROLE_STEM       'T'
#define THP_ROLE_STEM_STOP  't'
#define THP_ROLE_EXACT      'X'
#define THP_ROLE_EXACT_STOP 'x'
#define THP_ROLE_EXACT_ALT  'e'
#define THP_ROLE_EXCLUDED   'n'

/* Feedback documents that --expand (expand=1) asks for when the ranking
** parameters leave fb_docs at 0. */
#define THP_RANK_FB_DOCS 3

/* The SQL name of the ranking function. */
#define THP_RANK_NAME "thp_rank"

struct thp_rank_params {
    double k1, b;
    double title, body, meta; /* field weights, in FTS column order */
    double exact;             /* >= 0 */
    double stop;              /* 0..1 */
    double prox;              /* >= 0 */
    int window;               /* 1..64 */
    double recency;           /* >= 0; 0 is off */
    double halflife;          /* years, > 0 */
    int now;                  /* year; 0: the current year */
    int fb_docs;              /* 0..100; 0: no feedback */
    int fb_terms;             /* 1..100 */
    double fb_weight;         /* 0..10 */
};

/* Fill p with the defaults. */
void thp_rank_defaults(struct thp_rank_params *p);

/*
** Apply the key=value pairs of spec[0..n) to p (syntax above). On error
** (THP_ERR_SYNTAX: unknown key, bad or out-of-range number) p is
** unchanged and err says which key, with err->pos its byte offset.
*/
int thp_rank_set(struct thp_rank_params *p, const char *spec, size_t n,
                 struct thp_err *err);

/* thp_rank_set with the contents of file path (errors name the file). */
int thp_rank_load(struct thp_rank_params *p, const char *path,
                  struct thp_err *err);

/*
** Write p as a params text that thp_rank_set reads back exactly, NUL-
** terminated, into out[0..len). Returns its length, or the length it
** needs (>= len) when it does not fit, as snprintf does.
*/
size_t thp_rank_format(const struct thp_rank_params *p, char *out,
                       size_t len);

/* Register thp_rank() on db's FTS5. THP_ERR_DB if db has no FTS5. */
int thp_rank_register(sqlite3 *db, struct thp_err *err);

#endif
