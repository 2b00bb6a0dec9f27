"""The last day of a term as a calendar file (.ics, RFC 5545, written with the ``icalendar`` package).

One all-day event on the last day (opschaling/deadlines.py: moved on by the Algemene termijnenwet when it falls on
a Saturday, Sunday or holiday), with what to do in the description and two reminders: a week before and the day
before, each at 9:00. The event's id is derived from the step and the date only: nothing of the conversation.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta, timezone

from documents.case import Case
from documents.content import plain
from opschaling import render

# reminders before the start of the all-day event (0:00 on the last day): 9:00 seven days and one day before
REMINDERS = (
    ("agenda_reminder_week", timedelta(days=-7, hours=9)),
    ("agenda_reminder_day", timedelta(days=-1, hours=9)),
)


def agenda(case: Case) -> bytes | None:
    """The .ics file of the next step's last day, or None when the step has no last day still to come."""
    from icalendar import Alarm, Calendar, Event

    deadline = case.user_deadline
    step = case.advice.step
    if step is None or deadline is None or deadline.due is None or deadline.passed:
        return None
    text = case.catalogue.text
    label = step.body.short_label
    how = " ".join(
        p
        for p in (
            render.sentences(str(step.body.contact.get("how") or ""), 2),
            plain(render.contact_sentence(step.body)) if step.body.contact.get("how") else "",
        )
        if p
    )
    description = render.address(text("agenda_description", step=label, how=how), case.facts)
    sources = " ".join(f"Bron: {case.catalogue.cite(r)}." for r in dict.fromkeys(deadline.references))

    calendar = Calendar()
    calendar.add("prodid", "-//Opschalingswijzer//Termijn//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{uuid.uuid5(uuid.NAMESPACE_URL, f'opsw:{step.id}:{deadline.id}:{deadline.due}')}@opsw")
    event.add("dtstamp", datetime.combine(case.today, time(0), tzinfo=timezone.utc))
    event.add("dtstart", deadline.due)
    event.add("dtend", deadline.due + timedelta(days=1))
    event.add("summary", render.address(text("agenda_summary", step=label), case.facts))
    event.add("description", f"{description}\n\n{sources}".strip())
    event.add("transp", "TRANSPARENT")
    for key, before in REMINDERS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", render.address(text(key, step=label), case.facts))
        alarm.add("trigger", before)
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
