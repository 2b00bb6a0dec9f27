"""Read recent conversations from Rasa's SQL tracker store (table ``events``) for the review page.

Only reads. User texts were masked by the channel guard already; they are masked again here with
``channels.privacy`` (defence in depth). Every conversation becomes a
``Conversation`` with its messages, 👍/👎 feedback (and comments), the route (situation), the named
step (slot ``dialogue`` → ``last.step``, or ``last_advice.step``) and whether the NLU fell back
(``nlu_fallback``). The user's answer to a question gets the topic asked (``asked``/``asked_step`` of the
state before it).
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from channels import privacy
from opschaling.scenarios.model import FACT_TOPIC, topic_fact

PAGE_SIZE = 20
MAX_CONVERSATIONS = 500  # the newest conversations the review looks at
SENDERS_PER_QUERY = 200  # an IN list this long stays within every database's limits
FEEDBACK_PAYLOAD = re.compile(r"^/feedback\s*(\{.*\})?\s*$", re.S)
FEEDBACK_VALUES = {"up": "up", "down": "down", "👍": "up", "👎": "down", "positief": "up", "negatief": "down"}


_NAMES_READY = threading.Event()  # set when channels.privacy can mask names too (deduce loaded)

# a masker: text -> masked text, or (masked text, kinds masked) as channels.privacy returns it
Mask = Callable[[str], Any]


def warm_up_masking() -> bool:
    """Load the name masker (deduce; takes a minute or two the first time). Call once, in a thread, at
    start-up. Until it is ready the review masks everything except names (the channel guard masked the
    names already when the message came in)."""
    try:
        ready = privacy.warm_up()
    except Exception:  # noqa: BLE001 - names stay as the channel guard left them
        return False
    if ready:
        _NAMES_READY.set()
    return ready


def _load_mask() -> Mask:
    """channels.privacy.mask when its name masker is loaded, else its quick mask (everything but names)."""
    return privacy.mask if _NAMES_READY.is_set() else privacy.mask_quick


def mask_text(text: str | None, mask: Mask | None = None) -> str:
    if not text:
        return ""
    mask = mask if mask is not None else _load_mask()
    try:
        result = mask(text)
    except Exception:  # noqa: BLE001 - never show the raw text when masking breaks
        return "[niet getoond]"
    if isinstance(result, tuple):  # mask(text) -> (masked, found) is also accepted
        result = result[0]
    return result if isinstance(result, str) else "[niet getoond]"


@dataclass
class Message:
    who: str  # "user" | "bot"
    text: str
    time: float
    intent: str | None = None
    topic: str | None = None  # the fact (or "step_outcome:<body>") the user answered
    kind: str | None = None  # opsw.kind of a bot message


@dataclass
class Feedback:
    value: str | None  # "up" | "down" | None (comment only)
    comment: str
    time: float
    about: str | None = None  # the answer text the widget says it is about


@dataclass
class Conversation:
    sender_id: str
    started: float
    last: float
    messages: list[Message] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)
    situation: str | None = None
    step: str | None = None
    fallback: bool = False
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def user_messages(self) -> list[Message]:
        return [m for m in self.messages if m.who == "user"]

    @property
    def opening(self) -> str:
        users = self.user_messages
        return users[0].text if users else ""

    @property
    def answers(self) -> dict[str, str]:
        """The user's answer per topic (the last one wins: a correction replaces the first answer)."""
        result: dict[str, str] = {}
        for message in self.user_messages[1:]:
            if message.topic:
                result[message.topic] = message.text
        return result

    @property
    def feedback_summary(self) -> str:
        ups = sum(1 for f in self.feedback if f.value == "up")
        downs = sum(1 for f in self.feedback if f.value == "down")
        return " ".join(p for p in (f"👍 {ups}" if ups else "", f"👎 {downs}" if downs else "") if p)

    @property
    def comments(self) -> list[str]:
        return [f.comment for f in self.feedback if f.comment]


def json_value(raw: Any) -> Any:
    """A JSON field of a stored event: as it is when it is already a dict or list, parsed when text, None when bad."""
    if isinstance(raw, (dict, list)):
        return raw
    try:
        return json.loads(raw or "null")
    except (TypeError, ValueError):
        return None


def dialogue_state(value: Any) -> dict[str, Any]:
    """The value of the slot ``dialogue``: a dict (or a JSON string of one); {} when it is neither."""
    value = json_value(value) if isinstance(value, str) else value
    return value if isinstance(value, dict) else {}


