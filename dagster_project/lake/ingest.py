"""Raw files into the lake, incrementally, in one commit per build.

A raw file is read again only when its stat changed (then by content hash and scrape time),
or when the parser that read it has a new version (raw/formats.py PARSER_VERSIONS). Files
are parsed in worker processes once there are enough to pay for starting them; a large
arXiv snapshot is split at line boundaries into chunks that the workers parse side by side.
Results come back in order, at most a few in flight, and go into the build's buffered
inserts: memory stays bounded whatever the corpus.
"""

import itertools
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from dagster_project import faults
from dagster_project.lake import catalog
from dagster_project.lake.commit import LakeBuild, retried_on_conflict
from dagster_project.lake.compaction import compact_if_needed, delete_orphaned_files
from dagster_project.lake.data_files import file_signatures, refuse_damaged
from dagster_project.lake.migration import MigrationReport, migrate_parquet_lake
from dagster_project.lake.origin import Origin, origin
from dagster_project.lake.tables import (
    LakeTotals,
    RawFileEntry,
    ensure_tables,
    lake_totals,
    read_raw_files,
)
from dagster_project.raw.arxiv_snapshot import (
    ChunkTask,
    is_large_snapshot,
    line_aligned_chunks,
    parse_chunk,
)
from dagster_project.raw.decoding import Undecodable, decode
from dagster_project.raw.files import (
    ScrapeTimeError,
    SidecarError,
    file_sha256,
    link_signature,
    list_raw_files,
    raw_key,
    refusal,
    scrape_time,
    sha256_of,
    signature_now,
    stat_signature,
)
from dagster_project.raw.formats import ParsedFile, parse_raw_text, parser_version
from dagster_project.raw.listing_record import NO_PAPERS
from dagster_project.raw.schema import LISTING_SCHEMA, REJECT_SCHEMA
from dagster_project.raw.storable import storable, storable_reject
from dagster_project.raw.text_page import Reject

log = logging.getLogger(__name__)

BATCH_ROWS = 50_000
PARALLEL_FROM_FILES = 200  # below this, starting worker processes costs more than it saves
IN_FLIGHT_PER_WORKER = 4  # results waiting to be committed, at most

Progress = Callable[[int, int, str], None]


@dataclass
class IngestReport:
    files_seen: int = 0
    files_parsed: list[str] = field(default_factory=list)
    records_written: int = 0
    rejects_written: int = 0
    files_rejected: list[str] = field(default_factory=list)  # no listing could be read
    files_without_papers: list[str] = field(default_factory=list)  # a no-data marker, or []
    problems: list[str] = field(default_factory=list)  # one line per reject, file:line: reason
    removed_debris: int = 0  # data files of an interrupted build, deleted
    migrated: MigrationReport | None = None
    lake_build: int | None = None  # the build committed, None if nothing changed
    compacted: bool = False
    totals: LakeTotals | None = None  # what the whole lake holds after this build
    # Raw files the lake holds rows of that are no longer in raw/ (their rows stay).
    files_gone: dict[str, int] = field(default_factory=dict)  # source_file → listings
    data_files: list[list] = field(default_factory=list)  # [path, size] the catalog names
    commit_conflicts: int = 0  # a shared lake: commits another writer's overtook, retried


@dataclass(frozen=True)
class FileTask:
    """One raw file to read: where, what the lake knew of it, and its stat now."""

    path: Path
    key: str
    signature: tuple
    ingested_at: datetime
    old: RawFileEntry | None
    refused: str | None = None  # why it is not read at all (a link out of raw/, a bad name)


@dataclass
class FileResult:
    entry: RawFileEntry
    listings: list[pa.Table]
    rejects: pa.Table
    problems: list[str]
    changed: bool  # False: same bytes, scrape time and parser; only its stat is new
    # Why the rows read must not be committed (the file changed while it was read), if so.
    unsettled: str | None = None


def ingest(raw_dir: Path, lake_dir: Path, progress: Progress | None = None,
           workers: int | None = None, temp_dir: Path | None = None) -> IngestReport:
    """Parse the new and changed raw files into the lake, in one commit. In a shared lake
    another writer's commit may overtake this one: then the raw files are read again
    against it, and committed again."""
    report, report.commit_conflicts = retried_on_conflict(
        lambda: _ingest_once(raw_dir, lake_dir, progress, workers, temp_dir))
    return report


