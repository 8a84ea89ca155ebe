# Two commands for users (see README): `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SEEDS := $(wildcard seeds/*.txt)

.PHONY: serve test build install clean deps-serve deps-test bench model

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

# extra set-up steps (npm, Debian packages): see deps/README.md
deps-serve:
	@for script in deps/serve/*.sh; do [ -e "$$script" ] || continue; bash "$$script" || exit 1; done

deps-test: deps-serve
	@for script in deps/test/*.sh; do [ -e "$$script" ] || continue; bash "$$script" || exit 1; done

serve: data/.built deps-serve
	$(BIN)/kb serve --data-dir data

test: $(TEST_STAMP) deps-test
	$(BIN)/python -m pytest -q

# benchmarks, not part of `make test` (see bench/README.md); BENCH_ARGS=--small for a quick check
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@ $(STAMP)

bench: $(VENV)/.installed-bench deps-serve
	bash bench/deps.sh
	$(BIN)/python -m bench $(BENCH_ARGS)

# retrain the recognizer shipped in kb/ner/model.npz (not part of `make test`; see README)
$(VENV)/.installed-train: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[train]'
	touch $@ $(STAMP)

model: $(VENV)/.installed-train
	$(BIN)/python -m kb.ner.train

clean:
	rm -rf data .venv
