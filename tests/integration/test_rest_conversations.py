"""Whole conversations against the real trained assistant over the REST channel, answered in free text.

These go through everything a user meets: the channel, the NLU, the rules, the action server and the dialogue.
The large conversation set is in scenarios/ (tests/scenarios runs it through REST as well).
"""

from __future__ import annotations

import re

import pytest

from opschaling.render import words

pytestmark = [pytest.mark.integration]
CRISIS = re.compile(r"\b(?:112|113|0800-0113|0800-2000)\b")


class Conversation:
    def __init__(self, server) -> None:
        self.server = server
        self.sender = server.new_sender("conv")
        self.messages: list[dict] = []

    def say(self, text: str) -> list[dict]:
        reply = self.server.send(text, self.sender, metadata={"trace": True})
        assert reply, f"no answer to {text!r}"
        self.messages.extend(reply)
        return reply

    def advice(self) -> list[dict]:
        return [m for m in self.messages if kind(m) == "advice"]


def kind(message: dict) -> str | None:
    return (message.get("opsw") or {}).get("kind")


def trace(reply: list[dict]) -> dict:
    return (reply[-1].get("opsw") or {}).get("trace") or {}


def answer_in_free_text(conv: Conversation, reply: list[dict], answers: dict[str, str], limit: int = 8) -> list[dict]:
    """Answer what the assistant asks, by the fact it asks about, until it gives advice."""
    for _ in range(limit):
        if any(kind(m) == "advice" for m in reply):
            return reply
        question = trace(reply).get("question")
        reply = conv.say(answers.get(question or "", "weet ik niet"))
    raise AssertionError(f"no advice; last reply: {[m.get('text') for m in reply]}")


@pytest.mark.parametrize(
    "danger",
    ["ik wil dood", "ik kan niet meer, ik wil dood", "ik denk aan zelfdoding", "geen gevaar, hij slaat me wel soms"],
)
def test_danger_as_a_first_message_gets_the_crisis_step_first(rasa_server, danger):
    reply = Conversation(rasa_server).say(danger)
    assert kind(reply[0]) == "crisis"
    assert CRISIS.search(reply[0]["text"])
    assert (reply[0].get("opsw") or {}).get("feedback") is False


@pytest.mark.parametrize(
    "danger,tier",
    [("ik wil dood", "crisis"), ("ik zie het niet meer zitten", "check_in"), ("mijn man slaat me", "crisis")],
)
def test_danger_during_a_follow_up_question_is_not_swallowed(rasa_server, danger, tier):
    conv = Conversation(rasa_server)
    first = conv.say("Ik ben het niet eens met het besluit van het CIZ")
    assert trace(first).get("question") == "step_outcome"
    reply = conv.say(danger)
    assert kind(reply[0]) == tier and CRISIS.search(reply[0]["text"])
    if tier == "check_in":  # its own question is the only one: "ja" or "weet ik niet" can only answer that
        assert trace(reply).get("question") == "check_in" and not any(kind(m) == "question" for m in reply)
        reply = conv.say("nee")
    assert kind(reply[-1]) == "question"  # then the conversation goes on where it was
    assert trace(reply).get("question") == "step_outcome"  # the sign answered nothing


def first_tel(message: dict) -> str:
    return re.search(r"\(tel:(\d+)\)", message["text"]).group(1)


def test_a_check_in_answered_with_soms_gets_the_crisis_message(rasa_server):
    conv = Conversation(rasa_server)
    reply = conv.say(
        "Mijn moeder heeft dementie en wacht al maanden op een verpleeghuis. Ik zorg dag en nacht voor haar en "
        "soms denk ik dat iedereen beter af is zonder mij."
    )
    assert kind(reply[0]) == "check_in" and first_tel(reply[0]) == "113"
    reply = conv.say("soms wel ja")
    assert kind(reply[0]) == "crisis" and first_tel(reply[0]) == "113"


