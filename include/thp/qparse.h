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

/* Most FTS5 phrases thp_qparse_plan writes (a bare word takes two, a
** word inside NEAR, a phrase or a prefix one). Measured with FTS5 3.40.1
** on 20,000 generated documents of 100-300 words: an OR of 64 bare words
** (128 phrases) takes about 0.1 s to count, of 500 words 1.3 s, of 1,000
** words 4 s; an AND of 1,000 words 0.2 s. Beyond the cap strict mode
** fails (THP_ERR_TOOBIG, with the position of the first word left out) and
** lenient mode leaves the rest of the words out. */
#define THP_QP_MAXPHRASES 128

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
** position of the fault when there is one. plan->weights is not touched.
**
** thp_qparse reads the classic language above; this function reads the
** full one (docs/QUERY.md), which adds:
**
**   NEAR(a b, 5)         words or phrases within 5 tokens of each other
**                        (NEAR(a b): within 10), written as FTS5's NEAR
**                        group; a bare word in it is its any-inflection
**                        phrase alone ("\x01a", role T), a phrase or a
**                        prefix its exact form (X)
**   "a b"~5              the phrase's words, exact forms, within 5 tokens
**                        of each other: NEAR("a" "b", 5)
**   location:x author:x partner:x   the meta column (location, partners,
**                        authors); title: and body: as before; a field
**                        applies to a word, phrase, prefix, NEAR or group
**   kind:page|item|report  lang:xx (2-3 letters)   year:2011
**   year:2010..2014  date:2011-06  date:2010..2012  date:2010..
**   date:..2012  date:>=2011-06  date:>2011  date:<2012  date:<=2012-03-31
**                        filters, into plan->date_lo/date_hi (yyyymmdd,
**                        plan.h), kinds and langs. kind: and lang: values
**                        OR together, dates intersect (two that exclude
**                        each other leave date_lo > date_hi: no document).
**                        A filter stands only at the top level of the
**                        query's AND, not inside OR, NOT, ( ) or a field.
**
** A field name is 2 to 10 ASCII letters (any case) and a colon directly
** followed by something other than a blank, ')', ':' or '/'. Any other
** text with a colon is text: "10:30", "C++:", "a:b", "http://x", "Note: x".
** NEAR is an operator only in capitals directly followed by '('; inside
** it a comma ends a word. NEAR distances are 0 to 1000.
**
** Strict mode fails (THP_ERR_SYNTAX, with a position) on an unknown field
** ("unknown field 'autor' at position 0; fields: ..."), a bad or
** reversed filter value, a misplaced filter, a malformed NEAR group or
** '~', invalid UTF-8, and as thp_qparse does; THP_ERR_TOOBIG beyond
** THP_QP_MAXLEN bytes or THP_QP_MAXPHRASES phrases. Lenient mode never
** fails on syntax: an unknown field or a filter that cannot apply is
** searched as its name and its value, both required ("autor:siegel" is
** autor AND siegel), a malformed NEAR group as its words, bytes that are
** not UTF-8 as blanks, parentheses nested too deeply as blanks, and words
** beyond THP_QP_MAXPHRASES are left out. Only a query longer than
** THP_QP_MAXLEN bytes fails in both modes.
**
** The words (plan->words) are those the match searches for and that no
** NOT or '-' excludes, in query order; each word of a phrase is one
** entry (words are split at blanks). Shape: has_or (an OR between user
** terms, also the implicit one of THP_QP_ANY_WORD), has_not (an excluded
** part), has_near (a NEAR group, also from "..."~N), has_phrase (a quoted
** phrase of two or more words left as a phrase).
*/
int thp_qparse_plan(const char *q, size_t n, int flags, struct thp_plan *plan,
                    struct thp_err *err);

#endif
