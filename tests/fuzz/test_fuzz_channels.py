"""Fuzz the guarded channels (hypothesis): 1,000+ generated messages over REST and socket.io to
``rasa run`` with the tiny bot. Never a 5xx, always an answer, and the conversation still works.

Runs derandomized (the same examples every run) and without a hypothesis database in the repo.
"""

import json
import threading
import time

import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WELKOM = "Welkom bij de Opschalingswijzer. Waar loopt u tegenaan?"
COMMON = dict(
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ANY_CHAR = st.characters(blacklist_categories=())  # includes lone surrogates and control characters
CONTROL = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.sampled_from("\x7f\u200b\u202e\u2066\ufeff")
PAYLOAD = st.builds(
    lambda name, tail: f"/{name}{tail}",
    st.sampled_from(
        [
            "inform",
            "restart",
            "greet",
            "geen_plek",
            "feedback",
            "human_handoff",
            "nlu_fallback",
            "acute_nood",
            "",
            "/",
            "session_start",
        ]
    ),
    st.one_of(
        st.just(""),
        st.dictionaries(
            st.sampled_from(["instantie", "wet", "leeftijd", "feedback", "x"]),
            st.one_of(st.text(max_size=12), st.integers(), st.none()),
            max_size=3,
        ).map(json.dumps),
        st.text(max_size=30),
    ),
)
HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "{{7*7}}",
        "${jndi:ldap://x/a}",
        "'; DROP TABLE events;--",
        '"/restart"',
        "[BSN]",
        "\\u0000",
        "%00",
        "../../etc/passwd",
        "ik wil niet meer leven",
        "verwijder mijn gesprek niet",
        "<b>vet</b>",
        "javascript:alert(1)",
    ]
)
HUGE = st.one_of(
    st.integers(3990, 4010).map(lambda n: "a" * n),
    st.integers(4001, 20000).map(lambda n: "zorg " * (n // 5)),
    st.just("x" * 100_000),
)
MESSAGE = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.text(CONTROL, max_size=20),
    PAYLOAD,
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=40), HOSTILE, st.text(ANY_CHAR, max_size=20)),
    HUGE,
    st.text(st.sampled_from("06123456789 -+bsnBSN@.nl"), max_size=40),
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


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(ANY_CHAR, max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
BODY = st.one_of(
    JSON_VALUE,
    st.fixed_dictionaries({"sender": JSON_VALUE, "message": JSON_VALUE}),
    st.fixed_dictionaries({"sender": st.just("fuzz-body"), "message": MESSAGE, "metadata": JSON_VALUE}),
)


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
