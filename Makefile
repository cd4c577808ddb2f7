# Emotion Engine — set-up, tests, demo and benchmarks.
# Every target that runs code first makes sure .venv is installed; set-up is skipped when
# pyproject.toml and constraints.txt have not changed since the last install.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := demo,display,scale,dev

.PHONY: setup chromium test test-fast demo bench lint clean

setup: $(STAMP) chromium

# The browser test drives Debian's Chromium (never a downloaded browser); installed once.
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[$(EXTRAS)]"
	touch $(STAMP)

test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

demo: setup
	@if $(BIN)/emotion-engine demo --help >/dev/null 2>&1; then $(BIN)/emotion-engine demo; \
	else echo "The web app is not built yet (issue 6): 'emotion-engine demo' does not exist." >&2; exit 1; fi

bench: setup
	$(BIN)/emotion-engine bench --out benchmarks/results

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
