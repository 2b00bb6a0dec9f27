"""Giving the advice, explaining it ("waarom?") and moving one rung up ("en als dat niet helpt?")."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import (
    advice_buttons, buttons_for, catalogue, facts_from_tracker, latest_intent, latest_text,
)
from opschaling import advise, safety
from opschaling.engine import Advice
from opschaling.render import render_advice, render_why

# Intents that name a situation but also tell us something about the steps already taken.
INTENT_FACTS = {
    "beroep_instellen": {"steps_tried": {"bezwaar": "niet_geholpen"}},
}


def summary(advice: Advice) -> Dict[Text, Any]:
    """What is kept of an answer in the tracker (slot ``last_advice``), so 'waarom?' can refer to it."""
    return {
        "situation": advice.situation,
        "step": advice.step.id if advice.step else None,
        "status": advice.step.status if advice.step else None,
        "after": [s.id for s in advice.after],
        "sources": [f"{r.source}: {r.section}" for r in advice.references],
        "exhausted": advice.exhausted,
    }


class ActionStartCase(Action):
    """Runs when a user describes a situation: records what the intent itself tells, checks for danger."""

    def name(self) -> Text:
        return "action_start_case"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events: List[EventType] = []
        extra = INTENT_FACTS.get(latest_intent(tracker), {})
        if "steps_tried" in extra:
            history = dict(tracker.get_slot("steps_tried") or {})
            for step, outcome in extra["steps_tried"].items():
                history.setdefault(step, outcome)
            events.append(SlotSet("steps_tried", history))
        if safety.detect(latest_text(tracker)):
            events.append(SlotSet("acute_danger", True))
        return events


class ActionGiveAdvice(Action):
    def name(self) -> Text:
        return "action_give_advice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        facts = facts_from_tracker(tracker)
        advice = advise(facts, catalogue())
        if advice.question:  # a fact became unusable after the form ended: ask it instead of guessing
            dispatcher.utter_message(text=advice.question.text, buttons=buttons_for(advice.question))
            return [SlotSet("asked_step", advice.question.about_step)]
        messages = render_advice(advice, catalogue(), facts)
        for message in messages[:-1]:
            dispatcher.utter_message(text=message)
        if messages:
            dispatcher.utter_message(text=messages[-1], buttons=advice_buttons())
        return [SlotSet("last_advice", summary(advice))]


class ActionExplain(Action):
    """'Waarom?': during the form, why we ask this question; after an answer, why that step, with sources."""

    def name(self) -> Text:
        return "action_explain"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        facts = facts_from_tracker(tracker)
        advice = advise(facts, catalogue())
        if tracker.active_loop.get("name") == "case_form" and advice.question:
            dispatcher.utter_message(text=advice.question.explain or "Deze vraag helpt mij de juiste route te kiezen.")
            return []
        if not tracker.get_slot("last_advice"):
            dispatcher.utter_message(text="Ik heb nog geen stap genoemd. Vertel me eerst wat er speelt.")
            return []
        dispatcher.utter_message(text=render_why(advice, catalogue(), facts), buttons=advice_buttons()[1:])
        return []


class ActionMarkStepFailed(Action):
    """'En als dat niet helpt?' / 'Dat heb ik al geprobeerd': the last step counts as tried without result."""

    def name(self) -> Text:
        return "action_mark_step_failed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        last = tracker.get_slot("last_advice") or {}
        step = last.get("step")
        if not step:
            return []
        history = dict(tracker.get_slot("steps_tried") or {})
        history[step] = "niet_geholpen"
        return [SlotSet("steps_tried", history), SlotSet("last_advice", None)]
