"""The everyday commands on the bundled sample, against the stack floor, in one run.

The stack floor: a fresh process doing nothing but `import dagster, dagster_dbt,
great_expectations, dbt.cli.main` — what any build on this stack pays at least once (the
median of three, measured in this run). Then, as a user would run them, each a subprocess
on a fresh Dagster instance of the bench's own:

1. first build of the bundled sample (data/raw) in a new data dir;
2. the same build again, nothing new;
3. one new small page, then build: a re-scrape of the 3 cards of the bundled Hub API
   response, earlier the same day (new sightings and votes for papers already there);
4. nothing new again;
5. `papers-warehouse search "world model"` and `papers-warehouse query ...` (median of 3);
6. the pandas peer (bench.pandas_peer) re-doing everything on the sample.

Each row gives wall seconds, the multiple of the stack floor and its target (issue 19's for
the builds, issue 9's for the rest).

    python -m bench.everyday [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from bench.run import (
    DEFAULT_WORKDIR,
    REPO_ROOT,
    STACK_IMPORTS,
    build_env,
    find_cli,
    machine,
    measure,
    median_of,
    stack_floor,
)

SAMPLE_RAW = REPO_ROOT / "data" / "raw"
NEW_PAGE = REPO_ROOT / "tests" / "fixtures" / "daily_papers.json"  # 3 cards
NEW_PAGE_NAME = "2025-12-13_daily_papers.json"
SEARCH = ["search", "world model"]
QUERY = ["query", "select title, upvotes from papers order by upvotes desc nulls last limit 5"]
REPEATS = 3

# step → (label, limit, unit): "×" is a multiple of the stack floor, "s" wall seconds.
TARGETS = {
    "first_build": ("first build of the sample, new data dir", 2.5, "×"),
    "nothing_new": ("rebuild, nothing new", 0.25, "×"),
    "one_new_page": ("one new page (3 cards), rebuild", 1.5, "×"),
    "nothing_new_again": ("rebuild, nothing new (after the page)", 0.25, "×"),
    "search": ('search "world model" (median of 3)', 1.5, "s"),
    "query": ("query, top 5 papers (median of 3)", 1.0, "s"),
    "pandas_peer": ("pandas peer on the sample", None, "×"),
}


def run(workdir: Path) -> dict:
    cli, python = find_cli(), sys.executable
    data_dir, logs = workdir / "sample", workdir / "logs" / "everyday"
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(SAMPLE_RAW, data_dir / "raw")
    env = build_env(workdir, data_dir)
    steps: dict[str, dict] = {}

    steps["stack_floor"] = stack_floor(logs, env)
    build = [str(cli), "build", "--data-dir", str(data_dir)]
    for key in ("first_build", "nothing_new", "one_new_page", "nothing_new_again"):
        if key == "one_new_page":
            shutil.copy(NEW_PAGE, data_dir / "raw" / NEW_PAGE_NAME)
        print(f"{TARGETS[key][0]} ...", flush=True)
        steps[key] = vars(measure(build, logs / f"{key}.log", env=env))
    for key, args in (("search", SEARCH), ("query", QUERY)):
        print(f"{TARGETS[key][0]} ...", flush=True)
        steps[key] = median_of([str(cli), *args, "--data-dir", str(data_dir)], logs, key,
                               REPEATS, env)
    print("pandas peer ...", flush=True)
    steps["pandas_peer"] = vars(measure(
        [python, "-m", "bench.pandas_peer", str(data_dir / "raw"), "--out",
         str(workdir / "sample-peer")], logs / "pandas_peer.log"))
    results = {"machine": machine(), "steps": steps, "targets": _targets(steps),
               "results_file": str(workdir / "everyday.json")}
    Path(results["results_file"]).write_text(json.dumps(results, indent=2) + "\n",
                                             encoding="utf-8")
    return results


def _targets(steps: dict) -> dict[str, dict]:
    floor = steps["stack_floor"]["seconds"]
    judged = {}
    for key, (_, limit, unit) in TARGETS.items():
        step = steps[key]
        ratio = round(step["seconds"] / floor, 2)
        measured = ratio if unit == "×" else step["seconds"]
        if step["returncode"] != 0:
            result = f"FAILED (exit {step['returncode']}), see {step['log']}"
        elif limit is None:
            result = ""
        else:
            result = "pass" if measured <= limit else "MISS"
        judged[key] = {"ratio": ratio, "limit": limit, "unit": unit, "result": result}
    return judged


def report(results: dict) -> str:
    steps, targets = results["steps"], results["targets"]
    floor = steps["stack_floor"]
    lines = [f"stack floor ({STACK_IMPORTS}): {floor['seconds']:.2f} s "
             f"(runs {', '.join(f'{s:.2f}' for s in floor['runs'])})", "",
             f"{'step':<44}{'wall s':>8}{'× floor':>9}   target"]
    for key, (label, limit, unit) in TARGETS.items():
        target = targets[key]
        wanted = "" if limit is None else (f"≤ {limit:g}× floor" if unit == "×"
                                           else f"≤ {limit:g} s")
        lines.append(f"{label:<44}{steps[key]['seconds']:>8.2f}{target['ratio']:>9.2f}   "
                     f"{wanted}{': ' if wanted else ''}{target['result']}")
    judged = [t for t in targets.values() if t["limit"] is not None]
    passed = sum(t["result"] == "pass" for t in judged)
    lines += ["", f"targets: {passed}/{len(judged)} pass", f"results: {results['results_file']}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = run(args.workdir.resolve())
    print()
    print(report(results))
    return 0 if all(step["returncode"] == 0 for step in results["steps"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
