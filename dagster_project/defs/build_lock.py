"""The data dir's lock (data_dir_lock.py) as a Dagster resource: a run holds it from its
first step to its last, whether it comes from the CLI, the UI or the sensor."""

import dagster as dg

from dagster_project.data_dir_lock import data_dir_lock


@dg.resource(required_resource_keys={"data_dir"},
             description="Holds the data dir's build lock for the whole run.")
def build_lock(init_context):
    with data_dir_lock(init_context.resources.data_dir.paths, on_wait=init_context.log.warning):
        yield
