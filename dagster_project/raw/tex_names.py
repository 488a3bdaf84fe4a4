"""Names as people write them: TeX accents in arXiv metadata (`Bal\\'azs`, `M\\"uller`,
`{\\AA}ngstr\\"om`) become Unicode (Balázs, Müller, Ångström), so a search for "Balázs" or a
join with the Hub's names finds them.

pylatexenc does the decoding; math (`$…$`) stays as written. It costs ~150 µs a name, so
only text holding a backslash or a brace goes through it, and each distinct name once (a
few authors write most of arXiv's papers).
"""

from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

_DECODER = LatexNodes2Text(math_mode="verbatim")
DISTINCT_NAMES_CACHED = 200_000


def unicode_text(text: str) -> str:
    """text with its TeX accents and escapes decoded; anything else unchanged."""
    if "\\" not in text and "{" not in text:
        return text
    return _decoded(text)


@lru_cache(maxsize=DISTINCT_NAMES_CACHED)
def _decoded(text: str) -> str:
    try:
        decoded = _DECODER.latex_to_text(text)
    except Exception:  # noqa: BLE001 - pylatexenc is tolerant; a name it cannot read stays
        return text
    return " ".join(decoded.split()) or text
