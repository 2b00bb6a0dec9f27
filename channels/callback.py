"""Callback channel behind the guard (credentials key ``channels.callback.CallbackInput``;
``name()`` "callback", ``POST /webhooks/callback/webhook``; the answers are POSTed to ``url``).

Same request body, checks and route code as :mod:`channels.rest` (bad body → HTTP 400 with a Dutch
JSON error); the answers POSTed to ``url`` carry ``opsw`` like the REST items; the HTTP answer is
``success``.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.callback import CallbackInput as RasaCallbackInput
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from sanic import response
from sanic.response import HTTPResponse

from channels.rest import OpswCollectingOutput, RestInput

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


class CallbackInput(RestInput, RasaCallbackInput):
    """Our REST route code (:class:`channels.rest.RestInput`) with Rasa's callback credentials."""

    @classmethod
    def name(cls) -> str:
        return "callback"

    def blueprint_name(self) -> str:
        return "callback_webhook"

    def get_output_channel(self) -> CallbackOutput:
        return CallbackOutput(self.callback_endpoint)

    def webhook_output(self) -> CallbackOutput:
        return self.get_output_channel()

    def webhook_answer(self, output: OpswCollectingOutput) -> HTTPResponse:
        return response.text("success")
