#!/usr/bin/env bash
# layout.sh: the module boundaries of docs/ARCHITECTURE.md, checked.
#   - lib/ includes only lib/ headers (thp/*.h, schema.h) and system ones;
#   - a program includes thp/ headers and its own folder's, never another
#     program's files;
#   - lib modules include each other without cycles;
#   - only lib/index.c creates tables or writes (INSERT/UPDATE/DELETE/CREATE).
set -u
cd "$(dirname "$0")/.." || exit 2
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "not ok - $*"; }

# 1. lib/ never reaches into a program folder
if grep -nE '#include "(\.\./)?(indexer|cli|searchd)/' lib/*.c lib/*.h include/thp/*.h; then
    bad "lib/ includes a program's file"
else ok; fi

# 2. programs include only thp/ headers and files of their own folder
for dir in indexer cli searchd; do
    for f in "$dir"/*.[ch]; do
        [ -e "$f" ] || continue
        while IFS= read -r inc; do
            case "$inc" in
            thp/*) ;;
            *) [ -e "$dir/$inc" ] || { bad "$f includes \"$inc\" from outside $dir/"; continue 2; } ;;
            esac
        done < <(sed -nE 's/^#include "([^"]+)".*/\1/p' "$f")
        ok
    done
done

# 3. no include cycles among lib modules (module = file stem)
edges=$(for f in lib/*.c include/thp/*.h lib/*.h; do
    from=$(basename "$f"); from=${from%.*}
    sed -nE 's/^#include "(thp\/)?([a-z_]+)\.h".*/\2/p' "$f" |
        while read -r to; do [ "$from" != "$to" ] && echo "$from $to"; done
done | sort -u)
if printf '%s\n' "$edges" | tsort >/dev/null 2>/tmp/thp-layout-tsort.$$; then ok
else bad "include cycle among lib modules: $(cat /tmp/thp-layout-tsort.$$)"; fi
rm -f /tmp/thp-layout-tsort.$$

# 4. SQL that writes lives in lib/index.c only
if grep -nE '"(INSERT|UPDATE|DELETE|CREATE|DROP) ' lib/*.c indexer/*.c cli/*.c searchd/*.c | grep -v '^lib/index.c:'; then
    bad "SQL that writes outside lib/index.c"
else ok; fi

echo "layout: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
