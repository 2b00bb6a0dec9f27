"""A tiny stand-in for Rasa's socket.io channel, for pure UI tests of the web widget.

It speaks the protocol of our channel ``channels/socketio.py`` (Rasa 3.6's socket.io channel behind the guard)
with ``session_persistence: true``: ``session_request`` -> ``enter_room`` + ``session_confirm``,
``user_uttered {message, session_id}`` -> ``bot_uttered`` to the room of the session id, with
text split on blank lines and buttons sent as ``quick_replies`` on the last part, each part with
the ``opsw`` dict of docs/ARCHITECTURE.md (``{"kind", "feedback"}``) as channels/socketio.py adds
it (``feedback`` only on the last part of a message).

It leaves out the channel's two checks, which tests/channels/test_channels_socketio.py tests on the real channel:
every ``Origin`` is let in (the channel refuses one outside ``OPSW_CORS_ORIGINS`` with HTTP 400), and every
connection gets the session it asks for (the channel gives a session id to one live connection at a time; a
second one waits and is told ``session_in_use``).

The answers are canned (see ``replies_for``). Every received message is recorded in
``FakeRasa.received`` so tests can check what the widget sent (feedback, /restart). "verwijder mijn
gesprek" gets the guard's answer from channels/guard.py (``erase_works = False``: its error answer).

Run by hand for development:  python tests/browser/fake_rasa.py --port 5005
"""

