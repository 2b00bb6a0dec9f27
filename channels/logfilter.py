"""Keep user text out of the logs (rasa.log): a log-record factory, installed on import of
``channels.guard``.

Rasa logs the user's text at DEBUG ("Received user message ...", the parse data, the tracker
dump) and in exception records. The guard already masks identifiers before Rasa sees a message;
on top of that this factory

* replaces every user text the guard passed on (``register_user_text``; the last 512, in memory
  only) by ``[gebruikerstekst: N tekens]`` in every log record of the process, so a typed
  payload ("/inform{...}") or a message that made Rasa fail is never written in full;
* replaces the addresses of the text channels (a Telegram chat id, a Twilio phone number;
  ``register_sender``, the last 512) by their conversation id (``channels.sender_ids``), also in
  what third-party code logs (aiogram logs every API call with the chat id at DEBUG);
* runs ``channels.privacy.mask_quick`` (BSN, phone, e-mail, IBAN, postcode, date of birth)
  over those records and their exception text, as a second net.

A record factory (``logging.setLogRecordFactory``) is used instead of a ``logging.Filter``:
filters on a logger do not see records of its child loggers and handler filters must be added
to each handler Rasa creates later; the factory sees every record of the process.
``install()`` is idempotent; ``uninstall()`` restores the previous factory (tests).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import traceback
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from channels.privacy import mask_quick

MIN_REGISTERED_CHARS = 8
MAX_REGISTERED = 512
MIN_SENDER_CHARS = 5  # shorter chat ids would replace unrelated numbers

_texts: OrderedDict[str, str] = OrderedDict()  # text -> its JSON-escaped form
_senders: OrderedDict[str, tuple[re.Pattern[str], str]] = OrderedDict()  # address -> (its pattern, conversation id)
_lock = threading.Lock()
_previous_factory: Callable[..., logging.LogRecord] | None = None


def register_user_text(text: str) -> None:
    """Remember a user text so log records show ``[gebruikerstekst: N tekens]`` instead."""
    if not isinstance(text, str) or len(text.strip()) < MIN_REGISTERED_CHARS:
        return
    with _lock:
        for item in {text, text.strip()}:
            _texts[item] = json.dumps(item)[1:-1]
            _texts.move_to_end(item)
        while len(_texts) > MAX_REGISTERED:
            _texts.popitem(last=False)


def register_sender(address: str, conversation_id: str) -> None:
    """Show ``conversation_id`` instead of ``address`` (not inside a longer word or number) in log records."""
    if not isinstance(address, str) or len(address.strip()) < MIN_SENDER_CHARS:
        return
    pattern = re.compile(r"(?<![0-9A-Za-z])" + re.escape(address) + r"(?![0-9A-Za-z])")
    with _lock:
        _senders[address] = (pattern, conversation_id)
        _senders.move_to_end(address)
        while len(_senders) > MAX_REGISTERED:
            _senders.popitem(last=False)


def scrub(message: str) -> str:
    """``message`` with registered user texts, addresses and identifiers masked."""
    if not message:
        return message
    with _lock:
        texts = sorted(_texts.items(), key=lambda item: len(item[0]), reverse=True)
        senders = sorted(_senders.items(), key=lambda item: len(item[0]), reverse=True)
    for text, escaped in texts:
        # JSON logs (structlog) escape quotes and non-ASCII: compare with that form too
        for form in (text, escaped):
            if form in message:
                message = message.replace(form, f"[gebruikerstekst: {len(text)} tekens]")
    for address, (pattern, conversation_id) in senders:
        if address in message:
            message = pattern.sub(conversation_id, message)
    masked, _ = mask_quick(message)
    return masked


def _watched(name: str) -> bool:
    return True  # every logger: third-party code may log the text too


def _factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    # still called after uninstall() when another factory installed later kept this one as its previous
    record = (_previous_factory or logging.LogRecord)(*args, **kwargs)
    try:
        if not _watched(record.name):
            return record
        message = record.getMessage()
        clean = scrub(message)
        if clean != message:
            record.msg = clean
            record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_text = scrub(text).rstrip("\n")
    except Exception:  # noqa: BLE001 - logging must never fail
        pass
    return record


def install() -> None:
    global _previous_factory
    if _previous_factory is not None:
        return
    _previous_factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(_factory)


def uninstall() -> None:
    global _previous_factory
    if _previous_factory is None:
        return
    logging.setLogRecordFactory(_previous_factory)
    _previous_factory = None
