"""Typed words never wipe a conversation by mistake (issue 17): a message the NLU reads as "start again" restarts
only when it plainly is that command (lexicon/moves.yaml); otherwise the assistant asks first, and "nee" keeps
everything the user said. The widget's "/restart" button restarts at once."""

from __future__ import annotations

from datetime import date

import pytest

from opschaling.dialogue import Turn, respond

TODAY = date(2026, 12, 6)
STORY = "Mijn moeder wacht al maanden op een verpleeghuis, ze heeft een Wlz-indicatie van het CIZ."


def _say(state, text, intent=None, payload=None):
    reply = respond(state, Turn(text=text, intent=intent, confidence=0.9, payload=payload), today=TODAY)
    assert reply.messages, text
    return reply.state, reply.messages


def _told(state) -> dict:
    return dict(state["facts"])


@pytest.mark.parametrize(
    "text",
    ["kunt u dat opnieuw zeggen?", "ik moet de aanvraag opnieuw doen", "vergeet dat laatste", "nog een keer graag"],
)
def test_an_ordinary_sentence_read_as_restart_asks_first_and_no_keeps_everything(text):
    state, _ = _say(None, STORY)
    before = _told(state)
    assert before.get("situation")
    state, messages = _say(state, text, intent="opnieuw_beginnen")
    assert _told(state) == before
    assert any(b.get("payload") == "/restart" for m in messages for b in m.buttons)
    state, messages = _say(state, "nee", intent="deny")
    assert _told(state) == before
    assert messages[-1].kind == "question"  # the pending question comes back


def test_yes_to_the_question_starts_again():
    state, _ = _say(None, STORY)
    state, _ = _say(state, "kunt u dat opnieuw zeggen?", intent="opnieuw_beginnen")
    state, _ = _say(state, "ja", intent="affirm")
    assert not _told(state).get("situation")


@pytest.mark.parametrize(
    ("text", "intent", "payload"), [("opnieuw beginnen", "opnieuw_beginnen", None), ("/restart", "restart", "/restart")]
)
def test_the_plain_command_and_the_button_start_again_at_once(text, intent, payload):
    state, _ = _say(None, STORY)
    state, messages = _say(state, text, intent=intent, payload=payload)
    assert not _told(state).get("situation")
    assert messages[-1].kind == "question" and not any(
        b.get("payload") == "/restart" for m in messages for b in m.buttons
    )


def test_a_new_story_after_the_question_is_read_as_usual():
    state, _ = _say(None, STORY)
    state, _ = _say(state, "kunt u dat opnieuw zeggen?", intent="opnieuw_beginnen")
    state, _ = _say(state, "ik ben haar dochter")
    assert _told(state).get("situation") and not state.get("confirm_restart")


def test_a_first_message_read_as_restart_is_no_question_about_starting_over():
    # "ik heb een vraag" as the first message, read by the NLU as "start again" (round 13, widget): nothing to forget
    state, messages = _say(None, "ik heb een vraag", intent="opnieuw_beginnen")
    assert not any(b.get("payload") == "/restart" for m in messages for b in m.buttons)
    assert state.get("asked") == "situation" and not state.get("confirm_restart")
