"""The code location as the Dagster UI and daemon load it: assets, checks, job, automation."""

import json
import os
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.definitions import defs as load_defs
from dagster_project.defs.assets.transform import PapersDbtTranslator
from dagster_project.defs.automation import daily_build, raw_dir_fingerprint, raw_files_sensor
from dagster_project.defs.data_dir import DataDir
from dagster_project.defs.jobs import BUILD_JOB_NAME
from dagster_project.settings import DATA_DIR_ENV
from dagster_project.warehouse.dbt_project import DBT_PROJECT
from dagster_project.warehouse.publish import PUBLISHED_TABLES
from tests.conftest import SAMPLE

GX_CHECKS = {"lake_listings": "gx_raw_listings", "papers": "gx_papers",
             "authors_count": "gx_authors_count", "daily_counts": "gx_daily_counts",
             "rejects": "gx_rejects"}


defs = load_defs()


@pytest.fixture(scope="module")
def asset_graph():
    dg.Definitions.validate_loadable(defs)
    return defs.resolve_asset_graph()


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(DBT_PROJECT.manifest_path.read_text(encoding="utf-8"))


def _model_key(manifest: dict, unique_id: str) -> dg.AssetKey:
    return PapersDbtTranslator().get_asset_key(manifest["nodes"][unique_id])