def _ingest_once(raw_dir: Path, lake_dir: Path, progress: Progress | None,
                 workers: int | None, temp_dir: Path | None) -> IngestReport:
    report = IngestReport()
    shared = catalog.lake_location(lake_dir).shared
    with catalog.connect(lake_dir, temp_dir) as connection:
        ensure_tables(connection)
        refuse_damaged(connection, lake_dir, raw_dir)
        report.removed_debris = delete_orphaned_files(connection, shared)
        report.migrated = migrate_parquet_lake(connection, lake_dir)
        ours = origin(lake_dir)  # a shared lake's other writers' files are theirs to keep
        known = {key: entry for key, entry in read_raw_files(connection).items()
                 if ours.owns(key)}
        files = list_raw_files(raw_dir)
        report.files_seen = len(files)
        listed = {ours.key(raw_key(path, raw_dir)) for path in files}
        report.files_gone = {key: entry.records for key, entry in sorted(known.items())
                             if key not in listed}
        tasks = _tasks(files, raw_dir, ours, known, datetime.now(UTC))
        build = LakeBuild(connection)
        for number, (task, result) in enumerate(_read_all(tasks, workers), start=1):
            _add(build, result, report)
            faults.inject("parse")
            if progress:
                progress(number, len(tasks), task.key)
        report.lake_build = build.commit({"files parsed": len(report.files_parsed),
                                          "listings": report.records_written,
                                          "rejects": report.rejects_written})
        if report.lake_build is not None:
            report.compacted = compact_if_needed(connection, shared)
        report.totals = lake_totals(connection)
        report.data_files = file_signatures(connection)
    return report


def forget(path: str, lake_dir: Path, raw_dir: Path) -> RawFileEntry | None:
    """Delete the rows of this data dir's raw file at `path` (under raw/) from the lake,
    which otherwise keeps vanished files' rows; in a shared lake, for every data dir."""
    if not catalog.exists(lake_dir):
        return None
    key = origin(lake_dir).key(path)
    entry, _ = retried_on_conflict(lambda: _forget_once(key, lake_dir, raw_dir))
    if entry is not None:
        log.warning("forgot %s: deleted its %d listings and %d rejects from the lake",
                    key, entry.records, entry.rejects)
    return entry


def _forget_once(key: str, lake_dir: Path, raw_dir: Path) -> RawFileEntry | None:
    with catalog.connect(lake_dir) as connection:
        ensure_tables(connection)
        refuse_damaged(connection, lake_dir, raw_dir)
        entry = read_raw_files(connection).get(key)
        if entry is None:
            return None
        build = LakeBuild(connection)
        build.forget(key)
        build.commit({"forgot": key})
    return entry


def is_current(entry: RawFileEntry, signature: tuple) -> bool:
    """The lake holds what today's parsers read from these bytes: nothing to do."""
    return (entry.signature == signature
            and entry.parser_version == parser_version(entry.source_format))


def _tasks(files: list[Path], raw_dir: Path, ours: Origin, known: dict[str, RawFileEntry],
           ingested_at: datetime) -> list[FileTask]:
    tasks = []
    for path in files:
        key, refused = ours.key(raw_key(path, raw_dir)), refusal(path, raw_dir)
        try:
            signature = stat_signature(path) if refused is None else link_signature(path)
        except FileNotFoundError:
            continue  # gone since it was listed: the lake keeps what it had of it
        old = known.get(key)
        if old is None or not is_current(old, signature):
            tasks.append(FileTask(path, key, signature, ingested_at, old, refused))
    return tasks


def _add(build: LakeBuild, result: FileResult, report: IngestReport) -> None:
    if not result.changed:
        build.update_entry(result.entry)
        return
    for table in result.listings:  # first: a large snapshot's entry is complete after it
        build.add_rows("listings", table)
    if result.unsettled:  # its earlier rows and entry stay; the next build reads it again
        build.discard_rows(result.entry.source_file)
        report.problems.append(f"not read {result.entry.source_file}: {result.unsettled}")
        return
    build.add_rows("rejects", result.rejects)
    build.put_file(result.entry)
    report.problems.extend(result.problems)
    report.files_parsed.append(result.entry.source_file)
    report.records_written += result.entry.records
    report.rejects_written += result.entry.rejects
    if result.entry.records == 0 and result.entry.rejects:
        reasons = result.rejects.column("reason").to_pylist()
        no_papers = len(reasons) == 1 and reasons[0].startswith(NO_PAPERS)
        (report.files_without_papers if no_papers
         else report.files_rejected).append(result.entry.source_file)


# --- reading files, in worker processes ----------------------------------------------------

