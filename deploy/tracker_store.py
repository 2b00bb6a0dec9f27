"""The SQL tracker store of endpoints.yml and endpoints.multi.yml: Rasa's ``SQLTrackerStore``, never silent.

Rasa wraps every tracker store in its ``FailSafeTrackerStore`` (``rasa.core.agent``): a save that raises is logged and
the tracker goes to an in-memory store that nothing ever reads back; a read that raises gives "no conversation".
The user gets a normal answer, and the message is gone. This store (``type:
deploy.tracker_store.CheckedSQLTrackerStore``, the same ``url`` as Rasa's ``SQL`` type; SQLite and PostgreSQL):

* tries a failed save or read **once more** (a locked SQLite file, a dropped PostgreSQL connection);
* when that fails too, logs an ERROR (the kind of error and the database's own first line; no SQL, no message
  text) and reports the failure to the message being handled (:func:`watch`): the channel guard
  (``channels/guard.py``) then adds the notice ``store_failed`` of catalogue/texts.yaml to the answer;
* does not raise from ``save``: the fail-safe store would keep the tracker in memory, unread, and log the error with
  the SQL parameters (the user's text). A read that fails twice raises :class:`StoreFailure` (the fail-safe store
  then answers "no conversation", as before, but the user is told).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from rasa.core.tracker_store import SQLTrackerStore

logger = logging.getLogger(__name__)

T = TypeVar("T")

# The failures ("save", "read") of the message being handled; a list set by watch(), shared by reference so that a
# task started inside (which gets a copy of the context) still reports to it.
_FAILURES: ContextVar[list[str] | None] = ContextVar("opsw_tracker_store_failures", default=None)


class StoreFailure(RuntimeError):
    """The tracker store failed twice; the message holds no SQL and no user text."""


@contextlib.contextmanager
def watch() -> Iterator[list[str]]:
    """Collect the tracker store failures of the code run inside (one message): ``with watch() as failures: ...``."""
    failures: list[str] = []
    token = _FAILURES.set(failures)
    try:
        yield failures
    finally:
        _FAILURES.reset(token)


def report(what: str) -> None:
    """Tell the message being handled (if any) that the store failed to ``what`` ("save", "read")."""
    failures = _FAILURES.get()
    if failures is not None:
        failures.append(what)


def describe(error: BaseException) -> str:
    """The kind of error and the first line of the database's own message (SQLAlchemy's ``orig``), at most 200
    characters: never the statement or its parameters, which hold the user's text."""
    cause = getattr(error, "orig", None) or error
    first = (str(cause).strip().splitlines() or [""])[0][:200]
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


class CheckedSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store with one retry, an ERROR in the log and a report to the message (module doc)."""

    async def _twice(self, what: str, sender_id: str, attempt: Callable[[], Awaitable[T]]) -> T:
        try:
            return await attempt()
        except Exception as error:  # noqa: BLE001 - every failure of the database counts
            logger.warning("tracker store: %s failed (%s); trying once more", what, describe(error))
        try:
            return await attempt()
        except Exception as error:  # noqa: BLE001
            logger.error(
                "tracker store: %s failed twice (%s): conversation %s is NOT %s",
                what,
                describe(error),
                sender_id,
                "saved" if what == "save" else "read",
            )
            report(what)
            raise StoreFailure(f"tracker store: {what} failed twice ({describe(error)})") from None

    async def save(self, tracker: Any) -> None:
        parent = super().save
        with contextlib.suppress(StoreFailure):  # reported and logged; see the module doc for why not raised
            await self._twice("save", tracker.sender_id, lambda: parent(tracker))

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        parent = super()._retrieve
        return await self._twice("read", sender_id, lambda: parent(sender_id, fetch_events_from_all_sessions))
