"""The web chat in a real browser against the REAL assistant (rasa_server fixture from tests/conftest.py:
trained model, action server, REST + socket.io channels with session_persistence: true)."""

import json
import re
import subprocess

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from .widget_page import WidgetPage

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CIZ_QUESTION = "ik ben het niet eens met het besluit van het CIZ"
# question in the assistant's answer (regex) -> button to pick (regex), as in tests/integration
CIZ_CHOICES = {"bezwaar gemaakt": "Nee, nog niet", "welke organisatie": "^CIZ$", "datum": "Weet ik niet"}
ADVICE = re.compile(r"Uw volgende stap|U wacht nu op")
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


@pytest.fixture
def real_page(rasa_server, site_factory, browser) -> WidgetPage:
    site = site_factory(rasa_server.url)
    return WidgetPage(browser, site.url, answer_timeout=90).load()


def pick(page: WidgetPage, answer, pattern: str):
    """Click the button of ``answer`` whose title matches; returns the next answer."""
    buttons = answer.find_elements(By.CSS_SELECTOR, "button.osw-choice")
    for button in buttons:
        if re.search(pattern, button.text, re.IGNORECASE):
            before = page.answer_count()
            page.click(button)
            return page.wait_for_new_answer(before)
    raise AssertionError(f"no button matching {pattern!r} in {[b.text for b in buttons]}")


def answer_until_advice(page: WidgetPage, answer, limit: int = 8):
    for _ in range(limit):
        if ADVICE.search(answer.text):
            return answer
        for question, choice in CIZ_CHOICES.items():
            if re.search(question, answer.text, re.IGNORECASE):
                answer = pick(page, answer, choice)
                break
        else:
            raise AssertionError(f"unexpected question: {answer.text!r}")
    raise AssertionError("no advice after answering the questions")


def wait_for_tracker_event(rasa_server, session_id: str, predicate, timeout: float = 20):
    """Polls the tracker (WebDriverWait without a browser) until an event matches predicate."""
    seen = {"events": []}

    def found(_):
        seen["events"] = rasa_server.tracker(session_id).get("events", [])
        return any(predicate(e) for e in seen["events"])

    try:
        WebDriverWait(None, timeout, poll_frequency=0.5).until(found)
    except TimeoutException:
        raise AssertionError(
            f"event not found in the tracker of {session_id}: {json.dumps(seen['events'])[-2000:]}"
        ) from None
    return seen["events"]


def test_conversation_with_the_real_assistant(real_page, rasa_server):
    page = real_page
    page.open_with_keyboard()
    before = page.answer_count()
    page.type_and_send(CIZ_QUESTION)
    answer = page.wait_for_new_answer(before)
    buttons = answer.find_elements(By.CSS_SELECTOR, "button.osw-choice")
    assert buttons, f"the first answer should offer buttons: {answer.text!r}"

    # keyboard: Shift+Tab from the input back to the right button of the answer, Space picks it
    question = answer.text
    choice = next((c for q, c in CIZ_CHOICES.items() if re.search(q, question, re.IGNORECASE)), None)
    assert choice, f"unexpected first question: {question!r}"
    chosen = page.tab_to("button.osw-choice", backwards=True, text=choice).text
    before = page.answer_count()
    page.keys(Keys.SPACE)
    answer = page.wait_for_new_answer(before)
    assert page.user_texts()[-1] == chosen  # the button title is shown as the user's message

    advice = answer_until_advice(page, answer)
    assert re.search(r"bezwaar", advice.text, re.IGNORECASE) and "CIZ" in advice.text, advice.text
    session_id = page.session_id()

    # opsw from our socket.io channel: feedback only on the advice, never on the questions before it;
    # the buttons of the answered questions are disabled
    page.wait_for(
        lambda d: advice.find_elements(By.CSS_SELECTOR, ".osw-fb-up"),
        5,
        "no feedback buttons on the advice: does the socket.io channel pass opsw on?",
    )
    assert len(page.find_all(".osw-feedback")) == 1
    older = page.find_all(".osw-answer")[:-1]
    assert older and all(
        not b.is_enabled() for a in older for b in a.find_elements(By.CSS_SELECTOR, "button.osw-choice")
    )
    up = advice.find_element(By.CSS_SELECTOR, ".osw-fb-up")
    page.click(up)
    assert up.get_attribute("aria-pressed") == "true"
    status = advice.find_element(By.CSS_SELECTOR, ".osw-feedback-status")
    answers = page.answer_count()
    # the socket.io ack ("… ontvangen") or the assistant's own reply, shown in this status line
    page.wait_for(lambda d: re.search("ontvangen|Dank", status.text), 30, "no confirmation for the feedback")
    wait_for_tracker_event(
        rasa_server,
        session_id,
        lambda e: (
            e.get("event") == "user"
            and (e.get("parse_data") or {}).get("intent", {}).get("name") == "feedback"
            and bool((e.get("metadata") or {}).get("feedback_for", {}).get("text"))
        ),  # which answer
    )

    # 👎 with a comment: sent as /feedback{"feedback":"down","comment":"…"}, stored in the tracker
    page.click(advice.find_element(By.CSS_SELECTOR, ".osw-fb-down"))
    comment = advice.find_element(By.CSS_SELECTOR, ".osw-comment-input")
    page.wait_for(lambda d: comment.is_displayed(), 5)
    comment.send_keys('De "termijn" klopt niet')
    comment.send_keys(Keys.ENTER)
    page.wait_for(
        lambda d: re.search("opmerking is ontvangen|Dank", status.text) and not comment.is_displayed(),
        30,
        "no confirmation for the comment",
    )
    assert page.answer_count() == answers  # replies to feedback are no new chat messages
    wait_for_tracker_event(
        rasa_server,
        session_id,
        lambda e: (
            e.get("event") == "user"
            and (e.get("parse_data") or {}).get("intent", {}).get("name") == "feedback"
            and 'De \\"termijn\\" klopt niet' in (e.get("text") or "")
        ),
    )
    page.click(up)  # back to 👍 for the checks after the reload

    # reload: same session, same transcript
    users, bots = page.user_texts(), page.bot_texts()
    page.reload()
    page.wait_for(lambda d: page.is_open(), 5)
    assert page.session_id() == session_id
    assert page.user_texts() == users and page.bot_texts() == bots
    assert page.find_all(".osw-fb-up")[-1].get_attribute("aria-pressed") == "true"

    # script/HTML typed by the user is shown literally and never runs; the assistant still answers
    page.input.click()
    before = page.answer_count()
    page.type_and_send(XSS)
    page.wait_for_new_answer(before)
    assert page.user_texts()[-1] == XSS
    assert page.driver.execute_script("return typeof window.__xss;") == "undefined"
    assert page.find_all(".osw-log script, .osw-log img") == []

    # accessibility of the widget with a real conversation in it
    result = page.run_axe()
    serious = [v for v in result.get("violations", []) if v["impact"] in ("serious", "critical")]
    assert "error" not in result and serious == [], json.dumps(result, indent=2, ensure_ascii=False)


