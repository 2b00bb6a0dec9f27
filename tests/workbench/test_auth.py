"""Login for the staff pages: off without the token, login required, wrong token refused, CSRF."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import workbench
from workbench.auth import SESSION_COOKIE, Auth

from .conftest import TOKEN, Client

ROOT = Path(__file__).resolve().parents[2]


def test_off_without_the_token() -> None:
    assert workbench.from_env("http://x", env={}) is None
    assert workbench.from_env("http://x", env={"OPSW_WORKBENCH_TOKEN": "  "}) is None
    assert workbench.from_env("http://x", env={"OPSW_WORKBENCH_TOKEN": "abc"}) is not None


def _serve_web():
    spec = importlib.util.spec_from_file_location("serve_web_under_test", ROOT / "scripts" / "serve_web.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_serve_web_answers_404_and_logs_a_dutch_note_when_off(capsys) -> None:
    module = _serve_web()

    class Fake(module.Handler):
        def __init__(self, path: str) -> None:  # no socket: only what _staff needs
            self.path = path
            self.errors: list[int] = []

        def send_error(self, code, message=None, explain=None):  # type: ignore[override]
            self.errors.append(code)

    module.Handler.workbench = None
    module.Handler._off_logged = False
    for path in ("/workbench", "/review?route=geen_plek", "/workbench/static/workbench.css"):
        handler = Fake(path)
        assert handler._staff("GET") is True
        assert handler.errors == [404]
    assert "OPSW_WORKBENCH_TOKEN" in capsys.readouterr().err
    assert Fake("/index.html")._staff("GET") is False  # the chat page is not affected


def test_serve_web_passes_staff_paths_to_the_workbench() -> None:
    module = _serve_web()
    sent: list = []

    class Fake(module.Handler):
        def __init__(self, path: str) -> None:
            self.path = path
            self.headers = {"Host": "127.0.0.1"}
            self.rfile = io.BytesIO()
            self.wfile = io.BytesIO()

        def send_response(self, code, message=None):  # type: ignore[override]
            sent.append(code)

        def send_header(self, name, value):  # type: ignore[override]
            sent.append((name, value))

        def end_headers(self):  # type: ignore[override]
            pass

    module.Handler.workbench = workbench.from_env("http://x", env={"OPSW_WORKBENCH_TOKEN": TOKEN})
    try:
        handler = Fake("/review")
        assert handler._staff("GET") is True
    finally:
        module.Handler.workbench = None
    assert sent[0] == 200
    assert b"Toegangscode" in handler.wfile.getvalue()  # not logged in: the login form


def test_pages_need_a_login(client: Client) -> None:
    for path in ("/workbench", "/review"):
        page = client.get(path)
        assert page.status == 200
        assert b"Toegangscode" in page.body and b"Scenario's uitvoeren" not in page.body
    for path in ("/review/gesprek?id=ciz-1", "/review/scenario.csv?id=ciz-1", "/review/export.csv"):
        response = client.get(path)
        assert response.status == 303 and dict(response.headers)["Location"].startswith("/workbench?next=")
        assert b"ciz" not in response.body.lower()


def test_login_sets_a_strict_httponly_session_cookie(client: Client) -> None:
    response = client.login(next_path="/review")
    assert response.status == 303
    assert dict(response.headers)["Location"] == "/review"
    cookie = next(v for k, v in response.headers if k == "Set-Cookie" and v.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert b"Gesprekken" in client.get("/review").body


def test_wrong_token_is_refused(client: Client) -> None:
    response = client.login(token=TOKEN + "x")
    assert response.status == 401
    assert b"klopt niet" in response.body
    assert SESSION_COOKIE not in client.cookies
    assert b"Toegangscode" in client.get("/workbench").body


def test_login_needs_the_form_of_this_site(client: Client) -> None:
    # a forged login form (no pre-login cookie / nonce) is refused even with the right token
    response = client.post("/workbench/login", {"token": TOKEN, "nonce": "forged", "next": "/workbench"})
    assert response.status == 403 and SESSION_COOKIE not in client.cookies
    # a POST from another origin is refused before anything else
    page = client.get("/workbench")
    response = client.post(
        "/workbench/login",
        {"token": TOKEN, "nonce": client.field(page, "nonce")},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status == 403 and SESSION_COOKIE not in client.cookies


def test_login_redirects_only_to_staff_pages(client: Client) -> None:
    page = client.get("/workbench")
    response = client.post(
        "/workbench/login", {"token": TOKEN, "nonce": client.field(page, "nonce"), "next": "https://evil.example/"}
    )
    assert dict(response.headers)["Location"] == "/workbench"


def test_post_forms_need_the_csrf_token(logged_in: Client) -> None:
    form = {"casus": "Het CIZ wees mijn aanvraag af", "situation": "besluit_oneens"}
    assert logged_in.post("/workbench/case", form).status == 403
    assert logged_in.post("/workbench/case", {**form, "csrf": "wrong"}).status == 403
    ok = logged_in.post("/workbench/case", {**form, "csrf": logged_in.csrf()})
    assert ok.status == 200 and b"De redenering" in ok.body


def test_logout_ends_the_session(logged_in: Client) -> None:
    old = dict(logged_in.cookies)
    assert logged_in.post("/workbench/logout", {"csrf": "wrong"}).status == 403
    response = logged_in.post("/workbench/logout", {"csrf": logged_in.csrf()})
    assert response.status == 303
    assert SESSION_COOKIE not in logged_in.cookies
    # the old cookie is dead on the server too
    logged_in.cookies = old
    assert b"Toegangscode" in logged_in.get("/workbench").body


def test_sessions_expire() -> None:
    now = [1000.0]
    auth = Auth("geheim", clock=lambda: now[0], session_seconds=60)
    session = auth.login("geheim")
    assert session is not None
    headers = {"Cookie": f"{SESSION_COOKIE}={session.id}"}
    assert auth.session(headers) is session
    now[0] += 61
    assert auth.session(headers) is None
    assert auth.login("geheim ") is None and auth.login("") is None and auth.login(None) is None


def test_pages_send_protective_headers(client: Client) -> None:
    headers = dict(client.get("/workbench").all_headers())
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'none': no scripts at all
    assert headers["X-Frame-Options"] == "DENY" and headers["Cache-Control"] == "no-store"


def test_many_wrong_tokens_pause_logins_for_a_while() -> None:
    from workbench.auth import FAILURE_WINDOW, MAX_FAILURES

    now = [0.0]
    auth = Auth("geheim", clock=lambda: now[0])
    for _ in range(MAX_FAILURES):
        assert auth.login("fout") is None
    assert auth.locked() and auth.login("geheim") is None  # even the right token waits
    now[0] += FAILURE_WINDOW + 1
    assert not auth.locked() and auth.login("geheim") is not None


def test_the_login_page_says_when_logins_pause(client: Client) -> None:
    from workbench.auth import MAX_FAILURES

    for _ in range(MAX_FAILURES):
        assert client.login(token="fout").status == 401
    response = client.login()
    assert response.status == 429 and "Wacht een minuut" in response.body.decode()


def test_serve_web_serves_the_page_and_the_widget_only() -> None:
    """package.json, node_modules/ and the build script in web/ are the build's, not the site's (issue 17)."""
    module = _serve_web()
    for path in ("/", "/index.html", "/page.css", "/opschalingswijzer-widget.js?v=2", "/vendor/socket.io.min.js"):
        assert module.is_public(path), path
    for path in ("/package.json", "/node_modules/socket.io-client/package.json", "/build.sh", "/../README.md"):
        assert not module.is_public(path), path

    class Fake(module.Handler):
        def __init__(self, path: str) -> None:
            self.path = path
            self.errors: list[int] = []

        def send_error(self, code, message=None, explain=None):  # type: ignore[override]
            self.errors.append(code)

    handler = Fake("/package.json")
    assert handler.send_head() is None and handler.errors == [404]
