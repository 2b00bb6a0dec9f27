"""Scenarios (test conversations written by cliëntondersteuners) and the results of running them.

One scenario says what a user types (``bericht``), how the user answers each question (``antwoorden`` per
topic), what the user types after the advice (``vervolg``), and what must happen (``verwacht``, ``niet``,
``termijn``, ``veiligheid eerst``). ``play`` drives one conversation through any ``send`` function (REST or
local) and checks the result against the scenario. The step, the reasons and the sources come from the
engine's trace (``opsw.trace``), never from the text of the answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from opschaling.dialogue import ALARM_KINDS
from opschaling.facts import FACTS, VOCABULARY

DONT_KNOW = "weet ik niet"
MAX_TURNS = 12

# Dutch topic name (as written in a scenario file) -> engine fact: the `topics` of catalogue/facts.yaml.
TOPICS: Mapping[str, str] = {
    **{topic: name for name, spec in FACTS.items() for topic in spec.topics},
    **{topic: "step_outcome" for topic in VOCABULARY.step_outcome.topics},
}
FACT_TOPIC: dict[str, str] = {}
for _topic_name, _fact_name in TOPICS.items():
    FACT_TOPIC.setdefault(_fact_name, _topic_name)
OTHER_STEPS = ("anders", "overig", "rest", "*")  # key in an 'al geprobeerd' table: every other step


def normalise(text: str) -> str:
    """Lower case, no accents, single spaces, no punctuation: for matching names of steps and topics."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def topic_fact(name: str) -> str | None:
    """The engine fact for a Dutch topic name (or an engine fact name itself), else None."""
    key = normalise(name).replace("_", " ")
    for topic, fact in TOPICS.items():
        if key == normalise(topic):
            return fact
    for fact in _engine_facts():
        if key == fact.replace("_", " "):
            return fact
    return None


def _engine_facts() -> tuple[str, ...]:
    """Every fact name the engine knows (so a fact also works under its own name, e.g. complaint_within_year)."""
    return tuple(dict.fromkeys([*TOPICS.values(), *FACTS]))


# ------------------------------------------------------------------------------------------------
# Step names: id, label, short label, catalogue synonyms, NLU synonyms -> body id
# ------------------------------------------------------------------------------------------------
class StepNames:
    """Resolves what a cliëntondersteuner writes ("het Juiste Loket", "klachtenfunctionaris") to a body id."""

    def __init__(self, names: Mapping[str, str], ids: Iterable[str]) -> None:
        self._names = dict(names)
        self.ids = tuple(sorted(ids))

    @classmethod
    def from_catalogue(cls, catalogue: Any = None, synonyms: Path | None = None) -> StepNames:
        from opschaling.catalogue import load_catalogue

        catalogue = catalogue or load_catalogue()
        names: dict[str, str] = {}
        for body_id, body in catalogue.bodies.items():
            for name in (body_id, body_id.replace("_", " "), body.label, body.short_label):
                names.setdefault(normalise(name), body_id)
        # the names people use, from the catalogue (metadata.synonyms), after every id and label
        for body_id, body in catalogue.bodies.items():
            for name in (body.raw.get("metadata") or {}).get("synonyms") or ():
                names.setdefault(normalise(str(name)), body_id)
        path = synonyms or Path(catalogue.directory).parent / "data" / "nlu" / "synonyms.yml"
        if path.exists():
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for item in raw.get("nlu") or ():
                value = item.get("synonym") if isinstance(item, Mapping) else None
                if not isinstance(value, str) or value not in catalogue.bodies:
                    continue
                for line in str(item.get("examples") or "").splitlines():
                    example = line.strip().lstrip("-").strip()
                    if example:
                        names.setdefault(normalise(example), value)
        return cls(names, catalogue.bodies)

    def resolve(self, name: str) -> str | None:
        key = normalise(name)
        if not key:
            return None
        if key in self._names:
            return self._names[key]
        for prefix in ("het ", "de ", "een ", "naar het ", "naar de ", "naar "):
            if key.startswith(prefix) and key[len(prefix) :] in self._names:
                return self._names[key[len(prefix) :]]
        return None


# ------------------------------------------------------------------------------------------------
# Scenario
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    """How the user answers one topic: in order of asking (the last answer repeats), and for
    'al geprobeerd' optionally per step (``by_step``: body id -> answers)."""

    answers: tuple[str, ...] = ()
    by_step: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def pick(self, times_asked: int, step: str | None = None) -> str | None:
        values = self.by_step[step] if step and step in self.by_step else self.answers
        if not values:
            return None
        return values[min(times_asked, len(values) - 1)]