def _read_all(tasks: list[FileTask],
              workers: int | None) -> Iterator[tuple[FileTask, FileResult]]:
    """(task, result) for every task: the small files in task order, one task each, in a pool
    once there are many; then each large arXiv snapshot, its chunks in the pool."""
    workers = workers or os.cpu_count() or 1
    small, large = [], []
    for task in tasks:
        (large if is_large_snapshot(task.path, task.signature[0]) else small).append(task)
    if workers == 1 or (len(small) < PARALLEL_FROM_FILES and not large):
        yield from zip(small, map(read_raw_file, small), strict=True)
        for task in large:
            yield task, _read_large_snapshot(task, None)
        return
    context = multiprocessing.get_context("forkserver")
    in_flight = workers * IN_FLIGHT_PER_WORKER
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from zip(small, _bounded_map(pool, read_raw_file, small, in_flight), strict=True)
        for task in large:
            yield task, _read_large_snapshot(task, pool, in_flight)


def _bounded_map(pool: Executor, function: Callable, items: Iterable,
                 in_flight: int) -> Iterator:
    """pool.map in order, with at most `in_flight` results held: workers never run far
    ahead of the commit and fill memory with parsed rows."""
    pending: deque = deque()
    for item in items:
        pending.append(pool.submit(function, item))
        if len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def read_raw_file(task: FileTask) -> FileResult:
    """Read one raw file whole: its entry, its listings and rejects as Arrow tables. Its
    bytes are read once, so the hash is of exactly what was parsed (a file being written
    meanwhile is read whole, as it was, or seen as changed by the next build)."""
    if task.refused:
        return _whole_file_rejected(task, task.refused)
    try:
        content = task.path.read_bytes()
    except OSError as problem:
        return _whole_file_rejected(task, f"unreadable: {problem.strerror}; "
                                    "check its permissions")
    sha256 = sha256_of(content)
    try:
        scraped_at = scrape_time(task.path)
    except SidecarError as problem:
        return _whole_file_rejected(task, f"bad sidecar: {problem}", sha256=sha256)
    except ScrapeTimeError as problem:
        return _whole_file_rejected(task, str(problem), sha256=sha256)
    except OSError as problem:
        return _whole_file_rejected(task, f"unreadable: {problem.strerror}", sha256=sha256)
    if _same_as_in_lake(task.old, sha256, scraped_at):
        return FileResult(_with_signature(task.old, task.signature), [], _no_rejects(), [],
                          False)
    try:
        parsed = _parse_content(content, scraped_at)
    except RecursionError:
        return _whole_file_rejected(task, "nested too deeply to read (JSON or markup nested "
                                    "hundreds of levels): not a page", sha256=sha256)
    except Exception as problem:  # noqa: BLE001 - one file's surprise never stops the rest
        return _whole_file_rejected(task, f"could not be parsed ({type(problem).__name__}: "
                                    f"{problem}); this is a bug, please report it",
                                    sha256=sha256)
    records, refused = storable(parsed.records)
    rejects = sorted([*parsed.rejects, *refused], key=lambda r: r.line_number or 0)
    return _result(task, sha256, scraped_at, parsed.source_format,
                   list(_listing_batches(records, task, sha256, parsed.source_format,
                                         scraped_at)),
                   rejects)


def _parse_content(content: bytes, scraped_at: datetime) -> ParsedFile:
    decoded = decode(content)
    if isinstance(decoded, Undecodable):
        return ParsedFile(None, rejects=[Reject(decoded.line_number, decoded.reason,
                                                decoded.snippet)])
    return parse_raw_text(decoded, scraped_at)


def _result(task: FileTask, sha256: str, scraped_at: datetime, source_format: str | None,
            listings: list[pa.Table], rejects: list[Reject]) -> FileResult:
    size, mtime_ns, ctime_ns, sidecar_mtime_ns = task.signature
    entry = RawFileEntry(
        source_file=task.key, source_sha256=sha256, scraped_at=scraped_at, size=size,
        mtime_ns=mtime_ns, ctime_ns=ctime_ns, sidecar_mtime_ns=sidecar_mtime_ns,
        source_format=source_format, parser_version=parser_version(source_format),
        records=sum(table.num_rows for table in listings), rejects=len(rejects),
        ingested_at=task.ingested_at, lake_build=0,  # numbered by the build that commits it
    )
    provenance = {"source_file": task.key, "source_sha256": sha256,
                  "source_format": source_format, "ingested_at": task.ingested_at}
    problems = [f"rejected {task.key}{f':{r.line_number}' if r.line_number else ''}: "
                f"{r.reason}" for r in rejects]
    return FileResult(entry, listings, _rejects_table(rejects, provenance), problems, True)


def _whole_file_rejected(task: FileTask, reason: str, sha256: str | None = None) -> FileResult:
    # An unreadable file has no content hash: its name's hash stands in.
    sha256 = sha256 or sha256_of(task.key.encode())
    return _result(task, sha256, task.ingested_at, None, [], [Reject(None, reason, "")])


# --- large arXiv snapshots, in chunks -------------------------------------------------------

