import re

from actions.advice import ActionExplain, ActionGiveAdvice, ActionMarkStepFailed, ActionStartCase
from actions.fallback import ActionDefaultAskAffirmation
from actions.feedback import ActionStoreFeedback
from actions.handoff import ActionHumanHandoff
from actions.safety import ActionSafety
from tests.actions.conftest import make_tracker, slot_events

CIZ_CASE = {"situation": "besluit_oneens", "organisation": "ciz", "decision_date": "2026-11-02",
            "steps_tried": {"bezwaar_ciz": "nee"}}


def test_advice_names_the_step_deadline_date_and_source(run_action):
    messages, events = run_action(ActionGiveAdvice(), make_tracker(CIZ_CASE))
    text = messages[-1]["text"]
    assert "Bezwaar maken bij het CIZ" in text
    assert "14 december 2026" in text, "the 6-week term is computed from the decision date"
    assert "Bron:" in text and "Bezwaar maken" in text
    assert "Helpt dit niet?" in text and "beroep" in text.lower()
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/waarom", "/volgende_stap", "/human_handoff"]
    assert slot_events(events)["last_advice"]["step"] == "bezwaar_ciz"


def test_advice_asks_instead_of_guessing_when_a_fact_is_missing(run_action):
    messages, events = run_action(ActionGiveAdvice(), make_tracker({"situation": "besluit_oneens"}))
    assert messages[0]["text"] == "Welke organisatie nam het besluit?"
    assert {b["payload"] for b in messages[0]["buttons"]} >= {'/inform{"instantie": "ciz"}'}


def test_waarom_explains_the_step_with_its_reason_and_sources(run_action):
    slots = {**CIZ_CASE, "last_advice": {"step": "bezwaar_ciz"}}
    messages, _ = run_action(ActionExplain(), make_tracker(slots, text="waarom?", intent="waarom"))
    text = messages[0]["text"]
    assert "Bezwaar maken bij het CIZ" in text
    assert "het CIZ" in text and "Bron:" in text


def test_waarom_during_the_form_explains_the_question(run_action):
    tracker = make_tracker({"situation": "besluit_oneens", "requested_slot": "organisation"}, text="waarom",
                           intent="waarom", active_loop="case_form")
    messages, _ = run_action(ActionExplain(), tracker)
    assert "gemeente" in messages[0]["text"] and "CIZ" in messages[0]["text"]


def test_en_als_dat_niet_helpt_marks_the_step_and_the_next_advice_moves_up(run_action):
    slots = {**CIZ_CASE, "last_advice": {"step": "bezwaar_ciz"}}
    _, events = run_action(ActionMarkStepFailed(), make_tracker(slots, intent="volgende_stap"))
    tried = slot_events(events)["steps_tried"]
    assert tried["bezwaar_ciz"] == "niet_geholpen"
    messages, _ = run_action(ActionGiveAdvice(), make_tracker({**CIZ_CASE, "steps_tried": {**tried, "beroep": "nee"},
                                                                "objection_decision_date": "onbekend"}))
    assert "rechtbank" in messages[-1]["text"].lower()
    assert "U heeft al geprobeerd" in messages[-1]["text"]


def test_beroep_intent_records_that_bezwaar_did_not_help(run_action):
    _, events = run_action(ActionStartCase(), make_tracker(text="mijn bezwaar is afgewezen", intent="beroep_instellen"))
    assert slot_events(events)["steps_tried"] == {"bezwaar": "niet_geholpen"}


def test_start_case_notices_danger_in_the_text(run_action):
    _, events = run_action(ActionStartCase(), make_tracker(text="hij wil niet meer leven en de zorg stopt",
                                                           intent="zorg_past_niet"))
    assert slot_events(events)["acute_danger"] is True


def test_safety_gives_112_and_113(run_action):
    messages, events = run_action(ActionSafety(), make_tracker(intent="acute_nood"))
    assert "112" in messages[0]["text"] and "113" in messages[0]["text"]
    assert slot_events(events)["acute_danger"] is True


def test_human_handoff_gives_real_routes_and_a_case_summary(run_action):
    messages, _ = run_action(ActionHumanHandoff(), make_tracker({"law": "wlz", "role": "naaste"}, intent="human_handoff"))
    text = messages[0]["text"]
    assert "Juiste Loket" in text and "liëntondersteun" in text
    assert "Wlz" in text and "familie" in text
    assert re.search(r"\b112\b", text)


def test_bedoelt_u_offers_readable_guesses_and_something_else(run_action):
    tracker = make_tracker(text="iets vaags", intent="nlu_fallback")
    tracker.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.4},
                                                {"name": "geen_plek", "confidence": 0.3},
                                                {"name": "greet", "confidence": 0.1},
                                                {"name": "zorg_past_niet", "confidence": 0.1}]
    messages, _ = run_action(ActionDefaultAskAffirmation(), tracker)
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles == ["We vinden geen passende plek", "De zorg past niet meer of stopt", "Iets anders"]


def test_feedback_is_stored_with_the_step_it_is_about(run_action):
    tracker = make_tracker({"last_advice": {"step": "bezwaar_ciz", "situation": "besluit_oneens"}}, intent="feedback",
                           entities=[{"entity": "feedback", "value": "down"}])
    _, events = run_action(ActionStoreFeedback(), tracker)
    assert slot_events(events)["feedback"] == [{"value": "down", "step": "bezwaar_ciz", "situation": "besluit_oneens"}]


def test_without_any_guess_the_fallback_asks_for_a_description(run_action):
    tracker = make_tracker(text="", intent="nlu_fallback")
    tracker.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.9}]
    messages, _ = run_action(ActionDefaultAskAffirmation(), tracker)
    assert "Beschrijf in een paar woorden" in messages[0]["text"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["Iets anders"]
