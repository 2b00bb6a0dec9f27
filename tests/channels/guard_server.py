"""A real ``rasa run`` with the tiny bot behind the channel guard, for the end-to-end and fuzz tests.

* ``FakeActionServer``: plays the action server for ``action_tiny_turn`` (answers "Actie gelukt."
  with an ``opsw`` dict); can be stopped and started again on the same port.
* ``GuardServer``: ``rasa run --debug`` with the repo's channel classes (``channels.rest.RestInput``,
  ``channels.socketio.SocketIOInput``, ``channels.callback.CallbackInput``), a SQLite tracker store and
  the fake action server; the log (rasa.log) is kept in a file. Helpers: ``post``, ``send``,
  ``tracker_rows``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, _Collector, _start, free_port, stop_process, wait_http

ACTION_TEXT = "Actie gelukt."
ACTION_OPSW = {"kind": "advice", "feedback": True}
SENDER_SALT = "test-sender-salt-0123456789abcdef"  # as tests/channels/conftest.py sets it for in-process channels


class FakeActionServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.calls = 0
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def start(self) -> FakeActionServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                owner.calls += 1
                body = json.dumps({"events": [], "responses": [{"text": ACTION_TEXT, "opsw": ACTION_OPSW}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@dataclass
class GuardServer:
    url: str
    proc: Any
    log: Path
    db: Path
    actions: FakeActionServer
    collector: Any = None  # receives the callback channel's answers

    @property
    def rest_url(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    @staticmethod
    def new_sender(prefix: str = "guard") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    def post(
        self,
        body: bytes,
        path: str = "/webhooks/rest/webhook",
        timeout: float = 60,
        content_type: str = "application/json",
    ) -> tuple[int, Any]:
        req = urllib.request.Request(self.url + path, data=body, headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def send(
        self, text: Any, sender: str | None = None, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        payload: dict[str, Any] = {"sender": sender or self.new_sender(), "message": text}
        if metadata is not None:
            payload["metadata"] = metadata
        status, body = self.post(json.dumps(payload).encode())
        assert status == 200, (status, body)
        return body

    def tracker_rows(self) -> list[tuple[str, str]]:
        with sqlite3.connect(str(self.db)) as conn:
            return conn.execute("SELECT sender_id, data FROM events").fetchall()

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_guard_server(
    model: Path,
    tmp: Path,
    env_extra: dict[str, str] | None = None,
    action_url: str | None = None,
    env_base: dict[str, str] | None = None,
) -> GuardServer:
    """``action_url``: a real action server (``rasa run actions``); else the fake one."""
    actions = FakeActionServer().start()
    collector = _Collector()
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    callback_url = f"http://127.0.0.1:{collector.server_address[1]}/bot"
    if action_url:
        actions.stop()
    db = tmp / "trackers.db"
    creds = tmp / "credentials.yml"
    creds.write_text(
        "channels.rest.RestInput:\n"
        "channels.socketio.SocketIOInput:\n"
        "  user_message_evt: user_uttered\n"
        "  bot_message_evt: bot_uttered\n"
        "  session_persistence: true\n"
        "channels.callback.CallbackInput:\n"
        f"  url: {callback_url}\n",
        encoding="utf-8",
    )
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: {action_url or actions.url}\n"
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {db}\n",
        encoding="utf-8",
    )
    port = free_port()
    env = dict(os.environ if env_base is None else env_base)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONPATH=str(ROOT),
        OPSW_TRACKER_DB_URL=f"sqlite:///{db}",
        OPSW_RATE_LIMIT="100000/1",
        # socket.io lets in only these origins (channels/socketio.py); the test clients (websocket-client) send the
        # server's own origin
        OPSW_CORS_ORIGINS=f"http://127.0.0.1:{port}",
    )
    # the secret of the hashed conversation ids (channels.sender_ids): without it the server would write a
    # per-install secret into the checkout's var/ (this session fixture starts before the per-test setting)
    env.setdefault("OPSW_SENDER_SALT", SENDER_SALT)
    env.update(env_extra or {})
    log = tmp / "rasa.log"
    rasa = Path(sys.executable).with_name("rasa")
    proc = _start(
        [
            str(rasa),
            "run",
            "--debug",
            "--enable-api",
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "--model",
            str(model),
            "--credentials",
            str(creds),
            "--endpoints",
            str(endpoints),
        ],
        env,
        log,
    )
    server = GuardServer(
        url=f"http://127.0.0.1:{port}", proc=proc, log=log, db=db, actions=actions, collector=collector
    )
    try:
        wait_http(f"{server.url}/status", 600, proc)
    except Exception as e:
        stop_process(proc)
        actions.stop()
        collector.shutdown()
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-60:])
        raise RuntimeError(f"Rasa (tiny bot, guarded channels) did not start: {e}\n{tail}") from e
    return server


def stop_guard_server(server: GuardServer) -> None:
    stop_process(server.proc)
    server.actions.stop()
    if server.collector is not None:
        server.collector.shutdown()
