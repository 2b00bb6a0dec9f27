"""Telegram connector with numbered options.

Credentials key: ``channels.telegram.NumberedTelegramInput`` (see
``scripts/make_credentials.py``). ``name()`` stays ``telegram``, so the webhook
is ``/webhooks/telegram/webhook``.

Differences from Rasa's ``TelegramInput`` (rasa 3.6, aiogram 2.x):

* Buttons are shown as numbered options in the text *and* as a Telegram reply
  keyboard ("1. Titel", "2. Titel"). A typed number ("2", "2.") or a tap on a
  keyboard button is mapped to that button's payload, looked up in the tracker
  store (see ``channels.choice``).
* The webhook is registered after the server has started, inside the server's
  event loop. Rasa does it with ``asyncio.run`` in ``get_output_channel``,
  which fails inside a running loop (e.g. when an intent is triggered through
  the HTTP API) and leaves aiogram's HTTP session bound to a closed loop. A
  failure is logged; the other channels keep running.
* Optional ``secret_token``: passed to ``setWebhook`` and required in the
  ``X-Telegram-Bot-Api-Secret-Token`` header of every webhook call. Rasa's own
  ``verify`` check only compares the bot's user name, which is public.
* The bot's user name (``getMe``) is fetched once, not on every message.
* ``/start`` (Telegram's first message) is sent to Rasa as ``/greet``.
* Updates without a message (e.g. the user blocked the bot) no longer raise;
  photos, voice messages and stickers get a short Dutch answer.
* The chat id is passed on as a keyed hash (``telegram-<hex>``, see
  ``channels.sender_ids``); what all text channels share is in
  ``channels.text_channel``.
* ``api_base_url``: another Bot API server (a local ``telegram-bot-api`` or a
  test double); default ``https://api.telegram.org``.
"""

import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup, Update
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.constants import USER_INTENT_RESTART
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.numbered_options import KEYBOARD_PROMPT, SCOPE_TURN, option_label
from channels.sender_ids import AddressBook
from channels.text_channel import TextInput, TextOutput, as_bool
from channels.text_format import STYLE_PLAIN, TELEGRAM_MAX_CHARS

logger = logging.getLogger(__name__)

SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"
START_COMMAND = "/start"
# What Telegram's /start is sent to Rasa as (contract intent `greet`).
START_TEXT = INTENT_MESSAGE_PREFIX + "greet"


class NumberedTelegramOutput(TextOutput, TelegramOutput):
    """Telegram output: plain text, numbered options plus a reply keyboard."""

    style = STYLE_PLAIN
    max_chars = TELEGRAM_MAX_CHARS
    prompt = KEYBOARD_PROMPT
    paragraph_messages = True  # like Rasa: one Telegram message per paragraph

    def __init__(
        self, access_token: str | None, api_base_url: str | None = None, addresses: AddressBook | None = None
    ) -> None:
        server = TelegramAPIServer.from_base(api_base_url) if api_base_url else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, server=server)
        self.addresses = addresses
        self._username: str | None = None

    async def bot_username(self) -> str | None:
        """The bot's user name (``getMe``), fetched once."""
        if self._username is None:
            me = await self.get_me()
            self._username = me.username
        return self._username

    async def close_session(self) -> None:
        """Close aiogram's HTTP session (``Bot.close`` is deprecated in aiogram 2)."""
        session = getattr(self, "_session", None)
        if session is not None and not session.closed:
            await session.close()

    async def register_webhook(self, url: str, secret_token: str | None = None) -> bool:
        """``setWebhook``; aiogram 2.x has no ``secret_token`` argument yet."""
        payload: dict[str, Any] = {"url": url}
        if secret_token:
            payload["secret_token"] = secret_token
        return bool(await self.request("setWebhook", payload))

    @staticmethod
    def reply_keyboard(buttons: list[dict[str, Any]]) -> ReplyKeyboardMarkup:
        """One keyboard row per option, labelled "1. Titel"."""
        markup = ReplyKeyboardMarkup(resize_keyboard=True, one_time_keyboard=True)
        for number, button in enumerate(buttons, 1):
            markup.row(KeyboardButton(option_label(number, button)))
        return markup

    async def deliver(self, address: str, text: str, buttons: list[dict[str, Any]] | None) -> None:
        """``sendMessage``; with options a reply keyboard ("1. Titel", ...).

        Rasa's ``button_type`` (inline/vertical/reply) is ignored: inline buttons would send the
        payload as callback data (max. 64 bytes) and could not be answered by number.
        """
        if buttons:
            await self.send_message(address, text, reply_markup=self.reply_keyboard(buttons))
        else:
            await self.send_message(address, text)


