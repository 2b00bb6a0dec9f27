"""Numbered options for text-only messaging channels.

Pure logic, no Rasa import, so it can be unit tested on its own:

* render the buttons of a bot message as numbered options
  ("1. Titel\\n2. Titel" followed by "Typ het nummer van uw keuze."),
* resolve what the user typed ("2", " 2 ", "2.", the label of a Telegram
  reply-keyboard button "2. Titel", or the exact title) against those buttons,
* find the buttons of the last bot message in a list of tracker events
  (events as dicts, the shape of ``Event.as_dict()`` / the tracker JSON).

Buttons have the Rasa shape ``{"title": "...", "payload": "..."}``.
"""

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

Button = dict[str, Any]
EventDict = dict[str, Any]

# Dutch, B1: shown under the numbered list on text-only channels (SMS, WhatsApp).
OPTION_PROMPT = "Typ het nummer van uw keuze."
# Telegram shows a reply keyboard as well, so the user can also tap.
KEYBOARD_PROMPT = "Tik op een knop of typ het nummer van uw keuze."

# Where a bare number is looked up.
# "turn": only buttons the bot sent since the user's last message (the options
#         that are "on screen" now). A number typed as an answer to an open
#         question ("Hoe oud is uw kind?" -> "2") is then not taken for an old
#         button.
# "conversation": the last bot message with buttons in the session, however
#         long ago.
SCOPE_TURN = "turn"
SCOPE_CONVERSATION = "conversation"
SCOPES = (SCOPE_TURN, SCOPE_CONVERSATION)

# Events after which older buttons no longer count.
_RESET_EVENTS = {"restart", "session_started"}

_NUMBER_RE = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")
_LABEL_RE = re.compile(r"^\s*(\d{1,3})\s*[.)]\s*(.+?)\s*$", re.DOTALL)
_SPACES_RE = re.compile(r"\s+")


class Choice(NamedTuple):
    """A button the user picked."""

    number: int  # 1-based position in the list that was shown
    title: str
    payload: str
    how: str  # "number", "label" or "title"


def button_title(button: Button) -> str:
    """The text shown for a button."""
    return str(button.get("title") or button.get("payload") or "").strip()


def button_payload(button: Button) -> str:
    """What is sent to Rasa when the button is chosen (the title if no payload)."""
    payload = button.get("payload")
    if payload is None or str(payload).strip() == "":
        return button_title(button)
    return str(payload)


def option_label(number: int, button: Button) -> str:
    """Label of one option, e.g. ``"2. Nee"``; also the Telegram keyboard text."""
    return f"{number}. {button_title(button)}"


def render_options(buttons: Iterable[Button]) -> str:
    """``"1. Titel\\n2. Titel"``."""
    return "\n".join(option_label(number, button) for number, button in enumerate(buttons, 1))


def render_text_with_options(text: str | None, buttons: list[Button], prompt: str | None = OPTION_PROMPT) -> str:
    """Message text, a blank line, the numbered options, a blank line, the prompt."""
    parts = []
    if text and text.strip():
        parts.append(text.strip())
    if buttons:
        parts.append(render_options(buttons))
        if prompt:
            parts.append(prompt)
    return "\n\n".join(parts)


def parse_option_number(text: str | None) -> int | None:
    """The number in a message that is just a number ("2", " 2 ", "2.", "2)")."""
    if not text:
        return None
    match = _NUMBER_RE.match(text)
    if not match:
        return None
    return int(match.group(1))


def _normalise(text: str) -> str:
    return _SPACES_RE.sub(" ", text).strip().rstrip(".!?").strip().casefold()


def _choice(number: int, button: Button, how: str) -> Choice:
    return Choice(number, button_title(button), button_payload(button), how)


def resolve_number(text: str | None, buttons: list[Button] | None) -> Choice | None:
    """A bare number within range; anything else (or out of range) is ``None``."""
    number = parse_option_number(text)
    if number is None or not buttons or not 1 <= number <= len(buttons):
        return None
    return _choice(number, buttons[number - 1], "number")


def resolve_label(text: str | None, buttons: list[Button] | None) -> Choice | None:
    """The full label of option N ("2. Nee", what a reply-keyboard tap sends)."""
    if not text or not buttons:
        return None
    match = _LABEL_RE.match(text)
    if not match:
        return None
    number = int(match.group(1))
    if not 1 <= number <= len(buttons):
        return None
    button = buttons[number - 1]
    if _normalise(match.group(2)) != _normalise(button_title(button)):
        return None
    return _choice(number, button, "label")


def resolve_title(text: str | None, buttons: list[Button] | None) -> Choice | None:
    """The exact title of one option (case and spacing ignored)."""
    if not text or not buttons:
        return None
    wanted = _normalise(text)
    if not wanted:
        return None
    matches = [
        (number, button) for number, button in enumerate(buttons, 1) if _normalise(button_title(button)) == wanted
    ]
    if len(matches) != 1:
        return None
    number, button = matches[0]
    return _choice(number, button, "title")


def resolve_option(text: str | None, buttons: list[Button] | None) -> Choice | None:
    """Number, label or title against one list of buttons."""
    return resolve_number(text, buttons) or resolve_label(text, buttons) or resolve_title(text, buttons)


def _event_buttons(event: EventDict) -> list[Button] | None:
    data = event.get("data") or {}
    buttons = data.get("buttons") or data.get("quick_replies")
    if isinstance(buttons, list) and buttons:
        return [b for b in buttons if isinstance(b, dict)] or None
    return None


def find_last_buttons(events: Iterable[EventDict], scope: str = SCOPE_CONVERSATION) -> list[Button] | None:
    """Buttons of the last bot message that had buttons.

    ``scope="turn"`` stops at the user's last message: only the buttons of the
    bot's latest turn count. ``scope="conversation"`` looks back to the start
    of the session (a restart or a new session ends the search in both cases).
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}, use one of {SCOPES}")
    for event in reversed(list(events)):
        kind = event.get("event")
        if kind == "bot":
            buttons = _event_buttons(event)
            if buttons:
                return buttons
        elif (kind == "user" and scope == SCOPE_TURN) or kind in _RESET_EVENTS:
            return None
    return None


def resolve_against_events(text: str | None, events: Iterable[EventDict], scope: str = SCOPE_TURN) -> Choice | None:
    """What the user's message means given the conversation so far.

    * a bare number or an exact title: against the buttons of the bot's latest
      turn (``scope="turn"``) or of the last bot message with buttons
      (``scope="conversation"``);
    * the full label "N. Titel" (a tap on a Telegram reply keyboard, possibly
      an older one that is still open): against the last bot message with
      buttons in the session.

    ``None`` means: send the text on unchanged.
    """
    if not text or not text.strip():
        return None
    events = list(events)
    scoped = find_last_buttons(events, scope)
    last = scoped if scope == SCOPE_CONVERSATION else find_last_buttons(events)
    return resolve_number(text, scoped) or resolve_label(text, last) or resolve_title(text, scoped)
