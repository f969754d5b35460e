/*
** passage.h: passages of a document that show why it matched, and the
** concordance (keyword in context), made from the document's own text
** for the hits shown only, never by running the query again.
**
** The query's words are tokenized once (thp_terms_new) into the tokens
** they match: each word's exact form, and for a bare word its stem in
** every query language, as FTS5 sees them (tok.h); a prefix word matches
** exact forms that start with it. A hit's text is tokenized as its
** language indexes it, so a passage marks every form that matched
** (refugees for refugee, São for sao), with THP_MARK_OPEN/CLOSE around
** each (query.h). Passages are the windows with the most distinct query
** words, then the most matches, anywhere in the text; without a match
** in the text (a title-only hit) the first passage is the text's start.
*/
#ifndef THP_PASSAGE_H
#define THP_PASSAGE_H

#include <stddef.h>

#include "thp/err.h"
#include "thp/plan.h"
#include "thp/tok.h"

#define THP_MARK_OPEN  "\x01"
#define THP_MARK_CLOSE "\x02"

/* Bytes of a document's text read for passages at most: a longer text
** is searched in its first part only, so one huge document costs no
** more than this. */
#define THP_PASSAGE_SCAN (512 * 1024)

/* Occurrences at most per document in a concordance. */
#define THP_KWIC_MAX 1000

typedef struct thp_terms thp_terms;

struct thp_passage {
    char *text;     /* with marks; owned by the array's owner */
    size_t offset;  /* byte offset of the passage's first match */
    size_t pad;     /* concordance: blanks before text to align matches */
};

/*
** The tokens the positive words of plan (written in q) match, tokenized
** by tok in query mode. *out is the caller's (thp_terms_free). A plan
** without words gives an empty set.
*/
int thp_terms_new(thp_tokenizer *tok, const char *q,
                  const struct thp_plan *plan, thp_terms **out);
void thp_terms_free(thp_terms *t);

/*
** Up to want passages of about width characters from text[0..n) (in
** language lang, "" the default), best first. With kwic, instead one
** line per occurrence: width characters each side, pad set so that the
** matches line up. *out (thp_passages_free) and *nout are set; *nmatch
** (may be NULL) counts the occurrences found.
*/
int thp_passages_find(thp_tokenizer *tok, const thp_terms *terms,
                      const char *lang, const char *text, size_t n,
                      size_t want, size_t width, int kwic,
                      struct thp_passage **out, size_t *nout,
                      size_t *nmatch);
void thp_passages_free(struct thp_passage *p, size_t n);

#endif
