"""`make bench`: the warehouse builds against DuckDB floors and a pandas peer, in one run.

On one generated corpus (bench.generate), measured side by side:

1. floor: DuckDB copying the raw text into one Parquet file (bench.floor);
2. peer: the plain pandas script an analyst would write instead (bench.pandas_peer);
3. full build from an empty lake: `papers-warehouse build --data-dir DIR`;
4. rebuild with nothing new (the same command again);
5. one new page of 50 cards of new papers, then rebuild;
6. median latency of typical BI queries on the published warehouse, opened read-only.

Then, on a generated arXiv metadata snapshot (bench.arxiv_generate) in WORKDIR/arxiv/data:

7. arXiv floor: DuckDB's read_json of the snapshot into one Parquet file (bench.floor);
8. full build from an empty lake of the snapshot alone;
9. `papers-warehouse search "neural network"` on the warehouse it published;
10. one new page of 50 cards beside the snapshot, then rebuild.

First of all, the stack floor: a fresh process doing nothing but importing the stack
(STACK_IMPORTS), median of three — what any build pays at least once, and what a one-page
rebuild is measured against.

Every step but the queries runs as a subprocess: wall time, and peak RSS of the whole process
tree (the sum of the RSS of every descendant, sampled every 50 ms). The warehouses' counts
are checked against the generators' manifests. Results go to WORKDIR/results.json and a
table on stdout. A failed build is reported with the end of its log; the run goes on.

    python -m bench.run [--cards N] [--pages P] [--distinct-share S] [--workdir DIR]
        [--seed S] [--skip-peer] [--arxiv-records N] [--skip-arxiv | --skip-listings]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from bench.arxiv_generate import SNAPSHOT_NAME, generate_snapshot
from bench.generate import DEFAULT_DISTINCT_SHARE, fresh_cards, generate, page_name, write_page

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORKDIR = Path(tempfile.gettempdir()) / "papers-warehouse-bench"
WORKDIR_MARKER = ".papers-warehouse-bench"  # the bench may delete data/ only where it made it
GENERATOR_VERSION = 3  # bump when bench.generate's output changes; stale corpora regenerate
ARXIV_GENERATOR_VERSION = 1  # the same for bench.arxiv_generate
ARXIV_RECORDS = 2_700_000
SEARCH_TERMS = "neural network"
STACK_IMPORTS = "import dagster, dagster_dbt, great_expectations, dbt.cli.main"
STACK_FLOOR_RUNS = 3
NEW_PAGE_CARDS = 50
ARXIV_NEW_PAGE_DAY = date(2026, 1, 2)  # the page added beside the arXiv snapshot
ARXIV_NEW_PAGE_NAME = page_name(ARXIV_NEW_PAGE_DAY, 1)
SAMPLE_SECONDS = 0.05
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
GB = 1024**3

# Issue 19's targets.
TARGETS = {
    "full_build_vs_peer": 1.5,  # × the pandas peer (goal: faster than the peer)
    "incremental_vs_stack_floor": 2.0,  # × the stack floor, at any size (goal: 1.2×)
    "peak_rss_bytes": 4 * GB,  # every listings build step
    "query_median_ms": 100.0,
    "arxiv_build_vs_floor": 8.0,  # × arXiv floor (goal: 4×)
    "arxiv_peak_rss_bytes": 6 * GB,
    "arxiv_search_seconds": 1.0,
}

QUERIES = {
    "daily_counts, one year": "select * from daily_counts where day between ? and ?",
    "top 100 papers by upvotes": "select * from papers order by upvotes desc nulls last limit 100",
    "papers published in a month": (
        "select * from papers where published_date between ? and ? order by published_date"
    ),
    "authors_count": "select * from authors_count",
    "one paper's vote history": (
        "select * from paper_sightings where paper_id = ? order by scraped_at"
    ),
}


class CliMissing(RuntimeError):
    """The papers-warehouse command cannot run, so the build steps cannot be measured."""


@dataclass
class Measurement:
    seconds: float
    peak_rss_bytes: int
    returncode: int
    log: str


# -- measuring a process tree -------------------------------------------------------------


def _processes() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, session id, RSS in bytes) for every process we can read."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue  # exited while we looked
        fields = stat[stat.rindex(b")") + 2 :].split()  # the command name may hold spaces
        table[int(entry.name)] = (int(fields[1]), int(fields[3]), int(fields[21]) * PAGE_SIZE)
    return table


def tree_rss(root: int) -> int:
    """Summed RSS of root, its descendants and anything left in its session."""
    table = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    members, stack = set(), [root]
    while stack:
        pid = stack.pop()
        if pid in table and pid not in members:
            members.add(pid)
            stack.extend(children.get(pid, ()))
    members.update(pid for pid, (_, session, _) in table.items() if session == root)
    return sum(table[pid][2] for pid in members)


def measure(command: list[str], log: Path, env: dict | None = None,
            cwd: Path = REPO_ROOT) -> Measurement:
    """Run command to completion (output to log): wall seconds and peak process-tree RSS."""
    log.parent.mkdir(parents=True, exist_ok=True)
    peak = 0
    with open(log, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                   cwd=cwd, start_new_session=True)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_rss(process.pid))
            time.sleep(SAMPLE_SECONDS)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    # A command over before the first sample: its own peak (in KB; an upper bound, as Linux
    # counts the forked bench's pages until exec).
    peak = peak or usage.ru_maxrss * 1024
    return Measurement(round(seconds, 3), peak, process.returncode, str(log))


def last_json_line(log: str) -> dict:
    for line in reversed(Path(log).read_text(encoding="utf-8", errors="replace").splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON summary in {log}")


def log_tail(log: str, lines: int = 25) -> str:
    text = Path(log).read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


# -- the corpus ---------------------------------------------------------------------------


def prepare_corpus(workdir: Path, cards: int, pages: int, seed: int,
                   distinct_share: float = DEFAULT_DISTINCT_SHARE) -> tuple[dict, bool]:
    """Generate the corpus into WORKDIR/data/raw, or reuse one made with the same settings.
    Everything else under WORKDIR/data (lake, warehouse, the added page) is removed."""
    data_dir, manifest_path = workdir / "data", workdir / "manifest.json"
    raw_dir = data_dir / "raw"
    claim_data_dir(workdir, data_dir)
    wanted = {"cards": cards, "pages": pages, "seed": seed, "distinct_share": distinct_share,
              "version": GENERATOR_VERSION}
    manifest = _manifest_made_with(manifest_path, wanted)
    if manifest is not None:
        new_page = raw_dir / _new_page_name(manifest)
        new_page.unlink(missing_ok=True)
        if len(list(raw_dir.glob("*.txt"))) != manifest["files"]:
            manifest = None
    reused = manifest is not None
    if not reused:
        shutil.rmtree(data_dir, ignore_errors=True)
        manifest = generate(raw_dir, cards=cards, pages=pages, seed=seed,
                            distinct_share=distinct_share)
        manifest["settings"] = wanted
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    empty_build_outputs(data_dir)
    return manifest, reused


def prepare_snapshot(workdir: Path, records: int, seed: int) -> tuple[dict, bool]:
    """Generate the arXiv snapshot into WORKDIR/arxiv/data/raw (its manifest beside data/,
    where no build reads it), or reuse one made with the same settings; the build outputs
    there are removed."""
    arxiv_dir = workdir / "arxiv"
    data_dir, manifest_path = arxiv_dir / "data", arxiv_dir / "manifest.json"
    snapshot = data_dir / "raw" / SNAPSHOT_NAME
    claim_data_dir(workdir, data_dir)
    (data_dir / "raw" / ARXIV_NEW_PAGE_NAME).unlink(missing_ok=True)  # a previous run's
    wanted = {"records": records, "seed": seed, "version": ARXIV_GENERATOR_VERSION}
    manifest = _manifest_made_with(manifest_path, wanted)
    reused = (manifest is not None and snapshot.exists()
              and snapshot.stat().st_size == manifest["bytes"])
    if not reused:
        shutil.rmtree(data_dir, ignore_errors=True)
        manifest = generate_snapshot(snapshot, records, seed, manifest_path)
        manifest["settings"] = wanted
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    empty_build_outputs(data_dir)
    return manifest, reused


def claim_data_dir(workdir: Path, data_dir: Path) -> None:
    """Refuse a data dir the bench did not make: it deletes everything there but raw/."""
    marker = workdir / WORKDIR_MARKER
    if data_dir.exists() and not marker.exists():
        raise SystemExit(f"refusing to use {workdir} as the bench's workdir: its "
                         f"{data_dir.relative_to(workdir)}/ was not made by the bench (the "
                         "bench deletes everything there but raw/)")
    workdir.mkdir(parents=True, exist_ok=True)
    marker.touch()


def _manifest_made_with(path: Path, settings: dict) -> dict | None:
    if not path.exists():
        return None
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return manifest if manifest.get("settings") == settings else None


def empty_build_outputs(data_dir: Path) -> None:
    """Leave only raw/ in the data dir: the next build starts from an empty lake."""
    for entry in data_dir.iterdir():
        if entry.name != "raw":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _new_page_name(manifest: dict) -> str:
    return page_name(_new_page_date(manifest), manifest["files"] + 1)


def _new_page_date(manifest: dict) -> date:
    return date.fromisoformat(manifest["last_scrape"]) + timedelta(days=1)


def add_new_page(raw_dir: Path, manifest: dict, seed: int) -> Path:
    scraped_on = _new_page_date(manifest)
    return write_page(raw_dir / _new_page_name(manifest), scraped_on,
                      fresh_cards(NEW_PAGE_CARDS, scraped_on, seed=seed))


# -- the build ----------------------------------------------------------------------------


def find_cli() -> Path:
    """The papers-warehouse console script, if it is installed and its module exists."""
    script = Path(sys.executable).parent / "papers-warehouse"
    if not script.exists():
        found = shutil.which("papers-warehouse")
        if found is None:
            raise CliMissing(
                f"papers-warehouse is not installed ({script} does not exist and it is not on "
                "PATH): install the project (`make prepare`) to measure the build steps")
        script = Path(found)
    try:
        spec = importlib.util.find_spec("dagster_project.cli")
    except ImportError as problem:
        raise CliMissing(f"{script} exists but dagster_project cannot be imported: "
                         f"{problem}") from problem
    if spec is None:
        raise CliMissing(
            f"{script} exists but its module dagster_project.cli does not: the build steps "
            "cannot run until the CLI is written")
    return script


def build_command(cli: Path, data_dir: Path) -> list[str]:
    return [str(cli), "build", "--data-dir", str(data_dir)]


def build_env(workdir: Path, data_dir: Path) -> dict:
    """A fresh Dagster instance of the bench's own: bench runs stay out of the project's
    instance, and no run history from an earlier bench run survives into the full build."""
    home = workdir / "dagster_home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    return {**os.environ, "DAGSTER_HOME": str(home), "PAPERS_WAREHOUSE_DATA_DIR": str(data_dir)}


# -- the warehouse: checks and queries ----------------------------------------------------


def warehouse_checks(path: Path, expected: dict, added_papers: int = 0) -> list[dict]:
    """The published tables against the generator's manifest (plus any added new papers)."""
    with duckdb.connect(str(path), read_only=True) as con:
        def one(sql: str):
            return con.execute(sql).fetchone()[0]

        authors = {("unknown" if k is None else str(k)): int(v) for k, v in con.execute(
            "select authors_count, papers from authors_count").fetchall()}
        first_day, last_day, dated, cumulative = con.execute(
            "select min(day), max(day), sum(papers), max(cumulative_papers) from daily_counts"
        ).fetchone()
        found = {
            "papers": one("select count(*) from papers"),
            "paper_sightings": one("select count(*) from paper_sightings"),
            "papers_with_upvotes": one("select count(*) from papers where upvotes > 0"),
            "upvotes_sum": one("select coalesce(sum(upvotes), 0) from papers"),
        }
    wanted = {
        "papers": expected["papers"] + added_papers,
        "paper_sightings": expected["paper_scrape_sightings"] + added_papers,
    }
    checks = [_check(f"warehouse {name}", found[name], wanted[name]) for name in wanted]
    if not added_papers:  # the new page's papers would shift these; the counts suffice there
        checks += [
            _check("warehouse papers with upvotes", found["papers_with_upvotes"],
                   expected["papers_with_upvotes"]),
            _check("warehouse sum of latest upvotes", found["upvotes_sum"],
                   expected["upvotes_sum"]),
            _check("warehouse authors_count distribution", authors, expected["authors_count"]),
            _check("warehouse daily_counts first day", str(first_day)[:10],
                   expected["first_published"]),
            _check("warehouse daily_counts last day", str(last_day)[:10],
                   expected["last_published"]),
            _check("warehouse daily_counts total", dated, expected["papers_with_published_date"]),
            _check("warehouse daily_counts cumulative", cumulative,
                   expected["papers_with_published_date"]),
        ]
    return checks


