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

from tests.pipeline_helpers import build, query

NEW_PAGE = Path(__file__).with_name("fixtures") / "daily_papers.json"
CLI = Path(sys.executable).with_name("papers-warehouse")


def test_ctrl_c_cancels_the_run_and_leaves_the_warehouse(published_sample, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(published_sample, data_dir)
    warehouse = data_dir / "warehouse.duckdb"
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    shutil.copy(NEW_PAGE, data_dir / "raw" / "2025-12-13_daily_papers.json")

    # As a terminal does: SIGINT to the whole process group, here once dbt is running.
    build_process = subprocess.Popen(
        [str(CLI), "build", "--data-dir", str(data_dir)], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen = []
    for line in build_process.stdout:
        seen.append(line)
        if line.startswith("checks "):  # the raw suite's line ends when dbt's first node does
            time.sleep(1)
            os.killpg(build_process.pid, signal.SIGINT)
            break
    after_interrupt = build_process.stdout.read()
    assert build_process.wait(timeout=120) == 130
    assert "Traceback" not in after_interrupt and "KeyboardInterrupt" not in after_interrupt
    [line] = [text for text in after_interrupt.splitlines() if text.startswith("interrupted:")]
    assert f"{warehouse} is unchanged" in line
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before

    run_id = line.split("Dagster run ")[1].split()[0]
    run = dg.DagsterInstance.from_config(str(data_dir / ".dagster")).get_run_by_id(run_id)
    assert run.status == dg.DagsterRunStatus.CANCELED
    assert run.tags["papers_warehouse/data_dir"] == str(data_dir.resolve())

    papers = query(data_dir, "select count(*) from papers")[0][0]
    assert build(data_dir) == 0
    assert query(data_dir, "select count(*) from papers")[0][0] > papers
