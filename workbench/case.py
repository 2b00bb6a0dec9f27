"""The full reasoning for one case ("Eén casus"): which facts the engine used, which rungs of the route
it walked or skipped and why, the preconditions, the step, what comes after, and the sources.

Built only from ``opschaling.engine.advise(facts)`` and the catalogue; the free text is read by
``opschaling.understand.read_facts`` / ``guess_situation`` and ``opschaling.safety.assess``. Facts chosen
in the form's selects win over facts read from the text (staff know their case).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from opschaling import render, safety, understand
from opschaling.catalogue import Catalogue, Reference, load_catalogue
from opschaling.engine import Advice, Step, advise, not_told
from opschaling.facts import ALLOWED, DATE, DATE_FACTS, FACTS, UNKNOWN, VOCABULARY, CaseFacts, normalise_value

# The selects of the form, in the order of catalogue/facts.yaml (fact, Dutch label). Options come from
# catalogue/questions.yaml, values without a button from the vocabulary; situations from the routes.
SELECT_FACTS: tuple[tuple[str, str], ...] = tuple(
    (name, spec.form_label) for name, spec in FACTS.items() if spec.type != DATE
)
FACT_LABELS: Mapping[str, str] = {
    **{name: spec.label for name, spec in FACTS.items()},
    "steps_tried": VOCABULARY.step_outcome.label,
    "today": "Datum van vandaag",
}
TRIED_ROWS = 3  # rows of "step already taken + outcome" in the form
OUTCOME_LABELS: Mapping[str, str] = VOCABULARY.step_outcome.values
BOOL_LABELS: Mapping[Any, str] = VOCABULARY.answer_labels
# Values without a button title in questions.yaml (e.g. law forensisch): the vocabulary's label, capitalised.
VALUE_LABELS: Mapping[str, Mapping[str, str]] = {
    name: {value: label[:1].upper() + label[1:] for value, label in spec.values.items() if label}
    for name, spec in FACTS.items()
}


@dataclass
class RungView:
    body: str
    label: str
    status: str  # step | tried | skipped | pending | after | not_applicable | unknown | not_reached
    why: str


@dataclass
class CaseView:
    text: str
    chosen: dict[str, Any]
    read: dict[str, Any]  # facts read from the text
    facts: CaseFacts
    advice: Advice
    route_label: str | None = None
    rungs: list[RungView] = field(default_factory=list)
    user_text: list[str] = field(default_factory=list)  # what the assistant would say (render.render_advice)
    danger: safety.Signal | None = None  # the danger sign found in the text


def options(catalogue: Catalogue, fact: str) -> list[tuple[str, str]]:
    """(value, Dutch title) for a select, from questions.yaml; situations from the routes."""
    if fact == "situation":
        return [(rid, route.label) for rid, route in catalogue.routes.items()]
    raw = catalogue.questions.get(fact) or {}
    result = [(_form_value(o["value"]), str(o["title"])) for o in raw.get("options") or ()]
    known = {v for v, _ in result}
    for value in ALLOWED.get(fact, ()):
        if _form_value(value) not in known:
            label = VALUE_LABELS.get(fact, {}).get(str(value)) or BOOL_LABELS.get(value, str(value))
            result.append((_form_value(value), label))
    return result


def _form_value(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def value_label(catalogue: Catalogue, fact: str, value: Any) -> str:
    if fact == "steps_tried" and isinstance(value, Mapping):
        return "; ".join(f"{body_label(catalogue, k)}: {OUTCOME_LABELS.get(v, v)}" for k, v in value.items()) or "geen"
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    for option_value, title in options(catalogue, fact) if fact in ALLOWED else ():
        if option_value == _form_value(value):
            return title
    return BOOL_LABELS.get(value, str(value)) if isinstance(value, (bool, str)) else str(value)


def body_label(catalogue: Catalogue, body_id: str) -> str:
    body = catalogue.bodies.get(body_id)
    return body.label if body else body_id


def read_text(text: str, today: date) -> dict[str, Any]:
    """The facts the free text states (opschaling.understand), the situation guessed when none is stated."""
    if not text.strip():
        return {}
    facts = dict(understand.read_facts(text, today) or {})
    if not facts.get("situation"):
        situation = understand.guess_situation(text)
        if situation:
            facts["situation"] = situation
    return facts


def select_facts(catalogue: Catalogue) -> list[tuple[str, str]]:
    """The selects of the form: every choice and yes/no fact of catalogue/facts.yaml, so a new fact appears
    without a code change (its options from its question in the catalogue, else from the vocabulary)."""
    return list(SELECT_FACTS)


DANGER_LABELS = {"suicide": "gedachten aan zelfdoding", "violence": "geweld of dreiging", "acute": "acuut gevaar"}


def danger_in(text: str) -> safety.Signal | None:
    """The danger sign opschaling.safety finds in the text (rules and the learned model; there is no NLU
    here), or None."""
    if not text.strip():
        return None
    return safety.assess(text)


def clean_choices(form: Mapping[str, str], catalogue: Catalogue) -> dict[str, Any]:
    """The facts picked in the form; values that are not allowed are dropped."""
    chosen: dict[str, Any] = {}
    for fact, _label in select_facts(catalogue):
        raw = (form.get(fact) or "").strip()
        if not raw:
            continue
        allowed = {v for v, _ in options(catalogue, fact)}
        if raw in allowed:
            chosen[fact] = normalise_value(fact, raw) if fact in ALLOWED else raw
    tried: dict[str, str] = {}
    for index in range(1, TRIED_ROWS + 1):
        body = (form.get(f"stap_{index}") or "").strip()
        outcome = (form.get(f"uitkomst_{index}") or "").strip()
        if body in catalogue.bodies and outcome in OUTCOME_LABELS:
            tried[body] = outcome
    if tried:
        chosen["steps_tried"] = tried
    for name in DATE_FACTS:
        date_text = (form.get(name) or "").strip()[:40]
        if date_text:
            chosen[name] = UNKNOWN if date_text.lower() in ("onbekend", "weet ik niet") else date_text
    return chosen


def explain(
    text: str, form: Mapping[str, str], today: date | None = None, catalogue: Catalogue | None = None
) -> CaseView:
    catalogue = catalogue or load_catalogue()
    today = today or date.today()
    read = read_text(text, today)
    chosen = clean_choices(form, catalogue)
    danger = danger_in(text)
    if danger is not None:
        read.setdefault("acute_danger", True)  # as the dialogue does: a danger sign counts as acute danger
    merged = {**read, **chosen}
    if isinstance(read.get("steps_tried"), Mapping) and "steps_tried" in chosen:
        merged["steps_tried"] = {**read["steps_tried"], **chosen["steps_tried"]}
    facts = CaseFacts.from_slots(merged, today=today)
    advice = advise(facts, catalogue)
    view = CaseView(text=text, chosen=chosen, read=read, facts=facts, advice=advice, danger=danger)
    route = catalogue.routes.get(advice.situation or "")
    if route is not None:
        view.route_label = route.label
        view.rungs = walk_view(advice, facts, catalogue)
    try:
        view.user_text = render.render_advice(advice, catalogue, facts)
    except Exception:  # noqa: BLE001 - the reasoning is shown even when rendering fails
        view.user_text = []
    return view


def used_facts(facts: CaseFacts) -> list[tuple[str, Any]]:
    names = list(FACTS)
    result = [(n, facts.get(n)) for n in names if facts.get(n) is not None]
    if facts.steps_tried:
        result.append(("steps_tried", dict(facts.steps_tried)))
    return result


def _conditions_text(when: Mapping[str, tuple[Any, ...]], facts: CaseFacts, catalogue: Catalogue) -> tuple[str, str]:
    """('holds' | 'no' | 'unknown', Dutch explanation)."""
    for name, allowed in when.items():
        value = facts.get(name)
        wanted = " of ".join(value_label(catalogue, name, v) for v in allowed)
        label = FACT_LABELS.get(name, name).rstrip("?").lower()
        if value is None:
            return "unknown", f"Nog niet bekend: {label}. Deze trede geldt bij {wanted}."
        if value not in allowed:
            return "no", f"Geldt niet: {label} is {value_label(catalogue, name, value)}; deze trede geldt bij {wanted}."
    return "holds", ""


def walk_view(advice: Advice, facts: CaseFacts, catalogue: Catalogue) -> list[RungView]:
    """Every rung of the route with what the engine did with it, in the order of the route. The engine
    walks the rungs top-down and stops at the step, or at the first rung it needs an answer for."""
    route = catalogue.routes[advice.situation]  # type: ignore[index]
    skipped = dict(advice.skipped)
    pending = {s.id for s in advice.pending}
    after = {s.id for s in advice.after}
    step_id = advice.step.id if advice.step else None
    question = advice.question
    stopped = False
    views: list[RungView] = []
    for rung in route.rungs:
        label = body_label(catalogue, rung.body) if not rung.switch_to else f"Andere route: {rung.switch_to}"
        holds, why = _conditions_text(rung.when, facts, catalogue)
        if stopped:
            if rung.body in after:
                status, text = "after", "Volgende stap als de stap hierboven niet helpt."
            elif holds == "no":
                status, text = "not_applicable", why
            else:
                status, text = (
                    "not_reached",
                    (
                        "Niet bekeken: de stap is al gevonden."
                        if step_id
                        else "Niet bekeken: eerst is een antwoord nodig."
                    ),
                )
        elif rung.body == step_id and holds == "holds":
            status, text, stopped = "step", rung.reason, True
        elif rung.body in advice.already_tried:
            status, text = "tried", "Al geprobeerd en het hielp niet. De assistent gaat een trede hoger."
        elif rung.body in skipped:
            status, text = "skipped", f"Overgeslagen: {skipped[rung.body]}"
        elif rung.body in pending:
            status, text = "pending", "Deze stap loopt nog. De assistent kijkt of er iets naast kan."
        elif holds == "no":
            status, text = "not_applicable", why
        elif not_told(rung, facts):
            # a fact the engine never asks (if_known): the rung counts only when the person says it
            status, text = "not_applicable", why + " Dit vraagt de assistent niet: het telt als de persoon het zegt."
        elif holds == "unknown":
            status, text, stopped = "unknown", why + " Hier vraagt de assistent eerst naar.", question is not None
        elif question is not None and question.about_step == rung.body:
            status, text, stopped = "question", "Hier vraagt de assistent eerst of deze stap al gedaan is.", True
        elif question is not None and question.fact in rung.needs:
            status, text, stopped = "question", "Voor deze stap is eerst een antwoord nodig.", True
        else:
            status, text = "not_reached", "Niet bekeken."
        views.append(RungView(rung.body, label, status, text))
    return views


STATUS_LABELS = {
    "step": "De stap",
    "tried": "Al geprobeerd",
    "skipped": "Overgeslagen",
    "pending": "Loopt",
    "after": "Daarna",
    "not_applicable": "Geldt niet",
    "unknown": "Nog onbekend",
    "question": "Eerst een vraag",
    "not_reached": "Niet bekeken",
}


def reference_items(catalogue: Catalogue, refs: tuple[Reference, ...]) -> list[tuple[str, str | None]]:
    """(cited text without the link, link) per source, without repeats."""
    seen: dict[str, str | None] = {}
    for ref in refs:
        source = catalogue.sources.get(ref.source, {})
        label = source.get("cite") or source.get("title") or ref.title
        text = f"{ref.source}: {label}, '{ref.section}'"
        href = ref.href or source.get("href") or source.get("url")
        seen.setdefault(text, href if isinstance(href, str) else None)
    return list(seen.items())


def step_references(catalogue: Catalogue, step: Step) -> list[tuple[str, str | None]]:
    refs = step.references + step.body.references + tuple(r for d in step.deadlines for r in d.references)
    return reference_items(catalogue, refs)


def body_options(catalogue: Catalogue) -> list[tuple[str, str]]:
    return sorted(((b.id, b.label) for b in catalogue.bodies.values()), key=lambda item: item[1].lower())
