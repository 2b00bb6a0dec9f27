"""Acute danger or suicidality: the crisis routes first, before any escalation route."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import catalogue
from opschaling.render import render_safety


class ActionSafety(Action):
    def name(self) -> Text:
        return "action_safety"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(text=render_safety(catalogue().body("huisarts_crisis"), catalogue()))
        if tracker.get_slot("situation"):
            dispatcher.utter_message(text="Als het veilig is, help ik u daarna verder met uw vraag.")
        return [SlotSet("acute_danger", True)]
