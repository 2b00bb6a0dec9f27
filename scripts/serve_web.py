#!/usr/bin/env python
"""Tiny server for web/ (loopback by default), plus the staff pages (workbench/).

Serves DIR like ``python -m http.server`` and rewrites the ``data-server="..."`` attribute in
HTML pages to the Rasa server URL (``--rasa-url``), so the chat widget talks to the Rasa server
started by scripts/run.sh, whatever port it uses.

Only the page, the widget and its socket.io client are served (:data:`PUBLIC_FILES`); every static answer carries
a Content-Security-Policy (:func:`content_security_policy`): scripts, styles and the page only from this server,
connections only to the Rasa server of ``--rasa-url`` (socket.io: ``http(s)://`` for long-polling, ``ws(s)://``
for its WebSocket), no inline script or style, no frames, forms or plugins.

When ``OPSW_WORKBENCH_TOKEN`` is set, ``/workbench`` (scenario workbench, one case) and ``/review``
(conversation review, from ``OPSW_TRACKER_DB_URL``) are served by the ``workbench`` package; without
it those paths answer 404 and the log says why. See docs/workbench.md.

    python scripts/serve_web.py --dir web --port 8080 --rasa-url http://localhost:5005
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import io
import re
import sys
import urllib.parse
from pathlib import Path

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


class Handler(http.server.SimpleHTTPRequestHandler):
    rasa_url = b"http://localhost:5005"
    workbench = None  # workbench.pages.Workbench, or None when OPSW_WORKBENCH_TOKEN is not set
    _off_logged = False

    # -- staff pages ---------------------------------------------------------------------------
    def _staff(self, method: str) -> bool:
        if not _is_staff_path(self.path):
            return False
        if self.workbench is None:
            if not Handler._off_logged:
                from workbench import OFF_NOTE

                sys.stderr.write(f"{OFF_NOTE} ({self.path.split('?', 1)[0]}: 404)\n")
                Handler._off_logged = True
            self.send_error(404, "Niet gevonden")
            return True
        from workbench.pages import MAX_BODY, Request

        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_error(413, "Te groot")
            return True
        body = self.rfile.read(length) if length else b""
        response = self.workbench.handle(
            Request("GET" if method == "HEAD" else method, self.path, dict(self.headers.items()), body)
        )
        self.send_response(response.status)
        for name, value in response.all_headers():
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(response.body)
        return True

    def do_GET(self) -> None:  # noqa: N802
        if not self._staff("GET"):
            super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if not self._staff("HEAD"):
            super().do_HEAD()

    def do_POST(self) -> None:  # noqa: N802
        if not self._staff("POST"):
            self.send_error(405, "Method not allowed")

    def end_headers(self) -> None:
        # the page, the widget and the error pages; the staff pages send their own policy (workbench.pages)
        if not _is_staff_path(getattr(self, "path", "")):  # no path yet when the request line was unreadable
            self.send_header("Content-Security-Policy", content_security_policy(self.rasa_url.decode()))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    # -- static files --------------------------------------------------------------------------
    def send_head(self):  # type: ignore[override]
        if not is_public(self.path):
            self.send_error(404, "Niet gevonden")
            return None
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix.lower() in (".html", ".htm") and path.is_file():
            body = DATA_SERVER.sub(b'data-server="' + self.rasa_url + b'"', path.read_bytes())
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()

    def log_message(self, fmt: str, *args) -> None:  # quieter: only errors
        if args and str(args[1] if len(args) > 1 else "").startswith(("4", "5")):
            super().log_message(fmt, *args)


def _log(text: str) -> None:
    sys.stderr.write(text.rstrip() + "\n")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="web")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--rasa-url", default="http://localhost:5005")
    a = ap.parse_args()
    Handler.rasa_url = a.rasa_url.encode()
    import workbench

    Handler.workbench = workbench.from_env(a.rasa_url, log=_log)
    if Handler.workbench is None:
        _log(workbench.OFF_NOTE)
    else:
        import threading

        from workbench import review

        # load the name masker in the background; the review masks everything else meanwhile
        threading.Thread(target=review.warm_up_masking, name="warm-up-masking", daemon=True).start()
    if Handler.workbench is not None and a.bind not in ("127.0.0.1", "::1", "localhost"):
        _log(
            "Let op: de werkbank is bereikbaar buiten deze computer. Zet er HTTPS voor "
            "(en OPSW_WORKBENCH_SECURE_COOKIE=1)."
        )
    handler = functools.partial(Handler, directory=str(Path(a.dir).resolve()))
    with http.server.ThreadingHTTPServer((a.bind, a.port), handler) as srv:
        staff = f", staff pages on http://{a.bind}:{a.port}/workbench" if Handler.workbench else ""
        print(f"serving {a.dir} on http://{a.bind}:{a.port}/ (chat -> {a.rasa_url}){staff}", file=sys.stderr)
        with contextlib.suppress(KeyboardInterrupt):
            srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
