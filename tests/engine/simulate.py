"""A simulated user that answers the engine's questions so that a chosen rung is reached."""

from __future__ import annotations

from dataclasses import replace

from opschaling import CaseFacts, advise
from opschaling.catalogue import Catalogue, Rung

NEUTRAL = {
    "acute_danger": False,
    "decision_date": "onbekend",
    "objection_decision_date": "onbekend",
    "about_decision": False,
    "complaint_within_year": True,
}


def answer_for(fact: str, target: Rung, catalogue: Catalogue, options: list) -> object:
    if fact in target.when:
        return target.when[fact][0]
    if fact == "role" and "young" in target.when:
        return "jongere"
    if fact == "role":
        for condition in catalogue.body(target.body).preconditions:
            if condition.get("requires_role_any"):
                return condition["requires_role_any"][0]
        return "naaste"
    if fact in NEUTRAL:
        return NEUTRAL[fact]
    return options[0].value


def reach(situation: str, target: Rung, catalogue: Catalogue, facts: CaseFacts, limit: int = 40):
    """Walk the conversation: answer questions, report every other step as tried without result.

    Returns (advice that names the target body, list of (fact, value) answers given) or (None, answers)."""
    facts = replace(facts, situation=situation)
    answers = []
    for fact in target.if_known:  # never asked: the user says it of their own accord ("5 maanden later nog niks")
        value = answer_for(fact, target, catalogue, [])
        facts = facts.with_fact(fact, value)
        answers.append((fact, value))
    for _ in range(limit):
        advice = advise(facts, catalogue)
        if advice.question:
            q = advice.question
            if q.fact == "step_outcome":
                outcome = "nee" if q.about_step == target.body else "niet_geholpen"
                facts = facts.with_outcome(q.about_step, outcome)
                answers.append((q.about_step, outcome))
                continue
            value = answer_for(q.fact, target, catalogue, list(q.options))
            facts = facts.with_fact(q.fact, value)
            answers.append((q.fact, value))
            continue
        if advice.step is None:
            return None, answers
        if advice.step.id == target.body:
            return advice, answers
        facts = facts.with_outcome(advice.step.id, "niet_geholpen")
        answers.append((advice.step.id, "niet_geholpen"))
    return None, answers


__all__ = ["reach"]
