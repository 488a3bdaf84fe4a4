"""`papers-warehouse collect` and the daily_papers asset: the real huggingface_hub client
against a local replay of the Hub's Daily Papers API (tests/hub_replay.py), never the
internet and never a mock of the client or of HTTP."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.cli import main
from dagster_project.collect.listing_days import utc_today
from dagster_project.definitions import defs
from dagster_project.defs.assets.daily_papers import HubApi, daily_papers
from dagster_project.defs.automation import collect_recent_days
from dagster_project.defs.data_dir import DataDir
from dagster_project.defs.jobs import COLLECT_JOB_NAME
from dagster_project.settings import DATA_DIR_ENV
from tests.hub_replay import (
    HubReplay,
    connection_dropped,
    html_error_page,
    hub_wrapper,
    json_cut_short,
    rate_limited,
    unavailable,
)
from tests.pipeline_helpers import build, query

pytestmark = pytest.mark.usefixtures("dagster_home")

ROOT = Path(__file__).resolve().parent.parent
OLD_DAY = "2025-12-08"  # long settled: skipped once saved, unless --refresh


def recent(days_ago: int) -> str:
    return (utc_today() - timedelta(days=days_ago)).isoformat()


def papers(day: str, count: int, first_upvotes: int = 10, prefix: str = "2512") -> list[dict]:
    number = int(day.replace("-", "")[-3:])
    return [hub_wrapper(f"{prefix}.{number:03d}{index:02d}", f"Paper {index} of {day}", day,
                        first_upvotes + index) for index in range(count)]


@pytest.fixture
def hub(monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    with HubReplay(page_cap=2) as replay:
        yield replay


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


def collect(hub: HubReplay, data_dir: Path, *args: str) -> int:
    return main(["collect", *args, "--endpoint", hub.url, "--data-dir", str(data_dir)])


def raw_names(data_dir: Path) -> list[str]:
    raw = data_dir / "raw"
    return sorted(os.listdir(raw)) if raw.is_dir() else []


def test_a_day_over_two_pages_is_one_list_of_its_papers_in_order(hub, data_dir):
    hub.days[OLD_DAY] = papers(OLD_DAY, 3)
    assert collect(hub, data_dir, "--date", OLD_DAY) == 0

    saved = data_dir / "raw" / f"{OLD_DAY}_daily_papers.json"
    assert json.loads(saved.read_bytes()) == hub.days[OLD_DAY]
    # The server capped pages at 2: p=0 (2 papers), p=1 (1), p=2 (empty, the end).
    assert [(r["page"], r["limit"]) for r in hub.requests_for(OLD_DAY)] == [
        (0, "100"), (1, "100"), (2, "100")]
    first, second = hub.page_body(OLD_DAY, 0), hub.page_body(OLD_DAY, 1)
    assert saved.read_bytes() == b"[" + first[1:-1] + b"," + second[1:-1] + b"]"
    sidecar = json.loads((saved.parent / (saved.name + ".meta.json")).read_text())
    scraped_at = datetime.fromisoformat(sidecar["scraped_at"])
    assert abs(datetime.now(UTC) - scraped_at) < timedelta(minutes=5)
    assert sidecar["request"] == {"endpoint": hub.url, "path": "/api/daily_papers",
                                  "date": OLD_DAY, "limit": 100, "pages": 2, "requests": 3}


def test_one_page_is_saved_byte_for_byte(data_dir, monkeypatch):
    with HubReplay(indent=2) as hub:  # pretty-printed: re-serializing would change it
        hub.days[OLD_DAY] = papers(OLD_DAY, 2)
        assert collect(hub, data_dir, "--date", OLD_DAY) == 0
        saved = (data_dir / "raw" / f"{OLD_DAY}_daily_papers.json").read_bytes()
        assert saved == hub.page_body(OLD_DAY, 0)


def test_rate_limits_and_server_errors_are_retried(hub, data_dir, capsys):
    limited, failing = "2025-12-09", "2025-12-10"
    hub.days[limited], hub.days[failing] = papers(limited, 1), papers(failing, 1)
    hub.faults[(limited, 0)].append(rate_limited(retry_after=1))
    hub.faults[(failing, 0)].append(unavailable())
    assert collect(hub, data_dir, "--since", limited, "--until", failing) == 0
    assert [r["page"] for r in hub.requests_for(limited)] == [0, 0, 1]
    assert [r["page"] for r in hub.requests_for(failing)] == [0, 0, 1]
    assert raw_names(data_dir).count(f"{limited}_daily_papers.json") == 1
    assert raw_names(data_dir).count(f"{failing}_daily_papers.json") == 1
    assert "2 saved, 0 unchanged, 0 failed" in capsys.readouterr().out


def test_a_day_with_no_papers_is_saved(hub, data_dir, capsys):
    assert collect(hub, data_dir, "--date", "2025-12-13") == 0  # a Saturday: []
    assert (data_dir / "raw" / "2025-12-13_daily_papers.json").read_bytes() == b"[]"
    assert "no papers that day" in capsys.readouterr().out


def test_a_body_that_is_not_json_is_named_and_never_saved(hub, data_dir, capsys):
    html_day, cut_day, good_day = "2025-12-08", "2025-12-09", "2025-12-10"
    for day in (html_day, cut_day, good_day):
        hub.days[day] = papers(day, 1)
    hub.faults[(html_day, 0)].append(html_error_page())
    hub.faults[(cut_day, 0)].append(json_cut_short(hub.page_body(cut_day, 0)))

    assert collect(hub, data_dir, "--since", html_day, "--until", good_day) == 1

    out, err = capsys.readouterr()
    assert raw_names(data_dir) == [f"{good_day}_daily_papers.json",
                                   f"{good_day}_daily_papers.json.meta.json"]
    html_line = next(line for line in out.splitlines() if f"] {html_day}" in line)
    assert "FAILED" in html_line and "not JSON" in html_line and "<!DOCTYPE html>" in html_line
    cut_line = next(line for line in out.splitlines() if f"] {cut_day}" in line)
    assert "FAILED" in cut_line and "not JSON" in cut_line and '[{"paper"' in cut_line
    assert f"failed: {html_day}, {cut_day}" in err
    assert "Traceback" not in out + err


def test_a_connection_dropped_mid_body_is_retried_then_named(hub, data_dir, capsys):
    hub.days[OLD_DAY] = papers(OLD_DAY, 1)
    body = hub.page_body(OLD_DAY, 0)
    hub.faults[(OLD_DAY, 0)] += [connection_dropped(body), connection_dropped(body)]
    assert collect(hub, data_dir, "--date", OLD_DAY, "--retries", "1") == 1
    assert len(hub.requests_for(OLD_DAY)) == 2
    assert raw_names(data_dir) == []
    out = capsys.readouterr().out
    assert "FAILED: RemoteProtocolError after 1 retries" in out


def test_no_connection_is_one_line_and_nothing_saved(data_dir, capsys):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    code = main(["collect", "--endpoint", endpoint, "--data-dir", str(data_dir)])
    out, err = capsys.readouterr()
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and endpoint in lines[0] and lines[0].endswith("nothing saved")
    assert "Traceback" not in out + err
    assert raw_names(data_dir) == []


def test_an_unchanged_day_adds_no_file_and_changed_votes_add_one(hub, data_dir, capsys):
    day = recent(3)
    hub.days[day] = papers(day, 2)
    assert collect(hub, data_dir, "--date", day) == 0
    assert collect(hub, data_dir, "--date", day) == 0
    assert "unchanged: same as" in capsys.readouterr().out
    assert raw_names(data_dir) == [f"{day}_daily_papers.json",
                                   f"{day}_daily_papers.json.meta.json"]

    hub.days[day][0]["paper"]["upvotes"] += 7
    assert collect(hub, data_dir, "--date", day) == 0
    names = [name for name in raw_names(data_dir) if not name.endswith(".meta.json")]
    assert len(names) == 2 and names[0] == f"{day}_daily_papers.json"
    newest = data_dir / "raw" / names[1]
    assert newest.name.startswith(f"{day}_daily_papers_")
    assert json.loads(newest.read_bytes())[0]["paper"]["upvotes"] == 17
    assert (newest.parent / (newest.name + ".meta.json")).is_file()


def test_saved_settled_days_are_skipped_unless_refresh(hub, data_dir, capsys):
    hub.days[OLD_DAY] = papers(OLD_DAY, 1)
    assert collect(hub, data_dir, "--since", OLD_DAY, "--until", "2025-12-09") == 0
    asked = len(hub.requests)
    assert collect(hub, data_dir, "--since", OLD_DAY, "--until", "2025-12-10") == 0
    assert [r["date"] for r in hub.requests[asked:]] == ["2025-12-10"]
    assert "2 skipped" in capsys.readouterr().out

    assert collect(hub, data_dir, "--since", OLD_DAY, "--until", "2025-12-10",
                   "--refresh") == 0
    assert "0 saved, 3 unchanged" in capsys.readouterr().out


def test_the_token_and_user_agent_are_sent(hub, data_dir, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_replay_token")
    assert collect(hub, data_dir, "--date", OLD_DAY) == 0
    headers = {name.lower(): value for name, value in hub.requests[0]["headers"].items()}
    assert headers["authorization"] == "Bearer hf_replay_token"
    assert "papers-warehouse" in headers["user-agent"]


@pytest.mark.parametrize("args, message", [
    (["--date", "2999-01-01"], "is in the future"),
    (["--since", "2025-12-10", "--until", "2025-12-01"], "is before --since"),
    (["--until", "2025-12-01"], "--until needs --since"),
])
def test_ranges_that_cannot_be_collected_are_refused(hub, data_dir, capsys, args, message):
    assert collect(hub, data_dir, *args) == 2
    assert message in capsys.readouterr().err
    assert hub.requests == []


def test_by_default_today_and_the_14_days_before_it(hub, data_dir):
    assert collect(hub, data_dir) == 0
    asked = sorted({request["date"] for request in hub.requests})
    assert asked == [recent(days_ago) for days_ago in range(14, -1, -1)]


def test_ctrl_c_keeps_every_finished_day(hub, data_dir):
    first, slow = "2025-12-08", "2025-12-09"
    hub.days[first] = papers(first, 1)
    hub.delays[slow] = 60
    process = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.cli", "collect", "--since", first, "--until",
         "2025-12-10", "--endpoint", hub.url, "--data-dir", str(data_dir)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # As at a terminal: a test run started in the background (nohup, `&` without job
        # control) passes SIGINT on ignored, and the command would never see the Ctrl-C.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not hub.requests_for(slow) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "interrupted: 1 day saved" in err and "Traceback" not in err
    assert raw_names(data_dir) == [f"{first}_daily_papers.json",
                                   f"{first}_daily_papers.json.meta.json"]


def test_collected_days_build_into_papers_and_new_votes_into_sightings(hub, data_dir):
    busy, weekend, quiet = recent(4), recent(3), recent(2)
    hub.days[busy], hub.days[quiet] = papers(busy, 3), papers(quiet, 1, prefix="2511")
    assert collect(hub, data_dir, "--since", busy, "--until", quiet) == 0
    assert build(data_dir) == 0
    expected = {wrapper["paper"]["id"]: wrapper["paper"]["upvotes"]
                for wrapper in hub.days[busy] + hub.days[quiet]}
    assert dict(query(data_dir, "select paper_id, upvotes from papers")) == expected
    assert {day.isoformat() for (day,) in query(
        data_dir, "select distinct published_date from papers")} == {busy, quiet}
    assert weekend not in {day for (day,) in query(data_dir, "select distinct cast("
                                                   "published_date as varchar) from papers")}

    moved = hub.days[busy][1]["paper"]
    moved["upvotes"] += 25
    assert collect(hub, data_dir, "--date", busy) == 0
    assert build(data_dir) == 0
    history = query(data_dir, "select upvotes from paper_sightings where paper_id = ? "
                    "order by scraped_at", [moved["id"]])
    assert history == [(moved["upvotes"] - 25,), (moved["upvotes"],)]
    assert query(data_dir, "select upvotes, sightings from papers where paper_id = ?",
                 [moved["id"]]) == [(moved["upvotes"], 2)]
    assert query(data_dir, "select count(*) from papers") == [(4,)]


def test_a_partition_materializes_through_dagster(hub, data_dir):
    hub.days[OLD_DAY] = papers(OLD_DAY, 3)
    resources = {"hub_api": HubApi(endpoint=hub.url), "data_dir": DataDir(path=str(data_dir))}
    first = dg.materialize([daily_papers], partition_key=OLD_DAY, resources=resources)
    assert first.success
    metadata = first.asset_materializations_for_node("daily_papers")[0].metadata
    assert metadata["papers"].value == 3 and metadata["pages"].value == 2
    assert metadata["changed"].value is True
    assert metadata["bytes"].value == (data_dir / "raw" / f"{OLD_DAY}_daily_papers.json"
                                       ).stat().st_size

    again = dg.materialize([daily_papers], partition_key=OLD_DAY, resources=resources)
    assert again.asset_materializations_for_node("daily_papers")[0].metadata[
        "changed"].value is False
    assert len(raw_names(data_dir)) == 2


def test_the_collect_job_reads_hf_endpoint_and_fails_a_bad_day(hub, data_dir, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    hub.faults[(OLD_DAY, 0)].append(html_error_page())
    job = defs().resolve_job_def(COLLECT_JOB_NAME)
    failed = job.execute_in_process(partition_key=OLD_DAY, raise_on_error=False)
    assert not failed.success
    failure = next(event for event in failed.all_events if event.is_step_failure)
    assert "not JSON" in failure.step_failure_data.error.message
    assert raw_names(data_dir) == []

    assert job.execute_in_process(partition_key=OLD_DAY).success
    assert raw_names(data_dir) == [f"{OLD_DAY}_daily_papers.json",
                                   f"{OLD_DAY}_daily_papers.json.meta.json"]


def test_the_morning_schedule_collects_the_last_15_days():
    assert collect_recent_days.default_status == dg.DefaultScheduleStatus.STOPPED
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2025, 12, 12, 5, tzinfo=UTC),
        repository_def=defs().get_repository_def())
    requests = collect_recent_days.evaluate_tick(context).run_requests
    assert [request.partition_key for request in requests] == [
        (datetime(2025, 11, 28) + timedelta(days=offset)).date().isoformat()
        for offset in range(15)]
    assert {request.job_name for request in requests} <= {None, COLLECT_JOB_NAME}
