"""Fuzz the guarded channels (hypothesis): 1,000+ generated messages over REST and socket.io to
``rasa run`` with the tiny bot. Never a 5xx, always an answer, no restart but the widget's own ``/restart``, and the
conversation still works. What is sent: tests/fuzz/strategies.py (scripts/probe.py sends 10,000 of the same to a
running instance of the real assistant).

Runs derandomized (the same examples every run) and without a hypothesis database in the repo.
"""

import json
import threading
import time

import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts.probe import restarts_not_asked_for  # the probe counts the same thing on a running instance

from .strategies import BODY, JSON_VALUE, MESSAGE

WELKOM = "Welkom bij de Opschalingswijzer. Waar loopt u tegenaan?"
COMMON = dict(
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

REST_EXAMPLES = 600
SOCKET_EXAMPLES = 400


def test_fuzz_rest_messages_always_get_an_answer(guard_server):
    senders = [guard_server.new_sender("fuzz-rest") for _ in range(REST_EXAMPLES // 25 + 1)]
    seen = {"n": 0}

    @settings(max_examples=REST_EXAMPLES, **COMMON)
    @given(MESSAGE)
    def one(text):
        # a new conversation every 25 messages: Rasa replays the whole tracker on every turn
        sender = senders[min(seen["n"] // 25, len(senders) - 1)]
        seen["n"] += 1
        status, body = guard_server.post(json.dumps({"sender": sender, "message": text}).encode())
        assert status == 200, (status, body, text[:80])
        assert isinstance(body, list) and body and all(isinstance(m.get("text"), str) and m["text"] for m in body)
        assert all("opsw" in m for m in body)

    one()
    assert seen["n"] >= REST_EXAMPLES * 0.9
    for sender in senders[: seen["n"] // 25 + 1]:
        assert guard_server.send("hallo", sender)[0]["text"] == WELKOM
    assert restarts_not_asked_for(guard_server.db, senders) == []


def test_fuzz_rest_bodies_never_5xx(guard_server):
    @settings(max_examples=150, **COMMON)
    @given(st.one_of(BODY.map(lambda b: json.dumps(b).encode()), st.binary(max_size=60)))
    def one(raw):
        status, body = guard_server.post(raw)
        assert status in (200, 400), (status, body, raw[:80])
        if status == 400:
            assert body["error"]
        else:
            assert body and body[0]["text"]

    one()
    assert guard_server.send("hallo")[0]["text"] == WELKOM


def test_fuzz_socketio_messages_always_get_an_answer(guard_server):
    sio = socketio.Client(reconnection=False)
    got = []
    lock = threading.Lock()
    confirmed = []

    def on_bot(data):
        with lock:
            got.append(data)

    sio.on("bot_uttered", on_bot)
    sio.on("session_confirm", lambda data: confirmed.append(data))
    sio.connect(guard_server.url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=30)
    session = guard_server.new_sender("fuzz-sio")
    try:
        sio.emit("session_request", {"session_id": session})
        _wait(lambda: confirmed)

        data = st.one_of(
            MESSAGE.map(lambda m: {"session_id": session, "message": m}),
            st.fixed_dictionaries({"session_id": st.just(session), "message": MESSAGE, "metadata": JSON_VALUE}),
            JSON_VALUE.map(lambda v: {"session_id": session, "message": v}),
            JSON_VALUE,
        )

        @settings(max_examples=SOCKET_EXAMPLES, **COMMON)
        @given(data)
        def one(payload):
            with lock:
                before = len(got)
            sio.emit("user_uttered", payload)
            _wait(lambda: len(got) > before)
            with lock:
                assert got[-1].get("text"), got[-1]

        one()
        with lock:
            before = len(got)
        sio.emit("user_uttered", {"session_id": session, "message": "hallo"})
        _wait(lambda: any(m.get("text") == WELKOM for m in got[before:]))
    finally:
        sio.disconnect()


def _wait(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError("no answer in time")
