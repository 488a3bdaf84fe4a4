"""Where a data dir's lake is: its own by default, a shared one when both settings say so."""

from pathlib import Path

import pytest

from dagster_project.cli import main
from dagster_project.lake.location import LakeSettingError, lake_location
from dagster_project.settings import LAKE_CATALOG_ENV, LAKE_DATA_ENV

TEAM_CATALOG = "postgres:dbname=papers host=db.lan port=5433 user=team password='s3 cret'"


@pytest.fixture
def settings(monkeypatch):
    for name in (LAKE_CATALOG_ENV, LAKE_DATA_ENV):
        monkeypatch.setenv(name, "")  # recorded, so what the CLI sets is undone after
        monkeypatch.delenv(name)

    def set_to(catalog: str | None = None, data: str | None = None) -> None:
        for name, value in ((LAKE_CATALOG_ENV, catalog), (LAKE_DATA_ENV, data)):
            if value is not None:
                monkeypatch.setenv(name, value)
    return set_to


def test_unset_the_lake_is_the_data_dir_s_own(settings, tmp_path):
    location = lake_location(tmp_path / "lake")
    assert not location.shared
    assert location.catalog_file == tmp_path / "lake" / "catalog.ducklake"
    assert location.data_path == f"{tmp_path / 'lake' / 'files'}/"


def test_a_postgres_catalog_and_a_shared_path_share_the_lake(settings, tmp_path):
    settings(TEAM_CATALOG, "/mnt/papers-lake")
    location = lake_location(tmp_path / "lake")
    assert location.shared and location.catalog_file is None
    assert location.data_path == "/mnt/papers-lake/"
    assert location.describe() == "PostgreSQL database papers on host db.lan port 5433 as team"
    assert "cret" not in location.describe()


@pytest.mark.parametrize(("catalog", "data", "said"), [
    (TEAM_CATALOG, None, "PAPERS_WAREHOUSE_LAKE_DATA (--lake-data) is not"),
    (None, "/mnt/papers-lake", "is set without PAPERS_WAREHOUSE_LAKE_CATALOG"),
    ("sqlite:/mnt/lake.sqlite", "/mnt/papers-lake", "is a PostgreSQL database"),
    (TEAM_CATALOG, "papers-lake", "must be an absolute path"),
])
def test_settings_that_cannot_work_are_refused_with_what_to_give(settings, tmp_path, catalog,
                                                                  data, said):
    settings(catalog, data)
    with pytest.raises(LakeSettingError, match=said.replace("(", r"\(").replace(")", r"\)")):
        lake_location(tmp_path / "lake")


def test_the_cli_refuses_them_before_it_starts_a_build(settings, tmp_path, capsys):
    data_dir = tmp_path / "data"
    assert main(["build", "--data-dir", str(data_dir), "--lake-catalog", TEAM_CATALOG]) == 2
    assert "needs the directory every machine writes its data files to" in \
        capsys.readouterr().err
    assert not Path(data_dir).exists()

