"""A test hook for fault injection: `PAPERS_WAREHOUSE_KILL_AT=POINT` kills the process there.

The fault tests run a build as a subprocess with this set, to prove that a build killed at
that point (SIGKILL: no cleanup, no finally) leaves the lake and the warehouse consistent.
Points: lake-insert (after the first batch of rows is written, before the commit),
lake-commit (everything written, just before the commit), lake-compact (after the commit,
while compacting). Unset, it does nothing.
"""

import os
import signal

KILL_AT_ENV = "PAPERS_WAREHOUSE_KILL_AT"


def inject(point: str) -> None:
    if os.environ.get(KILL_AT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