def arxiv_checks(path: Path, expected: dict) -> list[dict]:
    """papers and paper_authors of the arXiv warehouse against the snapshot's manifest; a
    missing table or column is a failed check, not a crash."""
    checks = []
    with duckdb.connect(str(path), read_only=True) as con:
        for table in ("papers", "paper_authors"):
            try:
                found = con.execute(f"select count(*) from {table}").fetchone()[0]
            except duckdb.Error as problem:
                found = f"{type(problem).__name__}: {problem}".splitlines()[0]
            checks.append(_check(f"arXiv warehouse {table}", found, expected[table]))
    return checks


def peer_checks(summary: dict, expected: dict) -> list[dict]:
    names = ("papers", "paper_sightings", "papers_with_published_date", "papers_with_upvotes",
             "upvotes_sum", "authors_count")
    return [_check(f"peer {name}", summary[name], expected[name]) for name in names]


def _check(name: str, found, wanted) -> dict:
    return {"check": name, "found": found, "expected": wanted, "ok": found == wanted}


def stand_in_warehouse(peer_dir: Path, path: Path) -> Path:
    """A DuckDB file with the warehouse's four tables, from the peer's Parquet output; lets
    the query timing run (and be tested) without the real build."""
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        def parquet(name: str) -> str:
            return "'" + str(peer_dir / f"{name}.parquet").replace("'", "''") + "'"

        con.execute(f"""create table papers as select paper_id, title, abstract,
            authors_count::integer as authors_count, published_date::date as published_date,
            upvotes::integer as upvotes, arxiv_id::varchar as arxiv_id,
            github_url::varchar as github_url, first_seen_at, last_seen_at, sightings
            from {parquet('papers')}""")
        con.execute(f"""create table authors_count as select authors_count::integer as
            authors_count, papers, share from {parquet('authors_count')}""")
        con.execute(f"""create table daily_counts as select day::date as day, papers,
            cumulative_papers from {parquet('daily_counts')}""")
        con.execute(f"""create table paper_sightings as select paper_id, source_file,
            scraped_at, upvotes::integer as upvotes from {parquet('paper_sightings')}""")
    return path


