#!/usr/bin/env bash
# 01-harness.sh: the end-to-end harness itself fails a script when a
# program it ran wrote a sanitizer report: to a file of $SAN_DIR (the
# ASAN_OPTIONS/UBSAN_OPTIONS log_path lib.sh sets, which a background
# daemon or a dropped stderr cannot hide), or to the stderr `run` captured;
# a script without one passes. Each case is a small script sourcing lib.sh.
set -u
. "$(dirname "$0")/lib.sh"

LIB=$ROOT/tests/e2e/lib.sh

# case NAME BODY: a script that sources lib.sh, runs BODY and finishes
case_script() {
    printf '. %q\n%s\nfinish\n' "$LIB" "$2" >"$TMP/$1.sh"
}

case_script clean 'check "true passes" true'
check_rc "no report: the script passes" 0 bash "$TMP/clean.sh"
check_contains "... 1 passed, 0 failed" "$OUT" "1 passed, 0 failed"

case_script asan_file 'check "true passes" true
echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow" >"$SAN_DIR/asan.4242"'
check_rc "an AddressSanitizer report in \$SAN_DIR: the script fails" 1 \
    bash "$TMP/asan_file.sh"
check_contains "... naming the report" "$OUT" "not ok - sanitizer report asan.4242"
check_contains "... showing it" "$OUT" "heap-buffer-overflow"

case_script ubsan_stderr 'run sh -c "echo \"x.c:1:2: runtime error: signed integer overflow\" >&2; exit 1"'
check_rc "UBSan's 'runtime error:' on a captured stderr: the script fails" 1 \
    bash "$TMP/ubsan_stderr.sh"
check_contains "... saying which command" "$OUT" "not ok - no sanitizer report from: sh -c"

case_script lsan_stderr 'run sh -c "echo \"==7==ERROR: LeakSanitizer: detected memory leaks\" >&2"'
check_rc "a LeakSanitizer report on a captured stderr: the script fails" 1 \
    bash "$TMP/lsan_stderr.sh"

case_script options 'echo "$ASAN_OPTIONS|$UBSAN_OPTIONS"'
run bash "$TMP/options.sh"
check_contains "lib.sh sends AddressSanitizer reports to \$SAN_DIR" "$OUT" "log_path="
check_contains "... and UBSan's" "$OUT" "ubsan"

finish
