"""Login for the staff pages: off without the token, login required, wrong token refused, CSRF; the
pages inside the web server of ``make run`` (scripts/serve_web.py). Everything through a real server."""

from __future__ import annotations

import http.client
import importlib.util
from pathlib import Path

import workbench
from workbench.auth import SESSION_COOKIE, Auth
from workbench.pages import MAX_BODY

from .conftest import TOKEN, Client, Served, request

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


def test_serve_web_answers_404_and_logs_a_dutch_note_when_off() -> None:
    module = _serve_web()
    notes: list[str] = []
    site = Served(module.site_app(ROOT / "web", "http://localhost:7005", None, log=notes.append))
    try:
        for path in ("/workbench", "/review?route=geen_plek", "/workbench/static/workbench.css", "/review/x"):
            response = request(site.port, "GET", path)
            assert response.status == 404, path
            assert "connect-src http://localhost:7005" in response.headers["Content-Security-Policy"]
        assert request(site.port, "POST", "/workbench/login", b"token=x").status == 405
        assert request(site.port, "GET", "/index.html").status == 200  # the chat page is not affected
    finally:
        site.close()
    assert len(notes) == 1 and "OPSW_WORKBENCH_TOKEN" in notes[0]


def test_serve_web_serves_the_staff_pages_next_to_the_chat_page() -> None:
    module = _serve_web()
    staff = workbench.from_env("http://localhost:7005", env={"OPSW_WORKBENCH_TOKEN": TOKEN})
    site = Served(module.site_app(ROOT / "web", "http://localhost:7005", staff))
    try:
        page = request(site.port, "GET", "/review")
        assert page.status == 200 and b"Toegangscode" in page.body  # not logged in: the login form
        assert "form-action 'self'" in page.headers["Content-Security-Policy"]  # the staff pages' own policy
        assert page.headers["X-Frame-Options"] == "DENY"
        client = Client(site)
        assert client.login().status == 303
        assert b"Scenario's uitvoeren" in client.get("/workbench").body
        chat = request(site.port, "GET", "/")
        assert chat.status == 200 and b'data-server="http://localhost:7005"' in chat.body
        assert "connect-src http://localhost:7005" in chat.headers["Content-Security-Policy"]
        assert request(site.port, "GET", "/package.json").status == 404
    finally:
        site.close()


def test_pages_need_a_login(client: Client) -> None:
    for path in ("/workbench", "/review"):
        page = client.get(path)
        assert page.status == 200
        assert b"Toegangscode" in page.body and b"Scenario's uitvoeren" not in page.body
    for path in ("/review/gesprek?id=ciz-1", "/review/scenario.csv?id=ciz-1", "/review/export.csv"):
        response = client.get(path)
        assert response.status == 303 and response.headers["Location"].startswith("/workbench?next=")
        assert b"ciz" not in response.body.lower()


def test_login_sets_a_strict_httponly_session_cookie(client: Client) -> None:
    response = client.login(next_path="/review")
    assert response.status == 303
    assert response.headers["Location"] == "/review"
    cookie = next(v for v in response.headers.get_all("Set-Cookie") if v.startswith(SESSION_COOKIE + "="))
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
    assert response.headers["Location"] == "/workbench"


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
    assert auth.session(session.id) is session
    now[0] += 61
    assert auth.session(session.id) is None
    assert auth.login("geheim ") is None and auth.login("") is None and auth.login(None) is None


def test_pages_send_protective_headers(logged_in: Client) -> None:
    for method, path in (
        ("GET", "/workbench"),
        ("GET", "/review/export.csv"),
        ("GET", "/workbench/static/workbench.css"),
        ("GET", "/workbench/bestaat-niet"),
        ("GET", "/workbench/run"),  # a form's address: Sanic's own "method not allowed"
        ("HEAD", "/review"),
    ):
        response = logged_in.send(method, path)
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'none': no scripts at all
        assert headers["X-Frame-Options"] == "DENY" and headers["Cache-Control"] == "no-store"
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
    assert logged_in.send("GET", "/workbench/run").status == 405
    head = logged_in.send("HEAD", "/review")
    assert head.status == 200 and head.body == b""


def test_unknown_pages_need_a_login_too(client: Client) -> None:
    response = client.get("/review/bestaat-niet")
    assert response.status == 303 and response.headers["Location"] == "/workbench?next=%2Fworkbench"
    assert client.post("/workbench/bestaat-niet", {"csrf": "x"}).status == 403
    client.login()
    page = client.get("/review/bestaat-niet")
    assert page.status == 404 and "Pagina niet gevonden" in page.body.decode()
    assert client.get("/review/").headers["Location"] == "/review"


def test_a_body_over_the_limit_is_refused_before_it_is_read(server: Served) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.putrequest("POST", "/workbench/run")
        conn.putheader("Content-Type", "application/x-www-form-urlencoded")
        conn.putheader("Content-Length", str(MAX_BODY + 1))
        conn.endheaders()  # no body: the server answers on the header alone
        response = conn.getresponse()
        page = response.read().decode()
    finally:
        conn.close()
    assert response.status == 413 and "te groot (hooguit 5 MB)" in page
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_cookie_header_the_parser_refuses_is_no_session(client: Client) -> None:
    client.login()
    response = client.send("GET", "/workbench", headers={"Cookie": 'osw_wb="unterminated; x=\\'})
    assert response.status == 200 and b"Toegangscode" in response.body


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

    site = Served(module.site_app(ROOT / "web", "http://localhost:7005"))
    try:
        refused = request(site.port, "GET", "/package.json")
        assert refused.status == 404 and "default-src 'none'" in refused.headers["Content-Security-Policy"]
        assert request(site.port, "GET", "/opschalingswijzer-widget.js").status == 200
    finally:
        site.close()
