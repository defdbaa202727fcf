# Two commands matter: `make run` (needs BOT_TOKEN) and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EMULATOR := tests/e2e/emulator

.PHONY: run test bench install install-test npm migrate clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(EMULATOR)/node_modules/.package-lock.json: $(EMULATOR)/package.json $(EMULATOR)/package-lock.json
	npm ci --prefix $(EMULATOR) --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
npm: $(EMULATOR)/node_modules/.package-lock.json

run: install
	$(PY) -m bot run

migrate: install
	$(PY) -m bot migrate

test: install-test npm
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: install-test npm
	$(PY) -m pytest -q -s tests/bench $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(EMULATOR)/node_modules