@pytest.mark.parametrize(
    "text,first",
    [
        ("mijn zoon beheert haar rekening en er is niets meer over voor boodschappen", "08002000"),
        ("hij dreigde met een mes in de keuken", "08002000"),
        ("my mother has dementia and she is gone since this morning", "112"),
    ],
)
def test_abuse_and_a_missing_person_get_their_own_first_step(rasa_server, text, first):
    reply = Conversation(rasa_server).say(text)
    assert kind(reply[0]) == "crisis" and first_tel(reply[0]) == first


def test_english_gets_the_help_lines_in_english(rasa_server):
    reply = Conversation(rasa_server).say("I don't want to live anymore")
    assert kind(reply[0]) == "crisis" and first_tel(reply[0]) == "113"
    assert "suicide" in reply[0]["text"].lower() and "Dutch" in reply[0]["text"]


def test_a_figure_of_speech_gets_no_alarm(rasa_server):
    reply = Conversation(rasa_server).say("het CIZ wurgt ons met regels")
    assert not any(kind(m) in ("crisis", "check_in") for m in reply)


def test_a_running_objection_leads_to_waiting_not_to_beroep(rasa_server):
    conv = Conversation(rasa_server)
    reply = conv.say("Ik ben het niet eens met het besluit van het CIZ")
    reply = conv.say("ja, maar nog niks gehoord")
    reply = answer_in_free_text(conv, reply, {"urgent": "nee", "decision_date": "weet ik niet"})
    assert trace(reply)["step"] == "bezwaar_ciz"
    assert "beroep_rechtbank" not in (trace(reply).get("step") or "")


def test_a_gemeente_decision_about_wmo_goes_to_bezwaar_at_the_gemeente(rasa_server):
    conv = Conversation(rasa_server)
    reply = conv.say("De gemeente heeft mijn Wmo-indicatie afgewezen")
    reply = answer_in_free_text(
        conv, reply, {"step_outcome": "nee, nog niet", "decision_date": "de brief is van 14-10"}
    )
    assert trace(reply)["step"] == "bezwaar_gemeente"
    advice = conv.advice()[-1]["text"]
    assert words(advice) <= 80
    assert "Bron:" in advice


def test_what_the_user_said_is_not_asked_again(rasa_server):
    conv = Conversation(rasa_server)
    reply = conv.say("Het CIZ heeft de Wlz-indicatie van mijn moeder afgewezen, de brief is van 3 november")
    reply = answer_in_free_text(conv, reply, {"step_outcome": "nee"})
    asked = [t for t in (trace([m]).get("question") for m in conv.messages) if t]
    assert "organisation" not in asked and "decision_date" not in asked and "role" not in asked
    assert trace(reply)["step"] == "bezwaar_ciz"
    assert any(d.get("due") for d in trace(reply)["deadlines"])


def test_a_correction_in_natural_words_changes_the_step(rasa_server):
    conv = Conversation(rasa_server)
    reply = conv.say("Ik ben het niet eens met het besluit van het CIZ")
    reply = answer_in_free_text(conv, reply, {"step_outcome": "nee", "decision_date": "weet ik niet"})
    assert trace(reply)["step"] == "bezwaar_ciz"
    reply = conv.say("nee, het was de gemeente")
    reply = answer_in_free_text(conv, reply, {"step_outcome": "nee", "decision_date": "weet ik niet"})
    assert trace(reply)["step"] == "bezwaar_gemeente"


def test_no_question_is_asked_three_times(rasa_server):
    conv = Conversation(rasa_server)
    conv.say("Ik ben het niet eens met het besluit van het CIZ")
    for _ in range(5):
        conv.say("hmm")
    asked = [m["text"] for m in conv.messages if kind(m) == "question"]
    tails = [re.sub(r"^.*?(?=[A-Z][^.?!]*\?$)", "", q) for q in asked]
    assert max(tails.count(t) for t in tails) <= 2


