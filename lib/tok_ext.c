/*
** tok_ext.c: the entry point of build/thp_fts5.so, a loadable SQLite
** extension that registers the "thp" tokenizer, so that the sqlite3 shell
** (".load build/thp_fts5") and other SQLite programs can read and write an
** index built with it. Only this build defines THP_TOK_EXTENSION, which
** makes tok.c call SQLite through the loader's API table; in libthp.a
** this file is inert (nothing refers to its entry point).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "thp/err.h"
#include "thp/tok.h"

/*
** SQLite derives the entry point from the file name: the letters of
** "thp_fts5" give sqlite3_thpfts_init.
*/
__attribute__((visibility("default"))) int
sqlite3_thpfts_init(sqlite3 *db, char **errmsg,
                    const sqlite3_api_routines *api);

__attribute__((visibility("default"))) int
sqlite3_thpfts_init(sqlite3 *db, char **errmsg,
                    const sqlite3_api_routines *api)
{
    struct thp_err err;

    SQLITE_EXTENSION_INIT2(api);
    thp_err_clear(&err);
    if (thp_tok_register(db, &err) != THP_OK) {
        if (errmsg)
            *errmsg = sqlite3_mprintf("%s", err.msg);
        return SQLITE_ERROR;
    }
    return SQLITE_OK;
}
