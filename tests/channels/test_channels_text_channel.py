"""The text channels' base (channels/text_channel.py, channels/sender_ids.py) through the webhooks.

Twilio's phone numbers and Telegram's chat ids are passed on to Rasa as a keyed hash, so they are
not the tracker store's key; the answers still reach the number / the chat; log records show the
conversation id instead of the address. Most tests run the channels' webhooks without Rasa (a fake
``on_new_message`` records what the channel passes on); one runs the tiny bot with a SQL tracker
store.
"""

import asyncio
import logging
import re
import stat

import yaml
from channel_fakes import (
    FAKE_BOT_USERNAME,
    FAKE_TELEGRAM_TOKEN,
    FAKE_TWILIO_NUMBER,
    FAKE_TWILIO_SID,
    FAKE_TWILIO_TOKEN,
    TelegramApiMock,
    TwilioApiMock,
    channel_app,
    last_user_event,
    post_form,
    post_telegram_update,
    rasa_app,
    telegram_update,
    tracker_events,
    twilio_form,
    twilio_signature,
)

from channels import guard, sender_ids
from channels.telegram import NumberedTelegramInput
from channels.text_format import STYLE_WHATSAPP, to_plain_text
from channels.twilio import NumberedTwilioInput

ROOT = sender_ids.ROOT
PHONE = "whatsapp:+31612345678"
OTHER_PHONE = "whatsapp:+31687654321"
CHAT = 55501234
SECRET = "text_channel_secret_1"


def run(coro):
    return asyncio.run(coro)


class FakeRasa:
    """Plays Rasa behind the guard: records every message and answers it."""

    def __init__(self):
        self.received = []

    async def __call__(self, message):
        self.received.append(message)
        await message.output_channel.send_response(message.sender_id, {"text": "Antwoord."})

    @property
    def sender_ids(self):
        return [m.sender_id for m in self.received]


def twilio_channel():
    return NumberedTwilioInput(FAKE_TWILIO_SID, FAKE_TWILIO_TOKEN, FAKE_TWILIO_NUMBER)


def telegram_channel():
    return NumberedTelegramInput(
        FAKE_TELEGRAM_TOKEN, FAKE_BOT_USERNAME, "https://bot.example.nl/webhooks/telegram/webhook", secret_token=SECRET
    )


async def send_twilio(base, sender, text):
    url = f"{base}/webhooks/twilio/webhook"
    form = twilio_form(sender, text)
    status = await asyncio.to_thread(post_form, url, form, {"X-Twilio-Signature": twilio_signature(url, form)})
    assert status == 204


async def send_telegram(base, chat, text):
    url = f"{base}/webhooks/telegram/webhook"
    assert await asyncio.to_thread(post_telegram_update, url, telegram_update(chat, text), SECRET) == 200


async def through_webhook(channel, messages):
    """Post ``[(address, text), ...]`` to ``channel``'s webhook, its API mocked.
    Returns the sender ids the channel passed on and the recorded API calls."""
    rasa = FakeRasa()
    twilio = isinstance(channel, NumberedTwilioInput)
    send = send_twilio if twilio else send_telegram
    with TwilioApiMock() if twilio else TelegramApiMock() as api:
        async with channel_app([channel], rasa) as base:
            for address, text in messages:
                await send(base, address, text)
    return rasa.sender_ids, api


def twilio_sender_ids(messages):
    return run(through_webhook(twilio_channel(), messages))[0]


def test_twilio_passes_on_a_keyed_hash_of_the_phone_number_and_answers_the_number():
    messages = [(PHONE, "Hallo"), (PHONE, "Ik ben het niet eens met het besluit"), (OTHER_PHONE, "Hallo")]
    senders, api = run(through_webhook(twilio_channel(), messages))
    first, again, other = senders
    assert re.fullmatch(r"twilio-[0-9a-f]{32}", first)
    assert first == again  # the conversation goes on
    assert other != first
    for sender in senders:
        assert "612345678" not in sender and "687654321" not in sender
    # the answers went to the phone numbers, not to the conversation ids
    assert [(c["To"], c["Body"]) for c in api.select()] == [(phone, "Antwoord.") for phone, _ in messages]


