"""Short-lived links to a conversation's documents: a token that names the conversation, the document and when it
expires, sealed with a secret that every server shares.

The token is ``base64url(version | expiry | document | nonce | sealed conversation id)``: AES-GCM (the
``cryptography`` package) with a key derived from the secret by HMAC-SHA256 encrypts the conversation id, so a link
that is forwarded or lands in a browser history does not reveal it (the widget's session id would let anyone read
along), and authenticates version, expiry and document with it. A token that is expired, changed in any bit, made
with another secret, or for another document gives nothing (:func:`open_token` returns None).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
import time
from dataclasses import dataclass

VERSION = 1
TTL_SECONDS = 24 * 3600
NONCE_BYTES = 12
_HEADER = struct.Struct(">BIB")  # version, expiry (unix seconds), document index
MAX_CONVERSATION_BYTES = 128


@dataclass(frozen=True)
class Grant:
    conversation: str
    document: str
    expires: int


def _key(secret: bytes) -> bytes:
    return hmac.new(secret, b"opschalingswijzer documents v1", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal(
    secret: bytes,
    conversation: str,
    document: str,
    documents: tuple[str, ...],
    ttl: int = TTL_SECONDS,
    now: float | None = None,
) -> str:
    """A token for ``document`` (one of ``documents``) of ``conversation``, valid ``ttl`` seconds from ``now``."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw_id = conversation.encode("utf-8")
    if not raw_id or len(raw_id) > MAX_CONVERSATION_BYTES:
        raise ValueError("conversation id of 1 to 128 bytes expected")
    expires = int((time.time() if now is None else now) + ttl)
    header = _HEADER.pack(VERSION, expires, documents.index(document))
    nonce = os.urandom(NONCE_BYTES)
    return _b64(header + nonce + AESGCM(_key(secret)).encrypt(nonce, raw_id, header))


def open_token(secret: bytes, token: str, documents: tuple[str, ...], now: float | None = None) -> Grant | None:
    """What ``token`` grants, or None when it is expired, damaged, foreign or unknown."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not token or len(token) > 400:
        return None
    try:
        raw = _unb64(token)
    except (binascii.Error, ValueError):
        return None
    if len(raw) < _HEADER.size + NONCE_BYTES + 17:
        return None
    start = _HEADER.size + NONCE_BYTES
    header, nonce, sealed = raw[: _HEADER.size], raw[_HEADER.size : start], raw[start:]
    version, expires, index = _HEADER.unpack(header)
    if version != VERSION or index >= len(documents):
        return None
    try:
        conversation = AESGCM(_key(secret)).decrypt(nonce, sealed, header).decode("utf-8")
    except (InvalidTag, UnicodeDecodeError):
        return None
    if (time.time() if now is None else now) >= expires:
        return None
    return Grant(conversation=conversation, document=documents[index], expires=expires)
