"""The benchmark at a small size, so it cannot rot: the generators write pages in the sample's
format and snapshot lines in the arXiv snapshot's, with the counts their manifests claim, the
pandas peer and the project's own parsers agree with them, and the whole bench runs end to
end (no wall-clock assertions)."""

import json
import re
import subprocess
import sys
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from bench.arxiv_generate import MONTHLY_CAP, SNAPSHOT_DAY, generate_snapshot, id_plan
from bench.generate import Card, fresh_cards, generate, normalized_title, write_page
from bench.pandas_peer import build as peer_build
from bench.pandas_peer import read_page
from bench.run import (
    CliMissing,
    evaluate_targets,
    find_cli,
    measure,
    stand_in_warehouse,
    time_queries,
)
from dagster_project.raw.arxiv_snapshot import is_arxiv_snapshot, parse_arxiv_snapshot
from dagster_project.raw.text_page import parse_text_page

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE = REPO_ROOT / "data" / "raw" / "2025-12-12_hf-daily-papers-search-page.txt"
CARDS, PAGES = 3000, 60
DATE_LINE = re.compile(r"^[A-Z][a-z]{2} \d{1,2}(, \d{4})?( \d+)?$")
HEADER = ["new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
          "byAK and the research community"]
ARXIV_RECORDS = 300
SNAPSHOT_KEYS = ["id", "submitter", "authors", "title", "comments", "journal-ref", "doi",
                 "report-no", "categories", "license", "abstract", "versions", "update_date",
                 "authors_parsed"]
ID_STYLES = {"old": re.compile(r"[a-z]+(-[a-z]+)?/\d{7}"), "4-digit": re.compile(r"\d{4}\.\d{4}"),
             "5-digit": re.compile(r"\d{4}\.\d{5}")}
RFC_2822 = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} "
                      r"\d{2}:\d{2}:\d{2} GMT")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    raw = tmp_path_factory.mktemp("bench") / "raw"
    return raw, generate(raw, cards=CARDS, pages=PAGES, seed=3)


def blocks_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n\n")


def test_pages_have_the_sample_layout_and_the_manifest_counts(corpus):
    raw, manifest = corpus
    pages = sorted(raw.glob("*.txt"))
    assert len(pages) == manifest["files"] == PAGES
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}_hf-daily-papers-\d+\.txt", p.name)
               for p in pages)
    assert pages[-1].name.startswith("2025-12-12_")  # the year of scrapes ends on the sample day

    cards = with_meta = bad_lines = 0
    for page in pages:
        blocks = blocks_of(page)
        scraped_on = date.fromisoformat(page.name[:10])
        assert blocks[:5] == HEADER
        assert blocks[5] == f"{scraped_on:%b} {scraped_on.day}"  # page date, no year
        body = blocks[6:]
        metas = [b for b in body if b.startswith("  • ")]
        # a card is a title block and an abstract block, then maybe the meta block
        assert (len(body) - len(metas)) % 2 == 0
        cards += (len(body) - len(metas)) // 2
        with_meta += len(metas)
        for meta in metas:
            authors, dot, date_line = meta.split("\n")
            assert dot == "·"
            good = re.fullmatch(r"  • \d+ authors", authors) and is_date_line(date_line)
            bad_lines += not good
    assert cards == manifest["cards"] == CARDS
    assert cards - with_meta == manifest["cards_without_meta"] > 0
    assert bad_lines == manifest["malformed"] >= 1


def is_date_line(line: str) -> bool:
    """'May 6', 'Aug 3, 2023', either maybe followed by votes, naming a real day."""
    match = DATE_LINE.match(line)
    if not match:
        return False
    try:
        datetime.strptime(f"{line.split(' ')[0]} {line.split(' ')[1].rstrip(',')} "
                          f"{match[1][2:] if match[1] else '2024'}", "%b %d %Y")
    except ValueError:
        return False
    return True


def test_the_sample_page_has_the_same_layout():
    blocks = blocks_of(SAMPLE)
    assert blocks[:5] == HEADER
    assert DATE_LINE.match(blocks[5])


