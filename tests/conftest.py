"""Shared session fixtures for all test folders.

Fixtures (all session-scoped):

``repo_root``       Path of the checkout.
``venv_python``     Path of the project's Python (``.venv/bin/python``, else the running one).
``opsw_env``        dict: the environment of ``scripts/env.sh`` (ports, tracker/lock store vars,
                    quiet Rasa/TensorFlow) — use it for subprocesses.
``trained_model``   Path of the model for the current config/domain/data (``models/<hash>.tar.gz``).
                    Fails (never skips) when it is missing: run ``make train`` (``make test``
                    trains before running pytest).
``action_server``   Starts ``rasa run actions`` on a free loopback port. Yields a ``Server``:
                    ``.url`` (``http://127.0.0.1:PORT``), ``.port``, ``.webhook_url``, ``.log``.
``rasa_server``     Starts the Rasa server with the trained model on a free port, with the REST,
                    socket.io and callback channels, the repo's ``endpoints.yml`` (SQLite tracker
                    store in a temp dir, in-memory lock store) and the action server above.
                    Yields a ``RasaServer``: ``.url``, ``.port``, ``.rest_url``, ``.socketio_url``,
                    ``.callback_webhook_url`` (POST here), ``.callback_url`` (where Rasa sends the
                    answers: a collector in this process), ``.log``, and helpers:
                    ``.new_sender()``, ``.send(text, sender)`` -> list of bot messages (REST),
                    ``.callback_messages(sender)`` -> answers received on the callback channel,
                    ``.tracker(sender)`` -> tracker JSON via the HTTP API, ``.token`` (the
                    API is opened with a random token; send ``?token=`` on API calls).

Servers are stopped (process group TERM, then KILL) at the end of the session; their logs are
kept under the pytest temp dir and printed on start-up failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------------
# helpers (importable: ``from conftest import free_port`` is not recommended; use fixtures)
# --------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.time() + timeout
    last: Any = None
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=3) as r:
                if r.status < 500:
                    return
        except Exception as e:
            last = e
        time.sleep(1)
    raise TimeoutError(f"{url} did not answer within {timeout}s ({last})")


def load_env() -> dict[str, str]:
    """The environment exported by scripts/env.sh (single source of the defaults)."""
    out = subprocess.run(
        ["bash", "-c", f'source "{ROOT}/scripts/env.sh" && env -0'],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    ).stdout
    env = dict(item.split("=", 1) for item in out.decode().split("\0") if "=" in item)
    return env


@dataclass
class Server:
    url: str
    port: int
    proc: subprocess.Popen
    log: Path
    token: str = ""  # Rasa HTTP API token (sent as ?token=...); empty = none

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/webhook"

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation via Rasa's HTTP API (only for a Rasa server); channel sender ids such as
        ``whatsapp:+31…`` are quoted."""
        quoted = urllib.parse.quote(sender, safe=":+")
        auth = f"?token={urllib.parse.quote(self.token)}" if self.token else ""
        with urllib.request.urlopen(f"{self.url}/conversations/{quoted}/tracker{auth}", timeout=30) as r:
            return json.loads(r.read())


def _start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    fh = open(log, "w")
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )


def stop_process(proc: subprocess.Popen) -> None:
    """TERM the process group, then KILL it if it does not stop."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


class _Collector(ThreadingHTTPServer):
    """Receives the callback channel's answers (Rasa POSTs them to callback_url)."""

    daemon_threads = True

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                try:
                    data = json.loads(body or b"{}")
                except ValueError:
                    data = {"raw": body.decode(errors="replace")}
                with collector.lock:
                    collector.messages.append(data)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@dataclass
