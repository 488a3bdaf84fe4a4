# Two commands for a newcomer: `make demo` and `make test`. Everything else is a step they share.
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
export PAPERS_WAREHOUSE_DATA_DIR ?= $(CURDIR)/data

.PHONY: demo test faults long shared-lake lint ui docs bench bench-everyday lock prepare clean

# The venv is rebuilt only when the lock file changes. Bytecode is compiled at install:
# with PYTHONDONTWRITEBYTECODE set (as on these machines) Python would otherwise compile
# the stack's ~10,000 modules again in every process, doubling each command's start-up.
$(VENV)/.installed: requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(PY) --no-deps -e .
	touch $@

# dbt's manifest and the Dagster instance are prepared here, not as import-time side effects.
prepare: $(VENV)/.installed
	$(BIN)/papers-warehouse prepare

demo: prepare
	$(BIN)/papers-warehouse build --data-dir $(PAPERS_WAREHOUSE_DATA_DIR)

test: prepare
	$(BIN)/ruff check .
	$(BIN)/dg check defs
	$(BIN)/pytest

# Whole builds killed (SIGKILL) at each stage, then built again (~6 min): tests/test_faults.py;
# and the second variant of a stop (SIGTERM) and of a full disk (8 MB free).
faults: prepare
	$(BIN)/pytest -m faults

# The bench's own smoke run and BI readers polling through two builds: minutes of end-to-end
# runs kept out of `make test` (issue 19); CI runs them.
long: prepare
	$(BIN)/pytest -m long

# A lake shared by data dirs through a PostgreSQL catalog (issue 20): the tests start a
# server of Debian's postgresql package themselves. CI runs them.
shared-lake: prepare
	$(BIN)/pytest -m shared_lake

# The Dagster UI (dg dev: webserver + daemon, so the raw-files sensor runs) on the data dir's
# own instance (data/.dagster), and beside it the docs site its links point to, on :3001.
ui: prepare
	$(BIN)/papers-warehouse ui --data-dir $(PAPERS_WAREHOUSE_DATA_DIR)

# dbt's docs as one self-contained page, then the docs site that serves them with the
# dashboard and the Data Docs. The catalog (column types, row counts) is read from the build
# file, so a fresh clone builds the sample first.
docs: prepare
	test -f $(PAPERS_WAREHOUSE_DATA_DIR)/build/warehouse.duckdb \
	  || $(BIN)/papers-warehouse build --data-dir $(PAPERS_WAREHOUSE_DATA_DIR) \
	  || test -f $(PAPERS_WAREHOUSE_DATA_DIR)/build/warehouse.duckdb
	cd dbt && ../$(BIN)/dbt docs generate --profiles-dir . --project-dir . \
	  --target-path target/docs --static --quiet
	$(BIN)/papers-warehouse docs --data-dir $(PAPERS_WAREHOUSE_DATA_DIR)

# The everyday commands on the sample against the stack floor (~2 min), collecting 30
# replayed days against the HTTP floor (~5 s), then the scale runs.
bench: prepare
	$(PY) -m bench.everyday
	$(PY) -m bench.collect_replay
	$(PY) -m bench.run

bench-everyday: prepare
	$(PY) -m bench.everyday

lock:
	$(BIN)/uv pip compile requirements.in --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) dbt/target dbt/logs .dagster data/.dagster data/lake data/build data/warehouse.duckdb data/quality

# Apache Superset 6.1.0 reading the warehouse through its REST API (tests/test_superset.py).
# Superset gets a venv of its own (~710 MB, cached in ~/.cache/papers-warehouse/superset-venv
# or $PAPERS_WAREHOUSE_SUPERSET_VENV; pins in bi/), never the project's .venv.
.PHONY: test-bi
test-bi: prepare
	$(BIN)/pytest -m bi
