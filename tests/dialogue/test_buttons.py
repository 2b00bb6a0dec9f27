"""Every button the assistant offers is understood when it is pressed.

The conversation is driven only by buttons, from every situation on, and at every question each offered
button is pressed in a copy of the conversation: the answer must move the conversation on (another question, or
advice) and never be met with "not understood". A button whose payload the dialogue ignores (this happened to
"Weet ik niet" on every yes/no question) fails here.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date

import pytest

from opschaling import facts, load_catalogue
from opschaling.dialogue import Turn, respond

TODAY = date(2026, 12, 1)
CATALOGUE = load_catalogue()
SITUATIONS = list(facts.SITUATIONS)  # also the ones without a button (informatie_delen, ...)
MAX_STATES = 150  # questions explored per situation
NOT_UNDERSTOOD = re.compile(r"begreep ik niet|niet helemaal begrepen", re.IGNORECASE)


def press(state, button: dict) -> tuple[dict, list]:
    payload = button["payload"]
    match = re.fullmatch(r"/(\w+)(\{.*\})?", payload)
    assert match, f"not a payload: {payload}"
    entities = tuple(json.loads(match.group(2)).items()) if match.group(2) else ()
    turn = Turn(text=payload, intent=match.group(1), confidence=1.0, entities=entities, payload=payload)
    reply = respond(copy.deepcopy(state), turn, CATALOGUE, TODAY)
    return reply.state, reply.messages


def where(state) -> tuple:
    return state.get("asked"), state.get("asked_step")


def answer_buttons(messages) -> list[dict]:
    questions = [m for m in messages if m.kind == "question"]
    return questions[-1].buttons if questions else []


def key(state) -> str:
    return json.dumps([where(state), state.get("facts")], sort_keys=True, default=str)


def walk(situation: str):
    """Breadth first over the conversations that buttons allow, up to MAX_STATES questions: every press as
    (state before, button, state after, replies)."""
    start, messages = press(None, {"payload": f"/{situation}"})
    todo, seen = [(start, messages)], {key(start)}
    while todo and len(seen) <= MAX_STATES:
        state, messages = todo.pop(0)
        for button in answer_buttons(messages):
            after, replies = press(state, button)
            yield state, button, after, replies
            if answer_buttons(replies) and key(after) not in seen:
                seen.add(key(after))
                todo.append((after, replies))


@pytest.mark.parametrize("situation", SITUATIONS)
def test_every_offered_button_moves_the_conversation_on(situation):
    asked = set()
    for state, button, after, replies in walk(situation):
        said = " ".join(m.text for m in replies)
        assert not NOT_UNDERSTOOD.search(said), (situation, where(state), button, said)
        moved = where(after) != where(state) or any(m.kind == "advice" for m in replies)
        assert moved, (situation, where(state), button, said)
        asked.add(where(state)[0])
    assert asked, f"{situation}: no question with buttons was asked"


def test_the_walk_reaches_the_yes_no_questions():
    """The walk is only worth something if it reaches the yes/no questions the routes ask."""
    reached = {where(state)[0] for situation in SITUATIONS for state, *_ in walk(situation)}
    yes_no = {"consent", "urgent", "termination", "about_decision", "complaint_within_year"}
    assert yes_no <= reached, sorted(yes_no - reached)
