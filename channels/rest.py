"""REST channel behind the guard (credentials key ``channels.rest.RestInput``; ``name()`` "rest",
so the URL stays ``/webhooks/rest/webhook``).

Request: ``{"sender": str, "message": str, "metadata"?: {"trace": bool}}``. Differences from Rasa's
``RestInput``:

* A bad body (not JSON, a JSON array, ``message`` missing or not a string, ``sender`` missing, not a
  string or not ``[A-Za-z0-9_.:+@=-]{1,128}``) → HTTP 400 ``{"error": "<Dutch>", "code": "..."}``;
  never a 500. Only ``metadata.trace`` (boolean) is passed on.
* Every message goes through :mod:`channels.guard` (masking, length limit, payload check, never
  silent). A ``sender`` that holds an identifier (``"0612345678"``, an e-mail address) reaches Rasa
  as its keyed hash ``anon-<32 hex>``; the answers keep the ``recipient_id`` the client sent.
* Response items: ``{"recipient_id", "text", "buttons"?, "opsw": {"kind", "feedback", "trace"?, "documents"?}}``
  (``documents``: links to the conversation's documents, see ``channels/documents.py``).
  A text with blank lines is split into items as Rasa does; ``opsw`` is on every item, with
  ``feedback`` (and ``trace``) only on the last item of a bot message. Bot messages without
  ``opsw`` (plain domain responses) get ``{"kind": "info", "feedback": false}``.
* ``?stream=true`` is not supported (answered as a normal request).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import guard

logger = logging.getLogger(__name__)

DEFAULT_OPSW = {"kind": "info", "feedback": False}

ERRORS = {
    "not_json": 'Het verzoek is geen geldige JSON. Stuur {"sender": "...", "message": "..."}.',
    "not_object": 'Het verzoek moet een JSON-object zijn: {"sender": "...", "message": "..."}.',
    "no_message": 'Het veld "message" ontbreekt of is geen tekst.',
    "no_sender": 'Het veld "sender" ontbreekt of is ongeldig (hoogstens 128 tekens: letters, cijfers, _ . : + @ = -).',
    "too_deep": 'Het verzoek is te diep genest. Stuur {"sender": "...", "message": "..."}.',
    "not_json_type": "Stuur het verzoek als JSON, met de header Content-Type: application/json.",
}
# Deeper JSON than this is refused before it is parsed (a RecursionError would be a 500).
MAX_JSON_DEPTH = 32


def opsw_parts(opsw: Any, last: bool) -> dict[str, Any]:
    """The ``opsw`` dict for one item; ``feedback``, ``trace`` and the document links only on the last part."""
    base = dict(opsw) if isinstance(opsw, dict) else dict(DEFAULT_OPSW)
    base.setdefault("kind", "info")
    base["feedback"] = bool(base.get("feedback")) and last
    if not last:
        for key in ("trace", "documents", "documents_note"):
            base.pop(key, None)
    return base


class OpswCollectingOutput(CollectingOutputChannel):
    """Collects the bot messages with their ``opsw`` dict (for the REST response)."""

    @classmethod
    def name(cls) -> str:
        return "collector"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        parts = [p for p in (text or "").strip().split("\n\n") if p.strip()] or [text or ""]
        for index, part in enumerate(parts):
            item = self._message(recipient_id, text=part)
            item["opsw"] = opsw_parts(kwargs.get("opsw"), index == len(parts) - 1)
            await self._persist_message(item)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        item = self._message(recipient_id, text=text, buttons=buttons)
        item["opsw"] = opsw_parts(kwargs.get("opsw"), True)
        await self._persist_message(item)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        item = self._message(recipient_id, custom=json_message)
        item["opsw"] = opsw_parts(kwargs.get("opsw"), True)
        await self._persist_message(item)


def bad_request(code: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": ERRORS[code], "code": code}, status=status)


def json_depth(raw: bytes) -> int:
    """How deep the brackets of a JSON text nest (strings skipped): linear, no recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def parse_body(request: Request) -> tuple[dict[str, Any] | None, str | None]:
    """``(fields, None)`` or ``(None, error code)`` for a REST/callback request body. Only JSON is accepted (a
    form or text/plain post from another web site needs no CORS preflight)."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return None, "not_json_type"
    raw = request.body or b""
    # the byte-by-byte scan only for a body with enough brackets to be that deep (counting runs at C speed)
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and json_depth(raw) > MAX_JSON_DEPTH:
        return None, "too_deep"
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, "not_json"
    if not isinstance(body, dict):
        return None, "not_object"
    message = body.get("message")
    if not isinstance(message, str):
        return None, "no_message"
    sender = body.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not guard.valid_sender(sender):
        return None, "no_sender"
    metadata = body.get("metadata")
    meta: dict[str, Any] | None = None
    if isinstance(metadata, dict) and isinstance(metadata.get("trace"), bool):
        meta = {"trace": metadata["trace"]}
    return {"sender": sender, "message": message, "metadata": meta}, None


class RestInput(RasaRestInput):
    """Rasa's REST input with the guard in front (see the module doc).

    The route code is shared with :class:`channels.callback.CallbackInput`, which overrides
    :meth:`webhook_output` (where the answers go) and :meth:`webhook_answer` (the HTTP answer).
    """

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint_name(self) -> str:
        return f"custom_webhook_{type(self).__name__}"

    def webhook_output(self) -> OpswCollectingOutput:
        """The output channel of one request."""
        return OpswCollectingOutput()

    def webhook_answer(self, output: OpswCollectingOutput) -> HTTPResponse:
        """The HTTP answer after the bot answered: the collected messages."""
        return response.json(output.messages)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guarded = guard.wrap(on_new_message)
        webhook = guard.channel_blueprint(Blueprint(self.blueprint_name(), type(self).__module__))

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            fields, error = parse_body(request)
            if error or fields is None:
                return bad_request(error or "not_object", 415 if error == "not_json_type" else 400)
            output = self.webhook_output()
            try:
                await guarded(
                    UserMessage(
                        fields["message"],
                        output,
                        fields["sender"],
                        input_channel=self.name(),
                        metadata=fields["metadata"],
                    )
                )
            except Exception:
                logger.exception("%s message failed", self.name())
            if not output.messages:  # never silent, also when the guard itself failed
                down = guard.GUARD.service_down()
                await guard.Guard.reply(output, fields["sender"], down["text"], "error", down.get("buttons"))
            return self.webhook_answer(output)

        return webhook
