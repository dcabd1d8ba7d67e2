# Signalbox: `make run` serves the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NPM ?= npm
COMPONENTS := web-components

.PHONY: run test install install-dev components chromium lint typecheck schema bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python components
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python components
	$(BIN)/pip install --quiet -e '.[dev]'

components:
	cd $(COMPONENTS) && $(NPM) ci --no-audit --no-fund --loglevel=error && $(NPM) run build

# The browser tests drive Debian's Chromium (never a downloaded browser): installed here when
# missing and we may (root); otherwise say how, and the browser tests skip (they fail under CI).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install -y chromium"; fi; }

run: install
	$(BIN)/signalbox migrate
	$(BIN)/signalbox demo
	$(BIN)/signalbox serve

test: install-dev chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd $(COMPONENTS) && $(NPM) test
	cd $(COMPONENTS) && $(NPM) run test:browser
	$(BIN)/pytest

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

schema:
	$(BIN)/signalbox schema export > schema.graphql.tmp && mv schema.graphql.tmp schema.graphql || { rm -f schema.graphql.tmp; exit 1; }
	$(BIN)/signalbox pipeline schema > docs/pipeline-definition.schema.json.tmp && mv docs/pipeline-definition.schema.json.tmp docs/pipeline-definition.schema.json || { rm -f docs/pipeline-definition.schema.json.tmp; exit 1; }

bench:
	$(BIN)/python bench/authz_bench.py
	$(BIN)/python bench/graphql_bench.py
	$(BIN)/python bench/small_query_bench.py
	$(BIN)/python bench/calendar_bench.py
	$(BIN)/python bench/flags_bench.py
	$(BIN)/python bench/cdevents_bench.py
	$(BIN)/python bench/decision_bench.py

clean:
	rm -rf $(VENV) $(COMPONENTS)/node_modules $(COMPONENTS)/dist data
