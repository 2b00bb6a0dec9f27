"""Delete conversations older than N days from the SQL tracker store (SQLite or PostgreSQL).

    make retention DAYS=30
    .venv/bin/python -m deploy.retention --days 30 [--url URL] [--dry-run]

A conversation is old when its LAST event is older than N days (a conversation that is still
going on is kept whole, also its old first messages). All events of an old conversation are
deleted in one transaction. The database is the one in ``OPSW_TRACKER_DB_URL`` (scripts/env.sh:
the SQLite file var/trackers.db, or PostgreSQL from OPSW_PG_*), the table is Rasa's ``events``
(Rasa's SQLTrackerStore: ``sender_id``, ``timestamp`` in Unix seconds).

Run it daily (cron / systemd timer) on ONE machine; with several Rasa servers they share the
database, so once is enough. Prints how many conversations and events were deleted (no ids, no
content: those are personal data). The default retention comes from OPSW_RETENTION_DAYS (30).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass

DEFAULT_DAYS = 30
TABLE = "events"


@dataclass
class Result:
    conversations: int
    events: int
    cutoff: float
    dry_run: bool

    def __str__(self) -> str:
        verb = "zou verwijderen/would delete" if self.dry_run else "verwijderd/deleted"
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(self.cutoff))
        return (
            f"[opsw] retention: {verb} {self.conversations} gesprek(ken)/conversation(s), "
            f"{self.events} event(s); last event before {when}"
        )


def purge(url: str, days: float = DEFAULT_DAYS, now: float | None = None, dry_run: bool = False) -> Result:
    """Delete every conversation whose last event is older than `days` days."""
    if days <= 0:
        raise ValueError("days must be > 0")
    import sqlalchemy as sa

    cutoff = (time.time() if now is None else now) - days * 86400
    engine = sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table(TABLE):
            return Result(0, 0, cutoff, dry_run)
        events = sa.Table(TABLE, sa.MetaData(), autoload_with=engine)
        last = (
            sa.select(events.c.sender_id).group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < cutoff)
        )
        with engine.begin() as conn:
            old = [r[0] for r in conn.execute(last)]
            n_events = 0
            for i in range(0, len(old), 500):  # bounded IN lists
                chunk = old[i : i + 500]
                where = events.c.sender_id.in_(chunk)
                if dry_run:
                    n_events += conn.execute(sa.select(sa.func.count()).select_from(events).where(where)).scalar() or 0
                else:
                    n_events += conn.execute(events.delete().where(where)).rowcount or 0
        return Result(len(old), n_events, cutoff, dry_run)
    finally:
        engine.dispose()


def main(argv: list | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--days",
        type=float,
        default=float(os.environ.get("OPSW_RETENTION_DAYS") or DEFAULT_DAYS),
        help="keep conversations with an event in the last DAYS days (default 30)",
    )
    p.add_argument(
        "--url",
        default=os.environ.get("OPSW_TRACKER_DB_URL"),
        help="SQLAlchemy URL of the tracker store (default: $OPSW_TRACKER_DB_URL)",
    )
    p.add_argument("--dry-run", action="store_true", help="only count")
    a = p.parse_args(argv)
    if not a.url:
        print("[opsw] FOUT/ERROR: no database: set OPSW_TRACKER_DB_URL (source scripts/env.sh)", file=sys.stderr)
        return 2
    if a.days <= 0:
        print("[opsw] FOUT/ERROR: --days must be more than 0", file=sys.stderr)
        return 2
    print(purge(a.url, a.days, dry_run=a.dry_run))
    return 0


if __name__ == "__main__":
    sys.exit(main())
