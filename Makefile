# Ici & Là-bas — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
DEMO_STAFF_USERNAME ?= equipe
export DEMO_STAFF_USERNAME

.PHONY: run test install lint bench bench-dedup bench-dedup-scale bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	mkdir -p var
	$(BIN)/icilabas migrate --no-input
	$(BIN)/icilabas demo
	@echo "Ici & Là-bas : http://$(HOST):$(PORT)/  (Ctrl+C arrête le site et le travailleur)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/icilabas worker & \
	  $(BIN)/icilabas serve $(HOST):$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest tests --ignore=tests/e2e -q
	$(BIN)/python -m pytest tests/e2e -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $@

bench: install
	$(BIN)/python benchmarks/run.py

bench-dedup: $(VENV)/.bench-installed
	$(BIN)/python benchmarks/dedup/run.py --projects 100000 --twinnings 8000
	$(BIN)/python benchmarks/dedup/run.py --projects 100000 --twinnings 8000 --harsh --seed 4242

bench-load: $(VENV)/.bench-installed
	$(BIN)/python benchmarks/load.py --database-url $${BENCH_DATABASE_URL:?set BENCH_DATABASE_URL to a PostgreSQL database}

bench-dedup-scale: $(VENV)/.bench-installed
	$(BIN)/python benchmarks/dedup/scale.py --projects 725000 --twinnings 8000

clean:
	rm -rf $(VENV) var .pytest_cache
