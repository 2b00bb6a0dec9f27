"""Rules that must hold on every route, checked by walking the routes (the single cases are in scenarios/*.yaml)."""

from __future__ import annotations

import pytest

from opschaling import CaseFacts, advise, load_catalogue
from opschaling.facts import ALLOWED, CLIENT_ROLES, PROFESSIONAL_ROLES, UNKNOWN
from tests.engine.conftest import TODAY

CATALOGUE = load_catalogue()
ROUTES = sorted(CATALOGUE.routes)
CLIENTONDERSTEUNERS = {"clientondersteuner", "clientondersteuner_wlz", "clientondersteuner_wmo"}
ANSWERS = {"acute_danger": False, "decision_date": UNKNOWN, "objection_decision_date": UNKNOWN}


def walk(situation: str, role: str, law: str | None = None, limit: int = 60):
    """Every advice on the way up a route: each question answered, each step reported as tried without result."""
    facts = CaseFacts(situation=situation, role=role, law=law, today=TODAY)
    seen = []
    for _ in range(limit):
        advice = advise(facts, CATALOGUE)
        seen.append((facts, advice))
        if advice.question:
            q = advice.question
            if q.fact == "step_outcome":
                facts = facts.with_outcome(q.about_step, "niet_geholpen")
            else:
                value = ANSWERS.get(q.fact, next((o.value for o in q.options if o.value != UNKNOWN), UNKNOWN))
                facts = facts.with_fact(q.fact, value)
            continue
        if advice.step is None:
            break
        facts = facts.with_outcome(advice.step.id, "niet_geholpen")
    return seen


LAWS = ("wlz", "wmo", "jeugdwet", "zvw", UNKNOWN)
WALKS = [(s, r, law) for s in ROUTES for r in PROFESSIONAL_ROLES for law in LAWS]


@pytest.mark.parametrize("situation,role,law", WALKS)
def test_a_professional_is_addressed_as_a_professional(situation, role, law):
    """No rung 'find a cliëntondersteuner', never 'via a professional', audience professional."""
    for _, advice in walk(situation, role, law):
        assert advice.audience == "professional"
        if advice.step is None:
            continue
        assert advice.step.via_professional is False, advice.step.id
        if situation != "vraag_clientondersteuning":  # the user asks about cliëntondersteuning itself
            assert advice.step.id not in CLIENTONDERSTEUNERS, (situation, role, law)
            assert not CLIENTONDERSTEUNERS & {s.id for s in advice.support}, (situation, role, law)
        if advice.question and advice.question.fact == "step_outcome":
            assert advice.question.about_step not in CLIENTONDERSTEUNERS


@pytest.mark.parametrize("situation,role", [(s, r) for s in ROUTES for r in CLIENT_ROLES])
def test_helpt_dit_niet_respects_preconditions(situation, role):
    """Each body named under 'Helpt dit niet?' is allowed once the current step has been tried."""
    for facts, advice in walk(situation, role, "wlz") + walk(situation, role, "jeugdwet"):
        if advice.step is None:
            continue
        tried = {k for k, v in facts.steps_tried.items() if v == "niet_geholpen"} | {advice.step.id}
        for nxt in advice.after:
            for condition in nxt.body.preconditions:
                needed = set(condition.get("requires_tried_any") or ())
                if not needed:
                    continue
                aliases = needed | {a for b in needed for a in CATALOGUE.aliases(b)}
                assert aliases & tried, f"{situation}: {nxt.id} after {advice.step.id} needs one of {sorted(needed)}"


@pytest.mark.parametrize("situation", ROUTES)
def test_weet_ik_niet_is_an_answer_to_every_question(situation):
    """Answering 'onbekend' to any fact the engine asks moves the conversation on (never the same question)."""
    facts = CaseFacts(situation=situation, today=TODAY)
    for _ in range(30):
        advice = advise(facts, CATALOGUE)
        if not advice.question:
            break
        fact = advice.question.fact
        if fact == "step_outcome":
            following = advise(facts.with_outcome(advice.question.about_step, UNKNOWN), CATALOGUE)
            assert following.question is None or following.question.about_step != advice.question.about_step
            facts = facts.with_outcome(advice.question.about_step, "niet_geholpen")
            continue
        assert UNKNOWN in [o.value for o in advice.question.options] or fact in (
            "decision_date",
            "objection_decision_date",
        )
        facts = facts.with_fact(fact, UNKNOWN)
        again = advise(facts, CATALOGUE)
        assert not (again.question and again.question.fact == fact), f"{situation}: {fact} asked again after onbekend"


def test_every_fact_question_offers_weet_ik_niet():
    for fact, question in CATALOGUE.questions.items():
        if fact in ALLOWED and UNKNOWN in ALLOWED[fact] and fact != "situation":
            assert UNKNOWN in [o["value"] for o in question.get("options") or ()], fact


