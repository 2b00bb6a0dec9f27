"""Conversation ids for the text channels: a keyed hash of the address, never the address itself.

Twilio's sender is a phone number (``+316...``, ``whatsapp:+316...``) and Telegram's a chat id. Rasa
uses the sender id as the conversation id: it is the key of the tracker store and it is in Rasa's
logs. So the text channels (:mod:`channels.text_channel`) pass on ``<channel>-<32 hex>``, an
HMAC-SHA256 of ``"<channel>:<address>"``, instead. The same address always gets the same id (the
conversation goes on, also on another server with the same secret); without the secret the id
cannot be turned back into the address, not even by trying every phone number.

The secret: ``OPSW_SENDER_SALT`` from the environment (set the same value on every server that
shares a tracker store), else a random secret created once in ``var/sender_salt`` (mode 0600; the
per-install secret). Changing it starts new conversations for everyone on Telegram and Twilio.

The addresses, needed to send the answers, stay in this process's memory (:class:`AddressBook`,
the last :data:`MAX_ADDRESSES`); log records show the conversation id instead
(:func:`channels.logfilter.register_sender`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
from collections import OrderedDict
from pathlib import Path

from channels import logfilter

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
SALT_ENV = "OPSW_SENDER_SALT"
SALT_FILE = ROOT / "var" / "sender_salt"
MIN_SALT_CHARS = 16
MAX_ADDRESSES = 10000
HEX_CHARS = 32  # 128 bits of the HMAC


def load_secret(path: Path | None = None) -> bytes:
    """``OPSW_SENDER_SALT``, else the per-install secret file (created on first use)."""
    value = os.environ.get(SALT_ENV, "").strip()
    if value:
        if len(value) < MIN_SALT_CHARS:
            logger.warning("%s is shorter than %d characters; use a long random value.", SALT_ENV, MIN_SALT_CHARS)
        return value.encode("utf-8")
    return _file_secret(path or SALT_FILE)


def _read(path: Path) -> bytes:
    value = path.read_bytes().strip()
    if not value:
        raise RuntimeError(f"{path} is empty: delete it (a new secret is made) or set {SALT_ENV}")
    return value


def _file_secret(path: Path) -> bytes:
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # atomic: of two processes starting at once, one secret wins
            logger.info("Created the per-install sender secret %s (set %s to share one).", path, SALT_ENV)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return _read(path)


def pseudonym(channel: str, address: str, secret: bytes) -> str:
    """``<channel>-<32 hex>``: the conversation id for ``address`` on ``channel``."""
    digest = hmac.new(secret, f"{channel}:{address}".encode(), hashlib.sha256).hexdigest()
    return f"{channel}-{digest[:HEX_CHARS]}"


class AddressBook:
    """One channel's conversation ids, and the addresses behind them (in memory only)."""

    def __init__(self, channel: str, secret: bytes | None = None) -> None:
        self.channel = channel
        self._secret = secret
        self._addresses: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def secret(self) -> bytes:
        if self._secret is None:
            self._secret = load_secret()
        return self._secret

    def conversation_id(self, address: str) -> str:
        """The conversation id for ``address``; remembered so answers can be sent to the address."""
        conversation = pseudonym(self.channel, address, self.secret)
        with self._lock:
            self._addresses[conversation] = address
            self._addresses.move_to_end(conversation)
            while len(self._addresses) > MAX_ADDRESSES:
                self._addresses.popitem(last=False)
        logfilter.register_sender(address, conversation)
        return conversation

    def is_pseudonym(self, recipient_id: str) -> bool:
        prefix = f"{self.channel}-"
        tail = recipient_id[len(prefix) :]
        return recipient_id.startswith(prefix) and len(tail) == HEX_CHARS and all(c in "0123456789abcdef" for c in tail)

    def address(self, recipient_id: str) -> str | None:
        """Where to send an answer for ``recipient_id``: its address; a plain address as it is;
        ``None`` for a conversation id whose address this process does not know (after a restart)."""
        with self._lock:
            address = self._addresses.get(recipient_id)
        if address is not None:
            return address
        return None if self.is_pseudonym(recipient_id) else recipient_id
