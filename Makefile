# Two commands matter: `make run` (needs BOT_TOKEN) and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EMULATOR := tests/e2e/emulator

.PHONY: run test test-clock lint bench install install-test npm migrate clean

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

# Local trial: the sample organization directory (--demo); production imports its own (docs/deploy.md).
run: install
	$(PY) -m bot run --demo

migrate: install
	$(PY) -m bot migrate

test: install-test npm
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The date-sensitive layers again at two awkward instants: 21:30 UTC (Moscow's date is already
# tomorrow's) and 23:59 in Moscow on the last day of a month. See tests/support/clock.py.
CLOCK_SHIFTS := 2026-12-06T21:30:00+00:00 2026-11-30T23:59:00+03:00
test-clock: install-test
	@for now in $(CLOCK_SHIFTS); do \
		echo "== unit and handler tests at $$now"; \
		TEST_NOW=$$now TEST_POSTGRES_URL= TEST_REDIS_URL= $(PY) -m pytest -q tests/unit tests/handlers || exit 1; \
	done

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: install-test npm
	$(PY) -m pytest -q -s tests/bench $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(EMULATOR)/node_modules
