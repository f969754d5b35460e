# mk/soak.mk: make soak: about two minutes of wrk load (valid, invalid and
# pathological searches), slow clients and /health polls against
# thp-searchd on 127.0.0.1, on a 100,000-document index when there is one
# (scripts/soak.sh says which). Never part of make check.
#
#   make soak                     SOAK_SECONDS=100 of load
#   make soak SOAK_INDEX=FILE     on another index

.PHONY: soak
soak: $(BUILD)/thp-index $(BUILD)/thp-search $(BUILD)/thp-searchd
	BUILD=$(BUILD) ./scripts/soak.sh
