# The two quick-start commands of the README are `make run` and `make test`; `.ci/run` calls `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast test-pythons lint docs system-deps clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

## run: install coopgraph and run its main job (check the shipped graph and answer a question)
run: $(BIN)/python
	$(BIN)/pip install --quiet .
	$(BIN)/coopgraph check

## system-deps: what the tests need from outside Python (Java for the reasoner, Virtuoso)
system-deps:
	bash .ci/system-deps

## test: install everything the tests need, lint, and run the whole suite
test: system-deps $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,docs]'
	$(BIN)/ruff check src tests benchmarks data/reference/world
	$(BIN)/ruff format --check src tests benchmarks data/reference/world
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not pythons"

## test-pythons: `coopgraph docs` from a fresh install of the docs extra on the oldest and newest Python
test-pythons: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,docs]'
	$(BIN)/python -m pytest -m pythons tests/test_docs.py

## test-fast: the edit loop: the suite without the real servers (Oxigraph, Virtuoso, Jena) and the wheel
test-fast: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not integration and not slow and not pythons"

lint: $(BIN)/python
	$(BIN)/ruff check src tests benchmarks data/reference/world
	$(BIN)/ruff format --check src tests benchmarks data/reference/world

## docs: HTML documentation of the ontology, generated with pyLODE into docs/html/
docs: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[docs]'
	$(BIN)/coopgraph docs --output docs/html

## bench: the benchmark at its smallest size, once (CI smoke test: fails when a step fails to run or the
## validators' results disagree, never on timings); `benchmarks/README.md` says how to run it in full
bench: system-deps $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/python benchmarks/run.py --triples 10000 --repeats 1

clean:
	rm -rf $(VENV) build dist docs/html .pytest_cache .ruff_cache
