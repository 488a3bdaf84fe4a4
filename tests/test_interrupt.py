"""Ctrl-C during a build: the run is canceled (not failed), one line says the warehouse is
unchanged, the exit status is 130, and the next build finishes the work."""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.faults import INTERRUPT_AT_ENV
from tests.pipeline_helpers import build, query

NEW_PAGE = Path(__file__).with_name("fixtures") / "daily_papers.json"
CLI = Path(sys.executable).with_name("papers-warehouse")


# Ctrl-C in a terminal: SIGINT to the whole process group. SIGTERM (a service manager, a
# timeout, `kill`): to the build process alone; it stops the same way (issue 18, case 3).
STOPS = {"ctrl-c": (signal.SIGINT, True, 130), "sigterm": (signal.SIGTERM, False, 130)}


# SIGTERM stops through the same path as Ctrl-C: its whole build runs with `make faults`.
@pytest.mark.parametrize("stop", [pytest.param(name, marks=pytest.mark.faults)
                                  if name == "sigterm" else name for name in STOPS])
def test_a_stop_cancels_the_run_and_leaves_the_warehouse(published_sample, tmp_path, stop):
    signal_number, whole_group, exit_status = STOPS[stop]
    data_dir = tmp_path / "data"
    shutil.copytree(published_sample, data_dir)
    warehouse = data_dir / "warehouse.duckdb"
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    shutil.copy(NEW_PAGE, data_dir / "raw" / "2025-12-13_daily_papers.json")

    # Once dbt is running.
    build_process = subprocess.Popen(
        [str(CLI), "build", "--data-dir", str(data_dir)], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen = []
    for line in build_process.stdout:
        seen.append(line)
        if line.startswith("checks "):  # the raw suite's line ends when dbt's step starts
            time.sleep(1)
            if whole_group:
                os.killpg(build_process.pid, signal_number)
            else:
                build_process.send_signal(signal_number)
            break
    after_interrupt = build_process.stdout.read()
    assert build_process.wait(timeout=120) == exit_status, after_interrupt
    assert "Traceback" not in after_interrupt and "KeyboardInterrupt" not in after_interrupt
    [line] = [text for text in after_interrupt.splitlines() if text.startswith("interrupted")]
    assert f"{warehouse} is unchanged" in line
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before

    run_id = line.split("Dagster run ")[1].split()[0]
    run = dg.DagsterInstance.from_config(str(data_dir / ".dagster")).get_run_by_id(run_id)
    assert run.status == dg.DagsterRunStatus.CANCELED
    assert run.tags["papers_warehouse/data_dir"] == str(data_dir.resolve())

    papers = query(data_dir, "select count(*) from papers")[0][0]
    assert build(data_dir) == 0
    assert query(data_dir, "select count(*) from papers")[0][0] > papers


def test_a_ctrl_c_as_dbt_starts_stops_the_build(published_sample, tmp_path):
    """Issue 18, case 4: Ctrl-C (to the whole group: dbt's process too) the moment dbt's
    process starts. The build stops as for any Ctrl-C, and publishes nothing."""
    data_dir = tmp_path / "data"
    shutil.copytree(published_sample, data_dir)
    warehouse = data_dir / "warehouse.duckdb"
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    shutil.copy(NEW_PAGE, data_dir / "raw" / "2025-12-13_daily_papers.json")
    stopped = subprocess.run([str(CLI), "build", "--data-dir", str(data_dir)],
                             env={**os.environ, INTERRUPT_AT_ENV: "dbt-start"},
                             capture_output=True, text=True, timeout=300,
                             start_new_session=True)  # its own group, as in a terminal
    assert stopped.returncode == 130, stopped.stdout + stopped.stderr
    assert "interrupted: build stopped" in stopped.stderr
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before


SWALLOWED = """
import os, signal, sys
from dagster_project.defs.stop_signals import stop_requested, watch
watch()
signal.signal(signal.SIGINT, lambda number, frame: None)  # a library that swallows it
assert not stop_requested()
os.kill(os.getpid(), signal.SIGINT)
sys.exit(0 if stop_requested() else 1)
"""


def test_a_ctrl_c_a_library_swallowed_is_still_seen():
    """DuckDB turns a Ctrl-C inside a query into "Query interrupted", and code expecting
    DuckDB errors may take it for one: the build still knows the user stopped it."""
    assert subprocess.run([sys.executable, "-c", SWALLOWED], timeout=60).returncode == 0
