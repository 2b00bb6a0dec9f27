#!/usr/bin/env python
"""Tiny static server for web/ (loopback by default).

Serves DIR like ``python -m http.server`` and rewrites the ``data-server="..."`` attribute in
HTML pages to the Rasa server URL (``--rasa-url``), so the chat widget talks to the Rasa server
started by scripts/run.sh, whatever port it uses.

    python scripts/serve_web.py --dir web --port 8080 --rasa-url http://localhost:5005
"""
from __future__ import annotations

import argparse
import functools
import http.server
import re
import sys
from pathlib import Path

DATA_SERVER = re.compile(rb'data-server="[^"]*"')


class Handler(http.server.SimpleHTTPRequestHandler):
    rasa_url = b"http://localhost:5005"

    def send_head(self):  # type: ignore[override]
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
            import io

            return io.BytesIO(body)
        return super().send_head()

    def log_message(self, fmt: str, *args) -> None:  # quieter: only errors
        if args and str(args[1] if len(args) > 1 else "").startswith(("4", "5")):
            super().log_message(fmt, *args)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="web")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--rasa-url", default="http://localhost:5005")
    a = ap.parse_args()
    Handler.rasa_url = a.rasa_url.encode()
    handler = functools.partial(Handler, directory=str(Path(a.dir).resolve()))
    with http.server.ThreadingHTTPServer((a.bind, a.port), handler) as srv:
        print(f"serving {a.dir} on http://{a.bind}:{a.port}/ (chat -> {a.rasa_url})", file=sys.stderr)
        try:
            srv.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
