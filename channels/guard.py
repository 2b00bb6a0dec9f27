"""The channel guard: one wrapper around ``on_new_message`` for every input channel.

Every input channel of this project (``channels.rest.RestInput``, ``channels.socketio.SocketIOInput``,
``channels.callback.CallbackInput``, Telegram, Twilio) calls ``wrap(on_new_message)`` in its
``blueprint``; so each user message passes :meth:`Guard.handle` BEFORE Rasa sees it (before NLU,
the tracker store and Rasa's logs). In this order:

1. **sender id**: a string of at most 128 characters ``[A-Za-z0-9_.:+@=-]``; else a Dutch answer. A sender id
   that holds a personal identifier (an e-mail address, phone number, BSN or IBAN:
   :func:`channels.privacy.identifier_kinds`, e.g. a REST ``"sender": "0612345678"``) is replaced by a keyed hash
   ``anon-<32 hex>`` (:mod:`channels.sender_ids`, the secret of the text channels) before Rasa sees it, so the
   tracker store (its ``sender_id`` column) and Rasa's log never hold it. The same id always gets the same hash,
   so the conversation goes on; answers go back to the channel under the id the client sent.
2. **text**: not a string / empty / only spaces or control characters → a Dutch answer. Lone
   surrogates, control and bidi/zero-width characters are removed, the text is NFC-normalised.
3. **bound**: longer than ``OPSW_MAX_MESSAGE_CHARS`` (default 4000) → not passed on; Dutch answer
   "Uw bericht is te lang (N tekens). ...".
4. **rate limit** per conversation: ``OPSW_RATE_LIMIT`` "20/10" (20 messages per 10 seconds).
5. **erase**: "verwijder mijn gesprek" / "wis mijn gegevens" → the conversation is deleted from the
   SQL tracker store (``OPSW_TRACKER_DB_URL``, :func:`channels.erase.erase_conversation`) or the
   in-memory store, and the user is told so. The message itself is not stored.
6. **payloads**: a text starting with "/" is a payload only when it equals a payload of the
   buttons the bot offered in its last turn to this sender (kept in memory from the output side;
   after a restart read from the tracker), or one of the widget's fixed buttons
   (:data:`FIXED_PAYLOADS`), or a choice ``channels.choice`` resolved against the tracker's buttons
   (Telegram/Twilio ``numbered_choice``). Anything else is passed on as text, wrapped in double quotes:
   ``/inform{"instantie":"cak"}`` → ``"/inform{"instantie":"cak"}"``; Rasa only treats a text that
   starts with "/" as an intent payload, and strips spaces (not quotes) first.
7. **runs and mask**: runs of punctuation and symbols are bounded (:func:`bound_runs`: more than 16 of one mark in
   a row → 16, a space after every 64 characters of a longer run; spaCy's tokenizer is quadratic in such a run), then
   :func:`channels.privacy.mask` (BSN, phone, e-mail, IBAN, postcode, date of birth, names, street addresses). The
   bounded, masked text is what Rasa, its tracker store and the staff see; a payload of the bot's own buttons passes
   as offered. The kinds masked go along as ``metadata["opsw_masked"]``.
8. **metadata**: only ``trace`` (boolean) and the Telegram/Twilio ``numbered_choice`` are kept.
9. **document links**: the documents a bot message names (``opsw.documents``, issue 16) become short-lived links for
   this conversation (:func:`channels.documents.with_links`) on the way out, where the conversation id is known.
10. **never silent**: when the wrapped call sent no bot message (action server down, an exception),
   the static response ``utter_service_down`` is sent (from the model's domain, else domain.yml,
   else :data:`SERVICE_DOWN_TEXT`).
11. **not saved**: when the tracker store could not save (or read) the conversation, also after one retry
   (:mod:`deploy.tracker_store`, the store of endpoints.yml), the notice ``store_failed`` of catalogue/texts.yaml
   follows the answer (``opsw.kind`` "error"); the store has logged an ERROR.

Telegram and Twilio pass on a conversation id, not the chat id or phone number
(:mod:`channels.sender_ids`). :func:`channel_blueprint` gives every channel's blueprint the guard
and the ``GET /`` health check.

Importing this module installs the log scrubber (``channels.logfilter``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time
import unicodedata
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import documents, logfilter, privacy
from channels.erase import erase_conversation
from channels.sender_ids import AddressBook
from deploy import tracker_store
from opschaling.catalogue import load_catalogue
from opschaling.safety_rules import remove_invisible

logger = logging.getLogger(__name__)
logfilter.install()

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_MAX_CHARS = 4000
# Runs of punctuation and symbols without a space are bounded before the NLU (:func:`bound_runs`): spaCy's tokenizer
# splits them off a word one character at a time, in time quadratic in the run (issue 17's second probe: 4,000 x "$"
# held the Rasa server's event loop 3 s). With these bounds its work is linear in the message.
MAX_SAME_SYMBOL = 16  # more of one punctuation mark or symbol in a row are cut to 16 ("!!!", "...", "---" stay)
MAX_SYMBOL_RUN = 64  # a longer run of punctuation and symbols without a space gets a space after every 64 characters
SYMBOL_RUN_GAP = 2  # letters or digits that do not end a run between two symbols: spaCy's prefixes "US$", "C$"
MAX_SENDER_CHARS = 128
PSEUDONYM_CHANNEL = "anon"  # conversation id of a sender id with an identifier: "anon-<32 hex>"
SENDER_RE = re.compile(r"^[A-Za-z0-9_.:+@=\-]{1,128}$")
FIXED_PAYLOADS = frozenset(
    {
        "/restart",
        "/human_handoff",
        '/feedback{"feedback":"up"}',
        '/feedback{"feedback":"down"}',
        "/greet",  # Telegram's /start (channels.telegram)
    }
)
MAX_SENDERS_REMEMBERED = 10000
ALLOWED_METADATA = ("trace", "numbered_choice", "feedback_for")
MAX_FEEDBACK_COMMENT = 500

# --- Dutch answers ----------------------------------------------------------------------------
TOO_LONG_TEXT = "Uw bericht is te lang ({n} tekens). Schrijf het in kortere stukken van hoogstens {max} tekens."
EMPTY_TEXT = "Ik heb geen tekst ontvangen. Typ uw vraag in een paar woorden."
NOT_TEXT = "Ik kan alleen tekst lezen. Typ uw vraag in een paar woorden."
BAD_SENDER_TEXT = "Dit gesprek heeft een ongeldige naam. Herlaad de pagina en probeer het opnieuw."
RATE_TEXT = "U stuurt veel berichten kort na elkaar. Wacht even en stuur dan uw vraag opnieuw."
ERASED_TEXT = (
    "Uw gesprek is verwijderd. Ik heb niets meer bewaard van wat u schreef. U kunt opnieuw beginnen als u wilt."
)
ERASE_FAILED_TEXT = "Het verwijderen van uw gesprek is nu niet gelukt. Probeer het later opnieuw."
SERVICE_DOWN_TEXT = (
    "Er ging iets mis aan mijn kant. Ik kan u nu geen advies geven. "
    "Is er direct gevaar? Bel 112. Denkt u aan zelfdoding? Bel 113 of 0800-0113 (gratis, dag en nacht). "
    "Wilt u met een mens praten? Vraag een cliëntondersteuner via uw gemeente of zorgkantoor. "
    "Probeer het later nog eens."
)

_ERASE_WHAT = r"(?:mijn|dit|het|ons|al\s+mijn)\s+(?:gesprek(?:ken)?|gegevens|chat|data|berichten)"
_PLEASE = r"(?:\s+(?:alsjeblieft|alstublieft|graag|aub|a\.u\.b\.?))?"
ERASE_RE = re.compile(
    # "verwijder mijn gesprek", "wis mijn gegevens", "wis alles"
    rf"^\s*(?:(?:graag\s+|wil\s+je\s+|kunt\s+u\s+|kun\s+je\s+)?(?:verwijder|wis|vergeet)\s+{_ERASE_WHAT}"
    r"|wis\s+alles"
    # "Kunt u mijn gesprek verwijderen?", "wilt u mijn gegevens wissen"
    rf"|(?:kunt\s+u|kun\s+je|wilt\s+u|wil\s+je)\s+{_ERASE_WHAT}\s+(?:verwijderen|wissen)"
    # "ik wil dat je mijn gegevens wist", "ik wil mijn gesprek verwijderen"
    rf"|ik\s+wil\s+(?:graag\s+)?(?:dat\s+(?:je|u|jullie)\s+)?{_ERASE_WHAT}\s+(?:verwijdert|verwijderen|wist|wissen))"
    rf"{_PLEASE}\s*[.!?]?\s*$",
    re.IGNORECASE,
)

_INVISIBLE = dict.fromkeys(
    [c for c in range(0x20) if c not in (0x09, 0x0A)]
    + [0x7F]
    + list(range(0x80, 0xA0))
    + [0x200B, 0x200C, 0x200E, 0x200F, 0x2028, 0x2029, 0xFEFF]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, "") or default)
        return value if value > 0 else default
    except ValueError:
        return default


def _env_rate(value: str | None) -> tuple[int, float]:
    try:
        count, seconds = (value or "20/10").split("/", 1)
        return max(1, int(count)), max(0.001, float(seconds))
    except ValueError:
        return 20, 10.0


def valid_sender(sender_id: Any) -> bool:
    return isinstance(sender_id, str) and bool(SENDER_RE.match(sender_id))


def clean_text(text: str) -> str:
    """Lone surrogates, control, bidi, zero-width and other invisible format characters removed (the same set the
    danger reading removes: ``opschaling.safety_rules.remove_invisible``); NFC; ``\\r\\n`` → ``\\n``."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        text = text.replace("\ufffd", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = remove_invisible(text.translate(_INVISIBLE))
    return unicodedata.normalize("NFC", text)


