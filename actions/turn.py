"""The only custom action: one turn of the conversation (docs/ARCHITECTURE.md).

It translates the tracker into a ``Turn`` for ``opschaling.dialogue.respond`` and the reply into bot messages;
it decides nothing itself. Messages that got no answer earlier (the action server was down) are read first, so
what the user typed meanwhile is not lost.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from opschaling import load_catalogue, safety_model, situation_model
from opschaling.dialogue import ALARM_KINDS, Turn, respond

# the learned readers are loaded (or trained, once) when the action server starts, not on a user's message
safety_model.model()
situation_model.model()

STATE_SLOT = "dialogue"
ACTION = "action_turn"
MAX_CATCH_UP = 5  # earlier unanswered messages read before the latest one


def today() -> date:
    """Today, or OPSW_TODAY (YYYY-MM-DD) so that conversation tests with dates do not depend on the calendar."""
    fixed = os.environ.get("OPSW_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


def turn_of(message: Mapping[str, Any]) -> Turn:
    """A Turn from a user message as Rasa stores it (``latest_message`` or a ``user`` event's parse data)."""
    parse = message.get("parse_data", message)
    text = str(message.get("text") or parse.get("text") or "")
    intent = (parse.get("intent") or {}).get("name")
    confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
    ranking = tuple(
        (r.get("name"), float(r.get("confidence") or 0.0)) for r in parse.get("intent_ranking") or () if r.get("name")
    )
    entities = tuple((e.get("entity"), e.get("value")) for e in parse.get("entities") or () if e.get("entity"))
    return Turn(
        text=text,
        intent=intent,
        confidence=confidence,
        ranking=ranking,
        entities=entities,
        payload=text if text.startswith("/") else None,
        metadata=message.get("metadata") or {},
    )


def unanswered(tracker: Tracker) -> list[dict[str, Any]]:
    """User events after the last run of this action that answered, oldest first, without the latest message.

    Rasa logs the action event also when the call failed (the action server was down: "the actions events are
    lost"); only a run followed by its own events (bot messages, the dialogue slot) answered the messages before it.
    """
    events = list(tracker.events)
    pending: list[dict[str, Any]] = []
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "action" and event.get("name") == ACTION and _answered(events, index):
            break
        if event.get("event") == "user":
            pending.append(event)
    pending.reverse()
    return pending[:-1][-MAX_CATCH_UP:]


def _answered(events: list[dict[str, Any]], index: int) -> bool:
    """The run of this action at ``index`` produced its events (a bot message or the dialogue slot)."""
    for event in events[index + 1 :]:
        kind = event.get("event")
        if kind == "bot" or (kind == "slot" and event.get("name") == STATE_SLOT):
            return True
        if kind in ("user", "action"):
            return False
    return False


class ActionTurn(Action):
    def name(self) -> str:
        return ACTION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        catalogue = load_catalogue()
        state = tracker.get_slot(STATE_SLOT)
        day = today()
        earlier_crisis = []
        for event in unanswered(tracker):
            reply = respond(state, turn_of(event), catalogue, day)
            state = reply.state
            earlier_crisis += [m for m in reply.messages if m.kind in ALARM_KINDS]
        reply = respond(state, turn_of(tracker.latest_message or {}), catalogue, day)
        messages = reply.messages
        if earlier_crisis and not any(m.kind in ALARM_KINDS for m in messages):
            messages = earlier_crisis[-1:] + messages
        for message in messages:
            dispatcher.utter_message(text=message.text, buttons=message.buttons or None, opsw=message.opsw())
        return [SlotSet(STATE_SLOT, reply.state)]
