"""Terms from the catalogue (dated values, as in OpenFisca parameters) turned into due dates.

A term that a law sets (catalogue field ``termijnenwet: true``) and that ends on a Saturday, a Sunday or a public
holiday of the Algemene termijnenwet runs on to the next day that is none of these (art. 1 Atw); the holidays are
those of art. 3 Atw: Nieuwjaarsdag, Goede Vrijdag (gelijkgesteld), tweede Paas- en Pinksterdag, Hemelvaartsdag,
Koningsdag, 5 mei (every year) and both Kerstdagen (``../shared/reference/public_facts.md`` §22). The Dutch calendar
comes from the ``holidays`` package; its Bevrijdingsdag counts only every fifth year, so 5 mei is added. The Atw
does not apply to terms longer than three months (same section).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays
from dateutil.relativedelta import relativedelta

from opschaling.catalogue import Reference, references

# Which fact of the case a term counts from (catalogue field `counts_from`).
COUNTS_FROM_FACT = {"decision_date": "decision_date", "decision_on_objection_date": "objection_decision_date"}


@dataclass(frozen=True)
class Deadline:
    id: str
    label: str
    value: float
    unit: str
    extension: float | None
    counts_from_text: str
    binding_on: str
    firm: bool
    uncertain: str | None
    references: tuple[Reference, ...]
    start: date | None = None
    due: date | None = None
    today: date | None = None
    moved_from: date | None = None  # the day the term ended before the Algemene termijnenwet moved it on
    late: str | None = None  # the explanation topic for a term that has passed (catalogue field `late`)

    @property
    def last_day_today(self) -> bool:
        return self.days_left == 0

    @property
    def days_left(self) -> int | None:
        if self.due is None or self.today is None:
            return None
        return (self.due - self.today).days

    @property
    def passed(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def value_on(values: Mapping[Any, Mapping[str, Any]], on: date) -> Mapping[str, Any] | None:
    """The value in force on ``on``: the entry with the latest start date not after it."""
    in_force = None
    for start, value in sorted(((_as_date(k), v) for k, v in values.items()), key=lambda kv: kv[0]):
        if start <= on:
            in_force = value
    return in_force


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@lru_cache(maxsize=64)
def _atw_holidays(year: int) -> Mapping[date, str]:
    days = dict(holidays.country_holidays("NL", years=year, language="nl"))
    days[date(year, 5, 5)] = "Bevrijdingsdag"  # "de vijfde mei", every year (art. 3 Atw)
    return days


def rest_day(day: date) -> str | None:
    """What ``day`` is when it is a Saturday, a Sunday or a holiday of the Algemene termijnenwet ("zondag",
    "Tweede Kerstdag"), else None."""
    holiday = _atw_holidays(day.year).get(day)
    if holiday:
        return holiday
    return ("zaterdag", "zondag")[day.weekday() - 5] if day.weekday() >= 5 else None


def next_working_day(day: date) -> date:
    """``day`` itself, or the first day after it that is not a rest day (art. 1 Atw)."""
    while rest_day(day):
        day += timedelta(days=1)
    return day


def add_term(start: date, value: float, unit: str) -> date:
    amount = int(value)
    if unit == "days":
        return start + timedelta(days=amount)
    if unit == "weeks":
        return start + timedelta(weeks=amount)
    if unit == "workdays":
        current, left = start, amount
        while left:
            current += timedelta(days=1)
            if not rest_day(current):
                left -= 1
        return current
    if unit == "months":
        return start + relativedelta(months=amount)  # 31 januari + 1 maand = 28 (29) februari
    raise ValueError(f"unknown unit {unit!r}")


def _atw_applies(raw: Mapping[str, Any], value: float) -> bool:
    """A term set by a law, of at most three months (the Atw does not apply to longer ones, reference §22)."""
    limit = {"days": 90, "workdays": 90, "weeks": 12, "months": 3}.get(raw["unit"], 0)
    return bool(raw.get("termijnenwet")) and value <= limit


def compute(raw: Mapping[str, Any], facts: Any, today: date) -> Deadline | None:
    """One catalogue deadline for this case; ``due`` is set when the case has the date the term counts from."""
    value = value_on(raw["values"], today)
    if value is None:
        return None
    fact_name = COUNTS_FROM_FACT.get(raw.get("counts_from", "none"))
    start = getattr(facts, fact_name, None) if fact_name else None
    start = start if isinstance(start, date) else None
    end = add_term(start, value["value"], raw["unit"]) if start else None
    due = next_working_day(end) if end and _atw_applies(raw, value["value"]) else end
    return Deadline(
        id=raw["id"],
        label=raw["label"],
        value=value["value"],
        unit=raw["unit"],
        extension=value.get("extension"),
        counts_from_text=raw.get("counts_from_text", ""),
        binding_on=raw.get("binding_on", "user"),
        firm=bool(raw.get("firm", True)) and not raw.get("uncertain"),
        uncertain=raw.get("uncertain"),
        references=references(raw.get("reference")),
        start=start,
        due=due,
        today=today,
        moved_from=end if due != end else None,
        late=raw.get("late"),
    )
