# Fresh machine: `make demo` runs the demo against the bundled simulator; `make test` runs every test.
# Both create .venv and link the collection into .build/collections on first use.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
COLLECTIONS := .build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/telephony/apio
PORT ?= 8080
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup demo test test-unit test-simulator test-integration simulator bench clean

setup: $(VENV)/.installed $(COLLECTION_LINK)

$(VENV)/.installed: requirements.txt requirements-test.txt simulator/pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-test.txt -e ./simulator
	touch $@

# The collection is used in place: ansible finds it through a link, so edits take effect at once.
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

demo: setup
	scripts/demo.sh

simulator: setup
	$(BIN)/python -m apio_sim --host 127.0.0.1 --port $(PORT) --log-level info

test: test-unit test-simulator test-integration test-role test-reliability lint changelog-lint docs-lint sanity build-check ee-check runner-check bench-smoke

test-unit: setup
	$(BIN)/pytest -q tests/unit

test-simulator: setup
	$(BIN)/pytest -q simulator/tests

test-integration: setup
	$(BIN)/pytest -q -n 2 tests/integration

clean:
	rm -rf $(VENV) .build .pytest_cache

include mk/checks.mk
include mk/reliability.mk
include mk/role.mk
include mk/bench.mk
