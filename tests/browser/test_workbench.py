"""The staff pages in a real browser (Debian Chromium via Selenium): log in with the keyboard, paste a
three-case YAML and read the report, upload a broken CSV and read the row/field error, explain one case,
go from the conversation review to a downloaded scenario file in two clicks. axe-core on every page.
Uses the local runner (no Rasa) and a SQLite tracker store made in tmp_path."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from selenium.common.exceptions import JavascriptException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from opschaling.scenarios import load
from tests.workbench.conftest import (
    TOKEN,
    Served,
    TrackerDB,
    ciz_conversation,
    fallback_conversation,
    place_conversation,
)
from workbench.pages import Workbench

from .conftest import AXE_JS, WEB, _serve_web

pytestmark = pytest.mark.browser

THREE_CASES = """- naam: Bezwaar CIZ
  bericht: Het CIZ heeft mijn indicatie afgewezen en ik ben het er niet mee eens
  antwoorden: {rol: ik ben de cliënt, datum: weet ik niet, al geprobeerd: nee}
  verwacht: bezwaar_ciz
- naam: Geen plek
  bericht: We vinden al maanden geen verpleeghuis voor mijn vader
  antwoorden: {wet: wlz, rol: naaste, al geprobeerd: nee}
  verwacht: clientondersteuner_wlz
- naam: Bewust fout
  bericht: Het CIZ heeft mijn indicatie afgewezen
  antwoorden: {al geprobeerd: nee, datum: weet ik niet}
  verwacht: nationale_ombudsman
"""


class StaffSite:
    """scripts/serve_web.py's site with the workbench switched on, on a free loopback port."""

    def __init__(self, tracker_url: str) -> None:
        app = Workbench(
            TOKEN, rasa_url="http://127.0.0.1:9", tracker_db_url=tracker_url, today=lambda: date(2026, 3, 20)
        )
        self.app = app
        self.server = Served(_serve_web.site_app(WEB, "http://127.0.0.1:9", app))
        self.url = self.server.url

    def close(self) -> None:
        self.server.close()
        if self.app._store is not None:
            self.app._store.close()


@pytest.fixture
def site(tmp_path: Path):
    db = TrackerDB(tmp_path / "trackers.db")
    db.add("ciz-1", ciz_conversation(), start=1_780_001_000.0)
    db.add("fallback-1", fallback_conversation(), start=1_780_002_000.0)
    for n in range(3):
        db.add(f"plek-{n}", place_conversation(n), start=1_780_000_000.0 + n)
    s = StaffSite(db.url)
    yield s
    s.close()


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


def wait(driver, condition, timeout: float = 30, message: str = ""):
    def settled(d):
        try:
            return condition(d)
        except WebDriverException as error:  # the page is being replaced by a form post: look again
            if "does not belong to the document" in str(error) or "inspector error" in str(error):
                return False
            raise

    return WebDriverWait(
        driver, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException, JavascriptException)
    ).until(settled, message)


def heading(driver) -> str | None:
    """The page's h1, read in one script call: a WebElement found while a form post replaces the page may
    belong to the old document, and Chrome then fails the next call with an inspector error (seen in CI)."""
    return driver.execute_script("var h = document.querySelector('h1'); return h ? h.textContent.trim() : null;")


