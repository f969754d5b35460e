# thp-search: one plain Makefile. Dependencies come from pkg-config.
#
#   make            build libthp.a and the three programs into build/
#   make check      install deps, lint (cppcheck, clang-tidy), build, run
#                   unit + e2e tests, then the same suite under
#                   AddressSanitizer + UBSan
#   make demo       install deps, build, index corpus/ into thp.db, serve
#   make bench      throughput benchmarks, each beside its reference
#   make eval       relevance on Cranfield beside the plain FTS5 baseline
#   make tune       choose ranking parameters on half the queries (slow)
#   make fuzz       libFuzzer targets (clang), FUZZ_SECONDS each
#   make install PREFIX=/usr/local     make clean

CC       ?= cc
PREFIX   ?= /usr/local
BUILD    ?= build
SAN      ?=
PKGS     := sqlite3 libmicrohttpd uchardet libutf8proc gumbo libexttextcat

WARN     := -Wall -Wextra -Wshadow -Wundef -Wwrite-strings \
            -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
            -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CPPFLAGS += -Iinclude -D_GNU_SOURCE $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lm
ALL_CFLAGS = -std=c11 -pthread $(WARN) $(CFLAGS) $(if $(SAN),-fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all)
ALL_LDFLAGS = -pthread $(LDFLAGS) $(if $(SAN),-fsanitize=$(SAN))

