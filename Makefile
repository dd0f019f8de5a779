# capstan: every tool is pinned in tools/versions.env, built or unpacked once into
# ~/.cache/capstan/<tool>-<version> and linked into .tools/bin.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/.tools/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CAPSTAN_ROOT := $(CURDIR)

TEST_FLAGS := --test-reporter=spec --test-concurrency=4
UNIT_TESTS := 'test/unit/**/*.test.ts'
INTEGRATION_TESTS := 'test/integration/**/*.test.ts'

.PHONY: all tools deps build fixtures crds check lint typecheck crds-check unit integration test \
        cluster-up cluster-down demo demo-down clean

all: build

## Toolchain ------------------------------------------------------------------------------
.tools/stamp: tools/versions.env tools/install.sh test/cluster/build.sh test/cluster/*/go.mod
	tools/install.sh node helm registry packages cluster
	@touch $@
tools: .tools/stamp

node_modules/.stamp: package-lock.json .tools/stamp
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@
deps: node_modules/.stamp

## Build and static checks -------------------------------------------------------------------
build: deps
	tsc -p tsconfig.build.json

.fixtures/repo/index.yaml: tools/package-fixtures.sh .tools/stamp $(shell find charts-fixtures -type f)
	tools/package-fixtures.sh
fixtures: .fixtures/repo/index.yaml

crds: deps
	node scripts/gen-crds.ts
crds-check: deps
	node scripts/gen-crds.ts --check
lint: deps
	eslint --max-warnings=0 .
typecheck: deps
	tsc -p tsconfig.json
check: lint typecheck crds-check

## Local cluster -----------------------------------------------------------------------------
cluster-up: tools
	test/cluster/up.sh
cluster-down:
	test/cluster/down.sh

## Demo ------------------------------------------------------------------------------------
# The controller on the local cluster with examples/ applied; Ctrl-C stops it.
demo: build fixtures
	tools/demo.sh
demo-down:
	-d=$${CLUSTER_DIR:-.cluster}/demo; kill $$(cat $$d/controller.pid $$d/repo.pid $$d/git.pid 2>/dev/null) 2>/dev/null
	test/cluster/down.sh

## Tests -------------------------------------------------------------------------------------
unit: deps
	node --test $(TEST_FLAGS) $(UNIT_TESTS)

# One run of the test runner for unit and integration tests, so that it prints one summary.
# The global setup starts the local cluster once (or reuses a healthy one).
# The cluster starts in the background while lint and typecheck run, so that the first test does
# not wait for both one after the other.
test: deps fixtures
	test/cluster/up.sh & up=$$!; \
	$(MAKE) --no-print-directory -j2 lint typecheck crds-check || { wait $$up; exit 1; }; \
	wait $$up; \
	node --test $(TEST_FLAGS) --test-global-setup=test/support/global-setup.ts $(UNIT_TESTS) $(INTEGRATION_TESTS)

integration: deps fixtures
	node --test $(TEST_FLAGS) --test-global-setup=test/support/global-setup.ts $(INTEGRATION_TESTS)

clean: cluster-down
	rm -rf dist .cluster .fixtures .tools
