"""Which documents fit an advice (read by opschaling/dialogue.py; the channels turn the names into links).

* ``bezwaarschrift``: a bezwaar (a body whose catalogue entry has ``letter: {kind: bezwaarschrift}``) is the step to
  take now (not one that is running);
* ``pro_forma``: with it, when the last day is at most :data:`PRO_FORMA_DAYS` away (a bezwaar without the reasons,
  the reasons later: reference §23, Awb 6:6);
* ``ingebrekestelling``: the ingebrekestelling is the step, and the catalogue knows to whom it goes for this case;
* ``agenda``: the step has a term of the user's own with a last day that has not passed;
* ``overzicht``: always after an advice and in the handoff, as the button "Overzicht maken" (the dialogue adds it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opschaling.engine import Advice

BEZWAARSCHRIFT = "bezwaarschrift"
PRO_FORMA = "pro_forma"
INGEBREKESTELLING = "ingebrekestelling"
AGENDA = "agenda"
OVERZICHT = "overzicht"
KINDS = (BEZWAARSCHRIFT, PRO_FORMA, INGEBREKESTELLING, AGENDA, OVERZICHT)
PRO_FORMA_DAYS = 14  # "weinig tijd": at most two weeks left


def letter_of(advice: Advice) -> Mapping[str, Any] | None:
    """The catalogue's ``letter`` entry of the step to take now, or None."""
    step = advice.step
    if step is None or step.status == "loopt":
        return None
    letter = step.body.raw.get("letter")
    return letter if isinstance(letter, Mapping) else None


def letter_body(advice: Advice, organisation: str | None) -> str | None:
    """The body whose ``letter.to`` addresses the letter: the step itself, or for an ingebrekestelling the body of the
    case's organisation (``to_by_organisation``); None when the catalogue does not know it."""
    letter = letter_of(advice)
    if letter is None or advice.step is None:
        return None
    if letter.get("to"):
        return advice.step.id
    return (letter.get("to_by_organisation") or {}).get(organisation or "")


def offered(advice: Advice, organisation: str | None = None) -> list[str]:
    """The documents that fit this advice, in the order the channels show them."""
    kinds: list[str] = []
    letter = letter_of(advice)
    step = advice.step
    if letter is not None and step is not None and letter_body(advice, organisation):
        kinds.append(str(letter["kind"]))
        deadline = next((d for d in step.deadlines if d.binding_on == "user"), None)
        days = deadline.days_left if deadline else None
        if letter["kind"] == BEZWAARSCHRIFT and days is not None and 0 <= days <= PRO_FORMA_DAYS:
            kinds.append(PRO_FORMA)
    user_terms = step.deadlines if step is not None and step.status != "loopt" else ()
    if any(d.binding_on == "user" and d.due and not d.passed for d in user_terms):
        kinds.append(AGENDA)
    return kinds
