"""A data dir may be any path a user has: quotes and spaces are data, never SQL."""

import shutil

from tests.pipeline_helpers import build, query


def test_a_data_dir_with_an_apostrophe_and_spaces_builds(tmp_path, sample_dir):
    data_dir = tmp_path / "Bob's papers" / "it's data"
    shutil.copytree(sample_dir, data_dir / "raw")
    assert build(data_dir) == 0
    assert query(data_dir, "select count(*) from papers") == [(46,)]
    assert build(data_dir) == 0  # and again, up to date
