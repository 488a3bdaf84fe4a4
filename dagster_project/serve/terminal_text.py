"""Scraped text shown on a terminal: control characters made visible, never obeyed.

A title can hold an escape sequence (colours, cursor moves, a terminal title change), a
backspace, a carriage return or a right-to-left override that reorders what is printed
after it. Tables and search results show them as escapes (\\x1b, \\u202e); CSV, JSON and
Parquet keep every value exact.
"""

# C0 controls (newline and tab too: a cell is one line), DEL, C1 controls, and Unicode's
# bidirectional formatting characters.
_INVISIBLE = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F,
              0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPES = {code: (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
            for code in _INVISIBLE}


def visible(text: str) -> str:
    """`text` with every control or direction-changing character written as its escape."""
    if text.isprintable():  # the common case: nothing to escape (controls are not printable)
        return text
    return text.translate(_ESCAPES)