@dataclass(frozen=True)
class Scenario:
    name: str
    messages: tuple[str, ...]
    expected: tuple[str, ...]  # acceptable body ids for the step of the last advice
    answers: Mapping[str, Answer] = field(default_factory=dict)  # engine fact -> Answer
    followups: tuple[str, ...] = ()
    not_expected: tuple[str, ...] = ()
    deadline: date | None = None
    safety_first: bool = False
    theme: str | None = None
    origin: str = ""  # file and line/row, for messages
    expected_text: str = ""  # as written in the file

    def answer(self, fact: str, times_asked: int, step: str | None = None) -> str | None:
        answer = self.answers.get(fact)
        return answer.pick(times_asked, step) if answer else None


# ------------------------------------------------------------------------------------------------
# Messages and results
# ------------------------------------------------------------------------------------------------
@dataclass
class BotMessage:
    text: str
    kind: str | None = None
    buttons: list[dict] = field(default_factory=list)
    feedback: bool = False
    trace: dict | None = None

    @classmethod
    def from_rest(cls, raw: Mapping[str, Any]) -> BotMessage:
        opsw = raw.get("opsw") or {}
        return cls(
            text=str(raw.get("text") or ""),
            kind=opsw.get("kind"),
            buttons=list(raw.get("buttons") or []),
            feedback=bool(opsw.get("feedback")),
            trace=opsw.get("trace"),
        )

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "kind": self.kind,
            "buttons": self.buttons,
            "feedback": self.feedback,
            "trace": self.trace,
        }


@dataclass
class Exchange:
    """One user message and the bot messages it got back."""

    user: str
    replies: list[BotMessage]
    role: str = "bericht"  # bericht | antwoord | vervolg
    topic: str | None = None  # the topic answered (antwoord)
    default_answer: bool = False  # the scenario had no answer for this topic: "weet ik niet" was sent


@dataclass
class Result:
    scenario: Scenario
    passed: bool = False
    step: str | None = None
    step_label: str | None = None
    reasons: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)  # topics asked, in order (Dutch names)
    unanswered: list[str] = field(default_factory=list)  # topics answered with "weet ik niet" by default
    transcript: list[Exchange] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    advice_words: list[int] = field(default_factory=list)
    crisis_first: bool | None = None  # only checked with 'veiligheid eerst'
    # failed only because a `niet` step was named as what comes after ("Helpt dit niet? Dan ..."), never advised
    niet_only_after: bool = False
    deadlines: list[dict] = field(default_factory=list)

    @property
    def expected(self) -> str:
        return self.scenario.expected_text or " of ".join(self.scenario.expected)


Send = Callable[[str], Sequence[BotMessage]]


def _topic(fact: str) -> str:
    return FACT_TOPIC.get(fact, fact)


def _about_step(trace: Mapping[str, Any]) -> str | None:
    for key in ("question_step", "about_step", "asked_step"):
        if trace.get(key):
            return str(trace[key])
    return None


CHECK_IN_NO = "nee"


def play(
    scenario: Scenario, send: Send, max_turns: int = MAX_TURNS, about_step: Callable[[], str | None] | None = None
) -> Result:
    """Run one conversation and check it. ``about_step`` (local runner) tells which step a
    step_outcome question is about when the trace does not say it."""
    result = Result(scenario=scenario)
    times: dict[str, int] = {}
    turns = 0

    def exchange(text: str, role: str, topic: str | None = None, default: bool = False) -> list[BotMessage]:
        replies = list(send(text))
        result.transcript.append(Exchange(text, replies, role, topic, default))
        return replies

    def answer_questions(replies: list[BotMessage]) -> bool:
        """Answer until an advice arrives; False when the turn budget ran out or the bot stopped asking."""
        nonlocal turns
        while not any(m.kind == "advice" for m in replies):
            trace = next((m.trace for m in reversed(replies) if m.trace), None) or {}
            fact = trace.get("question")
            if not fact:
                # after the advice a check-in was answered ("nee"): the conversation has its advice already
                return any(m.kind == "advice" for ex in result.transcript for m in ex.replies) and bool(
                    result.transcript and result.transcript[-1].topic == "veiligheid"
                )
            if turns >= max_turns:
                return False
            turns += 1
            step = _about_step(trace) or (about_step() if about_step else None)
            if fact == "step_outcome" and not step and trace.get("step"):
                step = str(trace["step"])
            check_in = fact == "check_in"
            if check_in:
                fact = "acute_danger"  # "denkt u weleens aan zelfdoding?": the scenario's answer about danger
            count = times.get(fact, 0)
            times[fact] = count + 1
            topic = _topic(fact)
            result.questions.append(topic + (f" ({step})" if fact == "step_outcome" and step else ""))
            answer = scenario.answer(fact, count, step)
            default = answer is None
            # a scenario without danger ('veiligheid eerst' not set) answers a check-in it has no answer for with "nee"
            # (its writer wrote no danger sign into it); any other question without an answer gets "weet ik niet"
            text = (CHECK_IN_NO if check_in and not scenario.safety_first else DONT_KNOW) if answer is None else answer
            if default:
                result.unanswered.append(topic)
            replies = exchange(text, "antwoord", result.questions[-1], default)  # "al geprobeerd (cce)": per step
        return True

    try:
        replies: list[BotMessage] = []
        for text in scenario.messages:
            replies = exchange(text, "bericht")
        got_advice = answer_questions(replies)
        if not got_advice and turns == 0 and any(m.kind == "advice" for ex in result.transcript for m in ex.replies):
            got_advice = True  # advised on an earlier message; the last one ("wat kan ik doen") was answered
        if not got_advice and replies and all(m.kind is None and m.trace is None for m in replies):
            result.failures.append(
                "geen advies: de berichten van de assistent hebben geen 'opsw' (kind en trace); "
                "draait de assistent met het kanaal channels.rest.RestInput?"
            )
        elif not got_advice:
            result.failures.append(
                f"geen advies (na {turns} antwoorden)"
                if turns >= max_turns or not replies
                else "geen advies: de assistent stelde geen vraag meer en gaf geen advies"
            )
        else:
            for text in scenario.followups:
                replies = exchange(text, "vervolg")
                if any(m.trace and m.trace.get("question") for m in replies[-1:]) and not answer_questions(replies):
                    result.failures.append(f"geen advies na het vervolgbericht '{text}'")
                    break
    except ConnectionError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken conversation is a failed scenario, not a crash
        result.failures.append(f"fout tijdens het gesprek: {type(exc).__name__}: {exc}")
    _check(scenario, result)
    return result


