# Two commands set up everything on a fresh machine (see README):
#   make report   # create .venv if missing, install, verify data, run the default report plan
#   make test     # create .venv if missing, install test extras (+ Debian chromium), run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup report test lab bench browser notebooks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

setup: $(STAMP)

report: $(STAMP)
	$(BIN)/bilateral data verify
	$(BIN)/bilateral data prepare
	$(BIN)/bilateral report plan plans/default.yml

# Browser tests drive Debian's chromium (Playwright's own browser download does not work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

test: $(TEST_STAMP) browser
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/trade_query.py

# Re-execute the notebooks and store only the outputs nbval checks (cells marked NBVAL_CHECK_OUTPUT).
notebooks: $(STAMP)
	$(BIN)/python tools/store_notebook_outputs.py notebooks/*.ipynb

clean:
	rm -rf reports/*/ reports/index.html .pytest_cache
