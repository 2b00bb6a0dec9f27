"""Screenshots of the widget on a phone-sized screen (375 x 667 CSS px, touch), against fake_rasa.py.

    .venv/bin/python -m tests.browser.screenshots docs/img             # the PNGs of docs/web.md
    .venv/bin/python -m tests.browser.screenshots /tmp/shots --canned  # canned answers instead

By default the answers come from the real opschaling.dialogue (fake_rasa.py ``dialogue=True``);
test_web_widget_opsw.py::test_phone_screenshots_are_small... uses the canned answers.
"""

import sys
from collections.abc import Callable
from pathlib import Path

from selenium.webdriver.common.by import By

from .flows import ask, until_advice
from .widget_page import WidgetPage

PHONE = {"width": 375, "height": 667, "deviceScaleFactor": 1, "mobile": True}
PHONE_390 = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}  # a current phone
STORY = "Het CIZ gaf mijn moeder geen Wlz-indicatie. Ik ben het daar niet mee eens."


def _advice(page: WidgetPage, dialogue: bool) -> None:
    answer = ask(page, STORY if dialogue else "lang advies")
    if dialogue:
        answer = until_advice(page, answer)
    page.wait_for(lambda d: answer.find_elements(By.CSS_SELECTOR, ".osw-fb-up"), 5)


def _question(page: WidgetPage, dialogue: bool) -> None:
    ask(page, "ik ben het niet eens met het besluit van het CIZ")


def _crisis(page: WidgetPage, dialogue: bool) -> None:
    ask(page, "ik wil niet meer leven")


SHOTS: dict[str, Callable[[WidgetPage, bool], None]] = {
    "widget-advies.png": _advice,
    "widget-vraag.png": _question,
    "widget-crisis.png": _crisis,  # last: test_web_widget_opsw.py checks its call buttons
}


def phone(driver, size: dict | None = None) -> None:
    """A phone: 375 x 667 CSS px (or size, e.g. PHONE_390) and a touch screen (pointer: coarse)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", size or PHONE)
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})


def take(driver, site_url: str, folder: Path, dialogue: bool = False) -> dict[str, Path]:
    """One fresh conversation per screenshot; returns name -> file."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, scene in SHOTS.items():
        driver.get(site_url)
        driver.execute_script("sessionStorage.clear();")
        page = WidgetPage(driver, site_url, answer_timeout=15).load()
        page.open_with_keyboard()
        page.wait_connected()
        scene(page, dialogue)
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

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    dialogue = "--canned" not in sys.argv
    folder = Path(args[0] if args else "docs/img")
    server = FakeRasa(free_port(), dialogue=dialogue).start()
    site = Site(server.url)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--lang=nl-NL", "--hide-scrollbars"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        phone(driver)
        for _name, path in take(driver, site.url, folder, dialogue).items():
            print(f"{path} ({path.stat().st_size // 1024} KB)")
    finally:
        driver.quit()
        site.close()
        server.stop()


if __name__ == "__main__":
    main()
