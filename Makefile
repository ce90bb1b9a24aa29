# Every target creates .venv and installs the project (with its dev extra) when missing,
# so a fresh clone on a fresh machine needs nothing installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test test-all lint type fmt demo bench migrate clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Same suite; PostgreSQL tests need IMPACT_TEST_POSTGRES_URL (see README).
test-all: $(STAMP)
	IMPACT_TEST_POSTGRES_URL=$${IMPACT_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest -q

# Style, formatting and dead code (vulture: paths and whitelist in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check bot integrations storage tests bench
	$(BIN)/ruff format --check bot integrations storage tests bench
	$(BIN)/vulture

# mypy --strict on the core and the connectors (files in pyproject.toml [tool.mypy]).
type: $(STAMP)
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff format bot integrations storage tests bench
	$(BIN)/ruff check --fix bot integrations storage tests bench

demo: $(STAMP)
	$(BIN)/impact demo

bench: $(STAMP)
	$(BIN)/python -m bench

migrate: $(STAMP)
	$(BIN)/impact db upgrade

clean:
	rm -rf $(VENV) impact-demo .pytest_cache .hypothesis
