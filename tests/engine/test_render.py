"""The Dutch answer: the step, why, how to reach it, the deadline as a date, what to prepare, what next, sources."""
from datetime import date

from opschaling import advise
from opschaling.render import render_advice, render_why


def test_the_answer_contains_every_part_of_the_next_step(catalogue, facts):
    case = facts(situation="besluit_oneens", organisation="ciz", decision_date=date(2026, 11, 2),
                 steps_tried={"bezwaar_ciz": "nee"})
    advice = advise(case, catalogue)
    text = "\n".join(render_advice(advice, catalogue, case))
    for part in ("Uw volgende stap: Bezwaar maken bij het CIZ", "**Wat doet het?**", "**Wie kan dit doen?**",
                 "**Hoe bereikt u ze?**", "**Termijn:**", "14 december 2026", "**Wat kunt u voorbereiden?**",
                 "**Helpt dit niet?**", "Bron:"):
        assert part in text, part


def test_safety_comes_before_the_route(catalogue, facts):
    case = facts(situation="probleemgedrag", acute_danger=True, steps_tried={"cce": "nee"})
    messages = render_advice(advise(case, catalogue), catalogue, case)
    assert "112" in messages[0] and "Eerst uw veiligheid" in messages[0]
    assert "CCE" in messages[-1] or "Centrum voor Consultatie" in messages[-1]


def test_uncertain_facts_are_marked_as_uncertain(catalogue, facts):
    case = facts(situation="besluit_oneens", organisation="ciz", decision_date="onbekend", steps_tried={"bezwaar_ciz": "nee"})
    text = "\n".join(render_advice(advise(case, catalogue), catalogue, case))
    assert "Let op:" in text and "21 weken" in text


def test_why_names_the_reason_what_we_know_and_sources(catalogue, facts):
    case = facts(situation="besluit_oneens", organisation="ciz", role="naaste", decision_date="onbekend",
                 steps_tried={"bezwaar_ciz": "nee"})
    text = render_why(advise(case, catalogue), catalogue, case)
    assert "omdat" in text and "het CIZ" in text and "familie" in text and "Bron:" in text


def test_exhausted_routes_say_so_without_inventing_a_body(catalogue, facts):
    tried = {rung.body: "niet_geholpen" for rung in catalogue.routes["jeugdzorg"].rungs}
    case = facts(situation="jeugdzorg", steps_tried=tried)
    text = "\n".join(render_advice(advise(case, catalogue), catalogue, case))
    assert "geen volgende stap" in text and "Ik verzin geen andere instantie" in text


def test_zorgplicht_answer_for_the_wlz_includes_the_transition_rule(catalogue, facts):
    case = facts(situation="wie_verantwoordelijk", law="wlz")
    text = "\n".join(render_advice(advise(case, catalogue), catalogue, case))
    assert "Zorgkantoor" in text or "zorgkantoor" in text
    assert "5" in text and "overbrugging" in text.lower()


def test_support_notes_are_shown_with_their_source(catalogue, facts):
    case = facts(situation="zorg_past_niet", law="wlz", role="zorgprofessional", steps_tried={"cce": "nee"})
    text = "\n".join(render_advice(advise(case, catalogue), catalogue, case))
    assert "**Hulp daarbij:** Ministerie van VWS" in text and "informeel advies" in text
    assert "'Denk ook eens aan'" in text
