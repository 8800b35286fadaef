# The two entry points of the README: `make preview` and `make test`.
# Both create .venv and install the development set (requirements-dev.txt: the runtime set in
# requirements.txt, every extra, the test and lint toolchain) into it when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STACK  ?= dev
STAMP  := $(VENV)/.installed

.PHONY: preview test lint typecheck check bench clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

preview: $(STAMP)
	$(BIN)/cce-passthrough preview --stack $(STACK)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check components tests policy bench __main__.py
	$(BIN)/ruff format --check components tests policy bench __main__.py

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python bench/preview_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
