"""The lake: one Parquet file of listings and one of rejects per raw file, plus a manifest.

Files are named by the raw file's content hash and scrape time, so re-ingesting the same
bytes writes nothing new. The manifest maps each raw path to its lake files; anything in
the lake that the manifest does not name is debris of an interrupted build and is removed.
"""

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dagster_project.schema import LISTING_SCHEMA, REJECT_SCHEMA

EMPTY_FILE = "_empty.parquet"  # keeps the dbt source glob from matching nothing


@dataclass(frozen=True)
class LakeEntry:
    """What the lake holds for one raw file."""

    sha256: str
    scraped_at: str  # ISO-8601
    file_id: str  # the stem of its Parquet files
    size: int
    mtime_ns: int
    ctime_ns: int
    sidecar_mtime_ns: int | None
    source_format: str | None
    records: int
    rejects: int
    ingested_at: str


class Lake:
    def __init__(self, lake_dir: Path):
        self.root = lake_dir
        self.listings_dir = lake_dir / "listings"
        self.rejects_dir = lake_dir / "rejects"
        self.manifest_path = lake_dir / "manifest.json"
        # Lake files whose listings passed the raw quality suite: each is validated once.
        self.validated_path = lake_dir / "validated.json"

    def ensure_layout(self) -> None:
        for directory, schema in ((self.listings_dir, LISTING_SCHEMA),
                                  (self.rejects_dir, REJECT_SCHEMA)):
            directory.mkdir(parents=True, exist_ok=True)
            empty = directory / EMPTY_FILE
            if not empty.exists():
                pq.write_table(schema.empty_table(), empty)

    def read_manifest(self) -> dict[str, LakeEntry]:
        if not self.manifest_path.exists():
            return {}
        raw = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        return {path: LakeEntry(**entry) for path, entry in raw["files"].items()}

    def write_manifest(self, entries: dict[str, LakeEntry]) -> None:
        payload = {"files": {path: asdict(entry) for path, entry in sorted(entries.items())}}
        _write_json(self.manifest_path, payload)

    def read_validated(self) -> set[str]:
        if not self.validated_path.exists():
            return set()
        return set(json.loads(self.validated_path.read_text(encoding="utf-8"))["file_ids"])

    def write_validated(self, file_ids: set[str]) -> None:
        _write_json(self.validated_path, {"file_ids": sorted(file_ids)})

    def listings_file(self, file_id: str) -> Path:
        return self.listings_dir / f"{file_id}.parquet"

    def rejects_file(self, file_id: str) -> Path:
        return self.rejects_dir / f"{file_id}.parquet"

    def write_listings(self, file_id: str, batches: Iterable[pa.Table]) -> int:
        """Stream batches into one Parquet file; returns the rows written."""
        target, rows = self.listings_file(file_id), 0
        temporary = _temporary(target)
        # Snappy without dictionaries: small files, written twice as fast as zstd.
        with pq.ParquetWriter(temporary, LISTING_SCHEMA, compression="snappy",
                              use_dictionary=False) as writer:
            for batch in batches:
                writer.write_table(batch)
                rows += batch.num_rows
        _settle(temporary, target, keep=rows > 0)
        return rows

    def write_rejects(self, file_id: str, rejects: pa.Table) -> None:
        target = self.rejects_file(file_id)
        temporary = _temporary(target)
        pq.write_table(rejects, temporary, compression="snappy", use_dictionary=False)
        _settle(temporary, target, keep=rejects.num_rows > 0)

    def remove(self, file_id: str) -> None:
        self.listings_file(file_id).unlink(missing_ok=True)
        self.rejects_file(file_id).unlink(missing_ok=True)

    def remove_unreferenced(self, entries: dict[str, LakeEntry]) -> list[Path]:
        """Delete lake files no manifest entry names (left by an interrupted build)."""
        referenced = {entry.file_id for entry in entries.values()}
        removed = []
        for directory in (self.listings_dir, self.rejects_dir):
            for path in directory.glob("*.parquet*"):
                if path.name != EMPTY_FILE and path.name.split(".")[0] not in referenced:
                    path.unlink()
                    removed.append(path)
        return removed


def _temporary(target: Path) -> Path:
    """A per-process name beside the target: a crash never leaves half a lake file."""
    return target.with_name(f"{target.name}.{os.getpid()}.tmp")


def _settle(temporary: Path, target: Path, keep: bool) -> None:
    if keep:
        os.replace(temporary, target)
    else:  # nothing to say: no file, so the lake holds no empty files per raw file
        temporary.unlink()
        target.unlink(missing_ok=True)


def _write_json(path: Path, payload: dict) -> None:
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    os.replace(temporary, path)
