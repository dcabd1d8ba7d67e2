# Signalbox: `make run [PORT=8000]` serves the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NPM ?= npm
COMPONENTS := web-components

HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test` (each with a PostgreSQL database of its own)
TEST_WORKERS ?= 2
# Stamps: each install step runs again only when what it depends on changed.
PY_STAMP := $(VENV)/.installed
PY_DEV_STAMP := $(VENV)/.installed-dev
NPM_STAMP := $(COMPONENTS)/node_modules/.installed
BUNDLE := $(COMPONENTS)/dist/manifest.json
BUNDLE_SOURCES := $(shell find $(COMPONENTS)/src $(COMPONENTS)/graphiql -type f \
  ! -name '*.test.ts' ! -name '*.browser.ts' 2>/dev/null) \
  $(COMPONENTS)/scripts/build.mjs $(COMPONENTS)/scripts/documents.mjs $(COMPONENTS)/tsconfig.json

.PHONY: run port-free test install install-dev components chromium prometheus lint typecheck schema bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# An editable install: source edits need no reinstall, only a changed pyproject.toml does.
$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(PY_DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(PY_STAMP)

$(NPM_STAMP): $(COMPONENTS)/package.json $(COMPONENTS)/package-lock.json
	cd $(COMPONENTS) && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

$(BUNDLE): $(NPM_STAMP) $(BUNDLE_SOURCES)
	cd $(COMPONENTS) && $(NPM) run build

install: $(PY_STAMP) components

install-dev: $(PY_DEV_STAMP) components

components: $(BUNDLE)

# The browser tests drive Debian's Chromium (never a downloaded browser): installed here when
# missing and we may (root); otherwise say how, and the browser tests skip (they fail under CI).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install -y chromium"; fi; }

# The post-release review's integration test scrapes with Debian's prometheus (never a
# downloaded one), started by the test itself on a loopback port: installed here when missing
# and we may (root), the service the package may start stopped so it holds no port; otherwise
# say how, and that test skips (it fails under CI).
prometheus:
	@command -v prometheus >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null; \
	    (service prometheus stop || true) >/dev/null 2>&1; \
	  else echo "The Prometheus test needs Debian's prometheus: sudo apt-get install -y prometheus"; fi; }

# The port is checked first, so a taken one fails at once rather than after the installs.
run:
	@$(MAKE) --no-print-directory port-free
	@$(MAKE) --no-print-directory install
	$(BIN)/signalbox migrate
	$(BIN)/signalbox demo
	$(BIN)/signalbox serve --host $(HOST) --port $(PORT)

port-free:
	@$(PYTHON) -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("$(HOST)", $(PORT)))' 2>/dev/null || { \
	  echo "Port $(PORT) on $(HOST) is taken (another Signalbox?): stop it, or choose another port: make run PORT=8001" >&2; exit 1; }

test: install-dev chromium prometheus
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd $(COMPONENTS) && $(NPM) test
	cd $(COMPONENTS) && $(NPM) run test:browser
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

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
	$(BIN)/python bench/readiness_dashboard_bench.py
	$(BIN)/python bench/idempotency_outage_bench.py
	$(BIN)/python bench/revocation_bench.py
	$(BIN)/python bench/graphql_limits_bench.py
	$(BIN)/python bench/fairness_bench.py
	$(BIN)/python bench/flood_bench.py
	$(BIN)/python bench/dora_bench.py

clean:
	rm -rf $(VENV) $(COMPONENTS)/node_modules $(COMPONENTS)/dist data
