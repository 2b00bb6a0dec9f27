#!/usr/bin/env python
"""Issue 17's "Done when" probe, against a running instance of ``make run`` (best a second one on free ports).

    source scripts/env.sh
    .venv/bin/python scripts/probe.py --rasa-url http://localhost:5305 --web-origin http://localhost:8380 \\
        --run-dir var/probe/run --log-dir var/probe/log --db var/probe/trackers.db \\
        --fuzz 10000 --stop-actions --out var/probe/probe.json

Parts (``--only hostile,fuzz,...`` picks some):

* ``hostile``: the probe's hostile messages inside the size limit (spaces between the parts of an identifier, 307 x
  "Jan de Vries ", four of those at once, invisible characters, ...) and bodies (deeply nested JSON as body and as
  ``metadata``). Per message: the answer time on loopback (server time), how much the Rasa server's resident memory
  and its peak (``VmHWM``) grew, and the slowest ``/health`` answer meanwhile (a frozen event loop shows there).
* ``fuzz``: ``--fuzz`` messages of tests/fuzz/strategies.py ``MESSAGE`` through REST (hypothesis, derandomized),
  in conversations that first tell a story (facts known), each message with ``metadata.trace``. Counted: 5xx, other
  errors, empty answers, and wiped conversations: the facts gone, or "ik ben vergeten" / "verwijderd" said, after a
  message that is no plain command (``/restart``, lexicon/moves.yaml, an erase request, "ja" to "Wilt u opnieuw
  beginnen?"); and from the tracker store (``--db``), Rasa restarts after any text but "/restart". Also: the danger
  signs written with invisible characters, and whether their first answer is the crisis message or check-in.
* ``outage`` (only with ``--stop-actions``): stops the action server (its process group, pid from ``--run-dir``;
  ``make run`` starts it again), sends a danger sign and a story while it is down, waits until it is back and
  sends the next message: answered, danger first?
* ``origin``: socket.io (WebSocket and long-polling) from a foreign ``Origin``, from the web page's and without one;
  a second connection asking for a session another connection holds.
* ``identifiers``: the issue's identifiers, then the tracker store and the logs (``--log-dir``) searched for them;
  "Den Haag" must stay.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import socket
import sqlite3
import statistics
import sys
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED = "Het CIZ heeft de Wlz-indicatie van mijn moeder afgewezen. Ik ben het daar niet mee eens."
FORGOT = "Wat ik van u wist, ben ik vergeten"
ERASED = "Uw gesprek is verwijderd"
CONFIRM_RESTART = "Wilt u opnieuw beginnen?"
SERVICE_DOWN = "bewaard"  # the guard's answer while the action server is down says the message is kept
DANGER_KINDS = ("crisis", "check_in")


# ------------------------------------------------------------------------------------------------
# REST and the server process
# ------------------------------------------------------------------------------------------------
class Rest:
    def __init__(self, rasa_url: str, timeout: float = 90.0) -> None:
        self.url = rasa_url.rstrip("/")
        self.timeout = timeout

    def post_raw(self, body: bytes, content_type: str = "application/json") -> tuple[int, Any, float]:
        request = urllib.request.Request(
            self.url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": content_type}
        )
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except (OSError, TimeoutError) as error:
            return -1, type(error).__name__, time.perf_counter() - start
        elapsed = time.perf_counter() - start
        try:
            return status, json.loads(raw), elapsed
        except ValueError:
            return status, raw.decode(errors="replace"), elapsed

    def send(self, sender: str, text: Any, trace: bool = False) -> tuple[int, Any, float]:
        payload: dict[str, Any] = {"sender": sender, "message": text}
        if trace:
            payload["metadata"] = {"trace": True}
        return self.post_raw(json.dumps(payload).encode())

    def health_time(self) -> float:
        start = time.perf_counter()
        try:
            urllib.request.urlopen(self.url + "/health", timeout=30).read()
        except OSError:
            return 30.0
        return time.perf_counter() - start


def memory(pid: int) -> dict[str, int]:
    """Resident memory and its peak of a process, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def texts(body: Any) -> list[str]:
    return [m.get("text") or "" for m in body] if isinstance(body, list) else []


