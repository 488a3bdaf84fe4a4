"""The CLI build's terminal output: the stages as they go, then (from the CLI) the summary.

On a terminal one line is rewritten in place ("parse 3/3 files", "dbt 57/113 nodes",
"checks 12/108", "publish"); piped, each stage is one plain line when it ends. Warnings and
errors are printed whole. Everything else (dbt's per-node lines, Dagster's step events) stays
in the run's event log, which the UI shows; `papers-warehouse build --verbose` prints it all.
"""

import logging
import re
import sys

import dagster as dg

PARSE = re.compile(r"parsing new or changed raw files: (\d+)/(\d+)")
DBT_NODE = re.compile(r"^\s*(\d+) of (\d+) (?:OK|PASS|WARN|ERROR|FAIL|SKIP)", re.MULTILINE)
# Printed by the summary (this build's rejects, the failed step), or said better by the CLI.
NOT_REPEATED = ("rejected ", "… and ", "Dependencies for step ")
DBT_STEP = "dbt_models"
# dbt's own lines reach the log when dbt is done, so its stage starts with its step.
STAGE_OF_STEP = {DBT_STEP: "dbt", "dashboard": "dashboard", "warehouse": "publish"}


class StageProgress(logging.Handler):
    def __init__(self, checks: int, stream=None) -> None:
        super().__init__(level=logging.DEBUG)
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.stage: str | None = None
        self.line = ""
        self.checks = checks  # the job's checks: dbt tests and the GX suites
        self.checks_done = 0
        self.dbt_nodes_done = 0

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", {}) or {}
        message = meta.get("orig_message") or record.getMessage()
        event = meta.get("dagster_event")
        if event is not None:
            self._on_event(event)
        elif parsed := PARSE.search(message):
            self._show("parse", f"parse {parsed[1]}/{parsed[2]} files")
        elif nodes := DBT_NODE.findall(message):  # a record holds a batch of dbt's lines;
            # nodes finish in any order on several threads
            self.dbt_nodes_done = max(self.dbt_nodes_done, *(int(done) for done, _ in nodes))
            self._show("dbt", f"dbt {self.dbt_nodes_done}/{nodes[0][1]} nodes")
        if record.levelno >= logging.WARNING and event is None \
                and not message.startswith(NOT_REPEATED):
            self._print(f"{record.levelname.lower()}: {message}")

    def _on_event(self, event) -> None:
        kind = event.event_type_value
        if kind == "ASSET_CHECK_EVALUATION":
            self.checks_done += 1  # dbt's tests count while dbt's line shows
            if event.step_key != DBT_STEP:
                self._show("checks", f"checks {self.checks_done}/{self.checks}")
        elif kind == "STEP_START" and event.step_key in STAGE_OF_STEP:
            self._show(STAGE_OF_STEP[event.step_key], STAGE_OF_STEP[event.step_key])
        elif kind in ("RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"):
            self._end_stage()

    def _show(self, stage: str, line: str) -> None:
        if stage != self.stage:
            self._end_stage()
            self.stage = stage
        self.line = line
        if self.live:
            self.stream.write(f"\r\033[K{line}")
            self.stream.flush()

    def _end_stage(self) -> None:
        """The finished stage's last line stays (piped: it is the stage's only line)."""
        if self.stage is not None:
            self.stream.write("\r\033[K" + self.line + "\n" if self.live else self.line + "\n")
            self.stream.flush()
        self.stage, self.line = None, ""

    def _print(self, text: str) -> None:
        if self.live and self.stage is not None:
            self.stream.write("\r\033[K" + text + "\n" + self.line)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


@dg.logger(description="The CLI build's stage progress (papers-warehouse build).")
def build_progress(init_context) -> logging.Logger:
    logger = logging.getLogger(f"papers_warehouse.progress.{init_context.run_id}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    checks = len(init_context.job_def.asset_layer.asset_graph.asset_check_keys)
    logger.handlers = [StageProgress(checks)]
    return logger
