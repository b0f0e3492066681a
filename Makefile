# Two commands for a new user: `make demo` and `make test`. Both set up .venv themselves, installing the exact
# versions pinned in requirements.lock (pyproject.toml keeps compatible ranges for other installs).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock

.PHONY: demo test lint typecheck bench venv lock clean

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/precis demo

lint: venv
	$(BIN)/ruff check .

typecheck: venv
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

bench: venv
	$(BIN)/python -m bench

# Re-pin requirements.lock from pyproject.toml's ranges (needs PyPI); commit the result.
lock: venv
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal --quiet \
		--custom-compile-command "make lock" -o $(LOCK)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
