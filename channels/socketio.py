"""socket.io channel behind the guard (credentials key ``channels.socketio.SocketIOInput``;
``name()`` "socketio", path ``/socket.io``; same events as Rasa 3.6: ``session_request`` →
``session_confirm``, ``user_uttered`` → ``bot_uttered``).

Differences from Rasa's ``SocketIOInput``:

* Every message goes through :mod:`channels.guard` (masking, length limit, payload check,
  never silent).
* Bad input is answered, never dropped: ``user_uttered`` with a body that is not an object, no or
  an invalid ``session_id`` (with ``session_persistence``), a ``message`` that is not text, or
  unreadable ``metadata`` → a ``bot_uttered`` event to the socket with a Dutch text and
  ``opsw.kind: "error"``.
* ``bot_uttered`` dicts carry ``opsw`` (``feedback``/``trace`` only on the last part of a bot
  message, as for REST).
* ``session_request``: an invalid ``session_id`` gets a fresh one; ``enter_room`` is awaited when it
  is a coroutine (python-socketio >= 5.10; requirements.txt keeps < 5.10 for Rasa's own code).
* Only ``metadata.trace`` (boolean) is passed on.
"""

from __future__ import annotations

import inspect
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput as RasaSocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer

from channels import guard
from channels.rest import opsw_parts

logger = logging.getLogger(__name__)

NO_SESSION_TEXT = "Ik weet niet bij welk gesprek dit hoort. Herlaad de pagina en probeer het opnieuw."
BAD_BODY_TEXT = "Ik kon uw bericht niet lezen. Typ uw vraag opnieuw."


class SocketIOOutput(RasaSocketIOOutput):
    """Rasa's socket.io output with ``opsw`` in every ``bot_uttered`` dict."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        parts = [p for p in (text or "").strip().split("\n\n") if p.strip()] or [text or ""]
        for index, part in enumerate(parts):
            await self._send_message(
                recipient_id, {"text": part, "opsw": opsw_parts(kwargs.get("opsw"), index == len(parts) - 1)}
            )

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        parts = [p for p in (text or "").strip().split("\n\n") if p.strip()] or [text or ""]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            message: dict[str, Any] = {"text": part, "opsw": opsw_parts(kwargs.get("opsw"), last)}
            if last:
                message["quick_replies"] = [
                    {"content_type": "text", "title": b.get("title"), "payload": b.get("payload")}
                    for b in buttons
                    if isinstance(b, dict)
                ]
            await self._send_message(recipient_id, message)


def _metadata(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, dict):
        return None
    out: dict[str, Any] = {k: value[k] for k in ("trace", "feedback_for") if k in value}
    if "trace" in out and not isinstance(out["trace"], bool):
        out.pop("trace")
    return out or None  # the guard checks each key again (channels/guard.py)


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io input with the guard in front (see the module doc)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> SocketIOOutput | None:
        if self.sio is None:
            return super().get_output_channel()  # warns, returns None
        return SocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guarded = guard.wrap(on_new_message)
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        webhook = guard.channel_blueprint(SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__))
        self.sio = sio

        async def error_to(sid: str, text: str) -> None:
            await sio.emit(
                self.bot_message_evt,
                {"text": text, "opsw": {"kind": "error", "feedback": False}},
                room=sid,
                namespace=self.namespace,
            )

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            if self.jwt_key:
                import rasa.core.channels.channel as rasa_channel

                token = auth.get("token") if isinstance(auth, dict) else None
                payload = None
                if token:
                    try:
                        payload = rasa_channel.decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)
                    except Exception:  # noqa: BLE001
                        payload = None
                return bool(payload)
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            logger.debug("socket.io client disconnected")

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            data = dict(data) if isinstance(data, dict) else {}
            if not guard.valid_sender(data.get("session_id")):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, data["session_id"], namespace=self.namespace)
                if inspect.isawaitable(entered):  # python-socketio >= 5.10
                    await entered
            await sio.emit("session_confirm", data["session_id"], room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            try:
                if not isinstance(data, dict):
                    await error_to(sid, BAD_BODY_TEXT)
                    return
                if self.session_persistence:
                    sender_id = data.get("session_id")
                    if not guard.valid_sender(sender_id):
                        await error_to(sid, NO_SESSION_TEXT)
                        return
                    if sender_id not in (sio.rooms(sid, namespace=self.namespace) or []):
                        # no session_request first: join now, so the answer arrives
                        entered = sio.enter_room(sid, sender_id, namespace=self.namespace)
                        if inspect.isawaitable(entered):
                            await entered
                else:
                    sender_id = sid
                text = data.get("message", "")
                if not isinstance(text, str):
                    await error_to(sid, guard.NOT_TEXT)
                    return
                output = SocketIOOutput(sio, self.bot_message_evt)
                await guarded(
                    UserMessage(
                        text,
                        output,
                        sender_id,
                        input_channel=self.name(),
                        metadata=_metadata(data.get(self.metadata_key)),
                    )
                )
            except Exception:
                logger.exception("socket.io message failed")
                await error_to(sid, guard.SERVICE_DOWN_TEXT)

        return webhook
