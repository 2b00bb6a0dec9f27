"""Retention (deploy/retention.py, `make retention DAYS=30`): conversations whose last event is
older than N days are deleted from the SQL tracker store, others stay whole. Real SQLite and
real PostgreSQL (throw-away cluster), trackers written by Rasa's own SQLTrackerStore."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from deploy import retention
from tests.infra.infra_helpers import ROOT, PostgresServer, env_from_scripts, run

DAY = 86400.0
NOW = time.time()


def _store(url: str):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    domain = Domain.from_yaml('version: "3.1"\nintents: [greet]\n')
    return SQLTrackerStore(domain=domain, host=url), domain


def _fill(url: str) -> dict[str, int]:
    """old: all events 40 days ago; recent: 1 day ago; long: began 40 days ago, last event 2
    days ago (still going on: kept whole); edge: 29.9 days ago."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store, domain = _store(url)
    plan = {
        "old": [40, 40, 40],
        "recent": [1, 1, 1],
        "long": [40, 20, 2],
        "edge": [29.9, 29.9, 29.9],
        "old2": [31, 31, 31],
    }
    counts = {}
    for sender, ages in plan.items():
        ts = [NOW - a * DAY for a in ages]
        events = [
            ActionExecuted("action_listen", timestamp=ts[0]),
            UserUttered(f"hallo {sender}", {"name": "greet", "confidence": 1.0}, timestamp=ts[1]),
            BotUttered("Hallo!", timestamp=ts[2]),
        ]
        run(store.save(DialogueStateTracker.from_events(sender, events, domain.slots)))
        counts[sender] = len(events)
    store.engine.dispose()
    return counts


def _senders(url: str):
    store, _ = _store(url)
    try:
        return sorted(run(store.keys()))
    finally:
        store.engine.dispose()


def _check(url: str, counts: dict[str, int], purge) -> None:
    assert _senders(url) == sorted(counts)
    dry = purge(dry_run=True)
    assert "would delete 2 gesprek(ken)/conversation(s), 6 event(s)" in dry
    assert _senders(url) == sorted(counts)  # dry run changes nothing
    out = purge(dry_run=False)
    assert "deleted 2 gesprek(ken)/conversation(s), 6 event(s)" in out
    assert _senders(url) == ["edge", "long", "recent"]
    store, _ = _store(url)
    try:
        long = run(store.retrieve_full_tracker("long"))
        assert len(long.events) == counts["long"]  # an ongoing conversation is kept whole
    finally:
        store.engine.dispose()
    assert "deleted 0" in purge(dry_run=False)  # idempotent


def test_retention_sqlite_via_make(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'trackers.db'}"
    counts = _fill(url)
    env = env_from_scripts(OPSW_TRACKER_DB_URL=url)

    def purge(dry_run: bool) -> str:
        # -o bootstrap: never (re)build the venv from a test
        cmd = ["make", "-s", "-o", "bootstrap", "-C", str(ROOT), "retention", "DAYS=30"]
        if dry_run:
            cmd.append("DRY_RUN=1")
        res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stderr
        return res.stdout

    _check(url, counts, purge)


def test_retention_refuses_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        retention.purge(f"sqlite:///{tmp_path / 'x.db'}", days=0)
    assert retention.main(["--days", "0", "--url", f"sqlite:///{tmp_path / 'x.db'}"]) == 2
    # no events table yet (nothing ever saved): nothing to do, no error
    res = retention.purge(f"sqlite:///{tmp_path / 'empty.db'}", days=30)
    assert (res.conversations, res.events) == (0, 0)


@pytest.mark.integration
@pytest.mark.postgres
def test_retention_postgres() -> None:
    pg = PostgresServer()
    try:
        env = env_from_scripts(
            OPSW_PG_HOST="127.0.0.1", OPSW_PG_PORT=str(pg.port), OPSW_PG_USER=pg.user, OPSW_PG_DB="rasa"
        )
        url = env["OPSW_TRACKER_DB_URL"]
        counts = _fill(url)

        def purge(dry_run: bool) -> str:
            return str(retention.purge(url, 30, now=NOW, dry_run=dry_run))

        _check(url, counts, purge)
        # the command line reads OPSW_TRACKER_DB_URL like make retention does
        res = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "deploy.retention", "--days", "1.5"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert res.returncode == 0, res.stderr
        assert "deleted 2 gesprek(ken)/conversation(s)" in res.stdout  # "edge" and "long" go
        assert _senders(url) == ["recent"]
    finally:
        pg.stop()
