"""The widget under the Content-Security-Policy of scripts/serve_web.py, in a real Chromium: the page, the widget's
stylesheet, its socket.io client and the socket.io connection to the configured Rasa server all work, and the
policy is in force (an inline script does not run)."""

import pytest

from .widget_page import WidgetPage

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_the_widget_chats_under_the_policy_and_inline_script_is_blocked(fake_site, browser):
    # recorded from the first byte of every page (a script added this way is not subject to the page's CSP)
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    page = WidgetPage(browser, fake_site.url, answer_timeout=15).load()
    # the widget's stylesheet is applied (style-src 'self'): the widget floats over the page
    assert browser.execute_script("return getComputedStyle(document.querySelector('.osw-root')).position;") == "fixed"
    page.open_with_keyboard()
    page.wait_connected()  # socket.io client loaded (script-src 'self') and connected (connect-src)
    before = page.answer_count()
    page.type_and_send("ik ben het niet eens met het besluit van het CIZ")
    answer = page.wait_for_new_answer(before)
    assert answer.text
    assert browser.execute_script("return window.__cspViolations;") == []

    # the policy is in force: an inline script is refused and reported
    ran = browser.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.__inline = 1;';"
        "document.head.appendChild(s); return window.__inline === 1;"
    )
    assert ran is False
    page.wait_for(lambda d: d.execute_script("return window.__cspViolations.length;") > 0, 5)
    assert any(v.startswith("script-src") for v in browser.execute_script("return window.__cspViolations;"))
