"""Raw files into the lake, incrementally: only files whose bytes or scrape time changed."""

import hashlib
import itertools
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from dagster_project.arxiv_snapshot import is_arxiv_snapshot, iter_arxiv_lines
from dagster_project.decoding import Undecodable, decode
from dagster_project.formats import ParsedFile, parse_raw_text
from dagster_project.lake import Lake, LakeEntry
from dagster_project.raw_files import (
    SidecarError,
    list_raw_files,
    scrape_time,
    sha256_of,
    sidecar_for,
)
from dagster_project.schema import LISTING_SCHEMA, REJECT_SCHEMA
from dagster_project.text_page import Reject

log = logging.getLogger(__name__)

MANIFEST_SAVE_EVERY = 500
STREAM_FROM_BYTES = 64 * 2**20  # larger snapshots are parsed line by line from disk
HEAD_BYTES = 64 * 2**10
HASH_CHUNK_BYTES = 2**20
BATCH_ROWS = 50_000
PARALLEL_FROM_FILES = 200  # below this, starting worker processes costs more than it saves

Progress = Callable[[int, int, str], None]


@dataclass
class IngestReport:
    files_seen: int = 0
    files_parsed: list[str] = field(default_factory=list)
    records_written: int = 0
    rejects_written: int = 0
    files_rejected: list[str] = field(default_factory=list)  # no listing could be read
    problems: list[str] = field(default_factory=list)  # one line per reject, file:line: reason
    removed_debris: int = 0


def ingest(raw_dir: Path, lake: Lake, progress: Progress | None = None,
           workers: int | None = None) -> IngestReport:
    """Parse the new and changed raw files into the lake, in parallel when there are many."""
    lake.ensure_layout()
    entries = lake.read_manifest()
    report = IngestReport(removed_debris=len(lake.remove_unreferenced(entries)))
    files = list_raw_files(raw_dir)
    report.files_seen = len(files)
    ingested_at = datetime.now(UTC)
    jobs = []
    for path in files:
        key = path.relative_to(raw_dir).as_posix()
        old, signature = entries.get(key), _stat_signature(path)
        if old is None or _signature_of(old) != signature:
            jobs.append(IngestJob(path, key, lake, signature, ingested_at, old))
    for number, (job, entry, problems) in enumerate(_run(jobs, workers), start=1):
        if progress:
            progress(number, len(jobs), job.key)
        report.problems.extend(problems)
        entries[job.key] = entry
        if job.old is None or entry.file_id != job.old.file_id:
            report.files_parsed.append(job.key)
            report.records_written += entry.records
            report.rejects_written += entry.rejects
            if entry.records == 0 and entry.rejects:
                report.files_rejected.append(job.key)
            if job.old is not None and not _still_named(job.old, entries):
                lake.remove(job.old.file_id)
        if number % MANIFEST_SAVE_EVERY == 0:  # an interrupted build keeps its progress
            lake.write_manifest(entries)
    lake.write_manifest(entries)
    return report


@dataclass(frozen=True)
class IngestJob:
    path: Path
    key: str
    lake: Lake
    signature: tuple
    ingested_at: datetime
    old: LakeEntry | None


def _run(jobs: list[IngestJob], workers: int | None) -> Iterator[tuple]:
    """Results in job order; a process per core once there are enough files to pay for it."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) < PARALLEL_FROM_FILES:
        for job in jobs:
            yield (job, *_ingest_job(job))
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for job, result in zip(jobs, pool.map(_ingest_job, jobs, chunksize=32), strict=True):
            yield (job, *result)


def _ingest_job(job: IngestJob) -> tuple[LakeEntry, list[str]]:
    return ingest_file(job.path, job.key, job.lake, job.signature, job.ingested_at, job.old)


def forget(raw_key: str, lake: Lake) -> LakeEntry | None:
    """Remove one raw file's rows from the lake (the lake otherwise keeps vanished files)."""
    entries = lake.read_manifest()
    entry = entries.pop(raw_key, None)
    if entry is not None:
        if not _still_named(entry, entries):
            lake.remove(entry.file_id)
        lake.write_manifest(entries)
        log.warning("forgot %s: removed its %d listings and %d rejects from the lake",
                    raw_key, entry.records, entry.rejects)
    return entry


