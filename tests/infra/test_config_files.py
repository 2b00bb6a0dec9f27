"""endpoints.yml, endpoints.multi.yml and credentials.yml load with Rasa's own readers, using the
variables that scripts/env.sh exports; and the channels in credentials.yml can be created."""

from __future__ import annotations

import os
from unittest import mock

import pytest

from tests.infra.infra_helpers import ROOT, env_from_scripts


def _read_endpoints(name: str, env: dict):
    from rasa.core.utils import AvailableEndpoints

    with mock.patch.dict(os.environ, env, clear=False):
        return AvailableEndpoints.read_endpoints(str(ROOT / name))


def test_env_defaults() -> None:
    env = env_from_scripts()
    assert env["OPSW_RASA_PORT"] == "5005"
    assert env["OPSW_ACTION_PORT"] == "5055"
    assert env["OPSW_ACTION_URL"] == "http://localhost:5055/webhook"
    assert env["OPSW_LOCK_STORE"] == "in_memory"
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    # closed by default: loopback only, no HTTP API, CORS only for the web page's own origin
    assert env["OPSW_BIND"] == "127.0.0.1"
    assert env["OPSW_ENABLE_API"] == "0"
    assert env["OPSW_CORS_ORIGINS"] == "http://localhost:8080 http://127.0.0.1:8080"
    assert "*" not in env["OPSW_CORS_ORIGINS"]


def test_action_url_follows_action_port() -> None:
    env = env_from_scripts(OPSW_ACTION_PORT="6055")
    assert env["OPSW_ACTION_URL"] == "http://localhost:6055/webhook"


def test_pg_url_built_from_parts_and_password() -> None:
    env = env_from_scripts(
        OPSW_PG_HOST="db", OPSW_PG_USER="u", OPSW_PG_PASSWORD="geheim", OPSW_PG_PORT="5433", OPSW_PG_DB="gesprekken"
    )
    assert env["OPSW_TRACKER_DB_URL"] == "postgresql://u:geheim@db:5433/gesprekken"


@pytest.mark.parametrize("name", ["endpoints.yml", "endpoints.multi.yml"])
def test_endpoints_load(name: str) -> None:
    env = env_from_scripts()
    ep = _read_endpoints(name, env)
    assert ep.action.url == env["OPSW_ACTION_URL"]
    # our SQL store, never silent on a failure; a type Rasa cannot import would fall back to memory with a warning
    assert ep.tracker_store.type == "deploy.tracker_store.CheckedSQLTrackerStore"
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.utils.common import class_from_module_path

    assert issubclass(class_from_module_path(ep.tracker_store.type), SQLTrackerStore)
    assert ep.tracker_store.url == env["OPSW_TRACKER_DB_URL"]
    assert ep.lock_store.type == ("deploy.lock_store.AtomicRedisLockStore" if "multi" in name else "in_memory")
    assert ep.lock_store.url == "localhost"
    assert ep.lock_store.kwargs["port"] == "6379"


def test_endpoints_need_the_variables() -> None:
    """Documented pitfall: Rasa refuses unset ${VAR}s, so the scripts must export them."""
    from rasa.shared.exceptions import RasaException

    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSW_")}
    with mock.patch.dict(os.environ, env, clear=True), pytest.raises(RasaException):
        from rasa.core.utils import AvailableEndpoints

        AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))


def test_credentials_load_and_channels_build() -> None:
    import rasa.shared.utils.io
    from rasa.core import run as rasa_run

    env = env_from_scripts(OPSW_CALLBACK_URL="http://127.0.0.1:9/bot")
    with mock.patch.dict(os.environ, env, clear=False):
        creds = rasa.shared.utils.io.read_config_file(str(ROOT / "credentials.yml"))
        # Rasa's channel names or our own channel classes (channels/: they pass `opsw` on)
        by_name = {
            k.rsplit(".", 1)[-1]
            .replace("SocketIOInput", "socketio")
            .replace("RestInput", "rest")
            .replace("CallbackInput", "callback"): v
            for k, v in creds.items()
        }
        assert {"rest", "socketio", "callback"} <= set(by_name)
        assert by_name["socketio"]["user_message_evt"] == "user_uttered"
        assert by_name["socketio"]["bot_message_evt"] == "bot_uttered"
        assert by_name["socketio"]["session_persistence"] is True
        assert by_name["callback"]["url"] == "http://127.0.0.1:9/bot"
        channels = rasa_run.create_http_input_channels(None, str(ROOT / "credentials.yml"))
    names = {c.name() for c in channels}
    assert {"rest", "socketio", "callback"} <= names
