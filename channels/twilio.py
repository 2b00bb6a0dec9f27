"""Twilio (SMS and WhatsApp) connector with numbered options.

Credentials key: ``channels.twilio.NumberedTwilioInput`` (see
``scripts/make_credentials.py``). ``name()`` stays ``twilio``, so the webhook
is ``/webhooks/twilio/webhook``. ``twilio_number`` is ``+31...`` for SMS or
``whatsapp:+31...`` for WhatsApp.

Differences from Rasa's ``TwilioInput`` (rasa 3.6, twilio 8.x):

* Twilio is text-only: buttons are sent as "1. Titel\\n2. Titel" followed by
  "Typ het nummer van uw keuze.", and a reply that is just a number is mapped
  to that button's payload (looked up in the tracker store, see
  ``channels.choice``).
* One bot message is one Twilio message (split only above Twilio's 1600
  characters). Rasa sends every paragraph as its own message, and SMS do not
  always arrive in the order they were sent.
* The ``X-Twilio-Signature`` header is checked (Rasa does not check it):
  requests without a valid signature get 403. The signed URL is
  ``webhook_url`` if set (needed behind a proxy that changes host or scheme),
  else the URL of the request. ``validate_signature: false`` switches it off.
* The Twilio REST call runs in a thread; Rasa makes this blocking call on the
  event loop.
* Markdown links/bold are rewritten for plain text (WhatsApp gets ``*bold*``).
* ``ButtonPayload`` (WhatsApp quick-reply templates) is used when present; an
  empty body (a photo, a voice message) gets a short Dutch answer.
* ``api_base_url``: send the REST calls to another host (a test double);
  default ``https://api.twilio.com``.
* The phone number is passed on as a keyed hash (``twilio-<hex>``, see
  ``channels.sender_ids``): it never becomes a tracker store key. What all text
  channels share is in ``channels.text_channel``.
"""

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from channels.numbered_options import OPTION_PROMPT, SCOPE_TURN
from channels.sender_ids import AddressBook
from channels.text_channel import TextInput, TextOutput, as_bool
from channels.text_format import STYLE_PLAIN, STYLE_WHATSAPP, TWILIO_MAX_CHARS

logger = logging.getLogger(__name__)
# twilio logs every REST request at INFO; keep Rasa's log readable
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)

SIGNATURE_HEADER = "X-Twilio-Signature"


class _SignedParams(dict):
    """Form fields as lists, in the shape RequestValidator reads (``getlist``)."""

    def getlist(self, name: str) -> list[str]:
        return self[name]


class BaseUrlHttpClient(TwilioHttpClient):
    """Twilio's HTTP client (requests), with scheme and host replaced."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(url)
        new_url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().request(method, new_url, *args, **kwargs)


class NumberedTwilioOutput(TextOutput, TwilioOutput):
    """Twilio output for a text-only channel: one bot message is one SMS/WhatsApp message."""

    max_chars = TWILIO_MAX_CHARS
    prompt = OPTION_PROMPT

    def __init__(
        self,
        account_sid: str | None,
        auth_token: str | None,
        twilio_number: str | None,
        api_base_url: str | None = None,
        addresses: AddressBook | None = None,
    ) -> None:
        http_client = BaseUrlHttpClient(api_base_url) if api_base_url else None
        Client.__init__(self, account_sid, auth_token, http_client=http_client)
        self.twilio_number = twilio_number
        self.send_retry = 0
        self.max_retry = 5
        self.style = STYLE_WHATSAPP if (twilio_number or "").startswith("whatsapp:") else STYLE_PLAIN
        self.addresses = addresses

    async def _send_message(self, message_data: dict[str, Any]) -> Any:
        """``messages.create`` in a thread; errors are logged, not raised."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(None, functools.partial(self.messages.create, **message_data))
        except TwilioRestException as e:
            logger.error(f"Twilio did not send the message: {e.msg} (code {e.code})")
            return None

    async def deliver(self, address: str, text: str, buttons: list[dict[str, Any]] | None) -> None:
        """One Twilio message (the options are in the text: SMS and WhatsApp show no buttons)."""
        await self._send_message({"to": address, "from_": self.twilio_number, "body": text})


class NumberedTwilioInput(TextInput, TwilioInput):
    """Twilio input that understands "2" as the second button."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = cls.required_credentials(credentials)
        return cls(
            credentials.get("account_sid"),
            credentials.get("auth_token"),
            credentials.get("twilio_number"),
            webhook_url=credentials.get("webhook_url") or None,
            validate_signature=as_bool(credentials.get("validate_signature"), True),
            **cls.text_options(credentials),
        )

    def __init__(
        self,
        account_sid: str | None,
        auth_token: str | None,
        twilio_number: str | None,
        debug_mode: bool = False,
        webhook_url: str | None = None,
        validate_signature: bool = True,
        api_base_url: str | None = None,
        number_scope: str = SCOPE_TURN,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode)
        self.setup_text_input(number_scope, api_base_url)
        self.webhook_url = webhook_url
        self.validate_signature = validate_signature
        if not validate_signature:
            logger.warning("Twilio: signature check is OFF; anyone can post to the webhook.")

    def get_output_channel(self) -> NumberedTwilioOutput:
        return NumberedTwilioOutput(
            self.account_sid, self.auth_token, self.twilio_number, self.api_base_url, self.addresses
        )

    def _signed_urls(self, request: Request) -> list[str]:
        if self.webhook_url:
            return [self.webhook_url]
        urls = [request.url]
        proto = request.headers.get("X-Forwarded-Proto")
        host = request.headers.get("X-Forwarded-Host") or request.headers.get("Host")
        if proto and host:
            query = f"?{request.query_string}" if request.query_string else ""
            urls.append(f"{proto.split(',')[0].strip()}://{host}{request.path}{query}")
        return urls

    def has_valid_signature(self, request: Request) -> bool:
        """Check ``X-Twilio-Signature`` against the auth token."""
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature or not self.auth_token:
            return False
        validator = RequestValidator(self.auth_token)
        # Twilio signs every field, empty ones too ("FromCity="); Sanic's
        # request.form drops empty fields, so parse the body again.
        params = _SignedParams(parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        return any(validator.validate(url, params, signature) for url in self._signed_urls(request))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        twilio_webhook, guarded = self.text_blueprint("numbered_twilio_webhook", on_new_message)

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if self.validate_signature and not self.has_valid_signature(request):
                logger.warning("Twilio webhook call without a valid X-Twilio-Signature: rejected.")
                return response.text("", status=403)

            form = request.form
            sender = form.get("From")
            text = form.get("Body")
            out_channel = self.get_output_channel()
            if sender is None:
                logger.debug("Invalid message")
                return response.text("", status=204)

            conversation = self.conversation_id(sender)
            metadata = self.get_metadata(request)
            if self._is_location_message(request):
                text = "/locationData{{'Latitude': {lat},'Longitude': {long}}}".format(
                    lat=form.get("Latitude"), long=form.get("Longitude")
                )
            elif form.get("ButtonPayload"):
                text = form.get("ButtonPayload")
            elif not (text or "").strip():
                await self.text_only(out_channel, conversation)
                return response.text("", status=204)
            else:
                # @ signs get corrupted in SMSes by some carriers (as in Rasa)
                text, metadata = await self.typed_text(request, conversation, text.replace("¡", "@"), metadata)

            await self.pass_on(guarded, out_channel, conversation, [text], metadata)
            return response.text("", status=204)

        return twilio_webhook
