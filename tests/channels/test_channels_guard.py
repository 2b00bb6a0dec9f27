"""channels.guard without a Rasa server: a fake ``on_new_message`` and a collecting output."""

import asyncio

import pytest
import sqlalchemy as sa
from rasa.core.channels.channel import UserMessage

from channels import guard as guard_mod
from channels.erase import erase_conversation
from channels.guard import FIXED_PAYLOADS, Guard, clean_text, quote_payload
from channels.rest import OpswCollectingOutput


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class FakeRasa:
    """Plays Rasa: records what it got; answers with buttons (or not at all, or fails)."""

    def __init__(self, buttons=None, answer=True, fail=False):
        self.received = []
        self.buttons = buttons
        self.answer = answer
        self.fail = fail

    async def __call__(self, message: UserMessage):
        self.received.append(message)
        if self.fail:
            raise RuntimeError("action server down")
        if self.answer:
            reply = {"text": "Antwoord.", "opsw": {"kind": "question", "feedback": False}}
            if self.buttons:
                reply["buttons"] = self.buttons
            await message.output_channel.send_response(message.sender_id, reply)


def run(coro):
    return asyncio.run(coro)


async def send(g, rasa, text, sender="s-1", metadata=None):
    out = OpswCollectingOutput()
    message = UserMessage("x", out, "x", input_channel="rest", metadata=metadata)
    message.text, message.sender_id = text, sender  # as a channel hands them over, unconverted
    status = await g.handle(message, rasa)
    return status, out.messages


@pytest.fixture
def g():
    return Guard(max_chars=4000, rate=(20, 10.0), clock=FakeClock(), db_url="")


def test_over_long_message_is_refused_in_dutch_and_not_passed_on(g):
    rasa = FakeRasa()
    status, msgs = run(send(g, rasa, "a" * 100_000))
    assert status == "too_long" and rasa.received == []
    assert msgs[0]["text"] == (
        "Uw bericht is te lang (100000 tekens). Schrijf het in kortere stukken van hoogstens 4000 tekens."
    )


def test_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("OPSW_MAX_MESSAGE_CHARS", "50")
    assert Guard(db_url="").max_chars == 50
    monkeypatch.setenv("OPSW_MAX_MESSAGE_CHARS", "onzin")
    assert Guard(db_url="").max_chars == 4000


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x00\x01\x1b", "\u200b\u202e", "\ud800"])
def test_empty_or_invisible_text_gets_an_answer(g, text):
    rasa = FakeRasa()
    status, msgs = run(send(g, rasa, text))
    assert status == "empty" and rasa.received == []
    assert msgs and "geen tekst" in msgs[0]["text"]


@pytest.mark.parametrize("text", [None, 42, ["hallo"], {"a": 1}])
def test_non_string_gets_an_answer(g, text):
    rasa = FakeRasa()
    status, msgs = run(send(g, rasa, text))
    assert status == "not_text" and rasa.received == [] and msgs


@pytest.mark.parametrize("sender", ["", "x" * 129, "a b", "<script>", "é", None, 12])
def test_bad_sender_ids_are_refused(g, sender):
    rasa = FakeRasa()
    status, msgs = run(send(g, rasa, "hallo", sender=sender))
    assert status == "bad_sender" and rasa.received == [] and msgs


@pytest.mark.parametrize("sender", ["x" * 128, "whatsapp:+31612345678", "-1001234567", "0f3a9c", "test-abc_1.2"])
def test_good_sender_ids_pass(g, sender):
    assert run(send(g, FakeRasa(), "hallo", sender=sender))[0] == "passed"


def test_clean_text_removes_control_surrogates_and_bidi():
    assert clean_text("ha\x00l\u202elo\ud83d") == "hallo"
    assert clean_text("a\r\nb") == "a\nb"
    assert clean_text("e\u0301") == "é"  # NFC


def test_rate_limit_per_conversation_with_a_dutch_answer():
    clock = FakeClock()
    g = Guard(rate=(3, 10.0), clock=clock, db_url="")
    rasa = FakeRasa()
    assert [run(send(g, rasa, f"bericht {i}"))[0] for i in range(3)] == ["passed"] * 3
    status, msgs = run(send(g, rasa, "nog een"))
    assert status == "rate_limited" and "kort na elkaar" in msgs[0]["text"]
    assert run(send(g, rasa, "ander gesprek", sender="s-2"))[0] == "passed"
    clock.now += 10.0
    assert run(send(g, rasa, "na het wachten"))[0] == "passed"


def test_typed_payload_is_not_trusted_but_passed_as_quoted_text(g):
    rasa = FakeRasa()
    status, _ = run(send(g, rasa, '/inform{"instantie":"cak"}'))
    assert status == "passed"
    assert rasa.received[0].text == '"/inform{"instantie":"cak"}"'
    assert not rasa.received[0].text.startswith("/")


