"""Read the Dutch dates people type: 3 maart 2026, 03-03-2026, 3/3/26, 2026-03-03, gisteren, vorige week."""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "maart": 3,
    "mrt": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_NUMERIC = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_WORDS = re.compile(
    r"\b(\d{1,2})\s+(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?(?:\s+(\d{4}))?\b", re.IGNORECASE
)
_RELATIVE = {"vandaag": 0, "gisteren": 1, "eergisteren": 2}
_WEEKS_AGO = re.compile(r"\b(\d{1,2}|een|twee|drie|vier|vijf|zes)\s+weken?\s+geleden\b", re.IGNORECASE)
_NUMBER_WORDS = {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6}


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, today: date | None = None) -> date | None:
    """The first date in ``text``, or None. A day and month without a year mean the most recent such date."""
    if not text:
        return None
    today = today or date.today()
    lowered = text.lower()
    match = _ISO.search(lowered)
    if match:
        return _safe(int(match[1]), int(match[2]), int(match[3]))
    match = _NUMERIC.search(lowered)
    if match:
        year = int(match[3])
        year = year + 2000 if year < 100 else year
        return _safe(year, int(match[2]), int(match[1]))
    match = _WORDS.search(lowered)
    if match:
        day, month = int(match[1]), MONTHS[match[2].lower()]
        if match[3]:
            return _safe(int(match[3]), month, day)
        candidate = _safe(today.year, month, day)
        if candidate and candidate > today:
            candidate = _safe(today.year - 1, month, day)
        return candidate
    for word, days in _RELATIVE.items():
        if re.search(rf"\b{word}\b", lowered):
            return today - timedelta(days=days)
    if re.search(r"\bvorige week\b", lowered):
        return today - timedelta(weeks=1)
    match = _WEEKS_AGO.search(lowered)
    if match:
        count = _NUMBER_WORDS.get(match[1].lower()) or int(match[1])
        return today - timedelta(weeks=count)
    return None


# a season said for when something happened: its last month (the latest day it can have been)
SEASONS = {"voorjaar": 5, "lente": 5, "zomer": 8, "najaar": 11, "herfst": 11}
_MONTH_OR_SEASON = re.compile(
    r"\b(?:in|begin|half|midden|eind|sinds|vanaf)\s+(?:(?:de|het)\s+)?("
    + "|".join(sorted([*MONTHS, *SEASONS], key=len, reverse=True))
    + r")\b(?:\s+(\d{4}))?"
)


def latest_day_said(text: str, today: date) -> date | None:
    """The latest day a month or season said without a day can mean ("in juni" → 30 June, "in de zomer" → 31
    August), before or on ``today``: a time counted from it is never too long."""
    match = _MONTH_OR_SEASON.search(text.lower())
    if not match:
        return None
    word = match[1]
    month = SEASONS.get(word) or MONTHS[word]
    year = int(match[2]) if match[2] else today.year
    if not match[2] and date(year, month, 1) > today:
        year -= 1  # "in juni" said in March: last year's June
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return min(last, today)


MONTH_NAMES = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


WEEKDAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def format_date(value: date) -> str:
    """3 maart 2026."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def format_day(value: date) -> str:
    """dinsdag 3 maart 2026: a last day, so that nobody has to look up which day of the week it is."""
    return f"{WEEKDAY_NAMES[value.weekday()]} {format_date(value)}"