def test_project_parser_reads_every_generated_card(corpus):
    raw, manifest = corpus
    records = rejects = 0
    titles = set()
    for page in sorted(raw.glob("*.txt")):
        parsed = parse_text_page(page.read_text(encoding="utf-8"),
                                 date.fromisoformat(page.name[:10]))
        records += len(parsed.records)
        rejects += len(parsed.rejects)
        titles.update(normalized_title(r["title"]) for r in parsed.records)
    assert records == manifest["valid_cards"]
    assert rejects == manifest["malformed"]
    assert len(titles) == manifest["distinct_papers"]


def test_pandas_peer_agrees_with_the_manifest(corpus, tmp_path):
    raw, manifest = corpus
    summary = peer_build(raw, tmp_path / "peer")
    expected = manifest["expected"]
    assert summary["papers"] == manifest["distinct_papers"] == expected["papers"]
    assert summary["cards"] == manifest["cards"]
    assert summary["rejected"] == manifest["malformed"]
    for name in ("paper_sightings", "papers_with_published_date", "papers_with_upvotes",
                 "upvotes_sum", "authors_count"):
        assert summary[name] == expected[name], name
    assert "unknown" in summary["authors_count"]


def test_distinct_share_sets_how_many_cards_are_new_papers(tmp_path):
    for share in (0.2, 0.9, 1.0):
        manifest = generate(tmp_path / str(share), cards=1000, pages=20, seed=1,
                            distinct_share=share)
        assert manifest["distinct_papers"] == round(share * 1000)
        assert manifest["distinct_share"] == share
    with pytest.raises(ValueError):
        generate(tmp_path / "none", cards=10, pages=1, distinct_share=0)


def test_generator_is_deterministic_by_seed(tmp_path):
    first = generate(tmp_path / "a", cards=400, pages=8, seed=11)
    second = generate(tmp_path / "b", cards=400, pages=8, seed=11)
    first.pop("generator_seconds")
    second.pop("generator_seconds")
    assert first == second
    for page in (tmp_path / "a").iterdir():
        assert page.read_bytes() == (tmp_path / "b" / page.name).read_bytes()


def test_votes_grow_with_later_scrapes(corpus):
    raw, _ = corpus
    votes: dict[str, list[tuple[date, int]]] = {}
    for page in sorted(raw.glob("*.txt")):
        rows, _ = read_page(page)
        for _, scraped, title, _, _, published, upvotes in rows:
            if published is not None:
                votes.setdefault(title, []).append((scraped, upvotes or 0))
    repeated = [sorted(v) for v in votes.values() if len(v) > 1]
    assert len(repeated) > 100
    assert all(b[1] >= a[1] for seen in repeated for a, b in zip(seen, seen[1:], strict=False))
    assert any(seen[-1][1] > seen[0][1] for seen in repeated)


def test_write_page_round_trips_new_papers(corpus, tmp_path):
    raw, _ = corpus
    scraped_on = date(2025, 12, 13)
    cards = fresh_cards(50, scraped_on, seed=3)
    page = write_page(tmp_path / "2025-12-13_hf-daily-papers-61.txt", scraped_on, cards)
    rows, bad = read_page(page)
    assert bad == 0
    assert [(r[2], r[4], r[5]) for r in rows] == [
        (c.title, c.authors_count, c.published) for c in cards]
    corpus_titles = {normalized_title(r[2]) for p in raw.glob("*.txt") for r in read_page(p)[0]}
    assert not corpus_titles & {normalized_title(c.title) for c in cards}
    # a card without a date has no authors/date block; an older year is printed
    old = Card("T", "A", authors_count=2, published=date(2023, 8, 3), upvotes=5)
    write_page(tmp_path / "x.txt", scraped_on, [old, Card("U", "B")])
    assert (tmp_path / "x.txt").read_text(encoding="utf-8").endswith(
        "T\n\nA\n\n  • 2 authors\n·\nAug 3, 2023 5\n\nU\n\nB")


def test_process_tree_rss_counts_the_children(tmp_path):
    child = "import time; block = bytearray(300_000_000); time.sleep(1)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    measured = measure([sys.executable, "-c", parent], tmp_path / "log")
    assert measured.returncode == 0
    assert measured.peak_rss_bytes > 300_000_000


