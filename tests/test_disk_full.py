"""A disk that fills up during a build (a small tmpfs; skipped where one cannot be mounted):
one clear message naming the disk, no half-written file left, the old warehouse intact, and
the next build after space is freed finishes like a clean one (issue 18, case 12)."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pipeline_helpers import build, query
from tests.test_lake_repair import MARTS
from tests.test_publish import add_page

DISK_MB = 96
CLI = Path(sys.executable).with_name("papers-warehouse")


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs",
                              str(mount)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "--lazy", str(mount)], check=True)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# 8 MB free fails later in the build than 1 MB: its whole build runs with `make faults`.
@pytest.mark.parametrize("free_mb", [1, pytest.param(8, marks=pytest.mark.faults)])
def test_a_full_disk_stops_the_build_clearly_and_a_freed_one_builds_clean(
        small_disk, published_sample, tmp_path, free_mb):
    data_dir = small_disk / "data"
    shutil.copytree(published_sample, data_dir, symlinks=True)
    add_page(data_dir, "2025-12-13_new.txt", "A Page on a Full Disk")
    before = digest(data_dir / "warehouse.duckdb")
    names = {path.name for path in data_dir.iterdir()}
    filler = small_disk / "filler"
    subprocess.run(["fallocate", "-l", str(shutil.disk_usage(small_disk).free
                                           - free_mb * 2**20), str(filler)], check=True)

    # In its own process, as a user runs it: a build that failed on a full disk leaves
    # Dagster's loggers of that instance behind in its process.
    failed = subprocess.run([str(CLI), "build", "--data-dir", str(data_dir)],
                            capture_output=True, text=True, timeout=600)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    err = failed.stderr
    assert f"the disk holding {data_dir} is full" in err and f"on {small_disk})" in err
    assert "warehouse.duckdb is unchanged" in err
    assert digest(data_dir / "warehouse.duckdb") == before
    assert {path.name for path in data_dir.iterdir()} <= names
    assert not list(data_dir.glob("*.publishing*"))

    filler.unlink()
    assert subprocess.run([str(CLI), "build", "--data-dir", str(data_dir)],
                          capture_output=True, timeout=600).returncode == 0
    clean = tmp_path / "clean"
    shutil.copytree(data_dir / "raw", clean / "raw")
    assert build(clean) == 0
    for sql in MARTS:
        assert query(data_dir, sql) == query(clean, sql), sql
