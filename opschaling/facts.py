"""The facts of a case, as the engine sees them, and their allowed values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from opschaling.dates import parse_date

UNKNOWN = "onbekend"  # the user answered "weet ik niet": the question is answered, the value is unknown

SITUATIONS = (
    "besluit_oneens",
    "klacht_zorgaanbieder",
    "klacht_instantie",
    "geen_plek",
    "zorg_past_niet",
    "probleemgedrag",
    "multiproblematiek",
    "jeugdzorg",
    "kastje_muur",
    "wie_verantwoordelijk",
    "vraag_clientondersteuning",
    "informatie_delen",
    "besluit_te_laat",
    "achttien_worden",
    "mantelzorg_overbelast",
)
# Who the user is. A professional brings a case in himself; the others are addressed as (a relative of) the client.
ROLES = (
    "client",
    "jongere",
    "naaste",
    "vertegenwoordiger",
    "clientondersteuner",
    "zorgaanbieder",
    "zorgprofessional",
    "gemeente_medewerker",
    "zorgkantoor_medewerker",
)
PROFESSIONAL_ROLES = (
    "clientondersteuner",
    "zorgaanbieder",
    "zorgprofessional",
    "gemeente_medewerker",
    "zorgkantoor_medewerker",
)
CLIENT_ROLES = ("client", "jongere", "naaste", "vertegenwoordiger")
# Role groups usable in route conditions (`when: {role: ["@burger"]}`); "onbekend" counts as a client.
ROLE_GROUPS: Mapping[str, tuple[str, ...]] = {
    "@burger": (*CLIENT_ROLES, UNKNOWN),
    "@professional": PROFESSIONAL_ROLES,
}
_YES_NO_UNKNOWN = (True, False, UNKNOWN)
ALLOWED: Mapping[str, tuple[Any, ...]] = {
    "situation": SITUATIONS,
    "law": ("wlz", "wmo", "jeugdwet", "zvw", "forensisch", UNKNOWN),
    "organisation": ("gemeente", "ciz", "zorgkantoor", "zorgverzekeraar", "zorgaanbieder", "cak", UNKNOWN),
    "age_group": ("kind", "jongvolwassene", "volwassene", UNKNOWN),
    "role": (*ROLES, UNKNOWN),
    "acute_danger": _YES_NO_UNKNOWN,
    "consent": _YES_NO_UNKNOWN,
    "urgent": _YES_NO_UNKNOWN,
    "termination": _YES_NO_UNKNOWN,
    # klacht_instantie: does the complaint concern the content of a decision open to bezwaar (R-public §7)?
    "about_decision": _YES_NO_UNKNOWN,
    # klacht_instantie: did the body itself finish handling the complaint less than a year ago (R-public §7)?
    "complaint_within_year": _YES_NO_UNKNOWN,
}
BOOLEAN_FACTS = ("acute_danger", "consent", "urgent", "termination", "about_decision", "complaint_within_year")
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
    acute_danger: bool | str | None = None
    consent: bool | str | None = None
    urgent: bool | str | None = None
    termination: bool | str | None = None
    about_decision: bool | str | None = None
    complaint_within_year: bool | str | None = None
    steps_tried: Mapping[str, str] = field(default_factory=dict)
    today: date = field(default_factory=date.today)

    def get(self, name: str) -> Any:
        return getattr(self, name)

    @property
    def effective_role(self) -> str | None:
        """The role the engine works with: "weet ik niet" is treated as the client."""
        return "client" if self.role == UNKNOWN else self.role

    @property
    def is_professional(self) -> bool:
        return self.role in PROFESSIONAL_ROLES

    @property
    def young(self) -> bool:
        """A young person: role jongere, or the client himself when the age group is kind."""
        return self.role == "jongere" or (self.effective_role == "client" and self.age_group == "kind")

    @property
    def audience(self) -> str:
        """How the renderer addresses the user: "professional", "young" (je) or "client" (u)."""
        if self.is_professional:
            return "professional"
        return "young" if self.young else "client"

    def with_outcome(self, step: str, outcome: str) -> CaseFacts:
        return replace(self, steps_tried={**self.steps_tried, step: outcome})

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any], today: date | None = None) -> CaseFacts:
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
            values["steps_tried"] = {
                str(k): outcome for k, v in steps.items() if (outcome := normalise_outcome(v)) is not None
            }
        if today:
            values["today"] = today
        return cls(**values)


def normalise_outcome(value: Any) -> str | None:
    """A step outcome: nee, loopt or niet_geholpen. "Weet ik niet (of ik dat al deed)" counts as nee."""
    if value == UNKNOWN:
        return "nee"
    return value if value in STEP_OUTCOMES else None


_TRUE = {"true", "ja", "yes", "1", True}
_FALSE = {"false", "nee", "no", "0", False}


def normalise_value(name: str, value: Any) -> Any:
    """Booleans arrive from buttons as strings or booleans; other values as lower-case strings."""
    if value is None:
        return None
    if name in BOOLEAN_FACTS:
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
