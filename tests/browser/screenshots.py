"""Screenshots of the widget on a phone-sized screen (375 x 667 CSS px), against fake_rasa.py.

    .venv/bin/python -m tests.browser.screenshots docs/img     # writes the PNGs of docs/web.md

Also used by test_web_widget_ui.py::test_phone_screenshots (into a temporary folder).
"""

import sys
from pathlib import Path
from typing import Dict

from selenium.webdriver.common.by import By

from .widget_page import WidgetPage

PHONE = {"width": 375, "height": 667, "deviceScaleFactor": 1, "mobile": True}
SHOTS = {
    "widget-advies.png": "Het CIZ gaf mijn moeder geen Wlz-indicatie. Ik wil bezwaar maken.",
    "widget-vraag.png": "ik ben het niet eens met het besluit van het CIZ",
    "widget-crisis.png": "ik wil niet meer leven",
}


def phone(driver) -> None:
    """A phone: 375 x 667 CSS px and a touch screen (pointer: coarse)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})


def take(driver, site_url: str, folder: Path) -> Dict[str, Path]:
    """One fresh conversation per screenshot; returns name -> file."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, message in SHOTS.items():
        driver.delete_all_cookies()
        driver.get(site_url)
        driver.execute_script("sessionStorage.clear();")
        page = WidgetPage(driver, site_url, answer_timeout=15).load()
        page.open_with_keyboard()
        page.wait_connected()
        before = page.answer_count()
        page.type_and_send(message)
        answer = page.wait_for_new_answer(before)
        if answer.find_elements(By.CSS_SELECTOR, ".osw-msg-bot") and "advies" in name:
            page.wait_for(lambda d: answer.find_elements(By.CSS_SELECTOR, ".osw-fb-up"), 5)
        page.wait_for(lambda d: page.scroll_settled(), 5, "the log did not stop scrolling")
        path = folder / name
        driver.save_screenshot(str(path))
        files[name] = path
    return files


def main() -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from .conftest import CHROMEDRIVER, CHROMIUM, Site
    from .fake_rasa import FakeRasa, free_port

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
    server = FakeRasa(free_port()).start()
    site = Site(server.url)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--lang=nl-NL", "--hide-scrollbars"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        phone(driver)
        for name, path in take(driver, site.url, folder).items():
            print(f"{path} ({path.stat().st_size // 1024} KB)")
    finally:
        driver.quit()
        site.close()
        server.stop()


if __name__ == "__main__":
    main()
