"""'Ik wil iemand spreken': real people to talk to, with a summary of the case to take along."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import catalogue, facts_from_tracker
from opschaling.render import contact_lines, describe_facts, sources_line

HUMAN_ROUTES = ("clientondersteuner", "juiste_loket")


class ActionHumanHandoff(Action):
    def name(self) -> Text:
        return "action_human_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        cat = catalogue()
        lines = ["Ik ben een computerprogramma. Met deze mensen kunt u praten:"]
        refs = []
        for body_id in HUMAN_ROUTES:
            body = cat.body(body_id)
            lines.append(f"**{body.label}**: {body.text('what')} " + " ".join(contact_lines(body)))
            refs.extend(body.references)
        known = describe_facts(facts_from_tracker(tracker))
        if known:
            lines.append("Neem dit overzicht mee naar het gesprek: " + known + ".")
        lines.append("Is er nu direct gevaar? Bel dan 112.")
        lines.append("_" + sources_line(cat, refs) + "_")
        dispatcher.utter_message(text="\n\n".join(lines))
        return [SlotSet("handoff_requested", True)]
