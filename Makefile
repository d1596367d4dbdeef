# Two commands for a new user: `make run` and `make test`. Both create .venv on first use: `run`
# installs the app, `test` adds what the tests need (pytest, ruff, import-linter, PostgreSQL for
# the sweep tests). Each set is installed once (a stamp in .venv), again when pyproject.toml
# changes. A .venv made by a Python older than 3.11, or without pip, is made again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.installed-app
TEST_STAMP := $(VENV)/.installed-test
USABLE := import sys, pip; sys.exit(sys.version_info < (3, 11))
NEW_ENOUGH := import sys; sys.exit(sys.version_info < (3, 11))

.PHONY: run test lint bench clean

# The stamps of an unusable .venv do not count: it is made again, and both sets installed.
ifneq ($(shell $(BIN)/python -c '$(USABLE)' >/dev/null 2>&1 && echo usable),usable)
.PHONY: $(APP_STAMP) $(TEST_STAMP)
endif

$(APP_STAMP): pyproject.toml
	@if ! $(BIN)/python -c '$(USABLE)' >/dev/null 2>&1; then \
	  if [ -e $(VENV) ]; then \
	    echo "$(VENV) is unusable (made by a Python older than 3.11, or without pip): making it again."; \
	    rm -rf $(VENV); \
	  fi; \
	  $(PYTHON) -c '$(NEW_ENOUGH)' >/dev/null 2>&1 || { \
	    echo "$(PYTHON) is older than Python 3.11, which vae-desktop needs: run make again with PYTHON=python3.11 (or a newer one)."; \
	    exit 1; }; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(APP_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(APP_STAMP)
	$(BIN)/vae-desktop

# Two test processes (pytest-xdist), one torch thread each (tests/conftest.py): much of the suite
# waits on Qt's event loop or on child processes, so two share 2 cores well (about 3.3 against
# 5.5 minutes on one, 2026-12-05). More would each start their own PostgreSQL server.
# Work stealing: a process that runs out takes tests still queued for the other. With the
# default scheduling one process was left with 13-30 s of queued tests after the other had
# finished (three runs of five, 2026-12-06); stealing, 0.3-3.4 s (five runs).
TEST_WORKERS ?= 2

test: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal
	$(BIN)/ruff check vae_desktop tests bench tools
	$(BIN)/lint-imports

lint: $(TEST_STAMP)
	$(BIN)/ruff check vae_desktop tests bench tools
	$(BIN)/lint-imports

bench: $(APP_STAMP)
	$(BIN)/python bench/train_throughput.py

clean:
	rm -rf $(VENV) build *.egg-info
