"""Telegram, Twilio and callback end to end, in-process, with a tiny Dutch assistant.

The webhooks get the payloads the services really send; the outgoing calls to
api.telegram.org (aiogram -> aiohttp session) and api.twilio.com (twilio ->
requests) are intercepted in-process and recorded (see channel_fakes).
The same flows run against the real trained model in
test_channels_real_model.py.
"""

import asyncio
import base64
import json

import aiohttp
import pytest
from channel_fakes import (
    FAKE_BOT_USERNAME,
    FAKE_SMS_NUMBER,
    FAKE_TELEGRAM_TOKEN,
    FAKE_TWILIO_NUMBER,
    FAKE_TWILIO_SID,
    FAKE_TWILIO_TOKEN,
    FakeServices,
    TelegramApiMock,
    TwilioApiMock,
    conversation_of,
    last_user_event,
    rasa_app,
    telegram_update,
    tracker_events,
    twilio_form,
    twilio_signature,
)

from channels.telegram import SECRET_TOKEN_HEADER, NumberedTelegramInput
from channels.twilio import NumberedTwilioInput

pytestmark = pytest.mark.slow

WELCOME = "Welkom bij de Opschalingswijzer. Waar loopt u tegenaan?"
OPTIONS = "1. Ik ben het oneens met een besluit\n2. Ik vind geen plek\n3. Ik heb een klacht over de zorg"
GEEN_PLEK = "Vindt u geen plek? Vraag het zorgkantoor om zorgbemiddeling."
KLACHT = "Bespreek uw klacht eerst met de zorgaanbieder."
WEBHOOK_URL = "https://bot.example.nl/webhooks/telegram/webhook"
SECRET = "test_secret_token_1"


def run(coro):
    return asyncio.run(coro)


def telegram_channel(**kwargs):
    return NumberedTelegramInput(FAKE_TELEGRAM_TOKEN, FAKE_BOT_USERNAME, WEBHOOK_URL, secret_token=SECRET, **kwargs)


async def post_telegram(http, base, update, secret=SECRET):
    headers = {SECRET_TOKEN_HEADER: secret} if secret else {}
    async with http.post(f"{base}/webhooks/telegram/webhook", json=update, headers=headers) as r:
        return r.status, await r.text()


async def post_twilio(http, base, form, signed=True, signature=None):
    url = f"{base}/webhooks/twilio/webhook"
    headers = {}
    if signed:
        headers["X-Twilio-Signature"] = signature or twilio_signature(url, form)
    async with http.post(url, data=form, headers=headers) as r:
        return r.status


# --- Telegram --------------------------------------------------------------------------------


def test_telegram_reply_keyboard_numbered_options_and_typed_number(tiny_model):
    async def scenario():
        chat = 4242
        with TelegramApiMock() as api:
            async with rasa_app(str(tiny_model), [telegram_channel()]) as (base, app):
                # webhook registered at start-up, inside the server loop, with the secret
                hooks = api.select(method="setWebhook")
                assert len(hooks) == 1
                assert hooks[0]["url"] == WEBHOOK_URL
                assert hooks[0]["secret_token"] == SECRET

                async with aiohttp.ClientSession() as http:
                    # Telegram's first message is /start -> /greet
                    assert await post_telegram(http, base, telegram_update(chat, "/start")) == (200, "success")
                    sent = api.sent_messages()
                    assert len(sent) == 1
                    assert sent[0]["chat_id"] == str(chat)
                    assert sent[0]["url"] == (f"https://api.telegram.org/bot{FAKE_TELEGRAM_TOKEN}/sendMessage")
                    assert sent[0]["text"] == (
                        f"{WELCOME}\n\n{OPTIONS}\n\nTik op een knop of typ het nummer van uw keuze."
                    )
                    markup = json.loads(sent[0]["reply_markup"])
                    assert markup["keyboard"] == [
                        [{"text": "1. Ik ben het oneens met een besluit"}],
                        [{"text": "2. Ik vind geen plek"}],
                        [{"text": "3. Ik heb een klacht over de zorg"}],
                    ]
                    assert markup["one_time_keyboard"] is True

                    # typed "2." -> payload of the 2nd button
                    await post_telegram(http, base, telegram_update(chat, " 2. "))
                    sent = api.sent_messages()
                    assert sent[-1]["text"] == GEEN_PLEK
                    assert "reply_markup" not in sent[-1]
                    user = last_user_event(await tracker_events(app, conversation_of("telegram", str(chat))))
                    assert user["text"] == "/geen_plek"
                    assert user["parse_data"]["intent"]["name"] == "geen_plek"
                    assert user["metadata"]["numbered_choice"] == {
                        "typed": " 2. ",
                        "number": 2,
                        "title": "Ik vind geen plek",
                        "how": "number",
                    }

                    # a tap on the (older, still open) keyboard sends its label
                    await post_telegram(http, base, telegram_update(chat, "3. Ik heb een klacht over de zorg"))
                    assert api.sent_messages()[-1]["text"] == KLACHT

                # the bot name (verify) was fetched once, not per message
                assert len(api.select(method="getMe")) == 1

    run(scenario())