def test_and_if_that_does_not_help_is_answered_as_a_question(rasa_server):
    conv = Conversation(rasa_server)
    reply = conv.say("Ik ben het niet eens met het besluit van het CIZ")
    answer_in_free_text(conv, reply, {"step_outcome": "nee", "decision_date": "weet ik niet"})
    reply = conv.say("en als dat niet helpt?")
    assert kind(reply[0]) == "detail"
    assert re.search(r"beroep", reply[0]["text"], re.IGNORECASE)
    assert trace(reply).get("tried") in (None, [])


def test_a_professional_is_not_told_to_find_a_clientondersteuner(rasa_server):
    conv = Conversation(rasa_server)
    reply = conv.say("Ik ben cliëntondersteuner. Voor mijn cliënt met een Wlz-indicatie vinden we geen passende plek.")
    reply = answer_in_free_text(conv, reply, {"step_outcome": "nee", "age_group": "54 jaar"})
    assert trace(reply)["step"] not in ("clientondersteuner", "clientondersteuner_wlz", "clientondersteuner_wmo")


def test_a_question_the_seeds_answer_gets_that_answer_and_the_story_is_still_read(rasa_server):
    conv = Conversation(rasa_server)
    reply = conv.say(
        "Mijn vader woont in een verpleeghuis en nu zeggen ze dat hij weg moet voor 1 januari omdat hij te onrustig "
        "is. Moet ik dan zelf gaan rondbellen naar andere verpleeghuizen?"
    )
    answer = next(m["text"] for m in reply if kind(m) == "info" and "Bron:" in m["text"])
    assert "zoekt de zorgaanbieder een plek bij een andere aanbieder" in answer
    reply = answer_in_free_text(conv, reply, {"law": "wlz", "step_outcome": "nee"})
    assert trace(reply)["step"] == "zorgkantoor"  # the provider ends the care: the zorgkantoor (S2 situation 4)
    reply = conv.say("moet ik voor zo'n cliëntondersteuner betalen?")
    assert "gratis" in reply[0]["text"] and "staat niet in mijn bronnen" not in reply[0]["text"]


def test_a_klacht_about_fewer_hours_is_a_bezwaar(rasa_server):
    conv = Conversation(rasa_server)
    reply = conv.say(
        "ik wil een klacht indienen tegen de gemeente!! mijn zoon had 8 uur begeleiding per week en nu hebben ze er "
        "zomaar 4 van gemaakt. de brief is van 13 november"
    )
    reply = answer_in_free_text(conv, reply, {"step_outcome": "nee"})
    assert trace(reply)["step"] == "bezwaar_gemeente"


def test_bad_input_gets_an_answer(rasa_server):
    for text in ["<script>alert(1)</script>", "Hello, I need help", "?!", "ééé"]:
        reply = Conversation(rasa_server).say(text)
        assert any(m.get("text") for m in reply)


def test_the_weet_ik_niet_button_of_a_yes_no_question_is_understood(rasa_server):
    """Pressed on a yes/no question ("Gaat uw klacht over een besluit?"), "Weet ik niet" moves the conversation
    on; it used to be answered with "not understood" because its payload was read as a step outcome."""
    yes_no = {"consent", "urgent", "termination", "about_decision", "complaint_within_year"}
    conv = Conversation(rasa_server)
    reply = conv.say("Ik wil een klacht indienen over de gemeente, ze reageren nergens op")
    # the complaint at the gemeente itself did not help: next comes "Gaat uw klacht over een besluit?"
    answers = {"role": "ik ben de cliënt", "organisation": "de gemeente", "step_outcome": "ja, maar dat hielp niet"}
    for _ in range(8):
        question = trace(reply).get("question")
        if question in yes_no:
            button = next(b for m in reply for b in m.get("buttons") or () if b["title"].startswith("Weet ik niet"))
            reply = conv.say(button["payload"])
            said = " ".join(m.get("text") or "" for m in reply)
            assert not re.search(r"begreep ik niet", said, re.IGNORECASE), said
            assert trace(reply).get("question") != question
            return
        assert question, f"no yes/no question reached; last reply: {[m.get('text') for m in reply]}"
        reply = conv.say(answers.get(question, "weet ik niet"))
    raise AssertionError("no yes/no question reached")
