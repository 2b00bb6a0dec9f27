"""Shared helpers: tracker slots -> case facts, engine questions -> buttons with payloads."""
from __future__ import annotations

import json
from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker

from opschaling import CaseFacts, load_catalogue
from opschaling.engine import Question

FACT_SLOTS = ("situation", "law", "organisation", "age_group", "role", "decision_date", "objection_decision_date",
              "acute_danger", "consent", "urgent", "termination")
# The entity that carries a fact in a button payload (see data/nlu and domain.yml).
FACT_ENTITY = {"law": "wet", "organisation": "instantie", "age_group": "leeftijdsgroep", "role": "rol",
               "decision_date": "datum", "objection_decision_date": "datum", "step_outcome": "stap_uitkomst"}
YES_NO_FACTS = ("acute_danger", "consent", "urgent", "termination")

ADVICE_BUTTONS = (
    ("Waarom deze stap?", "/waarom"),
    ("Dit heb ik al geprobeerd", "/volgende_stap"),
    ("Ik wil iemand spreken", "/human_handoff"),
)


def catalogue():
    return load_catalogue()


def today() -> date:
    return date.today()


def facts_from_tracker(tracker: Tracker) -> CaseFacts:
    slots = {name: tracker.get_slot(name) for name in FACT_SLOTS}
    slots["steps_tried"] = tracker.get_slot("steps_tried") or {}
    return CaseFacts.from_slots(slots, today=today())


def payload(fact: str, value: Any) -> Text:
    """The button payload that answers ``fact`` with ``value`` (free text works as well)."""
    if fact == "situation":
        return f"/{value}"
    if fact in YES_NO_FACTS:
        return "/affirm" if value is True else "/deny"
    entity = FACT_ENTITY[fact]
    return "/inform" + json.dumps({entity: value}, ensure_ascii=False)


def buttons_for(question: Question) -> List[Dict[Text, Text]]:
    return [{"title": option.title, "payload": payload(question.fact, option.value)} for option in question.options]


def advice_buttons() -> List[Dict[Text, Text]]:
    return [{"title": title, "payload": p} for title, p in ADVICE_BUTTONS]


def latest_text(tracker: Tracker) -> Text:
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text


def latest_intent(tracker: Tracker) -> Text:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""
