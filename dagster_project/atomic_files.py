"""Files written whole or not at all: state files, collected days and their sidecars, the
dashboard, rewritten Data Docs pages.

The content goes to a hidden temporary file of this writer's own beside the target (so two
writers never share one, and a listing of raw/ skips it), then takes the target's name in
one rename; a killed or failed write leaves the old file and no leftover. `durable` also
flushes the bytes to disk before the rename, for files that are the only record (collected
days). Stdlib only: the CLI's "up to date" answer uses it before anything heavy loads.
"""

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: str | bytes, durable: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staged = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial",
                                      dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content.encode("utf-8") if isinstance(content, str) else content)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.chmod(staged, 0o644)  # mkstemp makes it private; readers (BI tools, browsers) read it
        os.replace(staged, path)
    finally:
        Path(staged).unlink(missing_ok=True)
