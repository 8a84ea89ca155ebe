# Two commands for users (see README): `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SEEDS := $(wildcard seeds/*.txt)

.PHONY: serve test build install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP)

# the KB is rebuilt only when data/ is missing or older than seeds/
data/.built: $(SEEDS) | $(STAMP)
	$(BIN)/kb build seeds --data-dir data

build: data/.built

serve: data/.built
	$(BIN)/kb serve --data-dir data

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf data .venv