def test_the_conversation_id_is_keyed_by_the_secret_and_survives_a_restart(monkeypatch):
    first = twilio_sender_ids([(PHONE, "Hallo")])
    assert twilio_sender_ids([(PHONE, "Hallo")]) == first  # a new process with the same secret
    monkeypatch.setenv("OPSW_SENDER_SALT", "another-secret-of-another-install")
    assert twilio_sender_ids([(PHONE, "Hallo")]) != first


def test_without_opsw_sender_salt_a_per_install_secret_file_is_made_once(monkeypatch, tmp_path):
    monkeypatch.delenv("OPSW_SENDER_SALT")
    secret_file = tmp_path / "var" / "sender_salt"
    monkeypatch.setattr(sender_ids, "SALT_FILE", secret_file)

    first = twilio_sender_ids([(PHONE, "Hallo")])
    assert secret_file.exists()
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert len(secret_file.read_text().strip()) >= 32
    assert twilio_sender_ids([(PHONE, "Hallo")]) == first  # read again, not made again

    secret_file.unlink()  # a new install: a new secret, other conversation ids
    assert twilio_sender_ids([(PHONE, "Hallo")]) != first


def test_telegram_passes_on_a_keyed_hash_of_the_chat_id_and_answers_the_chat():
    senders, api = run(through_webhook(telegram_channel(), [(CHAT, "hallo"), (CHAT, "nog een vraag")]))
    first, again = senders
    assert re.fullmatch(r"telegram-[0-9a-f]{32}", first)
    assert first == again
    assert str(CHAT) not in first
    assert [(m["chat_id"], m["text"]) for m in api.sent_messages()] == [(str(CHAT), "Antwoord.")] * 2


def test_log_records_show_the_conversation_id_instead_of_the_chat_id(caplog):
    """aiogram logs every API call with the chat id at DEBUG; the log filter replaces it."""
    with caplog.at_level(logging.DEBUG, logger="aiogram"):
        (conversation,), _ = run(through_webhook(telegram_channel(), [(CHAT, "hallo")]))
    requests = [r.getMessage() for r in caplog.records if "sendMessage" in r.getMessage()]
    assert requests, "aiogram logged no sendMessage call"
    assert all(conversation in line and str(CHAT) not in line for line in requests)


def test_no_phone_number_lands_in_the_sql_tracker_store(tiny_model, tmp_path):
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    db = tmp_path / "trackers.db"
    endpoints = AvailableEndpoints(tracker_store=EndpointConfig(type="SQL", dialect="sqlite", db=str(db)))

    async def scenario():
        channel = twilio_channel()
        with TwilioApiMock() as api:
            async with rasa_app(str(tiny_model), [channel], endpoints) as (base, app):
                await send_twilio(base, PHONE, "Hallo")
                await send_twilio(base, PHONE, "2")  # a typed number is still looked up in the tracker
                assert api.bodies(to=PHONE)[-1] == "Vindt u geen plek? Vraag het zorgkantoor om zorgbemiddeling."
                assert await tracker_events(app, PHONE) == []
                events = await tracker_events(app, channel.conversation_id(PHONE))
                assert last_user_event(events)["text"] == "/geen_plek"

    run(scenario())
    stored = db.read_bytes()
    assert b"612345678" not in stored
    assert b"twilio-" in stored


def test_a_failure_in_the_guard_gets_utter_service_down(monkeypatch):
    async def failing(message, on_new_message):
        raise RuntimeError("guard failed")

    monkeypatch.setattr(guard.GUARD, "handle", failing)

    async def scenario():
        with TwilioApiMock() as api:
            async with channel_app([twilio_channel()], FakeRasa()) as base:
                await send_twilio(base, PHONE, "Hallo")
        return api.bodies(to=PHONE)

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    service_down = domain["responses"]["utter_service_down"][0]["text"]
    assert run(scenario()) == [to_plain_text(service_down, STYLE_WHATSAPP)]


def test_an_answer_for_a_conversation_this_process_does_not_know_is_not_sent():
    """E.g. sent through Rasa's HTTP API after a restart: the conversation id is no phone number."""
    channel = twilio_channel()
    known = channel.conversation_id(PHONE)
    unknown = twilio_channel().get_output_channel()  # a restarted process: the same id, no address

    async def scenario():
        with TwilioApiMock() as api:
            await unknown.send_response(known, {"text": "Herinnering."})
            await channel.get_output_channel().send_response(known, {"text": "Herinnering."})
        return [(c["To"], c["Body"]) for c in api.select()]

    assert run(scenario()) == [(PHONE, "Herinnering.")]
