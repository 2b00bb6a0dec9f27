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
* **Origins**: engine.io refuses (HTTP 400, before any handshake) a request whose ``Origin`` header is not one of
  ``OPSW_CORS_ORIGINS`` (:func:`deploy.serve.cors_origins`, the origins ``rasa run --cors`` gets; default: the web
  page's own origin); ``*`` allows every origin. Rasa creates its server with ``cors_allowed_origins=[]``, which
  switches the check off: any web site's page could chat through a visitor's browser. A client without an
  ``Origin`` header (not a browser) is let in. The CORS response headers stay with the Rasa app (sanic-cors).
* **One connection per conversation** (with ``session_persistence``): the first connection that asks for a
  session id (``session_request``, or ``user_uttered`` without one) holds it until it disconnects or asks for
  another id (:class:`SessionHolders`). A second live connection that asks for it gets no ``session_confirm`` and
  no answers: it waits, is told so (``session_in_use`` of catalogue/texts.yaml, after
  :data:`IN_USE_NOTICE_SECONDS`), and gets the ``session_confirm`` as soon as the holder is gone (a page reload
  whose old connection closes late, a second tab that stays). Its ``user_uttered`` for that id is answered with the
  same text and not passed on.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import engineio
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput as RasaSocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer

from channels import guard
from channels.rest import opsw_parts
from deploy.serve import cors_origins
from opschaling.catalogue import load_catalogue

logger = logging.getLogger(__name__)

NO_SESSION_TEXT = "Ik weet niet bij welk gesprek dit hoort. Herlaad de pagina en probeer het opnieuw."
BAD_BODY_TEXT = "Ik kon uw bericht niet lezen. Typ uw vraag opnieuw."
# a waiting connection is told why only after this long: a page reload's old connection is usually gone by then
IN_USE_NOTICE_SECONDS = 2.0
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def origin_key(origin: str) -> str:
    """An origin as browsers send it: lower case, no trailing slash, no default port (``https://a.nl:443/`` →
    ``https://a.nl``)."""
    text = origin.strip().rstrip("/").lower()
    scheme, _, rest = text.partition("://")
    host, _, port = rest.rpartition(":")
    if host and port == _DEFAULT_PORTS.get(scheme):
        return f"{scheme}://{host}"
    return text


class AllowedOrigins:
    """engine.io's ``cors_allowed_origins`` check: the configured origins (``*``: all); no ``Origin`` header: let in."""

    def __init__(self, origins: list[str]) -> None:
        self.any = "*" in origins
        self.origins = frozenset(origin_key(o) for o in origins if o != "*")

    def __call__(self, origin: str | None, environ: Mapping[str, Any] | None = None) -> bool:
        return not origin or self.any or origin_key(origin) in self.origins


class _EngineIOServer(engineio.AsyncServer):
    def _cors_headers(self, environ: Mapping[str, Any]) -> list[tuple[str, str]]:
        # the Rasa app's CORS (sanic-cors, `rasa run --cors`) writes the headers; twice would break the browser's check
        return []


class OriginCheckedServer(AsyncServer):
    """python-socketio's server whose engine.io refuses an ``Origin`` outside :class:`AllowedOrigins`."""

    def __init__(self, origins: list[str], **kwargs: Any) -> None:
        super().__init__(async_mode="sanic", cors_allowed_origins=AllowedOrigins(origins), **kwargs)

    def _engineio_server_class(self) -> type:
        return _EngineIOServer


class SessionHolders:
    """Which live connection (socket.io sid) holds which session id: one each, the first to ask keeps it.

    ``request(sid, session)`` → ``(granted, handovers)``; a refused connection waits in line for that session.
    ``release(sid)`` (disconnect, or the connection asks for another id) frees what it held or waited for.
    ``handovers``: ``[(session, sid)]`` of waiting connections that now hold a freed session (send them the
    ``session_confirm``). ``is_live(sid)`` tells a holder that is still connected from one that is going."""

    def __init__(self, is_live: Callable[[str], bool]) -> None:
        self._is_live = is_live
        self._holder: dict[str, str] = {}  # session -> sid
        self._held: dict[str, str] = {}  # sid -> session
        self._queue: dict[str, list[str]] = {}  # session -> sids waiting for it, first come first
        self._waits_for: dict[str, str] = {}  # sid -> session

    def session_of(self, sid: str) -> str | None:
        return self._held.get(sid)

    def waits_for(self, sid: str) -> str | None:
        return self._waits_for.get(sid)

    def request(self, sid: str, session: str) -> tuple[bool, list[tuple[str, str]]]:
        if self._held.get(sid) == session:
            return True, []
        handovers = self.release(sid)
        holder = self._holder.get(session)
        if holder is not None and self._is_live(holder):
            self._queue.setdefault(session, []).append(sid)
            self._waits_for[sid] = session
            return False, handovers
        if holder is not None:  # connected no more, its disconnect not handled yet
            self._held.pop(holder, None)
        self._holder[session] = sid
        self._held[sid] = session
        return True, handovers

    def release(self, sid: str) -> list[tuple[str, str]]:
        waited = self._waits_for.pop(sid, None)
        if waited is not None:
            self._unqueue(waited, sid)
        session = self._held.pop(sid, None)
        if session is None or self._holder.get(session) != sid:
            return []
        del self._holder[session]
        queue = self._queue.get(session, [])
        while queue:
            waiter = queue.pop(0)
            self._waits_for.pop(waiter, None)
            if self._is_live(waiter):
                self._holder[session] = waiter
                self._held[waiter] = session
                self._unqueue(session)
                return [(session, waiter)]
        self._unqueue(session)
        return []

    def _unqueue(self, session: str, sid: str | None = None) -> None:
        queue = self._queue.get(session)
        if queue is not None and sid in queue:
            queue.remove(sid)
        if not queue:
            self._queue.pop(session, None)


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
        sio = OriginCheckedServer(cors_origins(os.environ))
        webhook = guard.channel_blueprint(SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__))
        self.sio = sio
        namespace = self.namespace or "/"
        holders = SessionHolders(lambda other: bool(sio.manager.is_connected(other, namespace)))

        async def error_to(sid: str, text: str, kind: str = "error") -> None:
            await sio.emit(
                self.bot_message_evt,
                {"text": text, "opsw": {"kind": kind, "feedback": False}},
                room=sid,
                namespace=self.namespace,
            )

        def in_use_text() -> str:
            catalogue = load_catalogue()
            return catalogue.text("session_in_use")

        async def rooms(sid: str, enter: str | None = None, leave: str | None = None) -> None:
            for room, change in ((leave, sio.leave_room), (enter, sio.enter_room)):
                if room is not None:
                    done = change(sid, room, namespace=self.namespace)
                    if inspect.isawaitable(done):  # python-socketio >= 5.10
                        await done

        async def hand_over(handovers: list[tuple[str, str]]) -> None:
            for session, waiter in handovers:
                await rooms(waiter, enter=session)
                await sio.emit("session_confirm", session, room=waiter, namespace=self.namespace)

        async def take(sid: str, session: str) -> bool:
            """``sid`` asks for ``session``: True when it holds it now (and is in its room)."""
            previous = holders.session_of(sid)
            granted, handovers = holders.request(sid, session)
            await rooms(sid, leave=previous if previous not in (None, session) else None)
            await hand_over(handovers)
            if granted:
                await rooms(sid, enter=session)
            return granted

        async def tell_if_still_waiting(sid: str, session: str) -> None:
            await asyncio.sleep(IN_USE_NOTICE_SECONDS)
            if holders.waits_for(sid) == session:
                await error_to(sid, in_use_text(), "notice")

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
            await hand_over(holders.release(sid))

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            data = dict(data) if isinstance(data, dict) else {}
            if not guard.valid_sender(data.get("session_id")):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence and not await take(sid, data["session_id"]):
                sio.start_background_task(tell_if_still_waiting, sid, data["session_id"])
                return
            await sio.emit("session_confirm", data["session_id"], room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            try:
                if not isinstance(data, dict):
                    await error_to(sid, BAD_BODY_TEXT)
                    return
                if self.session_persistence:
                    sender_id = data.get("session_id")
                    if not isinstance(sender_id, str) or not guard.valid_sender(sender_id):
                        await error_to(sid, NO_SESSION_TEXT)
                        return
                    # no session_request first: take it now, so the answer arrives
                    if holders.session_of(sid) != sender_id and not await take(sid, sender_id):
                        await error_to(sid, in_use_text())
                        return
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
