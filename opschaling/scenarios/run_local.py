"""Run scenarios without Rasa: each message goes straight to ``opschaling.dialogue.respond`` with
``intent=None`` (the dialogue then guesses the situation from keywords). Milliseconds per conversation;
the same ``Result`` objects as the REST runner."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from opschaling.scenarios.model import MAX_TURNS, BotMessage, Result, Scenario, play


def _message(raw: Any) -> BotMessage:
    if isinstance(raw, dict):
        return (
            BotMessage.from_rest(raw)
            if "opsw" in raw
            else BotMessage(
                text=str(raw.get("text") or ""),
                kind=raw.get("kind"),
                buttons=list(raw.get("buttons") or []),
                feedback=bool(raw.get("feedback")),
                trace=raw.get("trace"),
            )
        )
    return BotMessage(
        text=str(getattr(raw, "text", "") or ""),
        kind=getattr(raw, "kind", None),
        buttons=list(getattr(raw, "buttons", None) or []),
        feedback=bool(getattr(raw, "feedback", False)),
        trace=getattr(raw, "trace", None),
    )


def run_scenario(
    scenario: Scenario,
    respond: Callable[..., Any] | None = None,
    turn_type: Any = None,
    catalogue: Any = None,
    today: date | None = None,
    max_turns: int = MAX_TURNS,
) -> Result:
    if respond is None or turn_type is None:
        from opschaling import dialogue

        respond = respond or dialogue.respond
        turn_type = turn_type or dialogue.Turn
    if catalogue is None:
        from opschaling.catalogue import load_catalogue

        catalogue = load_catalogue()
    state: dict | None = None

    def send(text: str) -> list[BotMessage]:
        nonlocal state
        turn = turn_type(text=text, intent=None, metadata={"trace": True})
        reply = respond(state, turn, catalogue=catalogue, today=today)
        state = reply.state
        return [_message(m) for m in reply.messages]

    def about_step() -> str | None:
        return (state or {}).get("asked_step")

    return play(scenario, send, max_turns=max_turns, about_step=about_step)


def run_all(scenarios: Iterable[Scenario], **kwargs: Any) -> list[Result]:
    return [run_scenario(s, **kwargs) for s in scenarios]


__all__ = ["run_all", "run_scenario"]
