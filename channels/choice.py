"""Map a typed option number to the button payload, using the tracker store.

The buttons that were shown are read from the conversation's tracker (the bot
events keep their buttons), not from process memory, so "2" keeps working
after a restart and with several Rasa servers behind one webhook.
"""

import logging
from typing import Any

from channels.numbered_options import (
    SCOPE_TURN,
    Choice,
    parse_option_number,
    resolve_against_events,
)

logger = logging.getLogger(__name__)

# Longer messages are never a choice: skip the tracker lookup for them.
_MAX_CHOICE_CHARS = 120

METADATA_KEY = "numbered_choice"


def _might_be_choice(text: str | None) -> bool:
    if not text or not text.strip() or len(text) > _MAX_CHOICE_CHARS:
        return False
    # Intent payloads ("/greet", '/inform{"wet":"wlz"}') go through unchanged.
    return parse_option_number(text) is not None or not text.lstrip().startswith("/")


async def lookup_choice(agent: Any, sender_id: str, text: str | None, scope: str = SCOPE_TURN) -> Choice | None:
    """The button ``text`` picks in ``sender_id``'s conversation, if any."""
    if not _might_be_choice(text):
        return None
    tracker_store = getattr(agent, "tracker_store", None)
    if tracker_store is None:
        logger.debug("No agent/tracker store yet; '%s' goes through as text.", text)
        return None
    try:
        tracker = await tracker_store.retrieve(str(sender_id))
    except Exception:  # the message must not get lost because of a lookup
        logger.exception("Tracker lookup failed; the message goes through as text.")
        return None
    if tracker is None:
        return None
    events = [event.as_dict() for event in tracker.events]
    return resolve_against_events(text, events, scope)


async def apply_choice(
    request: Any,
    sender_id: str,
    text: str | None,
    metadata: dict[str, Any] | None,
    scope: str = SCOPE_TURN,
) -> tuple[str | None, dict[str, Any] | None]:
    """``(text, metadata)`` to hand to Rasa: the payload if ``text`` picks a button.

    The original text and the chosen option are kept in the message metadata
    under ``numbered_choice``.
    """
    agent = getattr(request.app.ctx, "agent", None)
    choice = await lookup_choice(agent, sender_id, text, scope)
    if choice is None:
        return text, metadata
    logger.debug("Option %s ('%s') chosen by %s '%s'.", choice.number, choice.title, choice.how, text)
    new_metadata = dict(metadata or {})
    new_metadata[METADATA_KEY] = {
        "typed": text,
        "number": choice.number,
        "title": choice.title,
        "how": choice.how,
    }
    return choice.payload, new_metadata