LIB_SRC  := $(filter-out lib/tok_ext.c,$(wildcard lib/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libthp.a

INDEX_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(wildcard indexer/*.c))
SEARCH_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard cli/*.c))
SEARCHD_OBJ:= $(patsubst %.c,$(BUILD)/%.o,$(wildcard searchd/*.c))
PROGS    := $(BUILD)/thp-index $(BUILD)/thp-search $(BUILD)/thp-searchd

UNIT_SRC := $(wildcard tests/unit/*_test.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# Fuzz targets: tests/fuzz/fuzz_NAME.c with seeds in tests/fuzz/corpus/NAME.
# make check replays the seeds through a plain main() (tests/fuzz/replay.c)
# under the sanitizers; make fuzz runs libFuzzer on each for FUZZ_SECONDS.
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
# the targets' shared headers (promise.h, srcdoc.h, tinyindex.h): a change
# to one builds every target again, as which includes which is not tracked
FUZZ_HDR     := $(wildcard tests/fuzz/*.h)
REPLAY_BIN   := $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz_replay_%)
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all -fno-omit-frame-pointer

.SECONDARY:
.PHONY: all deps check test unit demo bench eval tune fuzz install uninstall clean
all: $(PROGS)

# build/thp_fts5.so: the "thp" tokenizer as a loadable SQLite extension.
include mk/tok.mk
# Further rules, one file per concern (mk/*.mk); a file there may append
# make targets to BENCH_STEPS, which make bench runs after its own steps.
BENCH_STEPS :=
-include $(filter-out mk/tok.mk,$(wildcard mk/*.mk))

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/thp-index: $(INDEX_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/thp-search: $(SEARCH_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/thp-searchd: $(SEARCHD_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# thp-index's ordered work queue is the indexer's own, not libthp's.
$(BUILD)/tests/queue_test: $(BUILD)/tests/unit/queue_test.o \
    $(BUILD)/indexer/queue.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/fuzz_replay_%: tests/fuzz/replay.c tests/fuzz/fuzz_%.c \
    $(FUZZ_HDR) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DREPLAY_CORPUS='"tests/fuzz/corpus/$*"' $(ALL_CFLAGS) \
	    $(ALL_LDFLAGS) -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_$*.c $(LIB) \
	    $(LDLIBS)

# The library is compiled into each fuzzer, so its code is instrumented too
# (and its headers are prerequisites: no .d file tracks them here).
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(FUZZ_HDR) \
    $(wildcard include/thp/*.h lib/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(FUZZ_FLAGS) -o $@ \
	    $(filter %.c,$^) $(LDLIBS)

# New finds go to $(BUILD)/fuzz/NAME; copy those worth keeping into
# tests/fuzz/corpus/NAME, where make check replays them from then on.
fuzz: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(BUILD)/fuzz/$$t; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	    $(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	        -max_len=8192 $(BUILD)/fuzz/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

$(BUILD)/bench/repair_bench: bench/repair_bench.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 $(WARN) -O2 $(ALL_LDFLAGS) -o $@ $< \
	    $(LIB) $(LDLIBS)

# Language detection on the labelled set tests/cases/lang.txt.
$(BUILD)/bench/lang_eval: bench/lang_eval.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 $(WARN) -O2 $(ALL_LDFLAGS) -o $@ $< \
	    $(LIB) $(LDLIBS)

# libthp.a for thp_tok_register: the floor uses the index's tokenizer
$(BUILD)/bench/fts5_floor: bench/fts5_floor.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# Throughput and memory, each beside its reference in the same run:
# repair against memcpy + UTF-8 validation; indexing BENCH_PAGES generated
# pages against a plain FTS5 bulk insert of the same text (bench/README.md).
BENCH_PAGES ?= 50000
bench: all $(BUILD)/bench/repair_bench $(BUILD)/bench/fts5_floor \
       $(BUILD)/bench/lang_eval
	./$(BUILD)/bench/repair_bench
	./$(BUILD)/bench/lang_eval
	BUILD=$(BUILD) ./bench/index_bench.sh $(BENCH_PAGES)
	@for t in $(BENCH_STEPS); do $(MAKE) --no-print-directory $$t || exit 1; done

# Relevance (docs/RELEVANCE.md): thp-search beside plain FTS5 on Cranfield.
EVAL_COLLECTION ?= ../shared/eval/cranfield
eval: all
	BUILD=$(BUILD) ./eval/run.sh $(EVAL_COLLECTION)

# Choose thp_rank's parameters on the odd-numbered queries (minutes).
tune: all
	./$(BUILD)/thp-index --quiet --index $(BUILD)/tune.db --full \
	    --jsonl $(EVAL_COLLECTION)/docs.jsonl
	python3 eval/tune.py $(BUILD)/thp-search $(BUILD)/tune.db \
	    $(EVAL_COLLECTION)/queries.tsv $(EVAL_COLLECTION)/qrels.txt \
	    $(EVAL_COLLECTION)/../trec_eval.py

deps:
	@./scripts/install-deps

# The test command of the README and of CI.
check: deps
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory BUILD=build/san SAN=address,undefined \
	    CFLAGS="-O1 -g" test

# Unit tests, then end-to-end tests against the real programs. The runner
# prints one closing line: "N passed, N failed".
test: $(PROGS) $(UNIT_BIN) $(REPLAY_BIN) $(TOK_EXT)
	@BUILD=$(BUILD) ./tests/run $(UNIT_BIN) $(REPLAY_BIN)

unit: $(UNIT_BIN)
	@BUILD=$(BUILD) ./tests/run --unit-only $(UNIT_BIN)

# The search box at http://127.0.0.1:8080/, and web/embed/ on port 8081:
# a page of "another site" that embeds it (cross-origin, so --cors-origin).
DEMO_ORIGINS := --cors-origin http://127.0.0.1:8081 --cors-origin http://localhost:8081
# run as root (a fresh machine), the daemon drops to nobody
DEMO_USER    := $(if $(filter 0,$(shell id -u)),--user nobody)
demo: deps all
	./$(BUILD)/thp-index --index thp.db corpus
	@echo "demo: search box http://127.0.0.1:8080/  embedded in another site http://127.0.0.1:8081/"
	@python3 -m http.server 8081 --bind 127.0.0.1 --directory web/embed \
	    >/dev/null 2>&1 & embed=$$!; trap 'kill $$embed 2>/dev/null' EXIT INT TERM; \
	./$(BUILD)/thp-searchd --index thp.db --web web --listen 127.0.0.1:8080 \
	    $(DEMO_ORIGINS) $(DEMO_USER)

install: all $(TOK_EXT) install-man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/thp-search/web \
	    $(DESTDIR)$(PREFIX)/lib/thp-search
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(TOK_EXT) $(DESTDIR)$(PREFIX)/lib/thp-search/
	install -m 644 web/index.html web/searchbox.js web/searchbox.css \
	    $(DESTDIR)$(PREFIX)/share/thp-search/web/

uninstall:
	rm -f $(PROGS:$(BUILD)/%=$(DESTDIR)$(PREFIX)/bin/%)
	rm -rf $(DESTDIR)$(PREFIX)/share/thp-search $(DESTDIR)$(PREFIX)/lib/thp-search

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
