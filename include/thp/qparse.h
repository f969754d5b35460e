/*
** qparse.h: the user query language, compiled to an FTS5 MATCH expression.
**
** No user text reaches FTS5's own parser: every word is emitted as a
** quoted FTS5 string, so punctuation such as "asylum-seekers", "l'asile",
** "C++" or "2015-2020" can never be a syntax error. The language:
**
**   refugee camps        both words (AND is implied)
**   "labour market"      an exact phrase
**   asy*                 a prefix
**   refugee OR migrant   either (AND binds tighter than OR)
**   -camps, NOT camps    exclude
**   ( ... )              grouping
**   title:rotterdam      restrict a word or phrase to a field (title, body)
**
** A bare word matches every inflection (its stem in any query language,
** tok.h); a quoted phrase and a prefix match words as written (accents
** and case aside). AND, OR and NOT are operators only in capitals. In strict mode a
** malformed query is THP_ERR_SYNTAX with err->pos the 0-based character
** position of the fault. In lenient mode (the search box) the same query
** is repaired instead: a missing quote or parenthesis is closed, a
** dangling operator dropped; lenient parsing never fails on syntax.
*/
#ifndef THP_QPARSE_H
#define THP_QPARSE_H

#include <stddef.h>

#include "thp/buf.h"
#include "thp/err.h"
#include "thp/plan.h"

#define THP_QP_LENIENT     0x1 /* repair instead of rejecting */
#define THP_QP_PREFIX_LAST 0x2 /* as-you-type: last bare word is a prefix */
#define THP_QP_ANY_WORD    0x4 /* words side by side mean OR, not AND (for
                                  ranked retrieval of long questions) */

/* Longest query accepted, in bytes. */
#define THP_QP_MAXLEN 4096

/*
** Compile q[0..n) into an FTS5 expression appended to out. On success an
** empty out means the query has nothing to search for (e.g. only
** punctuation); callers answer that with zero hits. If roles is not NULL,
** one THP_ROLE_* byte per FTS5 phrase of the expression, in FTS5's phrase
** order, is appended to it: what thp_rank() needs to know (rank.h). On
** failure out and roles are left as they were.
**
** Under THP_QP_ANY_WORD, bare English stop words (tok.h) are dropped unless the
** query has nothing else: they would match nearly every document.
*/
int thp_qparse(const char *q, size_t n, int flags, struct thp_buf *out,
               struct thp_buf *roles, struct thp_err *err);

/* Fields a word can be restricted to (thp_qword.field). location:,
** author: and partner: search the metadata column. */
#define THP_FIELD_TITLE 1
#define THP_FIELD_BODY  2
#define THP_FIELD_META  3

/*
** Parse q[0..n) into plan (initialised by the caller with thp_plan_init):
** the FTS5 expression and roles as thp_qparse writes them, the positive
** words, the shape flags, and the filters written in the query (year:,
** date:, kind:, lang:). On failure plan is left empty and err holds the
** message, with err->haspos set and err->pos the 0-based character
** position of the fault when there is one.
*/
int thp_qparse_plan(const char *q, size_t n, int flags, struct thp_plan *plan,
                    struct thp_err *err);

#endif
