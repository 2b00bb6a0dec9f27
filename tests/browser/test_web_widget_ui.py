"""Pure UI tests of the web chat against the fake socket.io server (fake_rasa.py).

Rendering, keyboard use, XSS, feedback, new conversation, reload, small screens, connection errors
and an axe-core scan. The real assistant is tested in test_web_rasa.py.
"""

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from .fake_rasa import FakeRasa, free_port
from .widget_page import WidgetPage

pytestmark = pytest.mark.browser

CIZ_QUESTION = "ik ben het niet eens met het besluit van het CIZ"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


@pytest.fixture
def page(fake_site, browser) -> WidgetPage:  # browser last: it is closed before the servers
    return WidgetPage(browser, fake_site.url, answer_timeout=15).load()


def ask(page: WidgetPage, text: str):
    before = page.answer_count()
    page.type_and_send(text)
    return page.wait_for_new_answer(before)


def test_page_explains_what_the_chat_does_and_does_not(page):
    d = page.driver
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
    main = d.find_element(By.TAG_NAME, "main").text
    assert "geen medisch advies" in main
    assert "neemt geen besluiten" in main
    assert "geen BSN" in main and "volledige naam" in main
    # the emergency numbers on the page can be tapped on a phone, Veilig Thuis among them
    hrefs = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "main a[href^='tel:']")]
    assert hrefs == ["tel:112", "tel:113", "tel:08000113", "tel:08002000"]
    assert "Veilig Thuis" in main
    assert page.launcher.get_attribute("aria-expanded") == "false"
    assert not page.is_open()


def test_keyboard_only_conversation_with_buttons(page, fake_rasa):
    page.open_with_keyboard()
    assert page.launcher.get_attribute("aria-expanded") == "true"
    # the input has a real <label>
    label = page.find("label[for='osw-input']")
    assert label.text.strip() == "Uw bericht"

    answer = ask(page, CIZ_QUESTION)
    assert "niet eens" in answer.text
    choices = answer.find_elements(By.CSS_SELECTOR, "button.osw-choice")
    assert [c.text for c in choices] == ["Nee, nog niet", "Ja, dat loopt al"]

    # Shift+Tab from the input back into the answer, to the first choice; Space picks it
    page.tab_to(".osw-buttons button.osw-choice:first-child", backwards=True)
    assert page.active().text == "Nee, nog niet"
    before = page.answer_count()
    page.keys(Keys.SPACE)
    step = page.wait_for_new_answer(before)

    assert page.user_texts()[-1] == "Nee, nog niet"  # the title is shown as the user's message
    assert fake_rasa.messages_for(page.session_id())[-1] == "/deny"  # the payload is sent
    assert "bezwaar maken bij het CIZ" in step.text
    assert step.find_element(By.TAG_NAME, "strong").text == "bezwaar maken bij het CIZ"

    # Escape closes the dialog and focus goes back to the launcher
    page.input.click()
    page.keys(Keys.ESCAPE)
    page.wait_for(lambda d: not page.is_open(), 5)
    assert page.active_matches(".osw-launcher")
    assert page.launcher.get_attribute("aria-expanded") == "false"
    # Enter on the launcher opens it again, with the conversation still there
    page.keys(Keys.ENTER)
    page.wait_for(lambda d: page.is_open(), 5)
    assert page.user_texts()[0] == CIZ_QUESTION


def test_log_region_and_dialog_semantics(page):
    page.open_with_keyboard()
    log = page.find("#osw-log")
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"
    dialog = page.dialog
    assert dialog.get_attribute("role") == "dialog"
    assert page.find("#" + dialog.get_attribute("aria-labelledby")).text == "Opschalingswijzer"
    assert page.launcher.get_attribute("aria-controls") == "osw-dialog"
    new_chat = page.find(".osw-new")
    assert new_chat.tag_name == "button" and new_chat.text == "Nieuw gesprek"


def test_conversation_survives_reload(page, fake_rasa):
    page.open_with_keyboard()
    page.wait_connected()
    ask(page, CIZ_QUESTION)
    session = page.session_id()
    users, bots = page.user_texts(), page.bot_texts()

    page.reload()
    page.wait_for(lambda d: page.is_open(), 5, "the open chat should stay open after a reload")
    assert page.session_id() == session
    assert page.user_texts() == users
    assert page.bot_texts() == bots
    # the buttons still work after the reload, in the same Rasa session
    page.wait_connected()
    before = page.answer_count()
    page.find_all("button.osw-choice")[1].click()
    page.wait_for_new_answer(before)
    assert fake_rasa.messages_for(session)[-1] == "/affirm"
    assert fake_rasa.sessions_requested[-1] == session


def test_script_and_html_are_shown_literally_never_run(page):
    page.open_with_keyboard()
    ask(page, XSS)
    assert page.user_texts()[-1] == XSS
    assert page.bot_texts()[-1] == "U schreef: " + XSS  # the bot's echo is literal too
    assert page.driver.execute_script("return typeof window.__xss;") == "undefined"
    assert page.find_all(".osw-log script, .osw-log img") == []
    page.reload()
    assert page.user_texts()[-1] == XSS
    assert page.driver.execute_script("return typeof window.__xss;") == "undefined"


