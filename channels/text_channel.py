"""The base of the text channels (Telegram, Twilio SMS/WhatsApp): what they share.

A text channel only knows its API: how a webhook call is checked and read, and how one message is
delivered (:meth:`TextOutput.deliver`). This base does the rest:

* **guard**: every message goes through :mod:`channels.guard` (:meth:`TextInput.text_blueprint`);
* **conversation id**: the chat id / phone number is passed on as a keyed hash
  (:mod:`channels.sender_ids`), so it is not the tracker store's key and not in Rasa's logs; log
  records show the conversation id instead of the address; answers go to the address;
* **typed text**: a typed number, keyboard label or option title becomes that button's payload
  (:mod:`channels.choice`, looked up in the tracker store);
* **formatting**: the Markdown of the responses as plain text (``text_format``), buttons as
  numbered options with a prompt (``numbered_options``), split to the channel's message limit;
  the links to a conversation's documents (``opsw.documents``, ``channels/documents.py``) as
  lines "title: url" after the text.
  The ``opsw`` dict (kind, feedback, trace) of the structured messages is not shown: on a text
  channel the text is the message;
* **answers of its own**: "Ik kan alleen tekst lezen. ..." for a photo, voice message or sticker,
  and ``utter_service_down`` (as the guard sends it) when handling a message fails.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint
from sanic.request import Request

from channels import guard
from channels.choice import apply_choice
from channels.documents import links_text
from channels.numbered_options import OPTION_PROMPT, SCOPE_TURN, SCOPES, render_text_with_options
from channels.sender_ids import AddressBook
from channels.text_format import STYLE_PLAIN, TWILIO_MAX_CHARS, split_long_text, to_plain_text

logger = logging.getLogger(__name__)

TEXT_ONLY_NOTICE = "Ik kan alleen tekst lezen. Wilt u uw vraag typen?"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def as_bool(value: Any, default: bool) -> bool:
    """A credentials value ("true", "false", True, "", None) as a bool."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "ja", "on")


