# mk/lint.mk: make lint: cppcheck and clang-tidy (Debian's packages
# cppcheck and clang-tidy) over the C sources of lib/, cli/, indexer/ and
# searchd/. Both run; any finding of either fails, and nothing is
# suppressed in the code. A tool that is not installed is skipped with a
# note. LINT_JOBS files at a time (default 2); about 15 s of CPU.
#
#   make lint                 cppcheck, clang-tidy's checks below
#   make lint LINT_ANALYZE=1  also clang's static analyzer (core, unix,
#                             dead stores, nullability, va_list): about
#                             three minutes of CPU more
#
# cppcheck: its warning, portability and performance checks.
# clang-tidy: bugprone-*, cert-*, misc-*, performance-*, portability-*,
# without the checks at odds with how this code is written, and why:
#   bugprone-easily-swappable-parameters   (s, n) pairs, STYLE 7.3
#   bugprone-not-null-terminated-result    byte strings are (s, n), not
#                                          NUL-terminated, STYLE 7.3
#   bugprone-narrowing-conversions         every c = x ? 'a' : 'b' (a
#                                          character constant is an int)
#   bugprone-suspicious-string-compare     the !strcmp(a, b) idiom
#   cert-err33-c                           unchecked fprintf, snprintf...
#   misc-no-recursion                      the query parser, JSON reader,
#                                          HTML walk and folder walk recurse
#                                          to a bounded depth (tested)
#   misc-unused-parameters                 callbacks of a fixed signature
#                                          (the build's -Wno-unused-parameter)
# clang-tidy sees one file at a time: given several, clang 14's va_list
# checker reports every va_start'ed list as uninitialized.

LINT_SRC  := $(sort $(wildcard lib/*.c cli/*.c indexer/*.c searchd/*.c))
LINT_JOBS ?= 2
LINT_ANALYZE ?=
LINT_CPPFLAGS = -Iinclude -D_GNU_SOURCE \
    $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
TIDY_ANALYZER := ,clang-analyzer-core.*,clang-analyzer-unix.*,$\
    clang-analyzer-deadcode.*,clang-analyzer-nullability.*,$\
    clang-analyzer-valist.*

TIDY_CHECKS := -*,bugprone-*,cert-*,misc-*,performance-*,portability-*,$\
    -bugprone-easily-swappable-parameters,$\
    -bugprone-not-null-terminated-result,$\
    -bugprone-narrowing-conversions,-bugprone-suspicious-string-compare,$\
    -cert-err33-c,-misc-no-recursion,-misc-unused-parameters$\
    $(if $(LINT_ANALYZE),$(TIDY_ANALYZER))
.PHONY: lint
lint:
	@fail=0; \
	if command -v cppcheck >/dev/null 2>&1; then \
	    echo "lint: cppcheck ($(words $(LINT_SRC)) files)"; \
	    cppcheck -q --std=c11 -j$(LINT_JOBS) --error-exitcode=1 \
	        --enable=warning,portability,performance \
	        -Iinclude -D_GNU_SOURCE $(LINT_SRC) || fail=1; \
	else \
	    echo "lint: cppcheck is not installed (apt-get install cppcheck): skipped"; \
	fi; \
	if command -v clang-tidy >/dev/null 2>&1; then \
	    echo "lint: clang-tidy ($(words $(LINT_SRC)) files$(if $(LINT_ANALYZE),, without the analyzer))"; \
	    printf '%s\n' $(LINT_SRC) | xargs -P $(LINT_JOBS) -n 1 sh -c \
	        'clang-tidy --quiet --checks="$$0" --warnings-as-errors="*" \
	            "$$1" -- -std=c11 $(LINT_CPPFLAGS) 2>/dev/null' \
	        '$(TIDY_CHECKS)' || fail=1; \
	else \
	    echo "lint: clang-tidy is not installed (apt-get install clang-tidy): skipped"; \
	fi; \
	if [ $$fail -ne 0 ]; then echo "lint: findings above"; exit 1; fi; \
	echo "lint: clean"
