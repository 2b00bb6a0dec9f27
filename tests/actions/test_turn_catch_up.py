"""The action on tracker fixtures (as in Rasa's financial-demo): messages sent while the action server was down are
read before the latest one (issue 17). Rasa logs the action event also when the call failed, so only a run with its
own events counts as an answer; a danger sign sent during the outage still gets its crisis message first."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.turn import ActionTurn, unanswered


def _user(text: str, intent: str = "inform") -> dict:
    return {"event": "user", "text": text, "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.9}}}


def _action(name: str) -> dict:
    return {"event": "action", "name": name}


def _tracker(events: list[dict]) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")
    return Tracker(
        "catch-up", {"dialogue": None}, latest["parse_data"] | {"text": latest["text"]}, events, False, None, {}, ""
    )


DANGER = "ik wil niet meer leven"
FAILED_RUN = [_user(DANGER), _action("action_turn"), _action("action_listen"), _user("hallo", "greet")]


def test_a_failed_run_leaves_the_message_before_it_unanswered():
    assert [e["text"] for e in unanswered(_tracker(FAILED_RUN))] == [DANGER]


def test_a_run_with_its_own_events_answered_the_message_before_it():
    answered = [
        _user("mijn moeder wacht op een verpleeghuis"),
        _action("action_turn"),
        {"event": "bot", "text": "Heeft u al ..."},
        {"event": "slot", "name": "dialogue", "value": {}},
        _action("action_listen"),
        _user("hallo", "greet"),
    ]
    assert unanswered(_tracker(answered)) == []


def test_a_danger_sign_sent_during_the_outage_gets_its_crisis_message_first():
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionTurn().run(dispatcher, _tracker(FAILED_RUN), {}))
    kinds = [
        (m.get("custom") or {}).get("opsw", {}).get("kind") or m.get("opsw", {}).get("kind")
        for m in dispatcher.messages
    ]
    assert kinds and kinds[0] in ("crisis", "check_in"), dispatcher.messages