_SAME_SYMBOL_RE = re.compile(rf"([^\w\s]|_)\1{{{MAX_SAME_SYMBOL},}}")


def _is_symbol(ch: str) -> bool:
    """Punctuation, a symbol, an emoji or "_": not a letter, digit, combining mark or white space."""
    if ch.isalnum() or ch.isspace():
        return False
    return ch.isascii() or not unicodedata.category(ch).startswith("M")


def bound_runs(text: str) -> str:
    """The text with its runs of punctuation and symbols bounded, so spaCy's tokenizer does linear work on it.

    1. More than :data:`MAX_SAME_SYMBOL` of one punctuation mark or symbol in a row become that many
       (4,000 x "$" → 16 x "$"; "!!!", "...", "???", "-----" stay).
    2. A run of punctuation and symbols without white space (one or two letters or digits between two symbols do not
       end it: "US$US$...") longer than :data:`MAX_SYMBOL_RUN` gets a space after every ``MAX_SYMBOL_RUN`` characters,
       put after a symbol ("([{" x 1,333 → pieces of 64 characters).

    Ordinary text passes unchanged: words, URLs, e-mail addresses, dates ("03-03-2026"), emoticons (":-)",
    "¯\\_(ツ)_/¯"), Markdown, a few emoji. Linear: one regex with a single quantifier, then one pass."""
    if len(text) <= MAX_SAME_SYMBOL:
        return text
    text = _SAME_SYMBOL_RE.sub(lambda m: m.group(1) * MAX_SAME_SYMBOL, text)
    if len(text) <= MAX_SYMBOL_RUN:
        return text
    out: list[str] = []
    run = 0  # characters of the current run since it began or since the last space put in
    gap = SYMBOL_RUN_GAP + 1  # letters, digits or marks since the last symbol (more than the gap: no run)
    for ch in text:
        if _is_symbol(ch):
            if gap > SYMBOL_RUN_GAP:
                run = 1  # a new run
            elif run + gap + 1 > MAX_SYMBOL_RUN:
                out.insert(len(out) - gap, " ")  # after the run's last symbol, before the letters after it
                run = gap + 1
            else:
                run += gap + 1
            gap = 0
        elif ch.isspace():
            run, gap = 0, SYMBOL_RUN_GAP + 1
        else:
            gap += 1
        out.append(ch)
    return "".join(out)