import argparse
import asyncio
import inspect
import json
import re
import socket
import threading
from datetime import date
from typing import Any

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
SITUATION_BUTTONS = [  # catalogue/questions.yaml, fact "situation"
    {"title": "Ik ben het niet eens met een besluit", "payload": '/inform_situation{"situation":"besluit_oneens"}'},
    {"title": "Klacht over een zorgaanbieder", "payload": '/inform_situation{"situation":"klacht_zorgaanbieder"}'},
    {
        "title": "Klacht over gemeente, CIZ of zorgkantoor",
        "payload": '/inform_situation{"situation":"klacht_instantie"}',
    },
    {"title": "We vinden geen plek", "payload": '/inform_situation{"situation":"geen_plek"}'},
    {"title": "De zorg past niet meer", "payload": '/inform_situation{"situation":"zorg_past_niet"}'},
    {
        "title": "Ik word van het kastje naar de muur gestuurd",
        "payload": '/inform_situation{"situation":"kastje_muur"}',
    },
]
MARKDOWN_SAMPLE = (
    "## Wat kunt u doen?\n"
    "Dit is **belangrijk** en dit **ook**; window.__name__ blijft tekst.\n"
    "Kijk op [de website van het CIZ](https://www.ciz.nl/bezwaar) of https://www.rijksoverheid.nl/zorg.\n"
    "Bel [088-789 10 00](tel:0887891000) of mail [het CIZ](mailto:info@ciz.nl).\n"
    "Niet klikbaar: [klik hier](javascript:window.__xss=3) en <b>geen html</b>.\n"
    "_Bron: de regelhulp, body_id bezwaar_ciz._"
)
# Snapshots of opschaling.render output (render_safety for huisarts_crisis, render_advice for an
# objection against a CIZ decision of 20 November 2026, seen on 1 December 2026).
CRISIS_TEXT = (
    "**Eerst uw veiligheid.**\n\n"
    "Bij acuut gevaar belt u 112. Denkt u aan zelfdoding, of maakt u zich daar zorgen over bij iemand anders? "
    "Bel dan 113 Zelfmoordpreventie: 113, of gratis 0800-0113. Voor dringende medische of psychische hulp belt u "
    "uw huisarts, of buiten kantoortijd de huisartsenpost. De huisarts kan de crisisdienst inschakelen.\n\n"
    "_Bron: Algemeen bekende veiligheidsinformatie, 'Veiligheid bij acuut gevaar'._"
)
SITUATION_QUESTION = "Waar loopt u tegenaan? Kies wat het beste past, of beschrijf het in uw eigen woorden."
LONG_ADVICE = (
    "**Uw volgende stap: Bezwaar maken bij het CIZ**\n\n"
    "Het besluit is van het CIZ (Wlz-indicatie). Tegen zo'n besluit maakt u eerst bezwaar bij het CIZ.\n\n"
    "**Wat doet het?** Het CIZ kijkt opnieuw naar zijn besluit. Het bezwaar wordt gegrond verklaard (dan wordt het "
    "besluit herroepen) of niet gegrond.\n\n"
    "**Wie kan dit doen?** U zelf, of iemand die u machtigt. Voor iemand onder de 18 doet de ouder of voogd het; "
    "een mentor of curator mag ook tekenen.\n\n"
    "**Hoe bereikt u ze?** Stuur een bezwaarschrift in het Nederlands naar het CIZ, per e-mail of per post. "
    "Website: www.ciz.nl Telefoon: 088-789 10 00 E-mail: info.bezwaarberoep@ciz.nl\n\n"
    "**Termijn:** U heeft 6 weken voor: bezwaarschrift indienen (gerekend vanaf de datum van het besluit). "
    "Dat is tot en met **1 januari 2027**. Nog 31 dagen.\n\n"
    "**Termijn:** Termijn voor de instantie: het CIZ beslist op uw bezwaar, binnen 6 weken (gerekend vanaf het "
    "einde van de bezwaartermijn). Dit kan soms 6 weken langer duren.\n\n"
    "**Wat kunt u voorbereiden?**\n"
    "- Zet in uw bezwaarschrift: uw naam en adres, de datum, de datum en het nummer van het besluit, waarom u het "
    "er niet mee eens bent, en uw handtekening.\n"
    "- Een cliëntondersteuner kan u gratis helpen met het bezwaar.\n\n"
    "**Helpt dit niet?** Dan is de volgende stap: Beroep bij de rechtbank. Wordt uw bezwaar niet gegrond verklaard "
    "en vindt u het besluit nog steeds niet juist? Dan kunt u in beroep gaan bij de rechtbank.\n\n"
    "**Hulp daarbij:** Cliëntondersteuner. Een cliëntondersteuner komt op voor uw belangen.\n\n"
    "**Hulp daarbij:** Juridisch Loket. Het Juridisch Loket helpt u gratis, bijvoorbeeld bij het maken van "
    "bezwaar.\n\n"
    "_Bron: Wie kan helpen passende zorg te organiseren? (regelhulp), 'Bezwaar maken'; Openbare bron (zie de "
    "link), '4. Bezwaar en beroep / CIZ (Wlz-indicatie)' "
    "(https://ciz.nl/client/veelgestelde-vragen-clienten/bezwaar-maken)._"
)

NUMBERS_SAMPLE = (
    "Bel 112 of belt u liever **113**? Artikel 112 en 113 keer blijven tekst.\n"
    "Datums blijven tekst: 01-12-2026, 2026-01-12 en 6 weken.\n"
    "Bel 0800-33 55 555 of 020 123 4567, kijk op www.nationaleombudsman.nl. Of mail naar info@ciz.nl. "
    "Bron: Openbare bron, 'Klachten'."
)


def opsw(kind: str) -> dict[str, Any]:
    """The opsw dict of docs/ARCHITECTURE.md: feedback only on advice and detail."""
    return {"kind": kind, "feedback": kind in ("advice", "detail")}


# One bot message: (text, buttons, opsw or None). A reply is a list of them.
Message = tuple[str, list[dict[str, str]], dict[str, Any] | None]


ERASE_REQUESTS = ("verwijder mijn gesprek", "wis mijn gegevens")


def erase_reply(works: bool = True) -> list[Message]:
    """The guard's answer to "verwijder mijn gesprek" (channels/guard.py, read there so the two
    cannot drift apart): ERASED_TEXT as kind "info", or ERASE_FAILED_TEXT as kind "error"."""
    from channels.guard import ERASE_FAILED_TEXT, ERASED_TEXT

    return [(ERASED_TEXT, [], opsw("info"))] if works else [(ERASE_FAILED_TEXT, [], opsw("error"))]