def test_markdown_links_and_line_breaks(page):
    page.open_with_keyboard()
    answer = ask(page, "markdown")
    bubble = answer.find_element(By.CSS_SELECTOR, ".osw-msg-bot")
    strongs = [s.text for s in bubble.find_elements(By.TAG_NAME, "strong")]
    assert strongs == ["Wat kunt u doen?", "belangrijk", "ook"]
    assert [e.text for e in bubble.find_elements(By.TAG_NAME, "em")] == ["Bron: de regelhulp, body_id bezwaar_ciz."]
    assert len(bubble.find_elements(By.TAG_NAME, "br")) == 5
    links = {a.get_attribute("href"): a for a in bubble.find_elements(By.TAG_NAME, "a")}
    assert set(links) == {
        "https://www.ciz.nl/bezwaar",
        "https://www.rijksoverheid.nl/zorg",
        "tel:0887891000",
        "mailto:info@ciz.nl",
    }
    for href in ("https://www.ciz.nl/bezwaar", "https://www.rijksoverheid.nl/zorg"):
        assert links[href].get_attribute("target") == "_blank"
        assert "noopener" in links[href].get_attribute("rel")
    # the trailing full stop is not part of the bare link
    assert links["https://www.rijksoverheid.nl/zorg"].text.startswith("https://www.rijksoverheid.nl/zorg")
    assert "klik hier" in bubble.text and "javascript:" not in bubble.get_attribute("innerHTML")
    assert "<b>geen html</b>" in bubble.text
    assert "window.__name__ blijft tekst" in bubble.text


def test_feedback_sets_aria_pressed_and_is_sent(page, fake_rasa):
    fake_rasa.reply_to_feedback = False  # only the socket.io acknowledgement says it arrived
    page.open_with_keyboard()
    question = ask(page, CIZ_QUESTION)  # opsw kind "question": no feedback there
    page.click(question.find_element(By.CSS_SELECTOR, "button.osw-choice"))
    page.wait_for(lambda d: page.answer_count() == 2, 10)
    answer = page.find_all(".osw-answer")[-1]  # opsw kind "advice", feedback true
    page.wait_for(lambda d: answer.find_elements(By.CSS_SELECTOR, ".osw-fb-up"), 5)
    assert question.find_elements(By.CSS_SELECTOR, ".osw-feedback") == []
    up = answer.find_element(By.CSS_SELECTOR, ".osw-fb-up")
    down = answer.find_element(By.CSS_SELECTOR, ".osw-fb-down")
    assert up.get_attribute("aria-label") == "Dit antwoord hielp"
    assert down.get_attribute("aria-label") == "Dit antwoord hielp niet"
    assert up.get_attribute("aria-pressed") == "false" and down.get_attribute("aria-pressed") == "false"
    # one feedback control per answer, also when the answer came in two parts
    assert len(answer.find_elements(By.CSS_SELECTOR, ".osw-feedback")) == 1

    page.click(up)
    assert up.get_attribute("aria-pressed") == "true"
    # "received" is shown when the server acknowledged the message (socket.io ack after handling it)
    status = answer.find_element(By.CSS_SELECTOR, ".osw-feedback-status")
    page.wait_for(lambda d: "ontvangen" in status.text, 5, "no confirmation that the feedback arrived")
    sent = [m for m in fake_rasa.received if m["session_id"] == page.session_id()][-1]
    assert sent["message"] == '/feedback{"feedback":"up"}'
    assert sent["metadata"]["feedback_for"]["answer"] == 2
    assert sent["metadata"]["feedback_for"]["text"].startswith("De volgende stap is **bezwaar maken bij het CIZ**")
    # feedback is not shown as a chat message
    assert page.user_texts() == [CIZ_QUESTION, "Nee, nog niet"]

    down.send_keys(Keys.SPACE)  # keyboard works too
    assert down.get_attribute("aria-pressed") == "true" and up.get_attribute("aria-pressed") == "false"
    page.wait_for(lambda d: fake_rasa.messages_for(page.session_id())[-1] == '/feedback{"feedback":"down"}', 5)

    page.reload()
    assert page.find(".osw-fb-down").get_attribute("aria-pressed") == "true"
    assert page.stored_transcript()[-1]["fb"] == "down"


def test_new_conversation_starts_a_new_session(page, fake_rasa):
    page.open_with_keyboard()
    ask(page, CIZ_QUESTION)
    old_session = page.session_id()
    page.find(".osw-new").click()  # asks first (test_web_widget_phone.py), "Ja" starts it
    assert page.session_id() == old_session
    page.find(".osw-confirm-yes").click()
    new_session = page.session_id()
    assert new_session != old_session
    assert page.user_texts() == [] and page.bot_texts() == []
    assert page.stored_transcript() == []
    page.wait_for(lambda d: fake_rasa.messages_for(new_session) == ["/restart"], 5, "no /restart sent")
    assert fake_rasa.sessions_requested[-1] == new_session
    assert page.active_matches("#osw-input")
    answer = ask(page, "hallo")
    assert "U schreef: hallo" in answer.text
    assert fake_rasa.messages_for(new_session) == ["/restart", "hallo"]


