"""Fixtures for the scenario tests: a tiny fake dialogue, so the runners and reports are tested without Rasa."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from opschaling.scenarios.model import StepNames


@dataclass
class FakeMessage:
    text: str
    kind: str
    buttons: list = field(default_factory=list)
    feedback: bool = False
    trace: dict | None = None


@dataclass
class FakeReply:
    state: dict
    messages: list


@dataclass(frozen=True)
class FakeTurn:
    text: str
    intent: Any = None
    metadata: Any = None


class FakeDialogue:
    """Asks 'organisation' then step_outcome about bezwaar_gemeente; advises from the answers.

    - "gevaar" anywhere: a crisis message first.
    - organisation "gemeente" + step "nee" -> bezwaar_gemeente (deadline 2026-12-15), "hielp niet" -> beroep_rechtbank.
    - anything else as organisation -> juiste_loket. "en als dat niet helpt?" after advice -> juiste_loket.
    - ``loop=True``: keeps asking the same question forever.
    """

    def __init__(self, loop: bool = False, trace_on_last_only: bool = False) -> None:
        self.loop = loop
        self.trace_on_last_only = trace_on_last_only
        self.turns: list[FakeTurn] = []

    def respond(self, state, turn, catalogue=None, today=None):  # noqa: ANN001, ANN201
        self.turns.append(turn)
        state = dict(state or {"asked": None, "facts": {}})
        facts = dict(state["facts"])
        messages = []
        text = turn.text.lower()
        if "gevaar" in text:
            messages.append(FakeMessage("Bel 112 bij direct gevaar.", "crisis"))
        asked = state.get("asked")
        if asked == "organisation":
            facts["organisation"] = "gemeente" if "gemeente" in text else "onbekend"
        elif asked == "step_outcome":
            facts["bezwaar"] = "niet_geholpen" if "hielp niet" in text else "nee"
        elif state.get("advised") and "niet helpt" in text:
            facts["bezwaar"] = "niet_geholpen"
            facts["beroep"] = "niet_geholpen"
        question = None
        if self.loop or "organisation" not in facts:
            question = "organisation"
        elif facts["organisation"] == "gemeente" and "bezwaar" not in facts:
            question = "step_outcome"
        if question:
            state["asked"] = question
            state["asked_step"] = "bezwaar_gemeente" if question == "step_outcome" else None
            trace = {"question": question, "step": None}
            messages.append(
                FakeMessage(f"Vraag over {question}?", "question", trace=trace if turn.metadata.get("trace") else None)
            )
        else:
            state["asked"] = None
            state["advised"] = True
            if facts["organisation"] != "gemeente" or facts.get("beroep"):
                step, due = "juiste_loket", None
            elif facts["bezwaar"] == "niet_geholpen":
                step, due = "beroep_rechtbank", None
            else:
                step, due = "bezwaar_gemeente", "2026-12-15"
            trace = {
                "question": None,
                "step": step,
                "step_label": step.replace("_", " "),
                "reason": f"Reden voor {step} <b>",
                "sources": ["S1: Bezwaar maken"],
                "after": ["juridisch_loket"],
                "deadlines": [{"id": "x", "due": due}],
            }
            messages.append(
                FakeMessage(
                    f"Uw volgende stap: {step}. Dit is het advies.",
                    "advice",
                    feedback=True,
                    trace=None if self.trace_on_last_only else trace,
                )
            )
            if self.trace_on_last_only:
                messages.append(FakeMessage("Heeft u nog een vraag?", "info", trace=trace))
        state["facts"] = facts
        return FakeReply(state, messages)


@pytest.fixture
def fake_dialogue() -> FakeDialogue:
    return FakeDialogue()


@pytest.fixture(scope="session")
def names() -> StepNames:
    return StepNames.from_catalogue()


@pytest.fixture(autouse=True)
def _reports_in_tmp(tmp_path, monkeypatch):
    """The command line writes reports/scenarios/latest.json by default: in tests it writes into tmp_path, so a
    test's one-scenario run never replaces the figures of a real run (make eval reads that file)."""
    from opschaling.scenarios import cli

    monkeypatch.setattr(cli, "REPORT_DIR", tmp_path / "reports")
