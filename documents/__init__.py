"""Documents made from one conversation (issue 16): the case overview, draft letters and the last day in a calendar.

Pure, like ``opschaling``: the dialogue state (slot ``dialogue``), the catalogue and today in; bytes out. Nothing is
stored: the channels link to a document with a short-lived token (``documents.tokens``) and the Rasa server builds
the file again from the conversation's state when the link is opened (``channels/documents.py``).

* ``offer.offered(advice)``: which documents fit an advice (the dialogue names them in ``opsw.documents``);
* ``build(name, state, catalogue, today)``: one file (:data:`FILES`), or None when it does not fit the state (any
  more);
* :data:`LINKS`: per kind, the files a channel links to and the key of their title in catalogue/texts.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from documents.case import Case, case_of
from documents.offer import AGENDA, BEZWAARSCHRIFT, INGEBREKESTELLING, KINDS, OVERZICHT, PRO_FORMA, offered
from opschaling.catalogue import Catalogue

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_TYPES = {
    "docx": DOCX,
    "pdf": "application/pdf",
    "ics": "text/calendar; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
# the files a link can serve: "<kind>.<format>"; the order is part of the token format (documents/tokens.py)
FILES: tuple[str, ...] = (
    "bezwaarschrift.docx",
    "bezwaarschrift.pdf",
    "pro_forma.docx",
    "pro_forma.pdf",
    "ingebrekestelling.docx",
    "ingebrekestelling.pdf",
    "agenda.ics",
    "overzicht.html",
    "overzicht.pdf",
)
# the name a downloaded file gets
DOWNLOAD_NAMES = {
    BEZWAARSCHRIFT: "bezwaarschrift",
    PRO_FORMA: "bezwaarschrift-pro-forma",
    INGEBREKESTELLING: "ingebrekestelling",
    AGENDA: "laatste-dag",
    OVERZICHT: "overzicht-van-uw-situatie",
}
# per kind the dialogue names: (file, key of the link title in catalogue/texts.yaml)
LINKS: Mapping[str, tuple[tuple[str, str], ...]] = {
    BEZWAARSCHRIFT: (("bezwaarschrift.docx", "doc_link_letter_docx"), ("bezwaarschrift.pdf", "doc_link_letter_pdf")),
    PRO_FORMA: (("pro_forma.docx", "doc_link_pro_forma_docx"),),
    INGEBREKESTELLING: (
        ("ingebrekestelling.docx", "doc_link_letter_docx"),
        ("ingebrekestelling.pdf", "doc_link_letter_pdf"),
    ),
    AGENDA: (("agenda.ics", "doc_link_agenda"),),
    OVERZICHT: (("overzicht.html", "doc_link_overview_html"), ("overzicht.pdf", "doc_link_overview_pdf")),
}
LETTERS = (BEZWAARSCHRIFT, PRO_FORMA, INGEBREKESTELLING)


@dataclass(frozen=True)
class File:
    name: str  # the download name, e.g. "bezwaarschrift.docx"
    media_type: str
    content: bytes

    @property
    def inline(self) -> bool:
        """Shown in the browser (the printable overview page) rather than downloaded."""
        return self.name.endswith(".html")


def build(
    name: str,
    state: Mapping[str, Any] | None,
    catalogue: Catalogue,
    today: date,
    history: Iterable[tuple[datetime, Mapping[str, Any] | None]] = (),
) -> File | None:
    """The file ``name`` (one of :data:`FILES`) for this dialogue state, or None when it does not fit it: no letter
    when that letter is not the next step, no calendar file without a last day to come, no overview before the
    conversation says what is going on."""
    if name not in FILES:
        return None
    kind, fmt = name.rsplit(".", 1)
    case = case_of(state, catalogue, today, history)
    content = _content(case, kind, fmt)
    if content is None:
        return None
    return File(f"{DOWNLOAD_NAMES[kind]}.{fmt}", MEDIA_TYPES[fmt], content)


def _content(case: Case, kind: str, fmt: str) -> bytes | None:
    from documents import writers
    from documents.agenda import agenda
    from documents.letter import letter
    from documents.overview import overview

    if kind == AGENDA:
        return agenda(case) if AGENDA in offered(case.advice, case.facts.organisation) else None
    if kind in LETTERS:
        if kind not in offered(case.advice, case.facts.organisation) and kind != PRO_FORMA:
            return None
        doc = letter(case, kind)
    else:
        doc = overview(case)
    if doc is None:
        return None
    if fmt == "docx":
        return writers.to_docx(doc)
    if fmt == "pdf":
        return writers.to_pdf(doc)
    return writers.to_html(doc, hint=case.catalogue.text("overview_print_hint"))


__all__ = ["FILES", "KINDS", "LINKS", "MEDIA_TYPES", "File", "build", "offered"]