class RasaServer(Server):
    callback_url: str = ""
    collector: _Collector | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def rest_url(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    @property
    def callback_webhook_url(self) -> str:
        return f"{self.url}/webhooks/callback/webhook"

    @property
    def socketio_url(self) -> str:
        return self.url  # socket.io path: /socket.io

    @staticmethod
    def new_sender(prefix: str = "test") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    def _post(self, url: str, payload: dict[str, Any], timeout: float = 60) -> Any:
        req = urllib.request.Request(
            url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body.strip().startswith((b"[", b"{")) else body.decode()

    def send(
        self, text: str, sender: str | None = None, timeout: float = 60, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Send a user message over REST; returns the bot messages."""
        payload: dict[str, Any] = {"sender": sender or self.new_sender(), "message": text}
        if metadata:
            payload["metadata"] = metadata
        return self._post(self.rest_url, payload, timeout)

    def callback_messages(self, sender: str | None = None) -> list[dict[str, Any]]:
        assert self.collector is not None
        with self.collector.lock:
            msgs = list(self.collector.messages)
        return [m for m in msgs if sender is None or m.get("recipient_id") == sender]


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def venv_python() -> Path:
    p = ROOT / ".venv" / "bin" / "python"
    return p if p.exists() else Path(sys.executable)


@pytest.fixture(scope="session")
def opsw_env() -> dict[str, str]:
    return load_env()


@pytest.fixture(scope="session")
def trained_model() -> Path:
    import train_if_needed

    path = train_if_needed.model_path(ROOT)
    if not path.exists():
        pytest.fail(
            f"trained model {path.relative_to(ROOT)} is missing for the current "
            "config/domain/data: run `make train` (or `make test`, which trains first)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def action_server(
    opsw_env: dict[str, str], venv_python: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    if not (ROOT / "actions").is_dir():
        pytest.fail("actions/ package is missing: cannot start the action server", pytrace=False)
    port = free_port()
    log = tmp_path_factory.mktemp("action_server") / "actions.log"
    # deploy/serve.py: SANIC_HOST=OPSW_BIND (loopback), as scripts/servers.sh starts it
    proc = _start(
        [str(venv_python), "-m", "deploy.serve", "actions", "--actions", "actions", "-p", str(port)], opsw_env, log
    )
    server = Server(url=f"http://127.0.0.1:{port}", port=port, proc=proc, log=log)
    try:
        wait_http(f"{server.url}/health", 180, proc)
    except Exception as e:
        stop_process(proc)
        pytest.fail(f"action server did not start: {e}\n--- {log} ---\n{server.log_tail()}", pytrace=False)
    yield server
    stop_process(proc)


@pytest.fixture(scope="session")
def rasa_server(
    opsw_env: dict[str, str],
    venv_python: Path,
    trained_model: Path,
    action_server: Server,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RasaServer]:
    tmp = tmp_path_factory.mktemp("rasa_server")
    collector = _Collector()
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    callback_url = f"http://127.0.0.1:{collector.server_address[1]}/bot"

    # the repo's channels, minus the ones that need secrets (Telegram/Twilio come from env)
    creds = tmp / "credentials.yml"
    creds.write_text(
        "channels.rest.RestInput:\n"
        "channels.socketio.SocketIOInput:\n"
        "  user_message_evt: user_uttered\n"
        "  bot_message_evt: bot_uttered\n"
        "  session_persistence: true\n"
        "channels.callback.CallbackInput:\n"
        f"  url: {callback_url}\n"
        "channels.documents.DocumentsInput:\n",
        encoding="utf-8",
    )
    port = free_port()
    env = dict(opsw_env)
    env.update(
        OPSW_RASA_PORT=str(port),
        OPSW_ACTION_PORT=str(action_server.port),
        OPSW_ACTION_URL=action_server.webhook_url,
        OPSW_TRACKER_DB_URL=f"sqlite:///{tmp / 'trackers.db'}",
        OPSW_LOCK_STORE="in_memory",
        OPSW_CALLBACK_URL=callback_url,
        # the HTTP API is closed by default; the tests open it with a token of their own
        OPSW_ENABLE_API="1",
        OPSW_API_TOKEN=f"test-{uuid.uuid4().hex}",
        OPSW_CORS_ORIGINS="*",
        OPSW_BIND="127.0.0.1",
    )
    log = tmp / "rasa.log"
    # deploy/serve.py adds --enable-api --auth-token, --cors and -i from the OPSW_* variables
    proc = _start(
        [
            str(venv_python),
            "-m",
            "deploy.serve",
            "rasa",
            "-p",
            str(port),
            "--model",
            str(trained_model),
            "--credentials",
            str(creds),
            "--endpoints",
            str(ROOT / "endpoints.yml"),
        ],
        env,
        log,
    )
    server = RasaServer(
        url=f"http://127.0.0.1:{port}",
        port=port,
        proc=proc,
        log=log,
        token=env["OPSW_API_TOKEN"],
        callback_url=callback_url,
        collector=collector,
        env=env,
    )
    try:
        wait_http(f"{server.url}/status?token={server.token}", 600, proc)
    except Exception as e:
        stop_process(proc)
        collector.shutdown()
        pytest.fail(f"Rasa server did not start: {e}\n--- {log} ---\n{server.log_tail()}", pytrace=False)
    yield server
    stop_process(proc)
    collector.shutdown()
