"""One writer of each kind per data dir at a time.

- A build (CLI, UI or sensor) or a `forget`: they share the lake, the build file and the
  published file.
- A collect (CLI, or a Dagster partition run): two collectors of the same day would race
  for its file names.

A collect and a build may run together: a collect only adds files to raw/, each renamed
into place whole, and a build decides what is new from a listing taken before it reads, so
a day that lands mid-build is built by the next one.

Each is an flock on a file in the data dir, released by the kernel if the holder dies, so
a killed run never leaves the data dir locked.
"""

import fcntl
from contextlib import contextmanager

from dagster_project.settings import DataPaths


@contextmanager
def data_dir_lock(paths: DataPaths, on_wait=None):
    """The build lock (DIR/.build.lock)."""
    with _flock(paths, ".build.lock", "build", on_wait):
        yield


@contextmanager
def collect_lock(paths: DataPaths, on_wait=None):
    """The collect lock (DIR/.collect.lock)."""
    with _flock(paths, ".collect.lock", "collect", on_wait):
        yield


@contextmanager
def _flock(paths: DataPaths, name: str, kind: str, on_wait):
    paths.root.mkdir(parents=True, exist_ok=True)
    with open(paths.root / name, "w") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(f"another {kind} of {paths.root} is running; waiting for it…")
            fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield
