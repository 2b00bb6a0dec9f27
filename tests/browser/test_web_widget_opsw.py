"""The widget with the opsw message kinds of docs/ARCHITECTURE.md, against fake_rasa.py.

Feedback only on advice/detail (with a comment after 👎), crisis messages, scrolling to the start
of a new answer, the growing message box with its 4000-character limit, links and phone numbers,
buttons of answered questions, and phone-sized screenshots.
"""

import json

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from . import screenshots
from .widget_page import WidgetPage

pytestmark = pytest.mark.browser

CIZ_QUESTION = "ik ben het niet eens met het besluit van het CIZ"
CRISIS = "ik wil niet meer leven"


@pytest.fixture
def page(fake_site, browser) -> WidgetPage:
    return WidgetPage(browser, fake_site.url, answer_timeout=15).load()


@pytest.fixture
def phone_page(fake_site, browser) -> WidgetPage:
    screenshots.phone(browser)
    return WidgetPage(browser, fake_site.url, answer_timeout=15).load()


def ask(page: WidgetPage, text: str):
    before = page.answer_count()
    page.type_and_send(text)
    return page.wait_for_new_answer(before)


def sent(fake_rasa, page) -> list:
    return fake_rasa.messages_for(page.session_id())


def set_input(page: WidgetPage, text: str) -> None:
    """Puts text into the message box as a paste would (one input event)."""
    page.driver.execute_script(
        "var i = document.querySelector('#osw-input'); i.value = arguments[0];"
        "i.dispatchEvent(new Event('input', {bubbles: true}));",
        text,
    )


def links_in(page: WidgetPage, element) -> list:
    """(visible text, href) of the links in the message text of element (not the call buttons)."""
    return [
        tuple(pair)
        for pair in page.driver.execute_script(
            "return Array.prototype.map.call(arguments[0].querySelectorAll('.osw-p a'), function (a) {"
            "  var c = a.cloneNode(true); c.querySelectorAll('.osw-sr-only').forEach(function (n) { n.remove(); });"
            "  return [c.textContent, a.getAttribute('href')]; });",
            element,
        )
    ]


def contrast(page: WidgetPage, element) -> float:
    """WCAG contrast ratio of element's text colour on the background it is drawn on."""
    return page.driver.execute_script(
        "function rgb(c) { return c.match(/[\\d.]+/g).slice(0, 3).map(Number); }"
        "function lum(c) { return rgb(c).map(function (v) { v /= 255;"
        "  return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })"
        "  .reduce(function (s, v, i) { return s + v * [0.2126, 0.7152, 0.0722][i]; }, 0); }"
        "var s = getComputedStyle(arguments[0]), bg = arguments[0];"
        "while (bg && /rgba\\(.*, 0\\)|transparent/.test(getComputedStyle(bg).backgroundColor)) bg = bg.parentElement;"
        "var a = lum(s.color), b = lum(getComputedStyle(bg || document.body).backgroundColor);"
        "return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);",
        element,
    )


# --- 1. feedback only where opsw.feedback is true ------------------------------------------------
def test_no_feedback_on_questions_crisis_info_or_messages_without_opsw(page):
    page.open_with_keyboard()
    crisis = ask(page, CRISIS)  # crisis + question (with buttons) in one answer
    info = ask(page, "hallo")  # kind info
    plain = ask(page, "zonder opsw")  # Rasa's own channel: no opsw at all
    advice = ask(page, "lang advies")  # kind advice: the only one with feedback
    page.wait_for(lambda d: advice.find_elements(By.CSS_SELECTOR, ".osw-feedback"), 5, "no feedback on advice")
    for answer in (crisis, info, plain):
        assert answer.find_elements(By.CSS_SELECTOR, ".osw-fb") == []
    assert len(page.find_all(".osw-feedback")) == 1


