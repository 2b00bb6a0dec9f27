"""Plain-text formatting for SMS, WhatsApp and Telegram (no Rasa import).

The responses are written for the web chat, which renders Markdown. Channels
that show raw text get readable text instead:

* ``[Het Juridisch Loket](https://www.juridischloket.nl)`` becomes
  ``Het Juridisch Loket (https://www.juridischloket.nl)``; a label that already is the address
  (``[info@ciz.nl](mailto:info@ciz.nl)``, ``[112](tel:112)``) is shown once; a link to anything
  but http(s), tel: or mailto: (``javascript:``, a relative path, a target with a space) shows
  its label only, as in the widget;
* ``**vet**`` becomes ``*vet*`` on WhatsApp (its own bold) and ``vet`` elsewhere (``__x__`` is
  not bold: ``__init__`` stays text, as in the widget);
* ``## Kop`` becomes ``Kop``;
* ``_cursief_`` becomes ``cursief`` (WhatsApp keeps it: it shows italics).

The dialect and the cases both parsers must agree on: docs/markdown.md and
tests/fixtures/markdown_cases.yaml.

Long messages are split at paragraph, line or word boundaries to fit the
channel's limit (Twilio: 1600 characters, Telegram: 4096).
"""

import re

STYLE_PLAIN = "plain"
STYLE_WHATSAPP = "whatsapp"

TWILIO_MAX_CHARS = 1600
TELEGRAM_MAX_CHARS = 4096

# [label](target): a label may hold one level of [brackets], a target one level of (parentheses)
_LINK_RE = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])+)\]\(((?:[^()\n]|\([^()\n]*\))*)\)")
# the link targets a reader may follow (the widget makes the same ones clickable)
_HTTP_RE = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TEL_RE = re.compile(r"tel:\+?[0-9][0-9()-]*", re.IGNORECASE)
_MAILTO_RE = re.compile(r"mailto:[^\s<>\"'`]+@[^\s<>\"'`]+", re.IGNORECASE)
_BOLD_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_HEADING_RE = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)
# _cursief_ (not inside words or URLs such as a_b_c)
_ITALIC_RE = re.compile(r"(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)")


def _link(match: "re.Match[str]") -> str:
    label, url = match.group(1).strip(), match.group(2).strip()
    if _HTTP_RE.fullmatch(url):
        if label == url or label.rstrip("/") == url.rstrip("/"):
            return url
        return f"{label} ({url})"
    if _TEL_RE.fullmatch(url) or _MAILTO_RE.fullmatch(url):
        address = url.split(":", 1)[1]
        digits = re.sub(r"[^\d+]", "", label)
        if label == address or (url.lower().startswith("tel:") and digits == re.sub(r"[^\d+]", "", address)):
            return label  # "0800-0113" for tel:08000113: the same number, shown once as written
        return f"{label} ({address})"
    return label  # not an address a reader can use (javascript:, a path, a space in it)


def to_plain_text(text: str, style: str = STYLE_PLAIN) -> str:
    """Markdown as used in the responses, rewritten for a raw-text channel."""
    if not text:
        return text
    text = _LINK_RE.sub(_link, text)
    bold = r"*\1*" if style == STYLE_WHATSAPP else r"\1"
    text = _BOLD_RE.sub(bold, text)
    text = _HEADING_RE.sub("", text)
    if style != STYLE_WHATSAPP:  # WhatsApp shows _cursief_ itself
        text = _ITALIC_RE.sub(r"\1", text)
    return text


def _split_words(text: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for word in text.split(" "):
        while len(word) > limit:  # a single very long word (a URL): hard cut
            if current:
                chunks.append(current)
                current = ""
            chunks.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = word
    if current:
        chunks.append(current)
    return chunks


def split_long_text(text: str, limit: int) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` characters.

    Prefers paragraph breaks, then line breaks, then spaces. Text that fits is
    returned as one part, unchanged.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    for separator in ("\n\n", "\n"):
        pieces = text.split(separator)
        if len(pieces) > 1:
            parts: list[str] = []
            current = ""
            for piece in pieces:
                candidate = f"{current}{separator}{piece}" if current else piece
                if len(candidate) <= limit:
                    current = candidate
                    continue
                if current:
                    parts.append(current)
                if len(piece) <= limit:
                    current = piece
                else:
                    sub = split_long_text(piece, limit)
                    parts.extend(sub[:-1])
                    current = sub[-1] if sub else ""
            if current:
                parts.append(current)
            return [p.strip() for p in parts if p.strip()]
    return _split_words(text, limit)
