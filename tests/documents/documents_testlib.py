"""Cases for the document tests (tests/documents/): dialogue states as the slot ``dialogue`` holds them, and how to read each file
back with its own library (python-docx, pypdf, icalendar)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

TODAY = date(2026, 12, 1)


def state(**facts: Any) -> dict[str, Any]:
    """A dialogue state with these facts (dates as ISO strings, as the slot keeps them)."""
    return {"facts": {"acute_danger": False, "role": "naaste", "age_group": "volwassene", **facts}}


def bezwaar(organisation: str, law: str, decision_date: str = "2026-11-03", **more: Any) -> dict[str, Any]:
    step = {"ciz": "bezwaar_ciz", "gemeente": "bezwaar_gemeente", "zorgkantoor": "bezwaar_zorgkantoor"}.get(
        organisation, f"bezwaar_{organisation}"
    )
    return state(
        situation="besluit_oneens",
        organisation=organisation,
        law=law,
        decision_date=decision_date,
        steps_tried={step: "nee"},
        **more,
    )


# a woonzorgplek conversation that got stuck: three steps tried without result, the fourth is next
STUCK_WOONZORGPLEK = state(
    situation="geen_plek",
    law="wlz",
    organisation="zorgkantoor",
    consent=True,
    steps_tried={
        "clientondersteuner_wlz": "niet_geholpen",
        "zorgkantoor": "niet_geholpen",
        "regionaal_ketenoverleg_wlz": "niet_geholpen",
        "whole_system_in_the_room": "nee",
    },
)


def docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def ics_event(content: bytes) -> Any:
    from icalendar import Calendar

    calendar = Calendar.from_ical(content)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    return events[0]


def flat(text: str) -> str:
    """Text with every run of white space as one space (PDF lines break anywhere)."""
    return " ".join(text.split())
