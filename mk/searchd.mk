# mk/searchd.mk: thp-searchd's extras: zlib (gzip answers), the man pages,
# and the HTTP load benchmark.
#
#   make install-man PREFIX=/usr/local   docs/man/*.1 and *.8
#   make bench-searchd                   wrk against the daemon (also run
#                                        by make bench, never by make check)

LDLIBS += -lz

MANDIR ?= $(PREFIX)/share/man
MAN1   := $(wildcard docs/man/*.1)
MAN8   := $(wildcard docs/man/*.8)

.PHONY: install-man uninstall-man bench-searchd
install-man:
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/

uninstall-man:
	rm -f $(MAN1:docs/man/%=$(DESTDIR)$(MANDIR)/man1/%) \
	    $(MAN8:docs/man/%=$(DESTDIR)$(MANDIR)/man8/%)

BENCH_STEPS += bench-searchd
bench-searchd: all $(BUILD)/bench/query_bench $(BUILD)/bench/mhd_floor
	BUILD=$(BUILD) ./bench/searchd_bench.sh

# the HTTP floor beside the daemon: a bare libmicrohttpd handler
$(BUILD)/bench/mhd_floor: bench/mhd_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LDLIBS)
