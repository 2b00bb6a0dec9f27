"""The last day in a calendar: the .ics file read back with icalendar."""

from __future__ import annotations

from datetime import date, timedelta

from documents_testlib import TODAY, bezwaar, ics_event

import documents


def test_the_calendar_file_has_the_last_day_two_reminders_and_what_to_do(catalogue):
    file = documents.build("agenda.ics", bezwaar("ciz", "wlz"), catalogue, TODAY)
    assert file is not None and file.name == "laatste-dag.ics" and file.media_type.startswith("text/calendar")
    event = ics_event(file.content)
    assert event.decoded("dtstart") == date(2026, 12, 15)  # 3 November + 6 weeks, a Tuesday
    assert event.decoded("dtend") == date(2026, 12, 16)  # one all-day event
    assert str(event["summary"]) == "Laatste dag: bezwaar bij het CIZ"
    description = str(event["description"])
    assert "Stuur een bezwaarschrift in het Nederlands naar het CIZ" in description
    assert "info.bezwaarberoep@ciz.nl" in description and "Bron:" in description
    triggers = sorted(alarm.decoded("trigger") for alarm in event.walk("VALARM"))
    # 9:00 a week before and 9:00 the day before the last day (0:00)
    assert triggers == [timedelta(days=-7, hours=9), timedelta(days=-1, hours=9)]
    assert {str(a["action"]) for a in event.walk("VALARM")} == {"DISPLAY"}


def test_the_last_day_follows_the_algemene_termijnenwet(catalogue):
    # 7 November + 6 weeks = Saturday 19 December 2026: the last day is Monday 21 December
    event = ics_event(documents.build("agenda.ics", bezwaar("gemeente", "wmo", "2026-11-07"), catalogue, TODAY).content)
    assert event.decoded("dtstart") == date(2026, 12, 21)
    # 14 November + 6 weeks = Saturday 26 December (Tweede Kerstdag): Monday 28 December
    event = ics_event(documents.build("agenda.ics", bezwaar("gemeente", "wmo", "2026-11-14"), catalogue, TODAY).content)
    assert event.decoded("dtstart") == date(2026, 12, 28)


def test_no_calendar_file_without_a_date(catalogue):
    assert documents.build("agenda.ics", bezwaar("ciz", "wlz", "onbekend"), catalogue, TODAY) is None
    assert documents.build("agenda.ics", bezwaar("cak", "wlz"), catalogue, TODAY) is None  # the CAK's letter has it
