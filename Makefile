# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format install install-dev migrate demo worker benchmark schema messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

# Front-end packages (package.json, locked): served by us from node_modules, never from a CDN.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# Compiled catalogues (README, "Languages"): built from the committed .po files, never
# committed; Babel compiles them in Python, so no gettext is needed to install.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

locale/%.mo: locale/%.po | $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

install: $(VENV)/.installed node_modules/.installed $(CATALOGUES)
install-dev: $(VENV)/.installed-dev node_modules/.installed $(CATALOGUES)

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py demo_setup

run: demo
	@echo "Open http://$(HOST)/ and log in with one of the demo logins above."
	$(BIN)/python manage.py runserver $(HOST)

worker: install
	$(BIN)/celery -A crm worker --beat --loglevel=info

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n auto

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The API's contract, committed: regenerate after a reviewed change (tests/crm/test_schema.py
# fails until then) and add a note to the README's "API schema changes".
schema: install-dev
	$(BIN)/python manage.py spectacular --lang en --validate --fail-on-warn --file docs/openapi.yaml

# After a change of the strings: every catalogue takes the new and changed msgids (as fuzzy
# or empty entries, which tests/crm/test_translations.py refuses until they are translated).
messages: install-dev
	$(BIN)/python manage.py makemessages --all --ignore=.venv --ignore=node_modules

benchmark: install-dev
	$(BIN)/pytest tests/benchmarks

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles node_modules $(CATALOGUES)
