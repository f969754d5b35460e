/*
** expand.h: pseudo-relevance feedback. A query is run once; the words of
** its best documents that best tell them apart from the rest of the index
** are added to it, lighter than the words typed, and the query runs
** again. It helps long research questions (measured in docs/RELEVANCE.md)
** and is off unless asked for (fb_docs > 0 in the ranking parameters,
** thp-search --expand, /search?expand=1).
**
** The weight of a candidate term t (a stem, or an exact form for words
** without one, as the tokenizer indexes them) is RM1's
**     sum over the fb_docs best documents d of  P(t|d) * P(d|q)
** with P(t|d) = tf / |d| and P(d|q) the document's share of their total
** thp_rank score, times t's idf in the index (so that words common to
** every document do not win). Stop words, words of fewer than 3 letters
** and numbers are never added. The fb_terms best are added as any-form
** terms, the strongest with weight fb_weight and the others in
** proportion.
*/
#ifndef THP_EXPAND_H
#define THP_EXPAND_H

#include <sqlite3.h>

#include "thp/buf.h"
#include "thp/err.h"
#include "thp/rank.h"

/*
** Expand the compiled query in match/roles (as qparse wrote them) on db,
** ranking with p (its text form in params). On success match and roles
** hold the expanded query and weights the terms' weights for thp_rank's
** fifth argument; with nothing to add, match and roles are unchanged and
** weights is empty. THP_ERR_DB or THP_ERR_NOMEM on failure, leaving
** match and roles as they were.
*/
int thp_expand(sqlite3 *db, const struct thp_rank_params *p,
               const char *params, struct thp_buf *match,
               struct thp_buf *roles, struct thp_buf *weights,
               struct thp_err *err);

#endif
