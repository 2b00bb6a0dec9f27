"""The regional overview (``/review/overzicht``) in a real browser, as a cliëntondersteuner uses it: log in with the
staff token (keyboard), choose months and a role, read the charts and the tables, download the CSV. axe-core on the
page, on a laptop and on a phone. The same synthetic conversations as tests/workbench/test_overview.py (SQLite)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.workbench.conftest import TrackerDB
from tests.workbench.test_overview import SECRET_WORDS, fill

from .test_workbench import StaffSite, assert_axe_clean, heading, login_with_keyboard, wait

pytestmark = pytest.mark.browser

TITLE = "Overzicht regio: waar loopt het vast?"


@pytest.fixture
def region(tmp_path: Path):
    db = TrackerDB(tmp_path / "regio.db")
    fill(db)
    site = StaffSite(db.url)
    yield site
    site.close()


def set_date(driver, field: str, value: str) -> None:
    """A date field (the browser's date picker differs per language): the value as the picker would set it."""
    element = driver.find_element(By.ID, field)
    driver.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));", element, value
    )


def test_a_client_supporter_reads_the_regional_overview_and_downloads_it(region: StaffSite, browser, tmp_path: Path):
    driver = browser
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    login_with_keyboard(driver, region, "/review/overzicht")
    assert heading(driver) == TITLE
    assert driver.find_element(By.CSS_SELECTOR, "nav a[aria-current=page]").text == "Overzicht regio"

    driver.find_element(By.CSS_SELECTOR, "label[for=per-week]").click()
    set_date(driver, "van", "2026-03-02")
    set_date(driver, "tot", "2026-03-22")
    driver.find_element(By.CSS_SELECTOR, "form[action='/review/overzicht'] button[type=submit]").click()
    summary = wait(driver, lambda d: d.find_elements(By.ID, "samenvatting"), message="no overview")[0]
    wait(driver, lambda d: "31 gesprekken" in d.find_element(By.ID, "samenvatting").text, message="not the range")
    summary = driver.find_element(By.ID, "samenvatting")
    assert summary.text == "31 gesprekken van 02-03-2026 tot en met 22-03-2026: 14 met een volgende stap, 17 zonder."
    # a chart per section, with bars that are really drawn, and the same numbers in its table
    assert len(driver.find_elements(By.CSS_SELECTOR, ".staven")) == 8
    situations = driver.find_element(By.ID, "kop-situatie").find_element(By.XPATH, "..")
    bars = situations.find_elements(By.CSS_SELECTOR, ".staaf rect")
    assert any(bar.size["width"] > 50 for bar in bars)
    rows = {
        r.find_element(By.TAG_NAME, "th").text: [c.text for c in r.find_elements(By.TAG_NAME, "td")]
        for r in situations.find_elements(By.CSS_SELECTOR, "tbody tr")
    }
    assert rows["U vindt geen passende plek"] == ["14", "8", "6", "43 %"]
    assert rows["De zorg voor een kind of jongere loopt vast"][0] == "<5"
    assert "8 met, 6 zonder volgende stap" in situations.text
    main = driver.find_element(By.TAG_NAME, "main").text
    assert SECRET_WORDS not in main and "Mijn moeder" not in main
    assert_axe_clean(driver)

    # per month, only relatives: the choices stay in the form
    driver.find_element(By.CSS_SELECTOR, "label[for=per-maand]").click()
    Select(driver.find_element(By.ID, "rol")).select_by_value("naaste")
    driver.find_element(By.CSS_SELECTOR, "form[action='/review/overzicht'] button[type=submit]").click()
    # all of March now: also the relative of 25 March
    wait(driver, lambda d: "15 gesprekken" in d.find_element(By.ID, "samenvatting").text, message="filter not applied")
    assert driver.find_element(By.ID, "per-maand").is_selected()
    assert Select(driver.find_element(By.ID, "rol")).first_selected_option.get_attribute("value") == "naaste"
    assert "maart 2026" in driver.find_element(By.ID, "tabel-periode").text
    assert_axe_clean(driver)

    driver.find_element(By.PARTIAL_LINK_TEXT, "Download als CSV").click()
    done = wait(driver, lambda d: list(downloads.glob("*.csv")), message="no download")
    path = done[0]
    wait(driver, lambda d: path.stat().st_size > 0)
    assert path.name == "overzicht-per-maand-2026-03-01-tot-2026-03-31.csv"
    text = path.read_text(encoding="utf-8-sig")
    rows_csv = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert {r["filter_rol"] for r in rows_csv} == {"naaste"}
    found = {(r["overzicht"], r["code"], r["kolom"]): r["aantal"] for r in rows_csv}
    assert found[("Routes die uitgeput raakten", "geen_plek", "Gesprekken")] == "6"
    assert SECRET_WORDS not in text


def test_the_overview_on_a_phone(region: StaffSite, browser_factory) -> None:
    driver = browser_factory(width=400, height=900)
    login_with_keyboard(driver, region, "/review/overzicht")
    driver.get(region.url + "/review/overzicht?per=week&van=2026-03-02&tot=2026-03-22")
    wait(driver, lambda d: d.find_elements(By.ID, "samenvatting"), message="no overview")
    assert heading(driver) == TITLE
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    # a bar keeps a width next to its numbers
    bar = driver.find_element(By.CSS_SELECTOR, "#kop-situatie ~ .staven .staaf")
    assert bar.size["width"] > 60
    assert_axe_clean(driver)
