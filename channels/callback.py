"""Callback channel behind the guard (credentials key ``channels.callback.CallbackInput``;
``name()`` "callback", ``POST /webhooks/callback/webhook``; the answers are POSTed to ``url``).

Same request body and checks as :mod:`channels.rest` (bad body → HTTP 400 with a Dutch JSON
error); the answers POSTed to ``url`` carry ``opsw`` like the REST items.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.callback import CallbackInput as RasaCallbackInput
from rasa.core.channels.channel import UserMessage
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import guard
from channels.rest import OpswCollectingOutput, bad_request, parse_body

logger = logging.getLogger(__name__)


class CallbackOutput(OpswCollectingOutput):
    """Collects like the REST output and POSTs every item to the callback URL."""

    @classmethod
    def name(cls) -> str:
        return "callback"

    def __init__(self, endpoint: EndpointConfig) -> None:
        self.callback_endpoint = endpoint
        super().__init__()

    async def _persist_message(self, message: dict[str, Any]) -> None:
        await super()._persist_message(message)
        try:
            await self.callback_endpoint.request("post", content_type="application/json", json=message)
        except ClientResponseError as e:
            logger.error("Failed to send output message to callback. Status: %s", e.status)
        except Exception as e:  # noqa: BLE001 - the callback receiver may be down
            logger.error("Failed to send output message to callback: %s", type(e).__name__)


class CallbackInput(RasaCallbackInput):
    @classmethod
    def name(cls) -> str:
        return "callback"

    def get_output_channel(self) -> CallbackOutput:
        return CallbackOutput(self.callback_endpoint)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guarded = guard.wrap(on_new_message)
        webhook = Blueprint("callback_webhook", __name__)
        guard.GUARD.attach(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            fields, error = parse_body(request)
            if error:
                return bad_request(error)
            try:
                await guarded(
                    UserMessage(
                        fields["message"],
                        self.get_output_channel(),
                        fields["sender"],
                        input_channel=self.name(),
                        metadata=fields["metadata"],
                    )
                )
            except Exception:
                logger.exception("callback message failed")
            return response.text("success")

        return webhook