def test_opsw_on_the_first_part_only_covers_the_whole_message(page):
    page.open_with_keyboard()
    answer = ask(page, "alleen eerste deel")
    page.wait_for(lambda d: answer.find_elements(By.CSS_SELECTOR, ".osw-feedback"), 5)
    bubbles = answer.find_elements(By.CSS_SELECTOR, ".osw-msg-bot")
    assert len(bubbles) == 1  # the two parts of one message are paragraphs of one bubble
    assert "Eerste deel" in bubbles[0].text and "Tweede deel" in bubbles[0].text
    # the feedback control comes after the whole message
    assert page.driver.execute_script(
        "return arguments[0].nextElementSibling === arguments[1];",
        bubbles[0],
        answer.find_element(By.CSS_SELECTOR, ".osw-feedback"),
    )


def test_thumbs_down_asks_what_was_wrong_and_sends_the_comment_as_json(page, fake_rasa):
    page.open_with_keyboard()
    answer = ask(page, "lang advies")
    page.wait_for(lambda d: answer.find_elements(By.CSS_SELECTOR, ".osw-fb-down"), 5)
    form = answer.find_element(By.CSS_SELECTOR, ".osw-comment")
    assert not form.is_displayed()
    page.click(answer.find_element(By.CSS_SELECTOR, ".osw-fb-up"))
    page.wait_for(lambda d: sent(fake_rasa, page)[-1:] == ['/feedback{"feedback":"up"}'], 5)
    assert not form.is_displayed()  # only after 👎

    page.click(answer.find_element(By.CSS_SELECTOR, ".osw-fb-down"))
    page.wait_for(lambda d: sent(fake_rasa, page)[-1:] == ['/feedback{"feedback":"down"}'], 5)
    assert form.is_displayed()
    label = form.find_element(By.TAG_NAME, "label")
    assert label.text.startswith("Wat klopte er niet?")
    field = form.find_element(By.TAG_NAME, "textarea")
    assert label.get_attribute("for") == field.get_attribute("id")
    assert page.active_matches(".osw-comment-input"), "focus should move to the comment field"

    # too long: not sent, said in Dutch, the text is kept
    page.driver.execute_script(
        "arguments[0].value = 'a'.repeat(501); arguments[0].dispatchEvent(new Event('input'));", field
    )
    count_before = len(sent(fake_rasa, page))
    page.keys(Keys.ENTER)
    note = form.find_element(By.CSS_SELECTOR, ".osw-limit")
    page.wait_for(lambda d: "te lang" in note.text, 5)
    assert "500" in note.text and "501" in note.text
    assert len(sent(fake_rasa, page)) == count_before
    assert len(field.get_attribute("value")) == 501

    # quotes, a backslash and a new line (Shift+Enter) are JSON-escaped in the payload
    page.driver.execute_script("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input'));", field)
    field.click()
    comment = 'De "termijn" klopt niet \\ zie brief'
    ActionChains(page.driver).send_keys(comment).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(
        Keys.SHIFT
    ).send_keys("tweede regel").perform()
    page.wait_for(lambda d: field.get_attribute("value").count("\n") == 1, 5)
    page.keys(Keys.ENTER)
    page.wait_for(lambda d: len(sent(fake_rasa, page)) == count_before + 1, 5, "the comment was not sent")
    message = sent(fake_rasa, page)[-1]
    assert message.startswith("/feedback{")
    assert json.loads(message[len("/feedback") :]) == {"feedback": "down", "comment": comment + "\ntweede regel"}
    assert "\n" not in message  # escaped, so Rasa's "/intent{json}" parsing sees one line
    # which answer: its number and its start (feedback is on the last part; the text is the first)
    meta = fake_rasa.received[-1]["metadata"]["feedback_for"]
    assert meta["answer"] == 1 and meta["text"].startswith("**Uw volgende stap: Bezwaar maken bij het CIZ**")
    assert len(meta["text"]) == 200
    # the server's reply ("Dank u voor uw reactie.", kind notice) is the status of this answer,
    # not a new chat message; feedback itself is never shown as a chat message either
    status = answer.find_element(By.CSS_SELECTOR, ".osw-feedback-status")
    page.wait_for(lambda d: status.text == "Dank u voor uw reactie." and len(sent(fake_rasa, page)) == 4, 5)
    assert not form.is_displayed()
    assert page.user_texts() == ["lang advies"]
    assert page.answer_count() == 1 and not any("Dank u" in t for t in page.bot_texts())
    # the next real answer is shown as usual
    page.input.click()
    assert "U schreef: hallo" in ask(page, "hallo").text


