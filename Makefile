# Touchpoints. `make demo` runs the product with a demo practice; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
QUICK ?=
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# Test processes (pytest-xdist): one per CPU. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

.DEFAULT_GOAL := help
.PHONY: help demo test test-sqlite test-postgres lint hooks bench loadtest messages static clean

help:
	@echo "make demo   - set up everything and run Touchpoints with a demo practice on http://127.0.0.1:$(PORT)"
	@echo "make test   - run the whole test suite (SQLite, then PostgreSQL when reachable)"
	@echo "make bench  - run the benchmarks (QUICK=1 for a smaller run)"
	@echo "make loadtest - a Monday morning for 10 practices on PostgreSQL + Redis (LOADTEST_SECONDS=120)"
	@echo "make lint   - the checks without the tests (ruff, formatting, migrations, deploy check)"
	@echo "make hooks  - run the fast checks before each commit (.pre-commit-config.yaml)"

$(VENV)/.installed: requirements.txt requirements-dev.txt .python-version
	@test -x $(PY) || "$$(scripts/find-python.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Vendored front-end files are committed; this refreshes them from npm after an upgrade.
static: node_modules/.installed
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chart.umd.min.js

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=node_modules --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var

demo: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo --size small --seed 1 --if-missing --verbosity 0
	$(PY) manage.py demo_banner --port $(PORT)
	DEMO_PORT=$(PORT) SITE_URL=http://127.0.0.1:$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" \
		$(VENV)/bin/honcho start --no-prefix -f Procfile

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/check_template_loads.py
	$(PY) scripts/check_test_imports.py
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check --deploy --fail-level ERROR

# Installs the git hooks of .pre-commit-config.yaml: ruff and the commit-subject check.
hooks: $(VENV)/.installed
	$(VENV)/bin/pre-commit install --hook-type pre-commit --hook-type commit-msg

test: lint node_modules/.installed test-sqlite test-postgres

test-sqlite: $(VENV)/.installed node_modules/.installed
	@echo "== Test suite on SQLite =="
	$(PYTEST)

test-postgres: $(VENV)/.installed node_modules/.installed
	@if $(PY) scripts/db_reachable.py "$(PG_URL)"; then \
		echo "== Test suite on PostgreSQL ($(PG_URL)) =="; \
		DATABASE_URL="$(PG_URL)" REQUIRE_DATABASE_VENDOR=postgresql $(PYTEST); \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL), and CI must test on it." >&2; exit 1; \
	else \
		echo "== PostgreSQL not reachable at $(PG_URL): skipped the PostgreSQL run (CI never skips it) =="; \
	fi

bench: $(VENV)/.installed
	$(PY) benchmarks/run.py $(if $(QUICK),--quick,)

# A mixed load on this machine only (docs/loadtest.md): exits non-zero on an error or a non-zero count.
loadtest: $(VENV)/.installed
	$(PY) -m loadtest.run

clean:
	rm -rf var/ staticfiles/ .pytest_cache
