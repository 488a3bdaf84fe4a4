"""A test hook for fault injection: `PAPERS_WAREHOUSE_KILL_AT=POINT` kills the process there.

The fault tests run a build as a subprocess with this set, to prove that a build killed at
that point (SIGKILL: no cleanup, no finally) leaves the lake and the warehouse consistent.
Points, in a build's order (tests/test_faults.py kills a whole build at each):
    parse           the first raw file's rows parsed, none written
    lake-insert     the first batch of rows written to the lake, before the commit
    lake-commit     everything written, just before the commit
    lake-compact    after the commit, half-way through compacting
    dbt-start       dbt just started (its process is importing dbt)
    dbt             dbt's first event read: dbt is writing the build file
    checks          a mart's quality suite about to run
    publish-copy    the published copy written beside the warehouse, not yet renamed
    publish-rename  the new warehouse renamed into place, nothing recorded yet
Unset, it does nothing.
"""

import os
import signal

KILL_AT_ENV = "PAPERS_WAREHOUSE_KILL_AT"
# Ctrl-C at a point instead: SIGINT to the whole process group, as a terminal sends it.
INTERRUPT_AT_ENV = "PAPERS_WAREHOUSE_INTERRUPT_AT"


def inject(point: str) -> None:
    if os.environ.get(KILL_AT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(INTERRUPT_AT_ENV) == point:
        os.killpg(os.getpgrp(), signal.SIGINT)
