"""No version banner (issue 17): Rasa's ``GET /`` answered "Hello from Rasa: 3.6.21" to anyone. The Rasa server
started by deploy/serve.py answers ``/`` and ``/health`` with ``{"status": "ok"}``; with the HTTP API on,
``/version`` needs the token like the rest of the API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import rasa
import rasa.server

from deploy import serve
from tests.channels.channel_fakes import serving
from tests.infra.infra_helpers import ROOT, env_from_scripts, free_port

TOKEN = "test-token-0123456789abcdef"


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _no_version(body: bytes) -> None:
    assert rasa.__version__.encode() not in body and b"Rasa" not in body, body


def _in_process(monkeypatch, enable_api: bool) -> dict[str, tuple[int, bytes]]:
    """Rasa's app as ``rasa run`` builds it (rasa.core.run.configure_app), after deploy/serve.py's change."""
    from rasa.core.run import configure_app
    from sanic import Sanic

    monkeypatch.setattr(rasa.server, "add_root_route", rasa.server.add_root_route)  # restored after the test
    serve.no_version_banner(TOKEN if enable_api else None)
    Sanic.test_mode = True

    async def scenario() -> dict[str, tuple[int, bytes]]:
        app = configure_app(enable_api=enable_api, auth_token=TOKEN if enable_api else None)
        async with serving(app) as base:
            loop = asyncio.get_running_loop()
            paths = ["/", "/health", "/version", f"/version?token={TOKEN}", "/version?token=wrong"]
            answers = await asyncio.gather(*(loop.run_in_executor(None, _get, base + p) for p in paths))
        return dict(zip(paths, answers, strict=True))

    return asyncio.run(scenario())


@pytest.mark.parametrize("enable_api", [False, True], ids=["api-off", "api-on"])
def test_root_and_health_answer_without_the_version(monkeypatch, enable_api):
    answers = _in_process(monkeypatch, enable_api)
    for path in ("/", "/health"):
        status, body = answers[path]
        assert status == 200 and json.loads(body) == {"status": "ok"}, (path, body)
        _no_version(body)


def test_version_needs_the_api_token(monkeypatch):
    answers = _in_process(monkeypatch, enable_api=True)
    for path in ("/version", "/version?token=wrong"):
        status, body = answers[path]
        assert status == 401, (path, status)
        _no_version(body)
    status, body = answers[f"/version?token={TOKEN}"]
    assert status == 200 and json.loads(body)["version"] == rasa.__version__


def test_without_the_api_there_is_no_version_route(monkeypatch):
    answers = _in_process(monkeypatch, enable_api=False)
    assert answers["/version"][0] == 404
    _no_version(answers["/version"][1])


@pytest.mark.slow
def test_the_launcher_serves_no_banner(tmp_path: Path):
    """``python -m deploy.serve rasa`` as scripts/servers.sh starts it (no model needed for the routes)."""
    creds = tmp_path / "credentials.yml"
    creds.write_text("channels.rest.RestInput:\n", encoding="utf-8")
    port = free_port()
    env = env_from_scripts(OPSW_CORS_ORIGINS="http://127.0.0.1:9")
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3")
    log = tmp_path / "rasa.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "deploy.serve", "rasa", "-p", str(port)),
                *("--model", str(tmp_path / "geen-model"), "--credentials", str(creds)),
                *("--endpoints", str(tmp_path / "geen-endpoints.yml")),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = 180
        for _ in range(deadline * 2):
            if proc.poll() is not None:
                pytest.fail(f"deploy.serve exited ({proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
            try:
                status, body = _get(base + "/health")
                break
            except OSError:  # not listening yet
                time.sleep(0.5)
        else:
            pytest.fail(f"no answer on /health in {deadline}s:\n{log.read_text(errors='replace')[-3000:]}")
        assert status == 200 and json.loads(body) == {"status": "ok"}
        status, body = _get(base + "/")
        assert status == 200 and json.loads(body) == {"status": "ok"}
        _no_version(body)
        assert _get(base + "/version")[0] == 404  # the HTTP API is off by default
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
