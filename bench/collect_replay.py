"""`papers-warehouse collect` against a local replay of the Hub (tests/hub_replay.py), in one run
beside its floors:

- the HTTP floor: a bare httpx2 client (the one huggingface_hub uses) GETting the same URLs
  in one loop, saving nothing: what any collector pays for the requests themselves;
- the start-up floor: a fresh process doing nothing but import what `collect` imports.

Then `papers-warehouse collect` as a user runs it (a subprocess): 30 listing days of
realistic pages (DAY_PAPERS papers, a page capped at PAGE_CAP so a day takes 2 pages and
the empty one), then the same 30 days again with --refresh (nothing changed: nothing
saved). The Hub itself is slower than this replay and limits anonymous clients to a few
hundred requests per 5 minutes: against it the time is the Hub's, not ours.

    python -m bench.collect_replay [--workdir DIR] [--days 30]
"""

import argparse
import json
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import httpx2

from bench.run import DEFAULT_WORKDIR, REPO_ROOT, find_cli
from tests.hub_replay import HubReplay, hub_wrapper

DAY_PAPERS = 60
PAGE_CAP = 50
FIRST_DAY = date(2025, 10, 1)
ABSTRACT = ("We introduce a method for learning world models from video that scales with "
            "data and compute. ") * 12
IMPORT_FLOOR = "import huggingface_hub.utils, httpx2, dagster_project.collect.collector"


def replay_days(hub: HubReplay, days: int) -> list[str]:
    names = []
    for offset in range(days):
        day = (FIRST_DAY + timedelta(days=offset)).isoformat()
        hub.days[day] = [
            hub_wrapper(f"2510.{offset:02d}{index:03d}", f"A study number {index} of {day}",
                        day, upvotes=index, summary=ABSTRACT,
                        authors=tuple(f"Author {k} of {index}" for k in range(6)))
            for index in range(DAY_PAPERS)]
        names.append(day)
    return names


def http_floor(hub: HubReplay, days: list[str]) -> tuple[float, int]:
    requests = 0
    started = time.perf_counter()
    with httpx2.Client() as client:
        for day in days:
            page = 0
            while True:
                response = client.get(f"{hub.url}/api/daily_papers",
                                      params={"date": day, "p": page, "limit": 100})
                requests += 1
                if response.json() == []:
                    break
                page += 1
    return time.perf_counter() - started, requests


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=REPO_ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def run(workdir: Path, days: int) -> dict:
    cli = find_cli()
    data_dir = workdir / "collect"
    shutil.rmtree(data_dir, ignore_errors=True)
    with HubReplay(page_cap=PAGE_CAP) as hub:
        names = replay_days(hub, days)
        floor_seconds, floor_requests = http_floor(hub, names)
        import_floor = min(timed([sys.executable, "-c", IMPORT_FLOOR]) for _ in range(3))
        command = [str(cli), "collect", "--since", names[0], "--until", names[-1],
                   "--endpoint", hub.url, "--data-dir", str(data_dir)]
        hub.requests.clear()
        first = timed(command)
        first_requests = len(hub.requests)
        hub.requests.clear()
        again = timed([*command, "--refresh"])
        again_requests = len(hub.requests)
    saved = sorted((data_dir / "raw").glob("*_daily_papers.json"))
    return {
        "days": days, "papers_per_day": DAY_PAPERS, "page_cap": PAGE_CAP,
        "bytes_saved": sum(path.stat().st_size for path in saved), "files_saved": len(saved),
        "http_floor_s": round(floor_seconds, 3), "http_floor_requests": floor_requests,
        "import_floor_s": round(import_floor, 3),
        "collect_s": round(first, 3), "collect_requests": first_requests,
        "refresh_unchanged_s": round(again, 3), "refresh_requests": again_requests,
    }


def report(figures: dict) -> str:
    work = figures["collect_s"] - figures["import_floor_s"]
    lines = [
        f"{figures['days']} replayed days, {figures['papers_per_day']} papers a day, pages "
        f"capped at {figures['page_cap']}: {figures['files_saved']} files, "
        f"{figures['bytes_saved'] / 1e6:.1f} MB",
        f"HTTP floor (bare httpx2 loop): {figures['http_floor_s']:.2f} s for "
        f"{figures['http_floor_requests']} requests "
        f"({figures['http_floor_requests'] / figures['http_floor_s']:.0f}/s)",
        f"import floor (fresh process): {figures['import_floor_s']:.2f} s",
        f"collect, first time: {figures['collect_s']:.2f} s for {figures['collect_requests']} "
        f"requests = {figures['collect_requests'] / figures['collect_s']:.0f}/s over the whole "
        f"command, {figures['collect_requests'] / max(work, 1e-9):.0f}/s after start-up; "
        f"{figures['collect_s'] / (figures['http_floor_s'] + figures['import_floor_s']):.2f}× "
        "the two floors together",
        f"collect --refresh, nothing changed: {figures['refresh_unchanged_s']:.2f} s for "
        f"{figures['refresh_requests']} requests",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    figures = run(args.workdir, args.days)
    print(report(figures))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