# --- 2. crisis messages ---------------------------------------------------------------------------
def test_crisis_message_is_distinct_announced_and_has_call_links(page):
    page.open_with_keyboard()
    answer = ask(page, CRISIS)
    crisis = answer.find_element(By.CSS_SELECTOR, ".osw-msg-crisis")
    assert crisis.get_attribute("role") == "alert"  # assertive: read out before anything else
    assert "Eerst uw veiligheid" in crisis.text and "Bron:" in crisis.text  # one bubble, all parts
    hrefs = [href for _, href in links_in(page, crisis)]
    assert hrefs == ["tel:112", "tel:113", "tel:113", "tel:08000113"]
    calls = crisis.find_elements(By.CSS_SELECTOR, "a.osw-call")
    assert [(c.text, c.get_attribute("href")) for c in calls] == [
        ("Bel 112", "tel:112"),
        ("Bel 113", "tel:113"),
        ("Bel 0800-0113", "tel:08000113"),
    ]
    for call in calls:
        size = call.size
        assert size["height"] >= 44 and size["width"] >= 44
        assert contrast(page, call) >= 4.5
    # the source line is there, smaller, and after the call buttons
    source = crisis.find_element(By.CSS_SELECTOR, ".osw-source")
    assert source.text.startswith("Bron:")
    px = lambda e: float(e.value_of_css_property("font-size")[:-2])  # noqa: E731
    assert px(source) < px(crisis)
    assert contrast(page, source) >= 4.5
    assert page.driver.execute_script(
        "return !!(arguments[0].compareDocumentPosition(arguments[1]) & Node.DOCUMENT_POSITION_FOLLOWING);",
        calls[-1],
        source,
    )
    # looks different from an ordinary answer, with readable text (WCAG AA)
    question = answer.find_elements(By.CSS_SELECTOR, ".osw-msg-bot:not(.osw-msg-crisis)")
    assert len(question) == 1 and "Waar loopt u tegenaan?" in question[0].text
    css = lambda e, p: e.value_of_css_property(p)  # noqa: E731
    assert css(crisis, "background-color") != css(question[0], "background-color")
    assert css(crisis, "border-left-width") != css(question[0], "border-left-width")
    assert contrast(page, crisis) >= 4.5
    # the question after it is a normal message with its buttons
    assert len(answer.find_elements(By.CSS_SELECTOR, "button.osw-choice")) == 6
    # after a reload the crisis message is shown again, but not announced again
    page.reload()
    crisis = page.find(".osw-msg-crisis")
    assert crisis.get_attribute("role") is None
    assert len(crisis.find_elements(By.CSS_SELECTOR, "a.osw-call")) == 3


# --- 3. a new answer is read from its start -------------------------------------------------------
def test_log_scrolls_to_the_start_of_a_long_answer_with_the_question_above_it(phone_page):
    page = phone_page
    page.open_with_keyboard()
    ask(page, "hallo")
    ask(page, "hallo nog eens")
    answer = ask(page, "lang advies")
    page.wait_for(lambda d: page.scroll_settled(), 5)
    log = page.find("#osw-log")
    user = page.find_all(".osw-msg-user")[-1]
    where_user, where_answer = page.offset_in_log(user), page.offset_in_log(answer)
    assert where_user["top"] >= 0, "the user's own message should stay visible above the answer"
    assert 0 <= where_answer["top"] <= 0.45 * where_answer["height"]
    assert where_answer["bottom"] > where_answer["height"], "the answer is longer than the screen"
    # not scrolled to the end: the rest of the answer is below
    assert (
        page.driver.execute_script(
            "return arguments[0].scrollHeight - arguments[0].scrollTop - arguments[0].clientHeight;", log
        )
        > 100
    )
    # also after the feedback control was added
    page.wait_for(lambda d: answer.find_elements(By.CSS_SELECTOR, ".osw-feedback"), 5)
    assert page.offset_in_log(answer)["top"] == pytest.approx(where_answer["top"], abs=2)


