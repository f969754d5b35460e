/*
** walk.c: recursive, sorted directory traversal for thp-index.
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thp/buf.h"
#include "thp/mem.h"
#include "walk.h"

static int skip_entry(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static int walk_rec(struct thp_buf *path, int depth, walk_fn fn,
                    walk_err_fn on_err, void *arg)
{
    struct stat st;
    struct dirent **names;
    int i, n, rc = 0;
    size_t len;
    /* the current folder walks as "" so that its files are "name", not
    ** "./name" */
    const char *dir = path->n ? path->s : ".";

    if (stat(dir, &st) != 0) {
        on_err(dir, strerror(errno), arg);
        return 0;
    }
    if (S_ISREG(st.st_mode))
        return fn(path->s, &st, arg);
    if (!S_ISDIR(st.st_mode)) {
        /* never opened: a FIFO would block, a device could be anything */
        on_err(dir, S_ISFIFO(st.st_mode)   ? "skipped (a FIFO, not a file)"
                    : S_ISSOCK(st.st_mode) ? "skipped (a socket, not a file)"
                                           : "skipped (a device, not a file)",
               arg);
        return 0;
    }
    if (depth > 0) { /* do not follow links to folders below the root */
        struct stat lst;

        if (lstat(dir, &lst) == 0 && S_ISLNK(lst.st_mode))
            return 0;
    }
    if (depth > 64) {
        on_err(dir, "folders nested too deeply", arg);
        return 0;
    }
    n = scandir(dir, &names, skip_entry, alphasort);
    if (n < 0) {
        on_err(dir, strerror(errno), arg);
        return 0;
    }
    len = path->n;
    for (i = 0; i < n; i++) {
        if (rc == 0) {
            path->n = len;
            if (len > 0 && path->s[len - 1] != '/')
                thp_buf_putc(path, '/');
            thp_buf_puts(path, names[i]->d_name);
            if (path->rc != 0) {
                on_err(names[i]->d_name, "path too long", arg);
                path->rc = 0;
            } else {
                rc = walk_rec(path, depth + 1, fn, on_err, arg);
            }
        }
        free(names[i]); /* scandir allocates with malloc */
    }
    free(names);
    path->n = len;
    if (path->s)
        path->s[len] = '\0';
    return rc;
}

int walk_path(const char *root, walk_fn fn, walk_err_fn on_err, void *arg)
{
    struct thp_buf path;
    size_t n = strlen(root);
    int rc;

    /* "corpus/" and "corpus" name the same sources */
    while (n > 1 && root[n - 1] == '/')
        n--;
    if (n == 1 && root[0] == '.')
        n = 0;
    thp_buf_init(&path, 4096);
    if (thp_buf_append(&path, root, n) != 0) {
        on_err(root, "path too long", arg);
        thp_buf_release(&path);
        return 0;
    }
    if (thp_buf_grow(&path, 1) != 0) {
        thp_buf_release(&path);
        return 0;
    }
    rc = walk_rec(&path, 0, fn, on_err, arg);
    thp_buf_release(&path);
    return rc;
}
