"""One writer per data dir at a time: a build (CLI, UI or sensor) or a `forget`.

They share the lake, the build file and the published file; an flock on DIR/.build.lock
serialises them (released by the kernel if the holder dies, so a killed build never leaves
the data dir locked).
"""

import fcntl
from contextlib import contextmanager

from dagster_project.settings import DataPaths


@contextmanager
def data_dir_lock(paths: DataPaths, on_wait=None):
    paths.root.mkdir(parents=True, exist_ok=True)
    with open(paths.root / ".build.lock", "w") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(f"another build of {paths.root} is running; waiting for it…")
            fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield
