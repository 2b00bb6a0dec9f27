"""Closed HTTP API: the settings (deploy/serve.py, scripts/env.sh) and, for real, the test Rasa
server (opened with a token by the `rasa_server` fixture): without the token the tracker, events,
model and execute endpoints refuse; with it they work. The action server listens on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from deploy import serve
from tests.infra.infra_helpers import ROOT, env_from_scripts


# ------------------------------------------------------------------------- settings (no server)
def test_api_is_off_by_default_and_binds_loopback() -> None:
    args = serve.rasa_args(env_from_scripts())
    assert "--enable-api" not in args and "--auth-token" not in args
    assert args[:2] == ["-i", "127.0.0.1"]
    assert args[args.index("--cors") + 1 :] == ["http://localhost:8080", "http://127.0.0.1:8080"]


def test_cors_follows_the_web_origin_and_the_setting() -> None:
    env = env_from_scripts(OPSW_HOST="chat.example.nl", OPSW_WEB_PORT="443")
    assert serve.cors_origins(env) == ["http://chat.example.nl:443"]
    env = env_from_scripts(OPSW_CORS_ORIGINS="https://a.example.nl, https://b.example.nl")
    args = serve.rasa_args(env)
    assert args[args.index("--cors") + 1 :] == ["https://a.example.nl", "https://b.example.nl"]


def test_api_needs_a_token() -> None:
    with pytest.raises(serve.ConfigError, match="OPSW_API_TOKEN"):
        serve.rasa_args(env_from_scripts(OPSW_ENABLE_API="1"))
    with pytest.raises(serve.ConfigError, match="te kort"):
        serve.rasa_args(env_from_scripts(OPSW_ENABLE_API="1", OPSW_API_TOKEN="kort"))
    args = serve.rasa_args(env_from_scripts(OPSW_ENABLE_API="1", OPSW_API_TOKEN="x" * 24))
    assert args[args.index("--auth-token") + 1] == "x" * 24 and "--enable-api" in args


def test_launcher_refuses_open_api_without_token_before_loading_rasa() -> None:
    env = env_from_scripts(OPSW_ENABLE_API="1")
    res = subprocess.run(
        [sys.executable, "-m", "deploy.serve", "rasa", "--model", "nope"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2
    assert "OPSW_API_TOKEN" in res.stderr and "FOUT/ERROR" in res.stderr
    # and the flags cannot be smuggled in as arguments
    res = subprocess.run(
        [sys.executable, "-m", "deploy.serve", "rasa", "--enable-api"],
        env=env_from_scripts(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2 and "--enable-api" in res.stderr


def test_run_script_refuses_open_api_without_token() -> None:
    """servers.sh's check (used by make run before training) stops with the message."""
    env = env_from_scripts(OPSW_ENABLE_API="1")
    res = subprocess.run(
        ["bash", "-c", "source scripts/env.sh && source scripts/servers.sh && opsw_check_api_settings && echo STARTED"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2 and "STARTED" not in res.stdout
    assert "OPSW_API_TOKEN" in res.stderr


def test_existing_logs_and_database_are_made_private(tmp_path: Path) -> None:
    logs = tmp_path / "log"
    logs.mkdir()
    (logs / "rasa.log").write_text("user messages")
    (logs / "rasa.log").chmod(0o644)
    logs.chmod(0o755)
    env = env_from_scripts(OPSW_LOG_DIR=str(logs), OPSW_RUN_DIR=str(tmp_path / "run"))
    res = subprocess.run(
        [
            "bash",
            "-c",
            "source scripts/env.sh && source scripts/servers.sh && "
            'opsw_spawn probe touch "$OPSW_LOG_DIR/new.db" && wait',
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stderr
    assert oct((logs / "rasa.log").stat().st_mode & 0o777) == "0o600"
    assert oct(logs.stat().st_mode & 0o777) == "0o700"
    # files the servers create (SQLite database, logs) get umask 077
    assert oct((logs / "new.db").stat().st_mode & 0o777) == "0o600"
    assert oct((logs / "probe.log").stat().st_mode & 0o777) == "0o600"


def test_action_server_gets_the_bind_address() -> None:
    assert serve.actions_env(env_from_scripts())["SANIC_HOST"] == "127.0.0.1"
    assert serve.actions_env(env_from_scripts(OPSW_BIND="10.0.0.5"))["SANIC_HOST"] == "10.0.0.5"


# ----------------------------------------------------------------------------- real servers
def listen_addresses(port: int) -> set:
    """Local addresses that LISTEN on `port` (from /proc/net/tcp{,6})."""
    out = set()
    for name, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for ln in lines:
            parts = ln.split()
            addr, prt = parts[1].split(":")
            if int(prt, 16) == port and parts[3] == "0A":  # 0A = LISTEN
                if width == 8:
                    b = bytes.fromhex(addr)[::-1]
                    out.add(".".join(str(x) for x in b))
                else:
                    out.add("v6:" + addr)
    return out


@pytest.mark.integration
def test_action_server_listens_on_loopback_only(action_server) -> None:
    addrs = listen_addresses(action_server.port)
    assert addrs == {"127.0.0.1"}, addrs


def _call(
    method: str, url: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any, dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw[:1] in (b"{", b"[") else raw), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


@pytest.mark.integration
def test_http_api_refuses_without_token_and_works_with_it(rasa_server) -> None:
    u, tok = rasa_server.url, rasa_server.token
    assert tok and len(tok) >= 16
    sender = rasa_server.new_sender("api")
    rasa_server.send("Hallo", sender)
    listen = {"event": "action", "name": "action_listen"}
    refused = [
        ("GET", f"/conversations/{sender}/tracker", None),
        ("POST", f"/conversations/{sender}/tracker/events", listen),
        ("PUT", f"/conversations/{sender}/tracker/events", [listen]),
        ("POST", f"/conversations/{sender}/execute", {"name": "action_listen"}),
        ("POST", f"/conversations/{sender}/trigger_intent", {"name": "greet"}),
        ("POST", f"/conversations/{sender}/predict", None),
        ("GET", f"/conversations/{sender}/story", None),
        ("POST", "/model/parse", {"text": "hallo"}),
        ("PUT", "/model", {"model_file": "/nonexistent.tar.gz"}),
        ("DELETE", "/model", None),
        ("GET", "/status", None),
        ("GET", "/domain", None),
    ]
    for method, path, body in refused:
        for q in ("", "?token=wrong-token-0123456789"):
            status, _, _ = _call(method, u + path + q, body)
            assert status in (401, 403), f"{method} {path}{q} answered {status} without the token"

    # with the token: read the conversation, add an event, execute an action, parse
    status, tracker, _ = _call("GET", f"{u}/conversations/{sender}/tracker?token={tok}")
    assert status == 200 and tracker["sender_id"] == sender
    n_events = len(tracker["events"])
    status, _, _ = _call("POST", f"{u}/conversations/{sender}/tracker/events?token={tok}", listen)
    assert status == 200
    status, body, _ = _call("POST", f"{u}/conversations/{sender}/execute?token={tok}", {"name": "action_listen"})
    assert status == 200 and "tracker" in body
    status, tracker, _ = _call("GET", f"{u}/conversations/{sender}/tracker?token={tok}")
    assert len(tracker["events"]) >= n_events + 2
    status, parsed, _ = _call("POST", f"{u}/model/parse?token={tok}", {"text": "hallo"})
    assert status == 200 and parsed["text"] == "hallo"
    status, info, _ = _call("GET", f"{u}/status?token={tok}")
    assert status == 200 and info["model_file"]
    # the chat channel itself needs no token
    assert rasa_server.send("Hallo", rasa_server.new_sender("api")) is not None
