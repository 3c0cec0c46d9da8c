# Two commands set everything up on a fresh machine:
#   make demo   create .venv, install feint, run the whole flow on the bundled case
#   make test   create .venv, install feint, run lint, type check and tests
# Then `make serve` browses the store make demo wrote (OUT, as for make demo).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= feint-demo

.PHONY: all install demo serve test lint typecheck unit bench clean

all: test

# Reinstall when the dependencies change. Exact versions come from constraints.txt.
# hnswlib has no wheel for Python 3.11 at 0.8.0 and compiles, hence the compiler check.
# torch==2.13.0 (the CPU build on disk) goes in first, alone: installed later as a
# dependency of sentence-transformers, an unpinned torch would pull a CUDA build.
$(STAMP): pyproject.toml constraints.txt
	@command -v g++ >/dev/null || command -v c++ >/dev/null || command -v clang++ >/dev/null || \
	  { echo "hnswlib compiles at install: install a C++ compiler first (Debian: apt-get install build-essential)."; exit 2; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/feint demo --out $(OUT)

# feint is in $(BIN), not on PATH: this is `feint serve` on the demo's store.
serve: $(STAMP)
	@test -f $(OUT)/feint.duckdb || { echo "No demo store at $(OUT)/feint.duckdb: run make demo first."; exit 2; }
	$(BIN)/feint serve --db $(OUT)/feint.duckdb

lint: $(STAMP)
	$(BIN)/ruff check src tests bench train
	$(BIN)/ruff format --check src tests bench train
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/relate.py
	$(BIN)/python bench/report.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
