"""Dates, ages, yes/no, step answers and keywords typed as free text (opschaling.understand)."""

from datetime import date

import pytest

from opschaling import understand
from opschaling.dates import format_date, parse_date

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("3 maart 2026", date(2026, 3, 3)),
        ("het besluit is van 2 november", date(2026, 11, 2)),
        ("op 30 december", date(2025, 12, 30)),  # a date without a year is the most recent one
        ("12-10-2026", date(2026, 10, 12)),
        ("1/2/26", date(2026, 2, 1)),
        ("2026-03-04", date(2026, 3, 4)),
        ("gisteren", date(2026, 11, 21)),
        ("vorige week", date(2026, 11, 15)),
        ("drie weken geleden", date(2026, 11, 1)),
        ("31-02-2026", None),
        ("geen datum hier", None),
    ],
)
def test_dutch_dates(text, expected):
    assert parse_date(text, today=TODAY) == expected


def test_dates_are_written_in_dutch():
    assert format_date(date(2027, 1, 1)) == "1 januari 2027"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("hij is 16", "kind"),
        ("23 jaar", "volwassene"),
        ("19", "jongvolwassene"),
        ("mijn moeder van 84 jaar", "volwassene"),
        ("ze is nog een kind", "kind"),
        ("weet ik niet", "onbekend"),
        ("geen idee wat je bedoelt", "onbekend"),
        ("blauw", None),
    ],
)
def test_ages(text, expected):
    assert understand.read_answer("age_group", text, TODAY) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("nee nog niet", "nee"),
        ("Nee", "nee"),
        ("ja maar het hielp niet", "niet_geholpen"),
        ("ja, het bezwaar is afgewezen", "niet_geholpen"),
        ("dat loopt nog", "loopt"),
        ("we wachten op antwoord", "loopt"),
        ("ja", "gedaan"),  # done, result unknown: the dialogue asks whether it still runs or did not help
        ("hmm", None),
    ],
)
def test_step_answers(text, expected):
    assert understand.read_answer("step_outcome", text, TODAY) == expected


@pytest.mark.parametrize(
    "fact,text,expected",
    [
        ("law", "ze heeft een indicatie voor de wet langdurige zorg", "wlz"),
        ("law", "via de wmo", "wmo"),
        ("law", "jeugdhulp", "jeugdwet"),
        ("law", "weet ik niet", "onbekend"),
        ("organisation", "het was het zorgkantor", "zorgkantoor"),
        ("organisation", "de gemeente", "gemeente"),
        ("role", "ik ben haar dochter", "naaste"),
        ("role", "ik werk als wijkverpleegkundige", "zorgprofessional"),
        ("role", "ik ben cliëntondersteuner", "clientondersteuner"),
    ],
)
def test_keywords_for_typed_answers(fact, text, expected):
    assert understand.read_answer(fact, text, TODAY) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ja", True),
        ("Ja, er is toestemming", True),
        ("nee", False),
        ("geen toestemming", False),
        ("misschien", None),
    ],
)
def test_yes_no(text, expected):
    assert understand.yes_no(text) is expected


# Danger signs are tested by the safety engineer in tests/safety/ (opschaling.safety owns the kinds).


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Er is veel overlast in de buurt en de politie komt er wekelijks.", True),
        ("hij bedreigt de buren en heeft een mes", True),
        ("schulden, verslaving en de woning is vervuild", None),
        ("de energieleverancier dreigt af te sluiten en er dreigt een huisuitzetting", None),
        ("ze heeft dementie en schulden, de gemeente helpt niet", None),
    ],
)
def test_zorg_and_veiligheid_are_read_from_the_words(text, expected):
    """The Veiligheidshuis is for multiproblematiek where zorg and veiligheid both play a role (S1); without such
    words the fact stays open and the engine asks."""
    assert understand.read_facts(text, date(2026, 12, 6)).get("safety_concern") is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ik heb op 20 oktober bezwaar gestuurd tegen het besluit van 2 oktober.", "2026-10-02"),
        ("Op 3 november kreeg ik een brief dat de hulp stopt per 1 januari.", "2026-11-03"),
        ("Mijn moeder moet voor 1 januari het verpleeghuis uit, zeggen ze.", None),
        ("sinds 1 maart krijg ik minder uren", None),
        ("De brief is van 3 november.", "2026-11-03"),
    ],
)
def test_the_decision_date_is_the_date_of_the_decision(text, expected):
    """Several dates in a story are kept apart: the date a bezwaar was sent, a date something must happen by, or a
    date without the decision in its sentence is no decision date (the engine asks it instead)."""
    assert understand.read_facts(text, date(2026, 12, 6)).get("decision_date") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mijn moeder moet voor 1 januari het verpleeghuis uit. We hebben geklaagd en nu willen ze van ons af.",
        "de instelling zegt dat mijn broer er niet kan blijven, ze stoppen de zorg eind van de maand",
    ],
)
def test_a_provider_ending_the_care_is_read_as_a_termination(text):
    assert understand.guess_situation(text) == "zorg_past_niet"
    assert understand.read_facts(text, date(2026, 12, 6)).get("termination") is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ja in augustus, leverde niks op", "niet_geholpen"),
        ("ja, de verzekeraar vond ook niks", "niet_geholpen"),
        ("daar is niets uitgekomen", "niet_geholpen"),
    ],
)
def test_a_step_that_brought_nothing_did_not_help(text, expected):
    assert understand.step_outcome(text) == expected


@pytest.mark.parametrize(
    ("fact", "text", "expected"),
    [("role", "myself", "client"), ("role", "father", "naaste"), ("role", "I'm his son", "naaste")],
)
def test_english_answers_about_who_is_writing(fact, text, expected):
    assert understand.role(text, answer=True) == expected


@pytest.mark.parametrize("text", ["health insurance I guess", "basic health insurance"])
def test_english_health_insurance_is_the_zvw(text):
    assert understand.law(understand.fold(text)) == "zvw"


@pytest.mark.parametrize(
    ("text", "expected"), [("no", "nee"), ("not yet", "nee"), ("no, didn't know that exists", "nee")]
)
def test_english_step_answers(text, expected):
    assert understand.step_outcome(text) == expected


def test_an_english_story_about_a_cut_is_a_decision_of_the_gemeente():
    text = "Hello, my mother has dementia and the municipality cut her home help from 4 to 2 hours. What can I do?"
    assert understand.guess_situation(text) == "besluit_oneens"
    facts = understand.read_facts(text + " The letter is from 28 November.", date(2026, 12, 6))
    assert (facts["organisation"], facts["law"], facts["decision_date"]) == ("gemeente", "wmo", "2026-11-28")


def test_an_english_care_home_that_sends_someone_away_is_a_termination():
    text = "the care home said she must leave by January 1st because we complained too much"
    assert understand.guess_situation(text) == "zorg_past_niet"
    assert understand.read_facts(text, date(2026, 12, 6)).get("termination") is True


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("aangevraagd op 3 augustus, de afwijzingsbrief is van 23 november 2026", "2026-11-23"),
        ("de indicatie gaat in op 16 november, de brief is van 30 oktober", "2026-10-30"),
        ("de brief is van 3 november", "2026-11-03"),
        ("3 weken terug", "2026-11-15"),
        ("three weeks ago", "2026-11-15"),
        ("een maand geleden", "2026-11-06"),
    ],
)
def test_the_date_of_the_decision_is_the_date_of_the_part_about_the_decision(answer, expected):
    assert understand.read_answer("decision_date", answer, date(2026, 12, 6)) == expected