def _feedback_of(data: Mapping[str, Any]) -> Feedback | None:
    """A user event that is feedback: intent ``feedback`` with entities, or the payload /feedback{…}."""
    parse = data.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name")
    text = (data.get("text") or "").strip()
    values: dict[str, Any] = {}
    match = FEEDBACK_PAYLOAD.match(text)
    if match:
        payload = json_value(match.group(1)) if match.group(1) else {}
        if isinstance(payload, dict):
            values.update(payload)
    elif intent != "feedback":
        return None
    for entity in parse.get("entities") or ():
        if entity.get("entity") in ("feedback", "comment") and entity.get("value") is not None:
            values.setdefault(entity["entity"], entity["value"])
    raw_value = str(values.get("feedback") or "").strip().lower()
    value = FEEDBACK_VALUES.get(raw_value)
    comment = str(values.get("comment") or "").strip()
    if value is None and not comment:
        if match or intent == "feedback":
            return Feedback(None, "", float(data.get("timestamp") or 0))
        return None
    about = ((data.get("metadata") or {}).get("feedback_for") or {}).get("text")
    return Feedback(value, comment, float(data.get("timestamp") or 0), about if isinstance(about, str) else None)


def build(sender_id: str, rows: Iterable[Mapping[str, Any]], mask: Mask | None = None) -> Conversation | None:
    """One conversation from its events (rows with type_name, timestamp, data), in stored order."""
    mask = mask if mask is not None else _load_mask()
    conversation: Conversation | None = None
    state: dict[str, Any] = {}
    for row in rows:
        data = json_value(row.get("data")) or {}
        if not isinstance(data, dict):
            continue
        stamp = float(row.get("timestamp") or data.get("timestamp") or 0)
        if conversation is None:
            conversation = Conversation(sender_id, stamp, stamp)
        conversation.last = max(conversation.last, stamp)
        kind = row.get("type_name") or data.get("event")
        if kind == "user":
            feedback = _feedback_of(data)
            if feedback is not None:
                feedback.comment = mask_text(feedback.comment, mask)
                conversation.feedback.append(feedback)
                continue
            intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent == "nlu_fallback":
                conversation.fallback = True
            asked = state.get("asked")
            topic = None
            if asked == "step_outcome" or (asked and state.get("asked_step") and asked.startswith("step")):
                topic = f"step_outcome:{state.get('asked_step')}" if state.get("asked_step") else "step_outcome"
            elif asked:
                topic = str(asked)
            conversation.messages.append(Message("user", mask_text(data.get("text"), mask), stamp, intent, topic))
        elif kind == "bot":
            opsw = (data.get("metadata") or {}).get("opsw") or {}
            conversation.messages.append(
                Message(
                    "bot",
                    mask_text(data.get("text"), mask),
                    stamp,
                    kind=opsw.get("kind") if isinstance(opsw, dict) else None,
                )
            )
        elif kind == "slot" and data.get("name") == "dialogue":
            state = dialogue_state(data.get("value"))
            raw_facts = state.get("facts")
            facts: dict[str, Any] = raw_facts if isinstance(raw_facts, dict) else {}
            conversation.facts = dict(facts)
            # the advice named last: "last" in opschaling.dialogue's state ("last_advice" in the contract)
            last: dict[str, Any] = next(
                (state[k] for k in ("last", "last_advice") if isinstance(state.get(k), dict)), {}
            )
            situation = facts.get("situation") or last.get("situation")
            if situation:
                conversation.situation = str(situation)
            if last and last.get("step"):
                conversation.step = str(last["step"])
        elif kind == "restart" or kind == "session_started":
            state = {}
    return conversation


