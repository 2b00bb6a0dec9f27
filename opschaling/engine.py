"""The decision engine: the facts of a case in; the next step (with reasons, sources and deadlines) or the
single next question out. Pure Python, no Rasa.

Rules (see catalogue/routes.yaml for the ladders):
- Safety first: acute danger puts the crisis step (112 / 113 / huisarts) before anything else.
- A rung whose conditions do not hold is skipped; a fact a condition needs that is still unknown is asked.
- A body the user already tried without result is skipped: the engine moves one rung up.
- A body whose precondition (catalogue/bodies/<id>.yaml) is unmet is never recommended.
- A body only professionals may use is recommended "via a professional" to a client or relative; a
  professional is never sent "via a professional" (roles: opschaling.facts.PROFESSIONAL_ROLES).
- "onbekend" (weet ik niet) answers a question: role onbekend counts as the client, a date onbekend gives the term
  without a date, a step outcome onbekend counts as "nee" (not tried yet), other facts follow the route's rungs.
- "Helpt dit niet?" (Advice.after) only names steps whose preconditions hold once the current step is tried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from opschaling import deadlines as deadline_rules
from opschaling.catalogue import Body, Catalogue, Reference, Route, Rung, load_catalogue
from opschaling.facts import FACTS, UNKNOWN, CaseFacts

# The body that is the user's own organisation: never recommended to them as "the next step".
OWN_BODIES: Mapping[str, tuple[str, ...]] = {
    "zorgkantoor_medewerker": ("zorgkantoor",),
    # a cliëntondersteuner is not sent to a cliëntondersteuner (the judges of review_fresh2: "given to the
    # coordinator of a team of independent client supporters, as if they were a client")
    "clientondersteuner": ("clientondersteuner", "clientondersteuner_wlz", "clientondersteuner_wmo"),
}
CRISIS_BODY = "huisarts_crisis"
_UNDECIDED = object()


@dataclass(frozen=True)
class Option:
    title: str
    value: Any


@dataclass(frozen=True)
class Question:
    fact: str
    text: str
    options: tuple[Option, ...]
    explain: str
    about_step: str | None = None  # for step_outcome: the body the question is about


@dataclass(frozen=True)
class Step:
    body: Body
    reason: str
    references: tuple[Reference, ...]
    status: str = "advies"  # advies | loopt
    via_professional: bool = False
    deadlines: tuple[deadline_rules.Deadline, ...] = ()
    woonzorgplek: Mapping[str, Any] | None = None
    # preconditions of the body that hold or that the user could not confirm ("weet ik niet"): Dutch texts
    conditions: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.body.id


@dataclass(frozen=True)
class Advice:
    situation: str | None
    question: Question | None = None
    safety: Step | None = None
    step: Step | None = None
    after: tuple[Step, ...] = ()
    support: tuple[Step, ...] = ()  # bodies that can help alongside; reason = how, for this route
    already_tried: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    pending: tuple[Step, ...] = ()
    info: str | None = None
    exhausted: bool = False
    audience: str = "client"  # "professional" | "young" | "client": the renderer chooses "je" or "u"
    checklist: tuple[str, ...] = ()  # questions that help map the case (stappenplan complexe casuïstiek, step 1)

    @property
    def references(self) -> tuple[Reference, ...]:
        """Every source the advice rests on, without repeats, in order of use."""
        seen: dict[tuple[str, str], Reference] = {}
        steps = [s for s in (self.safety, self.step) if s]
        for step in steps:
            for ref in step.references + step.body.references:
                seen.setdefault((ref.source, ref.section), ref)
            for deadline in step.deadlines:
                for ref in deadline.references:
                    seen.setdefault((ref.source, ref.section), ref)
        return tuple(seen.values())


@dataclass
class _Walk:
    """Working state while walking one route."""

    facts: CaseFacts
    catalogue: Catalogue
    route: Route
    already_tried: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    pending: list[Step] = field(default_factory=list)


def advise(facts: CaseFacts, catalogue: Catalogue | None = None) -> Advice:
    """The next step for this case, or the next question when a fact that matters is missing."""
    catalogue = catalogue or load_catalogue()
    advice = _advise(facts, catalogue)
    route = catalogue.routes.get(advice.situation or "")
    checklist = catalogue.inventory_questions() if route and route.inventory and advice.question is None else ()
    return replace(advice, audience=facts.audience, checklist=checklist)


def _advise(facts: CaseFacts, catalogue: Catalogue) -> Advice:
    safety = _safety_step(facts, catalogue)
    if facts.situation is None:
        return Advice(situation=None, safety=safety, question=question_for(catalogue, "situation", facts))
    route = catalogue.routes[facts.situation]
    if route.safety_check and facts.acute_danger is None:
        return Advice(situation=route.id, question=question_for(catalogue, "acute_danger", facts))
    for name in route.needs:
        if facts.get(name) is None:
            return Advice(situation=route.id, safety=safety, question=question_for(catalogue, name, facts))
    return _walk(_Walk(facts, catalogue, route), safety)


def not_told(rung: Rung, facts: CaseFacts) -> bool:
    """A rung for what the person says of their own accord (``if_known``) whose fact they did not say: it does not
    apply, and nobody is asked for it (also the workbench's reading of the route)."""
    return any(_fact(facts, name) is None for name in rung.if_known)


def _walk(walk: _Walk, safety: Step | None) -> Advice:
    facts, catalogue, route = walk.facts, walk.catalogue, walk.route
    for index, rung in enumerate(route.rungs):
        if walk.pending and not rung.while_pending:
            continue
        if not_told(rung, facts):
            continue  # a rung for what the user said of their own accord: nobody is asked for it
        holds = _conditions(rung.when, facts)
        if holds is _UNDECIDED:
            return _ask(walk, _first_unknown(rung.when, facts), safety)
        if not holds:
            continue
        if rung.switch_to:
            return _advise(replace(facts, situation=rung.switch_to), catalogue)
        body = catalogue.body(rung.body)
        if body.id in OWN_BODIES.get(facts.role or "", ()):
            # a zorgkantoor worker is not sent to the zorgkantoor, a cliëntondersteuner not to a cliëntondersteuner:
            # that step is their own work; go one rung up
            walk.skipped.append((body.id, "Dit is uw eigen organisatie."))
            continue
        answered = _outcome_for(rung.body, rung.aliases, facts)
        outcome = None if answered == "nee" else answered
        if outcome == "niet_geholpen":
            walk.already_tried.append(body.id)
            continue
        if answered is None and not rung.if_known and _higher_rung_tried(route.rungs, index, facts, catalogue):
            continue  # a higher step of this route was taken without result: this one is behind the person
        unmet = _unmet_precondition(body, rung, facts, catalogue)
        if unmet and unmet.startswith("ask:"):
            return _ask(walk, unmet[4:], safety)
        if unmet:
            walk.skipped.append((body.id, unmet))
            continue
        if outcome == "loopt":
            walk.pending.append(_step(walk, rung, body, status="loopt"))
            continue
        if rung.ask_tried and answered is None:
            return Advice(
                situation=route.id,
                safety=safety,
                question=_step_question(catalogue, rung, body),
                already_tried=tuple(walk.already_tried),
                pending=tuple(walk.pending),
            )
        for name in rung.needs:
            if facts.get(name) is None:
                return _ask(walk, name, safety)
        step = _step(walk, rung, body)
        return _advice(walk, safety, step, after=_after(walk, route.rungs[index + 1 :], current=step.id))
    if walk.pending:
        step = walk.pending[0]
        # a running step has not failed yet: what comes after it must not assume it did
        after = tuple(
            s for s in _after(walk, _rungs_after(route, step.id)) if s.id not in _needs_failure(walk, step.id)
        )
        return _advice(walk, safety, step, after=after)
    if route.final and _outcome_for(route.final, (), facts) != "niet_geholpen":
        return _advice(walk, safety, _final_step(catalogue, route.final), after=())
    return Advice(
        situation=route.id,
        safety=safety,
        exhausted=True,
        already_tried=tuple(walk.already_tried),
        skipped=tuple(walk.skipped),
        support=_support(walk),
        info=route.info,
    )


# the kinds of body (metadata.kind) whose step is a rung up the ladder: one taken means the rungs below it are behind
# the person. Advice, support and interventions (the Juiste Loket, a cliëntondersteuner, moreel beraad) can come at
# any moment and say nothing about the rungs below them.
ESCALATION_KINDS = frozenset({"regie", "bezwaar_beroep", "klacht", "toezicht", "verantwoordelijke"})


def _higher_rung_tried(rungs: Sequence[Rung], index: int, facts: CaseFacts, catalogue: Catalogue) -> bool:
    """A later rung of the route that holds for this case was tried without result ("we hebben een whole system in
    the room gehad, er kwam niets uit"): the steps below it are not asked or advised again (a step the person says
    was not tried, "nee", still is)."""
    below = {r.body for r in rungs[: index + 1]}  # a body that is also a rung below (zorgkantoor twice) is no sign
    return any(
        _outcome_for(r.body, r.aliases, facts) == "niet_geholpen"
        and catalogue.body(r.body).kind in ESCALATION_KINDS
        and _conditions(r.when, facts) is True
        for r in rungs[index + 1 :]
        if r.body and not r.switch_to and r.body not in below
    )


def _advice(walk: _Walk, safety: Step | None, step: Step, after: tuple[Step, ...]) -> Advice:
    return Advice(
        situation=walk.route.id,
        safety=safety,
        step=step,
        after=after,
        support=_support(walk, exclude=step.id),
        already_tried=tuple(walk.already_tried),
        skipped=tuple(walk.skipped),
        pending=tuple(walk.pending),
        info=walk.route.info,
    )


def _ask(walk: _Walk, fact: str, safety: Step | None) -> Advice:
    return Advice(
        situation=walk.route.id,
        safety=safety,
        question=question_for(walk.catalogue, fact, walk.facts),
        already_tried=tuple(walk.already_tried),
        pending=tuple(walk.pending),
    )


def _safety_step(facts: CaseFacts, catalogue: Catalogue) -> Step | None:
    if facts.acute_danger not in (True, UNKNOWN):  # not sure whether there is danger: say whom to call anyway
        return None
    body = catalogue.body(CRISIS_BODY)
    return Step(body=body, reason=body.text("when"), references=body.field_references("when"))


def _fact(facts: CaseFacts, name: str) -> Any:
    """A fact as the rules read it: role onbekend is the client; `young` is derived (never unknown)."""
    if name == "role":
        return facts.effective_role
    if name == "young":  # undecided until we know who the user is (and, for a client, the age group)
        if facts.role is None or (facts.effective_role == "client" and facts.age_group is None):
            return None
        return facts.young
    if name == "professional":
        return facts.is_professional
    value = facts.get(name)
    follows = FACTS[name].follows_from if name in FACTS else None
    if value is None and follows is not None:
        return follows.value(facts.situation, facts.get(follows.fact))  # a Wmo decision: the gemeente's
    return value


def _conditions(when: Mapping[str, tuple[Any, ...]], facts: CaseFacts) -> Any:
    """True, False, or _UNDECIDED when a fact the conditions need is unknown (in the order written)."""
    for name, allowed in when.items():
        value = _fact(facts, name)
        if value is None:
            return _UNDECIDED
        if value not in allowed:
            return False
    return True


def _first_unknown(when: Mapping[str, tuple[Any, ...]], facts: CaseFacts) -> str:
    name = next(name for name in when if _fact(facts, name) is None)
    if name == "young":
        return "role" if facts.role is None else "age_group"
    return name


def _outcome_for(body_id: str, aliases: tuple[str, ...], facts: CaseFacts) -> str | None:
    for key in (body_id, *aliases):
        if key in facts.steps_tried:
            outcome = facts.steps_tried[key]
            return "nee" if outcome == UNKNOWN else outcome
    return None


def _outcome(rung: Rung, facts: CaseFacts) -> str | None:
    outcome = _outcome_for(rung.body, rung.aliases, facts)
    return None if outcome == "nee" else outcome


def _unmet_precondition(body: Body, rung: Rung, facts: CaseFacts, catalogue: Catalogue) -> str | None:
    """The Dutch text of the first unmet precondition, 'ask:<fact>', or None when all are met.

    A role precondition is not "unmet" for a client or relative: the step is then recommended via a
    professional (see _step). Tried-preconditions are met by an outcome 'niet_geholpen', or by 'loopt'
    where the rung says a running step is enough (pending_ok).
    """
    accepted = {"niet_geholpen", "loopt"} if rung.pending_ok else {"niet_geholpen"}
    for condition in body.preconditions:
        unless = condition.get("unless") or {}
        if unless and all(_fact(facts, name) in values for name, values in unless.items()):
            continue  # "eerst anoniem advies" does not hold for someone who refuses all help (R-public §14)
        tried_any = condition.get("requires_tried_any")
        if tried_any and not any(_outcome_for(b, catalogue.aliases(b), facts) in accepted for b in tried_any):
            return str(condition["text"])
        if condition.get("requires_role_any") and facts.role is None:
            return "ask:role"
        for name, expected in (condition.get("requires_fact") or {}).items():
            value = _fact(facts, name)
            if value is None:
                if condition.get("ask"):
                    return f"ask:{name}"
                continue
            if value == UNKNOWN:  # the user does not know: the condition is named in the advice
                continue
            allowed = expected if isinstance(expected, list) else [expected]
            if value not in allowed:
                return str(condition["text"])
    return None


def _condition_texts(body: Body) -> tuple[str, ...]:
    return tuple(c["text"].strip() for c in body.preconditions if c.get("say"))


def _via_professional(body: Body, facts: CaseFacts) -> bool:
    if facts.is_professional:
        return False
    for condition in body.preconditions:
        roles = condition.get("requires_role_any")
        if roles and facts.role not in roles:
            return True
    return False


def _step(walk: _Walk, rung: Rung, body: Body, status: str = "advies") -> Step:
    facts = walk.facts
    computed = tuple(
        d for d in (deadline_rules.compute(raw, facts, facts.today) for raw in body.deadlines) if d is not None
    )
    return Step(
        body=body,
        reason=rung.reason,
        references=rung.references,
        status=status,
        via_professional=_via_professional(body, facts),
        deadlines=computed,
        woonzorgplek=walk.catalogue.woonzorg_situation(rung.woonzorgplek) if rung.woonzorgplek else None,
        conditions=_condition_texts(body),
    )


def _after(walk: _Walk, rungs: tuple[Rung, ...], limit: int = 2, current: str | None = None) -> tuple[Step, ...]:
    """What comes next if this step does not help: the following rungs that hold for what we know, and whose
    preconditions are met once the current step is tried (no beroep before bezwaar, no hoger beroep before beroep,
    no ombudsman while bezwaar is possible)."""
    result: list[Step] = []
    hypothetical = walk.facts.with_outcome(current, "niet_geholpen") if current else walk.facts
    for rung in rungs:
        if rung.switch_to or _conditions(rung.when, walk.facts) is not True:
            continue
        if rung.while_pending or _outcome(rung, walk.facts) == "niet_geholpen":
            continue
        if any(s.id == rung.body for s in result) or rung.body == current:
            continue
        unmet = _unmet_precondition(walk.catalogue.body(rung.body), rung, hypothetical, walk.catalogue)
        if unmet and not unmet.startswith("ask:"):  # a fact still to ask is no reason to leave a step out
            continue
        result.append(_step(walk, rung, walk.catalogue.body(rung.body)))
        if len(result) == limit:
            break
    if not result and walk.route.final and walk.route.final != current:
        result.append(_final_step(walk.catalogue, walk.route.final))
    return tuple(result)


def _final_step(catalogue: Catalogue, body_id: str) -> Step:
    """The route's last resort: with the short reason of its rung template, else the body's own 'when' text."""
    body = catalogue.body(body_id)
    template = catalogue.template_for(body_id)
    if template:
        return Step(body=body, reason=template.reason, references=template.references)
    return Step(body=body, reason=body.text("when"), references=body.field_references("when"))


def _needs_failure(walk: _Walk, body_id: str) -> set[str]:
    """Bodies whose preconditions need `body_id` to have been tried without result."""
    aliases = {body_id, *walk.catalogue.aliases(body_id)}
    return {
        b.id
        for b in walk.catalogue.bodies.values()
        for c in b.preconditions
        if aliases & set(c.get("requires_tried_any") or ())
    }


def _rungs_after(route: Route, body_id: str) -> tuple[Rung, ...]:
    for index, rung in enumerate(route.rungs):
        if rung.body == body_id:
            return route.rungs[index + 1 :]
    return ()


def _support(walk: _Walk, exclude: str | None = None) -> tuple[Step, ...]:
    steps = []
    for support in walk.route.support:
        if support.body == exclude or _conditions(support.when, walk.facts) is not True:
            continue
        if _outcome_for(support.body, (), walk.facts) == "niet_geholpen":
            continue
        steps.append(
            Step(body=walk.catalogue.body(support.body), reason=support.note or "", references=support.references)
        )
    return tuple(steps)


def _options(raw: Mapping[str, Any]) -> tuple[Option, ...]:
    return tuple(Option(o["title"], o["value"]) for o in raw.get("options") or ())


def question_for(catalogue: Catalogue, fact: str, facts: CaseFacts) -> Question:
    raw = catalogue.questions[fact]
    text = (raw.get("by_situation") or {}).get(facts.situation or "", raw["text"])
    return Question(fact=fact, text=text.strip(), options=_options(raw), explain=raw.get("explain", "").strip())


def _step_question(catalogue: Catalogue, rung: Rung, body: Body) -> Question:
    raw = catalogue.questions["step_outcome"]
    text = rung.tried_question or f"{raw['text']} ({body.label})"
    return Question(
        fact="step_outcome",
        text=text,
        options=_options(raw),
        explain=raw.get("explain", "").strip(),
        about_step=body.id,
    )


__all__ = ["UNKNOWN", "Advice", "Option", "Question", "Step", "advise", "question_for"]