def replies_for(message: str) -> tuple[list[Message], float]:
    """(messages, delay in seconds) for a user message; no messages means no answer."""
    lower = message.lower()
    if lower.strip(" .!") in ERASE_REQUESTS:
        return erase_reply(), 0
    if lower.startswith("/feedback"):
        # as opschaling.dialogue answers it (the guard never leaves a message unanswered)
        return [("Dank u voor uw reactie.", [], opsw("notice"))], 0
    if lower.startswith("/restart"):
        return [], 0
    if lower == "/deny":
        return [
            (
                "De volgende stap is **bezwaar maken bij het CIZ**.\n"
                "Stuur binnen 6 weken na de datum van het besluit een bezwaarschrift.\n\n"
                "Meer informatie: [bezwaar maken bij het CIZ](https://www.ciz.nl/bezwaar).",
                [],
                opsw("advice"),
            )
        ], 0
    if lower == "/affirm":
        return [("Dan wacht u op de beslissing op uw bezwaar.", [], opsw("info"))], 0
    if lower.startswith("/inform_situation"):
        return [("Welke organisatie nam het besluit?", [], opsw("question"))], 0
    if "niet meer leven" in lower or lower == "crisis":
        # the crisis message first, in a message of its own; then the conversation goes on
        return [(CRISIS_TEXT, [], opsw("crisis")), (SITUATION_QUESTION, SITUATION_BUTTONS, opsw("question"))], 0
    if lower == "lang advies, langzaam":
        return [(LONG_ADVICE, [], opsw("advice"))], 1.5
    if lower == "lang advies" or "bezwaar maken" in lower:
        return [(LONG_ADVICE, [], opsw("advice"))], 0
    if "ciz" in lower:
        return [
            (
                "Ik begrijp dat u het niet eens bent met een besluit van het CIZ.\n\nHeeft u al bezwaar gemaakt?",
                CIZ_QUESTION_BUTTONS,
                opsw("question"),
            )
        ], 0
    if lower == "markdown":
        return [(MARKDOWN_SAMPLE, [], opsw("detail"))], 0
    if lower == "zonder opsw":  # Rasa's own socket.io channel: no opsw at all
        return [("Een antwoord zonder opsw.\n\nMet twee delen.", [], None)], 0
    if lower == "alleen eerste deel":  # opsw on the first event of a split text only
        return [
            ("Eerste deel van het advies.\n\nTweede deel van het advies.", [], {"first_only": True, **opsw("advice")})
        ], 0
    if lower == "nummers":
        return [(NUMBERS_SAMPLE, [], opsw("info"))], 0
    if lower == "langzaam":
        return [("Dit antwoord kwam langzaam.", [], opsw("info"))], 2.0
    return [("U schreef: " + message, [], opsw("info"))], 0


PAYLOAD = re.compile(r"^/(?P<intent>[^{@\s]+)(?P<entities>\{.*\})?$", re.S)


def dialogue_turn(message: str):
    """The opschaling.dialogue Turn for a widget message, as actions/turn.py builds it from
    Rasa's parse of a "/intent{json}" payload (no NLU here: typed text has no intent)."""
    from opschaling.dialogue import Turn

    match = PAYLOAD.match(message.strip())
    if not match:
        return Turn(text=message)
    entities: tuple[tuple[str, Any], ...] = ()
    if match.group("entities"):
        try:
            entities = tuple(json.loads(match.group("entities")).items())
        except ValueError:
            entities = ()
    return Turn(text=message, intent=match.group("intent"), entities=entities, payload=message)


