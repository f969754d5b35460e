#!/usr/bin/env bash
# 42-badinput.sh: pages that are empty, only navigation, only a title,
# 100,000 nested <div>s or 50 MB, and binary files under a text name: each
# gets a clear per-file result in bounded time and memory, and the run goes
# on to index the good page beside them.
set -u
. "$(dirname "$0")/lib.sh"

B=$TMP/bad
mkdir -p "$B"
: >"$B/empty.html"
printf '<html><body><nav><a href="/">Home</a> <a href="/news">News</a></nav></body></html>' >"$B/nav-only.html"
printf '<html><head><title>Lonely okapititleword</title></head><body></body></html>' >"$B/title-only.html"
printf 'Good page\n\nThe wombatgoodword lives here.\n' >"$B/good.txt"
# a 50 MB page (20 MB under the sanitizers, which are ten times slower)
case $BUILD in *san*) MB=20 ;; *) MB=50 ;; esac
python3 - "$B" "$MB" <<'PY'
import random, sys
d, mb = sys.argv[1], int(sys.argv[2])
n = 100000
open(f"{d}/nested.html", "w").write(
    "<html><head><title>Nest</title></head><body>" + "<div>" * n +
    "deepnestword" + "</div>" * n + "</body></html>")
r = random.Random(1)
words = ["migration", "city", "partners", "refugee", "labour", "the", "of"]
with open(f"{d}/big.html", "w") as f:
    f.write("<html><head><title>Big</title></head><body><main>"
            "<p>bigstartword</p>")
    size = 0
    while size < mb << 20:
        p = "<p>" + " ".join(r.choice(words) for _ in range(60)) + "</p>\n"
        f.write(p)
        size += len(p)
    f.write("<p>bigendword</p></main></body></html>")
# binary files named as text
open(f"{d}/random.html", "wb").write(random.Random(2).randbytes(20000))
open(f"{d}/three.txt", "wb").write(b"\xff\xfe\x00")
open(f"{d}/archive.html", "wb").write(b"PK\x03\x04" + bytes(200))
open(f"{d}/image.txt", "wb").write(b"\x89PNG\r\n\x1a\n" + bytes(100))
open(f"{d}/report.html", "wb").write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
PY

DB=$TMP/bad.db
check_py "the run ends within 300 s, in under 1.5 GB" '
import resource, subprocess, sys, time
t = time.time()
p = subprocess.run([sys.argv[1], "--index", sys.argv[2], sys.argv[3]],
                   capture_output=True, text=True, timeout=300)
open(sys.argv[4], "w").write(p.stdout)
open(sys.argv[5], "w").write(p.stderr)
open(sys.argv[6], "w").write(str(p.returncode))
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{time.time() - t:.1f} s, max RSS {rss:.0f} MB", file=sys.stderr)
assert rss < 1536, rss
' "$INDEX" "$DB" "$B" "$TMP/out" "$TMP/err" "$TMP/rc"
IOUT=$(cat "$TMP/out"); IERR=$(cat "$TMP/err")
check_eq "exit 0: something was indexed" "0" "$(cat "$TMP/rc")"
check_contains "empty page: a clear per-file result" "$IERR" "empty.html: no text found"
check_contains "only navigation: a clear per-file result" "$IERR" "nav-only.html: no text found"
check_not_contains "only a title: indexed, not an error" "$IERR" "title-only.html"
check_rc "... found by its title word" 0 "$SEARCH" --index "$DB" okapititleword
check_rc "100,000 nested <div>s: the word at the bottom is found" 0 "$SEARCH" --index "$DB" deepnestword
check_rc "${MB} MB page: its first word is found" 0 "$SEARCH" --index "$DB" bigstartword
check_rc "... and its last" 0 "$SEARCH" --index "$DB" bigendword
check_rc "the good page beside them is indexed" 0 "$SEARCH" --index "$DB" wombatgoodword
check_contains "random bytes named .html: not text" "$IERR" "random.html: not text (NUL bytes)"
check_contains "three bytes FF FE 00: not text" "$IERR" "three.txt: not text ("
check_contains "a ZIP archive named .html: not text (ZIP archive)" "$IERR" "archive.html: not text (ZIP archive)"
check_contains "a PNG named .txt: not text (PNG image)" "$IERR" "image.txt: not text (PNG image)"
check_contains "a PDF named .html: not text (PDF document)" "$IERR" "report.html: not text (PDF document)"
check_contains "the summary counts them" "$IOUT" "; 5 not text"
check_contains "... among the failed" "$(summary "$IOUT")" "7 failed"
check_eq "no document from a binary file" "0" \
    "$(sql "$DB" "SELECT count(*) FROM documents WHERE path GLOB '*random.html' OR path GLOB '*three.txt' OR path GLOB '*archive.html' OR path GLOB '*image.txt' OR path GLOB '*report.html'")"
check_eq "the manifest says why" "not text (ZIP archive)" \
    "$(sql "$DB" "SELECT error FROM sources WHERE path GLOB '*archive.html'")"
check_db "index consistent" "$DB"

finish
