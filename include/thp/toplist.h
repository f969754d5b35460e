/*
** toplist.h: the best hits of the index's most frequent words, computed
** once after indexing, so that a search for one common word (what the
** search box sends most, and what costs most: every match ranked) is one
** row lookup instead of a pass over tens of thousands of matches.
**
** For each of the most frequent words (exact forms in the FTS index,
** df >= min_df, at most max_words) the executor's own search for that
** word as a bare word (any inflection) is run once with the default
** ranking, and its first THP_TOPLIST_DEPTH hits (near-duplicates already
** grouped), their scores and the exact total are stored in the table
** toplist. So is, under the key "abc*", the search box's request for each
** of the most frequent prefixes of THP_TOPLIST_PREFIX_MIN..MAX letters
** (a-z, 0-9; summed document frequency >= min_df; at most max_words of
** them) ranked in full (mode=simple, prefix=1, count=exact), which the
** box's bounded preview of that word then gives instead, as does a
** researcher's abc* alone, which compiles to the same match (exec.c).
** Both are stored in toplist, with a fingerprint of the FTS index and the ranking
** parameters in meta 'toplist'. A reader uses a stored list only while
** the fingerprint still matches (any write to the FTS index changes it;
** thp_index_toplist_key in index.h),
** for a request whose answer is that list: one bare word, relevance
** order, default ranking, no filters or facets, within the depth. Any
** other request, or a stale list, is answered by the full pass, so the
** lists change speed and never results.
*/
#ifndef THP_TOPLIST_H
#define THP_TOPLIST_H

#include <stddef.h>
#include <stdint.h>

#include "thp/err.h"
#include "thp/index.h"

#define THP_TOPLIST_DEPTH 100   /* hits stored per word */
#define THP_TOPLIST_WORDS 200   /* words at most, by default */
#define THP_TOPLIST_MIN_DF 2000 /* below, the full pass is cheap enough */

/*
** Compute and store the lists on idx (opened for writing; commits). Does
** nothing when the stored lists are for this index already. *words (may
** be NULL) is set to the number of words listed, or -1 if they were
** current.
*/
int thp_toplist_build(thp_index *idx, size_t max_words, int64_t min_df,
                      long *words, struct thp_err *err);

#endif