def test_telegram_number_out_of_range_and_after_open_question_stay_text(tiny_model):
    async def scenario():
        chat = 5151
        with TelegramApiMock() as api:
            async with rasa_app(str(tiny_model), [telegram_channel()]) as (base, app):
                async with aiohttp.ClientSession() as http:
                    await post_telegram(http, base, telegram_update(chat, "hallo"))
                    assert api.sent_messages()[-1]["text"].startswith(WELCOME)

                    await post_telegram(http, base, telegram_update(chat, "7"))
                    assert (
                        last_user_event(await tracker_events(app, conversation_of("telegram", str(chat))))["text"]
                        == "7"
                    )

                    await post_telegram(http, base, telegram_update(chat, "hallo"))
                    await post_telegram(http, base, telegram_update(chat, "mijn kind"))
                    assert api.sent_messages()[-1]["text"] == "Hoe oud is uw kind?"
                    # "2" answers the open question; it is not option 2 of the older list
                    await post_telegram(http, base, telegram_update(chat, "2"))
                    user = last_user_event(await tracker_events(app, conversation_of("telegram", str(chat))))
                    assert user["text"] == "2"
                    assert "numbered_choice" not in (user.get("metadata") or {})

    run(scenario())


def test_telegram_rejects_calls_without_the_secret_token(tiny_model):
    async def scenario():
        with TelegramApiMock() as api:
            async with rasa_app(str(tiny_model), [telegram_channel()]) as (base, app):
                async with aiohttp.ClientSession() as http:
                    status, _ = await post_telegram(http, base, telegram_update(77, "hallo"), secret=None)
                    assert status == 403
                    status, _ = await post_telegram(http, base, telegram_update(77, "hallo"), secret="fout")
                    assert status == 403
                assert api.sent_messages() == []
                assert await tracker_events(app, conversation_of("telegram", "77")) == []

    run(scenario())


def test_telegram_photo_gets_a_dutch_text_only_notice(tiny_model):
    async def scenario():
        update = telegram_update(88, "x")
        del update["message"]["text"]
        update["message"]["photo"] = [
            {"file_id": "abc", "file_unique_id": "u", "width": 90, "height": 90, "file_size": 1000}
        ]
        with TelegramApiMock() as api:
            async with rasa_app(str(tiny_model), [telegram_channel()]) as (base, _app):
                async with aiohttp.ClientSession() as http:
                    assert (await post_telegram(http, base, update))[0] == 200
                    # an update without message (user blocked the bot) is accepted quietly
                    blocked = {
                        "update_id": 99,
                        "my_chat_member": {
                            "chat": {"id": 88, "type": "private"},
                            "from": {"id": 88, "is_bot": False, "first_name": "Anna"},
                            "date": 0,
                            "old_chat_member": {
                                "user": {"id": 1, "is_bot": True, "first_name": "B"},
                                "status": "member",
                            },
                            "new_chat_member": {
                                "user": {"id": 1, "is_bot": True, "first_name": "B"},
                                "status": "kicked",
                            },
                        },
                    }
                    assert (await post_telegram(http, base, blocked))[0] == 200
                assert [m["text"] for m in api.sent_messages()] == ["Ik kan alleen tekst lezen. Wilt u uw vraag typen?"]

    run(scenario())


