"""Whole conversations against the real trained assistant over the REST channel (servers from tests/conftest.py)."""
import re

import pytest

pytestmark = [pytest.mark.integration]


def texts(messages):
    return "\n".join(m.get("text", "") for m in messages)


def buttons(messages):
    return [b for m in messages for b in m.get("buttons") or []]


def click(server, sender, messages, title_pattern):
    """Send the payload of the button whose title matches, as the web widget would."""
    for button in buttons(messages):
        if re.search(title_pattern, button["title"], re.IGNORECASE):
            return server.send(button["payload"], sender)
    raise AssertionError(f"no button matching {title_pattern!r} in {[b['title'] for b in buttons(messages)]}")


def answer_until_advice(server, sender, messages, choices, limit=8):
    """Answer the assistant's questions with the given {question regex: button regex} until advice arrives."""
    for _ in range(limit):
        if "Uw volgende stap" in texts(messages) or "U wacht nu op" in texts(messages):
            return messages
        question = texts(messages)
        for pattern, choice in choices.items():
            if re.search(pattern, question, re.IGNORECASE):
                messages = click(server, sender, messages, choice)
                break
        else:
            raise AssertionError(f"unexpected question: {question!r}")
    raise AssertionError("no advice after answering")


CIZ_CHOICES = {"bezwaar gemaakt": "Nee, nog niet", "welke organisatie": "^CIZ$", "datum": "Weet ik niet"}


def test_disagreeing_with_the_ciz_leads_to_bezwaar_with_its_source(rasa_server):
    sender = rasa_server.new_sender()
    messages = rasa_server.send("ik ben het niet eens met het besluit van het CIZ", sender)
    messages = answer_until_advice(rasa_server, sender, messages, CIZ_CHOICES)
    advice = texts(messages)
    assert "Bezwaar maken bij het CIZ" in advice
    assert "6 weken" in advice
    assert "Bron:" in advice


def click_first(server, sender, messages, choices):
    question = texts(messages)
    for pattern, choice in choices.items():
        if re.search(pattern, question, re.IGNORECASE):
            return click(server, sender, messages, choice)
    raise AssertionError(f"unexpected question: {question!r}")


def test_a_typed_date_gives_the_last_day_for_bezwaar(rasa_server):
    sender = rasa_server.new_sender()
    messages = rasa_server.send("ik wil bezwaar maken tegen de beschikking van de gemeente", sender)
    choices = {"bezwaar gemaakt": "Nee, nog niet", "welke organisatie": "^Gemeente$"}
    for _ in range(4):
        if re.search(r"datum", texts(messages), re.IGNORECASE):
            break
        messages = click_first(rasa_server, sender, messages, choices)
    messages = rasa_server.send("het besluit is van 2 november 2026", sender)
    assert "14 december 2026" in texts(messages), texts(messages)


def test_why_and_one_rung_up(rasa_server):
    sender = rasa_server.new_sender()
    messages = rasa_server.send("klacht over het verpleeghuis van mijn moeder", sender)
    messages = answer_until_advice(rasa_server, sender, messages,
                                   {"welke wet": "Wlz", "klachtenfunctionaris": "Nee, nog niet"})
    assert "Klachtenfunctionaris" in texts(messages)
    why = click(rasa_server, sender, messages, "Waarom")
    assert "Bron:" in texts(why)
    messages = click(rasa_server, sender, messages, "al geprobeerd")
    messages = answer_until_advice(rasa_server, sender, messages, {"Landelijk Meldpunt": "Nee, nog niet"})
    assert "Landelijk Meldpunt Zorg" in texts(messages)
    assert "U heeft al geprobeerd" in texts(messages)


def test_the_case_is_kept_in_the_tracker_store(rasa_server):
    sender = rasa_server.new_sender()
    rasa_server.send("we vinden nergens een plek voor onze zoon, hij heeft een wlz indicatie", sender)
    slots = rasa_server.tracker(sender)["slots"]
    assert slots["situation"] == "geen_plek"


def test_acute_danger_is_answered_first(rasa_server):
    sender = rasa_server.new_sender()
    reply = texts(rasa_server.send("mijn zoon zegt dat hij niet meer wil leven", sender))
    assert "113" in reply and "112" in reply


def test_asking_for_a_person_gives_real_routes(rasa_server):
    sender = rasa_server.new_sender()
    reply = texts(rasa_server.send("ik wil iemand spreken", sender))
    assert "Juiste Loket" in reply


@pytest.mark.parametrize("text", ["", " ", "x" * 5000, "What is the weather like in London today?",
                                  "<script>alert(1)</script><img src=x onerror=alert(2)>", "🙂🙂🙂", "asdkjh qwpoe zmxn"])
def test_bad_input_gets_a_clear_answer_not_a_crash(rasa_server, text):
    sender = rasa_server.new_sender()
    messages = rasa_server.send(text, sender)
    assert messages, "every message gets an answer"
    reply = texts(messages)
    assert "<script>" not in reply and "onerror" not in reply, "user text is never echoed back"
    follow_up = rasa_server.send("klacht over de thuiszorg", sender)
    assert follow_up, "the assistant still works afterwards"
