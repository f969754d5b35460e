/*
** tok.h: the "thp" FTS5 tokenizer, the one text analysis shared by
** indexing and searching (registered on every connection the project
** opens, and in build/thp_fts5.so for the sqlite3 shell).
**
** SEGMENTATION. A word is a run of letters, digits and combining marks
** (Unicode categories L*, N*, M*); everything else separates, and so does
** a byte that is not valid UTF-8. Within that rule:
**   asylum-seekers  -> asylum, seekers     (hyphens and dashes split)
**   2015-2020       -> 2015, 2020          3.5 -> 3, 5
**   l'asile         -> l, asile            (an apostrophe splits...)
**   THP's, THP’s    -> thp                 (...but a final 's is dropped;
**                                           ' U+2019 U+02BC all count)
**   U.S., U.S.A.    -> us, usa             (single letters joined by dots)
**   C++, C#         -> c++, c#             (a word directly followed by
**                                           "++" or "#" and a separator)
**   难民营          -> 难民, 民营          (Han and kana runs: overlapping
**                                           bigrams; see CJK below)
** Thai, Lao, Khmer and other scripts written without spaces give one token
** per run, as unicode61 does.
**
** FOLDING. Every token has an exact form, the same for all languages so
** that a query (whose language is unknown) folds the same way: NFKD,
** Unicode case folding, combining diacritics (U+0300-036F and the other
** generic combining blocks, Hebrew points, Arabic harakat) removed, then
** NFC. Letters that do not decompose are mapped too: ı->i, ø->o, ł->l,
** đ->d, ħ->h, ŧ->t, æ->ae, œ->oe (ß->ss comes from case folding). So
** "São Paulo", "Sao Paulo" and "SAO PAULO" all give sao, paulo; Müller
** and Muller meet; Japanese voicing marks (U+3099) are not diacritics
** here and stay. Only letters, digits and marks survive folding. Per
** language (German umlauts, Turkish ı/İ) only the stems differ, below.
**
** STEMS (the per-language part). In a document, every word that can be
** stemmed has its Snowball stem in the document's language right after
** its exact form, at the same position (FTS5_TOKEN_COLOCATED), written
** "~" LANG ":" STEM, e.g. "~en:refuge" for refugees and refugee, and
** "~en:asylum" for asylum itself: a stem is indexed even when it equals
** the word, so a query's stem token alone finds every inflection, in
** that language only. Exact forms hold only letters, digits and "+#", so
** a stem never equals an exact form, and no exact prefix query ("asy*")
** can reach a stem. The stemmer reads the word lower-cased with its
** accents (Snowball's Portuguese, French, German and Turkish rules need
** them; Turkish lower-cases I to ı and İ to i); the stem is then folded
** like an exact form. Words of fewer than 3 bytes, words with an ASCII
** digit, truncated words, c++/c# and CJK have no stem (a query for them
** gets the exact form only, so it stays consistent). Stop words are
** indexed and stemmed like any word (phrases need them). highlight() and
** snippet() tokenize with FTS5_TOKENIZE_AUX, which gives exact forms
** only: the same positions, less work.
**
** LANGUAGES. The tokenizer's arguments (FTS5 tokenize='thp ...'):
**   lang XX            the default language of documents (default: en)
**   langs XX YY ...    the languages queries look for stems in; the
**                      default language is always one of them. A
**                      comma list in one quoted argument also works:
**                      tokenize='thp langs ''en,nl''' (FTS5 rejects
**                      double quotes there).
** XX is a Snowball language code (en nl pt es fr de tr ar ...), or none
** for no stemming. SQLite 3.40 has no per-row locale, so a column value
** names its own language with a tag at its very start:
**     U+E000, 0-3 letters a-z, U+E001        e.g. "\uE000nl\uE001tekst"
** (THP_TOK_TAG_OPEN "nl" THP_TOK_TAG_CLOSE). The tag yields no token and
** moves no position, so offsets, highlight() and snippet() stay right. An
** empty tag means the default language; a language not listed in lang or
** langs gets exact forms only (queries would never look for its stems).
** In SQL: char(57344) || lang || char(57345) || body. With an
** external-content table, the content table must show FTS5 the same
** tagged text on insert, 'delete' and 'rebuild' (a view does this), or
** stems are removed that were never added. Positions never depend on the
** language, only the colocated stems do.
**
** QUERIES: THE MARKER PROTOCOL. FTS5 gives the tokenizer each quoted
** string of a MATCH expression with FTS5_TOKENIZE_QUERY, plus
** FTS5_TOKENIZE_PREFIX for "..."*. The query compiler chooses per string:
**   "refugee camps"          no marker: exact forms only (a quoted phrase
**                            matches words as written, accents aside)
**   "\x01refugee"            THP_TOK_STEM_MARK first: any inflection. Each
**                            word becomes colocated alternatives: its exact
**                            form, then "~L:S" for every query language L
**                            (S its stem in L). Several words after one
**                            marker make an inflected phrase.
**   "\x01\uE000nl\uE001..."  a tag after the marker narrows the languages
**                            to that one (the tag is ignored without it)
**   "asy"*                   PREFIX: exact forms only, marker or not, so
**                            asy* finds asylum
** The marker is honoured only as the first byte of the string; elsewhere
** a control character is a separator, so user text cannot forge it once
** the compiler has dropped control characters from user words (it should).
**
** CJK. Han, hiragana and katakana runs give overlapping bigrams at
** consecutive positions; documents also index each character as a
** colocated unigram (the last one with the last bigram), so a one-
** character query (a lone character is a unigram) finds it, and a query
** run of two or more characters is a phrase of bigrams.
**
** LIMITS. A folded token is cut to THP_TOK_MAXLEN bytes at a character
** boundary (query and document cut alike, so long words still match);
** only the first 128 bytes of a word are read for folding, the rest is
** skipped in one pass. No token is longer than THP_TOK_MAXLEN + 8 bytes.
** Tokenizing allocates nothing per token; each tokenizer instance keeps
** its Snowball stemmers (libstemmer allocates those with malloc) and, once
** it indexes a language, a 384 KiB cache of that language's stems.
**
** THREADS. An FTS5 tokenizer instance belongs to its connection; use each
** connection from one thread at a time (SQLite's NOMUTEX rule already).
*/
#ifndef THP_TOK_H
#define THP_TOK_H

