"""Fixtures for the staff pages: the Sanic app served on a free loopback port, a cookie-keeping client,
and a SQLite tracker store with Rasa's ``events`` table filled with realistic conversations."""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import shutil
import socket
import sqlite3
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import date
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sanic import Sanic

from workbench.pages import Workbench, create_app

TOKEN = "proef-toegang-7f3a"
T0 = 1_780_000_000.0  # a fixed moment; the review shows times, never compares with now


class Served:
    """A Sanic app on a free loopback port, served by a thread with its own event loop (as ``sanic``
    serves it: the start and stop listeners run)."""

    def __init__(self, app: Sanic) -> None:
        Sanic.test_mode = True  # several apps start in one process (each start rewrites Sanic's request methods)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="sanic-under-test", daemon=True)
        self.thread.start()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = self._wait(app.create_server(sock=sock, return_asyncio_server=True, access_log=False))
        assert self.server is not None
        self._wait(self.server.startup())
        self._wait(self.server.before_start())
        self._wait(self.server.after_start())

    def _wait(self, work: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=30)

    def close(self) -> None:
        self._wait(self.server.before_stop())
        self.server.close()
        self._wait(self.server.wait_closed())
        self._wait(self.server.after_stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@dataclass
class Response:
    status: int
    headers: Message  # case-insensitive; get_all("Set-Cookie") for every cookie
    body: bytes


def request(port: int, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
    """One HTTP request on its own connection, the target sent as it is."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, target, body=body or None, headers=headers or {})
        answer = conn.getresponse()
        return Response(answer.status, answer.headers, answer.read())
    finally:
        conn.close()


class Client:
    """Sends requests to the served app like a browser: keeps cookies, sends Origin like Chromium."""

    def __init__(self, server: Served) -> None:
        self.server = server
        self.origin = server.url
        self.cookies: dict[str, str] = {}

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _keep(self, response: Response) -> Response:
        for value in response.headers.get_all("Set-Cookie") or ():
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(value)
            for key, morsel in cookie.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        return response

    def send(self, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
        return self._keep(request(self.server.port, method, target, body, self._headers(headers)))

    def get(self, target: str) -> Response:
        return self.send("GET", target)

    def post(self, target: str, form: dict[str, str], headers: dict[str, str] | None = None) -> Response:
        body = urlencode(form).encode()
        extra = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            **(headers or {}),
        }
        return self.send("POST", target, body, extra)

    def post_multipart(self, target: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> Response:
        boundary = "----oswtestboundary8d1c"
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, data) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n".encode()
                + data
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        extra = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": self.origin}
        return self.send("POST", target, body, extra)

    @staticmethod
    def field(response: Response, name: str) -> str:
        match = re.search(rf'name="{name}" value="([^"]*)"', response.body.decode())
        assert match, f"no hidden field {name} in the page"
        return match.group(1)

    def login(self, token: str = TOKEN, next_path: str = "/workbench") -> Response:
        page = self.get(next_path)
        return self.post("/workbench/login", {"token": token, "nonce": self.field(page, "nonce"), "next": next_path})

    def csrf(self) -> str:
        return self.field(self.get("/workbench"), "csrf")


# ------------------------------------------------------------------------------------------------
# a tracker store like Rasa's SQLTrackerStore writes it
# ------------------------------------------------------------------------------------------------
SCHEMA = """CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


class TrackerDB:
    def __init__(self, path: Path, create: bool = True) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        if create:
            with sqlite3.connect(path) as conn:
                conn.execute(SCHEMA)

    def add(self, sender: str, events: list[dict[str, Any]], start: float = T0) -> None:
        rows = []
        for index, event in enumerate(events):
            stamp = start + index
            event = {**event, "timestamp": stamp}
            intent = (
                ((event.get("parse_data") or {}).get("intent") or {}).get("name") if event["event"] == "user" else None
            )
            action = event.get("name") if event["event"] == "action" else None
            rows.append((sender, event["event"], stamp, intent, action, json.dumps(event)))
        with sqlite3.connect(self.path) as conn:
            conn.executemany(
                "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )


def user(text: str, intent: str, entities: list[dict[str, Any]] | None = None, metadata: dict | None = None) -> dict:
    return {
        "event": "user",
        "text": text,
        "input_channel": "socketio",
        "message_id": "m" + str(abs(hash(text)) % 10**8),
        "metadata": metadata or {},
        "parse_data": {
            "text": text,
            "intent": {"name": intent, "confidence": 0.93},
            "entities": entities or [],
            "intent_ranking": [{"name": intent, "confidence": 0.93}],
        },
    }


def bot(text: str, kind: str = "question", feedback: bool = False) -> dict:
    return {
        "event": "bot",
        "text": text,
        "data": {"buttons": None, "elements": None, "custom": None},
        "metadata": {"opsw": {"kind": kind, "feedback": feedback}, "utter_action": "action_turn"},
    }


def dialogue(
    facts: dict[str, Any],
    asked: str | None = None,
    asked_step: str | None = None,
    last_advice: dict | None = None,
    key: str = "last",
) -> dict:
    """The slot ``dialogue`` as opschaling.dialogue writes it (``last``; the contract says ``last_advice``)."""
    return {
        "event": "slot",
        "name": "dialogue",
        "value": {
            "facts": facts,
            "asked": asked,
            "asked_step": asked_step,
            "asked_count": {},
            key: last_advice,
            "clarify": None,
            "safety": None,
            "greeted": True,
            "feedback": [],
            "unread": [],
        },
    }


def action(name: str) -> dict:
    return {"event": "action", "name": name, "policy": "RulePolicy", "confidence": 1.0}


def ciz_conversation() -> list[dict]:
    """A client disagrees with the CIZ; answers role and the decision date; gets bezwaar_ciz; 👎 + comment."""
    return [
        action("action_session_start"),
        {"event": "session_started"},
        action("action_listen"),
        user(
            "Het CIZ heeft mijn indicatie afgewezen, ik ben het er niet mee eens",
            "besluit_oneens",
            [{"entity": "organisation", "value": "ciz"}],
        ),
        action("action_turn"),
        bot("Wie bent u in deze situatie?"),
        dialogue({"situation": "besluit_oneens", "organisation": "ciz", "law": "wlz"}, asked="role"),
        action("action_listen"),
        user("ik ben de cliënt", "inform", [{"entity": "role", "value": "client"}]),
        action("action_turn"),
        bot("Welke datum staat op het besluit?"),
        dialogue(
            {"situation": "besluit_oneens", "organisation": "ciz", "law": "wlz", "role": "client"},
            asked="decision_date",
        ),
        action("action_listen"),
        user("weet ik niet", "weet_niet"),
        action("action_turn"),
        bot("**Uw volgende stap:** Bezwaar maken bij het CIZ.", kind="advice", feedback=True),
        dialogue(
            {
                "situation": "besluit_oneens",
                "organisation": "ciz",
                "law": "wlz",
                "role": "client",
                "decision_date": "onbekend",
            },
            last_advice={"step": "bezwaar_ciz", "situation": "besluit_oneens", "after": ["beroep_rechtbank"]},
        ),
        action("action_listen"),
        user(
            '/feedback{"feedback":"down","comment":"termijn ontbrak"}',
            "feedback",
            [{"entity": "feedback", "value": "down"}, {"entity": "comment", "value": "termijn ontbrak"}],
            metadata={"feedback_for": {"answer": 3, "text": "Uw volgende stap: Bezwaar maken bij het CIZ."}},
        ),
        action("action_turn"),
        bot("Dank u voor uw reactie.", kind="info"),
    ]


def fallback_conversation() -> list[dict]:
    """Not understood once, no route, no feedback."""
    return [
        action("action_session_start"),
        {"event": "session_started"},
        action("action_listen"),
        user("blablabla xyz", "nlu_fallback"),
        action("action_turn"),
        bot("Dat begreep ik niet. Waar loopt u tegenaan?"),
        dialogue({}, asked="situation"),
        action("action_listen"),
    ]


def place_conversation(n: int) -> list[dict]:
    """Looking for a place (geen_plek), with 👍."""
    return [
        action("action_session_start"),
        {"event": "session_started"},
        action("action_listen"),
        user(f"we vinden geen verpleeghuis voor mijn vader ({n})", "geen_plek"),
        action("action_turn"),
        bot("Uw volgende stap: het zorgkantoor.", kind="advice", feedback=True),
        dialogue(
            {"situation": "geen_plek", "law": "wlz", "role": "naaste"},
            last_advice={"step": "zorgkantoor", "situation": "geen_plek"},
            key="last_advice",
        ),
        action("action_listen"),
        user('/feedback{"feedback":"up"}', "feedback", [{"entity": "feedback", "value": "up"}]),
        action("action_turn"),
        bot("Dank u voor uw reactie.", kind="info"),
    ]


@pytest.fixture(scope="session")
def _tracker_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = TrackerDB(tmp_path_factory.mktemp("trackers") / "trackers.db")
    db.add("ciz-1", ciz_conversation(), start=T0 + 1000)
    db.add("fallback-1", fallback_conversation(), start=T0 + 2000)
    for n in range(25):
        db.add(f"plek-{n:02d}", place_conversation(n), start=T0 + n * 10)
    return db.path


@pytest.fixture
def tracker_db(_tracker_template: Path, tmp_path: Path) -> TrackerDB:
    """A fresh copy per test: ciz-1 (👎 + comment), fallback-1 (nlu_fallback), plek-00..24 (👍)."""
    path = tmp_path / "trackers.db"
    shutil.copyfile(_tracker_template, path)
    return TrackerDB(path, create=False)


@pytest.fixture
def app(tracker_db: TrackerDB) -> Iterator[Workbench]:
    wb = Workbench(TOKEN, rasa_url="http://127.0.0.1:9", tracker_db_url=tracker_db.url, today=lambda: date(2026, 3, 20))
    yield wb
    if wb._store is not None:
        wb._store.close()


@pytest.fixture
def server(app: Workbench) -> Iterator[Served]:
    """The staff pages (``workbench.pages.create_app``) on a free port."""
    served = Served(create_app(app))
    yield served
    served.close()


@pytest.fixture
def client(server: Served) -> Client:
    return Client(server)


@pytest.fixture
def logged_in(client: Client) -> Client:
    response = client.login()
    assert response.status == 303, response.body[:500]
    return client
