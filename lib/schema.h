/*
** schema.h (internal): table and column names shared by index.c, which
** owns the schema, and query.c, which only reads it.
*/
#ifndef THP_SCHEMA_H
#define THP_SCHEMA_H

#include "thp/tok.h"

#define THP_T_DOCS "documents"
#define THP_T_FTS  "documents_fts"
/* What FTS5 reads as its content: documents with each text column's
** language tag in front (see tok.h), a view so highlight(), snippet(),
** 'rebuild' and 'integrity-check' see what was tokenized. */
#define THP_T_TEXT "documents_text"
/* Per connection (temp): fts5vocab 'row' over the FTS table, term -> the
** number of documents holding it (expand.c reads it). */
#define THP_T_VOCAB "temp.thp_vocab"

/* Tokenizer of the FTS5 table (tok.h): English by default, stems in the
** languages queries look for. Changing it changes the analysis version. */
#define THP_LANGS    "en nl pt es fr de tr"
#define THP_TOKENIZE "thp lang en langs " THP_LANGS
#define THP_ANALYSIS THP_TOK_VERSION " " THP_LANGS


#endif
