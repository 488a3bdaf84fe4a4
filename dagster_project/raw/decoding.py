"""From raw bytes to text, or a clear reason why a file is not readable text."""

import codecs
from dataclasses import dataclass

BINARY_SNIFF_BYTES = 8192
# What a binary file is, by its first bytes: said instead of "binary".
MAGIC = ((b"\x1f\x8b", "gzip-compressed: decompress it (gunzip FILE) and put the page in raw/"),
         (b"PK\x03\x04", "a zip archive: unpack it and put the pages in raw/"),
         (b"\x89PNG", "a PNG image: not a scraped page"),
         (b"%PDF", "a PDF document: not a scraped page"))


@dataclass(frozen=True)
class Undecodable:
    reason: str
    line_number: int | None
    snippet: str


def decode(content: bytes) -> str | Undecodable:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_utf16(content)
    if not content.strip():
        return Undecodable("empty file: nothing to parse", None, "")
    for magic, what in MAGIC:
        if content.startswith(magic):
            return Undecodable(what, None, _hex(content))
    head = content[:BINARY_SNIFF_BYTES]
    if b"\x00" in head:
        if _looks_like_utf16(head):
            return Undecodable("UTF-16 text without a byte-order mark: re-save the page as "
                               "UTF-8 (or UTF-16 with a BOM)", None, _hex(content))
        return Undecodable("binary file (NUL bytes): not a scraped page", None, _hex(content))
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = content.count(b"\n", 0, problem.start) + 1
        return Undecodable(
            f"not UTF-8: byte 0x{content[problem.start]:02x} at line {line}; "
            "re-save the page as UTF-8",
            line,
            content[max(0, problem.start - 40) : problem.start + 40].decode(
                "utf-8", errors="replace"),
        )


def _decode_utf16(content: bytes) -> str | Undecodable:
    """A page saved as UTF-16 with its byte-order mark (Windows tools do): read as such."""
    try:
        text = content.decode("utf-16")
    except UnicodeDecodeError as problem:
        return Undecodable(f"UTF-16 with a byte-order mark, but not valid UTF-16 at byte "
                           f"{problem.start}; re-save the page as UTF-8", None, _hex(content))
    if not text.strip():
        return Undecodable("empty file: nothing to parse", None, "")
    return text


def _looks_like_utf16(head: bytes) -> bool:
    """Text in UTF-16: every other byte NUL (ASCII characters), at even or odd offsets."""
    even, odd = head[0::2], head[1::2]
    return any(part.count(0) > 0.9 * len(part) for part in (even, odd) if part)


def _hex(content: bytes) -> str:
    """The first bytes in hex: what identifies a binary file, without publishing garbage."""
    return "bytes: " + content[:16].hex(" ")
