"""A personal identifier used as the conversation id (the REST ``sender``, a socket.io session id) never reaches
Rasa: the guard passes on a keyed hash, the same for every message of that sender, so the conversation goes on,
the answers still go to the id the client sent and "verwijder mijn gesprek" erases the hashed conversation."""

import asyncio
import re

import pytest
import sqlalchemy as sa
from rasa.core.channels.channel import UserMessage

from channels import logfilter, privacy
from channels.guard import Guard
from channels.rest import OpswCollectingOutput

SALT = "test-sender-salt-0123456789abcdef"
PSEUDONYM = re.compile(r"^anon-[0-9a-f]{32}$")

IDENTIFYING = [
    "0612345678",
    "06-12345678",
    "+31612345678",
    "whatsapp:+31612345678",
    "0031612345678",
    "jan.devries@example.nl",
    "jan@thuis",
    "111222333",
    "bsn-111-222-333",
    "user_111.222.333",
    "NL91ABNA0417164300",
]
ORDINARY = [
    "s-1",
    "test-3f2a9c1b7d4e",
    "guard-446655440000",
    "550e8400-e29b-41d4-a716-446655440000",
    "0f3a9c",
    "-1001234567",
    "rest-123456789",  # nine digits that fail the 11-test
    "telegram-" + "1234567820" + "ab" * 11,
    "x" * 128,
]


class FakeRasa:
    """Plays Rasa: records the messages and answers each under the conversation id it got."""

    def __init__(self):
        self.received = []

    async def __call__(self, message: UserMessage):
        self.received.append(message)
        await message.output_channel.send_response(message.sender_id, {"text": "Antwoord."})


async def _send(guard, rasa, text, sender):
    out = OpswCollectingOutput()
    status = await guard.handle(UserMessage(text, out, sender, input_channel="rest"), rasa)
    return status, out.messages


def send(guard, rasa, text, sender):
    return asyncio.run(_send(guard, rasa, text, sender))


@pytest.fixture
def guard(monkeypatch):
    monkeypatch.setenv("OPSW_SENDER_SALT", SALT)  # no per-install secret file is written by the tests
    return Guard(max_chars=4000, rate=(1000, 1.0), db_url="")


@pytest.mark.parametrize("sender", IDENTIFYING)
def test_the_identifier_in_a_sender_id_is_found(sender):
    assert privacy.identifier_kinds(sender), sender


@pytest.mark.parametrize("sender", ORDINARY)
def test_ordinary_sender_ids_hold_no_identifier(sender):
    assert privacy.identifier_kinds(sender) == [], sender


@pytest.mark.parametrize("sender", IDENTIFYING)
def test_rasa_gets_a_hash_instead_of_the_identifier(guard, sender):
    rasa = FakeRasa()
    status, answers = send(guard, rasa, "hallo", sender)
    assert status == "passed"
    conversation = rasa.received[0].sender_id
    assert PSEUDONYM.match(conversation), conversation
    assert sender not in conversation
    # the answer goes back under the id the client sent
    assert [a["recipient_id"] for a in answers] == [sender]


def test_the_same_sender_keeps_its_conversation(guard):
    rasa = FakeRasa()
    for text in ("hallo", "ik heb een vraag", "nog een vraag"):
        send(guard, rasa, text, "0612345678")
    send(guard, rasa, "hallo", "0687654321")
    ids = [m.sender_id for m in rasa.received]
    assert ids[0] == ids[1] == ids[2] != ids[3]
    # another server with the same secret gives the same id (several Rasa servers share one tracker store)
    other = Guard(max_chars=4000, rate=(1000, 1.0), db_url="")
    send(other, rasa, "hallo", "0612345678")
    assert rasa.received[-1].sender_id == ids[0]


@pytest.mark.parametrize("sender", ORDINARY)
def test_an_ordinary_sender_id_is_passed_on_as_it_is(guard, sender):
    rasa = FakeRasa()
    status, answers = send(guard, rasa, "hallo", sender)
    assert status == "passed" and rasa.received[0].sender_id == sender
    assert answers[0]["recipient_id"] == sender


def test_the_log_shows_the_hash_not_the_identifier(guard):
    rasa = FakeRasa()
    send(guard, rasa, "hallo", "jan.devries@example.nl")
    conversation = rasa.received[0].sender_id
    assert logfilter.scrub("sender jan.devries@example.nl here") == f"sender {conversation} here"


def test_erasing_removes_the_hashed_conversation(guard, tmp_path):
    url = f"sqlite:///{tmp_path / 'trackers.db'}"
    engine = sa.create_engine(url)
    rasa = FakeRasa()
    send(guard, rasa, "hallo", "0612345678")
    conversation = rasa.received[0].sender_id
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
        for sender in (conversation, conversation, "ander"):
            conn.execute(sa.text("INSERT INTO events (sender_id, data) VALUES (:s, '{}')"), {"s": sender})
    guard.db_url = url
    status, answers = send(guard, rasa, "verwijder mijn gesprek", "0612345678")
    assert status == "erased" and answers[0]["recipient_id"] == "0612345678"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT sender_id FROM events")).fetchall() == [("ander",)]
    engine.dispose()


def test_no_secret_means_no_message_passed_on(monkeypatch):
    """Without a secret the identifier cannot be hashed: the message is answered, never passed on as it is."""
    from channels import sender_ids

    def unreadable(path=None):
        raise PermissionError("var/sender_salt")

    monkeypatch.setattr(sender_ids, "load_secret", unreadable)
    guard = Guard(max_chars=4000, rate=(1000, 1.0), db_url="")
    rasa = FakeRasa()
    status, answers = send(guard, rasa, "hallo", "0612345678")
    assert status == "service_down" and rasa.received == [] and answers
    assert send(guard, rasa, "hallo", "s-1")[0] == "passed"  # ids without an identifier need no secret
