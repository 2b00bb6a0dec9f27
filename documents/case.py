"""One conversation's case as the documents read it: the facts of the dialogue state, the engine's advice for them,
and when the user told each step they tried.

The state is the slot ``dialogue`` (docs/ARCHITECTURE.md, "Dialogue state"): it holds only what the channel guard
let through, as facts of catalogue/facts.yaml (choices, yes/no, dates). A document reads only those facts: never
the texts the assistant did not understand (``unread``) or a feedback comment, so nothing a user typed reaches a
file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from opschaling.catalogue import Catalogue
from opschaling.deadlines import Deadline
from opschaling.engine import Advice, advise
from opschaling.facts import CaseFacts

# a step the user tried: the outcomes that say so (nee = not tried yet)
TRIED_OUTCOMES = ("loopt", "niet_geholpen")


@dataclass(frozen=True)
class Case:
    facts: CaseFacts
    advice: Advice
    catalogue: Catalogue
    today: date
    told: Mapping[str, date] = field(default_factory=dict)  # step id -> the day the user said how it went

    @property
    def tried(self) -> list[tuple[str, str]]:
        """(body id, outcome) of the steps tried, in the order the user told them."""
        return [
            (body, outcome)
            for body, outcome in self.facts.steps_tried.items()
            if outcome in TRIED_OUTCOMES and body in self.catalogue.bodies
        ]

    @property
    def user_deadline(self) -> Deadline | None:
        """The user's own term of the next step (bezwaar within 6 weeks), when the step is to be taken."""
        step = self.advice.step
        if step is None or step.status == "loopt":
            return None
        return next((d for d in step.deadlines if d.binding_on == "user"), None)

    @property
    def known(self) -> bool:
        """Something to put in an overview: at least the situation."""
        return self.facts.situation is not None


def case_of(
    state: Mapping[str, Any] | None,
    catalogue: Catalogue,
    today: date,
    history: Iterable[tuple[datetime, Mapping[str, Any] | None]] = (),
) -> Case:
    """The case of a dialogue state; ``history``: (time, state) of every earlier version of the slot (the tracker's
    SlotSet events), for the day each tried step was told."""
    raw = dict((state or {}).get("facts") or {})
    facts = CaseFacts.from_slots(raw, today=today)
    advice = advise(facts, catalogue)
    return Case(facts=facts, advice=advice, catalogue=catalogue, today=today, told=told_dates(history))


def told_dates(history: Iterable[tuple[datetime, Mapping[str, Any] | None]]) -> dict[str, date]:
    """Per step: the day its current outcome was first in the state (and stayed)."""
    told: dict[str, tuple[str, date]] = {}
    for when, state in sorted(((w, s) for w, s in history if s), key=lambda ws: ws[0]):
        steps = ((state or {}).get("facts") or {}).get("steps_tried") or {}
        for body, outcome in steps.items():
            if told.get(body, ("", None))[0] != outcome:
                told[body] = (str(outcome), when.date())
        for body in [b for b in told if b not in steps]:
            told.pop(body)
    return {body: day for body, (_, day) in told.items()}