def test_socketio_with_session_persistence_gets_an_answer(real_page, rasa_server, venv_python):
    """Regression: Rasa 3.6.21 calls ``sio.enter_room`` without await. With python-socketio >= 5.10
    that is a coroutine, the socket never joins the session's room, and with session_persistence:
    true the widget connects but never receives ``bot_uttered``."""
    page = real_page
    page.open_with_keyboard()
    page.wait_connected(60)
    before = page.answer_count()
    page.type_and_send("hallo")
    try:
        answer = page.wait_for_new_answer(before, timeout=60)
    except Exception as exc:
        version = subprocess.run(
            [str(venv_python), "-c", "import importlib.metadata as m; print(m.version('python-socketio'))"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        raise AssertionError(
            f"no bot_uttered over socket.io (python-socketio {version}; Rasa 3.6 needs < 5.10 because "
            "of the un-awaited enter_room)"
        ) from exc
    assert answer.text.strip()
    tracker = rasa_server.tracker(page.session_id())
    assert any(e.get("event") == "user" and e.get("text") == "hallo" for e in tracker["events"]), (
        "the message must be stored under the widget's session id"
    )


def test_erase_through_the_real_guard_clears_the_chat(real_page, rasa_server):
    """Typing "verwijder mijn gesprek" to the real server (channels/guard.py erases the conversation): the
    widget knows the guard's confirmation as it really arrives over socket.io, keeps only that
    confirmation on screen and in sessionStorage, and a reload brings nothing back."""
    page = real_page
    page.open_with_keyboard()
    page.wait_connected(60)
    before = page.answer_count()
    page.type_and_send(CIZ_QUESTION)
    page.wait_for_new_answer(before)
    session = page.session_id()
    assert any(e.get("text") == CIZ_QUESTION for e in rasa_server.tracker(session).get("events", []))
    assert CIZ_QUESTION in page.session_storage()

    page.type_and_send("verwijder mijn gesprek")
    page.wait_for(lambda d: any(t.startswith("Uw gesprek is verwijderd.") for t in page.bot_texts()), 60)
    assert page.user_texts() == [] and len(page.bot_texts()) == 1
    assert "CIZ" not in page.find("#osw-log").text and "CIZ" not in page.session_storage()
    page.reload()
    page.wait_for(lambda d: page.is_open(), 5)
    assert page.user_texts() == [] and len(page.bot_texts()) == 1 and "CIZ" not in page.session_storage()
    # the server forgot it too
    assert not any(e.get("event") == "user" for e in rasa_server.tracker(session).get("events", []))
