"""No version banner (issue 17): Rasa's ``GET /`` answered "Hello from Rasa: 3.6.21" to anyone. The Rasa server
started by deploy/serve.py answers ``/`` and ``/health`` with ``{"status": "ok"}``; with the HTTP API on,
``/version`` needs the token like the rest of the API."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import pytest
import rasa
import rasa.server

from deploy import serve
from tests.channels.channel_fakes import serving

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


@pytest.mark.integration
def test_the_launcher_serves_no_banner(rasa_server):
    """The Rasa server as scripts/servers.sh starts it (``python -m deploy.serve rasa``, the session's test server,
    HTTP API on with a token): ``/`` and ``/health`` answer without the version, ``/version`` wants the token."""
    for path in ("/", "/health"):
        status, body = _get(rasa_server.url + path)
        assert status == 200 and json.loads(body) == {"status": "ok"}, (path, body)
        _no_version(body)
    status, body = _get(rasa_server.url + "/version")
    assert status == 401
    _no_version(body)
