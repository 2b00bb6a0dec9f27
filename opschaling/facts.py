"""The facts of a case, as the engine sees them, and their allowed values."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Mapping

from opschaling.dates import parse_date

UNKNOWN = "onbekend"  # the user answered "weet ik niet": the question is answered, the value is unknown

SITUATIONS = (
    "besluit_oneens", "klacht_zorgaanbieder", "klacht_instantie", "geen_plek", "zorg_past_niet",
    "probleemgedrag", "multiproblematiek", "jeugdzorg", "kastje_muur", "wie_verantwoordelijk",
    "vraag_clientondersteuning", "informatie_delen",
)
ALLOWED: Mapping[str, tuple[Any, ...]] = {
    "situation": SITUATIONS,
    "law": ("wlz", "wmo", "jeugdwet", "zvw", "forensisch", UNKNOWN),
    "organisation": ("gemeente", "ciz", "zorgkantoor", "zorgverzekeraar", "zorgaanbieder", "cak", UNKNOWN),
    "age_group": ("kind", "jongvolwassene", "volwassene", UNKNOWN),
    "role": ("client", "naaste", "clientondersteuner", "zorgprofessional", "gemeente_medewerker",
             "zorgkantoor_medewerker"),
    "acute_danger": (True, False),
    "consent": (True, False, UNKNOWN),
    "urgent": (True, False),
    "termination": (True, False),
}
DATE_FACTS = ("decision_date", "objection_decision_date")
STEP_OUTCOMES = ("nee", "loopt", "niet_geholpen")


@dataclass(frozen=True)
class CaseFacts:
    situation: str | None = None
    law: str | None = None
    organisation: str | None = None
    age_group: str | None = None
    role: str | None = None
    decision_date: date | str | None = None
    objection_decision_date: date | str | None = None
    acute_danger: bool | None = None
    consent: bool | str | None = None
    urgent: bool | None = None
    termination: bool | None = None
    steps_tried: Mapping[str, str] = field(default_factory=dict)
    today: date = field(default_factory=date.today)

    def get(self, name: str) -> Any:
        return getattr(self, name)

    def with_outcome(self, step: str, outcome: str) -> "CaseFacts":
        return replace(self, steps_tried={**self.steps_tried, step: outcome})

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any], today: date | None = None) -> "CaseFacts":
        """Build facts from conversation slots, dropping every value that is not allowed."""
        values: dict[str, Any] = {}
        for name, allowed in ALLOWED.items():
            value = normalise_value(name, slots.get(name))
            if value in allowed:
                values[name] = value
        for name in DATE_FACTS:
            value = slots.get(name)
            if value == UNKNOWN:
                values[name] = UNKNOWN
            elif isinstance(value, date):
                values[name] = value
            elif isinstance(value, str):
                parsed = parse_date(value, today=today)
                if parsed:
                    values[name] = parsed
        steps = slots.get("steps_tried") or {}
        if isinstance(steps, Mapping):
            values["steps_tried"] = {str(k): v for k, v in steps.items() if v in STEP_OUTCOMES}
        if today:
            values["today"] = today
        return cls(**values)


_TRUE = {"true", "ja", "yes", "1", True}
_FALSE = {"false", "nee", "no", "0", False}


def normalise_value(name: str, value: Any) -> Any:
    """Booleans arrive from buttons as strings or booleans; other values as lower-case strings."""
    if value is None:
        return None
    if name in ("acute_danger", "consent", "urgent", "termination"):
        if value in _TRUE or (isinstance(value, str) and value.lower() in _TRUE):
            return True
        if value in _FALSE or (isinstance(value, str) and value.lower() in _FALSE):
            return False
        return UNKNOWN if value == UNKNOWN else None
    if isinstance(value, str):
        return value.strip().lower()
    return value


def age_group_for(years: int) -> str:
    """Kind under 18; jongvolwassene 18-22 (verlengde jeugdhulp can run to 23); volwassene from 23."""
    if years < 18:
        return "kind"
    if years < 23:
        return "jongvolwassene"
    return "volwassene"