def test_after_a_long_story_the_answer_still_starts_near_the_top(phone_page):
    page = phone_page
    page.open_with_keyboard()
    story = " ".join(["Mijn moeder woont thuis en de zorg loopt vast."] * 30)
    set_input(page, story)
    page.keys(Keys.ENTER)
    page.wait_for(lambda d: page.answer_count() == 1, 10)
    answer = page.wait_for_new_answer(0)
    page.wait_for(lambda d: page.scroll_settled(), 5)
    where = page.offset_in_log(answer)
    assert 0 <= where["top"] <= 0.45 * where["height"]
    # the end of the user's story is visible just above the answer (also when a note such as
    # "Nog geen verbinding …" came between them: the story was sent before the socket connected)
    assert page.offset_in_log(page.find(".osw-msg-user"))["bottom"] > 0


def test_a_note_between_question_and_answer_does_not_hide_the_question(phone_page):
    page = phone_page
    page.open_with_keyboard()
    page.wait_connected()
    ask(page, "hallo")
    before = page.answer_count()
    page.type_and_send("lang advies, langzaam")  # the fake server answers after 1.5 s
    # while it waits, a note of the chat itself (as "Nog geen verbinding …") comes after the question
    page.driver.execute_script(
        "var n = document.createElement('div'); n.className = 'osw-system'; n.textContent = 'Een notitie.';"
        "document.querySelector('#osw-log').appendChild(n);"
    )
    answer = page.wait_for_new_answer(before)
    page.wait_for(lambda d: page.scroll_settled(), 5)
    assert page.offset_in_log(page.find_all(".osw-msg-user")[-1])["top"] >= 0
    assert 0 <= page.offset_in_log(answer)["top"] <= 0.45 * page.offset_in_log(answer)["height"]


# --- 4. the message box -----------------------------------------------------------------------
def test_message_box_grows_and_shift_enter_makes_a_new_line(phone_page, fake_rasa):
    page = phone_page
    page.open_with_keyboard()
    page.wait_connected()
    box = page.input
    assert box.tag_name == "textarea"
    one_line = box.size["height"]
    ActionChains(page.driver).send_keys("Eerste regel").key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(
        Keys.SHIFT
    ).send_keys("tweede regel").perform()
    page.wait_for(lambda d: box.size["height"] > one_line, 5, "the box did not grow")
    assert box.get_attribute("value") == "Eerste regel\ntweede regel"
    assert sent(fake_rasa, page) == []  # Shift+Enter did not send
    # a long story: at most ~40 % of the screen, then the box scrolls
    set_input(page, "\n".join(f"regel {i}" for i in range(60)))
    inner = page.driver.execute_script("return window.innerHeight;")
    page.wait_for(lambda d: box.size["height"] > 3 * one_line, 5)
    assert box.size["height"] <= 0.4 * inner + 1
    assert page.driver.execute_script("return arguments[0].scrollHeight > arguments[0].clientHeight;", box)
    assert box.value_of_css_property("overflow-y") == "auto"
    # Enter sends the whole text, line breaks included, and the box shrinks again
    page.keys(Keys.ENTER)
    page.wait_for(lambda d: len(sent(fake_rasa, page)) == 1, 5)
    assert sent(fake_rasa, page)[0] == "\n".join(f"regel {i}" for i in range(60))
    page.wait_for(lambda d: box.size["height"] == one_line, 5)
    assert page.user_texts()[-1].count("\n") == 59


