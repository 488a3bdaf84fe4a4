"""The one dbt project handle, and how its manifest is prepared (explicitly, never on import)."""

import sys
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from dagster_project.settings import DBT_PROJECT_DIR

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# The dbt beside this Python, so an unactivated venv (.venv/bin/papers-warehouse) finds it.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


class VenvDbtCliResource(DbtCliResource):
    """The dbt CLI of this venv, run as it is, without dagster-dbt's in-process set-up that
    this project never uses (both are private methods of dagster-dbt 0.29; test_definitions
    fails if they change)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        """The version of the dbt-core package installed beside this Python: dagster-dbt
        otherwise runs `dbt --version` in a process of its own before every command (~2 s
        of dbt's imports, each build)."""
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        """No adapter in this process: dagster-dbt uses it only to fetch row counts and
        column types, which defs/assets/transform.py reads itself once dbt is done, and
        setting it up imports dbt-core's adapter and loads the profile and the project
        (3.2 s in a new process on this machine, 0.8 s again; every CLI build is a new
        process)."""
        return None


def dbt_resource() -> DbtCliResource:
    return VenvDbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)


def prepare_manifest() -> None:
    """Run `dbt parse` so the Dagster definitions can load target/manifest.json."""
    dbt_resource().cli(["parse", "--quiet"], target_path=DBT_PROJECT.target_path).wait()


def manifest_is_stale() -> bool:
    """True when the manifest is missing or older than any file of the dbt project."""
    manifest = DBT_PROJECT.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    project_dir = DBT_PROJECT.project_dir
    sources = [*project_dir.glob("*.yml"),
               *(path for folder in ("models", "macros", "tests")
                 for path in (project_dir / folder).rglob("*") if path.is_file())]
    return any(path.stat().st_mtime > built for path in sources)
