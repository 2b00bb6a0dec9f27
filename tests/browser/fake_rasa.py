"""A tiny stand-in for Rasa's socket.io channel, for pure UI tests of the web widget.

It speaks the same protocol as ``rasa/core/channels/socketio.py`` of Rasa 3.6 with
``session_persistence: true``: ``session_request`` -> ``enter_room`` + ``session_confirm``,
``user_uttered {message, session_id}`` -> ``bot_uttered`` to the room of the session id, with
text split on blank lines and buttons sent as ``quick_replies`` on the last part.

The answers are canned (see ``reply_for``). Every received message is recorded in
``FakeRasa.received`` so tests can check what the widget sent (feedback, /restart).

Run by hand for development:  python tests/browser/fake_rasa.py --port 5005
"""

import argparse
import asyncio
import inspect
import socket
import threading
from typing import Any, Dict, List, Optional, Tuple

import socketio
from aiohttp import web

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CIZ_QUESTION_BUTTONS = [
    {"title": "Nee, nog niet", "payload": "/deny"},
    {"title": "Ja, dat loopt al", "payload": "/affirm"},
]

MARKDOWN_SAMPLE = (
    "## Wat kunt u doen?\n"
    "Dit is **belangrijk** en dit **ook**; window.__name__ blijft tekst.\n"
    "Kijk op [de website van het CIZ](https://www.ciz.nl/bezwaar) of https://www.rijksoverheid.nl/zorg.\n"
    "Bel [088-789 10 00](tel:0887891000) of mail [het CIZ](mailto:info@ciz.nl).\n"
    "Niet klikbaar: [klik hier](javascript:window.__xss=3) en <b>geen html</b>.\n"
    "_Bron: de regelhulp, body_id bezwaar_ciz._"
)


def reply_for(message: str) -> Tuple[Optional[str], List[Dict[str, str]], float]:
    """(text, buttons, delay in seconds) for a user message; text None means no answer."""
    lower = message.lower()
    if lower.startswith("/feedback") or lower.startswith("/restart"):
        return None, [], 0
    if lower == "/deny":
        return (
            "De volgende stap is **bezwaar maken bij het CIZ**.\n"
            "Stuur binnen 6 weken na de datum van het besluit een bezwaarschrift.\n\n"
            "Meer informatie: [bezwaar maken bij het CIZ](https://www.ciz.nl/bezwaar).",
            [],
            0,
        )
    if lower == "/affirm":
        return "Dan wacht u op de beslissing op uw bezwaar.", [], 0
    if "ciz" in lower:
        return (
            "Ik begrijp dat u het niet eens bent met een besluit van het CIZ.\n\nHeeft u al bezwaar gemaakt?",
            CIZ_QUESTION_BUTTONS,
            0,
        )
    if lower == "markdown":
        return MARKDOWN_SAMPLE, [], 0
    if lower == "langzaam":
        return "Dit antwoord kwam langzaam.", [], 2.0
    return "U schreef: " + message, [], 0


class FakeRasa:
    """socket.io server on 127.0.0.1:<port>, run in a background thread with its own event loop."""

    def __init__(self, port: int, socketio_path: str = "socket.io") -> None:
        self.port = port
        self.socketio_path = socketio_path
        self.received: List[Dict[str, Any]] = []
        self.sessions_requested: List[Optional[str]] = []
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._runner: Optional[web.AppRunner] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _make_app(self) -> web.Application:
        # Same settings as Rasa: cors_allowed_origins=[] switches engine.io's CORS handling off.
        sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=[])
        app = web.Application()
        sio.attach(app, socketio_path=self.socketio_path)

        async def health(_request: web.Request) -> web.Response:
            return web.json_response({"status": "ok"})

        app.router.add_get("/", health)

        @sio.on("session_request")
        async def session_request(sid: str, data: Optional[Dict[str, Any]]) -> None:
            data = data or {}
            session_id = data.get("session_id")
            self.sessions_requested.append(session_id)
            entered = sio.enter_room(sid, session_id)
            if inspect.isawaitable(entered):  # python-socketio >= 5.10
                await entered
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on("user_uttered")
        async def user_uttered(sid: str, data: Dict[str, Any]) -> None:
            session_id = data.get("session_id")
            message = data.get("message", "")
            self.received.append(
                {"sid": sid, "session_id": session_id, "message": message, "metadata": data.get("metadata")}
            )
            text, buttons, delay = reply_for(message)
            if text is None:
                return
            if delay:
                await asyncio.sleep(delay)
            parts = text.strip().split("\n\n")
            for i, part in enumerate(parts):
                payload: Dict[str, Any] = {"text": part}
                if buttons:
                    payload["quick_replies"] = (
                        [{"content_type": "text", **b} for b in buttons] if i == len(parts) - 1 else []
                    )
                await sio.emit("bot_uttered", payload, room=session_id)

        return app

    async def _start(self) -> None:
        # Short shutdown: open WebSocket connections are not waited for (aiohttp's default is 60 s).
        self._runner = web.AppRunner(self._make_app(), shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()

    async def _shutdown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        current = asyncio.current_task()
        pending = [t for t in asyncio.all_tasks() if t is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def start(self) -> "FakeRasa":
        ready = threading.Event()
        errors: List[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._start())
            except BaseException as exc:  # noqa: BLE001 - reported to the caller
                errors.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        self._thread = threading.Thread(target=run, name=f"fake-rasa-{self.port}", daemon=True)
        self._thread.start()
        ready.wait(15)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._loop and self._thread:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(15)
        self._loop = None
        self._thread = None

    def messages_for(self, session_id: str) -> List[str]:
        return [m["message"] for m in self.received if m["session_id"] == session_id]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5005)
    args = parser.parse_args()
    server = FakeRasa(args.port).start()
    print(f"fake Rasa socket.io server on {server.url} (Ctrl+C stops)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
