"""Tracker fixtures for the custom actions (rasa_sdk objects, no Rasa server)."""
import asyncio
from datetime import date
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.conversation

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(actions.conversation, "today", lambda: TODAY)


@pytest.fixture(scope="session")
def domain():
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def make_tracker(slots=None, text="", intent="inform", entities=(), active_loop=None, events=()):
    all_slots = {"requested_slot": None}
    all_slots.update(slots or {})
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": list(entities),
              "intent_ranking": [{"name": intent, "confidence": 0.9}]}
    return Tracker("test-user", all_slots, latest, list(events), False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


@pytest.fixture
def run_action(domain):
    def run(action, tracker):
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker, domain))
        return dispatcher.messages, events

    return run


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
