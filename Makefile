# Two commands set up everything on a fresh machine (see README):
#   make report   # create .venv if missing, install, verify data, run the default report plan
#   make test     # create .venv if missing, install test extras (+ Debian chromium-headless-shell), run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# JupyterLab runs from its own venv; its kernels are .venv's python (a kernelspec installed into .venv-lab).
LAB_VENV := .venv-lab
LAB_STAMP := $(LAB_VENV)/.installed
# Exact versions with sha256 hashes (tools/lock.py writes them from pyproject.toml; `make lock` refreshes them).
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
LAB_LOCK := requirements-lab.lock
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup bytecode report test lint lab bench browser notebooks clean lock

# The project itself goes in editable, without dependencies and without build isolation: everything it
# needs, its build backend included, came from the lock.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) --require-hashes -r $(LOCK)
	$(PIP) --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# Test, dask and bench extras: the same pins as the runtime lock, plus the tools. JupyterLab is kept out
# of .venv (installed beside it, it makes every kernel start 1 s slower: see tools/lock.py).
$(TEST_STAMP): $(STAMP) $(DEV_LOCK)
	$(PIP) --require-hashes -r $(DEV_LOCK)
	touch $@

# The lab server's venv: JupyterLab and the widget front ends, at the same pins as .venv. Its one kernel,
# "python3", is .venv's interpreter, so notebooks run with the project and without JupyterLab's imports.
$(LAB_STAMP): $(STAMP) $(LAB_LOCK)
	test -x $(LAB_VENV)/bin/python || $(PYTHON) -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(LAB_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LAB_LOCK)
	$(BIN)/python -m ipykernel install --prefix $(LAB_VENV) --name python3 --display-name "Python 3 (bilateral)" >/dev/null
	touch $@

setup: $(STAMP)

# pip compiles every installed package's bytecode, but not an editable project's, and this machine sets
# PYTHONDONTWRITEBYTECODE: every kernel and CLI process compiled bilateral's 138 modules from source again
# (about 0.2 s of CPU each, some 60 processes in `make test`). Compiled here, like an installed package;
# only changed files are recompiled, and a stale file is never used (Python checks each source's mtime).
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q -j 0 lib >/dev/null

report: bytecode
	$(BIN)/bilateral data verify
	$(BIN)/bilateral data prepare
	$(BIN)/bilateral report plan plans/default.yml

# Browser tests drive Debian's chromium-headless-shell: Chromium's headless build, the one Playwright itself runs
# headless, at well under half the CPU of the full browser (docs/decisions/0011). Playwright's own browser download
# does not work offline.
browser:
	@command -v chromium-headless-shell >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium-headless-shell >/dev/null; }

# The suite includes the JupyterLab browser test (tests/test_lab_browser.py), so it sets up .venv-lab too.
# Derived caches first (the parsed IMF DOTS table, about 9 s), as `make report` does: on a fresh clone the suite's
# first kernels otherwise each parsed the 235 workbooks at once.
test: $(TEST_STAMP) $(LAB_STAMP) browser bytecode
	$(BIN)/bilateral data prepare >/dev/null
	$(BIN)/python -m pytest

# Lint and format check (ruff, configured in pyproject.toml); .ci/run runs it before the tests.
lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# JupyterLab on 127.0.0.1 with a token, no news/update checks, offline charts; as root it adds --allow-root
# and says so (tools/lab.py). Extra arguments: make lab LAB_ARGS="--no-browser --port 8899"
lab: $(LAB_STAMP) bytecode
	$(LAB_VENV)/bin/python tools/lab.py $(LAB_ARGS)

bench: $(TEST_STAMP) bytecode
	$(BIN)/python benchmarks/trade_query.py

# Re-execute the notebooks and store only the outputs nbval checks (cells marked NBVAL_CHECK_OUTPUT).
notebooks: $(STAMP)
	$(BIN)/python tools/store_notebook_outputs.py notebooks/*.ipynb

lock:
	test -x $(BIN)/uv || $(PIP) uv
	$(BIN)/python tools/lock.py

clean:
	rm -rf reports/*/ reports/index.html .pytest_cache
