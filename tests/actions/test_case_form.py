from actions.case_form import ASK_ACTIONS, ValidateCaseForm
from tests.actions.conftest import make_tracker, slot_events


def form_tracker(slots, text, intent="inform", entities=(), set_this_turn=None):
    events = [{"event": "user", "text": text}]
    for name, value in (set_this_turn or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
    return make_tracker(slots, text=text, intent=intent, entities=entities, active_loop="case_form", events=events)


def test_required_slot_comes_from_the_engine(run_action):
    tracker = form_tracker({"situation": "besluit_oneens", "requested_slot": None}, "ik ben het niet eens", "besluit_oneens")
    _, events = run_action(ValidateCaseForm(), tracker)
    assert slot_events(events)["requested_slot"] == "organisation"


def test_a_typed_answer_is_understood_without_buttons(run_action):
    tracker = form_tracker({"situation": "klacht_zorgaanbieder", "requested_slot": "law"},
                           "ze heeft een indicatie voor de wet langdurige zorg", "nlu_fallback")
    _, events = run_action(ValidateCaseForm(), tracker)
    slots = slot_events(events)
    assert slots["law"] == "wlz"
    assert slots["requested_slot"] == "step_outcome"


def test_a_typed_date_is_stored_as_a_date(run_action):
    slots = {"situation": "besluit_oneens", "organisation": "ciz", "steps_tried": {"bezwaar_ciz": "nee"},
             "requested_slot": "decision_date"}
    _, events = run_action(ValidateCaseForm(), form_tracker(slots, "het besluit is van 2 november 2026"))
    result = slot_events(events)
    assert result["decision_date"] == "2026-11-02"
    assert result["requested_slot"] is None, "nothing more is needed: the form ends and the advice follows"


def test_step_answer_goes_into_the_history_and_the_next_step_is_asked(run_action):
    slots = {"situation": "klacht_zorgaanbieder", "law": "wlz", "requested_slot": "step_outcome",
             "asked_step": "klachtenfunctionaris"}
    _, events = run_action(ValidateCaseForm(), form_tracker(slots, "ja maar het hielp niet"))
    result = slot_events(events)
    assert result["steps_tried"] == {"klachtenfunctionaris": "niet_geholpen"}
    assert result["step_outcome"] is None
    assert result["requested_slot"] == "step_outcome", "now it asks about the next rung (Landelijk Meldpunt Zorg)"


def test_after_two_unreadable_answers_the_question_is_explained(run_action):
    slots = {"situation": "klacht_zorgaanbieder", "requested_slot": "law", "failed_attempts": 1}
    messages, events = run_action(ValidateCaseForm(), form_tracker(slots, "pfff tja", "nlu_fallback"))
    assert "Wlz = langdurige zorg" in messages[0]["text"]
    assert slot_events(events)["failed_attempts"] == 2


def test_a_question_that_interrupts_the_form_is_left_to_the_rules(run_action):
    slots = {"situation": "klacht_zorgaanbieder", "requested_slot": "law"}
    messages, events = run_action(ValidateCaseForm(), form_tracker(slots, "ik wil iemand spreken", "human_handoff"))
    assert messages == []
    assert "failed_attempts" not in slot_events(events)


def test_danger_in_an_answer_is_answered_first(run_action):
    slots = {"situation": "zorg_past_niet", "requested_slot": "law"}
    messages, events = run_action(ValidateCaseForm(), form_tracker(slots, "ik wil niet meer leven", "nlu_fallback"))
    assert "113" in messages[0]["text"]
    assert slot_events(events)["acute_danger"] is True


def test_every_fact_has_an_ask_action_with_buttons(run_action, domain):
    names = {cls().name() for cls in ASK_ACTIONS}
    assert names <= set(domain["actions"])
    for cls in ASK_ACTIONS:
        messages, _ = run_action(cls(), make_tracker({"situation": "besluit_oneens", "organisation": "ciz"}))
        assert messages[0]["text"].strip(), cls().name()


def test_a_date_entity_with_only_the_year_falls_back_to_the_whole_message(run_action):
    slots = {"situation": "besluit_oneens", "organisation": "ciz", "steps_tried": {"bezwaar_ciz": "nee"},
             "requested_slot": "decision_date", "decision_date": "2026"}
    tracker = form_tracker(slots, "het besluit is van 2 november 2026", set_this_turn={"decision_date": "2026"})
    _, events = run_action(ValidateCaseForm(), tracker)
    assert slot_events(events)["decision_date"] == "2026-11-02"