def test_counter_and_4000_character_limit_block_sending_without_cutting(page, fake_rasa):
    page.open_with_keyboard()
    page.wait_connected()
    counter = page.find("#osw-count")
    assert counter.text == "0 van 4000 tekens" and counter.is_displayed()
    assert "osw-count" in page.input.get_attribute("aria-describedby")
    set_input(page, "😀" * 10)  # characters, not UTF-16 units, as the server counts them
    page.wait_for(lambda d: counter.text == "10 van 4000 tekens", 5)

    too_long = "a" * 3990 + " einde" + "b" * 5  # 4001 characters
    set_input(page, too_long)
    note = page.find("#osw-limit")
    page.wait_for(lambda d: note.is_displayed(), 5, "no warning above the limit")
    assert counter.text == "4001 van 4000 tekens"
    assert "te lang" in note.text and "4001" in note.text and "4000" in note.text
    assert page.input.get_attribute("aria-invalid") == "true"
    page.keys(Keys.ENTER)
    page.find(".osw-send").click()
    assert page.input.get_attribute("value") == too_long  # kept, never cut
    assert page.user_texts() == []

    # one character less: it goes out whole
    page.keys(Keys.END, Keys.BACKSPACE)
    page.wait_for(lambda d: not note.is_displayed(), 5)
    assert counter.text == "4000 van 4000 tekens"
    page.keys(Keys.ENTER)
    page.wait_for(lambda d: sent(fake_rasa, page) != [], 5)
    assert sent(fake_rasa, page) == [too_long[:-1]]  # the blocked attempts sent nothing
    assert counter.text == "0 van 4000 tekens"


# --- 5. links and phone numbers -------------------------------------------------------------------
def test_plain_addresses_phone_numbers_and_email_become_links(page):
    page.open_with_keyboard()
    advice = ask(page, "lang advies")
    links = dict(links_in(page, advice))
    assert links["www.ciz.nl"] == "https://www.ciz.nl/"
    assert links["088-789 10 00"] == "tel:0887891000"
    assert links["info.bezwaarberoep@ciz.nl"] == "mailto:info.bezwaarberoep@ciz.nl"
    assert "https://ciz.nl/client/veelgestelde-vragen-clienten/bezwaar-maken" in links.values()
    for a in advice.find_elements(By.CSS_SELECTOR, ".osw-p a"):
        assert "underline" in a.value_of_css_property("text-decoration-line")
    # "- " lines are list items
    assert len(advice.find_elements(By.CSS_SELECTOR, ".osw-li")) == 2

    numbers = ask(page, "nummers")
    links = links_in(page, numbers)
    assert links == [
        ("112", "tel:112"),
        ("113", "tel:113"),  # after "bel" / "belt u liever"
        ("0800-33 55 555", "tel:08003355555"),
        ("020 123 4567", "tel:0201234567"),
        ("www.nationaleombudsman.nl", "https://www.nationaleombudsman.nl/"),
        ("info@ciz.nl", "mailto:info@ciz.nl"),
    ]
    text = numbers.text
    assert "Artikel 112 en 113 keer blijven tekst" in text and "01-12-2026, 2026-01-12" in text
    assert page.find_all(".osw-calls") == []  # call buttons only under crisis messages
    # "… Bron: …" inside a line goes to a smaller line of its own
    sources = numbers.find_elements(By.CSS_SELECTOR, ".osw-source")
    assert [e.text for e in sources] == ["Bron: Openbare bron, 'Klachten'."]
    assert "info@ciz.nl.\nBron: Openbare bron" in numbers.find_element(By.CSS_SELECTOR, ".osw-msg-bot").text


def test_every_button_is_at_least_44_by_44(page):
    page.open_with_keyboard()
    ask(page, CRISIS)
    page.input.click()
    advice = ask(page, "lang advies")
    page.wait_for(lambda d: advice.find_elements(By.CSS_SELECTOR, ".osw-fb"), 5)
    small = [
        (e.text or e.get_attribute("aria-label"), e.size)
        for e in page.find_all(".osw-dialog button, .osw-call")
        if e.is_displayed() and (e.size["height"] < 44 or e.size["width"] < 44)
    ]
    assert small == []


