"""Commands printed for the user to run next, spelled so they run from where the user is:
`papers-warehouse` when that is on the PATH (an activated venv), else the script's path
(`.venv/bin/papers-warehouse` from the project root), and the data dir unless it is ./data.
(Not $PAPERS_WAREHOUSE_DATA_DIR: a build sets it for dbt, the user's shell may not have it.)"""

import shlex
import shutil
import sys
from pathlib import Path

from dagster_project.settings import DEFAULT_DATA_DIR

CLI = "papers-warehouse"


def command(*args: str, data_dir: Path | None = None) -> str:
    words = [_program(), *args]
    if data_dir is not None and data_dir.resolve() != Path(DEFAULT_DATA_DIR).resolve():
        words += ["--data-dir", str(data_dir)]
    return shlex.join(words)


def _program() -> str:
    script = Path(sys.executable).with_name(CLI)
    on_path = shutil.which(CLI)
    if on_path and Path(on_path).resolve() == script.resolve():
        return CLI
    if script.is_relative_to(Path.cwd()):
        return str(script.relative_to(Path.cwd()))
    return str(script)
