"""No identifier the guard masks ever reaches a document.

A conversation goes through the real channel guard (channels/guard.py: BSN, phone number, e-mail address, name and
postcode masked before the dialogue sees the text) and the real dialogue; then every file the conversation can make
is built and read back with its own library. Also when an identifier slipped into the state's free texts (the
texts not understood, a feedback comment): a document reads only the facts.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from documents_testlib import TODAY, bezwaar, docx_text, ics_event, pdf_text

import documents
from opschaling.dialogue import Turn, respond

IDENTIFIERS = (
    "123456782",  # a BSN (passes the 11-test)
    "0612345678",
    "06-12345678",
    "jan.jansen@example.nl",
    "Jan de Vries",
    "de Vries",
    "1234 AB",
    "1234AB",
    "0687654321",
    "piet@voorbeeld.nl",
    "Pietersen",
)
MESSAGES = (
    "Ik ben Jan de Vries, mijn BSN is 123456782 en mijn nummer is 06-12345678, mail jan.jansen@example.nl. "
    "Postcode 1234 AB. Het CIZ gaf mijn moeder geen Wlz-indicatie, ik ben het er niet mee eens. "
    "Het besluit is van 3 november 2026.",
    "nee",
    "bel mevrouw Pietersen op 0687654321 of mail piet@voorbeeld.nl",
    '/detail{"onderwerp":"overzicht"}',
)


def file_text(name: str, content: bytes) -> str:
    if name.endswith(".docx"):
        return docx_text(content)
    if name.endswith(".pdf"):
        return pdf_text(content)
    if name.endswith(".ics"):
        event = ics_event(content)
        alarms = [str(a["description"]) for a in event.walk("VALARM")]
        return "\n".join([content.decode("utf-8"), str(event["summary"]), str(event["description"]), *alarms])
    return content.decode("utf-8")


def every_file(state: dict[str, Any], catalogue) -> dict[str, str]:
    texts = {}
    for name in documents.FILES:
        file = documents.build(name, state, catalogue, TODAY)
        if file is not None:
            texts[name] = file_text(name, file.content)
    return texts


def assert_no_identifier(texts: dict[str, str]) -> None:
    for name, text in texts.items():
        flat = " ".join(text.split())
        for identifier in IDENTIFIERS:
            assert identifier not in text and identifier not in flat, (name, identifier)


def run_through_the_guard(messages: tuple[str, ...]) -> dict[str, Any]:
    """The conversation as the channels pass it on: each message through the guard, then the dialogue; returns the
    dialogue state (what the slot ``dialogue`` would hold)."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from channels.guard import Guard

    guard = Guard(rate=(1000, 1.0))
    holder: dict[str, Any] = {"state": None, "seen": []}

    async def dialogue(message: UserMessage) -> None:
        text = message.text
        holder["seen"].append(text)
        payload = text if text.startswith("/") else None
        turn = Turn(text=text, payload=payload)
        if payload and payload.startswith("/detail"):
            turn = Turn(text=text, intent="detail", entities=(("onderwerp", "overzicht"),), payload=text)
        reply = respond(holder["state"], turn, today=TODAY)
        holder["state"] = reply.state
        for m in reply.messages:
            await message.output_channel.send_response(
                message.sender_id, {"text": m.text, "buttons": m.buttons, "opsw": m.opsw()}
            )

    async def talk() -> None:
        for text in messages:
            output = CollectingOutputChannel()
            outcome = await guard.handle(UserMessage(text, output, "privacy-test-1"), dialogue)
            assert outcome == "passed", outcome

    asyncio.run(talk())
    # the guard masked every identifier before the dialogue saw the text
    assert_no_identifier({"what the dialogue saw": "\n".join(holder["seen"])})
    return holder["state"]


@pytest.mark.slow
def test_identifiers_in_a_conversation_never_reach_a_file(catalogue, monkeypatch):
    monkeypatch.setenv("OPSW_SENDER_SALT", "test-sender-salt-0123456789abcdef")
    state = run_through_the_guard(MESSAGES)
    assert state["facts"]["organisation"] == "ciz" and state["facts"]["decision_date"] == "2026-11-03"
    texts = every_file(state, catalogue)
    assert {"bezwaarschrift.docx", "bezwaarschrift.pdf", "agenda.ics", "overzicht.html", "overzicht.pdf"} <= set(texts)
    assert_no_identifier(texts)


def test_free_texts_in_the_state_never_reach_a_file(catalogue):
    """Even an identifier that got past the guard into the state's texts stays out: a document reads only facts."""
    state = bezwaar("ciz", "wlz")
    state["unread"] = [f"mijn bsn is {IDENTIFIERS[0]}, bel {IDENTIFIERS[2]}, mail {IDENTIFIERS[3]}, Jan de Vries"]
    state["feedback"] = [{"value": "down", "step": "bezwaar_ciz", "comment": "postcode 1234 AB, piet@voorbeeld.nl"}]
    state["facts"]["steps_tried"] = {"bezwaar_ciz": "nee", "cce": "niet_geholpen"}
    texts = every_file(state, catalogue)
    assert len(texts) >= 7
    assert_no_identifier(texts)
