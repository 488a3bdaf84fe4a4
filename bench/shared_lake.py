"""Two writers committing to one shared lake at once, against one writer doing both (issue 20).

A generated corpus of PAGES search pages is split in two: even pages to one data dir, odd
pages to the other. Both build at the same moment into one lake whose catalog is on a
PostgreSQL server this bench starts (bench/postgres_server.py), each on a fresh Dagster
instance of its own. Then one data dir holding every page builds alone into a lake of its
own on the same server. Printed: the wall time of each, the commit conflicts the two writers
retried, and whether the two writers' warehouses (each built once more, so that both have
seen the other's commit) equal the one writer's.

    python -m bench.shared_lake [--pages 2000] [--cards 100000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from bench.generate import generate
from bench.postgres_server import postgres_server
from bench.run import DEFAULT_WORKDIR, build_env, find_cli, machine, measure
from dagster_project.settings import LAKE_CATALOG_ENV, LAKE_DATA_ENV

RETRIED = re.compile(r"after (\d+) commits? of (?:another writer|other writers) came first")
MARTS = {"papers": "select count(*) from papers",
         "sightings": "select count(*) from paper_sightings",
         "daily_counts total": "select sum(papers) from daily_counts",
         "upvotes total": "select sum(upvotes) from papers"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    args = parser.parse_args(argv)
    workdir = args.workdir / "shared-lake"
    shutil.rmtree(workdir, ignore_errors=True)
    corpus = workdir / "corpus"
    generate(corpus, cards=args.cards, pages=args.pages, seed=args.seed)
    pages = sorted(corpus.iterdir())
    cli = find_cli()

    with postgres_server() as server:
        def lake_settings(name: str) -> dict:
            server.create_database(name)
            return {LAKE_CATALOG_ENV: f"postgres:{server.conninfo(name)}",
                    LAKE_DATA_ENV: str(workdir / f"{name}-files")}

        def build(data_dir: Path, settings: dict, label: str):
            env = {**build_env(data_dir.parent, data_dir), **settings}
            return measure([str(cli), "build", "--data-dir", str(data_dir)],
                           workdir / "logs" / f"{label}.log", env=env)

        shared = lake_settings("two_writers")
        writers = [_data_dir(workdir / name, pages[offset::2])
                   for offset, name in enumerate(("writer-a", "writer-b"))]
        started = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            both = list(pool.map(lambda item: build(item[1], shared, f"two-{item[0]}"),
                                 enumerate(writers)))
        two_seconds = time.perf_counter() - started
        conflicts = [_retried(run.log) for run in both]
        for number, data_dir in enumerate(writers):  # both now see the other's commit
            again = build(data_dir, shared, f"two-again-{number}")
            assert again.returncode == 0, again.log

        one_writer = _data_dir(workdir / "one-writer", pages)
        one = build(one_writer, lake_settings("one_writer"), "one")

    marts = {"one writer": _marts(one_writer), **{
        f"writer {name}": _marts(data_dir) for name, data_dir in zip("ab", writers, strict=True)}}
    result = {
        "pages": len(pages), "cards": args.cards,
        "two writers at once": {"seconds": round(two_seconds, 2),
                                "each": [run.seconds for run in both],
                                "exit codes": [run.returncode for run in both],
                                "commit conflicts retried": conflicts},
        "one writer doing both": {"seconds": one.seconds, "exit code": one.returncode},
        "two ÷ one": round(two_seconds / one.seconds, 2),
        "marts": marts, "union equal": len({json.dumps(m) for m in marts.values()}) == 1,
        "machine": machine(),
    }
    print(f"{len(pages)} pages, {args.cards} cards; PostgreSQL catalog, local shared path")
    print(f"  two writers at once ({len(pages) // 2} pages each): {two_seconds:.1f} s "
          f"(each {', '.join(f'{run.seconds:.1f} s' for run in both)}; commit conflicts "
          f"retried: {', '.join(map(str, conflicts))})")
    print(f"  one writer doing both: {one.seconds:.1f} s; two ÷ one = {result['two ÷ one']}")
    print(f"  both writers' warehouses equal the one writer's: {result['union equal']} "
          f"({marts['one writer']})")
    print(json.dumps(result))
    return 0 if result["union equal"] and all(run.returncode == 0 for run in both) else 1


def _data_dir(root: Path, pages: list[Path]) -> Path:
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    for page in pages:
        os.link(page, raw / page.name)  # the same bytes, no copy
    return root / "data"


def _retried(log: str) -> int:
    found = RETRIED.search(Path(log).read_text(encoding="utf-8", errors="replace"))
    return int(found[1]) if found else 0


def _marts(data_dir: Path) -> dict:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as connection:
        return {name: connection.execute(sql).fetchone()[0] for name, sql in MARTS.items()}


if __name__ == "__main__":
    sys.exit(main())
