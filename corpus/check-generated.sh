#!/bin/sh
# check-generated.sh - verify the committed sample corpus is reproducible.
#
# 1. Regenerates the legacy-encoding variants and the PDF report with
#    generate.py into a temporary directory and compares them byte for byte
#    (diff -r -q: binary-safe) with the committed corpus/pages/ and
#    corpus/reports/ (extra or missing files also fail).
# 2. If the original scrapes exist beside the repository
#    ($(dirname REPO)/shared/seeds), checks that corpus/seeds/ holds
#    byte-exact copies of them.  Silently skipped when that folder is absent.
#
# Prints "corpus: ok" and exits 0 on success; prints what differs and exits 1
# otherwise.  Usage: sh corpus/check-generated.sh   (from any directory)
# Set PYTHON to use another interpreter than python3.

set -u

CORPUS_DIR=$(cd "$(dirname "$0")" && pwd) || exit 1
REPO_DIR=$(dirname "$CORPUS_DIR")
SHARED_SEEDS=$(dirname "$REPO_DIR")/shared/seeds
PYTHON=${PYTHON:-python3}

fail() {
    echo "corpus: $*" >&2
    exit 1
}

TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/thp-corpus.XXXXXX") ||
    fail "cannot create a temporary directory"
trap 'rm -rf "$TMP_DIR"' EXIT
trap 'exit 1' HUP INT TERM

"$PYTHON" "$CORPUS_DIR/generate.py" "$TMP_DIR" ||
    fail "generate.py failed"

for sub in pages reports; do
    [ -d "$CORPUS_DIR/$sub" ] || fail "missing committed directory corpus/$sub"
    if ! diff -r -q "$TMP_DIR/$sub" "$CORPUS_DIR/$sub" >&2; then
        fail "corpus/$sub differs from generate.py output;" \
            "run 'python3 corpus/generate.py' and commit the result"
    fi
done

if [ -d "$SHARED_SEEDS" ]; then
    if ! diff -r -q "$SHARED_SEEDS" "$CORPUS_DIR/seeds" >&2; then
        fail "corpus/seeds is not a byte-exact copy of $SHARED_SEEDS"
    fi
fi

echo "corpus: ok"
exit 0
