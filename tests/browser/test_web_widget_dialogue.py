"""The widget with the REAL dialogue texts, without Rasa: fake_rasa.py in ``dialogue=True`` mode
answers with ``opschaling.dialogue.respond`` (button payloads parsed like Rasa does, opsw split over
the parts as channels/socketio.py does). Checks structure and kinds, not the exact wording."""

import json
import re

import pytest
from selenium.webdriver.common.by import By

from .fake_rasa import FakeRasa, free_port
from .flows import ask, until_advice
from .widget_page import WidgetPage

pytestmark = pytest.mark.browser


@pytest.fixture
def dialogue_rasa():
    server = FakeRasa(free_port(), dialogue=True).start()
    yield server
    server.stop()


@pytest.fixture
def page(site_factory, dialogue_rasa, browser) -> WidgetPage:
    site = site_factory(dialogue_rasa.url)
    return WidgetPage(browser, site.url, answer_timeout=20).load()


def test_a_check_in_then_soms_then_abuse_each_show_their_own_first_call_button(page):
    """Issue 13 as a user meets it: the caregiver's burden sentence gets a check-in (113 first, call buttons,
    announced), "soms" gets the crisis message, money taken by a son gets Veilig Thuis first."""
    page.open_with_keyboard()
    first = ask(
        page,
        "Mijn moeder heeft dementie en wacht al maanden op een verpleeghuis. Ik zorg dag en nacht voor haar en "
        "soms denk ik dat iedereen beter af is zonder mij.",
    )
    check_in = first.find_element(By.CSS_SELECTOR, ".osw-kind-check_in")
    assert check_in.get_attribute("role") == "alert" and "zelfdoding" in check_in.text
    calls = check_in.find_elements(By.CSS_SELECTOR, ".osw-call")
    assert calls and calls[0].get_attribute("href") == "tel:113"
    page.input.click()
    second = ask(page, "soms")
    crisis = second.find_element(By.CSS_SELECTOR, ".osw-kind-crisis")
    assert crisis.find_elements(By.CSS_SELECTOR, ".osw-call")[0].get_attribute("href") == "tel:113"
    page.input.click()
    third = ask(page, "Mijn broer beheert de rekening van onze moeder en er is niets meer over voor boodschappen.")
    abuse = third.find_element(By.CSS_SELECTOR, ".osw-kind-crisis")
    assert abuse.find_elements(By.CSS_SELECTOR, ".osw-call")[0].get_attribute("href") == "tel:08002000"
    assert third.find_elements(By.CSS_SELECTOR, ".osw-fb") == []


def test_crisis_then_questions_then_advice_with_feedback_and_comment(page, dialogue_rasa):
    page.open_with_keyboard()
    first = ask(page, "ik wil niet meer leven")
    crisis = first.find_element(By.CSS_SELECTOR, ".osw-msg-crisis")
    assert crisis.get_attribute("role") == "alert"
    tel = [a.get_attribute("href") for a in crisis.find_elements(By.CSS_SELECTOR, "a[href^='tel:']")]
    assert tel and all(re.fullmatch(r"tel:\+?\d+", h) for h in tel)
    assert crisis.find_elements(By.CSS_SELECTOR, ".osw-call")
    assert first.find_elements(By.CSS_SELECTOR, ".osw-fb") == []  # never feedback on crisis/questions

    page.input.click()
    answer = ask(page, "ik ben het niet eens met het besluit van het CIZ")
    advice = until_advice(page, answer)
    page.wait_for(lambda d: advice.find_elements(By.CSS_SELECTOR, ".osw-feedback"), 5, "no feedback on the advice")
    assert len(page.find_all(".osw-feedback")) == 1
    # all buttons of the answered questions are disabled, the chosen ones marked
    older = page.find_all(".osw-answer")[:-1]
    assert not any(b.is_enabled() for a in older for b in a.find_elements(By.CSS_SELECTOR, "button.osw-choice"))
    assert len(page.find_all(".osw-chosen")) >= 1
    # one bubble for the advice, whatever number of parts the channel split it into
    assert len(advice.find_elements(By.CSS_SELECTOR, ".osw-kind-advice")) == 1

    page.click(advice.find_element(By.CSS_SELECTOR, ".osw-fb-down"))
    field = advice.find_element(By.CSS_SELECTOR, ".osw-comment-input")
    page.wait_for(lambda d: field.is_displayed(), 5)
    comment = 'De "termijn" klopt niet'
    field.send_keys(comment)
    page.click(advice.find_element(By.CSS_SELECTOR, ".osw-comment-send"))
    session = page.session_id()
    page.wait_for(
        lambda d: any(f.get("comment") == comment for f in dialogue_rasa.states[session]["feedback"]),
        5,
        "the dialogue did not store the comment",
    )
    values = [f["value"] for f in dialogue_rasa.states[session]["feedback"]]
    assert values == ["down", "down"]
    sent = dialogue_rasa.messages_for(session)[-1]
    assert json.loads(sent[len("/feedback") :]) == {"feedback": "down", "comment": comment}
    # the dialogue's reply to feedback is the status line of the advice, not a chat message
    status = advice.find_element(By.CSS_SELECTOR, ".osw-feedback-status")
    page.wait_for(lambda d: status.text and "verstuurd" not in status.text, 5)
    assert page.find_all(".osw-answer")[-1] == advice
