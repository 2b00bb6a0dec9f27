"""Terms from the catalogue (dated values, as in OpenFisca parameters) turned into due dates."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

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
            if current.weekday() < 5:
                left -= 1
        return current
    if unit == "months":
        month_index = start.month - 1 + amount
        year, month = start.year + month_index // 12, month_index % 12 + 1
        return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    raise ValueError(f"unknown unit {unit!r}")


def compute(raw: Mapping[str, Any], facts: Any, today: date) -> Deadline | None:
    """One catalogue deadline for this case; ``due`` is set when the case has the date the term counts from."""
    value = value_on(raw["values"], today)
    if value is None:
        return None
    fact_name = COUNTS_FROM_FACT.get(raw.get("counts_from", "none"))
    start = getattr(facts, fact_name, None) if fact_name else None
    start = start if isinstance(start, date) else None
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
        due=add_term(start, value["value"], raw["unit"]) if start else None,
        today=today,
    )