class FakeRasa:
    """socket.io server on 127.0.0.1:<port>, run in a background thread with its own event loop.

    ``dialogue=True``: the answers come from the real ``opschaling.dialogue.respond`` (one state
    per session id, kept in ``states``) instead of the canned ``replies_for``.
    """

    def __init__(
        self, port: int, socketio_path: str = "socket.io", dialogue: bool = False, today: date | None = None
    ) -> None:
        self.port = port
        self.dialogue = dialogue
        self.today = today or date(2026, 12, 1)
        self.states: dict[str, Any] = {}
        self.socketio_path = socketio_path
        self.received: list[dict[str, Any]] = []
        self.reply_to_feedback = True  # False: feedback only gets the socket.io acknowledgement
        self.erase_works = True  # False: "verwijder mijn gesprek" gets the guard's error answer
        self.sessions_requested: list[str | None] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _make_app(self) -> web.Application:
        # cors_allowed_origins=[]: no Origin check at all (the test page is served on another port); the real
        # channel checks it against OPSW_CORS_ORIGINS (channels.socketio.OriginCheckedServer).
        sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=[])
        app = web.Application()
        sio.attach(app, socketio_path=self.socketio_path)

        async def health(_request: web.Request) -> web.Response:
            return web.json_response({"status": "ok"})

        app.router.add_get("/", health)

        @sio.on("session_request")
        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            data = data or {}
            session_id = data.get("session_id")
            self.sessions_requested.append(session_id)
            entered = sio.enter_room(sid, session_id)
            if inspect.isawaitable(entered):  # python-socketio >= 5.10
                await entered
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on("user_uttered")
        async def user_uttered(sid: str, data: dict[str, Any]) -> None:
            session_id = data.get("session_id")
            message = data.get("message", "")
            self.received.append(
                {"sid": sid, "session_id": session_id, "message": message, "metadata": data.get("metadata")}
            )
            if self.dialogue:
                messages, delay = self._dialogue(session_id, message), 0
            else:
                messages, delay = replies_for(message)
            if message.startswith("/feedback") and not self.reply_to_feedback:
                messages = []
            if message.lower().strip(" .!") in ERASE_REQUESTS:  # the guard answers, also in dialogue mode
                messages = erase_reply(self.erase_works)
                self.states.pop(session_id, None)
            if delay:
                await asyncio.sleep(delay)
            for text, buttons, meta in messages:
                await self._emit_message(sio, session_id, text, buttons, meta)

        return app

    def _dialogue(self, session_id: str, message: str) -> list[Message]:
        from opschaling.dialogue import respond

        reply = respond(self.states.get(session_id), dialogue_turn(message), today=self.today)
        self.states[session_id] = reply.state
        return [(m.text, list(m.buttons), {"kind": m.kind, "feedback": bool(m.feedback)}) for m in reply.messages]

    @staticmethod
    async def _emit_message(sio, room, text, buttons, meta) -> None:
        """Like channels/socketio.py: the text split on blank lines, buttons as quick_replies on the
        last part, opsw on every part with ``feedback`` only on the last one (``first_only``: opsw
        on the first part only, as another channel might do)."""
        meta = dict(meta) if meta else None
        first_only = bool(meta and meta.pop("first_only", False))
        parts = text.strip().split("\n\n")
        for i, part in enumerate(parts):
            payload: dict[str, Any] = {"text": part}
            if buttons:
                payload["quick_replies"] = (
                    [{"content_type": "text", **b} for b in buttons] if i == len(parts) - 1 else []
                )
            if meta is not None and first_only:
                if i == 0:
                    payload["opsw"] = meta
            elif meta is not None:
                payload["opsw"] = {**meta, "feedback": bool(meta.get("feedback")) and i == len(parts) - 1}
            await sio.emit("bot_uttered", payload, room=room)

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
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._start())
            except BaseException as exc:
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

    def messages_for(self, session_id: str) -> list[str]:
        return [m["message"] for m in self.received if m["session_id"] == session_id]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument("--dialogue", action="store_true", help="answers from opschaling.dialogue.respond")
    args = parser.parse_args()
    server = FakeRasa(args.port, dialogue=args.dialogue).start()
    print(f"fake Rasa socket.io server on {server.url} (Ctrl+C stops)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