def test_typed_number_works_across_servers_sharing_the_tracker_store(tiny_model, tmp_path):
    """Buttons shown by server A, "2" answered through server B (or after a restart)."""
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    db = tmp_path / "trackers.db"
    endpoints = AvailableEndpoints(tracker_store=EndpointConfig(type="SQL", dialect="sqlite", db=str(db)))

    async def scenario():
        chat = 6060
        with TelegramApiMock() as api:
            async with aiohttp.ClientSession() as http:
                async with rasa_app(str(tiny_model), [telegram_channel()], endpoints) as (base, _):
                    await post_telegram(http, base, telegram_update(chat, "/start"))
                    assert api.sent_messages()[-1]["text"].startswith(WELCOME)
                async with rasa_app(str(tiny_model), [telegram_channel()], endpoints) as (base, app):
                    await post_telegram(http, base, telegram_update(chat, "2"))
                    assert api.sent_messages()[-1]["text"] == GEEN_PLEK
                    assert (
                        last_user_event(await tracker_events(app, conversation_of("telegram", str(chat))))["text"]
                        == "/geen_plek"
                    )

    run(scenario())


# --- Twilio ----------------------------------------------------------------------------------


def twilio_channel(number=FAKE_TWILIO_NUMBER, **kwargs):
    return NumberedTwilioInput(FAKE_TWILIO_SID, FAKE_TWILIO_TOKEN, number, **kwargs)


def test_twilio_whatsapp_numbered_options_and_typed_number(tiny_model):
    async def scenario():
        user_number = "whatsapp:+31612345678"
        with TwilioApiMock() as api:
            async with rasa_app(str(tiny_model), [twilio_channel()]) as (base, app):
                async with aiohttp.ClientSession() as http:
                    assert await post_twilio(http, base, twilio_form(user_number, "Hallo")) == 204
                    calls = api.select()
                    assert len(calls) == 1
                    assert calls[0]["Body"] == (f"{WELCOME}\n\n{OPTIONS}\n\nTyp het nummer van uw keuze.")
                    assert calls[0]["To"] == user_number
                    assert calls[0]["From"] == FAKE_TWILIO_NUMBER
                    assert calls[0]["url"] == (
                        f"https://api.twilio.com/2010-04-01/Accounts/{FAKE_TWILIO_SID}/Messages.json"
                    )
                    expected_auth = base64.b64encode(f"{FAKE_TWILIO_SID}:{FAKE_TWILIO_TOKEN}".encode()).decode()
                    assert calls[0]["authorization"] == f"Basic {expected_auth}"

                    assert await post_twilio(http, base, twilio_form(user_number, "2")) == 204
                    assert api.bodies()[-1] == GEEN_PLEK
                    user = last_user_event(await tracker_events(app, conversation_of("twilio", user_number)))
                    assert user["text"] == "/geen_plek"
                    assert user["metadata"]["numbered_choice"]["number"] == 2

                    # out of range: goes through as text
                    await post_twilio(http, base, twilio_form(user_number, "hallo"))
                    await post_twilio(http, base, twilio_form(user_number, "4"))
                    assert (
                        last_user_event(await tracker_events(app, conversation_of("twilio", user_number)))["text"]
                        == "4"
                    )

    run(scenario())


def test_twilio_sms_title_typed_instead_of_number(tiny_model):
    async def scenario():
        user_number = "+31687654321"
        with TwilioApiMock() as api:
            channel = twilio_channel(FAKE_SMS_NUMBER)
            async with rasa_app(str(tiny_model), [channel]) as (base, app), aiohttp.ClientSession() as http:
                await post_twilio(http, base, twilio_form(user_number, "hoi", to=FAKE_SMS_NUMBER))
                assert api.select()[-1]["From"] == FAKE_SMS_NUMBER
                await post_twilio(
                    http, base, twilio_form(user_number, "ik heb een klacht over de zorg", to=FAKE_SMS_NUMBER)
                )
                assert api.bodies()[-1] == KLACHT
                user = last_user_event(await tracker_events(app, conversation_of("twilio", user_number)))
                assert user["text"] == "/klacht_zorgaanbieder"
                assert user["metadata"]["numbered_choice"]["how"] == "title"

    run(scenario())


