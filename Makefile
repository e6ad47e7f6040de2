# Two commands: `make run` and `make test`. Both build the virtualenv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/hubtui db upgrade
	$(BIN)/hubtui demo --if-empty
	$(BIN)/hubtui

test: $(STAMP)
	$(BIN)/python -m pytest

# The rules and the store without the screens and the slow cases: a minute, not several.
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests/domain tests/store tests/services tests/search -m 'not slow'

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
