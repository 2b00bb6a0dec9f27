"""The web server of ``make run`` (scripts/serve_web.py) serves the page and the widget with a Content-Security-Policy
that allows only what the widget loads, and no file of the build (package.json, node_modules/, build.sh)."""

from __future__ import annotations

import http.client
import importlib.util
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.infra.infra_helpers import ROOT, free_port, wait_port

RASA_URL = "http://localhost:7005"


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """scripts/serve_web.py on the repo's web/ folder, as scripts/servers.sh starts it."""
    port = free_port()
    server = ROOT / "scripts" / "serve_web.py"
    proc = subprocess.Popen(
        [sys.executable, str(server), "--dir", str(ROOT / "web"), "--port", str(port), "--rasa-url", RASA_URL],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "OPSW_WORKBENCH_TOKEN"},  # the staff pages off
    )
    try:
        wait_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _get(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def _policy(headers: dict[str, str]) -> dict[str, list[str]]:
    value = headers.get("Content-Security-Policy")
    assert value, "no Content-Security-Policy header"
    out: dict[str, list[str]] = {}
    for directive in value.split(";"):
        name, *sources = directive.split()
        out[name] = sources
    return out


@pytest.mark.parametrize("path", ["/", "/index.html", "/opschalingswijzer-widget.js", "/opschalingswijzer-widget.css"])
def test_the_page_and_the_widget_carry_a_content_security_policy(site, path):
    status, headers, _ = _get(site + path)
    assert status == 200
    policy = _policy(headers)
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    # socket.io to the configured Rasa server: WebSocket and long-polling, nothing else
    assert sorted(policy["connect-src"]) == ["http://localhost:7005", "ws://localhost:7005"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'none'"]
    assert not any("unsafe" in source or source == "*" for sources in policy.values() for source in sources)
    assert headers.get("X-Content-Type-Options") == "nosniff"


def test_an_https_rasa_server_gets_a_secure_websocket():
    spec = importlib.util.spec_from_file_location("serve_web_csp", ROOT / "scripts" / "serve_web.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    policy = module.content_security_policy("https://chat.example.nl/")
    assert "connect-src https://chat.example.nl wss://chat.example.nl;" in policy
    assert "connect-src 'none'" in module.content_security_policy("")


def test_the_page_loads_only_what_the_policy_allows(site):
    """Every script and stylesheet the page and the widget name is on this server (script-src/style-src 'self');
    the page has no inline script or style attribute."""
    _, _, html = _get(site + "/")
    page = html.decode()
    assert "<script>" not in page and " style=" not in page and "<style" not in page
    _, _, js = _get(site + "/opschalingswijzer-widget.js")
    widget = js.decode()
    assert 'resolve("vendor/socket.io.min.js")' in widget and 'resolve("opschalingswijzer-widget.css")' in widget


@pytest.mark.parametrize(
    "path",
    [
        "/package.json",
        "/package-lock.json",
        "/build.sh",
        "/node_modules/socket.io-client/package.json",
        "/node_modules/",
        "/vendor/",
        "/vendor/../package.json",
        "/%2e%2e/README.md",
        "/../pyproject.toml",
        "/.gitignore",
    ],
)
def test_no_file_outside_the_widget_is_served(site, path):
    status, headers, body = _get(site + path)
    assert status == 404, (path, status)
    assert b"socket.io-client" not in body and b'"dependencies"' not in body
    assert "Content-Security-Policy" in headers  # error pages too


def test_a_raw_path_outside_the_folder_is_refused(site):
    """urllib normalises "..": send the request line as it is."""
    host, port = site.removeprefix("http://").split(":")
    for raw in ("/../pyproject.toml", "/vendor/../../Makefile", "//etc/passwd"):
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.putrequest("GET", raw, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 404, raw
        response.read()
        conn.close()


def test_head_requests_answer_like_get(site):
    assert _get(site + "/", method="HEAD")[0] == 200
    assert _get(site + "/package.json", method="HEAD")[0] == 404
