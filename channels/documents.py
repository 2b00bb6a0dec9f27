"""A conversation's documents (issue 16): links in the bot messages, and the route on the Rasa server that serves
them (credentials key ``channels.documents.DocumentsInput``; ``GET /webhooks/documents/<token>``).

* **Links**: the dialogue names the documents that fit its message (``opsw.documents: ["bezwaarschrift",
  "agenda"]``, see ``documents/offer.py``). The guard's output (:class:`channels.guard.GuardedOutput`, which knows the
  conversation id Rasa uses) turns each name into links with :func:`with_links`: ``opsw.documents`` becomes
  ``[{"kind", "format", "title", "path", "url"}]`` (titles from catalogue/texts.yaml) and ``opsw.documents_note``
  says that a letter is a draft someone can check and that the links expire. The widget shows them as download
  buttons; the text channels (``channels/text_channel.py``) add them to the text as short links.
* **Tokens** (``documents/tokens.py``): conversation id, document and an expiry 24 hours ahead, sealed with
  ``OPSW_DOCUMENT_SECRET`` (the same value on every server of a deployment), else a random per-install secret made
  once in ``var/document_secret``. The conversation id is encrypted: a forwarded link does not reveal it.
* **Route**: opens the token, loads the conversation from the tracker store, rebuilds the file from its slot
  ``dialogue`` (``documents.build``) and sends it; nothing is stored. An expired, changed or foreign token, an
  erased or unknown conversation, or a document that no longer fits the conversation: 404 with an empty body.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

import documents
from documents import tokens
from opschaling.catalogue import load_catalogue

logger = logging.getLogger(__name__)

SECRET_ENV = "OPSW_DOCUMENT_SECRET"
SECRET_FILE = Path(__file__).resolve().parent.parent / "var" / "document_secret"
PUBLIC_URL_ENV = "OPSW_PUBLIC_URL"  # how users reach the Rasa server (the text channels' links)
PATH_PREFIX = "/webhooks/documents"
STATE_SLOT = "dialogue"
MIN_SECRET_CHARS = 16
HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def secret() -> bytes:
    """``OPSW_DOCUMENT_SECRET``, else the per-install secret file (made on first use, mode 0600)."""
    value = os.environ.get(SECRET_ENV, "").strip()
    if value:
        if len(value) < MIN_SECRET_CHARS:
            logger.warning("%s is shorter than %d characters; use a long random value.", SECRET_ENV, MIN_SECRET_CHARS)
        return value.encode("utf-8")
    from channels.sender_ids import _file_secret

    return _file_secret(SECRET_FILE)


def public_url() -> str:
    """The Rasa server as users reach it: ``OPSW_PUBLIC_URL``, else ``http://$OPSW_HOST:$OPSW_RASA_PORT``."""
    url = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if not url:
        url = f"http://{os.environ.get('OPSW_HOST', 'localhost')}:{os.environ.get('OPSW_RASA_PORT', '5005')}"
    return url.rstrip("/")