class NumberedTelegramInput(TextInput, TelegramInput):
    """Telegram input that understands "2" as the second button."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = cls.required_credentials(credentials)
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url"),
            secret_token=credentials.get("secret_token") or None,
            set_webhook_on_startup=as_bool(credentials.get("set_webhook_on_startup"), True),
            **cls.text_options(credentials),
        )

    def __init__(
        self,
        access_token: str | None,
        verify: str | None,
        webhook_url: str | None,
        debug_mode: bool = False,
        secret_token: str | None = None,
        api_base_url: str | None = None,
        set_webhook_on_startup: bool = True,
        number_scope: str = SCOPE_TURN,
    ) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode)
        self.setup_text_input(number_scope, api_base_url)
        self.secret_token = secret_token
        self.set_webhook_on_startup = set_webhook_on_startup
        self._output: NumberedTelegramOutput | None = None

    def get_output_channel(self) -> NumberedTelegramOutput:
        """One output channel per input channel; no network call here."""
        if self._output is None:
            self._output = NumberedTelegramOutput(self.access_token, self.api_base_url, self.addresses)
        return self._output

    async def set_webhook(self) -> bool:
        """Register ``webhook_url`` (and the secret token) with Telegram."""
        if not self.webhook_url:
            logger.warning("Telegram: no webhook_url, webhook not registered.")
            return False
        return await self.get_output_channel().register_webhook(self.webhook_url, self.secret_token)

    def _secret_ok(self, request: Request) -> bool:
        if not self.secret_token:
            return True
        received = request.headers.get(SECRET_TOKEN_HEADER, "")
        return hmac.compare_digest(received.encode(), self.secret_token.encode())

    @staticmethod
    def _parse_update(request: Request) -> Update | None:
        body = request.json
        if isinstance(body, str):
            body = json.loads(body)
        if not isinstance(body, dict):
            return None
        return Update(**body)

    @staticmethod
    def _command_text(text: str) -> str:
        first = text.strip().split(" ", 1)[0].split("@", 1)[0]
        if first == START_COMMAND:  # "/start", "/start@MijnBot", "/start ref"
            return START_TEXT
        return text

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook, guarded = self.text_blueprint("numbered_telegram_webhook", on_new_message)
        out_channel = self.get_output_channel()

        @telegram_webhook.listener("after_server_start")
        async def register_webhook(app: Any, loop: Any) -> None:
            if not self.set_webhook_on_startup:
                return
            try:
                if await self.set_webhook():
                    logger.info("Telegram webhook registered.")
                else:
                    logger.error("Telegram did not accept the webhook URL.")
            except TelegramAPIError as error:
                logger.error(f"Telegram webhook not registered: {error}")
            except Exception as error:  # noqa: BLE001 - network: keep the other channels up
                logger.error(f"Telegram webhook not registered: {type(error).__name__}: {error}")

        @telegram_webhook.listener("after_server_stop")
        async def close_session(app: Any, loop: Any) -> None:
            await out_channel.close_session()

        @telegram_webhook.route("/set_webhook", methods=["GET", "POST"])
        async def set_webhook(_: Request) -> HTTPResponse:
            try:
                ok = await self.set_webhook()
            except TelegramAPIError as error:
                logger.warning(f"Webhook setup failed: {error}")
                ok = False
            if ok:
                return response.text("Webhook setup successful")
            return response.text("Invalid webhook")

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self._secret_ok(request):
                logger.warning("Telegram webhook call without the right secret token.")
                return response.text("forbidden", status=403)
            try:
                update = self._parse_update(request)
            except Exception:  # noqa: BLE001 - any unreadable body is a 400, never a 500
                logger.warning("Telegram webhook call with an unreadable body.")
                return response.text("failed", status=400)
            if update is None:
                return response.text("failed", status=400)

            if self.verify:
                username = await out_channel.bot_username()
                if username != self.verify:
                    logger.debug("Invalid access token, check it matches Telegram")
                    return response.text("failed")

            typed = False
            if self._is_button(update):
                msg: Message | None = update.callback_query.message
                text = update.callback_query.data
            elif self._is_edited_message(update):
                msg = update.edited_message
                text = msg.text
            else:
                msg = update.message
                if msg is None:  # e.g. my_chat_member: nothing to answer
                    return response.text("success")
                if self._is_user_message(msg):
                    text = msg.text
                    typed = True
                elif self._is_location(msg):
                    text = f'{{"lng":{msg.location.longitude}, "lat":{msg.location.latitude}}}'
                else:
                    await self.text_only(out_channel, self.conversation_id(str(msg.chat.id)))
                    return response.text("success")
            if msg is None or text is None:
                return response.text("success")

            conversation = self.conversation_id(str(msg.chat.id))
            metadata = self.get_metadata(request)
            if typed:
                # like Rasa: "/bot hallo" (groups) is "hallo"
                text = re.sub(r"^/bot(\s+|$)", "", text)
                if text.startswith("/"):
                    text = self._command_text(text)
                else:
                    text, metadata = await self.typed_text(request, conversation, text, metadata)

            texts = [text]
            if text.strip() == INTENT_MESSAGE_PREFIX + USER_INTENT_RESTART:
                texts = [text, START_TEXT]  # like Rasa: restart, then start
            await self.pass_on(guarded, out_channel, conversation, texts, metadata)
            return response.text("success")

        return telegram_webhook
