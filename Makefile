# The two set-up commands: `make demo` and `make test`. Each creates or updates .venv and
# installs what it needs, so on a fresh machine nothing else has to be run by hand.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint venv chromium postgresql bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[server,test]'
	touch $(STAMP)

# Debian's Chromium for the browser tests (never a browser download by Playwright).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "chromium is missing and this is not root: install Debian's chromium package for the browser tests." >&2; \
	fi

# Debian's PostgreSQL for `curation server start --backend postgresql` and the tests that run the
# whole real-server suite on it too (the server programs live in /usr/lib/postgresql/<major>/bin).
postgresql:
	@if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's postgresql for the PostgreSQL back end and its tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "postgresql is missing and this is not root: install Debian's postgresql package for the PostgreSQL back end (or run the tests with --ls-backend sqlite)." >&2; \
	fi

LINTED := curation tests bench examples scripts corpus/seed/build_annotations.py

# Lint, format and type checks first (seconds), then the whole suite.
# mypy's settings (strict for curation.core) are in pyproject.toml.
lint: venv
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy curation

test: venv chromium postgresql lint
	$(BIN)/python -m pytest

# The seed flow end to end against a local Label Studio, checked against exports/ (scripts/demo.sh).
demo: venv
	DEMO_BIN=$(BIN) bash scripts/demo.sh

bench: venv
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .hypothesis demo-out test-artifacts
