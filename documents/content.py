"""The neutral content of a document: a title and blocks (heading, paragraph, list, fill-in field, small print).

``documents/letter.py`` and ``documents/overview.py`` write it; ``documents/writers.py`` turns it into .docx, PDF
or a printable HTML page. Every Dutch sentence in it comes from ``catalogue/texts.yaml`` or the catalogue itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BLANK = "." * 40  # a place to fill in (name, address, kenmerk): the user types over it
SHORT_BLANK = "." * 20

HEADING = "heading"
PARAGRAPH = "paragraph"
BULLETS = "bullets"
FIELD = "field"  # a label with a line to write on ("Naam: .......")
SMALL = "small"  # small print: the draft note, the sources
SPACE = "space"  # an empty line (room to write, the signature)
PAGE_BREAK = "page_break"  # the rest on a new page (the letter's checklist, not to be sent)


@dataclass(frozen=True)
class Block:
    kind: str
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass
class Doc:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.blocks.append(Block(HEADING, text))

    def para(self, text: str) -> None:
        if text.strip():
            self.blocks.append(Block(PARAGRAPH, text.strip()))

    def bullets(self, items: list[str] | tuple[str, ...]) -> None:
        kept = tuple(i.strip() for i in items if i and i.strip())
        if kept:
            self.blocks.append(Block(BULLETS, items=kept))

    def field(self, label: str, blank: str = BLANK) -> None:
        self.blocks.append(Block(FIELD, f"{label} {blank}".strip()))

    def small(self, text: str) -> None:
        if text.strip():
            self.blocks.append(Block(SMALL, text.strip()))

    def space(self, lines: int = 1) -> None:
        self.blocks.extend(Block(SPACE) for _ in range(lines))

    def page_break(self) -> None:
        self.blocks.append(Block(PAGE_BREAK))

    def text(self) -> str:
        """Everything the document says, as plain text (for tests and the log-free checks)."""
        lines = [self.title]
        for block in self.blocks:
            lines.extend([block.text, *block.items])
        return "\n".join(line for line in lines if line)


_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def plain(markdown: str) -> str:
    """Chat Markdown as document text: **bold** and _italics_ marks dropped, a link as its text; a tel: or mailto:
    link is its text already, a web link keeps its address in brackets."""

    def link(match: re.Match[str]) -> str:
        label, href = match[1], match[2]
        if href.startswith(("tel:", "mailto:")) or href.rstrip("/") in (label, "https://" + label):
            return label
        return f"{label} ({href})"

    text = _LINK.sub(link, markdown)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    return re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"\1", text)
