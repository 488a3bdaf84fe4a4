"""Each data dir has its own Dagster instance (DIR/.dagster): the UI of one never shows
another's runs or row counts."""

import dagster as dg

from dagster_project.defs.run_tags import DATA_DIR_TAG, STARTED_BY_TAG
from tests.pipeline_helpers import scalar


def _instance(data_dir) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(data_dir / ".dagster"))


def _published_rows(instance: dg.DagsterInstance) -> int:
    """What the UI shows on the warehouse asset: its latest materialization's row count."""
    event = instance.get_latest_materialization_event(dg.AssetKey("warehouse"))
    return event.asset_materialization.metadata["rows papers"].value


def test_two_data_dirs_keep_their_own_history(published_sample, demo):
    for data_dir in (published_sample, demo):
        instance = _instance(data_dir)
        runs = instance.get_runs()
        assert runs, data_dir
        assert {run.tags[DATA_DIR_TAG] for run in runs} == {str(data_dir.resolve())}
        assert {run.tags[STARTED_BY_TAG] for run in runs} == {"cli"}
        assert _published_rows(instance) == scalar(data_dir, "select count(*) from papers")
    assert _published_rows(_instance(published_sample)) != _published_rows(_instance(demo))


def test_every_publish_records_numbers_to_chart(demo):
    """The warehouse asset's Plots tab charts the warehouse's growth from these."""
    event = _instance(demo).get_latest_materialization_event(dg.AssetKey("warehouse"))
    metadata = {key: value.value for key, value in event.asset_materialization.metadata.items()}
    papers = scalar(demo, "select count(*) from papers")
    assert metadata["papers"] == papers and metadata["papers added"] == papers  # first build
    assert metadata["rejects"] == scalar(demo, "select count(*) from rejects")
    assert metadata["listings"] >= scalar(demo, "select count(*) from paper_sightings")
    assert metadata["build seconds"] > 0


def test_dbt_s_own_lines_are_in_the_run_log(published_sample):
    """The UI (and `build --verbose`) shows what dbt printed, node by node, in the dbt step's
    log: gathered into batches, since each record is an event the instance stores."""
    instance = _instance(published_sample)
    (run,) = instance.get_runs(limit=1)
    records = [entry.user_message for entry in instance.all_logs(run.run_id)
               if entry.step_key == "dbt_models" and not entry.is_dagster_event]
    dbt_lines = [line for record in records for line in record.splitlines()]
    assert any(line.startswith("Running with dbt=") for line in dbt_lines)
    assert any(line.startswith("Done. PASS=") for line in dbt_lines)
    # Batched: fewer records than lines.
    assert len(records) < len(dbt_lines)
