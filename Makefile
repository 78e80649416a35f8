# Chorus: `make run` serves it on http://127.0.0.1:8000, `make test` checks everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
MANAGE := $(PYTHON) manage.py
# Tests never inherit a developer's database or task backend.
TEST_ENV := env -u DATABASE_URL -u CHORUS_TASKS_BACKEND -u CHORUS_REDIS_URL CHORUS_ENV=test

# Debian packages the tests need, each with what shows it is installed.
TEST_PACKAGES := chromium:chromium redis-server:redis-server \
	postgresql:/usr/lib/postgresql/*/bin/initdb

.PHONY: help run test lint format check catalogs install system-packages pds clean

help:
	@echo "make run      install, migrate, create the demo organisation and serve Chorus"
	@echo "make test     install test dependencies, lint, type-check, test on SQLite and PostgreSQL"
	@echo "make lint     ruff and mypy"
	@echo "make format   reformat the code and apply safe lint fixes"
	@echo "make clean    remove the virtual environment, caches and compiled catalogs (keeps var/)"

run: install catalogs
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) chorus_serve

test: system-packages pds install catalogs check
	$(TEST_ENV) $(PYTHON) -m pytest
	$(TEST_ENV) scripts/test-postgres $(PYTHON) -m pytest

check: lint
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run

lint: install
	$(VENV)/bin/ruff check
	$(VENV)/bin/ruff format --check
	$(VENV)/bin/mypy chorus

format: install
	$(VENV)/bin/ruff format
	$(VENV)/bin/ruff check --fix

catalogs: install
	$(MANAGE) compile_catalogs

install: $(INSTALLED)

$(PYTHON):
	@python=$$(scripts/find-python) || exit 1; \
	if ! "$$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then \
		version=$$("$$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'); \
		scripts/system-packages "python$$version-venv:/usr/lib/python$$version/ensurepip/__main__.py"; \
	fi; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

# Reinstalls only when pyproject.toml changes.
$(INSTALLED): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	touch $@

system-packages:
	@scripts/system-packages $(TEST_PACKAGES)

# The AT Protocol PDS the Bluesky tests run against, in a cache; only the first run installs.
pds:
	@scripts/pds-install

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build *.egg-info var/pgtest
	find chorus -name __pycache__ -type d -prune -exec rm -rf {} +
	find chorus -path '*/LC_MESSAGES/*.mo' -delete
