#!/usr/bin/env python
"""Tiny server for web/ (loopback by default), plus the staff pages (workbench/): one Sanic app.

Serves the page and the widget of DIR and rewrites the ``data-server="..."`` attribute in
HTML pages to the Rasa server URL (``--rasa-url``), so the chat widget talks to the Rasa server
started by scripts/run.sh, whatever port it uses.

Only the page, the widget and its socket.io client are served (:data:`PUBLIC_FILES`); every static answer carries
a Content-Security-Policy (:func:`content_security_policy`): scripts, styles and the page only from this server,
connections only to the Rasa server of ``--rasa-url`` (socket.io: ``http(s)://`` for long-polling, ``ws(s)://``
for its WebSocket), no inline script or style, no frames, forms or plugins.

When ``OPSW_WORKBENCH_TOKEN`` is set, ``/workbench`` (scenario workbench, one case) and ``/review``
(conversation review, from ``OPSW_TRACKER_DB_URL``) are the routes of the ``workbench`` package
(``Workbench.install``); without it those paths answer 404 and the log says why. See docs/workbench.md.

    python scripts/serve_web.py --dir web --port 8080 --rasa-url http://localhost:5005

Tests serve the same app (:func:`site_app`) on a free port in a thread (tests/browser/conftest.py, tests/workbench).
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
import urllib.parse
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sanic import Sanic
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse, file

if TYPE_CHECKING:
    from workbench.pages import Workbench

ROOT = Path(__file__).resolve().parent.parent  # workbench is importable: the project is installed (pip install -e .)

DATA_SERVER = re.compile(rb'data-server="[^"]*"')
STAFF_PATHS = ("/workbench", "/review")
# The only files of web/ a visitor gets: the page, the widget and its socket.io client. Everything else there
# (package.json, node_modules/, build.sh) is the build's, not the site's: 404.
PUBLIC_FILES = frozenset(
    {
        "index.html",
        "page.css",
        "opschalingswijzer-widget.js",
        "opschalingswijzer-widget.css",
        "vendor/socket.io.min.js",
        "vendor/socket.io-client.LICENSE",
    }
)


def content_security_policy(rasa_url: str) -> str:
    """The CSP of the page and the widget: what web/ really loads, nothing more.

    The page loads page.css, the widget script; the widget adds its stylesheet and vendor/socket.io.min.js from
    this server (no inline script or ``style`` attribute: it sets sizes through the CSSOM, which CSP allows) and
    opens socket.io to the Rasa server, over WebSocket or long-polling: both schemes of that origin are allowed.
    """
    parts = urllib.parse.urlsplit(rasa_url.strip())
    connect = "'none'"
    if parts.scheme in ("http", "https") and parts.netloc:
        socket_scheme = "wss" if parts.scheme == "https" else "ws"
        connect = f"{parts.scheme}://{parts.netloc} {socket_scheme}://{parts.netloc}"
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            f"connect-src {connect}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        )
    )


def is_public(url_path: str) -> bool:
    """Whether a URL path names one of PUBLIC_FILES ("/" is the page)."""
    path = url_path.split("?", 1)[0].split("#", 1)[0].lstrip("/")
    return path in ("", *PUBLIC_FILES)


def _is_staff_path(path: str) -> bool:
    path = path.split("?", 1)[0]
    return any(path == p or path.startswith(p + "/") or path.startswith(p + "?") for p in STAFF_PATHS)


def page_html(path: Path, rasa_url: str) -> bytes:
    """An HTML page of the site with its ``data-server`` set to the Rasa server."""
    return DATA_SERVER.sub(b'data-server="' + rasa_url.encode() + b'"', path.read_bytes())


def site_headers(rasa_url: str) -> dict[str, str]:
    """The headers of every answer of the site (the page, the widget, error pages); not the staff pages."""
    return {
        "Content-Security-Policy": content_security_policy(rasa_url),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


# ------------------------------------------------------------------------------------------------
# the web server of `make run`
# ------------------------------------------------------------------------------------------------
def site_app(
    directory: str | Path,
    rasa_url: str,
    workbench: Workbench | None = None,
    log: Callable[[str], None] | None = None,
    name: str | None = None,
) -> Sanic:
    """The site as a Sanic app: PUBLIC_FILES of ``directory`` (GET and HEAD) and, when ``workbench`` is
    given, the staff pages; without it /workbench and /review answer 404 and the log says once why."""
    root = Path(directory).resolve()
    log = log or _log
    headers = site_headers(rasa_url)
    app = Sanic(name or f"opsw_web_{uuid.uuid4().hex[:12]}", configure_logging=False)  # Sanic: one name per app
    off_logged = threading.Event()

    async def serve(request: Request, **_route: str) -> HTTPResponse:
        if _is_staff_path(request.path):  # only when the staff pages are off: theirs are routes of their own
            if not off_logged.is_set():
                from workbench import OFF_NOTE

                log(f"{OFF_NOTE} ({request.path}: 404)")
                off_logged.set()
            return HTTPResponse("Niet gevonden", status=404, content_type="text/plain; charset=utf-8")
        if not is_public(request.path):
            return HTTPResponse("Niet gevonden", status=404, content_type="text/plain; charset=utf-8")
        target = root / (request.path.lstrip("/") or "index.html")  # one of PUBLIC_FILES
        if not target.is_file():
            return HTTPResponse("Niet gevonden", status=404, content_type="text/plain; charset=utf-8")
        if target.suffix.lower() in (".html", ".htm"):
            return HTTPResponse(
                page_html(target, rasa_url),
                content_type="text/html; charset=utf-8",
                headers={"Cache-Control": "no-store"},
            )
        return await file(target)

    app.add_route(serve, "/", methods=["GET", "HEAD"], name="page")
    app.add_route(serve, "/<path:path>", methods=["GET", "HEAD"], name="file")
    if workbench is not None:
        workbench.install(app)

    @app.on_response
    async def protect(request: Request, response: BaseHTTPResponse) -> None:
        if workbench is None or not _is_staff_path(request.path):  # the staff pages send their own policy
            response.headers.update(headers)

    return app


def _log(text: str) -> None:
    sys.stderr.write(text.rstrip() + "\n")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="web")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--rasa-url", default="http://localhost:5005")
    a = ap.parse_args()
    import workbench

    staff = workbench.from_env(a.rasa_url, log=_log)
    if staff is None:
        _log(workbench.OFF_NOTE)
    else:
        from workbench import review

        # load the name masker in the background; the review masks everything else meanwhile
        threading.Thread(target=review.warm_up_masking, name="warm-up-masking", daemon=True).start()
    if staff is not None and a.bind not in ("127.0.0.1", "::1", "localhost"):
        _log(
            "Let op: de werkbank is bereikbaar buiten deze computer. Zet er HTTPS voor "
            "(en OPSW_WORKBENCH_SECURE_COOKIE=1)."
        )
    app = site_app(a.dir, a.rasa_url, staff)
    where = f", staff pages on http://{a.bind}:{a.port}/workbench" if staff else ""
    print(f"serving {a.dir} on http://{a.bind}:{a.port}/ (chat -> {a.rasa_url}){where}", file=sys.stderr)
    app.run(host=a.bind, port=a.port, access_log=False, motd=False)  # Ctrl-C / SIGTERM stop it
    return 0


if __name__ == "__main__":
    sys.exit(main())
