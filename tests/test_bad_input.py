"""Bad raw files become rejects named by file and line; the good files still load."""

import os
import shutil
from pathlib import Path

import pytest

from tests.pipeline_helpers import build, query, scalar

HEADER = ("new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
          "byAK and the research community\n\nDec 12\n\n")


def page(*cards: str) -> str:
    return HEADER + "\n\n".join(cards)


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_dir) -> Path:
    data_dir = tmp_path_factory.mktemp("bad_input") / "data"
    raw = data_dir / "raw"
    shutil.copytree(sample_dir, raw)
    sample = next(raw.glob("*.txt")).read_text(encoding="utf-8")
    (raw / "2025-12-01_empty.txt").write_bytes(b"")
    (raw / "2025-12-01_image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (raw / "2025-12-01_latin1.txt").write_bytes(
        page("Caf\u00e9 paper", "Abstract.").encode("latin-1"))
    # Cut inside the 24th card's authors/date block: 23 cards load, the cut one is rejected.
    cut = sample[: sample.index("\u00b7\nJul 23 1") + 2]
    (raw / "2025-12-01_truncated.txt").write_text(cut, encoding="utf-8")
    (raw / "2025-12-01_notes.txt").write_text("Remember to buy milk.\n", encoding="utf-8")
    (raw / "2025-12-01_malformed.txt").write_text(page(
        "Good card", "Fine abstract.", "  • 2 authors\n·\nMay 6 3",
        "Bad votes card", "Abstract.", "  • two authors\n·\nMay 7",
    ), encoding="utf-8")
    (raw / "bad-sidecar.txt").write_text(page("Sidecar card", "Abstract."), encoding="utf-8")
    (raw / "bad-sidecar.txt.meta.json").write_text("{not json", encoding="utf-8")
    # Each of these once stopped all ingestion, or was read when it should not have been.
    (raw / "2025-12-02_deep.json").write_text("[" * 1000 + "]" * 1000, encoding="utf-8")
    (raw / "2025-12-02_future.txt").write_text(page("Future card", "Abstract."),
                                               encoding="utf-8")
    (raw / "2025-12-02_future.txt.meta.json").write_text(
        '{"scraped_at": "2099-01-01T00:00:00Z"}', encoding="utf-8")
    (raw / "2025-12-02_passwd.txt").symlink_to("/etc/passwd")
    (raw / "2025-12-02_dangling.txt").symlink_to(raw / "nowhere.txt")
    (raw / os.fsdecode(b"2025-12-02_caf\xe9.txt")).write_text(page("Latin name", "A."),
                                                              encoding="utf-8")
    os.mkfifo(raw / "2025-12-02_pipe.txt")  # reading it would wait for a writer forever
    (raw / "2025-12-02_link-to-pipe.txt").symlink_to(raw / "2025-12-02_pipe.txt")
    assert build(data_dir) == 0
    return data_dir


def rejects_of(data_dir: Path, name: str) -> list[tuple]:
    return query(data_dir, "select line_number, reason from rejects where source_file = ? "
                 "order by line_number", [name])


def test_good_files_still_load(built):
    titles = {row[0] for row in query(built, "select title from papers")}
    assert "Good card" in titles
    assert scalar(built, "select count(*) from papers") == 47
    # the truncated copy's 23 complete cards are sightings of sample papers
    assert scalar(built, "select count(*) from paper_sightings") == 46 + 23 + 1


def test_files_that_once_stopped_ingestion_are_rejects(built):
    assert "nested too deeply" in rejects_of(built, "2025-12-02_deep.json")[0][1]
    assert "scrape time in the future" in rejects_of(built, "2025-12-02_future.txt")[0][1]
    [(_, reason)] = rejects_of(built, "2025-12-02_passwd.txt")
    assert "symbolic link to /etc/passwd" in reason and "not followed" in reason
    assert "does not exist" in rejects_of(built, "2025-12-02_dangling.txt")[0][1]
    assert "not valid UTF-8" in rejects_of(built, "2025-12-02_caf\ufffd.txt")[0][1]
    assert "a named pipe (FIFO): not read" in rejects_of(built, "2025-12-02_pipe.txt")[0][1]
    assert "not a regular file but a named pipe" in rejects_of(
        built, "2025-12-02_link-to-pipe.txt")[0][1]
    # nothing of /etc/passwd is published, and no card of these files is a paper
    assert query(built, "select count(*) from rejects where snippet like '%root:%'") == [(0,)]
    titles = {row[0] for row in query(built, "select title from papers")}
    assert not titles & {"Future card", "Latin name"}


def test_each_bad_file_is_a_named_reject(built):
    assert "empty" in rejects_of(built, "2025-12-01_empty.txt")[0][1]
    assert "a PNG image" in rejects_of(built, "2025-12-01_image.txt")[0][1]
    [(line, reason)] = rejects_of(built, "2025-12-01_latin1.txt")
    assert line == 13 and "not UTF-8" in reason and "line 13" in reason
    [(line, reason)] = rejects_of(built, "2025-12-01_truncated.txt")
    assert line == 185 and "no date line" in reason
    assert "unrecognised format" in rejects_of(built, "2025-12-01_notes.txt")[0][1]
    [(line, reason)] = rejects_of(built, "2025-12-01_malformed.txt")
    assert line == 21 and "authors count" in reason
    [(line, reason)] = rejects_of(built, "bad-sidecar.txt")
    assert line is None and "bad-sidecar.txt.meta.json" in reason


def test_rejects_keep_a_snippet(built):
    snippet = scalar(built, "select snippet from rejects where source_file = ?",
                     ["2025-12-01_malformed.txt"])
    assert snippet.startswith("Bad votes card")
