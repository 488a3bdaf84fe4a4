"""Apache Superset in a virtual environment of its own, for the BI test (`make test-bi`).

Superset 6.1.0 needs SQLAlchemy 1.4 and the project is on 2.x, so Superset never goes into the
project's .venv. Its venv (~710 MB with uv) is cached outside the work tree — in
$PAPERS_WAREHOUSE_SUPERSET_VENV, else ~/.cache/papers-warehouse/superset-venv — and is
reinstalled only when superset-requirements.txt or superset-constraints.txt change.

    .venv/bin/python -m bi.superset_env      # create or reuse it; prints its path
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

BI = Path(__file__).resolve().parent
REQUIREMENTS = BI / "superset-requirements.txt"
CONSTRAINTS = BI / "superset-constraints.txt"
VENV_VARIABLE = "PAPERS_WAREHOUSE_SUPERSET_VENV"
STAMP = ".papers-warehouse-installed"


def venv_path() -> Path:
    configured = os.environ.get(VENV_VARIABLE)
    if configured:
        return Path(configured).expanduser().resolve()
    return Path.home() / ".cache" / "papers-warehouse" / "superset-venv"


def superset_executable(venv: Path) -> Path:
    return venv / "bin" / "superset"


def ensure_venv(venv: Path | None = None) -> Path:
    """The venv holding Superset, installed if missing or installed from other pins."""
    venv = venv or venv_path()
    stamp = venv / STAMP
    wanted = _pins_digest()
    if superset_executable(venv).exists() and stamp.exists() and stamp.read_text() == wanted:
        return venv
    uv = _uv()
    # `uv venv --clear` recreates it: a half-installed venv from an interrupted run is not reused.
    subprocess.run([uv, "venv", "--clear", "--quiet", "--python", sys.executable, str(venv)],
                   check=True)
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
                    "-r", str(REQUIREMENTS), "-c", str(CONSTRAINTS)], check=True)
    stamp.write_text(wanted)
    return venv


def _pins_digest() -> str:
    digest = hashlib.sha256()
    for path in (REQUIREMENTS, CONSTRAINTS):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _uv() -> str:
    """uv from the project's venv (the Makefile installs it there), else from PATH."""
    beside_python = Path(sys.executable).parent / "uv"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("uv")
    if found is None:
        raise RuntimeError("uv is needed to install Superset's venv: `make prepare` installs it")
    return found


if __name__ == "__main__":
    print(ensure_venv())
