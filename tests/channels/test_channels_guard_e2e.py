"""The guard end to end: ``rasa run`` with the tiny bot, the repo's channel classes, a SQLite
tracker store and a fake action server (tests/channels/guard_server.py)."""

import json
import re
import uuid
from pathlib import Path

import pytest
import socketio
import yaml
from guard_server import ACTION_OPSW, ACTION_TEXT

PII = yaml.safe_load((Path(__file__).parents[1] / "privacy" / "pii_messages.yml").read_text(encoding="utf-8"))
WELKOM = "Welkom bij de Opschalingswijzer. Waar loopt u tegenaan?"
DEFAULT = "Sorry, dat begrijp ik niet. Kunt u het anders zeggen?"
SERVICE_DOWN = "Storing: ik kan u nu niet helpen."


def _digits(text):
    return re.sub(r"\D", "", text)


def test_pii_never_reaches_the_tracker_store_or_the_log(guard_server):
    # 40 messages per conversation (Rasa replays the whole tracker on every turn)
    senders = [guard_server.new_sender("pii") for _ in range(len(PII["messages"]) // 40 + 1)]
    for index, item in enumerate(PII["messages"]):
        answer = guard_server.send(item["text"], senders[index // 40])
        assert answer and answer[0]["text"], item["text"]
    # the conversations still work
    for sender in senders:
        answer = guard_server.send("hallo", sender)
        assert answer[0]["text"] == WELKOM
        assert answer[0]["opsw"] == {"kind": "info", "feedback": False}

    rows = guard_server.tracker_rows()
    store = "\n".join(data for sid, data in rows if sid in senders)
    assert store, "the conversation is stored"
    store_digits = _digits(store)
    log = guard_server.log_text()
    assert "[BSN]" in store and "[telefoonnummer]" in store  # masked text was stored
    for item in PII["messages"]:
        for ident in item["identifiers"]:
            for where, text in (("tracker store", store), ("rasa.log", log)):
                assert ident not in text and json.dumps(ident)[1:-1] not in text, (where, ident)
            digits = _digits(ident)
            if len(digits) >= 8:
                assert digits not in store_digits, ("tracker store", ident)


@pytest.mark.parametrize(
    "body,code",
    [
        (b"[1, 2, 3]", "not_object"),
        (b'"hallo"', "not_object"),
        (b"{niet json", "not_json"),
        (b"", "not_json"),
        (b'{"sender": "s-1"}', "no_message"),
        (b'{"sender": "s-1", "message": 12}', "no_message"),
        (b'{"sender": "s-1", "message": null}', "no_message"),
        (b'{"sender": "s-1", "message": ["a"]}', "no_message"),
        (b'{"message": "hallo"}', "no_sender"),
        (b'{"sender": "a b", "message": "hallo"}', "no_sender"),
        (json.dumps({"sender": "x" * 129, "message": "hallo"}).encode(), "no_sender"),
    ],
)
def test_bad_rest_bodies_get_400_with_a_dutch_error(guard_server, body, code):
    status, answer = guard_server.post(body)
    assert status == 400
    assert answer["code"] == code and answer["error"]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"sender": "s-1", "message": "hallo", "metadata": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        b'{"sender": "s-1", "message": "[[[[ hallo"}' + b" " * 10,
    ],
    ids=["nested-body", "nested-metadata", "brackets-in-a-string"],
)
def test_deeply_nested_json_gets_400_not_500(guard_server, body):
    status, answer = guard_server.post(body)
    if b"metadata" in body or body.startswith(b"["):
        assert status == 400 and answer["code"] == "too_deep"
    else:  # brackets inside a string are text, not nesting
        assert status == 200 and answer


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_only_json_is_accepted_so_no_other_site_posts_without_a_preflight(guard_server, content_type):
    status, answer = guard_server.post(b'{"sender": "s-1", "message": "hallo"}', content_type=content_type)
    assert status == 415 and answer["code"] == "not_json_type"


def test_empty_and_control_only_messages_get_an_answer(guard_server):
    for text in ("", "   ", "\u0000\u0007", "\u200b"):
        answer = guard_server.send(text)
        assert "geen tekst" in answer[0]["text"]


def test_over_long_message_is_refused_with_the_dutch_answer(guard_server):
    answer = guard_server.send("zorg" * 25000)
    assert answer[0]["text"] == (
        "Uw bericht is te lang (100000 tekens). Schrijf het in kortere stukken van hoogstens 4000 tekens."
    )


def test_typed_payloads_are_not_trusted_offered_ones_are(guard_server):
    sender = guard_server.new_sender("payload")
    guard_server.send('/inform{"instantie":"cak"}', sender)
    guard_server.send("/geen_plek", sender)  # not offered yet: text, not the intent
    tracker_users = [json.loads(d) for s, d in guard_server.tracker_rows() if s == sender]
    users = [e for e in tracker_users if e.get("event") == "user"]
    assert [u["text"] for u in users] == ['"/inform{"instantie":"cak"}"', '"/geen_plek"']
    assert all(u["parse_data"]["intent"].get("name") != "geen_plek" for u in users)
    assert all(not u["parse_data"]["entities"] for u in users)

    welcome = guard_server.send("hallo", sender)
    assert [b["payload"] for b in welcome[0]["buttons"]][1] == "/geen_plek"
    answer = guard_server.send("/geen_plek", sender)  # offered now: the button payload
    assert answer[0]["text"] == "Vindt u geen plek? Vraag het zorgkantoor om zorgbemiddeling."


def test_trace_metadata_only(guard_server):
    sender = guard_server.new_sender("meta")
    guard_server.send("hallo", sender, metadata={"trace": True, "intent": "x", "role": "bsn 123456782"})
    users = [json.loads(d) for s, d in guard_server.tracker_rows() if s == sender]
    users = [e for e in users if e.get("event") == "user"]
    meta = {k: v for k, v in users[-1]["metadata"].items() if k not in ("assistant_id", "model_id")}
    assert meta == {"trace": True}  # Rasa adds assistant_id and model_id itself


def test_action_server_down_gives_service_down_and_the_conversation_goes_on(guard_server):
    sender = guard_server.new_sender("down")
    answer = guard_server.send("testactie", sender)
    assert answer[0]["text"] == ACTION_TEXT and answer[0]["opsw"] == ACTION_OPSW
    guard_server.actions.stop()
    try:
        for text in ("testactie", "ik wil niet meer leven testactie"):
            answer = guard_server.send(text, sender)
            assert len(answer) == 1 and answer[0]["text"].startswith(SERVICE_DOWN)
            assert answer[0]["opsw"]["kind"] == "error"
    finally:
        guard_server.actions.start()
    answer = guard_server.send("testactie", sender)
    assert answer[0]["text"] == ACTION_TEXT
    assert guard_server.send("hallo", sender)[0]["text"] == WELKOM


def test_erase_my_conversation_deletes_it_from_the_tracker_store(guard_server):
    sender = guard_server.new_sender("erase")
    guard_server.send("hallo", sender)
    assert any(s == sender for s, _ in guard_server.tracker_rows())
    answer = guard_server.send("verwijder mijn gesprek", sender)
    assert answer[0]["text"].startswith("Uw gesprek is verwijderd.")
    assert not any(s == sender for s, _ in guard_server.tracker_rows())
    assert guard_server.send("hallo", sender)[0]["text"] == WELKOM


@pytest.mark.parametrize("kind", ["phone", "e-mail", "bsn"])
def test_an_identifier_as_rest_sender_is_stored_only_as_a_hash(guard_server, kind):
    """The REST ``sender`` is Rasa's ``sender_id``, the tracker store's key: an identifier there is hashed before
    Rasa sees it, the same hash for every message (the conversation goes on), the answers still name the sender."""
    digits = uuid.uuid4().int
    sender = {
        "phone": f"06{digits % 10**8:08d}",
        "e-mail": f"jan.{digits % 10**6}@example.nl",
        "bsn": "111-222-333",
    }[kind]
    first = guard_server.send("hallo", sender)
    second = guard_server.send("testactie", sender)
    assert first[0]["text"] == WELKOM and second[0]["text"] == ACTION_TEXT
    assert {m["recipient_id"] for m in first + second} == {sender}
    rows = guard_server.tracker_rows()
    assert not any(sender in sid or sender in data for sid, data in rows)
    if kind != "e-mail":
        assert not any(_digits(sender) in _digits(sid) for sid, _ in rows)
    ids = {sid for sid, data in rows if '"text": "testactie"' in data or '"text":"testactie"' in data}
    hashed = {sid for sid in ids if re.fullmatch(r"anon-[0-9a-f]{32}", sid)}
    assert hashed, ids
    users = [json.loads(d) for s, d in rows if s in hashed]
    texts = [u["text"] for u in users if u.get("event") == "user"]
    assert texts[-2:] == ["hallo", "testactie"]  # both messages in one conversation
    assert sender not in guard_server.log_text()
    assert guard_server.send("verwijder mijn gesprek", sender)[0]["text"].startswith("Uw gesprek is verwijderd.")
    assert texts and not any(s in hashed for s, _ in guard_server.tracker_rows())


def test_typed_payload_and_failing_message_are_not_logged_in_full(guard_server):
    secret = '/inform{"instantie":"cak","notitie":"geheime-notitie-8d1f"}'
    guard_server.send(secret)
    assert "geheime-notitie-8d1f" not in guard_server.log_text()


def test_socketio_answers_with_opsw_and_answers_bad_input(guard_server):
    sio = socketio.Client(reconnection=False)
    got = []
    confirmed = []
    sio.on("bot_uttered", lambda data: got.append(data))
    sio.on("session_confirm", lambda data: confirmed.append(data))
    sio.connect(guard_server.url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=30)
    try:
        sio.emit("session_request", {"session_id": "guard-sio-1"})
        _wait(lambda: confirmed)
        sio.emit("user_uttered", {"session_id": "guard-sio-1", "message": "hallo"})
        _wait(lambda: got)
        assert got[0]["text"] == WELKOM and got[0]["opsw"] == {"kind": "info", "feedback": False}
        assert got[0]["quick_replies"][1]["payload"] == "/geen_plek"
        for bad in (
            ["lijst"],
            "tekst",
            {"session_id": "guard-sio-1", "message": 5},
            {"message": "geen sessie"},
            {"session_id": "guard-sio-1", "message": "a" * 5000},
        ):
            before = len(got)
            sio.emit("user_uttered", bad)
            _wait(lambda: len(got) > before)
            assert got[-1]["text"]
    finally:
        sio.disconnect()


def test_callback_channel_is_guarded_and_carries_opsw(guard_server):
    status, body = guard_server.post(b"[]", path="/webhooks/callback/webhook")
    assert status == 400 and body["code"] == "not_object"
    sender = guard_server.new_sender("callback")
    payload = json.dumps({"sender": sender, "message": "hallo, bel mij op 0612345678"}).encode()
    status, body = guard_server.post(payload, path="/webhooks/callback/webhook")
    assert status == 200 and body == "success"

    def answers():
        with guard_server.collector.lock:
            return [m for m in guard_server.collector.messages if m.get("recipient_id") == sender]

    _wait(answers)
    assert answers()[0]["text"] == WELKOM and answers()[0]["opsw"] == {"kind": "info", "feedback": False}
    users = [json.loads(d) for s, d in guard_server.tracker_rows() if s == sender]
    assert [e["text"] for e in users if e.get("event") == "user"] == ["hallo, bel mij op [telefoonnummer]"]


def _wait(predicate, timeout=60.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("no answer in time")
