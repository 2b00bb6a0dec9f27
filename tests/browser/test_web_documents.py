"""Downloads from the widget as a new user makes them, on a phone (390 x 844, touch) and on a desktop, against the
project's real channels (socket.io, documents, behind the guard) and the real dialogue
(tests/channels/dialogue_app.py): after a bezwaar advice the draft bezwaarschrift (Word) and the calendar file land
in the download folder and open with their libraries; 'Overzicht maken' lists the facts with the hint to correct
them first, and the overview page opens in a new window and hides its screen hint when printed."""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from tests.channels.dialogue_app import DialogueServer

from . import screenshots
from .flows import ask, pick
from .widget_page import WidgetPage

pytestmark = pytest.mark.browser

TODAY = date(2026, 12, 1)
STORY = "Het CIZ gaf mijn moeder geen Wlz-indicatie. Ik ben het daar niet mee eens. Het besluit is van 3 november 2026."
LETTER_LINKS = ["Brief downloaden (Word)", "Brief als PDF", "Kort bezwaar zonder uitleg (Word)", "In mijn agenda"]


@pytest.fixture
def dialogue_server(monkeypatch):
    monkeypatch.setenv("OPSW_DOCUMENT_SECRET", "test-document-secret-0123456789abcdef")
    monkeypatch.setenv("OPSW_TODAY", TODAY.isoformat())
    monkeypatch.setenv("OPSW_SENDER_SALT", "test-sender-salt-0123456789abcdef")
    monkeypatch.setenv("OPSW_CORS_ORIGINS", "*")  # the page is served on another port
    monkeypatch.setenv("OPSW_PRIVACY_NAMES", "0")  # deduce's name lists load slowly on a busy machine
    from opschaling.dialogue import Turn, respond

    respond(None, Turn(text="hallo"), today=TODAY)  # the learned danger model loads (or trains) here, not in a turn
    server = DialogueServer(TODAY).start()
    yield server
    server.stop()


def wait_for_file(folder: Path, name: str, timeout: float = 30) -> bytes:
    deadline = time.monotonic() + timeout
    path = folder / name
    while time.monotonic() < deadline:
        if path.is_file() and not list(folder.glob("*.crdownload")) and path.stat().st_size:
            return path.read_bytes()
        time.sleep(0.2)
    raise AssertionError(f"{name} was not downloaded: {sorted(p.name for p in folder.iterdir())}")


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_new_user_downloads_the_letter_the_calendar_file_and_the_overview(
    screen, dialogue_server, site_factory, browser_factory, tmp_path
):
    import docx
    from icalendar import Calendar

    browser = browser_factory()
    width = 1280
    if screen == "phone":
        screenshots.phone(browser, screenshots.PHONE_390)
        width = screenshots.PHONE_390["width"]
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    site = site_factory(dialogue_server.url)
    page = WidgetPage(browser, site.url, answer_timeout=30).load()
    page.open_with_keyboard()
    page.wait_connected()

    question = ask(page, STORY)
    advice = pick(page, question, r"^Nee")
    links = advice.find_elements(By.CSS_SELECTOR, "a.osw-doc")
    assert [link.text.strip() for link in links] == LETTER_LINKS  # the ⤓ is CSS (::before), not text
    for link in links:  # each fits the screen and is big enough to tap
        box = page.rect(link)
        assert box["height"] >= 44 and box["left"] >= 0 and box["right"] <= width, (link.text, box)
    note = advice.find_element(By.CSS_SELECTOR, ".osw-docs-note").text
    assert "Juridisch Loket" in note and "24 uur" in note

    page.click(links[0])
    letter = docx.Document(io.BytesIO(wait_for_file(tmp_path, "bezwaarschrift.docx")))
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "Aan: CIZ, t.a.v. Team Bezwaar en Beroep" in text
    assert "Ik maak bezwaar tegen uw besluit van 3 november 2026." in text
    assert "Stuur de brief uiterlijk dinsdag 15 december 2026." in text

    page.click(links[3])
    calendar = Calendar.from_ical(wait_for_file(tmp_path, "laatste-dag.ics"))
    (event,) = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert event.decoded("dtstart") == date(2026, 12, 15)

    page.click(links[1])
    assert wait_for_file(tmp_path, "bezwaarschrift.pdf").startswith(b"%PDF")

    # 'Overzicht maken': first what goes in it and how to correct it, then the overview itself
    check = pick(page, advice, r"^Overzicht maken$")
    assert "Klopt iets niet? Typ eerst wat anders is" in check.text
    assert "het CIZ" in check.text and "3 november 2026" in check.text
    overview_links = check.find_elements(By.CSS_SELECTOR, "a.osw-doc")
    assert [link.get_attribute("target") or None for link in overview_links] == ["_blank", None]
    main_window = browser.current_window_handle
    page.click(overview_links[0])
    page.wait_for(lambda d: len(d.window_handles) == 2, 10, "the overview did not open in a new window")
    browser.switch_to.window(next(h for h in browser.window_handles if h != main_window))
    page.wait_for(lambda d: d.title == "Overzicht van uw situatie", 10, "no overview page")
    body = browser.find_element(By.TAG_NAME, "main").text
    assert "Bezwaar maken bij het CIZ" in body and "Nog open." in body
    hint = browser.find_element(By.CSS_SELECTOR, ".no-print")
    assert hint.is_displayed()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not hint.is_displayed()  # the screen hint is not printed
    browser.close()
    browser.switch_to.window(main_window)
