"""The engine's rules: preconditions, one rung up, safety first, questions, deadlines."""
from datetime import date

from opschaling import advise


def test_without_a_situation_the_engine_asks_for_it(catalogue, facts):
    advice = advise(facts(), catalogue)
    assert advice.step is None
    assert advice.question.fact == "situation"
    assert {o.value for o in advice.question.options} <= set(catalogue.routes)


def test_disagreeing_with_the_ciz_asks_who_decided_then_whether_bezwaar_was_made(catalogue, facts):
    advice = advise(facts(situation="besluit_oneens"), catalogue)
    assert advice.question.fact == "organisation"
    advice = advise(facts(situation="besluit_oneens", organisation="ciz"), catalogue)
    assert advice.question.fact == "step_outcome"
    assert advice.question.about_step == "bezwaar_ciz"


def test_bezwaar_deadline_is_six_weeks_from_the_decision_date(catalogue, facts):
    case = facts(situation="besluit_oneens", organisation="ciz", decision_date=date(2026, 11, 2),
                 steps_tried={"bezwaar_ciz": "nee"})
    advice = advise(case, catalogue)
    assert advice.step.id == "bezwaar_ciz"
    term = next(d for d in advice.step.deadlines if d.binding_on == "user")
    assert term.due == date(2026, 12, 14)
    assert term.days_left == 22
    assert not term.passed


def test_a_passed_deadline_is_reported_as_passed(catalogue, facts):
    case = facts(situation="besluit_oneens", organisation="gemeente", decision_date=date(2026, 8, 1),
                 steps_tried={"bezwaar_gemeente": "nee"})
    term = next(d for d in advise(case, catalogue).step.deadlines if d.binding_on == "user")
    assert term.passed


def test_without_a_date_the_term_is_named_but_no_date_is_invented(catalogue, facts):
    case = facts(situation="besluit_oneens", organisation="gemeente", decision_date="onbekend",
                 steps_tried={"bezwaar_gemeente": "nee"})
    terms = advise(case, catalogue).step.deadlines
    assert terms and all(t.due is None for t in terms)


def test_after_a_rejected_bezwaar_the_next_rung_is_beroep(catalogue, facts):
    case = facts(situation="besluit_oneens", organisation="gemeente", decision_date="onbekend",
                 objection_decision_date=date(2026, 11, 20), steps_tried={"bezwaar": "niet_geholpen", "beroep": "nee"})
    advice = advise(case, catalogue)
    assert advice.step.id == "beroep_rechtbank"
    assert "bezwaar_gemeente" in advice.already_tried
    assert any(d.due == date(2027, 1, 1) for d in advice.step.deadlines)


def test_beroep_is_never_recommended_before_a_bezwaar(catalogue, facts):
    case = facts(situation="besluit_oneens", organisation="ciz", decision_date="onbekend",
                 steps_tried={"bezwaar_ciz": "nee"})
    assert advise(case, catalogue).step.id == "bezwaar_ciz"


def test_while_bezwaar_runs_and_it_is_urgent_the_voorlopige_voorziening_comes_next(catalogue, facts):
    running = facts(situation="besluit_oneens", organisation="ciz", decision_date="onbekend",
                    steps_tried={"bezwaar_ciz": "loopt"})
    assert advise(running, catalogue).question.fact == "urgent"
    urgent = advise(facts(**{**running.__dict__, "urgent": True}), catalogue)
    assert urgent.step.id == "voorlopige_voorziening"
    waiting = advise(facts(**{**running.__dict__, "urgent": False}), catalogue)
    assert waiting.step.id == "bezwaar_ciz" and waiting.step.status == "loopt"


def test_landelijk_meldpunt_only_after_a_complaint_at_the_provider(catalogue, facts):
    first = advise(facts(situation="klacht_zorgaanbieder", law="wlz", steps_tried={"klachtenfunctionaris": "nee"}),
                   catalogue)
    assert first.step.id == "klachtenfunctionaris"
    assert "landelijk_meldpunt_zorg" in [s.id for s in first.after]
    second = advise(facts(situation="klacht_zorgaanbieder", law="wlz",
                          steps_tried={"klachtenfunctionaris": "niet_geholpen", "landelijk_meldpunt_zorg": "nee"}),
                    catalogue)
    assert second.step.id == "landelijk_meldpunt_zorg"


def test_nationale_ombudsman_only_after_a_complaint_at_the_body_itself(catalogue, facts):
    first = advise(facts(situation="klacht_instantie", organisation="zorgkantoor",
                         steps_tried={"klacht_bij_instantie": "nee"}), catalogue)
    assert first.step.id == "klacht_bij_instantie"
    second = advise(facts(situation="klacht_instantie", organisation="zorgkantoor",
                          steps_tried={"klacht_bij_instantie": "niet_geholpen", "nationale_ombudsman": "nee"}), catalogue)
    assert second.step.id == "nationale_ombudsman"


def test_a_complaint_about_a_provider_switches_to_the_provider_route(catalogue, facts):
    advice = advise(facts(situation="klacht_instantie", organisation="zorgaanbieder"), catalogue)
    assert advice.situation == "klacht_zorgaanbieder"