def test_typing_indicator_while_waiting(page):
    page.open_with_keyboard()
    page.wait_connected()
    typing = page.find(".osw-typing")
    assert not typing.is_displayed()
    before = page.answer_count()
    page.type_and_send("langzaam")
    page.wait_for(lambda d: typing.is_displayed(), 2, "typing indicator not shown")
    assert "typt" in typing.text
    page.wait_for_new_answer(before)
    assert not typing.is_displayed()


def test_reduced_motion_stops_the_typing_animation(page):
    page.driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]}
    )
    page.open_with_keyboard()
    anim = page.driver.execute_script(
        "return getComputedStyle(document.querySelector('.osw-dots span')).animationName;"
    )
    assert anim == "none"


@pytest.mark.parametrize("width,height", [(320, 640), (640, 360)], ids=["320px", "zoom200"])
def test_small_screen_and_zoom_have_no_horizontal_scroll(fake_site, browser, width, height):
    # 640x360 CSS px is a 1280x720 window at 200 % zoom
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    page = WidgetPage(browser, fake_site.url, answer_timeout=15).load()
    assert page.horizontal_overflow() == 0
    page.open_with_keyboard()
    ask(page, CIZ_QUESTION)
    ask(page, "https://www.example.org/" + "heel-lange-link-" * 20 + " en " + "x" * 200)
    page.input.click()
    ask(page, "ik wil niet meer leven")  # crisis message with its call buttons
    assert page.horizontal_overflow() == 0
    for call in page.find_all(".osw-call"):
        rect = browser.execute_script("return arguments[0].getBoundingClientRect().toJSON();", call)
        assert rect["left"] >= 0 and rect["right"] <= width, rect
    log = page.find("#osw-log")
    assert browser.execute_script("return arguments[0].scrollWidth - arguments[0].clientWidth;", log) <= 0
    # only the log scrolls: the dialog itself has no overflow (header and input stay in place)
    assert browser.execute_script("return arguments[0].scrollHeight - arguments[0].clientHeight;", page.dialog) <= 0
    # the input, send and close buttons are inside the viewport
    for css in ("#osw-input", ".osw-send", ".osw-close", ".osw-new"):
        rect = browser.execute_script("return arguments[0].getBoundingClientRect().toJSON();", page.find(css))
        assert rect["left"] >= 0 and rect["right"] <= width, (css, rect)
        assert rect["top"] >= 0 and rect["bottom"] <= height, (css, rect)


def test_connection_error_is_explained_and_input_recovers(site_factory, browser):
    port = free_port()  # nothing listens here yet
    site = site_factory(f"http://127.0.0.1:{port}")
    page = WidgetPage(browser, site.url, answer_timeout=30).load()
    page.open_with_keyboard()
    page.wait_for(lambda d: "geen verbinding" in page.find("#osw-log").text, 20, "no offline message")
    assert page.input.is_enabled()
    page.type_and_send("hallo")  # typed while offline: kept and sent later
    assert page.user_texts() == ["hallo"]
    server = FakeRasa(port).start()
    try:
        page.wait_for(lambda d: "verbinding is hersteld" in page.find("#osw-log").text, 30, "no reconnect")
        page.wait_for(lambda d: any("U schreef: hallo" in t for t in page.bot_texts()), 15)
        assert page.input.is_enabled()
        ask(page, "nog een vraag")
    finally:
        server.stop()


def test_axe_reports_no_serious_or_critical_violations(page):
    result = page.run_axe()
    assert "error" not in result, result
    closed = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert closed == [], json.dumps(closed, indent=2, ensure_ascii=False)

    page.open_with_keyboard()
    ask(page, "ik wil niet meer leven")  # crisis message with call buttons, then a question
    page.input.click()
    answer = ask(page, "lang advies")
    page.wait_for(lambda d: answer.find_elements(By.CSS_SELECTOR, ".osw-fb-down"), 5)
    page.click(answer.find_element(By.CSS_SELECTOR, ".osw-fb-down"))  # opens the comment field
    page.wait_for(lambda d: answer.find_element(By.CSS_SELECTOR, ".osw-comment").is_displayed(), 5)
    page.input.click()
    ask(page, "markdown")
    # a message over the limit: counter and warning shown
    page.driver.execute_script(
        "var i = document.querySelector('#osw-input'); i.value = 'x'.repeat(4001);"
        "i.dispatchEvent(new Event('input', {bubbles: true}));"
    )
    page.wait_for(lambda d: page.find("#osw-limit").is_displayed(), 5)
    result = page.run_axe()
    assert "error" not in result, result
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=2, ensure_ascii=False)
