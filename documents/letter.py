"""Draft letters: a bezwaarschrift (with every element of Awb 6:5: name and address, date, the decision with its date
and kenmerk, the reasons in the user's own words, the request, a signature), its pro-forma form (the reasons
later, Awb 6:6), and an ingebrekestelling when a body does not decide in time (Awb 4:17).

The addressee comes from the catalogue (``letter`` of the body: the college van B&W, the CIZ, the zorgkantoor, the
CAK); the decision date and the last day from the case. What the assistant does not know (name, address, kenmerk,
the reasons) is left blank. The letter speaks as the user ("ik") to the body ("u"): it is never turned into "je".
A last page, not to be sent, says what to check and that a cliëntondersteuner or the Juridisch Loket can check it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from documents.case import Case
from documents.content import BLANK, SHORT_BLANK, Doc
from documents.offer import BEZWAARSCHRIFT, INGEBREKESTELLING, PRO_FORMA, letter_body, letter_of
from opschaling.catalogue import Reference, references
from opschaling.dates import format_date, format_day
from opschaling.render import amount


@dataclass(frozen=True)
class Addressee:
    body: str
    to: str
    address: str | None
    email: str | None
    references: tuple[Reference, ...]

    @property
    def line(self) -> str:
        """The addressee as one line ("CIZ, t.a.v. Team Bezwaar en Beroep, Postbus 2891, 3500 GW Utrecht")."""
        return ", ".join(p for p in (self.to, self.address) if p)


def addressee(case: Case) -> Addressee | None:
    """Whom the letter of the case's next step goes to, from the catalogue; None when there is no such letter."""
    body_id = letter_body(case.advice, case.facts.organisation)
    if body_id is None or body_id not in case.catalogue.bodies:
        return None
    body = case.catalogue.body(body_id)
    letter: Mapping[str, Any] = body.raw.get("letter") or {}
    if not letter.get("to"):
        return None
    to = str(letter["to"]) + (f" {SHORT_BLANK}" if letter.get("to_blank") else "")
    step_letter = letter_of(case.advice) or {}
    refs = tuple(dict.fromkeys([*references(step_letter.get("reference")), *references(letter.get("reference"))]))
    return Addressee(body_id, to, letter.get("address"), body.contact.get("email"), refs)


def letter(case: Case, kind: str) -> Doc | None:
    """The draft letter ``kind`` (bezwaarschrift, pro_forma, ingebrekestelling) for the case, or None when that
    letter is not the next step."""
    to = addressee(case)
    letter = letter_of(case.advice)
    wanted = BEZWAARSCHRIFT if kind == PRO_FORMA else kind
    if to is None or letter is None or letter.get("kind") != wanted:
        return None
    text = case.catalogue.text
    title = text(
        {BEZWAARSCHRIFT: "letter_title_bezwaar", PRO_FORMA: "letter_title_pro_forma"}.get(
            kind, "letter_title_ingebreke"
        )
    )
    doc = Doc(title)
    doc.small(text("letter_draft_note"))
    for label in ("letter_sender_name", "letter_sender_address", "letter_sender_place"):
        doc.field(text(label))
    doc.space()
    doc.para(text("letter_date", date=format_date(case.today)))
    doc.para(text("letter_to", to=to.to))
    doc.para(f"{text('letter_sender_address')} {to.address}" if to.address else text("letter_to_address", blank=BLANK))
    if to.email:
        doc.para(text("letter_email", email=to.email))
    doc.space()
    doc.para(text("letter_subject", subject=title))
    doc.para(text("letter_salutation"))
    if kind == INGEBREKESTELLING:
        _ingebrekestelling(case, doc)
    else:
        _bezwaar(case, doc, pro_forma=kind == PRO_FORMA)
    doc.para(text("letter_closing"))
    doc.space(2)
    doc.field(text("letter_signature"))
    doc.space()
    if kind != INGEBREKESTELLING:
        doc.para(text("letter_attachment"))
    doc.page_break()
    doc.heading(text("letter_check_heading"))
    doc.bullets(_checklist(case, kind, to))
    refs = [*to.references, *(case.user_deadline.references if case.user_deadline else ())]
    doc.small(" ".join(f"Bron: {case.catalogue.cite(r)}." for r in dict.fromkeys(refs)))
    return doc


def _bezwaar(case: Case, doc: Doc, pro_forma: bool) -> None:
    text = case.catalogue.text
    decided = case.facts.decision_date
    # a date, or onbekend ("weet ik niet"): then a blank
    doc.para(text("letter_bezwaar_intro", date=format_date(decided) if isinstance(decided, date) else SHORT_BLANK))
    doc.para(text("letter_decision_kenmerk", blank=SHORT_BLANK))
    if pro_forma:
        doc.para(text("letter_pro_forma"))
    else:
        doc.para(text("letter_bezwaar_why_heading"))
        doc.small(text("letter_bezwaar_why_hint"))
        doc.space(5)
    deadline = case.user_deadline
    if deadline is not None and deadline.passed:
        doc.para(text("letter_late", blank=BLANK))
    doc.para(text("letter_bezwaar_request"))
    doc.para(text("letter_bezwaar_heard"))
    doc.para(text("letter_copy_sent"))


def _ingebrekestelling(case: Case, doc: Doc) -> None:
    text = case.catalogue.text
    doc.para(text("letter_ingebreke_intro", blank=SHORT_BLANK))
    doc.para(text("letter_ingebreke_kenmerk", blank=SHORT_BLANK))
    for key in ("letter_ingebreke_late", "letter_ingebreke_formal", "letter_ingebreke_request"):
        doc.para(text(key))
    doc.para(text("letter_ingebreke_dwangsom"))


def _checklist(case: Case, kind: str, to: Addressee) -> list[str]:
    text = case.catalogue.text
    send_to = to.line + (f" ({to.email})" if to.email else "")
    if kind == INGEBREKESTELLING:
        return [
            text("letter_check_ingebreke_when"),
            text("letter_check_fill"),
            text("letter_check_sign"),
            text("letter_check_send_to", to=send_to),
            text("letter_check_help"),
        ]
    items = [text("letter_check_fill")]
    if kind != PRO_FORMA:
        items.append(text("letter_check_why"))
    items += [text("letter_check_sign"), text("letter_check_with"), text("letter_check_send_to", to=send_to)]
    deadline = case.user_deadline
    if deadline is not None and deadline.due and deadline.passed:
        items.append(text("letter_check_deadline_passed", date=format_date(deadline.due)))
    elif deadline is not None and deadline.due:
        items.append(text("letter_check_deadline", date=format_day(deadline.due)))
    elif deadline is not None:
        items.append(text("letter_check_deadline_open", term=amount(deadline.value, deadline.unit)))
    if kind != PRO_FORMA:
        items.append(text("letter_check_pro_forma"))
    items.append(text("letter_check_help"))
    return items
