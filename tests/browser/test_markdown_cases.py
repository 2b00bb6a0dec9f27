"""The widget reads the answers' Markdown as docs/markdown.md says, case by case, in a real Chromium.

Every case of tests/fixtures/markdown_cases.yaml (the same cases the text channels are tested with
in tests/channels/test_markdown_cases.py) is split into the parts the socket.io channel sends
(channels/socketio.py: one ``bot_uttered`` per paragraph) and each part goes through the widget's
own parser (``renderRichText``, reached as ``window.__opschalingswijzerWidget.renderText``) in the
page. The DOM it builds is written as normalised HTML (see the fixture's header) and compared.
Whatever the text, the DOM holds only the elements of the dialect and only safe links.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from channels.socketio import SocketIOOutput

from .widget_page import WidgetPage

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "markdown_cases.yaml"
_REPEAT = re.compile(r"\{\{(\d+)\*(.*?)\}\}")


def _expand(value: Any) -> Any:
    """'{{3*ab}}' → 'ababab' (the fixture's long lines)."""
    return _REPEAT.sub(lambda m: m.group(2) * int(m.group(1)), value) if isinstance(value, str) else value


CASES = [
    {key: _expand(value) for key, value in case.items()}
    for case in yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["cases"]
]

# The DOM of each part as normalised HTML, plus every element and link, for the safety checks.
RENDER_JS = r"""
var widget = window.__opschalingswijzerWidget;
function esc(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
function write(node) {
  var out = "";
  node.childNodes.forEach(function (c) {
    if (c.nodeType === Node.TEXT_NODE) { out += esc(c.data); return; }
    if (c.nodeType !== Node.ELEMENT_NODE) { out += "<!--node " + c.nodeType + "-->"; return; }
    var tag = c.tagName.toLowerCase();
    if (tag === "span" && (c.classList.contains("osw-sr-only") || c.classList.contains("osw-bullet"))) return;
    if (tag === "span" && c.classList.contains("osw-li")) out += "<li>" + write(c) + "</li>";
    else if (tag === "span" && c.classList.contains("osw-source")) out += "<small>" + write(c) + "</small>";
    else if (tag === "br") out += "<br>";
    else if (tag === "a") out += '<a href="' + esc(c.getAttribute("href") || "") + '">' + write(c) + "</a>";
    else if (tag === "strong" || tag === "em") out += "<" + tag + ">" + write(c) + "</" + tag + ">";
    else out += "<" + tag + ' class="' + esc(c.className) + '">' + write(c) + "</" + tag + ">";
  });
  return out;
}
return arguments[0].map(function (item) {
  var html = "";
  var elements = [];
  var links = [];
  item.parts.forEach(function (text) {
    var node = widget.renderText(text, item.crisis);
    html += "<p>" + write(node) + "</p>";
    node.querySelectorAll("*").forEach(function (e) {
      elements.push(e.tagName.toLowerCase() + (e.className ? "." + e.className : ""));
    });
    node.querySelectorAll("a").forEach(function (a) {
      var sr = a.querySelector(".osw-sr-only");
      links.push({
        href: a.getAttribute("href"),
        protocol: a.protocol,
        target: a.getAttribute("target"),
        rel: a.getAttribute("rel"),
        sr: sr ? sr.textContent : null,
      });
    });
  });
  return { html: html, elements: elements, links: links };
});
"""
ALLOWED_ELEMENTS = {
    "strong",
    "em",
    "br",
    "a.osw-link",
    "span.osw-li",
    "span.osw-bullet",
    "span.osw-source",
    "span.osw-sr-only",
}
NEW_WINDOW = " (opent in een nieuw venster)"


def socketio_parts(text: str) -> list[str]:
    """The texts of the bot_uttered events the socket.io channel sends for one message."""

    class Recorder:
        def __init__(self) -> None:
            self.sent: list[dict[str, Any]] = []

        async def emit(self, event: str, data: dict[str, Any], room: str | None = None) -> None:
            self.sent.append(data)

    recorder = Recorder()
    asyncio.run(SocketIOOutput(recorder, "bot_uttered").send_text_message("sessie-1", text))
    return [message["text"] for message in recorder.sent]


@pytest.fixture
def rendered(fake_site, browser) -> dict[str, dict[str, Any]]:  # browser last: closed before the servers
    """Every case through the widget's parser in one page: {case id: {html, elements, links}}."""
    page = WidgetPage(browser, fake_site.url, answer_timeout=15).load()
    page.wait_for(
        lambda d: d.execute_script("return typeof window.__opschalingswijzerWidget.renderText === 'function';"),
        10,
        "the widget does not offer renderText",
    )
    items = [{"parts": socketio_parts(c["markdown"]), "crisis": bool(c.get("crisis"))} for c in CASES]
    results = browser.execute_script(RENDER_JS, items)
    return {case["id"]: result for case, result in zip(CASES, results, strict=True)}


def test_every_case_renders_as_the_spec_says(rendered):
    wrong = [
        f"{case['id']}:\n  markdown: {case['markdown'][:200]!r}\n  expected: {case['widget'][:300]}\n"
        f"  widget:   {rendered[case['id']]['html'][:300]}"
        for case in CASES
        if rendered[case["id"]]["html"] != case["widget"]
    ]
    assert not wrong, f"{len(wrong)} of {len(CASES)} cases differ:\n" + "\n".join(wrong)


def test_only_the_elements_and_links_of_the_dialect_are_made(rendered):
    problems = []
    for case in CASES:
        result = rendered[case["id"]]
        for element in result["elements"]:
            if element not in ALLOWED_ELEMENTS:
                problems.append(f"{case['id']}: element {element}")
        for link in result["links"]:
            if link["protocol"] in ("http:", "https:"):
                ok = link["target"] == "_blank" and "noopener" in (link["rel"] or "") and link["sr"] == NEW_WINDOW
            else:
                ok = link["protocol"] in ("tel:", "mailto:") and link["target"] is None and link["sr"] is None
            if not ok:
                problems.append(f"{case['id']}: link {link}")
    assert not problems, "\n".join(problems)
