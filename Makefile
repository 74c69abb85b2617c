# casekit: `make demo` runs the sample study, `make test` the test suite. Both set up .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Root installs Debian packages directly; anyone else through sudo, if they have it.
APT := $(if $(filter 0,$(shell id -u)),apt-get,sudo -n apt-get)

.PHONY: install demo test lint format bench fonts browser clean-outputs reliability

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# A CJK font for Chinese figure labels (Debian's fonts-noto-cjk); figures fall back to English without one.
fonts:
	@if fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif command -v apt-get >/dev/null; then \
	  ($(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq fonts-noto-cjk >/dev/null) \
	  || echo "warning: could not install fonts-noto-cjk; figures will use English labels"; \
	else echo "note: no apt-get; install a CJK font (Noto Sans CJK, Source Han Sans) for Chinese labels"; fi

# Headless Chromium for the report's browser test (skipped, with a reason, without it).
browser:
	@if command -v chromium >/dev/null; then :; \
	elif command -v apt-get >/dev/null; then \
	  ($(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq chromium >/dev/null) \
	  || echo "warning: could not install chromium; the browser test will be skipped"; fi

demo: install fonts
	$(BIN)/casekit codebook validate
	$(BIN)/casekit codebook test
	$(BIN)/casekit run
	@echo "open outputs/report.html for the report; outputs/tables/ and outputs/figures/ hold the rest"

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

# Crash, concurrency, fuzz and hostile-file suites at full counts, with the figures (minutes).
reliability: install
	CASEKIT_RELIABILITY_FULL=1 $(BIN)/python benchmarks/reliability.py

clean-outputs:
	rm -rf outputs/* casekit.db casekit.db-wal casekit.db-shm
	@touch outputs/.gitkeep