def quote_payload(text: str) -> str:
    """A typed "/..." text as plain text for Rasa (not an intent payload)."""
    return f'"{text}"'


def is_erase_request(text: str) -> bool:
    return bool(ERASE_RE.match(text))


class GuardedOutput(OutputChannel):
    """Wraps the channel's output: counts bot messages, remembers the buttons offered, and sends the answers
    for the conversation ``sender_id`` to ``address``, the id the channel knows (they differ when the guard
    replaced a sender id with an identifier by its hash)."""

    def __init__(self, inner: OutputChannel, guard: Guard, sender_id: str, address: str | None = None) -> None:
        self.inner = inner
        self.guard = guard
        self.sender_id = sender_id
        self.address = address if address is not None else sender_id
        self.count = 0
        self._turn_payloads: list[str] = []

    def name(self) -> str:
        return self.inner.name()

    @property
    def messages(self) -> Any:  # CollectingOutputChannel users (Rasa's processor)
        return getattr(self.inner, "messages", [])

    def __getattr__(self, item: str) -> Any:
        return getattr(self.inner, item)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.count += 1
        for key in ("buttons", "quick_replies"):
            for button in message.get(key) or []:
                if isinstance(button, dict) and isinstance(button.get("payload"), str):
                    self._turn_payloads.append(button["payload"].strip())
        self.guard.remember_offered(self.sender_id, self._turn_payloads)
        if isinstance(message.get("opsw"), dict) and message["opsw"].get("documents"):
            # the documents the dialogue named, as links for this conversation (channels/documents.py)
            message = documents.with_links(message, self.sender_id)
        await self.inner.send_response(self.address if recipient_id == self.sender_id else recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, **kwargs})