def axe(driver) -> list:
    driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', "
        "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        ".then(function (r) { done({violations: r.violations.map(function (v) {"
        "  return {id: v.id, impact: v.impact, help: v.help,"
        "          nodes: v.nodes.map(function (n) { return n.target.join(' ') + ' :: ' + n.failureSummary; })};"
        "})}); }).catch(function (e) { done({error: String(e)}); });"
    )
    assert "error" not in result, result
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def assert_axe_clean(driver) -> None:
    bad = axe(driver)
    assert bad == [], json.dumps(bad, indent=2, ensure_ascii=False)


def login_with_keyboard(driver, site: StaffSite, path: str = "/workbench") -> None:
    driver.get(site.url + path)
    wait(driver, lambda d: d.find_elements(By.ID, "token"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Inloggen"
    assert_axe_clean(driver)
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)  # skip link
    driver.switch_to.active_element.send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    assert active.get_attribute("id") == "token"
    active.send_keys(TOKEN + Keys.ENTER)
    wait(driver, lambda d: heading(d) not in (None, "Inloggen"), message="login did not finish")


def test_login_paste_yaml_see_report_then_a_broken_csv(site: StaffSite, browser, tmp_path: Path) -> None:
    driver = browser
    driver.get(site.url + "/workbench")
    wait(driver, lambda d: d.find_elements(By.ID, "token"))
    driver.find_element(By.ID, "token").send_keys("fout" + Keys.ENTER)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".fout[role=alert]"))
    assert "klopt niet" in driver.find_element(By.CSS_SELECTOR, ".fout").text

    login_with_keyboard(driver, site)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Werkbank"
    assert_axe_clean(driver)
    assert driver.find_element(By.ID, "lokaal").is_selected()  # "zonder Rasa (snel)" is the default

    driver.find_element(By.ID, "tekst").send_keys(THREE_CASES)
    driver.find_element(By.CSS_SELECTOR, "form[action='/workbench/run'] button[type=submit]").click()
    summary = wait(driver, lambda d: d.find_elements(By.ID, "samenvatting"), message="no report")[0]
    assert summary.text == "2 goed, 1 fout, van 3 scenario's (zonder Rasa)."
    assert len(driver.find_elements(By.CSS_SELECTOR, ".rapport tr.ok")) == 2
    failed = driver.find_elements(By.CSS_SELECTOR, ".rapport tr.fail")
    assert len(failed) == 1 and "nationale_ombudsman" in failed[0].text
    assert_axe_clean(driver)

    broken = tmp_path / "casussen.csv"
    broken.write_text(
        "naam;bericht;verwacht\nGoed;Het CIZ heeft mijn aanvraag afgewezen;bezwaar_ciz\nKapot;;bestaat_niet\n",
        encoding="utf-8",
    )
    driver.find_element(By.ID, "tekst").clear()
    driver.find_element(By.ID, "bestand").send_keys(str(broken))
    driver.find_element(By.CSS_SELECTOR, "form[action='/workbench/run'] button[type=submit]").click()
    alert = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".fout[role=alert]"), message="no error")[0]
    assert "casussen.csv, rij 3, veld 'bericht'" in alert.text
    assert "rij 3, veld 'verwacht': onbekende stap 'bestaat_niet'" in alert.text
    assert not driver.find_elements(By.ID, "samenvatting")
    assert_axe_clean(driver)


def test_one_case_on_a_tablet(site: StaffSite, browser_factory) -> None:
    driver = browser_factory(width=800, height=1100)
    login_with_keyboard(driver, site)
    driver.find_element(By.ID, "casus").send_keys("Het CIZ heeft mijn aanvraag afgewezen. Ik ben de mantelzorger.")
    Select(driver.find_element(By.ID, "stap_1")).select_by_value("bezwaar_ciz")
    Select(driver.find_element(By.ID, "uitkomst_1")).select_by_value("nee")
    Select(driver.find_element(By.ID, "role")).select_by_value("naaste")
    driver.find_element(By.ID, "decision_date").send_keys("weet ik niet")
    driver.find_element(By.CSS_SELECTOR, "form[action='/workbench/case'] button[type=submit]").click()
    section = wait(driver, lambda d: d.find_elements(By.ID, "kop-redenering"), message="no reasoning")[0]
    assert section.text == "De redenering"
    page = driver.find_element(By.TAG_NAME, "main").text
    assert "Feiten die de assistent gebruikt" in page and "Treden van de route" in page
    assert "De stap: Bezwaar maken bij het CIZ" in page
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_axe_clean(driver)

    # the report fits the tablet too
    driver.find_element(By.ID, "tekst").send_keys(THREE_CASES)
    driver.find_element(By.CSS_SELECTOR, "form[action='/workbench/run'] button[type=submit]").click()
    wait(driver, lambda d: d.find_elements(By.ID, "samenvatting"), message="no report")
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_axe_clean(driver)


def test_review_to_scenario_file_in_two_clicks(site: StaffSite, browser, downloads: Path) -> None:
    driver = browser
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    login_with_keyboard(driver, site, "/review")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Gesprekken"
    rows = driver.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 5
    assert_axe_clean(driver)

    Select(driver.find_element(By.ID, "feedback")).select_by_value("down")
    driver.find_element(By.CSS_SELECTOR, "form[action='/review'] button[type=submit]").click()
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "tbody tr")) == 1, message="filter not applied")
    assert "termijn ontbrak" in driver.find_element(By.CSS_SELECTOR, "tbody tr").text

    driver.find_element(By.CSS_SELECTOR, "tbody tr a").click()  # click 1: the conversation
    wait(driver, lambda d: heading(d) == "Gesprek")
    assert "ik ben de cliënt" in driver.find_element(By.CSS_SELECTOR, ".gesprek").text
    assert_axe_clean(driver)
    driver.find_element(By.PARTIAL_LINK_TEXT, "Download als scenario (CSV").click()  # click 2: the file
    done = wait(driver, lambda d: [p for p in downloads.glob("*.csv")], message="no download")
    path = done[0]
    wait(driver, lambda d: path.stat().st_size > 0)

    [scenario] = load([path])
    assert scenario.expected == ("bezwaar_ciz",)
    assert scenario.messages == ("Het CIZ heeft mijn indicatie afgewezen, ik ben het er niet mee eens",)
    assert scenario.answers["role"].answers == ("ik ben de cliënt",)
