"""The embedded SQLite tracker store commits in WAL mode (deploy.serve.tune_sqlite): cheaper commits per message."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import sqlalchemy

from deploy import serve


def _pragmas(url: str) -> tuple[str, int, int]:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            return (
                conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
                conn.exec_driver_sql("PRAGMA synchronous").scalar(),
                conn.exec_driver_sql("PRAGMA busy_timeout").scalar(),
            )
    finally:
        engine.dispose()


def test_sqlite_connections_use_the_write_ahead_log(tmp_path: Path) -> None:
    from sqlalchemy.pool import Pool

    serve.tune_sqlite()
    serve.tune_sqlite()  # twice: still one listener, no error
    registered = Pool.dispatch.connect._clslevel[Pool]  # Engine "connect" events live on the pool
    assert [getattr(fn, "__name__", "") for fn in registered].count("_sqlite_pragmas") == 1
    journal, synchronous, busy = _pragmas(f"sqlite:///{tmp_path / 'trackers.db'}")
    assert journal == "wal"
    assert synchronous == 1  # NORMAL
    assert busy >= 5000


def test_a_tracker_saved_by_rasa_reads_back_in_wal_mode(tmp_path: Path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    serve.tune_sqlite()
    db = tmp_path / "trackers.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    tracker = DialogueStateTracker.from_events("wal-1", [UserUttered("hallo")])
    asyncio.run(store.save(tracker))
    again = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    read = asyncio.run(again.retrieve("wal-1"))
    assert read is not None and read.latest_message.text == "hallo"
    with sqlite3.connect(db) as plain:  # WAL mode is stored in the file: Rasa's own engine switched it on
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