def time_queries(path: Path, repetitions: int = 20) -> dict:
    """Median latency (execute + fetch all rows) of each BI query, after one warm-up."""
    opened = time.perf_counter()
    con = duckdb.connect(str(path), read_only=True)
    connect_ms = (time.perf_counter() - opened) * 1000
    try:
        last_day = con.execute("select max(day) from daily_counts").fetchone()[0]
        last_published = con.execute("select max(published_date) from papers").fetchone()[0]
        busiest = con.execute(
            "select paper_id from papers order by sightings desc, paper_id limit 1").fetchone()
        params = {
            "daily_counts, one year": [last_day - timedelta(days=364), last_day],
            "papers published in a month": [last_published - timedelta(days=29), last_published],
            "one paper's vote history": [busiest[0] if busiest else None],
        }
        results = {}
        for name, sql in QUERIES.items():
            args = params.get(name, [])
            rows = len(con.execute(sql, args).fetchall())  # warm-up
            timings = []
            for _ in range(repetitions):
                started = time.perf_counter()
                con.execute(sql, args).fetchall()
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            results[name] = {
                "sql": sql, "params": [str(a) for a in args], "rows": rows,
                "median_ms": round(statistics.median(timings), 3),
                "p90_ms": round(timings[int(0.9 * (len(timings) - 1))], 3),
                "max_ms": round(timings[-1], 3), "repetitions": repetitions,
            }
    finally:
        con.close()
    return {"connect_ms": round(connect_ms, 3), "queries": results}


