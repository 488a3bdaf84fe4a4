"""Whether the user stopped this build (Ctrl-C or SIGTERM), whatever became of the exception.

Dagster turns the signal into an exception in the running step, but a library in that step
may turn it into something else: DuckDB ends the query it was running with "Query
interrupted", and code that expects DuckDB errors takes it for one. The build would then fail
instead of stopping, or carry on and publish. Python also writes every signal it handles to a
wakeup fd, whichever handler is installed: that record is what a step and the build command
check.
"""

import os
import signal

STOPS = {signal.SIGINT, signal.SIGTERM}
_wakeup: dict = {"fd": None, "seen": False}


def watch() -> None:
    """From the build command's main thread, before the run starts."""
    read, write = os.pipe()
    os.set_blocking(read, False)
    os.set_blocking(write, False)
    signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    _wakeup.update(fd=read, seen=False)


def stop_requested() -> bool:
    """A Ctrl-C or SIGTERM arrived since `watch()` (never, in a run the UI started)."""
    if _wakeup["fd"] is not None and not _wakeup["seen"]:
        try:
            while received := os.read(_wakeup["fd"], 512):
                _wakeup["seen"] = _wakeup["seen"] or any(number in STOPS for number in received)
        except BlockingIOError:
            pass
    return _wakeup["seen"]