def test_acute_danger_comes_first_for_problem_behaviour(catalogue, facts):
    assert advise(facts(situation="probleemgedrag"), catalogue).question.fact == "acute_danger"
    advice = advise(facts(situation="probleemgedrag", acute_danger=True, steps_tried={"cce": "nee"}), catalogue)
    assert advice.safety is not None and advice.safety.id == "huisarts_crisis"
    assert advice.step.id == "cce", "after the safety step, the route still follows"


def test_acute_danger_is_shown_even_before_the_situation_is_known(catalogue, facts):
    advice = advise(facts(acute_danger=True), catalogue)
    assert advice.safety is not None
    assert advice.question.fact == "situation"


def test_veiligheidshuis_for_a_relative_goes_via_a_professional(catalogue, facts):
    case = facts(situation="multiproblematiek", acute_danger=False, role="naaste",
                 steps_tried={"clientondersteuner": "niet_geholpen", "veiligheidshuis": "nee"})
    advice = advise(case, catalogue)
    assert advice.step.id == "veiligheidshuis"
    assert advice.step.via_professional


def test_veiligheidshuis_for_a_professional_is_direct(catalogue, facts):
    case = facts(situation="multiproblematiek", acute_danger=False, role="zorgprofessional",
                 steps_tried={"veiligheidshuis": "nee"})
    advice = advise(case, catalogue)
    assert advice.step.id == "veiligheidshuis"
    assert not advice.step.via_professional


def test_a_step_already_tried_is_never_recommended_again(catalogue, facts):
    case = facts(situation="kastje_muur", role="naaste",
                 steps_tried={"clientondersteuner": "niet_geholpen", "juiste_loket": "niet_geholpen"}, age_group="volwassene")
    advice = advise(case, catalogue)
    assert advice.step.id not in ("clientondersteuner", "juiste_loket")
    assert set(advice.already_tried) >= {"clientondersteuner", "juiste_loket"}


def test_vws_comes_only_when_other_escalation_did_not_help(catalogue, facts):
    case = facts(situation="kastje_muur", role="naaste", age_group="volwassene",
                 steps_tried={"clientondersteuner": "niet_geholpen", "juiste_loket": "niet_geholpen"})
    assert advise(case, catalogue).step.id == "vws_praktijkteam"


def test_when_every_rung_is_used_the_engine_says_so_instead_of_inventing(catalogue, facts):
    tried = {rung.body: "niet_geholpen" for rung in catalogue.routes["jeugdzorg"].rungs}
    advice = advise(facts(situation="jeugdzorg", steps_tried=tried), catalogue)
    assert advice.exhausted and advice.step is None


def test_the_wlz_search_for_a_place_follows_the_stappenplan(catalogue, facts):
    case = facts(situation="geen_plek", law="wlz", role="naaste", steps_tried={"clientondersteuner_wlz": "nee"})
    advice = advise(case, catalogue)
    assert advice.step.id == "clientondersteuner_wlz"
    assert advice.step.woonzorgplek and advice.step.woonzorgplek["id"] == "geen_dossierhouder"


def test_youth_care_that_is_stuck_leads_to_the_expertteam(catalogue, facts):
    advice = advise(facts(situation="jeugdzorg", steps_tried={"expertteam_jeugd": "nee"}), catalogue)
    assert advice.step.id == "expertteam_jeugd"
    assert "vertrouwenspersoon_akj" in [b.id for b in advice.support]


def test_who_is_responsible_asks_the_law_and_answers_with_the_zorgplicht_table(catalogue, facts):
    assert advise(facts(situation="wie_verantwoordelijk"), catalogue).question.fact == "law"
    advice = advise(facts(situation="wie_verantwoordelijk", law="wlz"), catalogue)
    assert advice.info == "zorgplicht"


def test_professionals_may_ask_vws_for_informal_advice_at_any_stage(catalogue, facts):
    professional = advise(facts(situation="geen_plek", law="wlz", role="zorgkantoor_medewerker",
                                steps_tried={"zorgkantoor": "nee"}), catalogue)
    assert professional.step.id == "zorgkantoor"
    vws = [s for s in professional.support if s.id == "vws_praktijkteam"]
    assert vws and "informeel advies" in vws[0].reason and vws[0].references[0].source == "S2"
    relative = advise(facts(situation="geen_plek", law="wlz", role="naaste",
                            steps_tried={"clientondersteuner_wlz": "nee"}), catalogue)
    assert "vws_praktijkteam" not in [s.id for s in relative.support], "for citizens VWS comes only at the end (S0)"


def test_a_terminated_care_contract_can_go_to_the_civil_court_after_the_regular_steps(catalogue, facts):
    tried = {"clientondersteuner_wlz": "niet_geholpen", "cce": "niet_geholpen", "zorgkantoor": "niet_geholpen",
             "whole_system_in_the_room": "niet_geholpen", "regionaal_ketenoverleg_wlz": "niet_geholpen"}
    asked = advise(facts(situation="zorg_past_niet", law="wlz", role="naaste", steps_tried=tried), catalogue)
    assert asked.question.fact == "termination"
    ended = advise(facts(situation="zorg_past_niet", law="wlz", role="naaste", termination=True,
                         steps_tried={**tried, "kort_geding_zorgbeeindiging": "nee"}), catalogue)
    assert ended.step.id == "kort_geding_zorgbeeindiging"
    not_ended = advise(facts(situation="zorg_past_niet", law="wlz", role="naaste", termination=False,
                             steps_tried={**tried, "juiste_loket": "nee"}), catalogue)
    assert not_ended.step.id == "juiste_loket"
