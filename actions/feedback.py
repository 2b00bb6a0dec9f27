"""👍/👎 from the web widget, stored with the conversation (slot ``feedback`` in the tracker store)."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

VALUES = {"up", "down"}


class ActionStoreFeedback(Action):
    def name(self) -> Text:
        return "action_store_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        value = next(tracker.get_latest_entity_values("feedback"), None)
        if value not in VALUES:
            return []
        history = list(tracker.get_slot("feedback") or [])
        last = tracker.get_slot("last_advice") or {}
        history.append({"value": value, "step": last.get("step"), "situation": last.get("situation")})
        dispatcher.utter_message(text="Dank u voor uw reactie.")
        return [SlotSet("feedback", history)]
