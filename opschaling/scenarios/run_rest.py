"""Run scenarios against a running assistant over its REST channel (``/webhooks/rest/webhook``).

Each scenario gets a fresh sender id. Every message is sent with ``metadata: {"trace": true}`` so that the
bot's messages carry the engine's own reasoning in ``opsw.trace``."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from opschaling.scenarios.model import MAX_TURNS, BotMessage, Result, Scenario, play

DEFAULT_URL = "http://localhost:5005"
WEBHOOK = "/webhooks/rest/webhook"


class AssistantUnavailable(ConnectionError):
    """No assistant answers at the URL; the message says (in Dutch) how to start one."""


def default_url() -> str:
    return os.environ.get("OPSW_RASA_URL") or DEFAULT_URL


def how_to_start(url: str, detail: str = "") -> str:
    return (
        f"Er draait geen assistent op {url}{f' ({detail})' if detail else ''}.\n"
        "Start de assistent eerst in een ander venster met:  make run\n"
        "Wacht tot die klaar is en start dan de scenario's opnieuw. "
        'Of test zonder assistent met:  make scenarios ARGS="--local"'
    )


def check_available(url: str, timeout: float = 5) -> None:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/", timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError:
        return  # a server answered
    except (OSError, ValueError) as exc:
        raise AssistantUnavailable(how_to_start(url, str(getattr(exc, "reason", exc)))) from exc


class RestClient:
    def __init__(self, url: str | None = None, timeout: float = 60) -> None:
        self.url = (url or default_url()).rstrip("/")
        self.timeout = timeout

    def post(self, sender: str, text: str) -> list[BotMessage]:
        payload = {"sender": sender, "message": text, "metadata": {"trace": True}}
        request = urllib.request.Request(
            self.url + WEBHOOK, data=json.dumps(payload).encode("utf-8"), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"de assistent gaf HTTP {exc.code} op {WEBHOOK}") from exc
        except (OSError, ValueError) as exc:
            raise AssistantUnavailable(how_to_start(self.url, str(getattr(exc, "reason", exc)))) from exc
        data: Any = json.loads(body or b"[]")
        return merge_parts([BotMessage.from_rest(item) for item in data if isinstance(item, dict)])


def merge_parts(messages: list[BotMessage]) -> list[BotMessage]:
    """The REST channel splits a text with blank lines into several items, each with the same ``opsw.kind``;
    ``feedback``, ``trace`` and buttons ride on the last part only. Join such parts into one message again,
    so that "words per advice" and "the first answer is the crisis message" see whole messages."""
    merged: list[BotMessage] = []
    for message in messages:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.kind == message.kind
            and previous.kind is not None
            and previous.trace is None
            and not previous.feedback
            and not previous.buttons
        ):
            message.text = f"{previous.text}\n\n{message.text}"
            merged[-1] = message
        else:
            merged.append(message)
    return merged


def run_scenario(scenario: Scenario, client: RestClient | None = None, max_turns: int = MAX_TURNS) -> Result:
    client = client or RestClient()
    sender = f"scenario-{uuid.uuid4().hex[:12]}"
    return play(scenario, lambda text: client.post(sender, text), max_turns=max_turns)


def run_all(
    scenarios: Iterable[Scenario],
    url: str | None = None,
    timeout: float = 60,
    progress: Callable[[Result], None] | None = None,
) -> list[Result]:
    client = RestClient(url, timeout)
    check_available(client.url)
    results = []
    for scenario in scenarios:
        results.append(run_scenario(scenario, client))
        if progress:
            progress(results[-1])
    return results


__all__ = [
    "AssistantUnavailable",
    "RestClient",
    "check_available",
    "default_url",
    "how_to_start",
    "merge_parts",
    "run_all",
    "run_scenario",
]
