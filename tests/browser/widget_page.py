"""Page helpers for the Opschalingswijzer widget, driven by Selenium with the keyboard where it matters."""

import json
import re
from collections.abc import Callable
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

AXE_JS = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"


class WidgetPage:
    def __init__(self, driver, url: str, answer_timeout: float = 30) -> None:
        self.driver = driver
        self.url = url
        self.answer_timeout = answer_timeout

    # --- navigation -------------------------------------------------------------------------
    def load(self) -> "WidgetPage":
        self.driver.get(self.url)
        self.wait_for(
            lambda d: d.execute_script("var r = document.querySelector('.osw-root'); return !!(r && !r.hidden);"), 10
        )
        return self

    def reload(self) -> "WidgetPage":
        self.driver.refresh()
        self.wait_for(
            lambda d: d.execute_script("var r = document.querySelector('.osw-root'); return !!(r && !r.hidden);"), 10
        )
        return self

    def wait_for(self, condition: Callable, timeout: float | None = None, message: str = ""):
        return WebDriverWait(self.driver, timeout or self.answer_timeout, poll_frequency=0.1).until(condition, message)

    # --- elements ---------------------------------------------------------------------------
    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    @property
    def launcher(self) -> WebElement:
        return self.find(".osw-launcher")

    @property
    def dialog(self) -> WebElement:
        return self.find("#osw-dialog")

    @property
    def input(self) -> WebElement:
        return self.find("#osw-input")

    def click(self, element: WebElement) -> None:
        """Mouse click; scrolls the element to the middle of the chat log first (Selenium's own
        scrolling does not account for the log's clipping inside the fixed dialog). The scroll is
        instant, so the click lands where the element is."""
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
        element.click()

    def tap(self, element: WebElement) -> None:
        """A finger tap at the element's centre (touch events and the click the browser makes of
        them, as on a phone); scrolls the element to the middle of its scroll box first."""
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
        box = self.rect(element)
        self.tap_at(box["left"] + box["width"] / 2, box["top"] + box["height"] / 2)

    def tap_at(self, x: float, y: float) -> None:
        """touchstart + touchend at (x, y) CSS px; with touch emulation on (screenshots.phone) the
        browser makes a click of it, as a phone does."""
        self.driver.execute_cdp_cmd(
            "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]}
        )
        self.driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    def rect(self, element: WebElement) -> dict:
        """The element's box in CSS px of the viewport (getBoundingClientRect)."""
        return self.driver.execute_script("return arguments[0].getBoundingClientRect().toJSON();", element)

    def on_top(self, element: WebElement) -> str | None:
        """None when a tap at the element's centre reaches it (or a child of it); otherwise what is
        drawn on top of it there (tag and class), e.g. the chat button."""
        return self.driver.execute_script(
            "var r = arguments[0].getBoundingClientRect();"
            "var hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
            "if (hit && (hit === arguments[0] || arguments[0].contains(hit))) return null;"
            "return hit ? hit.tagName + '.' + hit.className : 'nothing (outside the viewport)';",
            element,
        )

    def active(self) -> WebElement:
        return self.driver.switch_to.active_element

    def active_matches(self, css: str) -> bool:
        return bool(
            self.driver.execute_script(
                "return !!(document.activeElement && document.activeElement.matches(arguments[0]));", css
            )
        )

    def is_open(self) -> bool:
        return self.dialog.is_displayed()

    # --- keyboard ---------------------------------------------------------------------------
    def keys(self, *keys: str) -> None:
        ActionChains(self.driver).send_keys(*keys).perform()

    def tab_to(self, css: str, backwards: bool = False, text: str | None = None, limit: int = 40) -> WebElement:
        """Press Tab (or Shift+Tab) until the focused element matches css (and its text the regex text)."""
        for _ in range(limit):
            if self.active_matches(css) and (text is None or re.search(text, self.active().text, re.I)):
                return self.active()
            if backwards:
                ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
            else:
                self.keys(Keys.TAB)
        raise AssertionError(f"could not reach {css} with the keyboard")

    def open_with_keyboard(self) -> None:
        self.tab_to(".osw-launcher")
        self.keys(Keys.ENTER)
        self.wait_for(lambda d: self.is_open(), 5, "dialog did not open")
        self.wait_for(lambda d: self.active_matches("#osw-input"), 5, "focus did not move to the input")

    def type_and_send(self, text: str) -> None:
        """Types into the focused input and presses Enter."""
        assert self.active_matches("#osw-input"), "the message input must have focus"
        self.keys(text, Keys.ENTER)

    # --- conversation -------------------------------------------------------------------------
    def answer_count(self) -> int:
        return len(self.find_all(".osw-answer"))

    def wait_connected(self, timeout: float = 30) -> None:
        self.wait_for(
            lambda d: d.execute_script(
                "return !!(window.__opschalingswijzerWidget && window.__opschalingswijzerWidget.connected);"
            ),
            timeout,
            "widget did not connect to the server",
        )

    def wait_for_new_answer(self, before: int, timeout: float | None = None) -> WebElement:
        self.wait_for(lambda d: self.answer_count() > before, timeout, "no bot answer arrived")
        # let all parts of the answer arrive (Rasa sends one event per paragraph): wait until the
        # answer's text is the same on three polls in a row (0.3 s apart)
        seen: list[str] = []

        def settled(_driver) -> bool:
            seen.append(self.find_all(".osw-answer")[-1].text)
            return len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]

        WebDriverWait(self.driver, 15, poll_frequency=0.3).until(settled, "the answer kept changing")
        return self.find_all(".osw-answer")[-1]

    def scroll_settled(self) -> bool:
        """True when the chat log is not moving: the same position on two calls in a row."""
        top = self.driver.execute_script("return document.querySelector('#osw-log').scrollTop;")
        settled = getattr(self, "_last_scroll_top", None) == top
        self._last_scroll_top = top
        return settled

    def offset_in_log(self, element: WebElement) -> dict:
        """Where element is inside the visible part of the chat log (CSS px from the log's top)."""
        return self.driver.execute_script(
            "var log = document.querySelector('#osw-log').getBoundingClientRect();"
            "var r = arguments[0].getBoundingClientRect();"
            "return {top: r.top - log.top, bottom: r.bottom - log.top, height: log.height};",
            element,
        )

    _VISIBLE_TEXT_JS = (
        "function t(n) {"
        "  if (n.nodeType === 3) return n.data;"
        "  if (n.nodeType !== 1 || n.classList.contains('osw-sr-only')) return '';"
        "  if (n.tagName === 'BR') return '\\n';"
        "  return Array.prototype.map.call(n.childNodes, t).join('');"
        "}"
        "return Array.prototype.map.call(document.querySelectorAll(arguments[0]), t);"
    )

    def texts(self, css: str) -> list[str]:
        """Text of the matching elements as written (without the screen-reader-only prefixes)."""
        return self.driver.execute_script(self._VISIBLE_TEXT_JS, css)

    def bot_texts(self) -> list[str]:
        return self.texts(".osw-msg-bot:not(.osw-intro)")

    def user_texts(self) -> list[str]:
        return self.texts(".osw-msg-user")

    def session_id(self) -> str:
        return self.driver.execute_script("return window.__opschalingswijzerWidget.sessionId;")

    def session_storage(self) -> str:
        """Everything the page keeps in sessionStorage, as one text."""
        return self.driver.execute_script(
            "return Object.keys(sessionStorage).map(function (k) { return k + '=' + sessionStorage.getItem(k); })"
            ".join('\\n');"
        )

    def stored_transcript(self) -> list:
        raw = self.driver.execute_script("return sessionStorage.getItem('opschalingswijzer.transcript');")
        return json.loads(raw or "[]")

    # --- checks ---------------------------------------------------------------------------------
    def horizontal_overflow(self) -> int:
        """How many CSS pixels the page scrolls sideways (0 = no horizontal scrolling)."""
        return int(
            self.driver.execute_script(
                "var d = document.documentElement, b = document.body;"
                "return Math.max(d.scrollWidth, b.scrollWidth) - d.clientWidth;"
            )
        )

    def run_axe(self) -> dict:
        self.driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
        self.driver.set_script_timeout(60)
        return self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
            ".then(function (r) { done({violations: r.violations.map(function (v) {"
            "  return {id: v.id, impact: v.impact, help: v.help,"
            "          nodes: v.nodes.map(function (n) { return n.target.join(' ') + ' :: ' + n.failureSummary; })};"
            "})}); })"
            ".catch(function (e) { done({error: String(e)}); });"
        )

    def screenshot(self, path: str) -> None:
        self.driver.save_screenshot(path)