def test_queries_run_on_a_warehouse_shaped_file(corpus, tmp_path):
    raw, _ = corpus
    peer_build(raw, tmp_path / "peer")
    warehouse = stand_in_warehouse(tmp_path / "peer", tmp_path / "w.duckdb")
    timed = time_queries(warehouse, repetitions=2)
    assert len(timed["queries"]) == 5
    assert all(q["rows"] > 0 for q in timed["queries"].values())
    targets = evaluate_targets({}, timed)
    assert [t["result"] for t in targets if t["row"].startswith("query")] != []
    assert {t["result"] for t in targets if not t["row"].startswith("query")} == {"n/a"}


def test_bench_without_the_build_runs_end_to_end(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bench.run", "--cards", str(CARDS), "--pages", str(PAGES),
         "--arxiv-records", str(ARXIV_RECORDS), "--workdir", str(tmp_path), "--skip-build",
         "--repetitions", "2"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert set(results["steps"]) == {"floor", "peer", "arxiv_floor"}
    assert all(check["ok"] for check in results["checks"])
    assert results["arxiv"]["manifest"]["records"] == ARXIV_RECORDS
    assert set(results["ratios_vs_floor"]) == {"floor", "peer", "arxiv_floor"}
    assert "pandas peer" in run.stdout and "arXiv floor" in run.stdout
    assert "× floor" in run.stdout
    # the listings corpus lies outside the arXiv data dir, and no manifest is in a raw/ dir
    assert [p.name for p in (tmp_path / "arxiv" / "data" / "raw").iterdir()] == [
        "arxiv-metadata-oai-snapshot.json"]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("arxiv") / "arxiv-metadata-oai-snapshot.json"
    return path, generate_snapshot(path, ARXIV_RECORDS, seed=3, workers=1)


def test_snapshot_lines_have_the_real_files_shape(snapshot):
    path, manifest = snapshot
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""  # a final newline
    records = [json.loads(line) for line in lines[:-1]]
    assert len(records) == manifest["records"] == ARXIV_RECORDS
    assert all(list(r) == SNAPSHOT_KEYS for r in records)

    styles = {name: sum(bool(rx.fullmatch(r["id"])) for r in records)
              for name, rx in ID_STYLES.items()}
    assert styles == manifest["records_by_id_style"]
    assert sum(styles.values()) == ARXIV_RECORDS and min(styles.values()) > 0
    assert styles["5-digit"] > ARXIV_RECORDS / 2
    assert len({r["id"] for r in records}) == manifest["distinct_ids"] == ARXIV_RECORDS

    assert all(r["abstract"].startswith("  ") and r["abstract"].endswith("\n")
               and not r["abstract"].startswith("   ") for r in records)
    assert any("\n  " in r["title"] for r in records)  # arXiv's hard-wrapped titles
    assert any("$" in r["title"] for r in records)
    for nullable in ("submitter", "comments", "journal-ref", "doi", "report-no", "license"):
        assert any(r[nullable] is None for r in records), nullable
        assert any(r[nullable] is not None for r in records), nullable

    entries = [e for r in records for e in r["authors_parsed"]]
    assert len(entries) == manifest["author_entries"] == manifest["expected"]["paper_authors"]
    assert all(len(e) in (3, 4) and e[0] for e in entries)
    with_affiliation = sum(any(len(e) == 4 for e in r["authors_parsed"]) for r in records)
    assert with_affiliation == manifest["records_with_affiliation"] > 0
    tex = sum("\\" in r["authors"] for r in records)
    assert tex == manifest["records_with_tex_accent_in_authors"] > 0
    assert max(len(r["authors_parsed"]) for r in records) > 20  # a long tail

    escaped = sum(b"\\u00" in line for line in lines)
    raw = sum(any(byte > 127 for byte in line) for line in lines)
    assert escaped > 0 and raw > 0  # \u escapes in some lines, raw UTF-8 in others


def test_snapshot_versions_increase_and_end_by_the_snapshot_day(snapshot):
    path, manifest = snapshot
    versions = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        created = [v["created"] for v in record["versions"]]
        assert [v["version"] for v in record["versions"]] == [
            f"v{n}" for n in range(1, len(created) + 1)]
        assert 1 <= len(created) <= 4 and all(RFC_2822.fullmatch(c) for c in created)
        moments = [parsedate_to_datetime(c) for c in created]
        assert moments == sorted(moments)
        assert date.fromisoformat(record["update_date"]) >= moments[-1].date()
        assert date.fromisoformat(record["update_date"]) <= SNAPSHOT_DAY
        versions += len(created)
    assert versions == manifest["versions"]


def test_project_parser_reads_every_snapshot_record(snapshot):
    path, manifest = snapshot
    text = path.read_text(encoding="utf-8")
    assert is_arxiv_snapshot(text)
    parsed = parse_arxiv_snapshot(text, SNAPSHOT_DAY)
    assert not parsed.rejects
    assert len(parsed.records) == manifest["expected"]["papers"]
    assert sum(r["authors_count"] for r in parsed.records) == manifest["author_entries"]


def test_snapshot_bytes_depend_on_the_seed_not_the_workers(tmp_path):
    made = {}
    for name, seed, workers in (("one", 4, 1), ("two", 4, 2), ("other", 5, 2)):
        path = tmp_path / f"{name}.json"
        generate_snapshot(path, 250, seed=seed, workers=workers, block_records=64)
        made[name] = path.read_bytes()
    assert made["one"] == made["two"] != made["other"]


def test_id_plan_keeps_arxivs_monthly_limits_at_any_size():
    for records in (1, ARXIV_RECORDS, 2_700_000, 6_000_000):
        plan = id_plan(records)
        assert int(plan.count.sum()) == records
        for style, cap in MONTHLY_CAP.items():
            assert int(plan.count[plan.style == style].max(initial=0)) <= cap
        assert len(set(plan.prefix)) == len(plan.prefix)


def _cli_or_skip() -> None:
    try:
        find_cli()
    except CliMissing as missing:
        pytest.skip(f"papers-warehouse is not installed: {missing}")


@pytest.mark.long
def test_full_bench_runs_end_to_end(tmp_path):
    """CI runs the listings bench small (three real builds), so the bench itself cannot rot."""
    run_full_bench(tmp_path, cards=1000, pages=20)


@pytest.mark.slow
def test_full_bench_at_scale(tmp_path):
    run_full_bench(tmp_path, cards=100_000, pages=2000)


@pytest.mark.slow
def test_arxiv_bench_runs_end_to_end(tmp_path):
    _cli_or_skip()
    run = subprocess.run(
        [sys.executable, "-m", "bench.run", "--skip-listings", "--arxiv-records", "20000",
         "--workdir", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    steps = results["steps"]
    assert set(steps) == {"stack_floor", "arxiv_floor", "arxiv_build", "arxiv_search",
                          "arxiv_incremental"}
    assert all(step["returncode"] == 0 and step["peak_rss_bytes"] > 0 for step in steps.values())
    assert [c["check"] for c in results["checks"]] == ["arXiv warehouse papers",
                                                       "arXiv warehouse paper_authors"]
    assert all(c["ok"] for c in results["checks"]), results["checks"]
    assert "arxiv_build" in results["ratios_vs_floor"]
    assert {t["result"] for t in results["targets"]} <= {"pass", "MISS"}


def run_full_bench(tmp_path: Path, cards: int, pages: int) -> None:
    _cli_or_skip()
    run = subprocess.run(
        [sys.executable, "-m", "bench.run", "--cards", str(cards), "--pages", str(pages),
         "--skip-arxiv", "--workdir", str(tmp_path), "--repetitions", "3"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    steps = results["steps"]
    assert set(steps) == {"stack_floor", "floor", "peer", "full_build", "nothing_new",
                          "incremental"}
    assert all(step["returncode"] == 0 and step["peak_rss_bytes"] > 0 for step in steps.values())
    failed = [c for c in results["checks"] if not c["ok"]]
    assert not failed, failed
    assert {c.get("after") for c in results["checks"]} >= {"full_build", "incremental"}
    assert results["queries"]["warehouse"].endswith("warehouse.duckdb")
    assert all(q["rows"] > 0 for q in results["queries"]["queries"].values())
    assert {t["result"] for t in results["targets"]} <= {"pass", "MISS"}
