"""The socket.io channel (channels/socketio.py), in-process with a fake Rasa behind the guard (issue 17).

* Only the configured origins (``OPSW_CORS_ORIGINS``) get a socket.io connection: a raw WebSocket (or a long-polling
  request) with ``Origin: http://evil.example`` is refused before the handshake.
* A conversation (session id) belongs to the live connection that asked for it first: a second connection with the
  same id gets no ``session_confirm`` and none of the first one's answers; it is told why and gets the session as
  soon as the first connection is gone (what the widget in web/ does after a page reload or in a second tab).
"""

import asyncio
import json

import aiohttp
import pytest
from channel_fakes import channel_app, wait_until

from channels import socketio as socketio_channel
from channels.socketio import SessionHolders, SocketIOInput, origin_key
from opschaling.catalogue import load_catalogue

PAGE = "http://chat.example.nl:8080"
IN_USE = load_catalogue().text("session_in_use")


@pytest.fixture(autouse=True)
def settings(monkeypatch):
    monkeypatch.setenv("OPSW_CORS_ORIGINS", f"{PAGE}, https://hulp.example.nl:443/")
    monkeypatch.setattr(socketio_channel, "IN_USE_NOTICE_SECONDS", 0.2)


class Echo:
    """Plays Rasa: answers every message to its conversation."""

    def __init__(self):
        self.received = []

    async def __call__(self, message):
        self.received.append((message.sender_id, message.text))
        await message.output_channel.send_text_message(
            message.sender_id, f"antwoord op {message.text}", opsw={"kind": "info"}
        )


def run(coro):
    return asyncio.run(coro)


def sio_channel():
    return SocketIOInput(user_message_evt="user_uttered", bot_message_evt="bot_uttered", session_persistence=True)


class Client:
    """A socket.io client by hand over a raw WebSocket (engine.io 4 packets), with the given ``Origin`` header.
    (python-socketio's AsyncClient needs a newer aiohttp than Rasa 3.6 allows.)"""

    def __init__(self):
        self.got = []  # bot_uttered payloads
        self.confirmed = []  # session_confirm payloads
        self._http = None
        self._ws = None
        self._reader = None

    async def connect(self, base, origin=None):
        url = base.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self._http = aiohttp.ClientSession()
        try:
            self._ws = await self._http.ws_connect(url, origin=origin)
            assert (await self._ws.receive_str()).startswith("0")  # engine.io open
            await self._ws.send_str("40")
            assert (await self._ws.receive_str()).startswith("40")  # socket.io connect
        except BaseException:
            await self._http.close()
            raise
        self._reader = asyncio.ensure_future(self._read())
        return self

    async def _read(self):
        async for message in self._ws:
            packet = message.data
            if packet == "2":
                await self._ws.send_str("3")  # pong
            elif isinstance(packet, str) and packet.startswith("42"):
                event, data = json.loads(packet[2:])
                {"bot_uttered": self.got, "session_confirm": self.confirmed}.get(event, []).append(data)

    async def emit(self, event, data):
        await self._ws.send_str("42" + json.dumps([event, data]))

    async def disconnect(self):
        await self._ws.close()
        await self._reader
        await self._http.close()

    def texts(self):
        return [m["text"] for m in self.got]


# --- origins ---------------------------------------------------------------------------------


async def raw_chat(base, origin, session="raw-1", text="hallo"):
    """Ask for a session and send one message; the answer's text."""
    client = await Client().connect(base, origin)
    try:
        await client.emit("session_request", {"session_id": session})
        await client.emit("user_uttered", {"session_id": session, "message": text})
        await wait_until(lambda: client.got, timeout=10)
        return client.got[0]["text"]
    finally:
        await client.disconnect()


def test_a_raw_websocket_from_another_site_is_refused_before_the_handshake():
    async def scenario():
        rasa = Echo()
        async with channel_app([sio_channel()], rasa) as base:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await raw_chat(base, "http://evil.example")
            assert refused.value.status == 400
            async with aiohttp.ClientSession() as http:
                polling = f"{base}/socket.io/?EIO=4&transport=polling"
                async with http.get(polling, headers={"Origin": "http://evil.example"}) as r:
                    assert r.status == 400
                async with http.get(polling, headers={"Origin": PAGE}) as r:
                    assert r.status == 200
            assert rasa.received == []

    run(scenario())


@pytest.mark.parametrize("origin", [PAGE, "https://hulp.example.nl", None])
def test_the_web_page_origin_and_clients_without_an_origin_chat(origin):
    async def scenario():
        async with channel_app([sio_channel()], Echo()) as base:
            assert await raw_chat(base, origin) == "antwoord op hallo"

    run(scenario())


