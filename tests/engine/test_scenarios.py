"""Engine scenarios as data (OpenFisca style): tests/engine/scenarios/*.yaml, facts in -> expected advice out.

Each scenario: `name`, `facts` (facts of catalogue/facts.yaml; dates as YYYY-MM-DD; steps_tried {body or alias: outcome}),
optional `today` (default 2026-11-22) and `expect`, with any of:
  question, about_step              the next question (fact) and, for step_outcome, the body it is about
  step, status, via_professional    the recommended body, "advies" | "loopt", whether it goes via a professional
  situation, audience, info, safety, exhausted, woonzorgplek
  after                             exact list of "Helpt dit niet?" body ids; after_includes / after_excludes
  support_includes, support_excludes, skipped (body ids, subset), tried (already tried, subset), pending
  deadlines                         [{id, due: YYYY-MM-DD | null}] (each must be present with that due date)
  reason_includes                   a phrase of the step's reason; conditions_include: a phrase of Step.conditions
  checklist_includes, checklist_count  the inventory questions given with the advice (Advice.checklist)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from opschaling import CaseFacts, advise

SCENARIOS = Path(__file__).parent / "scenarios"
TODAY = dt.date(2026, 11, 22)


def _load():
    cases = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return cases


CASES = _load()


def _facts(case) -> CaseFacts:
    values = dict(case.get("facts") or {})
    values["today"] = case.get("today") or TODAY
    return CaseFacts.of(**values)


def _ids(steps):
    return [s.id for s in steps]


def test_there_are_enough_scenarios_and_names_are_unique():
    names = [c.values[0]["name"] for c in CASES]
    assert len(names) >= 60
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES)
def test_scenario(case, catalogue):
    advice = advise(_facts(case), catalogue)
    expect = case["expect"]
    assert expect, "a scenario must expect something"
    if "question" in expect:
        assert advice.question is not None, (
            f"expected a question about {expect['question']}, got {advice.step and advice.step.id}"
        )
        assert advice.question.fact == expect["question"]
    elif "step" in expect or "exhausted" in expect:
        assert advice.question is None, f"unexpected question {advice.question.fact}: {advice.question.about_step}"
    if "about_step" in expect:
        assert advice.question.about_step == expect["about_step"]
    if "step" in expect:
        assert (advice.step.id if advice.step else None) == expect["step"]
    step = advice.step
    if "status" in expect:
        assert step.status == expect["status"]
    if "via_professional" in expect:
        assert step.via_professional is expect["via_professional"]
    for key in ("situation", "audience", "info", "exhausted"):
        if key in expect:
            assert getattr(advice, key) == expect[key], key
    if "safety" in expect:
        assert (advice.safety.id if advice.safety else None) == expect["safety"]
    if "woonzorgplek" in expect:
        assert (step.woonzorgplek or {}).get("id") == expect["woonzorgplek"]
    if "after" in expect:
        assert _ids(advice.after) == expect["after"]
    for body in expect.get("after_includes", ()):
        assert body in _ids(advice.after)
    for body in expect.get("after_excludes", ()):
        assert body not in _ids(advice.after)
    for body in expect.get("support_includes", ()):
        assert body in _ids(advice.support)
    for body in expect.get("support_excludes", ()):
        assert body not in _ids(advice.support)
    for body in expect.get("skipped", ()):
        assert body in [b for b, _ in advice.skipped]
    for body in expect.get("tried", ()):
        assert body in advice.already_tried
    if "pending" in expect:
        assert _ids(advice.pending) == expect["pending"]
    for want in expect.get("deadlines", ()):
        found = {d.id: d.due for d in step.deadlines}
        assert want["id"] in found, f"deadline {want['id']} missing; have {sorted(found)}"
        assert found[want["id"]] == want["due"]
    if "reason_includes" in expect:
        assert expect["reason_includes"] in step.reason
    if "checklist_includes" in expect:
        assert any(expect["checklist_includes"] in q for q in advice.checklist), advice.checklist
    if "checklist_count" in expect:
        assert len(advice.checklist) == expect["checklist_count"]
    if "conditions_include" in expect:
        assert any(expect["conditions_include"] in c for c in step.conditions), step.conditions


def test_every_route_and_every_rung_body_is_covered_by_a_scenario(catalogue):
    situations, bodies = set(), set()
    for param in CASES:
        case = param.values[0]
        advice = advise(_facts(case), catalogue)
        situations |= {case["facts"].get("situation"), advice.situation}
        bodies |= {advice.step.id} if advice.step else set()
        bodies |= {advice.question.about_step} if advice.question and advice.question.about_step else set()
    assert set(catalogue.routes) - situations == set()
    rung_bodies = {r.body for route in catalogue.routes.values() for r in route.rungs if not r.switch_to}
    assert rung_bodies - bodies == set()