def today() -> date:
    """Today, or OPSW_TODAY (YYYY-MM-DD) as the action server reads it (actions/turn.py)."""
    fixed = os.environ.get("OPSW_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


def links(conversation: str, kinds: Iterable[Any], now: float | None = None) -> list[dict[str, str]]:
    """The links for the document kinds the dialogue named (unknown names are left out)."""
    catalogue = load_catalogue()
    key = secret()
    out = []
    for kind in kinds:
        for file, title_key in documents.LINKS.get(str(kind), ()):
            token = tokens.seal(key, conversation, file, documents.FILES, now=now)
            path = f"{PATH_PREFIX}/{token}"
            out.append(
                {
                    "kind": str(kind),
                    "format": file.rsplit(".", 1)[1],
                    "title": catalogue.text(title_key),
                    "path": path,
                    "url": public_url() + path,
                }
            )
    return out


def with_links(message: Mapping[str, Any], conversation: str) -> dict[str, Any]:
    """``message`` with the document names of its ``opsw`` turned into links for ``conversation``."""
    opsw = message.get("opsw")
    named = opsw.get("documents") if isinstance(opsw, Mapping) else None
    if not named or not isinstance(named, list) or not all(isinstance(n, str) for n in named):
        return dict(message)
    try:
        made = links(conversation, named)
    except Exception:  # a message is never lost for its links
        logger.exception("document links could not be made")
        made = []
    new_opsw = {k: v for k, v in dict(opsw or {}).items() if k != "documents"}
    if made:
        catalogue = load_catalogue()
        notes = [catalogue.text("doc_links_letter_note")] if set(named) & set(documents.LETTERS) else []
        notes.append(catalogue.text("doc_links_expire", hours=tokens.TTL_SECONDS // 3600))
        new_opsw.update(documents=made, documents_note=" ".join(notes))
    return {**message, "opsw": new_opsw}


def links_text(opsw: Any) -> str:
    """The links of a message as plain lines for a text channel ('' when there are none)."""
    made = opsw.get("documents") if isinstance(opsw, Mapping) else None
    if not made or not all(isinstance(m, Mapping) and m.get("url") for m in made):
        return ""
    catalogue = load_catalogue()
    lines = [catalogue.text("doc_links_text_intro")]
    lines += [f"{m.get('title')}: {m['url']}" for m in made]
    if opsw.get("documents_note"):
        lines.append(str(opsw["documents_note"]))
    return "\n".join(lines)


def _empty_404() -> HTTPResponse:
    return HTTPResponse(status=404, headers={"Cache-Control": "no-store"})


async def conversation_state(app: Any, conversation: str) -> tuple[Any, list[tuple[datetime, Any]]] | None:
    """The conversation's slot ``dialogue`` and its earlier values (time, state), from the tracker store; None when
    the conversation is not there (erased, past the retention period, unknown)."""
    from rasa.shared.core.events import SlotSet

    agent = getattr(getattr(app, "ctx", None), "agent", None)
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return None
    tracker = await store.retrieve(conversation)
    if tracker is None or not tracker.events:
        return None
    history = [
        (datetime.fromtimestamp(event.timestamp), event.value)
        for event in tracker.events
        if isinstance(event, SlotSet) and event.key == STATE_SLOT and isinstance(event.value, dict)
    ]
    return tracker.get_slot(STATE_SLOT), history


class DocumentsInput(InputChannel):
    """The route ``GET /webhooks/documents/<token>`` (no messages come in here)."""

    @classmethod
    def name(cls) -> str:
        return "documents"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        documents_bp = Blueprint("documents_webhook", __name__)

        @documents_bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return HTTPResponse(status=204)

        @documents_bp.route("/<token:str>", methods=["GET"])
        async def document(request: Request, token: str) -> HTTPResponse:
            try:
                grant = tokens.open_token(secret(), token, documents.FILES)
                if grant is None:
                    return _empty_404()
                found = await conversation_state(request.app, grant.conversation)
                if found is None:
                    return _empty_404()
                state, history = found
                # a PDF takes a fraction of a second: built in a worker thread, the server goes on answering
                loop = asyncio.get_running_loop()
                file = await loop.run_in_executor(
                    None, documents.build, grant.document, state, load_catalogue(), today(), history
                )
            except Exception:  # never a 500 page with details
                logger.exception("a document could not be made")
                return _empty_404()
            if file is None:
                return _empty_404()
            disposition = "inline" if file.inline else "attachment"
            headers = {
                "Content-Disposition": f"{disposition}; filename=\"{file.name}\"; filename*=UTF-8''{quote(file.name)}",
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "X-Robots-Tag": "noindex",
            }
            if file.inline:
                headers["Content-Security-Policy"] = HTML_CSP
            return HTTPResponse(body=file.content, status=200, headers=headers, content_type=file.media_type)

        return documents_bp