# --- 6. buttons under a message -------------------------------------------------------------------
def test_buttons_of_an_answered_question_are_disabled(page, fake_rasa):
    page.open_with_keyboard()
    question = ask(page, CIZ_QUESTION)
    choices = question.find_elements(By.CSS_SELECTOR, "button.osw-choice")
    assert all(c.is_enabled() for c in choices)
    page.click(choices[0])
    page.wait_for(lambda d: page.answer_count() == 2, 10)
    assert page.user_texts()[-1] == "Nee, nog niet" and sent(fake_rasa, page)[-1] == "/deny"
    assert [c.is_enabled() for c in choices] == [False, False]
    assert "osw-chosen" in choices[0].get_attribute("class")
    assert "gekozen" in choices[0].get_attribute("textContent")
    # focus does not stay on a disabled button: it goes to the new message (test_web_widget_phone.py)
    assert page.active_matches(".osw-msg-user")

    # a typed answer closes the buttons as well; the newest question stays usable
    page.input.click()
    crisis = ask(page, CRISIS)
    situation = crisis.find_elements(By.CSS_SELECTOR, "button.osw-choice")
    assert all(c.is_enabled() for c in situation)
    ask(page, "geen plek")
    assert not any(c.is_enabled() for c in situation)
    assert page.find_all(".osw-chosen") == [choices[0]]

    page.reload()
    page.wait_for(lambda d: page.is_open(), 5)
    assert not any(b.is_enabled() for b in page.find_all("button.osw-choice"))
    assert len(page.find_all(".osw-chosen")) == 1


# --- 7. phone size and screenshots ----------------------------------------------------------------
def test_phone_screenshots_are_small_and_nothing_scrolls_sideways(fake_site, browser, tmp_path):
    screenshots.phone(browser)
    files = screenshots.take(browser, fake_site.url, tmp_path)
    assert sorted(files) == sorted(screenshots.SHOTS)
    for path in files.values():
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) < 200_000
    page = WidgetPage(browser, fake_site.url)
    assert page.horizontal_overflow() == 0
    # the crisis call buttons of the last screenshot's conversation are on the screen
    calls = page.find_all(".osw-call")
    assert len(calls) == 3
    for call in calls:
        rect = browser.execute_script("return arguments[0].getBoundingClientRect().toJSON();", call)
        assert rect["left"] >= 0 and rect["right"] <= 375


def test_keyboard_only_call_button_and_comment_with_visible_focus(page, fake_rasa):
    page.open_with_keyboard()
    ask(page, CRISIS)
    focus_ring = "return getComputedStyle(document.activeElement).outlineStyle;"
    call = page.tab_to(".osw-call", backwards=True)
    assert call.text.startswith("Bel ")
    assert page.driver.execute_script(focus_ring) == "solid"
    page.tab_to("#osw-input")
    assert page.driver.execute_script(focus_ring) == "solid"
    advice = ask(page, "lang advies")
    page.wait_for(lambda d: advice.find_elements(By.CSS_SELECTOR, ".osw-fb-down"), 5)
    page.tab_to(".osw-fb-down", backwards=True, limit=80)
    assert page.driver.execute_script(focus_ring) == "solid"
    page.keys(Keys.ENTER)
    page.wait_for(lambda d: page.active_matches(".osw-comment-input"), 5, "focus did not go to the comment field")
    assert page.driver.execute_script(focus_ring) == "solid"
    page.keys("Er ontbreekt een stap", Keys.ENTER)
    page.wait_for(
        lambda d: sent(fake_rasa, page)[-1:] == ['/feedback{"feedback":"down","comment":"Er ontbreekt een stap"}'], 5
    )
    assert page.active_matches(".osw-fb-down")  # focus back on 👎 once the field is gone
