"""Where a data dir's lake lives: its DuckLake catalog and its data files.

By default both are local, under DIR/lake (catalog.ducklake, a DuckDB file, and files/):
one writer, the build of that data dir. A team shares one lake instead by putting its
catalog on PostgreSQL and its data files on a path every machine mounts:

    PAPERS_WAREHOUSE_LAKE_CATALOG=postgres:dbname=papers host=db.lan user=papers
    PAPERS_WAREHOUSE_LAKE_DATA=/mnt/papers-lake/

(`--lake-catalog` / `--lake-data` on the CLI set the same). DuckLake itself then lets many
DuckDB clients commit to the one lake; nothing here syncs anything.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

from dagster_project.settings import LAKE_CATALOG_ENV, LAKE_DATA_ENV

CATALOG_FILE = "catalog.ducklake"
DATA_FILES_DIR = "files"
POSTGRES = "postgres:"
# libpq's key=value connection string: values bare or single-quoted.
CONNINFO_PAIR = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")


CATALOG_SETTING = f"{LAKE_CATALOG_ENV} (--lake-catalog)"
DATA_SETTING = f"{LAKE_DATA_ENV} (--lake-data)"


class LakeSettingError(ValueError):
    """The lake settings cannot work; the message names the setting and what to give."""


@dataclass(frozen=True)
class LakeLocation:
    catalog: str  # what follows "ducklake:" in the ATTACH: a DuckDB file, or postgres:...
    data_path: str  # the data files' directory, ending in "/"

    @property
    def shared(self) -> bool:
        """The catalog is a PostgreSQL database that several data dirs may write to."""
        return self.catalog.startswith(POSTGRES)

    @property
    def catalog_file(self) -> Path | None:
        return None if self.shared else Path(self.catalog)

    def describe(self) -> str:
        """The catalog for messages: its file, or its PostgreSQL database (no password)."""
        if not self.shared:
            return self.catalog
        settings = self.conninfo()
        database = settings.get("dbname", "(libpq's default database)")
        port = f" port {settings['port']}" if "port" in settings else ""
        user = f" as {settings['user']}" if "user" in settings else ""
        return f"PostgreSQL database {database} on host {self.host()}{port}{user}"

    def host(self) -> str:
        """The PostgreSQL host as libpq would pick it (PGHOST, else the local socket)."""
        return self.conninfo().get("host") or os.environ.get("PGHOST") or "localhost"

    def conninfo(self) -> dict[str, str]:
        pairs = CONNINFO_PAIR.findall(self.catalog.removeprefix(POSTGRES))
        return {key: value.strip("'") for key, value in pairs}


def lake_location(lake_dir: Path) -> LakeLocation:
    """The lake of the data dir whose lake/ is lake_dir, as the settings say."""
    catalog = os.environ.get(LAKE_CATALOG_ENV, "").strip()
    data = os.environ.get(LAKE_DATA_ENV, "").strip()
    if not catalog:
        if data:
            raise LakeSettingError(
                f"{DATA_SETTING} = {data} is set without {CATALOG_SETTING}: a local lake "
                f"keeps its data files in {lake_dir / DATA_FILES_DIR}. Set both to share a "
                "lake, or neither")
        return LakeLocation(str(lake_dir / CATALOG_FILE), f"{lake_dir / DATA_FILES_DIR}/")
    if not catalog.startswith(POSTGRES):
        raise LakeSettingError(
            f"{CATALOG_SETTING} = {catalog!r}: a shared lake's catalog is a PostgreSQL "
            "database, e.g. 'postgres:dbname=papers host=db.example user=papers' (unset it "
            "for the data dir's own lake)")
    if not data:
        raise LakeSettingError(
            f"{CATALOG_SETTING} is set but {DATA_SETTING} is not: a shared lake needs "
            "the directory every machine writes its data files to (the same path on each)")
    if not Path(data).expanduser().is_absolute():
        raise LakeSettingError(f"{DATA_SETTING} = {data!r} must be an absolute path, the same "
                               "on every machine")
    return LakeLocation(catalog, str(Path(data).expanduser()).rstrip("/") + "/")
