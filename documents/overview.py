"""The case overview ('Overzicht van uw situatie'): what a person can take to a cliëntondersteuner, a loket or a
meeting, made from the dialogue state only.

Sections: the situation in short; the facts the assistant knows (law, who decided, role, age group, dates); every
step tried with its outcome and the day the user told it; the deadlines as dates; the next step and what comes
after; who does what (the stappenplan woonzorgplek for this case, else who may take the step and who helps); the
questions of step 1 of the stappenplan complexe casuïstiek with what is known and what is still open; the sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from documents.case import Case
from documents.content import Doc, plain
from opschaling import render
from opschaling.catalogue import Reference
from opschaling.dates import format_date, format_day
from opschaling.deadlines import Deadline
from opschaling.facts import FACTS, UNKNOWN

OUTCOME_KEYS = {"loopt": "overview_outcome_running", "niet_geholpen": "overview_outcome_not_helped"}


def overview(case: Case) -> Doc | None:
    """The overview of the case, or None when the conversation has not said what is going on yet."""
    if not case.known:
        return None
    text = case.catalogue.text

    def say(key: str, **values: Any) -> str:
        return render.address(text(key, **values), case.facts)

    doc = Doc(text("overview_title"))
    doc.small(say("overview_made", date=format_date(case.today)))
    doc.small(say("overview_not_advice"))
    doc.small(say("overview_private"))

    situation = case.catalogue.routes.get(case.facts.situation or "")
    doc.heading(say("overview_situation_heading"))
    if situation is not None:
        doc.para(render.address(situation.label, case.facts) + ".")
    doc.heading(say("overview_facts_heading"))
    doc.bullets([render.address(line, case.facts) for line in render.describe_facts(case.facts)])

    doc.heading(say("overview_tried_heading"))
    doc.bullets(_tried(case) or [say("overview_tried_none")])

    doc.heading(say("overview_deadlines_heading"))
    doc.bullets(_deadlines(case) or [say("overview_deadlines_none")])

    advice = case.advice
    step = advice.step
    doc.heading(say("overview_next_heading"))
    if step is None:
        doc.para(say("overview_next_none"))
    else:
        if step.status == "loopt":
            doc.para(say("overview_running", step=step.body.label))
        else:
            doc.para(step.body.label + ".")
        doc.para(render.address(render.sentences(step.reason, 2), case.facts))
        contact = render.contact_sentence(step.body)
        if contact and step.status != "loopt":
            doc.para(plain(contact))
    doc.heading(say("overview_after_heading"))
    doc.bullets(
        [f"{s.body.label}: {render.address(render.first_sentence(s.reason), case.facts)}" for s in advice.after]
        or [say("overview_after_none")]
    )

    doc.heading(say("overview_who_heading"))
    _who_does_what(case, doc)

    doc.heading(say("overview_inventory_heading"))
    doc.bullets(
        [
            f"{question} " + (say("overview_known", answer=answer) if answer else say("overview_open"))
            for question, answer in inventory(case)
        ]
    )

    doc.heading(say("overview_sources_heading"))
    doc.bullets([case.catalogue.cite(ref) for ref in _sources(case)])
    return doc


def _tried(case: Case) -> list[str]:
    text = case.catalogue.text
    lines = []
    for body_id, outcome in case.tried:
        label = case.catalogue.body(body_id).short_label
        label = label[0].upper() + label[1:]
        told = case.told.get(body_id)
        key = "overview_tried_item" if told else "overview_tried_item_nodate"
        values = {"step": label, "outcome": text(OUTCOME_KEYS[outcome])}
        lines.append(text(key, **values, **({"date": format_date(told)} if told else {})))
    return lines


def _deadline_line(case: Case, deadline: Deadline) -> str:
    text = case.catalogue.text
    label = deadline.label[0].upper() + deadline.label[1:]
    term = render.amount(deadline.value, deadline.unit)
    if deadline.due and deadline.passed:
        return text("overview_deadline_passed", label=label, date=format_date(deadline.due))
    if deadline.due:
        return text("overview_deadline_item", label=label, date=format_day(deadline.due))
    if deadline.counts_from_text:
        return text("overview_deadline_term", label=label, term=term, start=deadline.counts_from_text)
    return text("overview_deadline_term_only", label=label, term=term)


def _deadlines(case: Case) -> list[str]:
    step = case.advice.step
    if step is None:
        return []
    # the user's own term first; then the terms the body has, while the step runs or once it is taken
    ordered = sorted(step.deadlines, key=lambda d: d.binding_on != "user")
    return [render.address(_deadline_line(case, d), case.facts) for d in ordered]


def _who_does_what(case: Case, doc: Doc) -> None:
    """The stappenplan woonzorgplek's tasks per party for this case, else who may take the step and who helps (the
    answers behind the chat's buttons, as document text: a party or a question as a line, its tasks as a list)."""
    advice = case.advice
    if advice.step is None:
        doc.para(render.address(case.catalogue.text("overview_who_none"), case.facts))
        return
    if advice.step.woonzorgplek:
        text = render.who_does_what_text(advice, case.catalogue, case.facts)
    else:
        text = render.support_text(advice, case.catalogue, case.facts)
    # the chat's own heading line and its source line are left out (the sources have their own section)
    lines = [plain(line).strip() for line in text.splitlines()[1:] if line.strip()]
    items: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("- "):
            items.append(line[2:])
            continue
        doc.bullets(items)
        items = []
        if line and not line.startswith("Bron:"):
            doc.para(line)


def _fact_answer(case: Case, name: str, allowed: Any) -> str | None:
    value = case.facts.get(name)
    if value is None or value == UNKNOWN or (allowed is not None and value not in allowed):
        return None
    if name == "situation":
        route = case.catalogue.routes.get(str(value))
        return render.address(route.label, case.facts) if route else None
    spec = FACTS.get(name)
    label = format_date(value) if isinstance(value, date) else str(render.FACT_LABELS.get(name, {}).get(value, value))
    if spec is not None and spec.summary == "label":
        return render.address(label, case.facts)
    return f"{render.FACT_NAMES.get(name, name)}: {label}"


def inventory(case: Case) -> list[tuple[str, str | None]]:
    """Each question of step 1 of the stappenplan complexe casuïstiek with what the conversation answers (its
    ``known_from`` facts, the steps tried, the body the question points to), or None: still open."""
    text = case.catalogue.text
    tried = dict(case.tried)
    rows: list[tuple[str, str | None]] = []
    for item in (case.catalogue.complexe_casuistiek or {}).get("inventory") or ():
        known_from: Mapping[str, Any] = item.get("known_from") or {}
        parts = [
            answer
            for name, allowed in (known_from.get("facts") or {}).items()
            if (answer := _fact_answer(case, name, allowed))
        ]
        bodies = list(tried) if known_from.get("steps") else [item.get("body")] if item.get("body") in tried else []
        for body_id in bodies:
            parts.append(f"{case.catalogue.body(body_id).short_label}: {text(OUTCOME_KEYS[tried[body_id]])}")
        rows.append((" ".join(str(item["question"]).split()), "; ".join(parts) or None))
    return rows


def _sources(case: Case) -> list[Reference]:
    refs = list(case.advice.references)
    metadata = (case.catalogue.complexe_casuistiek or {}).get("metadata") or {}
    refs += [Reference.from_dict(r) for r in metadata.get("reference") or ()]
    return list(dict.fromkeys(refs))
