# Fresh machine: `make demo` runs the demo against the bundled simulator; `make test` runs every test
# and check (noxfile.py); `make check` the quick ones, for everyday work.
# They create .venv on first use, with the first of Python 3.12, 3.13 and 3.11 that this machine has
# (pyenv's builds count): ansible-core 2.21, the current release, on 3.12 and 3.13; 2.19, the newest
# for it, on 3.11. PYTHON=/path/to/python chooses another; .venv is made anew when the Python changes.
# Everything is installed from the lock files of locks/ (`make lock` refreshes them, `make latest` tries
# the newest releases instead), so that the result does not depend on the day.
SHELL := /bin/bash
PYTHON ?= $(shell python3 tools/pythons.py 3.12 3.13 3.11)
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(PYTHON_VERSION)
DEV_INSTALLED := $(VENV)/.dev-installed-$(PYTHON_VERSION)
COLLECTIONS := .build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/telephony/apio
PORT ?= 8080
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)
NOX := $(BIN)/nox --no-color

.PHONY: setup dev-setup demo test check matrix simulator bench bench-rollout bench-gitops clean lock latest prerequisites \
	test-unit test-simulator test-integration test-role test-reliability test-tools bench-smoke \
	lint docs-lint changelog-lint build-check ee-check runner-check import-check sanity

setup: $(INSTALLED) $(COLLECTION_LINK)

dev-setup: setup $(DEV_INSTALLED)

$(INSTALLED): locks/setup.txt simulator/pyproject.toml
	@[ -n "$(PYTHON_VERSION)" ] || { echo "no Python 3.12, 3.13 or 3.11 found: set PYTHON=/path/to/python3.12"; exit 1; }
	@if [ -x $(BIN)/python ] && [ "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$(PYTHON_VERSION)" ]; then \
		echo "$(VENV) has another Python: making it anew with Python $(PYTHON_VERSION)"; rm -rf $(VENV); fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r locks/setup.txt
	# The simulator in place; what it needs, setuptools to build it included, came from the lock.
	$(BIN)/pip install -q --no-deps --no-build-isolation -e ./simulator
	@$(BIN)/python -c 'from ansible.release import __version__; print("ansible-core", __version__)'
	@[ "$(PYTHON_VERSION)" != 3.11 ] || echo "Python 3.11: ansible-core 2.19, the newest release for it (2.20 and later need Python 3.12+)"
	touch $@

$(DEV_INSTALLED): $(INSTALLED) locks/dev.txt
	$(BIN)/pip install -q --require-hashes -r locks/dev.txt
	touch $@

# The collection is used in place: ansible finds it through a link, so edits take effect at once.
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

demo: setup
	scripts/demo.sh

simulator: setup
	$(BIN)/python -m apio_sim --host 127.0.0.1 --port $(PORT) --log-level info

# Everything: the test suites, the checks, and sanity and smoke tests on each ansible-core of the matrix.
test: dev-setup prerequisites
	$(NOX)

# What make test needs from the system beyond .venv: made where it can be, else said how to get it.
prerequisites:
	@scripts/test-prerequisites.sh

# Refresh the lock files (every package to its newest release that requirements-*.txt allow); review the
# change like any other. LOCK_ARGS="--upgrade-package NAME" refreshes one package instead.
LOCK_ARGS ?= --upgrade
lock: dev-setup
	$(NOX) -s lock -- $(LOCK_ARGS)

# The newest releases instead of the locked ones, and the quick checks: what an upgrade would break.
latest: dev-setup
	$(NOX) -s latest

# The quick ones (unit, simulator, integration, tools, lint): a few minutes.
check: dev-setup
	$(NOX) -t quick

# ansible-test sanity and the smoke tests on every ansible-core the collection claims.
matrix: dev-setup prerequisites
	$(NOX) -t matrix

# One session each; NOX_ARGS passes more (e.g. NOX_ARGS="-- -k batch" for pytest options).
test-unit test-simulator test-integration test-role test-reliability test-tools: dev-setup
	$(NOX) -s $(patsubst test-%,%,$@) $(NOX_ARGS)
lint docs-lint changelog-lint build-check ee-check runner-check import-check bench-smoke: dev-setup
	$(NOX) -s $@ $(NOX_ARGS)
sanity: dev-setup prerequisites
	$(NOX) -t sanity $(NOX_ARGS)

# The benchmarks (docs/benchmark.md), scenarios of one runner (`python -m bench.run --list`): `make bench`
# the phone buttons ways side by side, its section of docs/benchmark.md, its chart and
# bench/results/benchmark.json (about half an hour on 2 cores); `make bench-rollout` the role at 10,000
# users against the floor (7 to 12 minutes); `make bench-gitops` the playbook telephony.apio.phone_buttons
# over an exported inventory of 10,000 users against the floor (about 10 minutes). BENCH_ARGS,
# ROLLOUT_ARGS, GITOPS_ARGS add options of bench/run.py (`--set NAME=VALUE`, `--no-docs`; `--help`).
BENCH_USERS ?= 100,1000,10000
BENCH_LATENCY_MS ?= 10
BENCH_LOOP_MAX ?= 1000
BENCH_ARGS ?=
ROLLOUT_USERS ?= 10000
ROLLOUT_ARGS ?=
GITOPS_USERS ?= 10000
GITOPS_ARGS ?=

bench: dev-setup
	$(BIN)/python -m bench.run buttons --set users=$(BENCH_USERS) --set latency_ms=$(BENCH_LATENCY_MS) --set loop_max=$(BENCH_LOOP_MAX) $(BENCH_ARGS)

bench-rollout: dev-setup
	$(BIN)/python -m bench.run rollout --set users=$(ROLLOUT_USERS) --set latency_ms=$(BENCH_LATENCY_MS) $(ROLLOUT_ARGS)

bench-gitops: dev-setup
	$(BIN)/python -m bench.run gitops --set users=$(GITOPS_USERS) --set latency_ms=$(BENCH_LATENCY_MS) $(GITOPS_ARGS)

clean:
	rm -rf $(VENV) .nox .build .pytest_cache