# -- targets and the report ---------------------------------------------------------------


STEP_LABELS = {
    "stack_floor": "stack floor: the stack's imports",
    "floor": "floor: DuckDB text → Parquet",
    "peer": "pandas peer",
    "full_build": "full build, empty lake",
    "nothing_new": "rebuild, nothing new",
    "incremental": f"rebuild after +1 page ({NEW_PAGE_CARDS} cards)",
    "arxiv_floor": "arXiv floor: read_json → Parquet",
    "arxiv_build": "arXiv full build, empty lake",
    "arxiv_search": f'arXiv search "{SEARCH_TERMS}"',
    "arxiv_incremental": f"arXiv rebuild after +1 page ({NEW_PAGE_CARDS} cards)",
}
BUILD_STEPS = ("full_build", "nothing_new", "incremental")
ARXIV_BUILD_STEPS = ("arxiv_build", "arxiv_search", "arxiv_incremental")
FLOOR_OF = {"floor": "floor", "peer": "floor", "full_build": "floor", "nothing_new": "floor",
            "incremental": "floor", "arxiv_floor": "arxiv_floor", "arxiv_build": "arxiv_floor",
            "arxiv_incremental": "arxiv_floor"}
SECTIONS = ("listings", "arxiv")


def succeeded(steps: dict) -> dict:
    return {k: v for k, v in steps.items() if v and v.get("returncode") == 0}


def ratios_to_floors(steps: dict) -> dict[str, float]:
    """Each step's wall time as a multiple of its own corpus's floor."""
    ran = succeeded(steps)
    return {key: round(ran[key]["seconds"] / ran[floor]["seconds"], 2)
            for key, floor in FLOOR_OF.items() if key in ran and floor in ran}


