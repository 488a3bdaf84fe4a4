"""One build per data dir at a time, whether it comes from the CLI, the UI or the sensor.

Builds share the lake, the build file and the published file. The lock is a Dagster
resource, so a run holds it from its first step to its last.
"""

import fcntl
from contextlib import contextmanager

import dagster as dg

from dagster_project.settings import DataPaths, data_paths


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


@dg.resource(description="Holds the data dir's build lock for the whole run.")
def build_lock(init_context):
    with data_dir_lock(data_paths(), on_wait=init_context.log.warning):
        yield
