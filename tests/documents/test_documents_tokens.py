"""Links that expire and work for one conversation and one document only."""

from __future__ import annotations

import base64

from documents import FILES
from documents.tokens import TTL_SECONDS, open_token, seal

SECRET = b"test-document-secret-0123456789"
NOW = 1_800_000_000.0


def test_a_token_opens_for_its_conversation_and_document_until_it_expires():
    token = seal(SECRET, "a1b2c3d4e5f6", "bezwaarschrift.docx", FILES, now=NOW)
    grant = open_token(SECRET, token, FILES, now=NOW + TTL_SECONDS - 1)
    assert grant is not None
    assert (grant.conversation, grant.document, grant.expires) == (
        "a1b2c3d4e5f6",
        "bezwaarschrift.docx",
        NOW + TTL_SECONDS,
    )
    assert open_token(SECRET, token, FILES, now=NOW + TTL_SECONDS) is None  # 24 hours later: expired


def test_the_conversation_id_is_not_readable_in_the_link():
    token = seal(SECRET, "my-session-0123456789abcdef", "agenda.ics", FILES, now=NOW)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b"my-session" not in raw and "my-session" not in token
    assert len(token) < 120  # short enough for a text message


def test_a_changed_foreign_or_broken_token_gives_nothing():
    token = seal(SECRET, "a1b2c3d4e5f6", "overzicht.pdf", FILES, now=NOW)
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    for position in (0, 3, 5, 10, len(raw) - 1):  # version, expiry, document, nonce, sealed id
        changed = bytearray(raw)
        changed[position] ^= 1
        forged = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
        assert open_token(SECRET, forged, FILES, now=NOW) is None, position
    assert open_token(b"another-server-secret-0123456789", token, FILES, now=NOW) is None
    for junk in ("", "x", "!!!!", "a" * 500, token[:-4]):
        assert open_token(SECRET, junk, FILES, now=NOW) is None


def test_each_token_is_new():
    assert seal(SECRET, "c", "agenda.ics", FILES, now=NOW) != seal(SECRET, "c", "agenda.ics", FILES, now=NOW)
