"""The widget on a phone (390 x 844 CSS px, touch), against fake_rasa.py (issue 17, the widget part).

* "verwijder mijn gesprek": once the server confirms the erase, nothing of the conversation stays
  on screen or in sessionStorage, also after a reload (a failed erase keeps the chat);
* "Nieuw gesprek" asks first (in the chat, not window.confirm) and is not next to ✕;
* at 200 % text size the panel fits the screen: ✕, the message box and "Verstuur" can be reached;
* "Direct hulp nodig?" with 112, 113 and Veilig Thuis as tel: links in the chat itself, and the
  chat button does not cover the page's own help line;
* a tap on an answer button keeps focus in the conversation, not in the message box (which would
  open the phone's keyboard after every tap).
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from channels.guard import ERASE_FAILED_TEXT, ERASED_TEXT

from . import screenshots
from .widget_page import WidgetPage

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = screenshots.PHONE_390["width"], screenshots.PHONE_390["height"]
CIZ_QUESTION = "ik ben het niet eens met het besluit van het CIZ"
PRIVATE = "ik schreef iets over het tuinhuis-4711 van mijn moeder"


def on_phone(fake_site, browser_factory, text_size: int = 100) -> WidgetPage:
    """The page on a 390 x 844 touch screen, with the browser's text size at text_size % (its font
    size setting, not zoom: at 200 % 1rem is 32 px)."""
    browser = browser_factory(text_size=text_size)
    screenshots.phone(browser, screenshots.PHONE_390)
    page = WidgetPage(browser, fake_site.url, answer_timeout=15).load()
    root_px = browser.execute_script("return getComputedStyle(document.documentElement).fontSize;")
    assert root_px == f"{16 * text_size // 100}px", root_px
    return page


@pytest.fixture
def phone_page(fake_site, browser_factory) -> WidgetPage:
    return on_phone(fake_site, browser_factory)


@pytest.fixture
def large_text_page(fake_site, browser_factory) -> WidgetPage:
    return on_phone(fake_site, browser_factory, 200)


def ask(page: WidgetPage, text: str):
    before = page.answer_count()
    page.type_and_send(text)
    return page.wait_for_new_answer(before)


def inside_screen(page: WidgetPage, element) -> bool:
    box = page.rect(element)
    return box["left"] >= 0 and box["right"] <= WIDTH and box["top"] >= 0 and box["bottom"] <= HEIGHT


def erase(page: WidgetPage, answer: str) -> None:
    page.type_and_send("verwijder mijn gesprek")
    page.wait_for(lambda d: answer in page.bot_texts(), 15, f"no {answer!r}")


# --- 1. erase -------------------------------------------------------------------------------------
def test_erase_leaves_only_the_confirmation_on_screen_in_storage_and_after_a_reload(phone_page, fake_rasa):
    page = phone_page
    page.open_with_keyboard()
    page.wait_connected()
    ask(page, CIZ_QUESTION)
    ask(page, PRIVATE)  # the fake echoes it: "U schreef: …"
    session = page.session_id()
    assert PRIVATE in page.session_storage()  # the chat keeps the conversation for a reload

    erase(page, ERASED_TEXT)
    assert page.user_texts() == []
    assert page.bot_texts() == [ERASED_TEXT]  # only the confirmation (and the fixed intro)
    assert PRIVATE not in page.find("#osw-log").text and "tuinhuis" not in page.driver.page_source
    stored = page.stored_transcript()
    assert [p["text"] for e in stored for p in e.get("parts", [])] == [ERASED_TEXT] and len(stored) == 1
    storage = page.session_storage()
    assert "tuinhuis" not in storage and "CIZ" not in storage, storage

    page.reload()
    page.wait_for(lambda d: page.is_open(), 5)
    assert page.user_texts() == [] and page.bot_texts() == [ERASED_TEXT]
    assert "tuinhuis" not in page.driver.page_source and "tuinhuis" not in page.session_storage()

    # the conversation goes on (same session: the server already forgot it)
    page.input.click()
    answer = ask(page, "hallo")
    assert "U schreef: hallo" in answer.text
    assert page.session_id() == session and fake_rasa.messages_for(session)[-1] == "hallo"


def test_a_failed_erase_keeps_the_chat(phone_page, fake_rasa):
    fake_rasa.erase_works = False
    page = phone_page
    page.open_with_keyboard()
    ask(page, PRIVATE)
    erase(page, ERASE_FAILED_TEXT)
    assert page.user_texts() == [PRIVATE, "verwijder mijn gesprek"]
    assert PRIVATE in page.session_storage()


# --- 2. "Nieuw gesprek" ---------------------------------------------------------------------------
def test_new_conversation_asks_first_in_the_chat_and_is_not_next_to_close(phone_page, fake_rasa):
    page = phone_page
    page.open_with_keyboard()
    page.wait_connected()
    ask(page, CIZ_QUESTION)
    old_session, users, stored = page.session_id(), page.user_texts(), page.stored_transcript()
    page.driver.execute_script(
        "window.__dialogs = 0;"
        "window.confirm = window.alert = window.prompt = function () { window.__dialogs++; return true; };"
    )

    # away from ✕: not in the header, and a finger's width and more from it
    close, new = page.find(".osw-close"), page.find(".osw-new")
    assert page.find_all(".osw-header .osw-new") == []
    c, n = page.rect(close), page.rect(new)
    gap = max(n["top"] - c["bottom"], c["top"] - n["bottom"], n["left"] - c["right"], c["left"] - n["right"])
    assert gap >= 200, (c, n)
    assert inside_screen(page, new) and page.on_top(new) is None

    # first tap: only a question in the chat; nothing is cleared yet
    page.tap(new)
    confirm = page.find(".osw-confirm")
    page.wait_for(lambda d: confirm.is_displayed(), 5, "no question before a new conversation")
    assert "Nieuw gesprek beginnen?" in confirm.text
    assert confirm.get_attribute("role") == "group"
    assert page.active_matches(".osw-confirm-no")  # the safe answer has focus
    assert page.session_id() == old_session and page.user_texts() == users and page.stored_transcript() == stored
    # a second tap on the same spot (a double tap) lands on "Nee", never on "Ja"
    spot = (n["left"] + n["width"] / 2, n["top"] + n["height"] / 2)
    under_finger = "var e = document.elementFromPoint(arguments[0], arguments[1]); return e && e.className;"
    assert "osw-confirm-no" in page.driver.execute_script(under_finger, *spot)
    page.tap_at(*spot)

    # "Nee": everything stays, focus back on "Nieuw gesprek"
    page.wait_for(lambda d: not confirm.is_displayed(), 5)
    assert page.session_id() == old_session and page.user_texts() == users
    assert page.stored_transcript() == stored and "/restart" not in fake_rasa.messages_for(old_session)
    assert page.active_matches(".osw-new") and new.get_attribute("aria-expanded") == "false"
    # Escape cancels the question, it does not close the chat
    page.keys(Keys.ENTER)
    page.wait_for(lambda d: confirm.is_displayed(), 5)
    page.keys(Keys.ESCAPE)
    page.wait_for(lambda d: not confirm.is_displayed(), 5)
    assert page.is_open() and page.session_id() == old_session

    # "Ja": a new conversation
    page.tap(page.find(".osw-new"))
    page.tap(page.find(".osw-confirm-yes"))
    page.wait_for(lambda d: page.session_id() != old_session, 5)
    assert page.user_texts() == [] and page.stored_transcript() == []
    page.wait_for(lambda d: fake_rasa.messages_for(page.session_id()) == ["/restart"], 5, "no /restart sent")
    assert page.driver.execute_script("return window.__dialogs;") == 0  # no window.confirm


# --- 3. 200 % text --------------------------------------------------------------------------------
def test_panel_fits_a_390px_phone_at_200_percent_text(large_text_page, tmp_path):
    page = large_text_page
    assert page.horizontal_overflow() == 0  # the page (and its chat button) fit, so the chat can too
    assert inside_screen(page, page.launcher)
    page.tap(page.launcher)
    page.wait_for(lambda d: page.is_open(), 5)
    page.wait_connected()

    box = page.rect(page.dialog)
    assert box["left"] >= 0 and box["right"] <= WIDTH, box
    assert page.horizontal_overflow() == 0
    for css in (".osw-close", "#osw-input", ".osw-send", ".osw-new"):
        element = page.find(css)
        assert inside_screen(page, element), (css, page.rect(element))
        assert page.on_top(element) is None, css
    # the help line is the first thing in the conversation, readable without scrolling
    for link in page.find_all(".osw-help a"):
        assert inside_screen(page, link) and page.on_top(link) is None, link.text

    # a conversation with long answers, sent with "Verstuur": still nothing off the screen
    page.tap(page.input)
    page.keys("lang advies")
    before = page.answer_count()
    page.tap(page.find(".osw-send"))
    page.wait_for_new_answer(before)
    page.tap(page.input)
    page.keys(CIZ_QUESTION)
    before = page.answer_count()
    page.tap(page.find(".osw-send"))
    answer = page.wait_for_new_answer(before)
    assert page.horizontal_overflow() == 0
    log = page.find("#osw-log")
    assert page.driver.execute_script("return arguments[0].scrollWidth - arguments[0].clientWidth;", log) <= 0
    assert page.rect(log)["height"] >= 200  # room to read the answers
    for button in answer.find_elements(By.CSS_SELECTOR, "button.osw-choice"):
        box = page.rect(button)
        assert box["left"] >= 0 and box["right"] <= WIDTH, (button.text, box)
    for css in (".osw-close", ".osw-send"):
        assert inside_screen(page, page.find(css)) and page.on_top(page.find(css)) is None, css
    page.screenshot(str(tmp_path / "large-text.png"))
    # ✕ works
    page.tap(page.find(".osw-close"))
    page.wait_for(lambda d: not page.is_open(), 5)


# --- 4. help line ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [100, 200], ids=["text100", "text200"])
def test_help_line_in_the_chat_names_112_113_and_veilig_thuis(fake_site, browser_factory, text):
    page = on_phone(fake_site, browser_factory, text)
    page.open_with_keyboard()
    help_line = page.find(".osw-help")
    assert help_line.text.startswith("Direct hulp nodig?") and "Veilig Thuis" in help_line.text
    assert len(help_line.text) <= 90  # short
    links = help_line.find_elements(By.TAG_NAME, "a")
    assert [a.get_attribute("href") for a in links] == ["tel:112", "tel:113", "tel:08002000"]
    assert [a.text for a in links] == ["112", "113", "0800-2000"]
    for link in links:  # on screen when the chat opens, nothing on top of them
        assert inside_screen(page, link) and page.on_top(link) is None, link.text


@pytest.mark.parametrize("text", [100, 200], ids=["text100", "text200"])
def test_chat_button_does_not_cover_the_pages_help_line(fake_site, browser_factory, text):
    page = on_phone(fake_site, browser_factory, text)
    links = page.find_all("main a[href^='tel:']")
    assert [a.get_attribute("href") for a in links] == ["tel:112", "tel:113", "tel:08000113", "tel:08002000"]
    # as the page opens: every number on the screen can be tapped, none is under the chat button
    for link in links:
        if page.rect(link)["bottom"] <= HEIGHT:
            assert page.on_top(link) is None, (link.text, page.on_top(link))
    if text == 100:  # the help comes before the explanation: on the first screen of a phone
        assert all(page.rect(a)["bottom"] <= HEIGHT for a in links)
    # reached with Tab (a keyboard or switch on the phone): scrolled above the chat button
    for link in links:
        page.tab_to(f"main a[href='{link.get_attribute('href')}']")
        assert inside_screen(page, link) and page.on_top(link) is None, (link.text, page.on_top(link))


# --- 5. focus after a tap on an answer button -------------------------------------------------------
def test_tapping_an_answer_button_keeps_focus_in_the_conversation(phone_page, fake_rasa):
    page = phone_page
    page.open_with_keyboard()
    question = ask(page, CIZ_QUESTION)
    choice = question.find_element(By.CSS_SELECTOR, "button.osw-choice")
    assert choice.text == "Nee, nog niet"
    page.tap(choice)
    answer = page.wait_for_new_answer(1)
    page.wait_for(lambda d: answer.find_elements(By.CSS_SELECTOR, ".osw-fb-up"), 5)
    assert fake_rasa.messages_for(page.session_id())[-1] == "/deny"

    # not the message box (the phone's keyboard would open), not lost to the page
    assert not page.active_matches("#osw-input") and not page.active_matches("body")
    # the new message has focus, inside the log, whose polite live region reads the answer
    assert page.active_matches(".osw-msg-user") and page.active().text.endswith("Nee, nog niet")
    assert page.driver.execute_script(
        "var log = document.activeElement.closest('#osw-log');"
        "return !!log && log.getAttribute('role') === 'log' && log.getAttribute('aria-live') === 'polite'"
        " && log.contains(arguments[0]);",
        answer,
    )
    # Tab goes on to the links and buttons of the answer that came
    page.keys(Keys.TAB)
    assert page.driver.execute_script("return arguments[0].contains(document.activeElement);", answer)
