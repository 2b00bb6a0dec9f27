"""Fixtures for the channel tests (tests/channels/).

The repo root is on sys.path through pytest.ini (``pythonpath``); this folder has no
``__init__.py``, so pytest puts it on sys.path for ``channel_fakes`` and ``guard_server``.
tests/fuzz imports this module as ``tests.channels.conftest``: the fixtures import
``tests.channels.guard_server`` for that reason.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TINY_BOT = HERE / "tiny_bot"
TEST_SENDER_SALT = "test-sender-salt-0123456789abcdef"


@pytest.fixture(autouse=True)
def sender_salt(monkeypatch) -> str:
    """The secret of the conversation ids (channels.sender_ids) for in-process channels: no
    per-install secret file is written into the checkout's var/ by the tests."""
    monkeypatch.setenv("OPSW_SENDER_SALT", TEST_SENDER_SALT)
    return TEST_SENDER_SALT


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A small Dutch assistant (keyword NLU + rules) trained once per session.

    Used to test the connectors in-process; the same tests run against the
    real model in test_channels_real_model.py.
    """
    out = tmp_path_factory.mktemp("tiny_model")
    env = dict(
        os.environ,
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        RASA_CACHE_DIRECTORY=str(out / "cache"),
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "--config",
            str(TINY_BOT / "config.yml"),
            "--domain",
            str(TINY_BOT / "domain.yml"),
            "--data",
            str(TINY_BOT / "data"),
            "--out",
            str(out),
            "--fixed-model-name",
            "tiny",
        ],
        cwd=str(out),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    model = out / "tiny.tar.gz"
    assert result.returncode == 0 and model.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    return model


@pytest.fixture(scope="session")
def guard_server(tiny_model, tmp_path_factory):
    """``rasa run --debug`` with the tiny bot behind the guarded channels (see guard_server.py)."""
    from tests.channels.guard_server import start_guard_server, stop_guard_server

    server = start_guard_server(tiny_model, tmp_path_factory.mktemp("guard_server"))
    yield server
    stop_guard_server(server)