def _check(scenario: Scenario, result: Result) -> None:
    # the trace may ride on the last message of a reply only: an advice without its own trace uses that one
    advices: list[tuple[BotMessage, dict | None]] = []
    for ex in result.transcript:
        batch_trace = next((m.trace for m in reversed(ex.replies) if m.trace), None)
        advices.extend((m, m.trace or batch_trace) for m in ex.replies if m.kind == "advice")
    result.advice_words = [len(m.text.split()) for m, _ in advices]
    named: set[str] = set()
    advised: set[str] = set()
    for _, trace in advices:
        trace = trace or {}
        if trace.get("step"):
            named.add(str(trace["step"]))
            advised.add(str(trace["step"]))
        named.update(str(s) for s in trace.get("after") or ())
        for d in trace.get("deadlines") or ():
            if isinstance(d, Mapping):
                result.deadlines.append(dict(d))
    if advices:
        last = advices[-1][1]
        if last is None:
            result.failures.append("het advies heeft geen trace (opsw.trace ontbreekt)")
        else:
            result.step = last.get("step")
            result.step_label = last.get("step_label")
            reason = last.get("reason")
            result.reasons = [reason] if isinstance(reason, str) and reason else list(reason or [])
            result.sources = [str(s) for s in last.get("sources") or ()]
    if advices and result.step not in scenario.expected:
        result.failures.append(f"verwacht: {result.expected}; genoemd: {result.step or 'geen stap'}")
    bad = [s for s in scenario.not_expected if s in named]
    if bad:
        result.failures.append("genoemd maar niet verwacht: " + ", ".join(bad))
    if scenario.deadline:
        due = {str(d.get("due")) for d in result.deadlines}
        if scenario.deadline.isoformat() not in due:
            result.failures.append(
                f"termijn {scenario.deadline.isoformat()} niet genoemd (wel: {', '.join(sorted(due)) or 'geen'})"
            )
    if scenario.safety_first:
        result.crisis_first = _crisis_first(scenario, result)
        if not result.crisis_first:
            result.failures.append("veiligheid eerst: het eerste antwoord op het gevaar was niet het crisisbericht")
    result.passed = not result.failures
    result.niet_only_after = bool(bad) and len(result.failures) == 1 and not (set(bad) & advised)


def _crisis_first(scenario: Scenario, result: Result) -> bool:
    """The first reply that holds a crisis message starts with it; when the danger is in the opening
    messages (no 'veiligheid' answer), that reply answers one of the opening messages."""
    for index, ex in enumerate(result.transcript):
        if any(m.kind in ALARM_KINDS for m in ex.replies):
            if ex.replies[0].kind not in ALARM_KINDS:
                return False
            return not ("acute_danger" not in scenario.answers and index >= len(scenario.messages))
    return False


__all__ = [
    "DONT_KNOW",
    "MAX_TURNS",
    "TOPICS",
    "Answer",
    "BotMessage",
    "Exchange",
    "Result",
    "Scenario",
    "StepNames",
    "normalise",
    "play",
    "topic_fact",
]
