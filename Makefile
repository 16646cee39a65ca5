# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check install migrate demo bench mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/deskbot migrate

demo: migrate
	$(BIN)/deskbot demo-data

# Starts the bot on SQLite with the local chat simulator at http://127.0.0.1:8080/sim
run: demo
	$(BIN)/deskbot serve

# The layer contracts, the linter and the type checker (settings in pyproject.toml).
check: install
	$(BIN)/lint-imports
	$(BIN)/ruff check --no-cache .
	$(BIN)/mypy bot commands notifiers storage

# The checks, then the whole suite, PostgreSQL included where reachable (DESKBOT_REQUIRE_PG=1
# makes it mandatory).
test: check
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/inbound.py
	$(BIN)/python bench/outbound.py
	$(BIN)/python bench/timers.py

# Mutation testing of the rule modules (not part of `test`): a score per module, see bench/mutate.py.
$(VENV)/.mutate: pyproject.toml | $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,mutate]'
	touch $@

mutate: $(VENV)/.mutate
	$(BIN)/python bench/mutate.py $(MUTATE_ARGS)

clean:
	rm -rf $(VENV) data mutants
