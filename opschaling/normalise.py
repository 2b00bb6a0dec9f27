"""Turn free-text answers into fact values (for users who type instead of clicking a button)."""

from __future__ import annotations

import re
from datetime import date

from opschaling.dates import parse_date
from opschaling.facts import UNKNOWN, age_group_for

_DONT_KNOW = re.compile(r"\b(?:weet (?:ik )?(?:het )?niet|geen idee|onbekend|weet niet)\b", re.IGNORECASE)
_AGE = re.compile(r"\b(\d{1,3})\s*(?:jaar|jr|j\b)|\bis\s+(\d{1,3})\b|^\s*(\d{1,3})\s*$", re.IGNORECASE)

_KEYWORDS = {
    "law": (
        ("wlz", r"\bwlz\b|langdurige zorg|\bciz\b|zorgkantoor"),
        ("wmo", r"\bwmo\b|maatschappelijke ondersteuning|beschermd wonen"),
        ("jeugdwet", r"jeugdwet|jeugdhulp|jeugdzorg|jeugdteam"),
        ("zvw", r"\bzvw\b|zorgverzekering|basisverzekering|wijkverpleging|zorgverzekeraar"),
        ("forensisch", r"forensisch|justiti"),
    ),
    "organisation": (
        ("ciz", r"\bciz\b|\bcis\b|indicatie"),
        ("zorgkantoor", r"zorg ?kant?oo?r"),
        ("zorgverzekeraar", r"verzekeraar|verzekering"),
        ("gemeente", r"gemeente|wijkteam|wmo-?loket|jeugdteam"),
        ("cak", r"\bcak\b"),
        ("zorgaanbieder", r"zorgaanbieder|instelling|verpleeghuis|thuiszorg|aanbieder"),
    ),
    "role": (
        ("clientondersteuner", r"cli[eë]ntondersteun|\boco\b"),
        (
            "gemeente_medewerker",
            r"(?:werk|medewerker) (?:bij|van) de gemeente|gemeenteambtenaar|wmo-consulent|consulent",
        ),
        ("zorgkantoor_medewerker", r"(?:werk|medewerker) (?:bij|van) (?:het )?zorgkantoor|zorgbemiddelaar"),
        (
            "zorgprofessional",
            r"verpleegkundige|begeleider|huisarts|arts\b|hulpverlener|professional|zorgverlener|behandelaar",
        ),
        ("naaste", r"moeder|vader|zoon|dochter|partner|man\b|vrouw\b|ouder|broer|zus|familie|mantelzorg|naaste|kind"),
        ("client", r"\bik(?:zelf)?\b.*\b(?:cli[eë]nt|zelf)\b|^\s*(?:ik|mijzelf|mezelf|voor mezelf)\s*$|de cli[eë]nt"),
    ),
}

_STEP_OUTCOME = (
    ("loopt", r"loopt|wacht|nog bezig|in behandeling|nog geen (?:antwoord|reactie|uitspraak)|afwachten"),
    (
        "niet_geholpen",
        r"hielp niet|niet geholpen|geen resultaat|afgewezen|ongegrond|niks|niets opgeleverd|zonder resultaat|"
        r"helpt niet|werkt niet|^\s*ja\b|al gedaan|al geprobeerd",
    ),
    ("nee", r"^\s*nee\b|nog niet|niet gedaan|nooit"),
)


def keyword_value(fact: str, text: str) -> str | None:
    """The first value whose keywords occur in ``text``, for law / organisation / role."""
    lowered = text.lower()
    if _DONT_KNOW.search(lowered) and fact in ("law", "organisation"):
        return UNKNOWN
    for value, pattern in _KEYWORDS.get(fact, ()):
        if re.search(pattern, lowered):
            return value
    return None


def step_outcome(text: str) -> str | None:
    lowered = text.lower().strip()
    for value, pattern in _STEP_OUTCOME:
        if re.search(pattern, lowered):
            return value
    return None


def age_group(text: str) -> str | None:
    lowered = text.lower()
    if _DONT_KNOW.search(lowered):
        return UNKNOWN
    match = _AGE.search(lowered)
    if match:
        years = int(next(g for g in match.groups() if g))
        if 0 <= years <= 120:
            return age_group_for(years)
    if re.search(r"\b(?:kind|baby|peuter|puber|tiener|minderjarig|jonger dan 18|onder de 18)\b", lowered):
        return "kind"
    if re.search(r"\b(?:volwassen|ouder dan 23|bejaard|oudere|oud)\b", lowered):
        return "volwassene"
    return None


def date_answer(text: str, today: date | None = None) -> str | None:
    """ISO date string, 'onbekend', or None when no date is found."""
    if _DONT_KNOW.search(text.lower()):
        return UNKNOWN
    parsed = parse_date(text, today=today)
    return parsed.isoformat() if parsed else None


def yes_no(text: str) -> bool | None:
    lowered = text.lower().strip()
    if re.match(r"^(?:ja|jawel|zeker|klopt|yes|jazeker|inderdaad)\b", lowered):
        return True
    if re.match(r"^(?:nee|neen|nope|no|niet|geen)\b", lowered):
        return False
    return None