#include <stddef.h>

#include <sqlite3.h>

#include "thp/err.h"

/* The analysis version, for the index meta; changes with any token. */
#define THP_TOK_VERSION "thp/1"

/* The FTS5 tokenizer name: tokenize='thp lang en langs en nl ...'. */
#define THP_TOK_NAME "thp"

#define THP_TOK_MAXLEN  64 /* bytes of a folded word, stem or bigram */
#define THP_TOK_MAXLANG 16 /* languages one tokenizer instance knows */

/* Query marker: first byte of a query string that wants any inflection. */
#define THP_TOK_STEM_MARK "\x01"

/* Language tag brackets, U+E000 and U+E001 in UTF-8. */
#define THP_TOK_TAG_OPEN  "\xEE\x80\x80"
#define THP_TOK_TAG_CLOSE "\xEE\x80\x81"

/* Mode flags of thp_tok_each: FTS5's FTS5_TOKENIZE_* values. */
#define THP_TOK_QUERY    0x0001
#define THP_TOK_PREFIX   0x0002
#define THP_TOK_DOCUMENT 0x0004
#define THP_TOK_AUX      0x0008

/* tflags bit of a token at the previous token's position. */
#define THP_TOK_COLOCATED 0x0001

/*
** A token callback, with FTS5's xToken signature: tok[0..n) is the token
** (not NUL-terminated, borrowed for the call), [start, end) its bytes in
** the input. Return 0 to go on; anything else stops tokenizing and is
** returned by thp_tok_each.
*/
typedef int (*thp_tok_fn)(void *arg, int tflags, const char *tok, int n,
                          int start, int end);

/*
** Register the "thp" tokenizer on db (through SELECT fts5(?1)). Call it on
** every connection before any access to a table that uses it, including
** DROP TABLE. Returns THP_OK, or THP_ERR_DB when db has no FTS5.
*/
int thp_tok_register(sqlite3 *db, struct thp_err *err);

/*
** The languages whose stems queries on db look for: langs as "en nl pt"
** (spaces or commas), NULL or "" for all the table's languages. A reader
** names the languages its documents are in: a stem of any other language
** matches nothing, so leaving it out changes no result and saves a
** posting-list lookup per word. The default language is always looked
** for. Returns THP_OK, or THP_ERR_MISUSE if db has no thp tokenizer.
*/
int thp_tok_query_langs(sqlite3 *db, const char *langs);

/*
** The FTS5 API of db (version 2 or later), through SELECT fts5(?1), for
** registering tokenizers and auxiliary functions; NULL if db has no FTS5.
*/
fts5_api *thp_tok_fts5_api(sqlite3 *db);

/*
** Tokenize s[0..n) as an FTS5 table with tokenize='thp lang L1 langs L1
** L2 ...' would, for tests and debugging; langs is "L1 L2 ..." (spaces or
** commas; NULL or "" means "en"), flags one of THP_TOK_DOCUMENT,
** THP_TOK_QUERY (| THP_TOK_PREFIX) or THP_TOK_AUX. Builds the stemmers on
** every call, so it is not for hot paths. Returns THP_OK, THP_ERR_MISUSE
** (a language without a stemmer, or too many), THP_ERR_NOMEM,
** THP_ERR_TOOBIG (n > INT_MAX), or the callback's nonzero return.
*/
int thp_tok_each(const char *langs, const char *s, size_t n, int flags,
                 thp_tok_fn cb, void *arg);

/*
** A tokenizer kept for many calls (thp_tok_each builds one per call):
** langs as for thp_tok_each. Owned by the caller, freed with thp_tok_free;
** use it from one thread at a time. thp_tok_run is thp_tok_each on it.
*/
typedef struct thp_tokenizer thp_tokenizer;
int thp_tok_new(const char *langs, thp_tokenizer **out);
int thp_tok_run(thp_tokenizer *t, const char *s, size_t n, int flags,
                thp_tok_fn cb, void *arg);
void thp_tok_free(thp_tokenizer *t);

/*
** 1 if word[0..n) is a stop word of language lang (en nl pt es fr de tr;
** NULL: of any of them), else 0. The word is folded first, so a raw word
** or an exact token both work. The lists are Snowball's, folded.
*/
int thp_tok_is_stopword(const char *lang, const char *word, size_t n);

/*
** Length of a language tag at the start of s[0..n), or 0 if there is
** none; the code is s[3..len-3). For stripping tags from snippets.
*/
size_t thp_tok_tag_len(const char *s, size_t n);

#endif
