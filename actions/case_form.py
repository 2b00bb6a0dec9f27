"""The case form: its required slots come from the engine, so it asks only what is still missing.

- ``validate_case_form`` extracts answers typed as free text, turns "heeft u dit al geprobeerd?" answers into
  the step history, and after two answers it could not read explains why it asks (as financial-demo does).
- ``action_ask_<fact>`` asks the engine's question for that fact, with buttons.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import (
    FACT_SLOTS, buttons_for, catalogue, facts_from_tracker, latest_intent, latest_text, today,
)
from opschaling import advise, normalise, safety
from opschaling.engine import Question, question_for
from opschaling.facts import ALLOWED, normalise_value
from opschaling.render import render_safety

REQUESTED_SLOT = "requested_slot"
# Messages with these intents are not answers: the form lets the rules handle them (and then continues).
INTERRUPTIONS = {"waarom", "human_handoff", "restart", "acute_nood", "goodbye", "out_of_scope", "bot_challenge",
                 "thanks", "greet", "feedback", "volgende_stap"}
EXPLAIN_AFTER_FAILURES = 2


def next_question(tracker: Tracker) -> Optional[Question]:
    return advise(facts_from_tracker(tracker), catalogue()).question


class ValidateCaseForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_case_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        # The slot that was just asked stays required in this turn, so that its answer is validated and kept.
        question = next_question(tracker)
        slots = [tracker.get_slot(REQUESTED_SLOT), question.fact if question else None]
        return list(dict.fromkeys(s for s in slots if s))

    async def next_requested_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Optional[EventType]:
        # Ask what the engine needs, even if the slot holds a value the engine could not use.
        question = next_question(tracker)
        return SlotSet(REQUESTED_SLOT, question.fact if question else None)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        requested = tracker.get_slot(REQUESTED_SLOT)
        text = latest_text(tracker)
        events: List[EventType] = []
        if safety.detect(text) and tracker.get_slot("acute_danger") is not True:
            dispatcher.utter_message(text=render_safety(catalogue().body("huisarts_crisis"), catalogue()))
            events.append(SlotSet("acute_danger", True))
            tracker.slots["acute_danger"] = True
        answered_before = dict(tracker.slots_to_validate())
        events += await super().run(dispatcher, tracker, domain)
        filled = {e["name"] for e in events if e.get("event") == "slot" and e.get("name") in (*FACT_SLOTS, "steps_tried")}
        filled |= {k for k in answered_before if k in FACT_SLOTS}
        if requested and not filled and latest_intent(tracker) not in INTERRUPTIONS:
            failures = int(tracker.get_slot("failed_attempts") or 0) + 1
            if failures >= EXPLAIN_AFTER_FAILURES:
                question = question_for(catalogue(), requested, facts_from_tracker(tracker)) \
                    if requested != "step_outcome" else next_question(tracker)
                if question and question.explain:
                    dispatcher.utter_message(text="Ik begreep uw antwoord niet goed. " + question.explain)
            else:
                dispatcher.utter_message(text="Dat begreep ik niet helemaal. Ik stel de vraag nog een keer.")
            events.append(SlotSet("failed_attempts", failures))
        elif filled:
            events.append(SlotSet("failed_attempts", 0))
        return events

    # --- extraction of answers typed as free text -------------------------------------------------------

    def _typed(self, tracker: Tracker, slot: Text) -> Optional[Text]:
        """The user's text, when ``slot`` was asked and no mapping filled it this turn."""
        if tracker.get_slot(REQUESTED_SLOT) != slot or slot in tracker.slots_to_validate():
            return None
        return latest_text(tracker) or None

    def _keyword(self, tracker: Tracker, slot: Text) -> Dict[Text, Any]:
        text = self._typed(tracker, slot)
        value = normalise.keyword_value(slot, text) if text else None
        return {slot: value} if value else {}

    async def extract_law(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._keyword(tracker, "law")

    async def extract_organisation(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._keyword(tracker, "organisation")

    async def extract_role(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._keyword(tracker, "role")

    async def extract_age_group(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = self._typed(tracker, "age_group")
        if not text:
            return {}
        value = normalise.age_group(text)
        return {"age_group": value} if value else {}

    async def _extract_date(self, tracker: Tracker, slot: Text) -> Dict[Text, Any]:
        text = self._typed(tracker, slot)
        value = normalise.date_answer(text, today()) if text else None
        return {slot: value} if value else {}

    async def extract_decision_date(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return await self._extract_date(tracker, "decision_date")

    async def extract_objection_decision_date(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return await self._extract_date(tracker, "objection_decision_date")

    async def _extract_yes_no(self, tracker: Tracker, slot: Text) -> Dict[Text, Any]:
        text = self._typed(tracker, slot)
        value = normalise.yes_no(text) if text else None
        return {slot: value} if value is not None else {}

    async def extract_acute_danger(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return await self._extract_yes_no(tracker, "acute_danger")

    async def extract_consent(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return await self._extract_yes_no(tracker, "consent")

    async def extract_urgent(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return await self._extract_yes_no(tracker, "urgent")

    async def extract_termination(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return await self._extract_yes_no(tracker, "termination")

    async def extract_step_outcome(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = self._typed(tracker, "step_outcome")
        value = normalise.step_outcome(text) if text else None
        return {"step_outcome": value} if value else {}

    # --- validation ------------------------------------------------------------------------------------

    def _validate_choice(self, slot: Text, value: Any) -> Dict[Text, Any]:
        value = normalise_value(slot, value)
        return {slot: value if value in ALLOWED[slot] else None}

    def validate_law(self, value, dispatcher, tracker, domain):
        return self._validate_choice("law", value)

    def validate_organisation(self, value, dispatcher, tracker, domain):
        return self._validate_choice("organisation", value)

    def validate_role(self, value, dispatcher, tracker, domain):
        return self._validate_choice("role", value)

    def validate_age_group(self, value, dispatcher, tracker, domain):
        return self._validate_choice("age_group", value)

    def validate_situation(self, value, dispatcher, tracker, domain):
        return self._validate_choice("situation", value)

    def _validate_date(self, slot: Text, value: Any, tracker: Tracker) -> Dict[Text, Any]:
        """The entity may hold only part of a date ("2026"): then the whole message is read."""
        parsed = normalise.date_answer(str(value), today()) if value else None
        if parsed is None and latest_text(tracker):
            parsed = normalise.date_answer(latest_text(tracker), today())
        return {slot: parsed}

    def validate_decision_date(self, value, dispatcher, tracker, domain):
        return self._validate_date("decision_date", value, tracker)

    def validate_objection_decision_date(self, value, dispatcher, tracker, domain):
        return self._validate_date("objection_decision_date", value, tracker)

    def validate_step_outcome(self, value, dispatcher, tracker, domain):
        """Move the answer into the step history; the slot is emptied so the next step can be asked about."""
        step = tracker.get_slot("asked_step")
        if not step or value not in ("nee", "loopt", "niet_geholpen"):
            return {"step_outcome": None}
        history = dict(tracker.get_slot("steps_tried") or {})
        history[step] = value
        return {"step_outcome": None, "steps_tried": history}


class AskForFact(Action):
    """Asks the engine's question for one fact, with its options as buttons."""

    fact: Text = ""

    def name(self) -> Text:
        return f"action_ask_{self.fact}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        facts = facts_from_tracker(tracker)
        question = advise(facts, catalogue()).question
        if question is None or question.fact != self.fact:
            question = question_for(catalogue(), self.fact, facts)
        dispatcher.utter_message(text=question.text, buttons=buttons_for(question))
        return [SlotSet("asked_step", question.about_step)] if self.fact == "step_outcome" else []


def _ask_action(fact: Text) -> type:
    return type(f"AskFor_{fact}", (AskForFact,), {"fact": fact})


ASK_ACTIONS = [_ask_action(fact) for fact in (*FACT_SLOTS, "step_outcome")]
for _cls in ASK_ACTIONS:
    globals()[_cls.__name__] = _cls

__all__ = ["ASK_ACTIONS", "AskForFact", "ValidateCaseForm"]