class TextOutput(OutputChannel):
    """Output of a text channel: plain text, buttons as numbered options, one call per message.

    Subclasses set the class attributes and implement :meth:`deliver`.
    """

    style = STYLE_PLAIN  # text_format style (WhatsApp: its own *bold*)
    max_chars = TWILIO_MAX_CHARS  # the channel's message limit
    prompt: str | None = OPTION_PROMPT  # under the numbered options
    paragraph_messages = False  # True: every paragraph of a text is a message of its own
    addresses: AddressBook | None = None  # conversation id -> address (set by the input channel)

    async def deliver(self, address: str, text: str, buttons: list[dict[str, Any]] | None) -> None:
        """Send one message of at most ``max_chars``; ``buttons`` (plain titles) only with the
        last message of a text with options."""
        raise NotImplementedError

    def plain(self, text: str | None) -> str:
        return to_plain_text(text or "", self.style)

    def address(self, recipient_id: str) -> str | None:
        if self.addresses is None:
            return recipient_id
        address = self.addresses.address(recipient_id)
        if address is None:
            logger.warning("No address for conversation %s in this process (restarted?): not sent.", recipient_id)
        return address

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        # images and custom payloads (Rasa's own send_* methods) also go to the address
        address = self.address(recipient_id)
        if address is not None:
            await super().send_response(address, message)

    async def _send(self, address: str, text: str, buttons: list[dict[str, Any]] | None = None) -> None:
        chunks = split_long_text(text, self.max_chars)
        for index, chunk in enumerate(chunks):
            await self.deliver(address, chunk, buttons if index == len(chunks) - 1 else None)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """The text as one message (split above ``max_chars``), or one per paragraph; document links (``opsw``) after
        it as short links."""
        address = self.address(recipient_id)
        if address is None:
            return
        body = self.plain(text)
        links = links_text(kwargs.get("opsw"))
        if links:
            body = f"{body}\n\n{links}"
        parts = body.strip().split("\n\n") if self.paragraph_messages else [body]
        for part in parts:
            if part.strip():
                await self._send(address, part)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Text, the numbered options and the prompt in one message."""
        options = [{**b, "title": self.plain(str(b.get("title") or ""))} for b in buttons if isinstance(b, dict)]
        if not options:
            await self.send_text_message(recipient_id, text, **kwargs)
            return
        address = self.address(recipient_id)
        if address is not None:
            body = self.plain(text)
            links = links_text(kwargs.get("opsw"))
            if links:
                body = f"{body}\n\n{links}"
            await self._send(address, render_text_with_options(body, options, self.prompt), options)


class TextInput(InputChannel):
    """Input of a text channel; subclasses read their webhook and call :meth:`pass_on`."""

    debug_mode: bool
    number_scope: str
    api_base_url: str | None
    addresses: AddressBook

    @classmethod
    def required_credentials(cls, credentials: dict[str, Any] | None) -> dict[str, Any]:
        """``credentials``; when there are none, Rasa's "you need to pass a credentials file" error."""
        if credentials:
            return credentials
        cls.raise_missing_credentials_exception()  # raises (typed NoReturn in Rasa, which mypy does not read)
        raise AssertionError("not reached")

    @classmethod
    def text_options(cls, credentials: dict[str, Any] | None) -> dict[str, Any]:
        """The credentials every text channel has: ``debug_mode``, ``api_base_url``, ``number_scope``."""
        credentials = credentials or {}
        return {
            "debug_mode": as_bool(credentials.get("debug_mode"), False),
            "api_base_url": credentials.get("api_base_url") or None,
            "number_scope": credentials.get("number_scope") or SCOPE_TURN,
        }

    def setup_text_input(self, number_scope: str, api_base_url: str | None) -> None:
        if number_scope not in SCOPES:
            raise ValueError(f"number_scope must be one of {SCOPES}")
        self.number_scope = number_scope
        self.api_base_url = api_base_url
        self.addresses = AddressBook(self.name())

    def conversation_id(self, address: str) -> str:
        """What Rasa gets as sender id for this chat id / phone number."""
        return self.addresses.conversation_id(address)

    def text_blueprint(self, name: str, on_new_message: OnNewMessage) -> tuple[Blueprint, OnNewMessage]:
        """The webhook blueprint (guard attached, ``GET /`` health) and ``on_new_message`` behind the guard."""
        _ = self.addresses.secret  # a missing or unreadable secret fails at start-up, not per message
        return guard.channel_blueprint(Blueprint(name, type(self).__module__)), guard.wrap(on_new_message)

    async def typed_text(
        self, request: Request, conversation: str, text: str, metadata: dict[str, Any] | None
    ) -> tuple[str, dict[str, Any] | None]:
        """A typed answer: the payload of the button it picks (number, keyboard label, title), else as typed."""
        chosen, metadata = await apply_choice(request, conversation, text, metadata, self.number_scope)
        return chosen or text, metadata

    async def text_only(self, output: OutputChannel, conversation: str) -> None:
        """The answer to a photo, voice message or sticker."""
        await output.send_text_message(conversation, TEXT_ONLY_NOTICE)

    async def pass_on(
        self,
        on_new_message: OnNewMessage,
        output: OutputChannel,
        conversation: str,
        texts: list[str],
        metadata: dict[str, Any] | None,
    ) -> None:
        """Hand the texts to Rasa (through the guard); a failure gets ``utter_service_down``."""
        try:
            for text in texts:
                await on_new_message(
                    UserMessage(text, output, conversation, input_channel=self.name(), metadata=metadata)
                )
        except Exception as error:
            logger.error("%s: handling a message of %s failed: %s", self.name(), conversation, type(error).__name__)
            logger.debug("handling a message failed", exc_info=True)
            if self.debug_mode:
                raise
            down = guard.GUARD.service_down()
            await guard.Guard.reply(output, conversation, down["text"], "error", down.get("buttons"))
