"""The SQL tracker store as configured in endpoints.yml / endpoints.multi.yml, for real:
SQLite (default) and PostgreSQL (throw-away cluster). A tracker saved by one store object is
read back intact by a new store object (as after a server restart, or by a second server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.infra.infra_helpers import ROOT, PostgresServer, env_from_scripts, run

pytestmark = pytest.mark.integration


def _domain():
    from rasa.shared.core.domain import Domain

    return Domain.from_yaml(
        """
version: "3.1"
intents: [greet, besluit_oneens]
entities: [wet]
slots:
  law:
    type: text
    mappings: [{type: from_entity, entity: wet}]
responses:
  utter_greet: [{text: "Hallo!"}]
"""
    )


def _events():
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

    return [
        ActionExecuted("action_session_start", timestamp=1.0),
        SessionStarted(timestamp=2.0),
        ActionExecuted("action_listen", timestamp=3.0),
        UserUttered(
            "Ik ben het niet eens met het besluit van het CIZ over de Wlz",
            {"name": "besluit_oneens", "confidence": 0.97},
            [{"entity": "wet", "value": "wlz", "start": 55, "end": 58}],
            timestamp=4.0,
        ),
        SlotSet("law", "wlz", timestamp=5.0),
        BotUttered("U kunt bezwaar maken bij het CIZ.", {"elements": None}, timestamp=6.0),
        ActionExecuted("action_listen", timestamp=7.0),
    ]


def _store_from(endpoints_file: Path, env: dict):
    """Create the tracker store exactly like `rasa run --endpoints FILE` does."""
    import os
    from unittest import mock

    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import AvailableEndpoints

    with mock.patch.dict(os.environ, env, clear=False):
        endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))
    return TrackerStore.create(endpoints.tracker_store, domain=_domain())


def _roundtrip(endpoints_file: Path, env: dict, sender: str = "opsw-infra-1") -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    from deploy.tracker_store import CheckedSQLTrackerStore

    domain = _domain()
    store = _store_from(endpoints_file, env)
    assert isinstance(store, CheckedSQLTrackerStore)  # Rasa's SQL store, never silent on a failure
    tracker = DialogueStateTracker.from_events(sender, _events(), domain.slots)
    run(store.save(tracker))
    store.engine.dispose()

    store2 = _store_from(endpoints_file, env)  # a new object: nothing cached in memory
    back = run(store2.retrieve_full_tracker(sender))
    assert back is not None
    assert [e.as_dict() for e in back.events] == [e.as_dict() for e in tracker.events]
    assert back.get_slot("law") == "wlz"
    assert back.latest_message.intent["name"] == "besluit_oneens"
    assert sender in list(run(store2.keys()))

    # the server's flow: retrieve (current session), add an event, save -> only the new event
    # is appended, the earlier ones stay
    from rasa.shared.core.events import UserUttered

    current = run(store2.retrieve(sender))
    current.update(UserUttered("dank je wel", {"name": "thanks", "confidence": 0.9}, timestamp=8.0))
    run(store2.save(current))
    store3 = _store_from(endpoints_file, env)
    again = run(store3.retrieve_full_tracker(sender))
    assert len(again.events) == len(tracker.events) + 1
    assert again.events[-1].text == "dank je wel"
    for s in (store2, store3):
        s.engine.dispose()


def test_sqlite_tracker_store_roundtrip(tmp_path: Path) -> None:
    db = tmp_path / "trackers.db"
    env = env_from_scripts(OPSW_TRACKER_DB_URL=f"sqlite:///{db}")
    _roundtrip(ROOT / "endpoints.yml", env)
    assert db.exists() and db.stat().st_size > 0


def test_sqlite_store_that_cannot_write_reports_instead_of_failing_silently(tmp_path: Path, caplog) -> None:
    """The SQLite file cannot be written (opened read-only: as root a missing permission would not stop SQLite):
    one retry, an ERROR in the log, the failure reported to the message (channels/guard.py tells the user)."""
    import logging

    from rasa.core.tracker_store import FailSafeTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    from deploy.tracker_store import StoreFailure, watch

    db = tmp_path / "trackers.db"
    env = env_from_scripts(OPSW_TRACKER_DB_URL=f"sqlite:///{db}")
    _roundtrip(ROOT / "endpoints.yml", env)
    store = _store_from(ROOT / "endpoints.yml", {**env, "OPSW_TRACKER_DB_URL": f"sqlite:///file:{db}?mode=ro&uri=true"})
    safe = FailSafeTrackerStore(store)
    caplog.set_level(logging.WARNING, logger="deploy.tracker_store")
    with watch() as failures:
        run(safe.save(DialogueStateTracker.from_events("opsw-infra-3", _events(), _domain().slots)))
    assert failures == ["save"]
    assert [r.levelname for r in caplog.records] == ["WARNING", "ERROR"]
    assert "CIZ" not in caplog.text  # no SQL parameters (the user's text) in the log
    assert safe._fallback_tracker_store is None  # nothing kept in memory, unread
    # a read that fails twice is reported too (the fail-safe store then answers "no conversation")
    store.engine.dispose()
    db.unlink()
    db.mkdir()  # no longer a database file
    with watch() as failures:
        assert run(safe.retrieve("opsw-infra-1")) is None
    assert failures == ["read"]
    with pytest.raises(StoreFailure):
        run(store.retrieve("opsw-infra-1"))
    store.engine.dispose()


def test_default_sqlite_location_is_under_var() -> None:
    env = env_from_scripts()
    assert env["OPSW_TRACKER_DB_URL"] == f"sqlite:///{ROOT}/var/trackers.db"


@pytest.mark.postgres
def test_postgres_tracker_store_roundtrip() -> None:
    pg = PostgresServer()
    try:
        env = env_from_scripts(
            OPSW_PG_HOST="127.0.0.1", OPSW_PG_PORT=str(pg.port), OPSW_PG_USER=pg.user, OPSW_PG_DB="rasa"
        )
        assert env["OPSW_TRACKER_DB_URL"] == f"postgresql://rasa@127.0.0.1:{pg.port}/rasa"
        _roundtrip(ROOT / "endpoints.multi.yml", env)
        _roundtrip(ROOT / "endpoints.yml", env, "opsw-infra-2")  # same variables work with the default file
        _failed_save_is_reported(ROOT / "endpoints.multi.yml", env)
    finally:
        pg.stop()


def _failed_save_is_reported(endpoints_file: Path, env: dict) -> None:
    """A database that refuses writes (PostgreSQL: every transaction read-only): the store reads, tries the save
    twice, logs and reports it; the fail-safe store keeps nothing in memory."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import FailSafeTrackerStore
    from rasa.shared.core.events import UserUttered

    from deploy.tracker_store import watch

    store = _store_from(endpoints_file, env)
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ALTER DATABASE rasa SET default_transaction_read_only = on"))
    store.engine.dispose()  # new connections: read-only
    safe = FailSafeTrackerStore(store)
    current = run(safe.retrieve("opsw-infra-1"))
    assert current is not None  # reading still works
    current.update(UserUttered("niet bewaard", {"name": "thanks", "confidence": 0.9}, timestamp=9.0))
    with watch() as failures:
        run(safe.save(current))
    assert failures == ["save"]
    assert safe._fallback_tracker_store is None
    assert run(store.retrieve_full_tracker("opsw-infra-1")).events[-1].text == "dank je wel"  # as before
    store.engine.dispose()
