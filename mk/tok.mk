# mk/tok.mk: build/thp_fts5.so, the "thp" tokenizer as a loadable SQLite
# extension, for the sqlite3 shell and other SQLite programs:
#
#   sqlite3 thp.db '.load build/thp_fts5' "SELECT ... MATCH ..."
#
# Include it after the `all:` rule (so its targets never become the
# default goal). Needs -lstemmer in LDLIBS for everything else that links
# lib/tok.c. The objects are compiled again with -fPIC into $(BUILD)/pic,
# with -DTHP_TOK_EXTENSION so that tok.c calls SQLite through the loading
# program's API table; the library never links libsqlite3 itself. No
# sanitizers here: a program without their runtime could not load it.
# Only sqlite3_thpfts_init is exported (-fvisibility=hidden).

TOK_EXT      := $(BUILD)/thp_fts5.so
TOK_EXT_SRC  := lib/tok.c lib/tok_ext.c lib/mem.c lib/err.c
TOK_EXT_OBJ  := $(TOK_EXT_SRC:%.c=$(BUILD)/pic/%.o)
TOK_EXT_LIBS := -lstemmer $(shell pkg-config --libs libutf8proc 2>/dev/null)

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DTHP_TOK_EXTENSION -std=c11 $(WARN) $(CFLAGS) \
	    -fPIC -fvisibility=hidden -MMD -MP -c $< -o $@

$(TOK_EXT): $(TOK_EXT_OBJ)
	$(CC) $(LDFLAGS) -shared -Wl,--no-undefined -o $@ $^ $(TOK_EXT_LIBS)

.PHONY: ext
ext: $(TOK_EXT)
