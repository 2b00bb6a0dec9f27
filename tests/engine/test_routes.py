"""Every rung of every route is reachable, and every body is used somewhere."""

import re
from dataclasses import replace

import pytest

from opschaling import load_catalogue
from opschaling.catalogue import vocabulary_problems
from opschaling.facts import DERIVED_FACTS
from tests.engine.simulate import reach

CATALOGUE = load_catalogue()
RUNGS = [
    (route.id, index, rung)
    for route in CATALOGUE.routes.values()
    for index, rung in enumerate(route.rungs)
    if not rung.switch_to
]


@pytest.mark.parametrize("situation,index,rung", RUNGS, ids=[f"{s}-{i}-{r.body}" for s, i, r in RUNGS])
def test_every_rung_is_reachable(situation, index, rung, catalogue, facts):
    advice, answers = reach(situation, rung, catalogue, facts())
    assert advice is not None, f"{rung.body} not reached in {situation}; answers: {answers}"
    assert advice.step.id == rung.body
    assert advice.step.reason, "every step says why"
    assert advice.references, "every step names its sources"


def test_every_body_in_the_catalogue_is_used_by_a_route_or_the_safety_step(catalogue):
    used = {"huisarts_crisis", "veilig_thuis", "zelfmoordpreventie_113"}  # the safety step (opschaling.safety)
    for route in catalogue.routes.values():
        used |= {r.body for r in route.rungs} | {s.body for s in route.support}
        if route.final:
            used.add(route.final)
    assert set(catalogue.bodies) - used == set()


def test_routes_only_name_bodies_that_exist(catalogue):
    for route in catalogue.routes.values():
        for name in [r.body for r in route.rungs] + [s.body for s in route.support] + [route.final]:
            assert name is None or name in catalogue.bodies, (route.id, name)
        for rung in route.rungs:
            if rung.switch_to:
                assert rung.switch_to in catalogue.routes
            for fact in (*(f for f in rung.when if f not in DERIVED_FACTS), *rung.needs):
                assert fact in catalogue.questions, (route.id, fact)


def test_routes_bodies_and_questions_use_only_facts_and_values_of_the_vocabulary(catalogue):
    """Every `when:`, `needs`, `requires_fact` and question option names a fact and a value of catalogue/facts.yaml
    (load_catalogue refuses a catalogue that does not)."""
    assert vocabulary_problems(catalogue) == []


def _changed_route(catalogue, situation, **changes):
    route = catalogue.routes[situation]
    return replace(catalogue, routes={**catalogue.routes, situation: replace(route, **changes)})


def test_a_fact_or_value_outside_the_vocabulary_is_found(catalogue):
    route = catalogue.routes["klacht_instantie"]
    first = route.rungs[0]
    for when, expected in (
        ({"schoenmaat": ("42",)}, "'schoenmaat' is no fact"),
        ({"complaint_within_year": ("misschien",)}, "complaint_within_year ['misschien']"),
        ({"role": ("@buren",)}, "role ['@buren']"),
        ({"young": ("onbekend",)}, "young ['onbekend']"),
    ):
        broken = _changed_route(catalogue, "klacht_instantie", rungs=(replace(first, when=when), *route.rungs[1:]))
        assert any(expected in p for p in vocabulary_problems(broken)), when
    questions = {**catalogue.questions, "schoenmaat": catalogue.questions["urgent"]}
    assert any("'schoenmaat' is no fact" in p for p in vocabulary_problems(replace(catalogue, questions=questions)))
    urgent = {**catalogue.questions["urgent"], "options": [{"title": "Een beetje", "value": "beetje"}]}
    questions = {**catalogue.questions, "urgent": urgent}
    assert any("['beetje']" in p for p in vocabulary_problems(replace(catalogue, questions=questions)))
    routes = {k: v for k, v in catalogue.routes.items() if k != "geen_plek"}
    assert any("geen_plek" in p for p in vocabulary_problems(replace(catalogue, routes=routes)))


def test_every_question_has_text_options_or_free_text_and_an_explanation(catalogue):
    for fact, question in catalogue.questions.items():
        first_sentence = re.split(r"(?<=[?.!])\s+", question["text"].strip())[0]
        assert first_sentence.endswith("?"), f"{fact}: the text must open with the question itself"
        assert question.get("explain"), f"{fact} needs an explanation for repeated failures"