class Guard:
    """State shared by all channels of one server: offered payloads, rate windows."""

    def __init__(
        self,
        max_chars: int | None = None,
        rate: tuple[int, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        db_url: str | None = None,
    ) -> None:
        self.max_chars = max_chars or _env_int("OPSW_MAX_MESSAGE_CHARS", DEFAULT_MAX_CHARS)
        self.rate = rate or _env_rate(os.environ.get("OPSW_RATE_LIMIT"))
        self.clock = clock
        self.db_url = db_url if db_url is not None else os.environ.get("OPSW_TRACKER_DB_URL")
        self.app: Any = None  # the Sanic app (set by the channels' blueprints)
        self._offered: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self._windows: OrderedDict[str, deque[float]] = OrderedDict()
        self._service_down: dict[str, Any] | None = None
        self._pseudonyms = AddressBook(PSEUDONYM_CHANNEL)

    # --- conversation ids -----------------------------------------------------------------
    def conversation_id(self, sender_id: str) -> str:
        """The id Rasa gets for ``sender_id``: the id itself, or its keyed hash ``anon-<32 hex>`` when it holds a
        personal identifier (see the module doc). Raises when the secret cannot be read or made."""
        if not privacy.identifier_kinds(sender_id):
            return sender_id
        return self._pseudonyms.conversation_id(sender_id)

    # --- memory ---------------------------------------------------------------------------
    def remember_offered(self, sender_id: str, payloads: list[str]) -> None:
        self._offered[sender_id] = tuple(payloads)
        self._offered.move_to_end(sender_id)
        while len(self._offered) > MAX_SENDERS_REMEMBERED:
            self._offered.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        self._offered.pop(sender_id, None)
        self._windows.pop(sender_id, None)

    def _rate_ok(self, sender_id: str) -> bool:
        count, seconds = self.rate
        now = self.clock()
        window = self._windows.get(sender_id)
        if window is None:
            window = deque()
            self._windows[sender_id] = window
        self._windows.move_to_end(sender_id)
        while len(self._windows) > MAX_SENDERS_REMEMBERED:
            self._windows.popitem(last=False)
        while window and now - window[0] >= seconds:
            window.popleft()
        if len(window) >= count:
            return False
        window.append(now)
        return True

    def _agent(self) -> Any:
        app = self.app
        ctx = getattr(app, "ctx", None)
        return getattr(ctx, "agent", None)

    async def _offered_from_tracker(self, sender_id: str) -> tuple[str, ...]:
        agent = self._agent()
        store = getattr(agent, "tracker_store", None)
        if store is None:
            return ()
        try:
            tracker = await store.retrieve(sender_id)
        except Exception:
            logger.debug("tracker lookup for offered buttons failed", exc_info=True)
            return ()
        if tracker is None:
            return ()
        payloads: list[str] = []
        for event in reversed(list(tracker.events)):
            data = event.as_dict()
            if data.get("event") == "user":
                break
            if data.get("event") == "bot":
                for button in (data.get("data") or {}).get("buttons") or []:
                    if isinstance(button, dict) and isinstance(button.get("payload"), str):
                        payloads.append(button["payload"].strip())
        return tuple(payloads)

    async def feedback_payload(self, text: str) -> str | None:
        """The widget's 👍/👎 with an optional comment: ``/feedback{"feedback": "down", "comment": "…"}``.
        Only these two keys, a known value and a comment of at most 500 characters (masked like any user text)
        are accepted; the payload is written back compactly. None for anything else."""
        if not text.startswith("/feedback{"):
            return None
        try:
            data = json.loads(text[len("/feedback") :])
        except ValueError:
            return None
        if (
            not isinstance(data, dict)
            or set(data) - {"feedback", "comment"}
            or data.get("feedback") not in ("up", "down")
        ):
            return None
        comment = data.get("comment")
        if comment is not None:
            if not isinstance(comment, str) or len(comment) > MAX_FEEDBACK_COMMENT:
                return None
            comment = (await self._mask(bound_runs(comment)))[0] if comment.strip() else None
        out = {"feedback": data["feedback"], **({"comment": comment} if comment else {})}
        return "/feedback" + json.dumps(out, ensure_ascii=False, separators=(",", ":"))

    async def is_trusted_payload(self, sender_id: str, text: str) -> bool:
        if text in FIXED_PAYLOADS:
            return True
        if sender_id in self._offered:
            return text in self._offered[sender_id]
        return text in await self._offered_from_tracker(sender_id)

    # --- answers --------------------------------------------------------------------------
    def service_down(self) -> dict[str, Any]:
        if self._service_down is None:
            self._service_down = self._load_service_down()
        return dict(self._service_down)

    def _load_service_down(self) -> dict[str, Any]:
        variations = None
        agent = self._agent()
        domain = getattr(agent, "domain", None)
        if domain is not None:
            variations = (getattr(domain, "responses", None) or {}).get("utter_service_down")
        if not variations:
            try:
                import yaml

                data = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")) or {}
                variations = (data.get("responses") or {}).get("utter_service_down")
            except Exception:  # noqa: BLE001
                variations = None
        if variations and isinstance(variations[0], dict) and variations[0].get("text"):
            first = variations[0]
            message: dict[str, Any] = {"text": first["text"]}
            if first.get("buttons"):
                message["buttons"] = list(first["buttons"])
            return message
        return {"text": SERVICE_DOWN_TEXT}

    @staticmethod
    def store_failed_text() -> str:
        """The notice after a message the tracker store did not keep (catalogue/texts.yaml)."""
        try:
            catalogue = load_catalogue()
            return catalogue.text("store_failed")
        except Exception:  # the user is told something in any case
            logger.exception("catalogue/texts.yaml not read for the store notice")
            return SERVICE_DOWN_TEXT

    @staticmethod
    async def reply(
        output: OutputChannel,
        sender_id: Any,
        text: str,
        kind: str = "notice",
        buttons: list[dict[str, Any]] | None = None,
    ) -> None:
        message: dict[str, Any] = {"text": text, "opsw": {"kind": kind, "feedback": False}}
        if buttons:
            message["buttons"] = buttons
        try:
            await output.send_response(str(sender_id)[:MAX_SENDER_CHARS], message)
        except Exception:
            logger.exception("could not send the guard's answer")

    # --- the wrapper ----------------------------------------------------------------------
    async def _erase(self, sender_id: str) -> bool:
        agent = self._agent()
        store = getattr(agent, "tracker_store", None)
        inner = getattr(store, "_tracker_store", store)  # Rasa's FailSafeTrackerStore
        ok = False
        try:
            if inner is not None and hasattr(inner, "store") and isinstance(inner.store, dict):
                inner.store.pop(sender_id, None)  # InMemoryTrackerStore
                ok = True
            url = self.db_url
            engine = getattr(inner, "engine", None)
            if engine is not None:
                url = engine.url.render_as_string(hide_password=False)
            if url:
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, erase_conversation, url, sender_id)
                ok = True
        except Exception:
            logger.exception("erasing a conversation failed")
            return False
        self.forget(sender_id)
        return ok

    @staticmethod
    def _metadata(metadata: Any, kinds: list[str]) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        if isinstance(metadata, dict):
            if isinstance(metadata.get("trace"), bool):
                out["trace"] = metadata["trace"]
            if isinstance(metadata.get("numbered_choice"), dict):
                out["numbered_choice"] = metadata["numbered_choice"]
            about = metadata.get("feedback_for")
            if (
                isinstance(about, dict)
                and isinstance(about.get("answer"), int)
                and isinstance(about.get("text", ""), str)
            ):
                out["feedback_for"] = {
                    "answer": about["answer"],
                    "text": privacy.mask_quick(str(about.get("text", ""))[:200])[0],
                }
        if kinds:
            out["opsw_masked"] = sorted(set(kinds))
        return out or None

    async def handle(self, message: UserMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> str:
        """Check, clean and pass on one message; returns what happened (for tests and logs):
        ``passed``, ``service_down``, ``not_saved`` (the store failed) or the reason it was answered by the guard."""
        output = message.output_channel
        sender_id = message.sender_id
        text = message.text
        if not valid_sender(sender_id):
            await self.reply(output, sender_id, BAD_SENDER_TEXT, "error")
            return "bad_sender"
        try:
            conversation = self.conversation_id(sender_id)
        except Exception:  # the secret could not be read: never pass the identifier on instead
            logger.exception("no conversation id for a sender id with an identifier")
            down = self.service_down()
            await self.reply(output, sender_id, down["text"], "error", down.get("buttons"))
            return "service_down"
        if not isinstance(text, str):
            await self.reply(output, sender_id, NOT_TEXT, "error")
            return "not_text"
        if len(text) > self.max_chars:
            await self.reply(output, sender_id, TOO_LONG_TEXT.format(n=len(text), max=self.max_chars))
            return "too_long"
        text = clean_text(text).strip()
        if not text:
            await self.reply(output, sender_id, EMPTY_TEXT)
            return "empty"
        if not self._rate_ok(conversation):
            await self.reply(output, sender_id, RATE_TEXT)
            return "rate_limited"
        if is_erase_request(text):
            if await self._erase(conversation):
                await self.reply(output, sender_id, ERASED_TEXT, "info")
                return "erased"
            await self.reply(output, sender_id, ERASE_FAILED_TEXT, "error")
            return "erase_failed"

        kinds: list[str] = []
        if text.startswith("/"):
            # Telegram/Twilio: channels.choice mapped a typed number or keyboard label to a payload
            # of buttons the bot showed (read from the tracker; the key only comes from our code,
            # REST and socket.io drop every metadata key but "trace").
            chosen = isinstance(message.metadata, dict) and isinstance(message.metadata.get("numbered_choice"), dict)
            feedback = await self.feedback_payload(text)
            if feedback is not None:
                masked = feedback
            elif chosen or await self.is_trusted_payload(conversation, text):
                masked = text  # a payload of our own buttons, as offered
            else:
                masked, kinds = await self._mask(quote_payload(bound_runs(text)))
        else:
            masked, kinds = await self._mask(bound_runs(text))
        logfilter.register_user_text(message.text)
        logfilter.register_user_text(masked)

        guarded = GuardedOutput(output, self, conversation, address=sender_id)
        self.remember_offered(conversation, [])  # a new turn: only this turn's buttons count
        new_message = UserMessage(
            masked,
            guarded,
            conversation,
            input_channel=message.input_channel,
            message_id=message.message_id,
            metadata=self._metadata(message.metadata, kinds),
        )
        with tracker_store.watch() as store_failures:
            try:
                await on_new_message(new_message)
            except Exception as error:
                logger.error("handling a message failed: %s", type(error).__name__)
                logger.debug("handling a message failed", exc_info=True)
        outcome = "passed"
        if guarded.count == 0:
            down = self.service_down()
            await self.reply(guarded, sender_id, down["text"], "error", down.get("buttons"))
            outcome = "service_down"
        if store_failures:  # the answer was given but not kept: say so (the store logged the error)
            await self.reply(guarded, sender_id, self.store_failed_text(), "error")
            outcome = "not_saved"
        return outcome

    async def _mask(self, text: str) -> tuple[str, list[str]]:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(None, privacy.mask, text)
        except Exception:
            logger.exception("masking failed; quick masking only")
            return privacy.mask_quick(text)

    def wrap(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
        async def guarded_on_new_message(message: UserMessage) -> Any:
            return await self.handle(message, on_new_message)

        guarded_on_new_message.__wrapped__ = on_new_message  # type: ignore[attr-defined]
        return guarded_on_new_message

    def attach(self, blueprint: Any) -> None:
        """Let the guard find the agent (tracker store, domain) and warm up deduce at start-up."""

        @blueprint.listener("after_server_start")
        async def _guard_started(app: Any, loop: Any) -> None:
            self.app = app
            asyncio.get_running_loop().run_in_executor(None, privacy.warm_up)


GUARD = Guard()


def wrap(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    """``on_new_message`` behind the process-wide guard :data:`GUARD`."""
    return GUARD.wrap(on_new_message)


BlueprintT = TypeVar("BlueprintT", bound=Blueprint)


def channel_blueprint(blueprint: BlueprintT) -> BlueprintT:
    """A channel's blueprint with the guard attached (:meth:`Guard.attach`) and ``GET /``
    answering ``{"status": "ok"}`` (as Rasa's channels do)."""
    GUARD.attach(blueprint)

    @blueprint.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    return blueprint
