"""Signs of acute danger or suicidality in free text. Checked on every message, before anything else,
so that a misread intent can never hide them."""
from __future__ import annotations

import re

SUICIDE = "suicide"
DANGER = "danger"

_SUICIDE_PATTERNS = (
    r"zelfmoord", r"su[iï]cid", r"zelfdoding", r"niet meer (?:verder )?(?:willen |wil |)leven",
    r"wil niet meer leven", r"(?:mij|mezelf|zichzelf|hemzelf|haarzelf) (?:iets )?(?:aan ?(?:te )?doen|van kant)",
    r"(?:een )?einde aan (?:mijn|zijn|haar|het) leven", r"dood (?:gaan|willen|wil)", r"van het leven beroven",
    r"ophangen", r"overdosis",
)
_DANGER_PATTERNS = (
    r"acu(?:u|)t gevaar", r"levensgevaar", r"in gevaar", r"(?:slaat|mishandelt|bedreigt|steekt) (?:mij|me|haar|hem|ons|de kinderen)",
    r"met een mes", r"dreigt (?:te )?(?:slaan|doden|vermoorden)", r"vermoord", r"brand gesticht", r"politie (?:nodig|bellen)",
)
_NEGATIONS = re.compile(r"\bgeen (?:acuut )?gevaar\b|\bniet in gevaar\b|\bniet acuut\b", re.IGNORECASE)


def detect(text: str | None) -> str | None:
    """``"suicide"``, ``"danger"`` or None."""
    if not text:
        return None
    lowered = text.lower()
    if any(re.search(p, lowered) for p in _SUICIDE_PATTERNS):
        return SUICIDE
    if _NEGATIONS.search(lowered):
        return None
    if any(re.search(p, lowered) for p in _DANGER_PATTERNS):
        return DANGER
    return None