# ------------------------------------------------------------------------------------------------
# the database
# ------------------------------------------------------------------------------------------------
class TrackerStore:
    """Read-only access to the ``events`` table of Rasa's SQLTrackerStore (any SQLAlchemy URL)."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self.url = url
        self._sa = sa
        self._engine = sa.create_engine(url, pool_pre_ping=True)

    def close(self) -> None:
        self._engine.dispose()

    def recent_senders(self, limit: int = MAX_CONVERSATIONS) -> list[str]:
        sa = self._sa
        query = sa.text(
            "SELECT sender_id, MAX(timestamp) AS last FROM events GROUP BY sender_id ORDER BY last DESC LIMIT :n"
        )
        try:
            with self._engine.connect() as conn:
                return [row[0] for row in conn.execute(query, {"n": int(limit)})]
        except sa.exc.OperationalError as error:
            if "no such table" in str(error).lower() or "does not exist" in str(error).lower():
                return []
            raise
        except sa.exc.ProgrammingError as error:  # PostgreSQL: relation "events" does not exist
            if "does not exist" in str(error).lower():
                return []
            raise

    def events(self, senders: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        result: dict[str, list[dict[str, Any]]] = {s: [] for s in senders}
        for row in self._rows_of(
            "SELECT sender_id, type_name, timestamp, data FROM events "
            "WHERE sender_id IN :ids AND type_name IN ('user', 'bot', 'slot', 'restart', 'session_started') "
            "ORDER BY id",
            senders,
        ):
            result[row[0]].append({"type_name": row[1], "timestamp": row[2], "data": row[3]})
        return result

    def _rows_of(self, sql: str, senders: Sequence[str]) -> Iterator[Any]:
        """The rows of ``sql`` (with ``IN :ids``) for ``senders``, asked 200 senders at a time on one connection."""
        sa = self._sa
        query = sa.text(sql).bindparams(sa.bindparam("ids", expanding=True))
        with self._engine.connect() as conn:
            for begin in range(0, len(senders), SENDERS_PER_QUERY):
                yield from conn.execute(query, {"ids": list(senders[begin : begin + SENDERS_PER_QUERY])})

    def senders_between(self, start: float, end: float) -> list[str]:
        """Every conversation with an event in [start, end) or around it (for the regional overview)."""
        sa = self._sa
        query = sa.text(
            "SELECT sender_id FROM events GROUP BY sender_id "
            "HAVING MAX(timestamp) >= :start AND MIN(timestamp) < :end ORDER BY sender_id"
        )
        try:
            with self._engine.connect() as conn:
                return [row[0] for row in conn.execute(query, {"start": float(start), "end": float(end)})]
        except (sa.exc.OperationalError, sa.exc.ProgrammingError) as error:
            if "no such table" in str(error).lower() or "does not exist" in str(error).lower():
                return []
            raise

    def state_events(self, senders: Sequence[str]) -> Iterator[tuple[str, str, float, Any]]:
        """(sender, type, timestamp, data) of the events the regional overview counts, per sender in stored order:
        ``user`` and ``restart`` without their data (never a message text), ``slot`` with it (the state)."""
        for row in self._rows_of(
            "SELECT sender_id, type_name, timestamp, CASE WHEN type_name = 'slot' THEN data ELSE NULL END "
            "FROM events WHERE sender_id IN :ids AND type_name IN ('user', 'slot', 'restart') "
            "ORDER BY sender_id, id",
            senders,
        ):
            yield row[0], row[1], float(row[2] or 0), row[3]

    def conversations(self, limit: int = MAX_CONVERSATIONS) -> list[Conversation]:
        """The newest conversations first (at most ``limit``); conversations without messages are left out."""
        senders = self.recent_senders(limit)
        if not senders:
            return []
        mask = _load_mask()
        events = self.events(senders)
        result = []
        for sender in senders:
            conversation = build(sender, events.get(sender, ()), mask)
            if conversation is not None and conversation.messages:
                result.append(conversation)
        return result

    def conversation(self, sender_id: str) -> Conversation | None:
        events = self.events([sender_id]).get(sender_id) or []
        return build(sender_id, events, _load_mask()) if events else None


# ------------------------------------------------------------------------------------------------
# filters, paging, export
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    route: str = ""  # situation id, or "" for all, or "-" for "no route yet"
    fallback: str = ""  # "", "ja", "nee"
    feedback: str = ""  # "", "up", "down", "any", "none", "comment"

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        route = (query.get("route") or "").strip()
        fallback = (query.get("fallback") or "").strip()
        feedback = (query.get("feedback") or "").strip()
        return cls(
            route=route if re.fullmatch(r"[a-z_]{1,60}|-", route) else "",
            fallback=fallback if fallback in ("ja", "nee") else "",
            feedback=feedback if feedback in ("up", "down", "any", "none", "comment") else "",
        )

    def accepts(self, c: Conversation) -> bool:
        if self.route == "-" and c.situation:
            return False
        if self.route not in ("", "-") and c.situation != self.route:
            return False
        if self.fallback == "ja" and not c.fallback:
            return False
        if self.fallback == "nee" and c.fallback:
            return False
        values = {f.value for f in c.feedback}
        if self.feedback in ("up", "down") and self.feedback not in values:
            return False
        if self.feedback == "any" and not c.feedback:
            return False
        if self.feedback == "none" and c.feedback:
            return False
        return not (self.feedback == "comment" and not c.comments)

    def query(self) -> dict[str, str]:
        return {k: v for k, v in (("route", self.route), ("fallback", self.fallback), ("feedback", self.feedback)) if v}


def page(items: Sequence[Any], number: int, size: int = PAGE_SIZE) -> tuple[list[Any], int, int]:
    """(items on page ``number`` (1-based), the page number used, the number of pages)."""
    pages = max(1, (len(items) + size - 1) // size)
    number = min(max(1, number), pages)
    return list(items[(number - 1) * size : number * size]), number, pages


def when(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, tz=timezone.utc).astimezone().strftime("%d-%m-%Y %H:%M")


LIST_COLUMNS = (
    "gesprek",
    "begin",
    "laatste_bericht",
    "route",
    "stap",
    "fallback",
    "feedback",
    "opmerkingen",
    "eerste_bericht",
)


def list_csv(conversations: Iterable[Conversation]) -> str:
    """The review list as CSV (semicolon-separated, opens in Dutch Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(LIST_COLUMNS)
    for c in conversations:
        writer.writerow(
            [
                c.sender_id,
                when(c.started),
                when(c.last),
                c.situation or "",
                c.step or "",
                "ja" if c.fallback else "nee",
                c.feedback_summary,
                " | ".join(c.comments),
                safe_cell(c.opening),
            ]
        )
    return "\ufeff" + out.getvalue()


def safe_cell(text: str) -> str:
    """No spreadsheet formulas from user text (CSV injection): a leading = + - @ gets a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# ------------------------------------------------------------------------------------------------
# a conversation as a scenario (opschaling/scenarios format: naam, bericht, antwoorden, verwacht, …)
# ------------------------------------------------------------------------------------------------
def _topic_known(topic: str) -> bool:
    """Whether the scenario loader knows this topic (an unknown column would make the file unloadable)."""
    return topic_fact(topic) is not None


def scenario_record(c: Conversation) -> dict[str, Any]:
    """One scenario for this conversation: the opening message(s), the answers per topic, and as
    ``verwacht`` the step the assistant named (staff correct it when the assistant was wrong)."""
    names = FACT_TOPIC
    opening: list[str] = []
    answers: dict[str, Any] = {}
    tried: dict[str, list[str]] = {}
    dropped: list[str] = []
    for message in c.user_messages:
        if not message.topic:
            if not answers and not tried:
                opening.append(message.text)
            continue
        if message.topic.startswith("step_outcome"):
            _, _, body = message.topic.partition(":")
            tried.setdefault(body or "anders", []).append(message.text)
            continue
        topic = names.get(message.topic, message.topic)
        if not _topic_known(topic):
            dropped.append(f"antwoord op '{topic}' niet overgenomen: {message.text}")
            continue
        answers.setdefault(topic, []).append(message.text)
    record: dict[str, Any] = {"naam": f"Gesprek {c.sender_id[:24]} ({when(c.started)[:10]})"}
    record["bericht"] = opening[0] if len(opening) == 1 else opening
    flat: dict[str, Any] = {k: (v[0] if len(v) == 1 else v) for k, v in answers.items()}
    if tried:
        topic = names.get("step_outcome", "al geprobeerd")
        flat[topic] = {k: (v[0] if len(v) == 1 else v) for k, v in tried.items()}
    if flat:
        record["antwoorden"] = flat
    record["verwacht"] = c.step or ""
    notes = [f"Uit gesprek {c.sender_id}"]
    if c.situation:
        notes.append(f"route {c.situation}")
    notes.append(f"genoemde stap {c.step}" if c.step else "geen stap genoemd: vul de verwachte stap in")
    if c.feedback_summary:
        notes.append(f"feedback {c.feedback_summary}")
    notes.extend(f"opmerking: {text}" for text in c.comments)
    notes.extend(dropped)
    notes.append("controleer 'verwacht'")
    record["opmerking"] = "; ".join(notes)
    return record


def scenario_yaml(records: Sequence[Mapping[str, Any]]) -> str:
    import yaml

    head = (
        "# Scenario's uit de gespreksreview. Controleer 'verwacht' (de stap die de assistent noemde)\n"
        "# en pas die aan als het antwoord fout was. Uitleg: docs/workbench.md\n"
    )
    return head + yaml.safe_dump(list(map(dict, records)), allow_unicode=True, sort_keys=False, width=100)


def _cell_text(value: Any) -> str:
    """A cell: lists joined with ' | ' (the scenario loader splits them again); no '|' inside a text."""
    if isinstance(value, Mapping):
        return " | ".join(f"{k}: {_cell_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return " | ".join(_cell_text(v) for v in value)
    text = " ".join(str(value).replace("|", "/").split())
    # no spreadsheet formula from user text: a leading = + - @ becomes harmless
    return "’" + text if text[:1] in ("=", "+", "-", "@") else text


def scenario_csv(records: Sequence[Mapping[str, Any]]) -> str:
    """Semicolon CSV with a header row (naam;bericht;<topics>;verwacht;opmerking), UTF-8 with BOM (Excel)."""
    topics: list[str] = []
    for record in records:
        for topic in record.get("antwoorden") or {}:
            if topic not in topics:
                topics.append(topic)
    header = ["naam", "bericht", *topics, "verwacht", "opmerking"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for record in records:
        answers = record.get("antwoorden") or {}
        writer.writerow(
            [
                _cell_text(record.get("naam", "")),
                _cell_text(record.get("bericht", "")),
                *(_cell_text(answers.get(t, "")) for t in topics),
                _cell_text(record.get("verwacht", "")),
                _cell_text(record.get("opmerking", "")),
            ]
        )
    return "\ufeff" + out.getvalue()
