"""Delete one conversation from Rasa's SQL tracker store ("verwijder mijn gesprek").

``erase_conversation(db_url, sender_id) -> int`` deletes every row of ``sender_id`` in the
``events`` table of Rasa's ``SQLTrackerStore`` (sqlite, postgresql, ...) and returns the number
of rows deleted (0 when there was nothing, or no table yet). Reused by the retention command.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

logger = logging.getLogger(__name__)

EVENTS_TABLE = "events"  # rasa.core.tracker_store.SQLTrackerStore.SQLEvent.__tablename__

_engines: dict = {}


def _engine(db_url: str) -> sa.engine.Engine:
    engine = _engines.get(db_url)
    if engine is None:
        engine = sa.create_engine(db_url, future=True)
        _engines[db_url] = engine
    return engine


def erase_conversation(db_url: str | None, sender_id: str, table: str = EVENTS_TABLE) -> int:
    """Delete the conversation ``sender_id``; returns the rows deleted."""
    if not db_url or not sender_id:
        return 0
    engine = _engine(db_url)
    meta = sa.MetaData()
    try:
        events = sa.Table(table, meta, autoload_with=engine)
    except sa.exc.NoSuchTableError:
        return 0
    with engine.begin() as conn:
        result = conn.execute(sa.delete(events).where(events.c.sender_id == sender_id))
        deleted = int(result.rowcount or 0)
    logger.info("Conversation erased on request (%d events).", deleted)
    return deleted