def kinds(body: Any) -> list[str | None]:
    return [(m.get("opsw") or {}).get("kind") for m in body] if isinstance(body, list) else []


def answered(body: Any) -> bool:
    return isinstance(body, list) and any(isinstance(m, dict) and m.get("text") for m in body)


class HealthWatch:
    """Polls /health every 50 ms in a thread; ``slowest`` is the slowest answer seen."""

    def __init__(self, rest: Rest) -> None:
        self.rest = rest
        self.slowest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.slowest = max(self.slowest, self.rest.health_time())
            self._stop.wait(0.05)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


# ------------------------------------------------------------------------------------------------
# hostile messages
# ------------------------------------------------------------------------------------------------
def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def hostile_messages(limit: int) -> dict[str, str]:
    jan = "Jan de Vries " * 307
    many = "Ik ben Jan de Vries, 1234 AB 12, bsn 111222333, 0612345678, jan@example.nl, NL91ABNA0417164300. "
    messages = {
        "postcode + 3,990 spaces + x": "1234 AB" + " " * 3990 + "x",
        "307 × 'Jan de Vries '": jan,
        "bsn + spaces + x": "bsn" + " " * 3990 + "x",
        "BSN word + spaces + digits": "burgerservicenummer" + " " * 3960 + "12345678",
        "geboren op + spaces + date": "geboren op" + " " * 3980 + "1-1-2000",
        "phone: 06 + ' -' × 1,995": "06" + " -" * 1995,
        "e-mail-like a. × 1,995": "a@" + "a." * 1995,
        "IBAN-like groups": "NL91 " + "ABNA " * 795,
        "4,000 digits": "1" * limit,
        "'1234 AB ' × 500": "1234 AB " * 500,
        "'ik ben jan ' × 363": "ik ben jan " * 363,
        "'ik ben ' + 'jan ' × 998": "ik ben " + "jan " * 998,
        "'Mevrouw De Vries-Van den Berg ' × 133": "Mevrouw De Vries-Van den Berg " * 133,
        "'Den Haag ' × 444": "Den Haag " * 444,
        "identifiers × 40": (many * 40)[:limit],
        "danger, U+2060 between letters, padded": "\u2060".join("ik wil niet meer leven") + "\u2060" * 3950,
        "'ik wil niet meer leven ' × 173": "ik wil niet meer leven " * 173,
        "4,000 × 'a' (one word)": "a" * limit,
        "2,000 emoji (4,000 UTF-16 units)": "😀" * 2000,
        "'https://' + 'a/' × 1,995": "https://" + "a/" * 1995,
        "4,000 × '['": "[" * limit,
        "'a' + 3,999 × '['": "a" + "[" * (limit - 1),
        "4,000 × '$'": "$" * limit,
        "'([{' × 1,333": "([{" * (limit // 3),
        "'.!' × 2,000": ".!" * (limit // 2),
        "'US$' × 1,333 (a spaCy prefix with letters)": "US$" * (limit // 3),
        "4,000 emoji": "😀" * limit,
        "'zorg ' × 800": "zorg " * 800,
    }
    return {name: text[:limit] for name, text in messages.items()}


def run_hostile(rest: Rest, pid: int, limit: int) -> dict[str, Any]:
    results = []
    rest.send(sender("probe-warm"), "hallo")  # the first message of a process loads what it needs once

    def one(name: str, work: Callable[[], list[tuple[int, Any, float]]], chars: int) -> None:
        time.sleep(0.3)
        before = memory(pid)
        with HealthWatch(rest) as watch:
            answers = work()
        time.sleep(0.5)
        after = memory(pid)
        row = {
            "name": name,
            "chars": chars,
            "status": sorted({a[0] for a in answers}),
            "seconds": round(max(a[2] for a in answers), 3),
            "rss_growth_mb": round((after["VmRSS"] - before["VmRSS"]) / 1024, 1),
            "peak_growth_mb": round((after["VmHWM"] - before["VmHWM"]) / 1024, 1),
            "slowest_health_s": round(watch.slowest, 3),
            "answered": all(answered(a[1]) for a in answers if a[0] == 200),
            "first_kind": kinds(answers[0][1])[:1],
        }
        results.append(row)
        print(
            f"  {name:45} {row['chars']:6} ch  {row['status']}  {row['seconds']:7.3f} s  RSS {row['rss_growth_mb']:+7.1f}"
            f" MB  peak {row['peak_growth_mb']:+7.1f} MB  /health ≤ {row['slowest_health_s']:.3f} s",
            flush=True,
        )

    for name, text in hostile_messages(limit).items():
        one(name, lambda text=text: [rest.send(sender("probe-hostile"), text)], len(text))

    jan = "Jan de Vries " * 307

    def four_at_once() -> list[tuple[int, Any, float]]:
        with ThreadPoolExecutor(4) as pool:
            return list(pool.map(lambda _: rest.send(sender("probe-hostile"), jan), range(4)))

    one("4 × (307 × 'Jan de Vries ') at once", four_at_once, len(jan))

    deep = 100_000
    bodies = {
        "body: nested JSON array, depth 100,000": nested(deep).encode(),
        "metadata: nested JSON array, depth 100,000": (
            '{"sender": "probe-nested", "message": "hallo", "metadata": ' + nested(deep) + "}"
        ).encode(),
        "body: text/plain": b'{"sender": "probe-plain", "message": "hallo"}',
    }
    for name, body in bodies.items():
        content_type = "text/plain" if "text/plain" in name else "application/json"
        one(name, lambda body=body, ct=content_type: [rest.post_raw(body, ct)], len(body))
    inside = [r for r in results if not r["name"].startswith(("body", "metadata"))]
    return {
        "messages": results,
        "slowest_s": max(r["seconds"] for r in inside),
        "slowest": max(inside, key=lambda r: r["seconds"])["name"],
        "max_rss_growth_mb": max(r["rss_growth_mb"] for r in inside),
        "max_peak_growth_mb": max(r["peak_growth_mb"] for r in inside),
        "slowest_health_s": max(r["slowest_health_s"] for r in results),
        "statuses": sorted({s for r in results for s in r["status"]}),
    }


# ------------------------------------------------------------------------------------------------
# fuzz
# ------------------------------------------------------------------------------------------------
class Conversation:
    def __init__(self, prefix: str) -> None:
        self.id = sender(prefix)
        self.seed_keys: set[str] = set()
        self.asked_restart = False
        self.sent = 0


def _facts(body: Any) -> dict[str, Any] | None:
    for message in reversed(body if isinstance(body, list) else []):
        trace = (message.get("opsw") or {}).get("trace")
        if isinstance(trace, dict):
            return trace.get("facts") or {}
    return None


def run_fuzz(
    rest: Rest, count: int, db: Path | None, max_chars: int = 4000, parallel: int = 40, per_conversation: int = 40
) -> dict[str, Any]:
    from hypothesis import HealthCheck, Phase, given, settings

    from channels.guard import clean_text, is_erase_request
    from opschaling import understand
    from tests.fuzz.strategies import DANGER_PHRASES, MESSAGE, RESTART_PHRASES

    restart_like = {phrase.lower() for phrase in RESTART_PHRASES}
    tally: Counter[str] = Counter()
    sent: Counter[str] = Counter()
    slowest: list[tuple[float, int, str]] = []
    latencies: list[float] = []
    wipes: list[str] = []
    legit_wipes: list[str] = []
    examples: dict[str, list[str]] = {}
    danger = Counter()
    all_senders: list[str] = []
    conversations: list[Conversation] = []

    def note(kind: str, text: str) -> None:
        tally[kind] += 1
        examples.setdefault(kind, [])
        if len(examples[kind]) < 5:
            examples[kind].append(repr(text[:80]))

    def seed(conversation: Conversation) -> None:
        for _ in range(3):
            status, body, _ = rest.send(conversation.id, SEED, trace=True)
            facts = _facts(body) or {}
            keys = {k for k, v in facts.items() if v not in (None, {}, [], "")}
            if status == 200 and keys:
                conversation.seed_keys = keys
                conversation.asked_restart = False
                return
            conversation.id = sender("probe-fuzz")
            all_senders.append(conversation.id)
        raise RuntimeError("the story gave no facts three times")

    def conversation_for(n: int) -> Conversation:
        slot = n % parallel
        if slot >= len(conversations):
            conversations.append(Conversation("probe-fuzz"))
        if conversations[slot].sent >= per_conversation:  # Rasa replays the whole tracker on every turn
            conversations[slot] = Conversation("probe-fuzz")
        conversation = conversations[slot]
        if not conversation.seed_keys:
            all_senders.append(conversation.id)
            seed(conversation)
        return conversation

    seen = {"n": 0}
    started = time.monotonic()

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(MESSAGE)
    def one(text: str) -> None:
        n = seen["n"]
        seen["n"] += 1
        conversation = conversation_for(n)
        conversation.sent += 1
        status, body, elapsed = rest.send(conversation.id, text, trace=True)
        if status >= 500:
            note("5xx", text)
        elif status == -1:
            note("no answer (timeout, connection)", text)
        elif status != 200:
            note(f"HTTP {status}", text)
        else:
            latencies.append(elapsed)
            slowest.append((round(elapsed, 3), len(text), repr(text[:40])))
            slowest.sort(reverse=True)
            del slowest[5:]
        if status == 200 and not answered(body):
            note("empty answer", text)
        said = " ".join(texts(body))
        if "U stuurt veel berichten" in said:
            note("rate limited", text)
        cleaned = clean_text(text).strip()
        if cleaned in DANGER_PHRASES and cleaned != text:
            danger["sent"] += 1
            if kinds(body)[:1] and kinds(body)[0] in DANGER_KINDS:
                danger["danger first"] += 1
        for kind, hit in (
            ("typed payloads ('/...')", text.lstrip().startswith("/")),
            (
                "restart-like phrasings",
                cleaned.lower().rstrip(" .!?") in restart_like or cleaned.lower() in restart_like,
            ),
            (
                "invisible, format or control characters",
                any(unicodedata.category(c) in ("Cf", "Cc", "Cs") for c in text),
            ),
            ("longer than the limit", len(text) > max_chars),
        ):
            sent[kind] += hit
        plain = (
            cleaned == "/restart"
            or understand.move_of(cleaned) == "opnieuw_beginnen"
            or is_erase_request(cleaned)
            or (conversation.asked_restart and understand.yes_no(cleaned) is True)
        )
        facts = _facts(body)
        lost = facts is not None and not any(facts.get(k) not in (None, {}, [], "") for k in conversation.seed_keys)
        wiped = FORGOT in said or ERASED in said or lost
        conversation.asked_restart = CONFIRM_RESTART in said
        if plain:
            if wiped:
                legit_wipes.append(text)
            conversation.seed_keys = set()  # tell the story again before the next message
        elif wiped:
            wipes.append(text)
            note("wiped", text)
            conversation.seed_keys = set()
        if seen["n"] % 500 == 0:
            rate = seen["n"] / (time.monotonic() - started)
            print(f"  {seen['n']:6} sent ({rate:.1f}/s): {dict(tally)}", flush=True)

    one()
    store_restarts = restarts_not_asked_for(db, set(all_senders)) if db else None
    return {
        "messages": seen["n"],
        "conversations": len(set(all_senders)),
        "seconds": round(time.monotonic() - started, 1),
        "5xx": tally["5xx"],
        "other errors": sum(v for k, v in tally.items() if k.startswith(("HTTP", "no answer"))),
        "empty answers": tally["empty answer"],
        "wiped conversations": len(wipes),
        "plain commands that wiped (allowed)": len(legit_wipes),
        "rate limited": tally["rate limited"],
        "store: Rasa restarts after another text than /restart": store_restarts,
        "danger with invisible characters": dict(danger),
        "sent": dict(sent),
        "slowest (s, chars, text)": slowest,
        "answer time p50 / p99 / max (s)": [
            round(statistics.median(latencies), 3),
            round(sorted(latencies)[int(len(latencies) * 0.99) - 1], 3),
            round(max(latencies), 3),
        ]
        if latencies
        else None,
        "examples": examples,
    }


def restarts_not_asked_for(db: Path, senders: set[str]) -> list[str]:
    """User texts after which Rasa restarted one of ``senders``' conversations, other than "/restart"."""
    last: dict[str, str] = {}
    wrong = []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        for sender_id, data in conn.execute("SELECT sender_id, data FROM events ORDER BY id"):
            if sender_id not in senders:
                continue
            event = json.loads(data)
            if event.get("event") == "user":
                last[sender_id] = event.get("text") or ""
            elif event.get("event") == "restart" and last.get(sender_id) != "/restart":
                wrong.append(last.get(sender_id, ""))
    return wrong


# ------------------------------------------------------------------------------------------------
# the action server down
# ------------------------------------------------------------------------------------------------
def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def run_outage(rest: Rest, run_dir: Path, action_port: int) -> dict[str, Any]:
    danger_sender, story_sender = sender("probe-outage-danger"), sender("probe-outage-story")
    rest.send(danger_sender, SEED)  # a conversation with facts, then the danger sign during the outage
    pid = int((run_dir / "actions.pid").read_text())
    os.killpg(pid, signal.SIGTERM)  # make run started it with setsid: its own process group
    deadline = time.monotonic() + 30
    while port_open(action_port) and time.monotonic() < deadline:
        time.sleep(0.1)
    down_at = time.monotonic()
    during = {
        "danger": rest.send(danger_sender, "ik wil niet meer leven"),
        "story": rest.send(story_sender, "Het zorgkantoor vindt al maanden geen verpleeghuis voor mijn vader."),
    }
    still_down = not port_open(action_port)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{action_port}/health", timeout=2).read()
            break
        except OSError:
            time.sleep(0.5)
    back_after = time.monotonic() - down_at
    after = {
        "danger": rest.send(danger_sender, "hallo?"),
        "story": rest.send(story_sender, "hallo?"),
    }

    def show(answer: tuple[int, Any, float]) -> dict[str, Any]:
        return {"status": answer[0], "kinds": kinds(answer[1]), "texts": [t[:100] for t in texts(answer[1])]}

    result = {
        "down while sending": still_down,
        "back after s": round(back_after, 1),
        "during": {k: show(v) for k, v in during.items()},
        "after": {k: show(v) for k, v in after.items()},
    }
    danger_kinds = [k for k in kinds(after["danger"][1]) if k not in ("notice", None)]
    result["danger answered first after the outage"] = bool(danger_kinds) and danger_kinds[0] in DANGER_KINDS
    result["story answered after the outage"] = any(k in ("question", "advice") for k in kinds(after["story"][1]))
    result["told during the outage"] = all(SERVICE_DOWN in " ".join(texts(v[1])) for v in during.values())
    return result


# ------------------------------------------------------------------------------------------------
# socket.io origins and sessions
# ------------------------------------------------------------------------------------------------
def websocket_status(host: str, port: int, origin: str | None) -> int:
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1",
        f"Host: {host}:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
    ]
    if origin:
        lines.append(f"Origin: {origin}")
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status_line = s.recv(4096).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def polling_status(url: str, origin: str | None) -> int:
    headers = {"Origin": origin} if origin else {}
    request = urllib.request.Request(url + "/socket.io/?EIO=4&transport=polling", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


class RawSocketIO:
    """A socket.io client by hand over one WebSocket (engine.io 4 packets) with exactly the ``Origin`` given (None:
    no Origin header). python-socketio's client sends an Origin of its own as well."""

    def __init__(self, url: str, origin: str | None) -> None:
        import websocket

        ws_url = url.replace("http://", "ws://").replace("https://", "wss://") + "/socket.io/?EIO=4&transport=websocket"
        options: dict[str, Any] = {"origin": origin} if origin else {"suppress_origin": True}
        self.got: list[dict[str, Any]] = []
        self.confirmed: list[Any] = []
        self.ws = websocket.create_connection(ws_url, timeout=10, **options)
        if not self.ws.recv().startswith("0"):  # engine.io open
            raise ConnectionError("no engine.io open packet")
        self.ws.send("40")
        if not self.ws.recv().startswith("40"):  # socket.io connect
            raise ConnectionError("no socket.io connect packet")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                packet = self.ws.recv()
            except Exception:  # closed
                return
            if packet == "2":
                self.ws.send("3")  # pong
            elif isinstance(packet, str) and packet.startswith("42"):
                event, data = json.loads(packet[2:])
                {"bot_uttered": self.got, "session_confirm": self.confirmed}.get(event, []).append(data)

    def emit(self, event: str, data: Any) -> None:
        self.ws.send("42" + json.dumps([event, data]))

    def close(self) -> None:
        self.ws.close()


def chat_over_socketio(url: str, origin: str | None, session: str, wait: float = 20.0) -> dict[str, Any]:
    try:
        client = RawSocketIO(url, origin)
    except Exception as error:  # refused is an answer here
        return {"connected": False, "refused": f"{type(error).__name__}: {str(error)[:60]}"}
    try:
        client.emit("session_request", {"session_id": session})
        client.emit("user_uttered", {"session_id": session, "message": "hallo"})
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and not any(
            (m.get("opsw") or {}).get("kind") == "question" for m in client.got
        ):
            time.sleep(0.1)
        return {
            "connected": True,
            "confirmed": bool(client.confirmed),
            "answers": [m.get("text", "")[:60] for m in client.got],
        }
    finally:
        client.close()


def run_origin(rest: Rest, web_origin: str) -> dict[str, Any]:
    parts = urllib.parse.urlsplit(rest.url)
    host, port = parts.hostname or "localhost", parts.port or 80
    foreign = "http://evil.example"
    result: dict[str, Any] = {
        "websocket handshake": {
            "foreign origin": websocket_status(host, port, foreign),
            "web page origin": websocket_status(host, port, web_origin),
            "no origin": websocket_status(host, port, None),
        },
        "long-polling handshake": {
            "foreign origin": polling_status(rest.url, foreign),
            "web page origin": polling_status(rest.url, web_origin),
        },
        "chat from a foreign origin": chat_over_socketio(rest.url, foreign, sender("probe-origin")),
        "chat from the web page origin": chat_over_socketio(rest.url, web_origin, sender("probe-origin")),
    }
    # a second connection asking for the session another live connection holds
    session = sender("probe-held")
    first, second = RawSocketIO(rest.url, web_origin), RawSocketIO(rest.url, web_origin)
    try:
        first.emit("session_request", {"session_id": session})
        time.sleep(1)
        second.emit("session_request", {"session_id": session})
        time.sleep(0.5)
        first.emit("user_uttered", {"session_id": session, "message": SEED})
        second.emit("user_uttered", {"session_id": session, "message": "wat weet je van mij?"})
        time.sleep(8)
        result["second connection, same session"] = {
            "first got answers": len(first.got),
            "second got answers of the conversation": sum(
                1 for m in second.got if (m.get("opsw") or {}).get("kind") not in ("notice", "error")
            ),
            "second confirmed": bool(second.confirmed),
            "second told": [m.get("text", "")[:70] for m in second.got],
        }
    finally:
        first.close()
        second.close()
    return result


# ------------------------------------------------------------------------------------------------
# identifiers in the store and the logs
# ------------------------------------------------------------------------------------------------
IDENTIFIER_MESSAGES = {
    "mijn bsn 111-222-333": ["111-222-333", "111222333"],
    "ik ben jan de vries en mijn moeder woont in een verpleeghuis": ["jan de vries"],
    "Ik ben Jan de Vries, bel me op 06-12345678 of mail jan.devries@example.nl": [
        "Jan de Vries",
        "06-12345678",
        "jan.devries@example.nl",
    ],
    "ons adres is Dorpsstraat 12, 1234 AB Utrecht": ["Dorpsstraat 12", "1234 AB"],
    "mijn iban is NL91ABNA0417164300": ["NL91ABNA0417164300"],
    "geboren op 3 maart 1941": ["3 maart 1941"],
}
PLACE_MESSAGE = "Mijn moeder woont in Den Haag en zoekt een verpleeghuis."


def run_identifiers(rest: Rest, db: Path, log_dir: Path) -> dict[str, Any]:
    senders = []
    for text in IDENTIFIER_MESSAGES:
        senders.append(sender("probe-pii"))
        rest.send(senders[-1], text)
    phone_sender = "0612345678"
    rest.send(phone_sender, "hallo")
    place_sender = sender("probe-place")
    rest.send(place_sender, PLACE_MESSAGE)
    time.sleep(1)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT sender_id, data FROM events").fetchall()
    stored = "\n".join(f"{s}\t{d}" for s, d in rows).lower()
    logs = "\n".join(p.read_text(errors="replace") for p in sorted(log_dir.glob("*.log"))).lower()
    needles = [n for ns in IDENTIFIER_MESSAGES.values() for n in ns] + [phone_sender]
    place_text = [
        json.loads(d).get("text") for s, d in rows if s == place_sender and json.loads(d).get("event") == "user"
    ]
    return {
        "identifiers sent": len(needles),
        "found in the tracker store": [n for n in needles if n.lower() in stored],
        "found in the logs": [n for n in needles if n.lower() in logs],
        "Den Haag stored as": place_text,
    }


# ------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rasa-url", default="http://localhost:5305")
    ap.add_argument("--web-origin", default="http://localhost:8380")
    ap.add_argument("--run-dir", type=Path, default=ROOT / "var" / "run", help="pid files of make run")
    ap.add_argument("--log-dir", type=Path, default=ROOT / "var" / "log")
    ap.add_argument("--db", type=Path, help="the instance's SQLite tracker store")
    ap.add_argument("--action-port", type=int, default=int(os.environ.get("OPSW_ACTION_PORT", "5055")))
    ap.add_argument("--fuzz", type=int, default=1000, help="fuzzed messages through REST")
    ap.add_argument("--max-chars", type=int, default=int(os.environ.get("OPSW_MAX_MESSAGE_CHARS", "4000")))
    ap.add_argument("--stop-actions", action="store_true", help="run the outage part (stops the action server)")
    ap.add_argument("--only", default="hostile,fuzz,outage,origin,identifiers")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    rest = Rest(args.rasa_url)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    rasa_pid = int((args.run_dir / "rasa.pid").read_text())
    report: dict[str, Any] = {"rasa_url": args.rasa_url, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    for part in parts:
        print(f"== {part}", flush=True)
        if part == "hostile":
            report[part] = run_hostile(rest, rasa_pid, args.max_chars)
        elif part == "fuzz":
            report[part] = run_fuzz(rest, args.fuzz, args.db, args.max_chars)
        elif part == "outage":
            if not args.stop_actions:
                print("  skipped: --stop-actions not given", flush=True)
                continue
            report[part] = run_outage(rest, args.run_dir, args.action_port)
        elif part == "origin":
            report[part] = run_origin(rest, args.web_origin)
        elif part == "identifiers":
            if args.db is None:
                print("  skipped: --db not given", flush=True)
                continue
            report[part] = run_identifiers(rest, args.db, args.log_dir)
        else:
            ap.error(f"unknown part {part}")
        if part != "hostile":
            print(json.dumps(report[part], ensure_ascii=False, indent=1), flush=True)
    report["memory_end_kb"] = memory(rasa_pid)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
