"""'Wie helpt mij hierbij?' (issue 15, items 6 and 10): who may take the step (under 18 the ouder or voogd at the
CIZ) and the route's helpers (the engine's `support`, computed before but never shown), one tap from the advice; and
the u → je rule that young people read keeps links and an object "u" right."""

from __future__ import annotations

from datetime import date

from opschaling import render
from opschaling.catalogue import load_catalogue
from opschaling.engine import advise
from opschaling.facts import CaseFacts

CATALOGUE = load_catalogue()


def _young(organisation: str, tried: str):
    facts = CaseFacts.of(
        situation="besluit_oneens",
        organisation=organisation,
        role="jongere",
        decision_date="2026-11-20",
        steps_tried={tried: "nee"},
        today=date(2026, 12, 6),
    )
    return advise(facts, CATALOGUE), facts


def test_a_young_person_sees_the_parent_rule_and_the_akj_for_a_bezwaar_at_the_ciz():
    advice, facts = _young("ciz", "bezwaar_ciz")
    assert '/detail{"onderwerp":"hulp"}' in [b["payload"] for b in render.advice_buttons(advice)]
    text = render.DETAILS["hulp"](advice, CATALOGUE, facts)
    assert "ouder of voogd" in text
    assert "AKJ" in text and "088-555 1000" in text
    assert "Bron:" in text


def test_every_helper_the_engine_computes_is_shown():
    advice, facts = _young("gemeente", "bezwaar")
    assert advice.support
    text = render.support_text(advice, CATALOGUE, facts)
    for helper in advice.support:
        assert helper.body.label in text


def test_informal_keeps_links_and_the_object_u():
    assert render.informal("Kijk op [ciz.nl](https://www.ciz.nl/over-uw-aanvraag).") == (
        "Kijk op [ciz.nl](https://www.ciz.nl/over-uw-aanvraag)."
    )
    assert render.informal("Het Juridisch Loket helpt u gratis.") == "Het Juridisch Loket helpt je gratis."
    assert render.informal("Dan kunt u bezwaar maken.") == "Dan kun je bezwaar maken."
    assert render.informal("U zelf, of iemand die u machtigt.") == "Jij zelf, of iemand die je machtigt."


def test_the_cost_answer_says_what_the_advice_itself_said():
    """The advice for a cliëntondersteuner Wlz says "gratis"; "kost dat iets?" right after it got "staat niet in
    mijn bronnen" (found in the widget at phone size): the answer also reads the step's own reason."""
    facts = CaseFacts.of(
        situation="geen_plek",
        law="wlz",
        role="naaste",
        steps_tried={"clientondersteuner_wlz": "nee"},
        today=date(2026, 12, 6),
    )
    advice = advise(facts, CATALOGUE)
    assert "gratis" in advice.step.reason
    text = render.costs_text(advice, CATALOGUE, facts)
    assert "gratis" in text and "Bron:" in text
