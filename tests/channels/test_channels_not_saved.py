"""A message the tracker store cannot keep is never silent (issue 17).

Rasa's FailSafeTrackerStore puts a tracker it could not save in memory, where nothing reads it, and the user gets a
normal answer. The store of endpoints.yml (deploy/tracker_store.py) tries once more, logs an ERROR and reports the
failure; the channel guard then adds the notice ``store_failed`` (catalogue/texts.yaml) to the answer. The failing
store here is a real SQLite file opened read-only: what SQLite answers for a file without write permission (or on a
full disk) — as root, removing the permission would not stop the writes.
"""

import asyncio
import logging
import os
from unittest import mock

import pytest
import sqlalchemy.exc
from channel_fakes import rasa_app
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.guard import Guard
from channels.rest import OpswCollectingOutput, RestInput
from deploy.tracker_store import CheckedSQLTrackerStore
from opschaling.catalogue import load_catalogue
from tests.infra.infra_helpers import ROOT, env_from_scripts

NOT_SAVED = load_catalogue().text("store_failed")
SECRET = "mijn geheime verhaal 4711"


def run(coro):
    return asyncio.run(coro)


def readonly_sqlite(tmp_path) -> str:
    """The URL of an SQLite tracker store whose tables exist and that refuses every write."""
    db = tmp_path / "trackers.db"
    CheckedSQLTrackerStore(host=f"sqlite:///{db}", domain=Domain.empty()).engine.dispose()
    return f"sqlite:///file:{db}?mode=ro&uri=true"


class SavingRasa:
    """Plays Rasa's MessageProcessor: the answer goes out first, then the tracker is saved."""

    def __init__(self, store):
        self.store = store

    async def __call__(self, message: UserMessage):
        await message.output_channel.send_response(
            message.sender_id, {"text": "Antwoord.", "opsw": {"kind": "question", "feedback": False}}
        )
        await self.store.save(DialogueStateTracker.from_events(message.sender_id, [UserUttered(message.text)]))


async def send(store, text, sender="niet-bewaard-1"):
    guard = Guard(max_chars=4000, rate=(20, 10.0), db_url="")
    out = OpswCollectingOutput()
    status = await guard.handle(UserMessage(text, out, sender, input_channel="rest"), SavingRasa(store))
    return status, out.messages


def test_an_answer_that_was_not_saved_says_so_after_one_retry_and_the_log_has_the_error(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    store = FailSafeTrackerStore(CheckedSQLTrackerStore(host=readonly_sqlite(tmp_path), domain=Domain.empty()))
    status, messages = run(send(store, SECRET))
    assert status == "not_saved"
    assert [m["text"] for m in messages] == ["Antwoord.", NOT_SAVED]
    assert messages[-1]["opsw"] == {"kind": "error", "feedback": False}
    logged = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "deploy.tracker_store"]
    assert [level for level, _ in logged] == ["WARNING", "ERROR"]  # tried twice, then the error
    assert "readonly database" in logged[-1][1] and "NOT saved" in logged[-1][1]
    assert SECRET not in caplog.text  # the SQL parameters (the user's text) are never logged
    # nothing was kept in memory by Rasa's fail-safe store either
    assert store._fallback_tracker_store is None


def test_a_save_that_fails_once_is_retried_and_kept_without_a_notice(tmp_path, caplog, monkeypatch):
    db = tmp_path / "trackers.db"
    store = FailSafeTrackerStore(CheckedSQLTrackerStore(host=f"sqlite:///{db}", domain=Domain.empty()))
    real_save = SQLTrackerStore.save
    attempts = []

    async def locked_once(self, tracker):
        attempts.append(tracker.sender_id)
        if len(attempts) == 1:
            raise sqlalchemy.exc.OperationalError(
                "INSERT INTO events", {"data": SECRET}, Exception("database is locked")
            )
        await real_save(self, tracker)

    monkeypatch.setattr(SQLTrackerStore, "save", locked_once)
    caplog.set_level(logging.WARNING)
    status, messages = run(send(store, "hallo", sender="bewaard-1"))
    assert status == "passed" and [m["text"] for m in messages] == ["Antwoord."]
    assert len(attempts) == 2
    assert run(store.retrieve("bewaard-1")).latest_message.text == "hallo"
    assert "database is locked" in caplog.text and SECRET not in caplog.text


@pytest.mark.slow
def test_the_configured_store_makes_a_rest_answer_say_it_was_not_saved(tiny_model, tmp_path):
    """Rasa (tiny bot) with the tracker store of endpoints.yml on a file it cannot write: the REST answer is given,
    followed by the notice."""
    env = env_from_scripts(OPSW_TRACKER_DB_URL=readonly_sqlite(tmp_path))
    with mock.patch.dict(os.environ, env):
        tracker_store = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml")).tracker_store
    endpoints = AvailableEndpoints(tracker_store=tracker_store)

    async def scenario():
        import aiohttp

        async with rasa_app(str(tiny_model), [RestInput()], endpoints) as (base, _app):
            async with aiohttp.ClientSession() as http:
                body = {"sender": "rest-niet-bewaard", "message": "hallo"}
                async with http.post(f"{base}/webhooks/rest/webhook", json=body) as r:
                    assert r.status == 200
                    return await r.json()

    items = run(scenario())
    assert items[0]["text"].startswith("Welkom bij de Opschalingswijzer")
    assert items[-1]["text"] == NOT_SAVED and items[-1]["opsw"]["kind"] == "error"
