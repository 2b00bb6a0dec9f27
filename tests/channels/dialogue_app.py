"""A Rasa server in miniature for the document tests (tests/channels/test_channels_documents.py, the browser test
tests/browser/test_web_documents.py): the project's real input channels (REST, socket.io, documents) behind the
real guard, a real Rasa tracker store holding the slot ``dialogue``, and the real dialogue
(``opschaling.dialogue.respond``) in place of the NLU and the action server: a button payload ``/intent{json}`` is
parsed as Rasa parses it, typed text has no intent (the dialogue reads the words itself).

``DialogueServer(today).start()`` runs it on a free loopback port in a thread of its own (``.url``, ``.stop()``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
import warnings
from datetime import date
from types import SimpleNamespace
from typing import Any

try:  # tests/channels/ is on sys.path for its own tests; the browser tests import this module as a package
    from channel_fakes import serving
except ImportError:
    from tests.channels.channel_fakes import serving

PAYLOAD = re.compile(r"^/(?P<intent>[^{@\s]+)(?P<entities>\{.*\})?$", re.S)
_apps = itertools.count(1)


def turn_of(text: str) -> Any:
    from opschaling.dialogue import Turn

    match = PAYLOAD.match(text.strip())
    if not match:
        return Turn(text=text)
    entities: tuple[tuple[str, Any], ...] = ()
    if match.group("entities"):
        with contextlib.suppress(ValueError):
            entities = tuple(json.loads(match.group("entities")).items())
    return Turn(text=text, intent=match.group("intent"), entities=entities, payload=text)


class DialogueProcessor:
    """``on_new_message`` of the channels: one turn of the dialogue, kept in a Rasa tracker store."""

    def __init__(self, today: date) -> None:
        from rasa.core.tracker_store import InMemoryTrackerStore
        from rasa.shared.core.domain import Domain

        with warnings.catch_warnings():  # Rasa 3.6 warns about slot auto-fill for every domain it reads
            warnings.simplefilter("ignore", UserWarning)
            domain = Domain.from_dict(
                {
                    "slots": {
                        "dialogue": {"type": "any", "influence_conversation": False, "mappings": [{"type": "custom"}]}
                    }
                }
            )
        self.store = InMemoryTrackerStore(domain)
        self.today = today

    async def __call__(self, message: Any) -> None:
        from rasa.shared.core.events import BotUttered, SlotSet, UserUttered

        from opschaling.dialogue import respond

        tracker = await self.store.get_or_create_tracker(message.sender_id)
        reply = respond(tracker.get_slot("dialogue"), turn_of(message.text), today=self.today)
        tracker.update(UserUttered(message.text))
        for m in reply.messages:
            bot: dict[str, Any] = {"text": m.text, "opsw": m.opsw()}
            if m.buttons:
                bot["buttons"] = list(m.buttons)
            await message.output_channel.send_response(message.sender_id, dict(bot))
            tracker.update(BotUttered(m.text, data={"buttons": list(m.buttons)}))
        tracker.update(SlotSet("dialogue", reply.state))
        await self.store.save(tracker)


def channels() -> list[Any]:
    from channels.documents import DocumentsInput
    from channels.rest import RestInput
    from channels.socketio import SocketIOInput

    return [
        RestInput(),
        SocketIOInput(user_message_evt="user_uttered", bot_message_evt="bot_uttered", session_persistence=True),
        DocumentsInput(),
    ]


@contextlib.asynccontextmanager
async def dialogue_app(today: date):
    """Yields ``(base_url, processor)``."""
    from rasa.server import configure_cors
    from sanic import Sanic

    Sanic.test_mode = True
    app = Sanic(f"dialogue_app_{next(_apps)}")
    configure_cors(app, "*")  # as `rasa run --cors "*"`: the widget's page is on another port
    processor = DialogueProcessor(today)
    app.ctx.agent = SimpleNamespace(tracker_store=processor.store)
    for channel in channels():
        app.blueprint(channel.blueprint(processor), url_prefix=f"/webhooks/{channel.url_prefix()}")
    async with serving(app) as base:
        yield base, processor


class DialogueServer:
    """:func:`dialogue_app` in a background thread (for a browser)."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None

    def start(self) -> DialogueServer:
        ready = threading.Event()
        errors: list[BaseException] = []

        async def run() -> None:
            self._stop = asyncio.Event()
            try:
                async with dialogue_app(self.today) as (base, _):
                    self.url = base
                    ready.set()
                    await self._stop.wait()
            except BaseException as error:
                errors.append(error)
                ready.set()

        def thread() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(run())
            self._loop.close()

        self._thread = threading.Thread(target=thread, name="dialogue-app", daemon=True)
        self._thread.start()
        ready.wait(60)
        if errors:
            raise errors[0]
        assert self.url, "the dialogue app did not start"
        return self

    def stop(self) -> None:
        if self._loop and self._stop:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread:
            self._thread.join(20)
