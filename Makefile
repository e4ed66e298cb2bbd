# Two commands for a fresh machine: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export HOUQIN_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test demo serve worker lint format migrations browser-deps ci bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## Set up, load the demo district and serve it at http://127.0.0.1:8000
run: $(VENV)/.installed
	$(BIN)/houqin demo
	$(BIN)/houqin serve

## The whole test suite (SQLite; PostgreSQL when HOUQIN_TEST_DATABASE_URL is set). The browser
## tests (marker `browser`) are part of it; without /usr/bin/chromium they are skipped, saying so.
test: $(VENV)/.installed
	$(BIN)/pytest -n 2 --dist loadfile -q $(PYTEST_ARGS)

demo: $(VENV)/.installed
	$(BIN)/houqin demo

serve: $(VENV)/.installed
	$(BIN)/houqin serve

worker: $(VENV)/.installed
	$(BIN)/houqin worker

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations: $(VENV)/.installed
	$(BIN)/houqin makemigrations --check --dry-run

## Debian packages for the browser tests and Chinese PDFs (run as root)
browser-deps:
	apt-get install -y --no-install-recommends chromium fonts-noto-cjk

## What CI runs: lint, checks, tests on SQLite and PostgreSQL, a demo smoke test
ci:
	.ci/run

bench: $(VENV)/.installed
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var *.egg-info
