# casekit: `make demo` runs the sample study, `make test` the test suite. Both set up .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint format bench clean-outputs

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/casekit codebook validate
	$(BIN)/casekit ingest
	$(BIN)/casekit status

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check casekit tests benchmarks
	$(BIN)/ruff format --check casekit tests benchmarks
	$(BIN)/mypy

format: install
	$(BIN)/ruff format casekit tests benchmarks
	$(BIN)/ruff check --fix casekit tests benchmarks

bench: install
	$(BIN)/python benchmarks/run_all.py

clean-outputs:
	rm -rf outputs/* casekit.db casekit.db-wal casekit.db-shm
