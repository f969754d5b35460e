/*
** schema.h (internal): table and column names shared by index.c, which
** owns the schema, and query.c, which only reads it.
*/
#ifndef THP_SCHEMA_H
#define THP_SCHEMA_H

#define THP_T_DOCS "documents"
#define THP_T_FTS  "documents_fts"

/* Tokenizer of the FTS5 table; changing it changes the analysis version. */
#define THP_TOKENIZE "unicode61 remove_diacritics 2"
#define THP_ANALYSIS "unicode61-rd2/1"

/* BM25 column weights: title, body, meta (location, partners, authors). */
#define THP_BM25 "bm25(" THP_T_FTS ", 10.0, 1.0, 3.0)"

#endif
