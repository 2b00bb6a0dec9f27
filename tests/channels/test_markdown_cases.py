"""The text channels read the answers' Markdown as docs/markdown.md says, case by case.

Every case of tests/fixtures/markdown_cases.yaml (the same cases the widget is tested with in
tests/browser/test_markdown_cases.py) goes through channels/text_format.py (SMS and Telegram: plain
text; WhatsApp: its own *bold* and _italic_) and through the output of the text channels
(channels/text_channel.py: one message or one per paragraph, split to the channel's limit).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from channels.text_channel import TextOutput
from channels.text_format import (
    STYLE_PLAIN,
    STYLE_WHATSAPP,
    TELEGRAM_MAX_CHARS,
    TWILIO_MAX_CHARS,
    to_plain_text,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "markdown_cases.yaml"
_REPEAT = re.compile(r"\{\{(\d+)\*(.*?)\}\}")


def _expand(value: Any) -> Any:
    """'{{3*ab}}' → 'ababab' (the fixture's long lines)."""
    return _REPEAT.sub(lambda m: m.group(2) * int(m.group(1)), value) if isinstance(value, str) else value


def load_cases() -> list[dict[str, Any]]:
    cases = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["cases"]
    return [{key: _expand(value) for key, value in case.items()} for case in cases]


CASES = load_cases()
IDS = [case["id"] for case in CASES]


def test_the_fixture_cases_are_complete_and_named_once():
    assert len(IDS) == len(set(IDS)), [i for i in IDS if IDS.count(i) > 1]
    for case in CASES:
        assert {"id", "markdown", "in_dialect", "widget", "text"} <= set(case), case["id"]
        assert isinstance(case["in_dialect"], bool), case["id"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_plain_text_sms_and_telegram(case):
    assert to_plain_text(case["markdown"], STYLE_PLAIN) == case["text"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_whatsapp_text(case):
    assert to_plain_text(case["markdown"], STYLE_WHATSAPP) == case.get("whatsapp", case["text"])


class RecordingOutput(TextOutput):
    """A text channel whose API is a list: what would be delivered, message by message."""

    def __init__(self, style: str, max_chars: int, paragraph_messages: bool) -> None:
        self.style = style
        self.max_chars = max_chars
        self.paragraph_messages = paragraph_messages
        self.delivered: list[str] = []

    async def deliver(self, address: str, text: str, buttons: list[dict[str, Any]] | None) -> None:
        self.delivered.append(text)


CHANNELS = {
    "telegram": (STYLE_PLAIN, TELEGRAM_MAX_CHARS, True, "text"),
    "sms": (STYLE_PLAIN, TWILIO_MAX_CHARS, False, "text"),
    "whatsapp": (STYLE_WHATSAPP, TWILIO_MAX_CHARS, False, "whatsapp"),
}


@pytest.mark.parametrize("channel", sorted(CHANNELS))
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_channel_delivers_all_of_the_text_within_its_limit(case, channel):
    style, max_chars, per_paragraph, key = CHANNELS[channel]
    expected = case.get(key, case["text"]).strip()
    output = RecordingOutput(style, max_chars, per_paragraph)
    asyncio.run(output.send_text_message("gesprek-1", case["markdown"]))

    assert output.delivered, "nothing was sent"
    assert all(len(message) <= max_chars for message in output.delivered)
    if len(expected) <= max_chars:
        parts = expected.split("\n\n") if per_paragraph else [expected]
        assert output.delivered == [p.strip() for p in parts if p.strip()]
    else:  # split into several messages: nothing lost, nothing added
        assert "".join("".join(output.delivered).split()) == "".join(expected.split())
        assert len(output.delivered) > 1