def evaluate_targets(steps: dict, queries: dict | None,
                     sections: tuple[str, ...] = SECTIONS) -> list[dict]:
    """Each target of the sections run, with the step (or query) it belongs to, measured
    value, limit, result: pass, MISS, or n/a when a step it needs did not run."""
    ran = succeeded(steps)
    seconds = {k: v["seconds"] for k, v in ran.items()}
    ratios = ratios_to_floors(steps)
    targets = []

    def target(row: str, name: str, measured, limit: float, unit: str,
               ok: bool | None = None) -> None:
        if ok is None and measured is not None:
            ok = measured <= limit
        result = "n/a" if measured is None else ("pass" if ok else "MISS")
        targets.append({"row": row, "target": name, "measured": measured, "limit": limit,
                        "unit": unit, "result": result})

    def rss_target(row: str, limit_key: str) -> None:
        rss = round(ran[row]["peak_rss_bytes"] / GB, 2) if row in ran else None
        target(row, f"RSS ≤ {TARGETS[limit_key] / GB:g} GB", rss, TARGETS[limit_key] / GB,
               "GB")

    def versus(step: str, baseline: str) -> float | None:
        if step in seconds and baseline in seconds:
            return round(seconds[step] / seconds[baseline], 2)
        return None

    def one_page_target(step: str) -> None:
        limit = TARGETS["incremental_vs_stack_floor"]
        target(step, f"≤ {limit:g}× stack floor", versus(step, "stack_floor"), limit, "×")

    if "listings" in sections:
        limit = TARGETS["full_build_vs_peer"]
        target("full_build", f"≤ {limit:g}× pandas peer", versus("full_build", "peer"), limit,
               "×")
        one_page_target("incremental")
        for key in BUILD_STEPS:
            rss_target(key, "peak_rss_bytes")
        for name, query in (queries or {}).get("queries", {}).items():
            target(f"query: {name}", f"≤ {TARGETS['query_median_ms']:g} ms",
                   query["median_ms"], TARGETS["query_median_ms"], "ms")
    if "arxiv" in sections:
        target("arxiv_build", f"≤ {TARGETS['arxiv_build_vs_floor']:g}× arXiv floor",
               ratios.get("arxiv_build"), TARGETS["arxiv_build_vs_floor"], "×")
        rss_target("arxiv_build", "arxiv_peak_rss_bytes")
        target("arxiv_search", f"≤ {TARGETS['arxiv_search_seconds']:g} s",
               seconds.get("arxiv_search"), TARGETS["arxiv_search_seconds"], "s")
        one_page_target("arxiv_incremental")
        rss_target("arxiv_incremental", "arxiv_peak_rss_bytes")
    return targets


def report(results: dict) -> str:
    steps, ratios = results["steps"], results["ratios_vs_floor"]
    by_row: dict[str, list[str]] = {}
    for t in results["targets"]:
        by_row.setdefault(t["row"], []).append(f"{t['target']}: {t['result']}")
    machine_ = results["machine"]
    lines = [f"Papers Warehouse bench: {machine_['cpus']} cores, {machine_['memory_gb']} GB RAM",
             *_corpus_lines(results), "",
             f"{'step':<34}{'wall s':>9}{'× floor':>9}{'peak RSS':>11}   targets"]
    for key, label in STEP_LABELS.items():
        step = steps.get(key)
        if step is None:
            continue
        if "seconds" not in step:  # never ran
            lines.append(f"{label:<34}   {step.get('error', 'failed')}")
            continue
        ratio = f"{ratios[key]:.2f}" if key in ratios else "—"
        # a failed step still shows its time and RSS up to the failure
        outcome = ("; ".join(by_row.get(key, [])) if step["returncode"] == 0
                   else f"FAILED (exit {step['returncode']}), see {step['log']}")
        lines.append(f"{label:<34}{step['seconds']:>9.2f}{ratio:>9}"
                     f"{step['peak_rss_bytes'] / GB:>8.2f} GB   {outcome}")
    queries = results.get("queries")
    if queries:
        repetitions = results["settings"]["repetitions"]
        lines += ["", f"queries on {queries['warehouse']} (read-only, connect "
                      f"{queries['connect_ms']:.1f} ms; median of {repetitions} after a warm-up)",
                  f"{'query':<34}{'median ms':>10}{'p90 ms':>9}{'rows':>8}   target"]
        for name, q in queries["queries"].items():
            lines.append(f"{name:<34}{q['median_ms']:>10.2f}{q['p90_ms']:>9.2f}{q['rows']:>8}"
                         "   " + "; ".join(by_row.get(f"query: {name}", [])))
    missed = [t for t in results["targets"] if t["result"] == "MISS"]
    counted = [t for t in results["targets"] if t["result"] != "n/a"]
    not_measured = len(results["targets"]) - len(counted)
    lines += ["", f"targets: {len(counted) - len(missed)}/{len(counted)} pass"
              + (f", {not_measured} not measured (a step failed or did not run)"
                 if not_measured else "")
              + (" (missed: " + "; ".join(f"{STEP_LABELS.get(t['row'], t['row'])} "
                                           f"{t['target']}, measured {t['measured']}"
                                           f"{' ' if t['unit'] != '×' else ''}{t['unit']}"
                                           for t in missed) + ")" if missed else "")]
    if results["checks"]:
        failed = [c for c in results["checks"] if not c["ok"]]
        lines.append(f"checks against the generators' manifests: "
                     f"{len(results['checks']) - len(failed)}/{len(results['checks'])} ok")
        lines += [f"  FAILED {c['check']}"
                  + (f" after {c['after']}" if "after" in c else "")
                  + f": found {c['found']}, expected {c['expected']}" for c in failed]
    for note in results["notes"]:
        lines += ["", f"note: {note}"]
    for error in results["errors"]:
        lines += ["", f"ERROR: {error}"]
    lines += ["", f"results: {results['results_file']}"]
    return "\n".join(lines)