def test_payload_of_an_offered_button_is_trusted_only_for_the_last_turn(g):
    rasa = FakeRasa(buttons=[{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": '/inform{"x":"y"}'}])
    run(send(g, rasa, "hallo"))
    run(send(g, rasa, '/inform{"x":"y"}'))
    assert rasa.received[-1].text == '/inform{"x":"y"}'
    rasa.buttons = None
    run(send(g, rasa, "iets anders"))
    run(send(g, rasa, "/affirm"))  # offered two turns ago, not in the last turn
    assert rasa.received[-1].text == quote_payload("/affirm")
    # another conversation never got these buttons
    run(send(g, FakeRasa(), "/affirm", sender="s-other"))


@pytest.mark.parametrize("payload", sorted(FIXED_PAYLOADS))
def test_the_widgets_fixed_payloads_are_trusted(g, payload):
    rasa = FakeRasa()
    run(send(g, rasa, payload))
    assert rasa.received[0].text == payload


def test_identifiers_are_masked_before_rasa_sees_them(g):
    rasa = FakeRasa()
    run(send(g, rasa, "Mijn bsn is 123456782, bel 06-12345678"))
    got = rasa.received[0]
    assert got.text == "Mijn bsn is [BSN], bel [telefoonnummer]"
    assert got.metadata == {"opsw_masked": ["bsn", "telefoonnummer"]}


def test_only_trace_metadata_is_passed_on(g):
    rasa = FakeRasa()
    run(send(g, rasa, "hallo", metadata={"trace": True, "intent": "acute_nood", "numbered_choice": "x"}))
    assert rasa.received[0].metadata == {"trace": True}


def test_no_bot_message_means_service_down(g):
    for rasa in (FakeRasa(answer=False), FakeRasa(fail=True)):
        status, msgs = run(send(g, rasa, "ik wil niet meer leven"))
        assert status == "service_down"
        assert len(msgs) == 1 and msgs[0]["opsw"]["kind"] == "error"
        assert "112" in msgs[0]["text"] and "113" in msgs[0]["text"]


def test_service_down_text_comes_from_the_domain_when_it_has_one(g, monkeypatch):
    class Domain:
        responses = {"utter_service_down": [{"text": "Storing. Bel 112 bij gevaar."}]}

    class App:
        class ctx:
            agent = type("Agent", (), {"domain": Domain(), "tracker_store": None})()

    g.app = App()
    assert g.service_down()["text"] == "Storing. Bel 112 bij gevaar."


def _events_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'trackers.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"))
        for sender in ("a", "a", "a", "b"):
            conn.execute(sa.text("INSERT INTO events (sender_id, data) VALUES (:s, '{}')"), {"s": sender})
    return url, engine


def test_erase_conversation_deletes_only_that_sender(tmp_path):
    url, engine = _events_db(tmp_path)
    assert erase_conversation(url, "a") == 3
    assert erase_conversation(url, "a") == 0
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT sender_id FROM events")).fetchall() == [("b",)]
    assert erase_conversation(f"sqlite:///{tmp_path / 'leeg.db'}", "a") == 0  # no table yet


@pytest.mark.parametrize(
    "text",
    [
        "verwijder mijn gesprek",
        "Wis mijn gegevens.",
        "wis mijn gegevens alstublieft",
        "wis alles",
        "Kunt u mijn gesprek verwijderen?",
        "ik wil dat je mijn gegevens wist",
    ],
)
def test_erase_request_deletes_and_answers_in_dutch(tmp_path, text):
    url, engine = _events_db(tmp_path)
    g = Guard(db_url=url, clock=FakeClock())
    rasa = FakeRasa()
    status, msgs = run(send(g, rasa, text, sender="a"))
    assert status == "erased" and rasa.received == []
    assert msgs[0]["text"].startswith("Uw gesprek is verwijderd.")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id='a'")).scalar() == 0


def test_a_sentence_about_erasing_is_not_an_erase_request():
    assert not guard_mod.is_erase_request("de gemeente wil mijn gegevens wissen, mag dat?")
    assert not guard_mod.is_erase_request("wis alles wat de gemeente over mij heeft, kan dat?")
    assert not guard_mod.is_erase_request("kunt u mijn gegevens doorsturen naar de gemeente?")
    assert not guard_mod.is_erase_request("verwijder mijn gesprek niet")


def test_rest_items_carry_opsw_with_feedback_only_on_the_last_part():
    out = OpswCollectingOutput()
    run(
        out.send_response(
            "s", {"text": "Deel een.\n\nDeel twee.", "opsw": {"kind": "advice", "feedback": True, "trace": {"a": 1}}}
        )
    )
    assert [m["opsw"] for m in out.messages] == [
        {"kind": "advice", "feedback": False},
        {"kind": "advice", "feedback": True, "trace": {"a": 1}},
    ]
    run(out.send_response("s", {"text": "Kies:", "buttons": [{"title": "Ja", "payload": "/affirm"}]}))
    assert out.messages[-1] == {
        "recipient_id": "s",
        "text": "Kies:",
        "buttons": [{"title": "Ja", "payload": "/affirm"}],
        "opsw": {"kind": "info", "feedback": False},
    }


@pytest.mark.parametrize(
    "payload, expected",
    [
        ('/feedback{"feedback":"up"}', '/feedback{"feedback":"up"}'),
        (
            '/feedback{"feedback": "down", "comment": "klopt niet, bel 06-12345678"}',
            '/feedback{"feedback":"down","comment":"klopt niet, bel [telefoonnummer]"}',
        ),
        ('/feedback{"feedback":"down","comment":"' + "x" * 501 + '"}', None),
        ('/feedback{"feedback":"maybe"}', None),
        ('/feedback{"feedback":"up","rol":"zorgkantoor_medewerker"}', None),
    ],
)
def test_feedback_with_a_comment_is_accepted_masked_and_nothing_else(payload, expected):
    import asyncio

    from channels.guard import Guard

    assert asyncio.run(Guard().feedback_payload(payload)) == expected