def test_origins_compare_as_browsers_send_them():
    assert origin_key("HTTPS://Hulp.Example.nl:443/") == "https://hulp.example.nl"
    assert origin_key("http://localhost:80") == "http://localhost"
    assert origin_key("http://localhost:8080") == "http://localhost:8080"
    assert origin_key("https://a.nl:80") == "https://a.nl:80"


# --- one connection per conversation ---------------------------------------------------------


def test_a_second_connection_with_the_same_session_gets_nothing_of_the_first_and_waits():
    async def scenario():
        rasa = Echo()
        async with channel_app([sio_channel()], rasa) as base:
            first = await Client().connect(base)
            await first.emit("session_request", {"session_id": "gesprek-1"})
            await wait_until(lambda: first.confirmed == ["gesprek-1"])

            second = await Client().connect(base)
            await second.emit("session_request", {"session_id": "gesprek-1"})
            await wait_until(lambda: second.got)  # told why, after IN_USE_NOTICE_SECONDS
            assert second.got == [{"text": IN_USE, "opsw": {"kind": "notice", "feedback": False}}]
            assert second.confirmed == []

            await first.emit("user_uttered", {"session_id": "gesprek-1", "message": "mijn verhaal"})
            await wait_until(lambda: "antwoord op mijn verhaal" in first.texts())
            # the second one types anyway (the widget does not: it waits for its session_confirm)
            await second.emit("user_uttered", {"session_id": "gesprek-1", "message": "van de tweede"})
            await wait_until(lambda: len(second.got) == 2)
            assert second.texts() == [IN_USE, IN_USE] and second.got[1]["opsw"]["kind"] == "error"
            assert rasa.received == [("gesprek-1", "mijn verhaal")]

            # the first one goes (tab closed): the waiting one gets the conversation
            await first.disconnect()
            await wait_until(lambda: second.confirmed == ["gesprek-1"])
            await second.emit("user_uttered", {"session_id": "gesprek-1", "message": "nu ik"})
            await wait_until(lambda: "antwoord op nu ik" in second.texts())
            await second.disconnect()

    run(scenario())


def test_without_a_session_request_a_held_session_is_not_taken():
    async def scenario():
        rasa = Echo()
        async with channel_app([sio_channel()], rasa) as base:
            owner = await Client().connect(base)
            await owner.emit("session_request", {"session_id": "gesprek-2"})
            await wait_until(lambda: owner.confirmed)
            other = await Client().connect(base)
            await other.emit("user_uttered", {"session_id": "gesprek-2", "message": "ik lees mee"})
            await wait_until(lambda: other.got)
            await owner.emit("user_uttered", {"session_id": "gesprek-2", "message": "van mij"})
            await wait_until(lambda: "antwoord op van mij" in owner.texts())
            await asyncio.sleep(0.3)
            assert other.texts() == [IN_USE]
            assert rasa.received == [("gesprek-2", "van mij")]
            for client in (owner, other):
                await client.disconnect()

    run(scenario())


def test_a_page_reload_gets_its_conversation_back_and_a_new_chat_frees_the_old_one():
    async def scenario():
        async with channel_app([sio_channel()], Echo()) as base:
            page = await Client().connect(base)
            await page.emit("session_request", {"session_id": "gesprek-3"})
            await wait_until(lambda: page.confirmed)
            await page.disconnect()  # reload: the old connection goes, the new one asks for the stored id
            reloaded = await Client().connect(base)
            await reloaded.emit("session_request", {"session_id": "gesprek-3"})
            await wait_until(lambda: reloaded.confirmed == ["gesprek-3"])
            await reloaded.emit("user_uttered", {"session_id": "gesprek-3", "message": "verder"})
            await wait_until(lambda: "antwoord op verder" in reloaded.texts())

            # a second tab waits for gesprek-3; "Nieuw gesprek" in the first asks for a new id and frees gesprek-3
            tab = await Client().connect(base)
            await tab.emit("session_request", {"session_id": "gesprek-3"})
            await reloaded.emit("session_request", {"session_id": "gesprek-4"})
            await wait_until(lambda: reloaded.confirmed[-1] == "gesprek-4" and tab.confirmed == ["gesprek-3"])
            for client in (reloaded, tab):
                await client.disconnect()

    run(scenario())


def test_session_holders_hand_a_session_on_in_order_and_forget_a_holder_that_is_gone():
    live = {"a", "b", "c"}
    holders = SessionHolders(lambda sid: sid in live)
    assert holders.request("a", "s") == (True, [])
    assert holders.request("b", "s") == (False, [])
    assert holders.request("c", "s") == (False, [])
    assert holders.release("a") == [("s", "b")]
    assert holders.session_of("b") == "s" and holders.waits_for("c") == "s"
    live.discard("b")  # gone, its disconnect not handled yet
    assert holders.request("c", "s") == (True, [])
    assert holders.session_of("b") is None and holders.release("b") == []
    assert holders.release("c") == [] and holders.request("a", "s") == (True, [])
