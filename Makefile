# Two commands for a newcomer: `make demo` and `make test`. Everything else is a step they share.
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster
export PAPERS_WAREHOUSE_DATA_DIR ?= $(CURDIR)/data

.PHONY: demo test lint ui docs bench lock prepare clean

# The venv is rebuilt only when the lock file changes.
$(VENV)/.installed: requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --python $(PY) -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(PY) --no-deps -e .
	touch $@

# dbt's manifest and the Dagster instance are prepared here, not as import-time side effects.
prepare: $(VENV)/.installed
	$(BIN)/papers-warehouse prepare

demo: prepare
	$(BIN)/papers-warehouse build --data-dir $(PAPERS_WAREHOUSE_DATA_DIR)

test: prepare
	$(BIN)/ruff check .
	$(BIN)/pytest

ui: prepare
	$(BIN)/dagster dev -m dagster_project.definitions

docs: prepare
	cd dbt && ../$(BIN)/dbt docs generate --profiles-dir . --project-dir .

bench: prepare
	$(PY) -m bench.run

lock:
	$(BIN)/uv pip compile requirements.in --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) dbt/target dbt/logs .dagster data/lake data/build data/warehouse.duckdb data/quality
