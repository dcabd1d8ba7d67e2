# Signalbox: `make run` serves the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NPM ?= npm
COMPONENTS := web-components

.PHONY: run test install install-dev components lint typecheck schema bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python components
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python components
	$(BIN)/pip install --quiet -e '.[dev]'

components:
	cd $(COMPONENTS) && $(NPM) ci --no-audit --no-fund --loglevel=error && $(NPM) run build

run: install
	$(BIN)/signalbox migrate
	$(BIN)/signalbox demo
	$(BIN)/signalbox serve

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd $(COMPONENTS) && $(NPM) test
	$(BIN)/pytest

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

schema:
	$(BIN)/signalbox schema export > schema.graphql.tmp && mv schema.graphql.tmp schema.graphql || { rm -f schema.graphql.tmp; exit 1; }

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
