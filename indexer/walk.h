/*
** walk.h: visiting the files below a path in a stable (sorted) order.
** Hidden files and folders (".name") are skipped; symbolic links to files
** are followed, links to folders are not (no cycles).
*/
#ifndef THP_WALK_H
#define THP_WALK_H

#include <sys/stat.h>

/*
** Called for each regular file. Return 0 to go on, non-zero to stop the
** walk (walk_path then returns that value).
*/
typedef int (*walk_fn)(const char *path, const struct stat *st, void *arg);

/*
** Called for a path that cannot be read (a missing file, a folder without
** permission); the walk goes on.
*/
typedef void (*walk_err_fn)(const char *path, const char *reason, void *arg);

int walk_path(const char *path, walk_fn fn, walk_err_fn on_err, void *arg);

#endif
