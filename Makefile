# Two commands for a fresh machine: `make run` (the service on SQLite with demo data) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app placement
ESCO_DIR ?= ../shared/data/esco
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
# `make run PORT=8080 HOST=0.0.0.0`: the development server's address; e-mailed and calendar links follow it.
HOST ?= 127.0.0.1
PORT ?= 5000
DEV_BASE_URL ?= http://$(HOST):$(PORT)
# The demo lets its users log in without an authenticator app (TOTP_REQUIRED=true, the default, is production's).
DEMO_TOTP ?= false
DEV_ENV := PLACEMENT_ENV=development PLACEMENT_BASE_URL=$(DEV_BASE_URL) PLACEMENT_TOTP_REQUIRED=$(DEMO_TOTP)

.PHONY: install run serve test test-sqlite test-postgres lint translations bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	PLACEMENT_ENV=development $(FLASK) db upgrade
	@if [ -f "$(ESCO_DIR)/occupations_da.csv" ]; then \
	  PLACEMENT_ENV=development $(FLASK) occupations import "$(ESCO_DIR)/ISCOGroups_da.csv" "$(ESCO_DIR)/occupations_da.csv"; fi
	$(DEV_ENV) $(FLASK) demo seed
	$(DEV_ENV) $(FLASK) run --host $(HOST) --port $(PORT)

# Production: gunicorn with the PLACEMENT_* settings of gunicorn.conf.py (see README, "Production").
serve: install
	$(VENV)/bin/gunicorn -c gunicorn.conf.py 'placement:create_app()'

test: install
	$(PY) -m pytest

test-sqlite: test

test-postgres: install
	PLACEMENT_TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit --quiet -c pyproject.toml -r placement --severity-level medium

translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 -o placement/translations/messages.pot .
	$(VENV)/bin/pybabel update -i placement/translations/messages.pot -d placement/translations --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d placement/translations

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) instance/placement.sqlite
