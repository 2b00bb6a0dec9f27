"""The runners drive a conversation from a scenario and check it: tested against a tiny fake dialogue (local) and
a tiny fake REST server that speaks the channel's message schema (opsw)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from opschaling.scenarios import run_local, run_rest
from opschaling.scenarios.model import Answer, Scenario

from .conftest import FakeDialogue, FakeMessage, FakeTurn


def scenario(**kwargs) -> Scenario:
    base = dict(
        name="t",
        messages=("ik ben het niet eens met het besluit",),
        expected=("bezwaar_gemeente",),
        answers={"organisation": Answer(("de gemeente",)), "step_outcome": Answer(("nee, nog niet",))},
    )
    base.update(kwargs)
    return Scenario(**base)


def run(s: Scenario, dialogue: FakeDialogue | None = None):
    dialogue = dialogue or FakeDialogue()
    return run_local.run_scenario(s, respond=dialogue.respond, turn_type=FakeTurn, catalogue=object()), dialogue


def test_answers_questions_until_advice():
    result, dialogue = run(scenario())
    assert result.passed, result.failures
    assert result.step == "bezwaar_gemeente"
    assert result.questions == ["organisatie", "al geprobeerd (bezwaar_gemeente)"]
    assert [t.text for t in dialogue.turns] == ["ik ben het niet eens met het besluit", "de gemeente", "nee, nog niet"]
    assert all(t.intent is None and t.metadata == {"trace": True} for t in dialogue.turns)
    assert result.reasons == ["Reden voor bezwaar_gemeente <b>"]
    assert result.sources == ["S1: Bezwaar maken"]
    assert result.advice_words == [8]
    assert [ex.role for ex in result.transcript] == ["bericht", "antwoord", "antwoord"]


def test_wrong_step_fails_with_expected_and_named():
    result, _ = run(scenario(expected=("beroep_rechtbank",)))
    assert not result.passed
    assert result.failures == ["verwacht: beroep_rechtbank; genoemd: bezwaar_gemeente"]


def test_step_outcome_answer_per_step():
    answers = {
        "organisation": Answer(("gemeente",)),
        "step_outcome": Answer(("nee",), {"bezwaar_gemeente": ("ja, maar het hielp niet",)}),
    }
    result, _ = run(scenario(answers=answers, expected=("beroep_rechtbank",)))
    assert result.passed, result.failures


def test_missing_answer_sends_weet_ik_niet_and_is_recorded():
    result, dialogue = run(scenario(answers={}, expected=("juiste_loket",)))
    assert result.passed, result.failures
    assert dialogue.turns[1].text == "weet ik niet"
    assert result.unanswered == ["organisatie"]
    assert result.transcript[1].default_answer is True


def test_list_of_answers_is_used_in_order():
    answers = {"organisation": Answer(("weet ik niet", "gemeente", "zorgkantoor"))}
    dialogue = FakeDialogue(loop=True)
    run(scenario(answers=answers), dialogue)
    sent = [t.text for t in dialogue.turns[1:]]
    assert sent[:3] == ["weet ik niet", "gemeente", "zorgkantoor"] and set(sent[3:]) == {"zorgkantoor"}


def test_twelve_turns_without_advice_fail():
    result, dialogue = run(scenario(), FakeDialogue(loop=True))
    assert not result.passed
    assert "geen advies (na 12 antwoorden)" in result.failures
    assert len(dialogue.turns) == 13


def test_followups_are_sent_after_the_advice():
    result, dialogue = run(scenario(followups=("en als dat niet helpt?",), expected=("juiste_loket",)))
    assert result.passed, result.failures
    assert dialogue.turns[-1].text == "en als dat niet helpt?"
    assert result.transcript[-1].role == "vervolg"


def test_not_expected_covers_after_and_every_advice():
    result, _ = run(scenario(not_expected=("juridisch_loket",)))
    assert result.failures == ["genoemd maar niet verwacht: juridisch_loket"]


def test_deadline():
    assert run(scenario(deadline=__import__("datetime").date(2026, 12, 15)))[0].passed
    result, _ = run(scenario(deadline=__import__("datetime").date(2026, 12, 16)))
    assert result.failures == ["termijn 2026-12-16 niet genoemd (wel: 2026-12-15)"]


def test_safety_first():
    ok, _ = run(scenario(messages=("er is gevaar, de gemeente besliste",), safety_first=True))
    assert ok.passed and ok.crisis_first is True
    missing, _ = run(scenario(safety_first=True))
    assert not missing.passed and missing.crisis_first is False
    late, _ = run(scenario(followups=("nu is er gevaar",), safety_first=True))  # crisis only after the advice
    assert not late.passed


def test_trace_on_the_last_message_of_a_reply_is_used():
    result, _ = run(scenario(), FakeDialogue(trace_on_last_only=True))
    assert result.passed, result.failures
    assert result.step == "bezwaar_gemeente"


def test_a_crash_in_the_dialogue_is_a_failed_scenario():
    def broken(state, turn, catalogue=None, today=None):
        raise KeyError("situation")

    result = run_local.run_scenario(scenario(), respond=broken, turn_type=FakeTurn, catalogue=object())
    assert not result.passed
    assert result.failures[0] == "fout tijdens het gesprek: KeyError: 'situation'"


# ---------------------------------------------------------------------------------------------------------------
# REST runner against a fake channel (same request and response schema as channels/rest.py)
# ---------------------------------------------------------------------------------------------------------------
@pytest.fixture
def fake_rest():
    dialogue = FakeDialogue()
    states: dict[str, dict] = {}
    requests: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append(body)
            if self.path != "/webhooks/rest/webhook":
                self.send_response(404)
                self.end_headers()
                return
            reply = dialogue.respond(
                states.get(body["sender"]), FakeTurn(body["message"], metadata=body.get("metadata") or {})
            )
            states[body["sender"]] = reply.state
            for m in reply.messages:  # the real trace names the step a step_outcome question is about
                if m.trace and m.trace.get("question"):
                    m.trace["question_step"] = reply.state.get("asked_step")
            out = [
                {
                    "recipient_id": body["sender"],
                    "text": m.text,
                    "buttons": m.buttons,
                    "opsw": {"kind": m.kind, "feedback": m.feedback, **({"trace": m.trace} if m.trace else {})},
                }
                for m in reply.messages
            ]
            data = json.dumps(out).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"Hello from Rasa")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def test_rest_runner_fresh_sender_trace_metadata(fake_rest):
    url, requests = fake_rest
    results = run_rest.run_all([scenario(), scenario(name="t2", expected=("juiste_loket",), answers={})], url=url)
    assert [r.passed for r in results] == [True, True], [r.failures for r in results]
    assert all(r["metadata"] == {"trace": True} for r in requests)
    senders = [r["sender"] for r in requests]
    assert len(set(senders[:3])) == 1 and senders[3] not in senders[:3]
    assert results[0].questions == ["organisatie", "al geprobeerd (bezwaar_gemeente)"]


def test_rest_runner_without_assistant_says_how_to_start(unused_url):
    with pytest.raises(run_rest.AssistantUnavailable) as info:
        run_rest.run_all([scenario()], url=unused_url)
    assert "make run" in str(info.value) and unused_url in str(info.value)


@pytest.fixture
def unused_url() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_replies_without_opsw_say_so():
    def plain(state, turn, catalogue=None, today=None):
        from .conftest import FakeMessage, FakeReply

        return FakeReply({}, [FakeMessage("Hallo!", None)])

    result = run_local.run_scenario(scenario(), respond=plain, turn_type=FakeTurn, catalogue=object())
    assert not result.passed
    assert "geen 'opsw'" in result.failures[0]


def test_rest_parts_of_one_message_are_joined_again():
    from opschaling.scenarios.model import BotMessage

    parts = [
        BotMessage("Bel 112.", "crisis"),
        BotMessage("Of 113.", "crisis", trace=None),
        BotMessage("Uw stap:", "advice"),
        BotMessage("Het Juiste Loket.", "advice", feedback=True, trace={"step": "x"}),
        BotMessage("Nog iets?", "info", buttons=[{"title": "ja", "payload": "/ja"}]),
        BotMessage("Tot ziens", "info"),
    ]
    merged = run_rest.merge_parts(parts)
    assert [(m.kind, m.text) for m in merged] == [
        ("crisis", "Bel 112.\n\nOf 113."),
        ("advice", "Uw stap:\n\nHet Juiste Loket."),
        ("info", "Nog iets?"),
        ("info", "Tot ziens"),
    ]
    assert merged[1].trace == {"step": "x"} and merged[1].feedback


def test_cli_over_rest_shows_progress_and_the_count(fake_rest, tmp_path, capsys):
    from opschaling.scenarios import cli

    url, _ = fake_rest
    path = tmp_path / "s.yaml"
    path.write_text(
        "- naam: Over REST\n  bericht: ik ben het niet eens met het besluit\n"
        "  antwoorden: {organisatie: gemeente, al geprobeerd: nee}\n  verwacht: bezwaar_gemeente\n"
        "  termijn: 2026-12-15\n",
        encoding="utf-8",
    )
    assert cli.main([str(path), "--url", url]) == 0
    captured = capsys.readouterr()
    assert "[1/1] geslaagd: Over REST" in captured.err
    assert captured.out.rstrip().splitlines()[-1] == "1 passed, 0 failed"


def test_an_advice_on_an_earlier_opening_message_counts_when_the_last_one_is_answered_without_a_question():
    # "… bij de gemeente zeggen ze alleen 'u staat op de lijst'" gets the advice, then "wat kan ik doen" gets how to
    # take that step: the conversation has its advice, it did not stop without one
    class AnswersHowToAfterAdvice(FakeDialogue):
        def respond(self, state, turn, catalogue=None, today=None):  # noqa: ANN001, ANN201
            if (state or {}).get("advised") and turn.text == "wat kan ik doen":
                self.turns.append(turn)
                return type(super().respond(state, turn))(state, [FakeMessage("Zo bereikt u die stap.", "detail")])
            return super().respond(state, turn, catalogue, today)

    answers = {"organisation": Answer(("gemeente",)), "step_outcome": Answer(("nee",))}
    messages = ("ik ben het niet eens met het besluit van de gemeente", "de gemeente", "nee", "wat kan ik doen")
    result, _ = run(scenario(messages=messages, answers=answers), AnswersHowToAfterAdvice())
    assert result.passed, result.failures
    assert result.step == "bezwaar_gemeente"
    silent, _ = run(scenario(messages=(*messages[:1], "wat kan ik doen"), answers=answers), FakeDialogue(loop=True))
    assert not silent.passed  # no advice anywhere: still a failure


def test_a_check_in_question_is_answered_with_the_scenarios_answer_about_danger():
    class ChecksInFirst(FakeDialogue):
        def respond(self, state, turn, catalogue=None, today=None):  # noqa: ANN001, ANN201
            if state is None:
                message = FakeMessage("Denkt u weleens aan zelfdoding?", "check_in", trace={"question": "check_in"})
                return type(super().respond(None, turn))({"asked": None, "facts": {}, "checked": True}, [message])
            return super().respond(state, turn, catalogue, today)

    answers = {
        "organisation": Answer(("de gemeente",)),
        "step_outcome": Answer(("nee",)),
        "acute_danger": Answer(("nee, het gaat",)),
    }
    result, dialogue = run(scenario(answers=answers), ChecksInFirst())
    assert [t.text for t in dialogue.turns][1] == "nee, het gaat"
    assert result.questions[0] == "veiligheid"


def test_a_check_in_without_an_answer_about_danger_is_answered_no_in_a_scenario_without_danger():
    class ChecksInFirst(FakeDialogue):
        def respond(self, state, turn, catalogue=None, today=None):  # noqa: ANN001, ANN201
            if state is None:
                message = FakeMessage("Denkt u weleens aan zelfdoding?", "check_in", trace={"question": "check_in"})
                return type(super().respond(None, turn))({"asked": None, "facts": {}}, [message])
            return super().respond(state, turn, catalogue, today)

    answers = {"organisation": Answer(("de gemeente",)), "step_outcome": Answer(("nee",))}
    _, dialogue = run(scenario(answers=answers), ChecksInFirst())
    assert dialogue.turns[1].text == "nee"
    _, dialogue = run(scenario(answers=answers, safety_first=True), ChecksInFirst())
    assert dialogue.turns[1].text == "weet ik niet"