def _corpus_lines(results: dict) -> list[str]:
    """One line per corpus the run used: its size and how long generating it took."""
    lines = []
    if "manifest" in results:
        m = results["manifest"]
        lines.append(
            f"listings: {m['cards']:,} cards on {m['files']:,} pages "
            f"({results['corpus_bytes'] / 1024**2:,.0f} MB), {m['distinct_papers']:,} papers "
            f"(distinct share {m['distinct_share']:g}), seed {m['seed']}; generator "
            f"{m['generator_seconds']:.2f} s" + (" (reused)" if results["corpus_reused"] else ""))
    if "arxiv" in results:
        m = results["arxiv"]["manifest"]
        lines.append(
            f"arXiv snapshot: {m['records']:,} records ({m['bytes'] / 1024**2:,.0f} MB), "
            f"{m['author_entries']:,} author entries, seed {m['seed']}; generator "
            f"{m['generator_seconds']:.2f} s" + (" (reused)" if results["arxiv"]["reused"]
                                                  else ""))
    return lines


def machine() -> dict:
    memory_kb = 0
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    with open("/proc/cpuinfo") as handle:
        cpu = next((line.split(":", 1)[1].strip() for line in handle
                    if line.startswith("model name")), platform.processor())
    import pandas  # only for its version

    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(memory_kb / 1024**2, 1),
            "platform": platform.platform(), "python": platform.python_version(),
            "duckdb": duckdb.__version__, "pandas": pandas.__version__}


# -- the run ------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> tuple[dict, int]:
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    sections = tuple(s for s, skipped in (("listings", args.skip_listings),
                                          ("arxiv", args.skip_arxiv)) if not skipped)
    results: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python -m bench.run", *args.argv]),
        "machine": machine(), "workdir": str(workdir),
        "settings": {"sections": list(sections), "cards": args.cards, "pages": args.pages,
                     "distinct_share": args.distinct_share, "arxiv_records": args.arxiv_records,
                     "seed": args.seed, "repetitions": args.repetitions},
        "steps": {}, "checks": [], "errors": [], "notes": [],
        "results_file": str(workdir / "results.json"),
    }
    cli, status = _cli_for_builds(args, sections, results)
    if cli is not None:
        results["steps"]["stack_floor"] = stack_floor(workdir / "logs")
    if "listings" in sections:
        status = max(status, _run_listings(args, workdir, cli, results))
    if "arxiv" in sections:
        status = max(status, _run_arxiv(args, workdir, cli, results))
    results["targets"] = evaluate_targets(results["steps"], results.get("queries"), sections)
    if status == 0 and not all(c["ok"] for c in results["checks"]):
        status = 1
    return _finish(results, status)


def _cli_for_builds(args: argparse.Namespace, sections: tuple[str, ...],
                    results: dict) -> tuple[Path | None, int]:
    """The CLI, or None (status 2 when it is missing rather than not wanted)."""
    if args.skip_build:
        results["notes"].append("build steps skipped (--skip-build)")
        return None, 0
    if sections == ("listings",) and args.warehouse is not None:
        return None, 0
    try:
        return find_cli(), 0
    except CliMissing as missing:
        results["errors"].append(str(missing))
        return None, 2


def _not_run(results: dict, keys: tuple[str, ...]) -> None:
    for key in keys:
        results["steps"][key] = {"returncode": None,
                                 "error": "not run: papers-warehouse CLI missing"}