def ingest_file(path: Path, key: str, lake: Lake, signature: tuple, ingested_at: datetime,
                old: LakeEntry | None) -> tuple[LakeEntry, list[str]]:
    """Parse one raw file and write its lake files; bad content becomes reject rows.

    Returns the manifest entry and one message per reject, for the caller to log.
    """
    try:
        sha256 = _file_sha256(path)
        scraped_at = scrape_time(path)
    except OSError as problem:
        sha256, scraped_at = sha256_of(key.encode()), ingested_at
        parsed = _whole_file_reject(f"unreadable: {problem.strerror}; check its permissions")
    except SidecarError as problem:
        scraped_at = ingested_at
        parsed = _whole_file_reject(f"bad sidecar: {problem}")
    else:
        parsed = None
    file_id = f"{sha256}_{scraped_at:%Y%m%dT%H%M%S%f}"
    if old is not None and old.file_id == file_id:
        return _with_signature(old, signature), []  # touched, not changed
    if parsed is None:
        parsed = _parse_file(path, scraped_at, size=signature[0])
    provenance = {"source_file": key, "source_sha256": sha256,
                  "source_format": parsed.source_format, "ingested_at": ingested_at}
    # Listings first: a streamed file's rejects are only complete once its records are read.
    records = lake.write_listings(file_id, _listing_batches(parsed.records, provenance,
                                                            scraped_at))
    lake.write_rejects(file_id, _rejects_table(parsed.rejects, provenance))
    problems = [f"rejected {key}{f':{r.line_number}' if r.line_number else ''}: {r.reason}"
                for r in parsed.rejects]
    size, mtime_ns, ctime_ns, sidecar_mtime_ns = signature
    return LakeEntry(
        sha256=sha256, scraped_at=scraped_at.isoformat(), file_id=file_id, size=size,
        mtime_ns=mtime_ns, ctime_ns=ctime_ns, sidecar_mtime_ns=sidecar_mtime_ns,
        source_format=parsed.source_format, records=records,
        rejects=len(parsed.rejects), ingested_at=ingested_at.isoformat(),
    ), problems


def _parse_file(path: Path, scraped_at: datetime, size: int) -> ParsedFile:
    """A whole page in memory; a large arXiv snapshot streamed line by line from disk."""
    if size >= STREAM_FROM_BYTES:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES).decode("utf-8", errors="ignore")
        if is_arxiv_snapshot(head):
            rejects: list[Reject] = []
            lines = _decoded_lines(path, rejects)
            records = (entry for entry in iter_arxiv_lines(lines, scraped_at.date())
                       if not isinstance(entry, Reject) or rejects.append(entry))
            return ParsedFile("arxiv_snapshot", records, rejects)
    decoded = decode(path.read_bytes())
    if isinstance(decoded, Undecodable):
        return ParsedFile(None, rejects=[Reject(decoded.line_number, decoded.reason,
                                                decoded.snippet)])
    return parse_raw_text(decoded, scraped_at)


def _decoded_lines(path: Path, rejects: list[Reject]) -> Iterator[tuple[int, str]]:
    with open(path, "rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError as problem:
                rejects.append(Reject(number, f"not UTF-8: byte 0x{raw_line[problem.start]:02x}"
                                      " in this line", raw_line[:200].decode("utf-8", "replace")))
                continue
            yield number, line.removeprefix("\ufeff") if number == 1 else line


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _whole_file_reject(reason: str) -> ParsedFile:
    return ParsedFile(None, rejects=[Reject(None, reason, "")])


def _listing_batches(records: Iterable[dict], provenance: dict,
                     scraped_at: datetime) -> Iterator[pa.Table]:
    """Arrow tables of at most BATCH_ROWS rows, so memory stays bounded whatever the file."""
    extra = {**provenance, "scraped_at": scraped_at}
    records = iter(records)
    while batch := list(itertools.islice(records, BATCH_ROWS)):
        yield pa.Table.from_pylist([{**record, **extra} for record in batch],
                                   schema=LISTING_SCHEMA)


def _rejects_table(rejects: list[Reject], provenance: dict) -> pa.Table:
    rows = [{"line_number": r.line_number, "reason": r.reason, "snippet": r.snippet,
             **provenance} for r in rejects]
    return pa.Table.from_pylist(rows, schema=REJECT_SCHEMA)


def _stat_signature(path: Path) -> tuple:
    """Cheap change detection: a file whose stat is unchanged is not re-read or re-hashed."""
    stat = path.stat()
    sidecar = sidecar_for(path)
    sidecar_mtime = sidecar.stat().st_mtime_ns if sidecar else None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, sidecar_mtime)


def _signature_of(entry: LakeEntry) -> tuple:
    return (entry.size, entry.mtime_ns, entry.ctime_ns, entry.sidecar_mtime_ns)


def _with_signature(entry: LakeEntry, signature: tuple) -> LakeEntry:
    size, mtime_ns, ctime_ns, sidecar_mtime_ns = signature
    return LakeEntry(**{**entry.__dict__, "size": size, "mtime_ns": mtime_ns,
                        "ctime_ns": ctime_ns, "sidecar_mtime_ns": sidecar_mtime_ns})


def _still_named(entry: LakeEntry, entries: dict[str, LakeEntry]) -> bool:
    return any(other.file_id == entry.file_id for other in entries.values())
