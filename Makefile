# Two commands on a fresh machine: `make run` and `make test`. Everything else
# here serves them. Tools are pinned in go.mod (`go tool templ`), so nothing
# but Go is needed; PostgreSQL's server binaries are found on the machine or
# installed from Debian's packages by cmd/pgdev.

SHELL := /bin/bash
GO ?= go
BIN := bin
DATA := .data/pg
PGDEV := $(BIN)/pgdev

.PHONY: run build generate check-generated test test-go vet fmt-check chromium db-reset bench-rules fuzz clean

## run: build, start the private PostgreSQL (unless DATABASE_URL is set), migrate, seed once, serve on :8080
run: build
ifeq ($(strip $(DATABASE_URL)),)
	$(PGDEV) run --dir $(DATA) -- $(BIN)/casework demo
else
	$(BIN)/casework demo
endif

## build: the casework binary and the cluster helper
build:
	$(GO) build -o $(BIN)/casework ./cmd/casework
	$(GO) build -o $(PGDEV) ./cmd/pgdev

## generate: regenerate the templ components' Go code (committed)
generate:
	$(GO) tool templ generate -path web/views

## check-generated: fail when the committed templ output differs from its source
check-generated:
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && cp -r web/views $$tmp/ && \
	$(GO) tool templ generate -path $$tmp/views >/dev/null && \
	if ! diff -r -q web/views $$tmp/views >/dev/null; then \
		echo "templ output is stale: run 'make generate' and commit"; diff -r web/views $$tmp/views | head -40; exit 1; fi

## vet / fmt-check: static checks that run with the tests; vet includes staticcheck
## (pinned in go.mod's tool block), whose unused-code and bug checks must stay clean
vet:
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.data/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## test: every test, the PostgreSQL and browser ones included, on a throwaway cluster
## (or TEST_DATABASE_URL when set), plus vet, gofmt and the templ check; the fuzz
## targets' seed corpora run as ordinary tests (fuzzing itself is `make fuzz`)
test: fmt-check vet check-generated build chromium
ifeq ($(strip $(TEST_DATABASE_URL)),)
	CASEWORK_REQUIRE_DB=1 $(BROWSER_ENV) $(PGDEV) test -- $(MAKE) --no-print-directory test-go
else
	CASEWORK_REQUIRE_DB=1 $(BROWSER_ENV) $(MAKE) --no-print-directory test-go
endif

# Once Chromium is on the machine, a browser test that cannot run it fails
# rather than skips.
BROWSER_ENV = $(if $(shell command -v chromium 2>/dev/null),CASEWORK_REQUIRE_BROWSER=1,)

## chromium: the browser tests use Debian's chromium; install it when missing and possible
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's chromium for the browser tests"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
				|| echo "could not install chromium: the browser tests will be skipped"; \
		else \
			echo "chromium not found and not installable here (needs root and apt-get): the browser tests will be skipped"; \
		fi; \
	fi

# test-go runs with TEST_DATABASE_URL set. Packages run two at a time on the
# two-core machines; each database test makes and drops its own database.
test-go:
	$(GO) test -p 2 -count=1 -timeout 20m ./...
	# The packages with concurrent code of their own (the page views' group
	# commit, the evaluation cache, session cleanup) again under the race detector.
	$(GO) test -race -p 2 -count=1 -timeout 20m ./internal/store/ ./internal/web/
	# No time-budgeted fuzzing here: its result would depend on the machine's
	# load. Every fuzz target's seed corpus runs above as an ordinary test;
	# `make fuzz` fuzzes.

## db-reset: delete the private cluster; the next `make run` starts over
db-reset: build
	$(PGDEV) reset --dir $(DATA)

## bench-rules: the rules engine over a generated state-sized agency, at 1/4, 1/2 and full size
bench-rules:
	$(GO) test -run '^$$' -bench 'EvaluateState' -benchtime 3x -cpu 1 -benchmem ./internal/rules/

## fuzz: fuzzing with a time budget (FUZZTIME each, default 5m): the facts decoder, the
## evaluator, the rules CLI, the CSV reader, the web tier's input check
FUZZTIME ?= 5m
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./internal/rules/
	$(GO) test -run '^$$' -fuzz '^FuzzEval$$' -fuzztime $(FUZZTIME) ./internal/rules/
	$(GO) test -run '^$$' -fuzz '^FuzzMain$$' -fuzztime $(FUZZTIME) ./internal/rules/rulescli/
	$(GO) test -run '^$$' -fuzz '^FuzzCSVReader$$' -fuzztime $(FUZZTIME) ./internal/exchange/
	$(GO) test -run '^$$' -fuzz '^FuzzCheckInput$$' -fuzztime $(FUZZTIME) ./internal/web/

clean:
	rm -rf $(BIN)

.PHONY: bench-web bench-digests test-faults

## bench-web: the web tier over a state-sized agency at 1/4, 1/2 and full size (seeded once into
## a private cluster in .data/bench, reused while its date and generator match): p50/p95/p99 and throughput
## per page beside /readyz's, server memory, the state-wide rules run (docs/performance.md).
## BENCH_FLAGS passes flags to cmd/benchweb, e.g. BENCH_FLAGS='--scales 1 --duration 30s' or '--writes 5'.
BENCH_DATA := .data/bench
# The bench cluster's shared_buffers as docs/deploy.md sizes a state's (the stock 128MB made every
# load re-read the state from the OS's cache).
BENCH_PG := --set shared_buffers=2GB
bench-web: build
	$(GO) build -o $(BIN)/benchweb ./cmd/benchweb
	$(PGDEV) run --dir $(BENCH_DATA) $(BENCH_PG) -- $(BIN)/benchweb $(BENCH_FLAGS)

## bench-digests: the whole state's daily digests composed and queued (docs/notifications.md),
## on the state bench-web seeds (reused the same way).
bench-digests: build
	$(GO) build -o $(BIN)/benchweb ./cmd/benchweb
	$(PGDEV) run --dir $(BENCH_DATA) $(BENCH_PG) -- $(BIN)/benchweb --digests --scales 1 $(BENCH_FLAGS)

## test-faults: the fault tests in full (make test runs their short versions): PostgreSQL
## crashed three times under load, 100 rounds of simultaneous saves, SIGTERM under load,
## 300 slow clients and a slow body; plus the two-instance test.
test-faults: build
ifeq ($(strip $(TEST_DATABASE_URL)),)
	CASEWORK_REQUIRE_DB=1 CASEWORK_FAULTS=full $(PGDEV) test -- $(GO) test -count=1 -timeout 20m -v -run 'Fault|TwoInstances' ./cmd/casework/
else
	CASEWORK_REQUIRE_DB=1 CASEWORK_FAULTS=full $(GO) test -count=1 -timeout 20m -v -run 'Fault|TwoInstances' ./cmd/casework/
endif
