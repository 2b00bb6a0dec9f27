"""The folded form every word pattern is written for (lexicon/*.yaml, catalogue/explanations.yaml `when`):
lower case, accents removed, white space collapsed, at most MAX_TEXT characters read."""

from __future__ import annotations

import re
import unicodedata

MAX_TEXT = 4000


def fold(text: str) -> str:
    """Lower-case, accents removed, white space collapsed: the form every pattern is written for."""
    text = unicodedata.normalize("NFKD", text[:MAX_TEXT])
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", text).strip()
