"""Text a library prints to stdout, kept for the run's event log instead, line by line.

dagster-dbt echoes every dbt event (a line per model and test) to sys.stdout. In the event
log they show in the UI beside the step (and in `build --verbose`), not in the middle of the
CLI's progress line. Writing only buffers (it runs inside dagster-dbt's generator, where a
Ctrl-C must not land in a slow call); the step logs the lines between its own events.
"""

import contextlib


class RunLogLines:
    """A write-only text stream that collects complete, non-blank lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        self.lines.extend(line for line in lines if line.strip())
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def drain(self) -> list[str]:
        lines, self.lines = self.lines, []
        return lines


@contextlib.contextmanager
def stdout_lines():
    """Capture sys.stdout as lines; the last unfinished line is kept too."""
    lines = RunLogLines()
    try:
        with contextlib.redirect_stdout(lines):
            yield lines
    finally:
        if lines.pending.strip():
            lines.lines.append(lines.pending)