def _run_listings(args: argparse.Namespace, workdir: Path, cli: Path | None,
                  results: dict) -> int:
    data_dir, logs = workdir / "data", workdir / "logs"
    raw_dir = data_dir / "raw"
    python, steps = sys.executable, results["steps"]

    print(f"corpus: {args.cards:,} cards on {args.pages:,} pages in {raw_dir}", flush=True)
    manifest, reused = prepare_corpus(workdir, args.cards, args.pages, args.seed,
                                      args.distinct_share)
    results.update(manifest=manifest, corpus_reused=reused,
                   corpus_bytes=sum(p.stat().st_size for p in raw_dir.glob("*.txt")))
    expected = manifest["expected"]

    print("floor ...", flush=True)
    floor = measure([python, "-m", "bench.floor", str(raw_dir), str(workdir / "floor.parquet")],
                    logs / "floor.log")
    steps["floor"] = _step(floor, results)
    if floor.returncode != 0:
        return 1

    peer_dir = workdir / "peer"
    if not args.skip_peer:
        print("pandas peer ...", flush=True)
        peer = measure([python, "-m", "bench.pandas_peer", str(raw_dir), "--out",
                        str(peer_dir)], logs / "peer.log")
        steps["peer"] = _step(peer, results)
        if peer.returncode == 0:
            steps["peer"]["summary"] = last_json_line(peer.log)
            results["checks"] += peer_checks(steps["peer"]["summary"], expected)

    warehouse, status = None, 0
    if args.warehouse is not None:
        warehouse = args.warehouse.resolve()
    elif cli is not None:
        warehouse, status = _builds(cli, workdir, data_dir, manifest, args.seed, results)
    elif not args.skip_build:
        _not_run(results, BUILD_STEPS)

    if warehouse is None and steps.get("peer", {}).get("returncode") == 0:
        warehouse = stand_in_warehouse(peer_dir, workdir / "stand_in.duckdb")
        results["notes"].append("queries were timed on a stand-in warehouse built from the "
                                "pandas peer's output, not on a published build")
    if warehouse is not None:
        print(f"queries on {warehouse} ...", flush=True)
        results["queries"] = {"warehouse": str(warehouse),
                              **time_queries(warehouse, args.repetitions)}
    return status


def _builds(cli: Path, workdir: Path, data_dir: Path, manifest: dict, seed: int,
            results: dict) -> tuple[Path | None, int]:
    steps, expected = results["steps"], manifest["expected"]
    command, env = build_command(cli, data_dir), build_env(workdir, data_dir)
    warehouse = data_dir / "warehouse.duckdb"
    for key in BUILD_STEPS:
        if key == "incremental":
            add_new_page(data_dir / "raw", manifest, seed)
        print(f"{STEP_LABELS[key]} ...", flush=True)
        measured = measure(command, workdir / "logs" / f"{key}.log", env=env)
        steps[key] = _step(measured, results)
        if measured.returncode != 0:
            return (warehouse if warehouse.exists() else None), 1
        if not warehouse.exists():
            results["errors"].append(f"{STEP_LABELS[key]} exited 0 but published no "
                                     f"{warehouse}")
            return None, 1
        if key != "nothing_new":
            added = NEW_PAGE_CARDS if key == "incremental" else 0
            results["checks"] += [{**c, "after": key}
                                  for c in warehouse_checks(warehouse, expected, added)]
    return warehouse, 0


def _run_arxiv(args: argparse.Namespace, workdir: Path, cli: Path | None,
               results: dict) -> int:
    """The snapshot's floor, its full build, the counts it published, and one search."""
    arxiv_dir, logs, steps = workdir / "arxiv", workdir / "logs", results["steps"]
    data_dir = arxiv_dir / "data"
    snapshot = data_dir / "raw" / SNAPSHOT_NAME
    print(f"arXiv snapshot: {args.arxiv_records:,} records in {snapshot}", flush=True)
    manifest, reused = prepare_snapshot(workdir, args.arxiv_records, args.seed)
    results["arxiv"] = {"manifest": manifest, "reused": reused, "snapshot": str(snapshot)}

    print(f"{STEP_LABELS['arxiv_floor']} ...", flush=True)
    floor = measure([sys.executable, "-m", "bench.floor", "--arxiv", str(snapshot),
                     str(arxiv_dir / "floor.parquet")], logs / "arxiv_floor.log")
    steps["arxiv_floor"] = _step(floor, results)
    if floor.returncode != 0:
        return 1
    if cli is None:
        if not args.skip_build:
            _not_run(results, ARXIV_BUILD_STEPS)
        return 0

    env = build_env(arxiv_dir, data_dir)
    print(f"{STEP_LABELS['arxiv_build']} ...", flush=True)
    build = measure(build_command(cli, data_dir), logs / "arxiv_build.log", env=env)
    steps["arxiv_build"] = _step(build, results)
    warehouse = data_dir / "warehouse.duckdb"
    if build.returncode != 0:
        return 1
    if not warehouse.exists():
        results["errors"].append(f"{STEP_LABELS['arxiv_build']} exited 0 but published no "
                                 f"{warehouse}")
        return 1
    results["checks"] += arxiv_checks(warehouse, manifest["expected"])

    print(f"{STEP_LABELS['arxiv_search']} ...", flush=True)
    search = measure([str(cli), "search", SEARCH_TERMS, "--data-dir", str(data_dir)],
                     logs / "arxiv_search.log", env=env)
    steps["arxiv_search"] = _step(search, results)

    # A day's page of new papers beside the snapshot: the everyday case at arXiv size.
    write_page(data_dir / "raw" / ARXIV_NEW_PAGE_NAME, ARXIV_NEW_PAGE_DAY,
               fresh_cards(NEW_PAGE_CARDS, ARXIV_NEW_PAGE_DAY, seed=args.seed))
    print(f"{STEP_LABELS['arxiv_incremental']} ...", flush=True)
    incremental = measure(build_command(cli, data_dir), logs / "arxiv_incremental.log",
                          env=env)
    steps["arxiv_incremental"] = _step(incremental, results)
    return 0 if search.returncode == 0 and incremental.returncode == 0 else 1


