"""Telegram, Twilio (WhatsApp) and callback against the real trained assistant.

A `rasa run` is started the way production does it: scripts/make_credentials.py
turns the repo's credentials.yml plus environment variables (fake tokens, and
TELEGRAM_API_BASE_URL / TWILIO_API_BASE_URL pointing at a loopback fake of both
APIs) into the credentials file. The action server and the trained model come
from the shared fixtures in tests/conftest.py.

The expected channel output is derived from the same conversation's tracker
(the bot events with their buttons), so the test does not depend on the
wording of the responses; "2" must pick the payload of the 2nd button and the
bot must then act exactly as when that payload is sent over REST.

CHANNEL_TESTS_MODEL=/path/model.tar.gz runs this file against another model
(e.g. a snapshot, or the tiny model while the real one is missing).
"""

import json
import os
import random
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from channel_fakes import (
    FAKE_SECRET_TOKEN,
    FAKE_TWILIO_NUMBER,
    FakeServices,
    channel_env,
    channel_server,
    conversation_of,
    free_port,
    post_form,
    post_json,
    post_telegram_update,
    telegram_update,
    twilio_form,
    twilio_signature,
)

from channels.numbered_options import KEYBOARD_PROMPT, OPTION_PROMPT, render_text_with_options
from channels.text_format import (
    STYLE_PLAIN,
    STYLE_WHATSAPP,
    TELEGRAM_MAX_CHARS,
    TWILIO_MAX_CHARS,
    split_long_text,
    to_plain_text,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DUTCH = re.compile(r"\b(u|uw|de|het|een|ik|en|niet|wat|waar)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def fake_services():
    with FakeServices() as fake:
        yield fake


@pytest.fixture(scope="module")
def live(request, fake_services, opsw_env, venv_python, tmp_path_factory):
    override = os.environ.get("CHANNEL_TESTS_MODEL")
    model = Path(override) if override else request.getfixturevalue("trained_model")
    tmp = tmp_path_factory.mktemp("channels_live")
    port = free_port()
    env = channel_env(opsw_env, fake_services, port)
    action_server = request.getfixturevalue("action_server")
    env.update(
        OPSW_TRACKER_DB_URL=f"sqlite:///{tmp / 'trackers.db'}",
        OPSW_LOCK_STORE="in_memory",
        OPSW_ACTION_PORT=str(action_server.port),
        OPSW_ACTION_URL=action_server.webhook_url,
    )
    rasa_bin = str(Path(venv_python).with_name("rasa"))
    with channel_server(rasa_bin, str(venv_python), ROOT, model, env, port, tmp) as server:
        yield server


# --- helpers ---------------------------------------------------------------------------------


def events_after_last_user(tracker: dict[str, Any]) -> list[dict[str, Any]]:
    events = tracker["events"]
    last = max(i for i, e in enumerate(events) if e["event"] == "user")
    return events[last + 1 :]


def bot_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["event"] == "bot"]


def actions(events: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in events if e["event"] == "action"]


def buttons_of(event: dict[str, Any]) -> list[dict[str, Any]]:
    data = event.get("data") or {}
    return data.get("buttons") or data.get("quick_replies") or []


def last_user(tracker: dict[str, Any]) -> dict[str, Any]:
    return [e for e in tracker["events"] if e["event"] == "user"][-1]


def expected_telegram(bots: list[dict[str, Any]]) -> list[str]:
    """What NumberedTelegramOutput must have sent for these bot events."""
    out: list[str] = []
    for event in bots:
        text = to_plain_text(event.get("text") or "", STYLE_PLAIN)
        buttons = [dict(b, title=to_plain_text(b.get("title", ""), STYLE_PLAIN)) for b in buttons_of(event)]
        if buttons:
            out += split_long_text(render_text_with_options(text, buttons, KEYBOARD_PROMPT), TELEGRAM_MAX_CHARS)
        else:
            for part in text.strip().split("\n\n"):
                if part.strip():
                    out += split_long_text(part, TELEGRAM_MAX_CHARS)
    return out


def expected_whatsapp(bots: list[dict[str, Any]]) -> list[str]:
    """What NumberedTwilioOutput must have sent (WhatsApp number) for these bot events."""
    out: list[str] = []
    for event in bots:
        text = to_plain_text(event.get("text") or "", STYLE_WHATSAPP)
        buttons = [dict(b, title=to_plain_text(b.get("title", ""), STYLE_WHATSAPP)) for b in buttons_of(event)]
        body = render_text_with_options(text, buttons, OPTION_PROMPT) if buttons else text
        out += split_long_text(body, TWILIO_MAX_CHARS)
    return out


def rest_oracle(live, first: str, payload: str) -> list[str]:
    """Actions the bot runs when the payload is sent directly (REST, new conversation)."""
    sender = f"rest-oracle-{uuid.uuid4().hex[:10]}"
    live.rest(first, sender)
    live.rest(payload, sender)
    return actions(events_after_last_user(live.tracker(sender)))


def telegram_sent(fake: FakeServices, chat: int) -> list[dict[str, Any]]:
    return fake.select(service="telegram", method="sendMessage", chat_id=str(chat))


def twilio_sent(fake: FakeServices, to: str) -> list[str]:
    return [c["Body"] for c in fake.select(service="twilio", To=to)]


# --- tests -----------------------------------------------------------------------------------


def test_live_telegram_webhook_registered_with_secret(live, fake_services):
    hooks = fake_services.wait_for(1, timeout=60, service="telegram", method="setWebhook")
    assert hooks[-1]["url"] == live.env["TELEGRAM_WEBHOOK_URL"]
    assert hooks[-1]["secret_token"] == FAKE_SECRET_TOKEN


def test_live_telegram_numbered_options_and_number_two(live, fake_services):
    chat = random.randint(10**8, 10**9)
    assert post_telegram_update(live.telegram_webhook, telegram_update(chat, "/start"), FAKE_SECRET_TOKEN) == 200

    tracker = live.tracker(conversation_of("telegram", str(chat), live.env["OPSW_SENDER_SALT"]))
    assert last_user(tracker)["text"] == "/greet"
    bots = bot_events(events_after_last_user(tracker))
    assert bots, "the assistant did not answer /start"
    with_buttons = [e for e in bots if buttons_of(e)]
    assert with_buttons, "the assistant's greeting shows no options; nothing to choose"
    buttons = buttons_of(with_buttons[-1])
    assert len(buttons) >= 2

    sent = telegram_sent(fake_services, chat)
    assert [m["text"] for m in sent] == expected_telegram(bots)
    options_message = [m for m in sent if "reply_markup" in m][-1]
    assert options_message["text"].endswith(KEYBOARD_PROMPT)
    assert "\n2. " in options_message["text"]
    assert DUTCH.search(options_message["text"])
    keyboard = json.loads(options_message["reply_markup"])["keyboard"]
    assert [row[0]["text"] for row in keyboard] == [
        f"{i}. {to_plain_text(b['title'])}" for i, b in enumerate(buttons, 1)
    ]

    before = len(sent)
    assert post_telegram_update(live.telegram_webhook, telegram_update(chat, "2"), FAKE_SECRET_TOKEN) == 200
    tracker = live.tracker(conversation_of("telegram", str(chat), live.env["OPSW_SENDER_SALT"]))
    user = last_user(tracker)
    assert user["text"] == buttons[1]["payload"]
    assert user["metadata"]["numbered_choice"]["number"] == 2
    after = events_after_last_user(tracker)
    assert bot_events(after), "no answer after choosing option 2"
    assert [m["text"] for m in telegram_sent(fake_services, chat)[before:]] == expected_telegram(bot_events(after))
    assert actions(after) == rest_oracle(live, "/greet", buttons[1]["payload"])


def test_live_telegram_wrong_secret_is_rejected(live, fake_services):
    chat = random.randint(10**8, 10**9)
    assert post_telegram_update(live.telegram_webhook, telegram_update(chat, "/start"), "fout") == 403
    assert post_telegram_update(live.telegram_webhook, telegram_update(chat, "/start"), None) == 403
    assert telegram_sent(fake_services, chat) == []


def test_live_twilio_whatsapp_numbered_options_and_number_two(live, fake_services):
    sender = "whatsapp:+316%08d" % random.randint(0, 10**8 - 1)

    def send(text: str) -> int:
        form = twilio_form(sender, text)
        headers = {"X-Twilio-Signature": twilio_signature(live.twilio_webhook, form)}
        return post_form(live.twilio_webhook, form, headers)

    assert send("Hallo") == 204
    tracker = live.tracker(conversation_of("twilio", sender, live.env["OPSW_SENDER_SALT"]))
    bots = bot_events(events_after_last_user(tracker))
    with_buttons = [e for e in bots if buttons_of(e)]
    assert with_buttons, f"'Hallo' was understood as {last_user(tracker)['parse_data']['intent']} and gave no options"
    buttons = buttons_of(with_buttons[-1])

    bodies = twilio_sent(fake_services, sender)
    assert bodies == expected_whatsapp(bots)
    options_body = [b for b in bodies if b.endswith(OPTION_PROMPT)][-1]
    assert "1. " in options_body and "\n2. " in options_body
    assert DUTCH.search(options_body)
    assert all(c["From"] == FAKE_TWILIO_NUMBER for c in fake_services.select(service="twilio", To=sender))

    before = len(bodies)
    assert send("2") == 204
    tracker = live.tracker(conversation_of("twilio", sender, live.env["OPSW_SENDER_SALT"]))
    user = last_user(tracker)
    assert user["text"] == buttons[1]["payload"]
    after = events_after_last_user(tracker)
    assert bot_events(after), "no answer after choosing option 2"
    assert twilio_sent(fake_services, sender)[before:] == expected_whatsapp(bot_events(after))
    assert actions(after) == rest_oracle(live, "Hallo", buttons[1]["payload"])


def test_live_twilio_unsigned_request_is_rejected(live, fake_services):
    sender = "whatsapp:+316%08d" % random.randint(0, 10**8 - 1)
    assert post_form(live.twilio_webhook, twilio_form(sender, "Hallo")) == 403
    assert twilio_sent(fake_services, sender) == []


def test_live_callback_channel_delivers_the_dutch_reply(live, fake_services):
    sender = f"callback-{uuid.uuid4().hex[:10]}"
    answer = post_json(f"{live.url}/webhooks/callback/webhook", {"sender": sender, "message": "Hallo"})
    assert answer == "success"
    bots = bot_events(events_after_last_user(live.tracker(sender)))
    assert bots
    expected = [
        part
        for event in bots
        for part in ([event["text"]] if buttons_of(event) else event["text"].strip().split("\n\n"))
    ]
    got = fake_services.wait_for(len(expected), timeout=60, service="callback", recipient_id=sender)
    assert [m.get("text") for m in got] == expected
    assert any(DUTCH.search(m.get("text") or "") for m in got)