def test_twilio_rejects_unsigned_or_badly_signed_requests(tiny_model):
    async def scenario():
        sender = "whatsapp:+31611111111"
        with TwilioApiMock() as api:
            async with rasa_app(str(tiny_model), [twilio_channel()]) as (base, app):
                async with aiohttp.ClientSession() as http:
                    form = twilio_form(sender, "Hallo")
                    assert await post_twilio(http, base, form, signed=False) == 403
                    bad = twilio_signature(f"{base}/webhooks/twilio/webhook", form, "ander-token")
                    assert await post_twilio(http, base, form, signature=bad) == 403
                    # signed for other content than what is posted
                    tampered = dict(form, Body="2")
                    sig = twilio_signature(f"{base}/webhooks/twilio/webhook", form)
                    assert await post_twilio(http, base, tampered, signature=sig) == 403
                assert api.select() == []
                assert await tracker_events(app, conversation_of("twilio", sender)) == []

    run(scenario())


def test_twilio_signature_against_configured_public_url(tiny_model):
    """Behind a proxy Twilio signs the public URL, not the one Rasa sees."""
    public = "https://bot.example.nl/webhooks/twilio/webhook"

    async def scenario():
        sender = "whatsapp:+31622222222"
        with TwilioApiMock() as api:
            channel = twilio_channel(webhook_url=public)
            async with rasa_app(str(tiny_model), [channel]) as (base, _), aiohttp.ClientSession() as http:
                form = twilio_form(sender, "Hallo")
                sig = twilio_signature(public, form)
                assert await post_twilio(http, base, form, signature=sig) == 204
                assert api.bodies()[-1].startswith(WELCOME)

    run(scenario())


# --- callback (Rasa's own channel) -----------------------------------------------------------


def test_callback_channel_posts_the_dutch_reply_to_the_callback_url(tiny_model):
    from rasa.core.channels.callback import CallbackInput

    async def scenario():
        with FakeServices() as receiver:
            channel = CallbackInput.from_credentials({"url": receiver.callback_url})
            async with rasa_app(str(tiny_model), [channel]) as (base, _):
                async with (
                    aiohttp.ClientSession() as http,
                    http.post(
                        f"{base}/webhooks/callback/webhook",
                        json={"sender": "callback-1", "message": "hallo"},
                    ) as r,
                ):
                    assert r.status == 200
                    assert await r.text() == "success"
                got = await receiver.async_wait_for(1, service="callback")
                assert got[0]["recipient_id"] == "callback-1"
                assert got[0]["text"] == WELCOME
                assert [b["payload"] for b in got[0]["buttons"]] == [
                    "/besluit_oneens",
                    "/geen_plek",
                    "/klacht_zorgaanbieder",
                ]

    run(scenario())


# --- small unit checks of the connector classes ------------------------------------------------


@pytest.mark.parametrize(
    "typed, sent",
    [
        ("/start", "/greet"),
        ("/start@OpschalingswijzerTestBot", "/greet"),
        ("/start campagne-3", "/greet"),
        ("/restart", "/restart"),
        ('/inform{"wet":"wlz"}', '/inform{"wet":"wlz"}'),
    ],
)
def test_telegram_commands(typed, sent):
    assert NumberedTelegramInput._command_text(typed) == sent


def test_connectors_from_credentials_defaults_and_names():
    telegram = NumberedTelegramInput.from_credentials(
        {"access_token": FAKE_TELEGRAM_TOKEN, "verify": FAKE_BOT_USERNAME, "webhook_url": WEBHOOK_URL}
    )
    assert telegram.name() == "telegram" and telegram.url_prefix() == "telegram"
    assert telegram.debug_mode is False and telegram.set_webhook_on_startup is True
    assert telegram.secret_token is None and telegram.number_scope == "turn"
    assert telegram.get_output_channel() is telegram.get_output_channel()  # no network call

    twilio = NumberedTwilioInput.from_credentials(
        {
            "account_sid": FAKE_TWILIO_SID,
            "auth_token": FAKE_TWILIO_TOKEN,
            "twilio_number": FAKE_TWILIO_NUMBER,
            "validate_signature": "false",
        }
    )
    assert twilio.name() == "twilio" and twilio.validate_signature is False
    with pytest.raises(ValueError):
        NumberedTwilioInput(FAKE_TWILIO_SID, FAKE_TWILIO_TOKEN, FAKE_TWILIO_NUMBER, number_scope="alles")