def stack_floor(logs: Path, env: dict | None = None) -> dict:
    """A fresh process importing the stack, median of STACK_FLOOR_RUNS runs."""
    print(f"{STEP_LABELS['stack_floor']} ...", flush=True)
    return median_of([sys.executable, "-c", STACK_IMPORTS], logs, "stack_floor",
                     STACK_FLOOR_RUNS, env)


def median_of(command: list[str], logs: Path, key: str, repeats: int,
              env: dict | None = None) -> dict:
    """The command run `repeats` times: median wall seconds, every run's, the worst exit code
    and peak RSS."""
    runs = [measure(command, logs / f"{key}-{n}.log", env=env) for n in range(repeats)]
    return {"seconds": statistics.median(run.seconds for run in runs),
            "runs": [run.seconds for run in runs],
            "returncode": max(run.returncode for run in runs),
            "peak_rss_bytes": max(run.peak_rss_bytes for run in runs), "log": runs[-1].log}


def _step(measured: Measurement, results: dict) -> dict:
    step = asdict(measured)
    if measured.returncode != 0:
        step["error"] = f"failed (exit {measured.returncode}), see {measured.log}"
        results["errors"].append(f"{Path(measured.log).stem} failed (exit "
                                 f"{measured.returncode}); last lines of {measured.log}:\n"
                                 f"{log_tail(measured.log)}")
    return step


def _finish(results: dict, status: int) -> tuple[dict, int]:
    results["ratios_vs_floor"] = ratios_to_floors(results["steps"])
    results["exit_status"] = status
    Path(results["results_file"]).write_text(json.dumps(results, indent=2, default=str) + "\n",
                                             encoding="utf-8")
    return results, status


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--distinct-share", type=float, default=DEFAULT_DISTINCT_SHARE,
                        help="share of the cards that are distinct papers (default "
                             f"{DEFAULT_DISTINCT_SHARE}; 0.2 is the older one-in-five corpus)")
    parser.add_argument("--arxiv-records", type=int, default=ARXIV_RECORDS,
                        help=f"records in the arXiv snapshot (default {ARXIV_RECORDS:,})")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR,
                        help=f"corpora, lakes, logs and results.json (default {DEFAULT_WORKDIR};"
                             " corpora made with the same settings are reused)")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--skip-arxiv", action="store_true", help="only the listings part")
    only.add_argument("--skip-listings", action="store_true", help="only the arXiv part")
    parser.add_argument("--skip-peer", action="store_true", help="do not run the pandas peer")
    parser.add_argument("--skip-build", action="store_true",
                        help="no build steps (floors only, and the listings queries on a "
                             "stand-in from the peer's output)")
    parser.add_argument("--warehouse", type=Path,
                        help="time the listings queries on this DuckDB file instead of "
                             "building one")
    parser.add_argument("--repetitions", type=int, default=20, help="timed runs per query")
    args = parser.parse_args(argv)
    if not 0 < args.distinct_share <= 1:
        parser.error(f"--distinct-share must be in (0, 1], not {args.distinct_share}")
    if args.arxiv_records < 1:
        parser.error("--arxiv-records must be at least 1")
    args.argv = list(sys.argv[1:] if argv is None else argv)
    return args


def main(argv: list[str] | None = None) -> int:
    results, status = run(parse_args(argv))
    print()
    print(report(results))
    return status


if __name__ == "__main__":
    sys.exit(main())
