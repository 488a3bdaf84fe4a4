"""Great Expectations in a process of its own, started as the build starts.

Importing GX takes seconds of CPU, and a Python import holds the GIL: in a thread of the
build's process it only delays parsing and Dagster's own work. A separate process imports
it (and warms up a first validation) on the other core while the build parses and dbt runs,
so the checks find it ready. The checks send it what to validate (suite_runs.py reads the
rows itself), never the rows. One worker: validations run one at a time, as the steps do.
"""

import atexit
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

_pool: ProcessPoolExecutor | None = None


def start() -> None:
    """Start the quality process now, if it is not running yet (idempotent)."""
    global _pool
    if _pool is None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        # spawn: a fresh interpreter, not a fork of a process that runs threads (Dagster's)
        _pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=_warm_up, initargs=(os.getpid(),))
        _pool.submit(int)  # starts the worker (and its warm-up) without waiting for it
        atexit.register(stop)


def run(function, *args):
    """function(*args) in the quality process; its exceptions are raised here."""
    start()
    return _pool.submit(function, *args).result()


def stop() -> None:
    """Let the quality process end (it finishes what it was given, then exits by itself,
    in about a second). The publish step calls this: the checks are done by then, and the
    build's own exit need not wait for the worker's."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def _warm_up(parent: int) -> None:
    """Watch the parent, import GX and run one tiny validation (its outcome does not
    matter): the first one pays for GX's lazy set-up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    import pyarrow as pa

    from dagster_project.warehouse import quality

    suite = "authors_count"
    quality.validate(suite, pa.table({column: [1] for column in quality.suite_columns(suite)}),
                     dict.fromkeys(quality.suite_parameters(suite), 1))


def _exit_with(parent: int) -> None:
    """A build killed outright (SIGKILL) cannot stop its quality process: it stops itself."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)
