"""The regional overview on the stores Rasa writes itself: the conversations of test_overview.py saved by Rasa's own
SQLTrackerStore into SQLite and into PostgreSQL (a throw-away cluster, tests/infra/infra_helpers.py; skipped locally
without the PostgreSQL binaries, failed under CI). Both give the same page cells and the same CSV as the SQLite
table written directly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.infra.infra_helpers import PostgresServer, env_from_scripts, run
from workbench import overview

from .conftest import TrackerDB
from .test_overview import SECRET_WORDS, counted, fill

pytestmark = pytest.mark.integration


class RasaStore:
    """Saves the test conversations (event dicts) with Rasa's SQLTrackerStore, as the Rasa server does."""

    def __init__(self, url: str) -> None:
        from rasa.core.tracker_store import SQLTrackerStore
        from rasa.shared.core.domain import Domain

        self.url = url
        self.domain = Domain.from_yaml(
            'version: "3.1"\nintents: [inform, restart, feedback, greet]\n'
            "slots:\n  dialogue:\n    type: any\n    influence_conversation: false\n    mappings: [{type: custom}]\n"
        )
        self.store = SQLTrackerStore(domain=self.domain, host=url)

    def add(self, sender: str, events: list[dict[str, Any]], start: float) -> None:
        from rasa.shared.core.events import Event
        from rasa.shared.core.trackers import DialogueStateTracker

        parsed = [Event.from_parameters({**event, "timestamp": start + index}) for index, event in enumerate(events)]
        tracker = DialogueStateTracker.from_events(sender, parsed, self.domain.slots)
        run(self.store.save(tracker))

    def close(self) -> None:
        self.store.engine.dispose()


def cells(result: overview.Overview) -> dict[tuple[str, str, str], str]:
    return {
        (table.id, row.code, column): result.cell(row.keys[column]).text
        for table in result.tables
        for row in (*table.rows, *((table.total,) if table.total else ()))
        for column, _ in table.columns
    }


def same_as_sqlite(url: str, tmp_path: Path) -> None:
    store = RasaStore(url)
    try:
        fill(store)  # type: ignore[arg-type]
    finally:
        store.close()
    direct = TrackerDB(tmp_path / "direct.db")
    fill(direct)
    for query in (
        {"per": "week", "van": "2026-03-02", "tot": "2026-03-22"},
        {"per": "maand", "van": "2026-02-01", "tot": "2026-03-31", "wet": "wlz"},
    ):
        expected = counted(direct, query)
        found = counted(store, query)  # type: ignore[arg-type]
        assert found.total.count == expected.total.count > 0
        assert cells(found) == cells(expected)
        text = overview.to_csv(found)
        assert text == overview.to_csv(expected) and SECRET_WORDS not in text


def test_overview_from_a_sqlite_store_written_by_rasa(tmp_path: Path) -> None:
    same_as_sqlite(f"sqlite:///{tmp_path / 'rasa.db'}", tmp_path)


@pytest.mark.postgres
def test_overview_from_postgresql(tmp_path: Path) -> None:
    pg = PostgresServer()
    try:
        env = env_from_scripts(
            OPSW_PG_HOST="127.0.0.1", OPSW_PG_PORT=str(pg.port), OPSW_PG_USER=pg.user, OPSW_PG_DB="rasa"
        )
        url = env["OPSW_TRACKER_DB_URL"]
        assert url.startswith("postgresql://")
        same_as_sqlite(url, tmp_path)
    finally:
        pg.stop()
