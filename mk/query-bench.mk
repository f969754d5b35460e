# mk/query-bench.mk: the query benchmark (bench/README.md, "Query
# benchmark"), run by make bench after its own steps, or alone:
#
#   make bench-query                      BENCH_SIZE=100000 documents
#   make bench-query BENCH_SIZE=1000000   the scale run
#   make bench-compare A=old.json B=new.json   (or: make bench-compare A B)
#
# The corpus (bench/gen_query_corpus.py, JSON Lines; indexed in files of
# 200,000 documents) and its
# index are kept in $(BENCH_DIR)/query-N/ and reused while their stamps
# (query-N/corpus.id: N, generator, word list; query-N/stamp: that and
# what thp-index stores) match. The results go to
# bench/results/query-N-GIT.json. BENCH_THREADS: thread counts to run.

BENCH_SIZE    ?= 100000
BENCH_DIR     ?= $(or $(TMPDIR),/tmp)/thp-bench
BENCH_THREADS ?= 1,2
BENCH_QUERIES ?= bench/queries.tsv

# What the cached corpus depends on, and what its index depends on besides
# (a change to a file of the first list makes both again, of the second
# the index only; a change to the query core alone reuses both).
QB_CORPUS_FILES := bench/gen_query_corpus.py bench/gen_corpus.py \
    bench/query_corpus_vocab.tsv
QB_INDEX_FILES := include/thp/index.h include/thp/tok.h lib/schema.h \
    lib/index.c lib/tok.c indexer/main.c

BENCH_STEPS += bench-query
.PHONY: bench-query bench-compare

$(BUILD)/bench/query_bench: bench/query_bench.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# make check's smoke run (tests/e2e/90-query-bench.sh) needs the harness.
test: $(BUILD)/bench/query_bench

bench-query: $(BUILD)/thp-index $(BUILD)/bench/query_bench
	@set -e; n=$(BENCH_SIZE); dir=$(BENCH_DIR)/query-$$n; \
	case $$n in ''|*[!0-9]*) echo "bench-query: BENCH_SIZE must be a number" >&2; exit 2;; esac; \
	mkdir -p $$dir bench/results; \
	cid="$$n $$(cat $(QB_CORPUS_FILES) | sha256sum | cut -c1-16)"; \
	id="$$cid $$(cat $(QB_INDEX_FILES) | sha256sum | cut -c1-16)"; \
	if [ -f $$dir/index.db ] && [ "$$(cat $$dir/stamp 2>/dev/null)" = "$$id" ]; then \
	    echo "bench-query: reusing $$dir/index.db (stamp $$id)"; \
	else \
	    rm -f $$dir/stamp $$dir/index.db $$dir/index.db-wal $$dir/index.db-shm; \
	    t0=$$(date +%s); \
	    if [ -f $$dir/corpus.jsonl ] && [ "$$(cat $$dir/corpus.id 2>/dev/null)" = "$$cid" ]; then \
	        echo "bench-query: reusing $$dir/corpus.jsonl"; \
	    else \
	        rm -f $$dir/corpus.id; \
	        echo "bench-query: generating $$n documents into $$dir/corpus.jsonl"; \
	        python3 bench/gen_query_corpus.py gen $$dir/corpus.jsonl $$n; \
	        echo "$$cid" > $$dir/corpus.id; \
	    fi; \
	    t1=$$(date +%s); \
	    echo "bench-query: indexing (thp-index --jsonl, 200,000 documents a file)"; \
	    rm -f $$dir/part-*.jsonl; \
	    split -l 200000 -d -a 3 --additional-suffix=.jsonl \
	        $$dir/corpus.jsonl $$dir/part-; \
	    ./$(BUILD)/thp-index --quiet --index $$dir/index.db \
	        $$(for f in $$dir/part-*.jsonl; do printf -- '--jsonl %s ' $$f; done); \
	    rm -f $$dir/part-*.jsonl; \
	    t2=$$(date +%s); \
	    echo "bench-query: corpus in $$((t1 - t0)) s, indexed in $$((t2 - t1)) s"; \
	    echo "$$id" > $$dir/stamp; \
	fi; \
	git=$$(git rev-parse --short HEAD 2>/dev/null || echo unknown); \
	git diff --quiet HEAD -- lib include 2>/dev/null || git=$$git-dirty; \
	./$(BUILD)/bench/query_bench --threads $(BENCH_THREADS) --size $$n \
	    --git $$git --json bench/results/query-$$n-$$git.json \
	    $$dir/index.db $(BENCH_QUERIES) || test $$? -eq 1; \
	python3 bench/box_overlap.py $(BUILD) $$dir/index.db $(BENCH_QUERIES)

# make bench-compare A=a.json B=b.json, or make bench-compare a.json b.json
# (the two file names are then goals of their own, made into no-ops here).
ifeq ($(filter bench-compare,$(MAKECMDGOALS)),bench-compare)
CMP_ARGS := $(filter-out bench-compare,$(MAKECMDGOALS))
CMP_GOALS := $(sort $(CMP_ARGS))
A ?= $(word 1,$(CMP_ARGS))
B ?= $(word 2,$(CMP_ARGS))
ifneq ($(CMP_GOALS),)
$(CMP_GOALS):
	@:
.PHONY: $(CMP_GOALS)
endif
endif
bench-compare:
	@python3 bench/compare.py "$(A)" "$(B)"