def _read_large_snapshot(task: FileTask, pool: Executor | None,
                         in_flight: int = 1) -> FileResult:
    """One large snapshot: chunks parsed (in the pool when there is one) and renumbered so
    line_number and record_index are what a single pass over the file gives. Its listings
    are a generator, consumed by the commit batch by batch; the entry and the rejects are
    complete once it is exhausted."""
    try:
        sha256, scraped_at = file_sha256(task.path), scrape_time(task.path)
    except FileNotFoundError:
        return _whole_file_rejected(task, "vanished while the build read it; its earlier "
                                    "rows, if any, are kept")
    except ScrapeTimeError as problem:
        return _whole_file_rejected(task, str(problem))
    if _same_as_in_lake(task.old, sha256, scraped_at):
        return FileResult(_with_signature(task.old, task.signature), [], _no_rejects(), [],
                          False)
    result = _result(task, sha256, scraped_at, "arxiv_snapshot", [], [])
    result.listings = _large_snapshot_listings(task, result, pool, in_flight)
    return result


def _large_snapshot_listings(task: FileTask, result: FileResult, pool: Executor | None,
                             in_flight: int) -> Iterator[pa.Table]:
    scraped_at, sha256 = result.entry.scraped_at, result.entry.source_sha256
    chunks = [ChunkTask(task.path, start, end, scraped_at)
              for start, end in line_aligned_chunks(task.path)]
    parsed = (_bounded_map(pool, parse_chunk, chunks, in_flight) if pool
              else map(parse_chunk, chunks))
    rejects, records, lines_before, records_before = [], 0, 0, 0
    for chunk in parsed:
        for batch in _listing_batches(chunk.records, task, sha256, "arxiv_snapshot",
                                      scraped_at):
            records += batch.num_rows
            yield _shifted(batch, lines_before, records_before)
        rejects.extend(replace(reject, line_number=reject.line_number + lines_before)
                       if reject.line_number else reject for reject in chunk.rejects)
        lines_before += chunk.lines
        records_before += chunk.records_seen
    final = _result(task, sha256, scraped_at, "arxiv_snapshot", [], rejects)
    result.entry = replace(final.entry, records=records)
    result.rejects, result.problems = final.rejects, final.problems
    # The chunks were read one by one, after the hash: a write in between would mix old and
    # new bytes under the old hash. Any write changes the stat (ctime at least).
    if signature_now(task.path) != task.signature:
        result.unsettled = ("it changed while this build read it (the rows read are "
                            "discarded; the next build reads it again)")


def _shifted(batch: pa.Table, lines_before: int, records_before: int) -> pa.Table:
    for column, offset in (("line_number", lines_before), ("record_index", records_before)):
        position = batch.schema.get_field_index(column)
        shifted = pc.add(batch.column(column), pa.scalar(offset, pa.int32()))
        batch = batch.set_column(position, LISTING_SCHEMA.field(column), shifted)
    return batch


# --- rows and entries -----------------------------------------------------------------------

def _listing_batches(records: Iterable[dict], task: FileTask, sha256: str,
                     source_format: str | None, scraped_at: datetime) -> Iterator[pa.Table]:
    """Arrow tables of at most BATCH_ROWS rows each."""
    extra = {"source_file": task.key, "source_sha256": sha256, "source_format": source_format,
             "ingested_at": task.ingested_at, "scraped_at": scraped_at}
    records = iter(records)
    while batch := list(itertools.islice(records, BATCH_ROWS)):
        yield pa.Table.from_pylist([{**record, **extra} for record in batch],
                                   schema=LISTING_SCHEMA)


def _rejects_table(rejects: list[Reject], provenance: dict) -> pa.Table:
    rows = [{"line_number": r.line_number, "reason": r.reason, "snippet": r.snippet,
             **provenance} for r in map(storable_reject, rejects)]
    return pa.Table.from_pylist(rows, schema=REJECT_SCHEMA)


def _no_rejects() -> pa.Table:
    return REJECT_SCHEMA.empty_table()


def _same_as_in_lake(old: RawFileEntry | None, sha256: str, scraped_at: datetime) -> bool:
    """Touched, not changed: the same bytes and scrape time, read by today's parser."""
    return (old is not None and old.source_sha256 == sha256 and old.scraped_at == scraped_at
            and old.parser_version == parser_version(old.source_format))


def _with_signature(entry: RawFileEntry, signature: tuple) -> RawFileEntry:
    size, mtime_ns, ctime_ns, sidecar_mtime_ns = signature
    return replace(entry, size=size, mtime_ns=mtime_ns, ctime_ns=ctime_ns,
                   sidecar_mtime_ns=sidecar_mtime_ns)