def test_every_asset_of_the_pipeline_exists(asset_graph, manifest):
    keys = asset_graph.get_all_asset_keys()
    expected = {dg.AssetKey("daily_papers"), dg.AssetKey("lake_listings"),
                dg.AssetKey("lake_rejects"),
                dg.AssetKey("warehouse"), *(dg.AssetKey(table) for table in PUBLISHED_TABLES)}
    models = [uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"]
    expected |= {_model_key(manifest, uid) for uid in models}
    assert expected <= keys
    groups = {asset_graph.get(key).group_name for key in keys}
    assert groups == {"raw", "lake", "staging", "marts", "warehouse"}
    assert any(asset_graph.get(_model_key(manifest, uid)).group_name == "staging"
               for uid in models)
    assert set(asset_graph.get(dg.AssetKey("warehouse")).parent_keys) == {
        dg.AssetKey(table) for table in PUBLISHED_TABLES}


def test_great_expectations_suites_are_blocking_checks(asset_graph):
    for asset, check in GX_CHECKS.items():
        key = dg.AssetCheckKey(dg.AssetKey(asset), check)
        assert key in asset_graph.asset_check_keys, key
        assert asset_graph.get_check_spec(key).blocking, key


def test_every_dbt_test_on_a_model_is_an_asset_check(asset_graph, manifest):
    """Generic tests attach to their model; a singular test over several models names its
    asset with `config(meta={'dagster': {'ref': {'name': MODEL}}})`."""
    missing = []
    for node in manifest["nodes"].values():
        parents = [p for p in node["depends_on"].get("nodes", []) if p.startswith("model.")]
        if node["resource_type"] != "test" or not parents:
            continue
        ref = node["config"].get("meta", {}).get("dagster", {}).get("ref", {}).get("name")
        attached = node.get("attached_node") or (
            f"model.{node['package_name']}.{ref}" if ref else parents[0])
        key = dg.AssetCheckKey(_model_key(manifest, attached), node["name"])
        if key not in asset_graph.asset_check_keys:
            missing.append(f"{node['original_file_path']}: {node['name']}")
        elif node["config"].get("severity", "error").lower() == "error":
            assert asset_graph.get_check_spec(key).blocking, key
    assert not missing, ("dbt tests that are no asset check (a singular test over several "
                         "models needs config(meta={'dagster': {'ref': {'name': MODEL}}})):\n"
                         + "\n".join(missing))


def test_every_check_says_what_it_checks(asset_graph):
    """A check's description is what the UI shows beside it: dbt tests get theirs from
    dbt/tests/_tests.yml (singular) or from their arguments (generic)."""
    specs = [asset_graph.get_check_spec(key) for key in asset_graph.asset_check_keys]
    assert all(spec.description for spec in specs), [
        spec.key for spec in specs if not spec.description]
    by_name = {spec.name: spec.description for spec in specs}
    assert by_name["not_null_papers_paper_id"] == "papers.paper_id is never null"
    assert by_name["not_null_columns_paper_keywords_paper_id__keyword"] == (
        "paper_keywords: paper_id, keyword are never null")
    assert "sum to 1" in by_name["authors_count_covers_every_paper"]


def test_job_sensor_and_schedule(asset_graph):
    job = defs.resolve_job_def(BUILD_JOB_NAME)
    collected = dg.AssetKey("daily_papers")  # collecting is its own (partitioned) job
    assert set(job.asset_layer.selected_asset_keys) == (
        asset_graph.get_all_asset_keys() - {collected})
    # raw/ holds files from any scraper: the build never waits for collecting.
    assert not asset_graph.get(dg.AssetKey("lake_listings")).parent_keys
    sensor = defs.resolve_sensor_def("raw_files_sensor")
    assert sensor.job_name == BUILD_JOB_NAME
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    schedule = defs.resolve_schedule_def(daily_build.name)
    assert schedule.job_name == BUILD_JOB_NAME
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED


@pytest.fixture
def raw_dir(tmp_path, monkeypatch) -> Path:
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    for path in SAMPLE.parent.glob(SAMPLE.name + "*"):
        shutil.copy2(path, raw / path.name)
    monkeypatch.setenv(DATA_DIR_ENV, str(raw.parent))
    return raw


def _tick(cursor: str | None):
    """One evaluation of the sensor, as the daemon does it."""
    return raw_files_sensor.evaluate_tick(dg.build_sensor_context(
        cursor=cursor, resources={"data_dir": DataDir.from_setting()}))


def test_sensor_first_look_records_the_raw_dir_without_a_run(raw_dir):
    tick = _tick(None)
    assert tick.run_requests == []
    assert tick.cursor == raw_dir_fingerprint(raw_dir)


def test_sensor_runs_the_job_on_a_new_file_and_only_then(raw_dir):
    seen = _tick(None).cursor
    unchanged = _tick(seen)
    assert unchanged.run_requests == []
    assert unchanged.cursor == seen

    (raw_dir / ".partial-download").write_text("hidden files are not raw pages")
    assert _tick(seen).run_requests == []

    (raw_dir / "2025-12-13_more.txt").write_text("new scrape")
    new_file = _tick(seen)
    assert len(new_file.run_requests) == 1
    assert new_file.run_requests[0].job_name in (None, BUILD_JOB_NAME)
    assert new_file.cursor != seen
    assert _tick(new_file.cursor).run_requests == []


def test_sensor_runs_on_a_changed_or_removed_file(raw_dir):
    seen = _tick(None).cursor
    page = raw_dir / SAMPLE.name
    later = time.time() + 60
    os.utime(page, (later, later))
    changed = _tick(seen)
    assert len(changed.run_requests) == 1

    (raw_dir / "nested").mkdir()
    (raw_dir / "nested" / "page.txt").write_text("in a subfolder")
    added_nested = _tick(changed.cursor)
    assert len(added_nested.run_requests) == 1

    (raw_dir / "nested" / "page.txt").unlink()
    assert len(_tick(added_nested.cursor).run_requests) == 1


def test_sensor_tolerates_a_missing_raw_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "nowhere"))
    seen = _tick(None).cursor
    assert _tick(seen).run_requests == []


def test_the_dbt_resource_s_overrides_still_meet_dagster_dbt():
    """VenvDbtCliResource replaces two private methods of dagster-dbt's DbtCliResource (its
    `dbt --version` process and its in-process adapter): were they renamed upstream, the
    overrides would silently stop applying and every build would pay for them again."""
    import inspect

    from dagster_dbt import DbtCliResource

    from dagster_project.warehouse.dbt_project import VenvDbtCliResource, dbt_resource

    cli_source = inspect.getsource(DbtCliResource.cli)
    for name in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert name in vars(DbtCliResource) and name in vars(VenvDbtCliResource), name
        assert f"self.{name}" in cli_source, name
    assert dbt_resource()._initialize_dbt_core_adapter([]) is None