def test_turning_18_starts_with_verlengde_jeugdhulp_for_everyone():
    """Verlengde jeugdhulp must be asked before the 18th birthday (R-public §11): it comes before the AKJ."""
    for role in ("jongere", "naaste", "zorgprofessional"):
        advice = advise(CaseFacts(situation="achttien_worden", role=role, today=TODAY), CATALOGUE)
        assert advice.question and advice.question.about_step == "verlengde_jeugdhulp", role


def test_a_young_person_gets_the_vertrouwenspersoon_first_in_youth_routes():
    for situation, extra in (
        ("jeugdzorg", {}),
        ("achttien_worden", {"steps_tried": {"verlengde_jeugdhulp": "niet_geholpen"}}),
        ("klacht_zorgaanbieder", {"law": "jeugdwet"}),
        ("geen_plek", {"law": "jeugdwet"}),
    ):
        advice = advise(CaseFacts(situation=situation, role="jongere", today=TODAY, **extra), CATALOGUE)
        assert advice.question and advice.question.about_step == "vertrouwenspersoon_akj", situation
        assert advice.audience == "young"


def test_a_higher_step_taken_puts_the_steps_below_it_behind_the_person():
    # a whole system in the room was held without result: not asked about the zorgkantoor or the ketenoverleg again
    facts = CaseFacts(situation="geen_plek", role="naaste", law="wlz", today=TODAY).with_outcome(
        "whole_system_in_the_room", "niet_geholpen"
    )
    advice = advise(facts, CATALOGUE)
    asked = advice.question.about_step if advice.question else None
    named = advice.step.id if advice.step else None
    assert {asked, named} & {"zorgkantoor", "regionaal_ketenoverleg_wlz"} == set()
    # a step the person says was NOT tried is still advised
    said_no = facts.with_outcome("zorgkantoor", "nee")
    assert advise(said_no, CATALOGUE).step.id == "zorgkantoor"


def test_advice_or_support_taken_earlier_does_not_skip_a_legal_step():
    # the Juiste Loket or a cliëntondersteuner can come at any moment: a bezwaar is still the step
    facts = CaseFacts(situation="besluit_oneens", role="client", organisation="gemeente", today=TODAY)
    facts = facts.with_outcome("juiste_loket", "niet_geholpen").with_outcome("clientondersteuner", "niet_geholpen")
    advice = advise(facts, CATALOGUE)
    assert (
        advice.question and advice.question.about_step == "bezwaar_gemeente"
    ) or advice.step.id == "bezwaar_gemeente"


@pytest.mark.parametrize("situation", ["multiproblematiek", "informatie_delen"])
def test_someone_who_refuses_all_help_gets_bemoeizorg(situation):
    facts = CaseFacts(situation=situation, role="naaste", acute_danger=False, today=TODAY).with_fact(
        "refuses_care", True
    )
    assert advise(facts, CATALOGUE).step.id == "oggz"
    # never asked: without it the route is the usual one
    plain = CaseFacts(situation=situation, role="naaste", acute_danger=False, today=TODAY)
    first = advise(plain, CATALOGUE)
    assert (first.question is None or first.question.fact != "refuses_care") and (
        first.step is None or first.step.id != "oggz"
    )


def test_a_provider_that_does_not_know_the_indicatie_can_look_it_up():
    facts = CaseFacts(situation="kastje_muur", role="zorgaanbieder", today=TODAY).with_fact("indication_unknown", True)
    assert advise(facts, CATALOGUE).step.id == "wlz_raadpleegfunctie"
    relative = CaseFacts(situation="kastje_muur", role="naaste", today=TODAY).with_fact("indication_unknown", True)
    advice = advise(relative, CATALOGUE)
    assert advice.step is None or advice.step.id != "wlz_raadpleegfunctie"  # only a provider that treats the client


@pytest.mark.parametrize(
    ("law", "step"), [("wmo", "bezwaar_gemeente"), ("jeugdwet", "bezwaar_gemeente"), ("zvw", None)]
)
def test_who_decided_follows_from_the_law_when_it_is_not_said(law, step):
    """A decision under the Wmo or the Jeugdwet is the gemeente's (facts.yaml organisation.follows_from): the bezwaar at
    the gemeente, without asking which organisation decided; under the Wlz (CIZ or zorgkantoor) it is asked."""
    facts = CaseFacts(situation="besluit_oneens", role="client", law=law, today=TODAY)
    advice = advise(facts, CATALOGUE)
    asked = advice.question.fact if advice.question else None
    assert asked != "organisation"
    if step:
        chain = []
        for _ in range(6):
            if advice.step is not None:
                break
            q = advice.question
            facts = (
                facts.with_outcome(q.about_step, "nee")
                if q.fact == "step_outcome"
                else facts.with_fact(q.fact, ANSWERS.get(q.fact, UNKNOWN))
            )
            chain.append(q.fact)
            advice = advise(facts, CATALOGUE)
        assert advice.step is not None and advice.step.id == step, chain
    wlz = advise(CaseFacts(situation="besluit_oneens", role="client", law="wlz", today=TODAY), CATALOGUE)
    assert wlz.question is not None and wlz.question.fact == "organisation"
