"""The Algemene termijnenwet (reference §22) in the deadlines and in what the user reads: a term of the law that
ends on a Saturday, Sunday or holiday runs on to the next working day; today as the last day; a passed bezwaar
term with what can still be done (Awb 6:11, reference §23)."""

from __future__ import annotations

from datetime import date

import pytest

from opschaling import deadlines, render
from opschaling.catalogue import load_catalogue
from opschaling.engine import advise
from opschaling.facts import CaseFacts

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("day", "what"),
    [
        (date(2026, 12, 5), "zaterdag"),
        (date(2026, 12, 6), "zondag"),
        (date(2027, 1, 1), "Nieuwjaarsdag"),
        (date(2027, 3, 26), "Goede Vrijdag"),
        (date(2027, 3, 29), "Tweede paasdag"),
        (date(2027, 4, 27), "Koningsdag"),
        (date(2027, 5, 5), "Bevrijdingsdag"),  # every year, not only every fifth
        (date(2027, 5, 6), "Hemelvaartsdag"),
        (date(2027, 5, 17), "Tweede Pinksterdag"),
        (date(2026, 12, 25), "Eerste Kerstdag"),
    ],
)
def test_rest_days_of_the_termijnenwet(day, what):
    assert deadlines.rest_day(day) == what


@pytest.mark.parametrize("day", [date(2026, 12, 7), date(2027, 5, 7), date(2027, 3, 30), date(2026, 12, 24)])
def test_working_days_are_no_rest_days(day):
    assert deadlines.rest_day(day) is None
    assert deadlines.next_working_day(day) == day


def test_workdays_skip_holidays_and_months_end_at_the_end_of_a_short_month():
    assert deadlines.add_term(date(2026, 12, 24), 1, "workdays") == date(2026, 12, 28)
    assert deadlines.add_term(date(2027, 1, 31), 1, "months") == date(2027, 2, 28)


def _advice(decision_date: str, role: str = "client"):
    facts = CaseFacts.from_slots(
        {
            "situation": "besluit_oneens",
            "organisation": "gemeente",
            "decision_date": decision_date,
            "role": role,
            "steps_tried": {"bezwaar": "nee"},
        },
        today=TODAY,
    )
    catalogue = load_catalogue()
    return advise(facts, catalogue), catalogue, facts


def _term(advice):
    return next(d for d in advice.step.deadlines if d.id == "bezwaar_indienen")


def test_a_term_ending_on_sunday_runs_on_to_monday_and_says_why():
    advice, catalogue, facts = _advice("2026-10-25")
    term = _term(advice)
    assert (term.moved_from, term.due) == (date(2026, 12, 6), date(2026, 12, 7))
    text = render.advice_text(advice, catalogue, facts)
    assert "maandag 7 december 2026" in text and "zondag" in text
    assert "Algemene_termijnenwet" in text  # its source is cited next to the step's own


def test_the_last_day_today_is_said_as_today():
    catalogue = load_catalogue()
    facts = CaseFacts.from_slots(
        {
            "situation": "besluit_oneens",
            "organisation": "gemeente",
            "decision_date": "2026-10-26",
            "steps_tried": {"bezwaar": "nee"},
        },
        today=date(2026, 12, 7),  # six weeks after 26 October: Monday 7 December
    )
    advice = advise(facts, catalogue)
    assert _term(advice).last_day_today
    assert "Vandaag is de laatste dag" in render.advice_text(advice, catalogue, facts)


def test_a_passed_bezwaar_term_says_what_can_still_be_done_with_its_source():
    advice, catalogue, facts = _advice("2026-09-01")
    assert _term(advice).passed
    short = render.advice_text(advice, catalogue, facts)
    assert "13 oktober 2026" in short and "Stuur het toch" in short and "pgawb.nl" in short
    full = render.deadline_text(advice, catalogue, facts)
    assert "waarom het te laat is" in full and "Juridisch Loket" in full and "pgawb.nl" in full


def test_the_term_is_one_tap_away_when_the_user_has_one():
    advice, _, _ = _advice("2026-11-20")
    assert '/detail{"onderwerp":"termijn"}' in [b["payload"] for b in render.advice_buttons(advice)]
