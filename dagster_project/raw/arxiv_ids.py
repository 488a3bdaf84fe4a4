"""arXiv identifiers, normalised to the bare id every source agrees on.

"arXiv:2505.03176v2", "https://arxiv.org/abs/2505.03176" and "2505.03176" are one paper:
"2505.03176". Old-style ids keep their archive in lower case and subject class in upper
case ("math.AG/0601001"), the form arXiv prints and the raw-listings suite expects.
"""

import re

ARXIV_ID = re.compile(
    r"""^(?:https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:)?
        (?:
            (?P<new>\d{4}\.\d{4,5})                                   # 2505.03176
          | (?P<archive>[a-z]+(?:-[a-z]+)*)(?:\.(?P<subject>[a-z]{2}))?
            /(?P<number>\d{7})                                        # hep-th/9901001
        )
        (?:v\d+)?(?:\.pdf)?$""",
    re.IGNORECASE | re.VERBOSE,
)


def normalize_arxiv_id(value: object) -> str | None:
    """The bare arXiv id, or None when the value is not an arXiv identifier."""
    if not isinstance(value, str):
        return None
    match = ARXIV_ID.match(value.strip())
    if match is None:
        return None
    if match["new"]:
        return match["new"]
    subject = f".{match['subject'].upper()}" if match["subject"] else ""
    return f"{match['archive'].lower()}{subject}/{match['number']}"
