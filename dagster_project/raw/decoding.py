"""From raw bytes to text, or a clear reason why a file is not readable text."""

from dataclasses import dataclass

BINARY_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Undecodable:
    reason: str
    line_number: int | None
    snippet: str


def decode(content: bytes) -> str | Undecodable:
    if not content.strip():
        return Undecodable("empty file: nothing to parse", None, "")
    if b"\x00" in content[:BINARY_SNIFF_BYTES]:
        return Undecodable("binary file (NUL bytes): not a scraped page", None,
                           _printable(content[:80]))
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = content.count(b"\n", 0, problem.start) + 1
        return Undecodable(
            f"not UTF-8: byte 0x{content[problem.start]:02x} at line {line}; "
            "re-save the page as UTF-8",
            line,
            _printable(content[max(0, problem.start - 40) : problem.start + 40]),
        )


def _printable(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace").replace("\x00", "\\0")
