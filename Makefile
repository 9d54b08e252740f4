# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrate demo worker beat bench fuzz messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Serving http://$(HOST):$(PORT) — sign in with a demo login above."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=abr.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest
	@# `make run` needs no services (SQLite, tasks in process): when the run above was against PostgreSQL,
	@# run the suite again that way too (browser journeys aside), so what a first user runs is tested.
	@if [ -n "$$DATABASE_URL" ]; then echo "Again on SQLite, tasks in process:"; \
	  env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest -q -p no:cacheprovider --ignore=tests/e2e; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A abr worker --loglevel=INFO

beat: install
	$(BIN)/celery -A abr beat --loglevel=INFO

fuzz: install
	ABR_FUZZ_EXAMPLES=200 ABR_FUZZ_RANDOM=1 $(BIN)/pytest tests/test_api_fuzz.py -p no:cacheprovider

# Refresh the catalogues after changing user-facing text, translate the new entries, then compile.
messages: install
	$(BIN)/python manage.py makemessages -l fa_AF -l ps -l ar --no-location --ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
