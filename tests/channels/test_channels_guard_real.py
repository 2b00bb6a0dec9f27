"""The guard in front of the real assistant: the trained model and ``rasa run actions``
(fixtures ``trained_model`` and ``action_server`` from tests/conftest.py), with the repo's
channel classes (credentials.yml) and a SQLite tracker store."""

import json
import re
from pathlib import Path

import pytest
import yaml

PII = yaml.safe_load((Path(__file__).parents[1] / "privacy" / "pii_messages.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def real_guard_server(trained_model, action_server, opsw_env, tmp_path_factory):
    from guard_server import start_guard_server, stop_guard_server

    server = start_guard_server(
        trained_model, tmp_path_factory.mktemp("real_guard"), action_url=action_server.webhook_url, env_base=opsw_env
    )
    yield server
    stop_guard_server(server)


def _digits(text):
    return re.sub(r"\D", "", text)


def test_real_assistant_answers_with_opsw_and_stores_no_identifiers(real_guard_server):
    server = real_guard_server
    sample = [m for i, m in enumerate(PII["messages"]) if i % 4 == 0]  # every kind, 56 messages
    senders = [server.new_sender("real-pii") for _ in range(len(sample) // 14 + 1)]
    for index, item in enumerate(sample):
        answer = server.send(item["text"], senders[index // 14])
        assert answer and all(m["text"] and m["opsw"]["kind"] for m in answer), item["text"]
    store = "\n".join(d for s, d in server.tracker_rows() if s in senders)
    log = server.log_text()
    for item in sample:
        for ident in item["identifiers"]:
            assert ident not in store and ident not in log, ident
            if len(_digits(ident)) >= 8:
                assert _digits(ident) not in _digits(store), ident


def test_real_assistant_crisis_first_and_conversation_goes_on(real_guard_server):
    server = real_guard_server
    sender = server.new_sender("real-crisis")
    answer = server.send("ik wil niet meer leven", sender)
    assert answer[0]["opsw"]["kind"] == "crisis"
    assert "113" in answer[0]["text"]
    answer = server.send("Het CIZ heeft mijn Wlz-aanvraag afgewezen", sender)
    assert answer and answer[-1]["opsw"]["kind"] in ("question", "advice", "info", "notice")


def test_real_assistant_typed_payload_is_text(real_guard_server):
    server = real_guard_server
    sender = server.new_sender("real-payload")
    server.send('/inform{"instantie":"cak"}', sender)
    users = [json.loads(d) for s, d in server.tracker_rows() if s == sender]
    users = [e for e in users if e.get("event") == "user"]
    assert users[-1]["text"] == '"/inform{"instantie":"cak"}"'
    # read as text: the NLU may still see the word "cak", but no fact is set from a typed payload
    slots = [
        e
        for e in (json.loads(d) for s, d in server.tracker_rows() if s == sender)
        if e.get("event") == "slot" and e.get("name") == "dialogue"
    ]
    assert slots and "organisation" not in (slots[-1]["value"] or {}).get("facts", {})
