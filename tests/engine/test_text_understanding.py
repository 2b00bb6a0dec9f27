"""Dates, ages, yes/no, step answers and keywords typed as free text (opschaling.understand)."""

from datetime import date

import pytest

from opschaling import load_catalogue, understand
from opschaling.dates import format_date, parse_date
from opschaling.names import steps_said

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
    "text",
    ["ik woon 6 jaar in Nederland en wacht op de ggz", "wij wonen hier 11 jaar", "we zijn 40 jaar getrouwd"],
)
def test_how_long_someone_lives_here_or_is_married_is_no_age(text):
    assert understand.age_years(text) is None
    assert understand.age_years("ik ben 16 jaar en woon 3 jaar in een groep") == 16


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a yes with more in it: done, and still asking what next, so it did not solve it
        ("ja, maar die had ook geen plek", "niet_geholpen"),
        ("ja drie keer, kwam niks bruikbaars uit", "niet_geholpen"),
        ("jazeker, die zeggen dat ze niks kunnen", "niet_geholpen"),
        # a bare yes, or a yes with only when: asked further ("loopt het nog?")
        ("ja", "gedaan"),
        ("ja hoor", "gedaan"),
        ("ja, in september", "gedaan"),
        ("ja, al 10 weken geleden", "gedaan"),
        # just done: it runs
        ("ja, gisteren gemaild", "loopt"),
        # someone who does not know the step has not tried it
        ("wat is dat?", "nee"),
        ("nooit van gehoord eigenlijk", "nee"),
        ("niks nog", "nee"),
        # a procedure sent in a story, with words between, runs until there is a decision
        ("In maart hebben wij namens mijn moeder bezwaar gemaakt tegen het besluit", "loopt"),
        ("we hebben nog geen bezwaar gemaakt", "nee"),
    ],
)
def test_what_a_step_answer_says_about_the_step(text, expected):
    assert understand.step_outcome(text) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("het besluit is 4 weken oud", "2026-11-09"),
        ("brief 2 week", "2026-11-23"),
        ("de brief kwam vorige week", "2026-11-30"),  # the Monday of last week: the deadline is never too late
        ("last week", "2026-11-30"),
    ],
)
def test_the_age_of_the_letter_answers_the_date_question(answer, expected):
    assert understand.read_answer("decision_date", answer, date(2026, 12, 7)) == expected


@pytest.mark.parametrize(
    "answer", ["nog geen beslissing, ik heb het bezwaar 4 maanden geleden gestuurd", "er is nog niks", "not yet"]
)
def test_no_decision_yet_is_no_date(answer):
    assert understand.read_answer("objection_decision_date", answer, date(2026, 12, 7)) == "onbekend"


def test_a_bezwaar_without_a_decision_for_months_is_late():
    text = "In mei bezwaar ingediend bij de gemeente. Nu zeven maanden later nog steeds geen beslissing."
    facts = understand.read_facts(text, date(2026, 12, 7))
    assert facts.get("objection_late") is True
    assert (
        understand.read_facts("Bezwaar afgewezen, 5 maanden geleden.", date(2026, 12, 7)).get("objection_late") is None
    )


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Onze buurvrouw vervuilt, eet niet meer en wil van niemand hulp.", "refuses_care"),
        ("Hij weigert elke vorm van zorg, ook de huisarts.", "refuses_care"),
        ("We weten niet of mevrouw al een Wlz-indicatie heeft, de familie ook niet.", "indication_unknown"),
        ("Hoe kan ik nagaan of hij een wlz-indicatie heeft?", "indication_unknown"),
        ("hij doet deur niet open, ook niet voor mij. wat kan ik doen als hij zelf niet wil?", "refuses_care"),
        (
            "Mijn oma heeft eindelijk een Wlz-indicatie, die gaat in op 1 november. Nu heeft de gemeente de "
            "huishoudelijke hulp stopgezet, want nu valt ze onder de wlz.",
            "wlz_transition",
        ),
        (
            "My dad finally got his Wlz indication, starting 16 November. Then the municipality stopped his cleaning "
            "help.",
            "wlz_transition",
        ),
        (
            "The CIZ refused her indication in July. We lodged an objection on 20 July. In September they needed more "
            "time. Since then: silence.",
            "objection_late",
        ),
    ],
)
def test_what_is_said_of_the_client_is_read(text, fact):
    # read as the dialogue reads it: English words glossed first
    assert understand.read_facts(understand.gloss(text), date(2026, 12, 7)).get(fact) is True


@pytest.mark.parametrize(
    "text",
    [
        "We hebben een Wlz-indicatie aangevraagd en de gemeente stopt de begeleiding.",
        "De gemeente heeft de begeleiding stopgezet. Hij heeft geen Wlz-indicatie.",
        "Het CIZ heeft de Wlz-indicatie afgewezen en de gemeente stopt ook.",
    ],
)
def test_no_move_to_the_wlz_without_an_indicatie_given(text):
    assert understand.read_facts(text, date(2026, 12, 7)).get("wlz_transition") is None


def test_not_knowing_whether_there_is_a_wlz_indicatie_is_no_wlz():
    facts = understand.read_facts("We weten niet of ze een Wlz-indicatie heeft.", date(2026, 12, 7))
    assert "law" not in facts and "organisation" not in facts


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Ik ben zorgbemiddelaar bij een VVT-organisatie en zoek een plek.", "zorgaanbieder"),
        ("Ik ben zorgbemiddelaar bij het zorgkantoor.", "zorgkantoor_medewerker"),
    ],
)
def test_a_zorgbemiddelaar_works_where_they_say(text, role):
    assert understand.role(understand.fold(text)) == role


def test_a_wijkverpleegkundige_is_no_law():
    assert understand.law(understand.fold("ik ben wijkverpleegkundige en heb een vraag over een cliënt")) is None


def test_a_wlz_still_to_apply_for_is_not_the_law_of_the_care_now():
    assert understand.law("de wijkverpleegkundige zegt dat we een wlz moeten aanvragen, maar hoe?") is None
    assert understand.law("we hebben een wlz aangevraagd en het CIZ heeft het afgewezen") == "wlz"


@pytest.mark.parametrize(
    "text",
    [
        "Vader heeft nog geen Wlz. Wat kan ik haar meegeven?",
        "we weten niet of ze een Wlz-indicatie heeft",
        "zonder Wlz-indicatie kan ze daar niet wonen, zegt de gemeente",
    ],
)
def test_a_law_said_not_to_apply_or_not_known_is_no_law(text):
    assert understand.law(text) is None
    assert understand.law(text + " Ze krijgt nu wel Wmo-begeleiding.") == "wmo"


@pytest.mark.parametrize("text", ["een cliënt (ggz-Wlz, verslaving en psychiatrie)", "Cliënt (38, Wlz-GGZ-wonen)"])
def test_the_name_of_a_law_outranks_a_care_word_before_it(text):
    assert understand.law(text) == "wlz"


# --- round 6: what strangers wrote in the domain review (tests/conversations/review_fresh) ---------------------
@pytest.mark.parametrize(
    "text",
    [
        "mijn zoon had 8 uur begeleiding per week en nu hebben ze er zomaar 4 van gemaakt",
        "Nu hebben ze per brief het budget voor volgend jaar veel lager vastgesteld dan we hadden aangevraagd",
        "ze kreeg 3 uur hulp en nu nog maar 1,5 uur",
    ],
)
def test_what_a_decision_cut_is_about_the_decision(text):
    assert understand.read_facts(text, TODAY).get("about_decision") is True


@pytest.mark.parametrize("text", ["ik werk 8 uur per dag en heb er 2 kinderen", "we hebben 3 uur gewacht"])
def test_hours_without_a_cut_are_no_decision(text):
    assert "about_decision" not in understand.read_facts(text, TODAY)


def test_the_date_a_bezwaar_was_sent_is_not_the_date_of_the_decision_on_it():
    facts = understand.read_facts(
        "Ik heb op 21 september bezwaar gestuurd. Nu krijg ik een brief dat het bezwaar ongegrond is.", TODAY
    )
    assert "objection_decision_date" not in facts
    said = understand.read_facts("De beslissing op mijn bezwaar is van 2 november.", TODAY)
    assert said.get("objection_decision_date") == "2026-11-02"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("de wmo-consulent zegt dat ze niets meer mag doen omdat moeder Wlz heeft", "wlz"),
        ("hij valt al onder de Wlz, zegt de wmo-consulent", "wlz"),
        ("Ik ben Wmo-consulent. Mijn teamleider zegt: die hoort in de Wlz, Wmo afbouwen", "wmo"),
    ],
)
def test_the_law_someone_has_outranks_a_wmo_job_title(text, expected):
    assert understand.law(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Wmo-consulent. Meneer (83) vraagt huishoudelijke hulp aan", "gemeente_medewerker"),
        ("Hallo, jeugdconsulent hier. Een jongen van 16", "gemeente_medewerker"),
        ("Zorgkantoor hier (zorgbemiddeling). Wlz-cliënt van 54", "zorgkantoor_medewerker"),
        ("Wijkverpleegkundige hier. Mevrouw van 80 weigert alles", "zorgprofessional"),
        ("consulent zei dat ik geen recht heb op meer uren", None),
    ],
)
def test_a_title_that_opens_the_message_is_the_role(text, expected):
    assert understand.role(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "en wat als ze ook daarna nee zeggen?",
        "wat als het ciz mijn bezwaar afwijst",
        "what if they say no?",
    ],
)
def test_what_if_it_does_not_help_asks_for_the_step_after(text):
    assert understand.ASKS_AFTER.search(understand.fold(text))


def test_a_bezwaar_made_runs_until_the_story_says_how_it_ended():
    cat = load_catalogue()
    running = "Het CIZ heeft de Wlz afgewezen, op 25 november heb ik bezwaar gemaakt. Maar dat duurt weken en weken."
    assert steps_said(running, cat).get("bezwaar_ciz") == "loopt"
    assert steps_said("ik heb bezwaar gemaakt maar het is afgewezen", cat).get("bezwaar_ciz") == "niet_geholpen"
    assert steps_said("Bezwaar en beroep hebben we gehad.", cat).get("beroep") == "niet_geholpen"


@pytest.mark.parametrize(
    "text",
    [
        "Het besluit heb ik nog niet eens, het gaat me echt om hoe ik behandeld ben.",
        "het ging ons vooral om hoe mijn moeder bejegend is",
    ],
)
def test_a_complaint_about_how_someone_was_treated_is_no_decision(text):
    assert understand.read_facts(text, TODAY).get("about_decision") is False


def test_what_if_nothing_is_arranged_asks_for_the_step_after():
    assert understand.ASKS_AFTER.search(
        understand.fold("en wat als het zorgkantoor op 14 december nog niks geregeld heeft?")
    )


@pytest.mark.parametrize("text", ["I am her daughter", "I'm his son, he lives in Utrecht"])
def test_an_english_relative_is_read_in_any_message(text):
    assert understand.role(text) == "naaste"


@pytest.mark.parametrize(
    ("text", "late"),
    [
        # sent in June, a hoorzitting, nothing since: past any term (12 weeks with a commissie, once 6 more)
        ("Wij hebben in juni bezwaar gemaakt tegen het besluit van de gemeente. Sindsdien niks.", True),
        # "daarna hoor ik niks meer" is no decision
        ("Ik heb in het voorjaar bezwaar gemaakt tegen mijn begeleiding. Daarna hoor ik niks meer.", True),
        # 14 weeks without a hoorzitting: 6 weeks and once 6 more have passed
        ("In de zomer bezwaar gemaakt. Geen hoorzitting, geen beslissing, niks.", True),
        # 14 weeks, nothing said about a postponement: it may have been postponed once, so not late yet
        ("In de zomer bezwaar gemaakt. Nog geen beslissing.", None),
        ("Op 20 oktober bezwaar gemaakt. Nog geen beslissing.", None),
        # decided: not late, however long ago
        ("In juni bezwaar gemaakt, in september kwam de beslissing: ongegrond.", None),
        # the date of the decision the bezwaar is against is no date of sending
        ("Ik heb bezwaar gemaakt tegen het besluit van 3 maart. Nog niks gehoord.", None),
    ],
)
def test_a_bezwaar_sent_longer_ago_than_any_term_is_late(text, late):
    assert understand.read_facts(text, date(2026, 12, 7)).get("objection_late") is late


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in juni bezwaar gemaakt", date(2026, 6, 30)),  # the latest day it can be
        ("in de zomer", date(2026, 8, 31)),
        ("in december", date(2026, 12, 7)),  # this month, up to today
        ("in maart 2025", date(2025, 3, 31)),
        ("zomaar een zin", None),
    ],
)
def test_a_month_or_season_is_its_latest_day(text, expected):
    from opschaling.dates import latest_day_said  # noqa: PLC0415

    assert latest_day_said(text, date(2026, 12, 7)) == expected


def test_an_ingebrekestelling_sent_longer_ago_than_two_weeks_did_not_help():
    cat = load_catalogue()
    today = date(2026, 12, 7)
    waited = "Ik heb drie weken geleden een ingebrekestelling gestuurd, aangetekend. Geen reactie."
    assert steps_said(waited, cat, today=today) == {"ingebrekestelling": "niet_geholpen"}
    later = "Ingebrekestelling gestuurd naar de gemeente. Dat is nu 3 weken geleden. Nog steeds geen besluit."
    assert steps_said(later, cat, today=today).get("ingebrekestelling") == "niet_geholpen"
    # within the two weeks it runs; with no time said, the dialogue asks
    assert steps_said("Ik heb vorige week een ingebrekestelling gestuurd. Nog geen reactie.", cat, today=today) == {
        "ingebrekestelling": "loopt"
    }
    assert steps_said("we hebben al een ingebrekestelling gestuurd maar er gebeurt niks", cat, today=today) == {}


def test_a_description_in_brackets_is_no_name_of_a_body():
    cat = load_catalogue()
    # "Verlengde jeugdhulp (gemeente)", "Mantelzorgondersteuning (gemeente)": the gemeente that did not help is not them
    assert steps_said("De gemeente helpt niet, ze zeggen dat het niet kan.", cat) == {}
    # an abbreviation in brackets is a name: "Centrum voor Consultatie en Expertise (CCE)", "(C.O.T., ...)"
    said = steps_said("Het CCE heeft advies gegeven maar het helpt niet. Het C.O.T. ook niet geholpen.", cat)
    assert said.get("cce") == "niet_geholpen"
    assert said.get("cot") == "niet_geholpen"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dochter 15 zit sinds de zomer op een behandelgroep", 15),
        ("Dhr. 71, alleenstaand, bij ons in zorg", 71),
        ("mijn moeder 91. Ze woont alleen", 91),
        ("mijn man 3 keer gevallen", None),
        ("mijn moeder 2 dagen per week naar de dagbesteding", None),
    ],
)
def test_a_number_right_after_a_person_is_the_age(text, expected):
    assert understand.age_years(text) == expected


def test_a_bezwaar_is_never_against_the_provider_of_the_care():
    text = "In de zomer bezwaar gemaakt tegen het stoppen van mijn vaders dagbesteding."
    assert understand.read_facts(text, date(2026, 12, 7)).get("organisation") is None
    # a complaint about the dagbesteding itself is about the provider
    complaint = "Ik ben ontevreden over de dagbesteding van mijn vader."
    assert understand.read_facts(complaint, date(2026, 12, 7)).get("organisation") == "zorgaanbieder"


@pytest.mark.parametrize(
    "text",
    [
        "Vandaag een aangetekende brief: de zorg wordt over 2 maanden beëindigd, de samenwerking is onwerkbaar.",
        "In een brief zeggen ze de zorgovereenkomst op per 31 januari 2027.",
        "nu zegt de thuiszorg: thuiszorg stop 1 januari, geen personeel",
    ],
)
def test_care_ended_told_in_other_words_is_a_termination(text):
    assert understand.read_facts(text, date(2026, 12, 7)).get("termination") is True
    assert (
        understand.read_facts("ik wil een klacht indienen over de zorg", date(2026, 12, 7)).get("termination") is None
    )


def test_care_a_provider_does_not_want_to_end_is_no_termination():
    text = "We willen niet opzeggen maar hebben hulp van buiten nodig."
    assert understand.read_facts(text, date(2026, 12, 7)).get("termination") is None
    assert understand.read_facts("de thuiszorg zegt: zorg stop ik niet", date(2026, 12, 7)).get("termination") is None
    assert understand.read_facts("De aanbieder zegt de zorg op.", date(2026, 12, 7)).get("termination") is True


def test_a_step_asked_for_that_starts_later_is_running():
    assert understand.step_outcome("aangevraagd, start pas over een paar weken") == "loopt"


@pytest.mark.parametrize(
    ("fact", "text", "expected"),
    [
        # a safety concern said not to be there is none (the PMM, not the Veiligheidshuis)
        ("safety_concern", "Ze werkt mee en geeft toestemming. Er speelt geen overlast of politie.", False),
        ("safety_concern", "Schulden, verslaving, geen onveiligheid in het gezin.", False),
        ("safety_concern", "Er is geen agressie maar wel veel overlast voor de buren.", True),
        ("safety_concern", "De politie komt vaak langs.", True),
        # a team divided over a dilemma (the moreel beraad first); a team at a loss is not divided
        (
            "team_divided",
            "De helft van het team wil de aansteker innemen, de andere helft vindt dat een vrijheidsbeperking.",
            True,
        ),
        ("team_divided", "Het team is het echt oneens en de sfeer in het MDO wordt grimmig.", True),
        ("team_divided", "We zitten met een ethisch dilemma: zelfbeschikking of bescherming?", True),
        ("team_divided", "Het team weet zich geen raad meer met zijn gedrag.", None),
        ("team_divided", "Ik ben het oneens met het besluit van de gemeente.", None),
        # a crisis on site that cannot wait is urgent (the COT before the CCE)
        ("urgent", "vg-instelling, bewoner acuut ontregeld, we hebben binnen 2 dagen extra handen nodig", True),
        ("urgent", "Het CCE-traject duurt weken. Is er iets wat sneller ter plaatse kan komen?", True),
        ("urgent", "Hij is ontregeld sinds de verhuizing van een medebewoner.", None),
    ],
)
def test_a_fact_told_in_a_story_is_read(fact, text, expected):
    assert understand.read_facts(text, date(2026, 12, 7)).get(fact) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ik heb met mijn moeder gevraagd om begeleiding. Ik ben 17.", "jongere"),  # the age outranks "mijn moeder"
        ("ik heb een gesprek gehad met de leiding van mn groep", "jongere"),
        ("m'n pleegouders willen dat ik weg ga", "jongere"),
        ("ze zeggen ik moet naar een andere groep in een andere stad", "jongere"),
        ("ik ga bijna niet meer naar school", "jongere"),
        ("I'm 16 and my foster parents want me to leave", "jongere"),
        ("mijn ouders van 88 hebben thuiszorg nodig", None),  # a son or daughter: asked, never "je"
        ("ik ben 17 jaar getrouwd met mijn man", "naaste"),
        ("ik ben 16 weken zwanger en mijn moeder is ziek", "naaste"),
        ("ik ben begeleider, een jongen op mijn groep", "zorgprofessional"),
    ],
)
def test_a_young_person_about_themselves_is_read_as_the_young_person(text, expected):
    assert understand.role(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("geen idee, het zorgkantoor denk ik", "wlz"),  # a body named next to a doubt still answers
        ("weet ik niet", "onbekend"),
        ("via het wijkteam", None),  # the gemeente: its law follows from the age (the dialogue decides)
    ],
)
def test_the_answer_to_the_law_question_names_a_body_next_to_a_doubt(text, expected):
    assert understand.read_answer("law", text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "organisation"),
    [
        ("bovenaan staat CIZ, niet zorgkantoor. maakt dat uit?", "ciz"),
        ("de brief komt van het zorgkantoor, niet van de gemeente.", "zorgkantoor"),
        ("hij komt niet van het zorgkantoor maar van het CAK", "cak"),
        ("ik heb de brief erbij gepakt, het is helemaal niet van de gemeente, het is van het CIZ.", "ciz"),
    ],
)
def test_a_body_said_not_to_be_it_is_a_correction_and_does_not_count(text, organisation):
    assert understand.CORRECTION.search(understand.fold(text))
    assert understand.organisation(text) == organisation


def test_short_answers_that_say_no():
    assert understand.step_outcome("nee, nog niks", "bezwaar_gemeente") == "nee"
    assert understand.step_outcome("nee, nog niks gehoord", "bezwaar_gemeente") == "loopt"
    assert understand.yes_no("we zijn op, maar het is niet zo dat het morgen misgaat") is False
    assert understand.no_decision_yet("24 september zijn we gehoord. En sindsdien: niks.")


def test_a_care_contract_ended_by_a_date_is_a_termination():
    text = "brief dat de zorgovereenkomst per 1 februari wordt beëindigd. We moeten dus per 1 februari weg??"
    assert understand.read_facts(text, TODAY).get("termination") is True


def test_a_question_about_who_is_responsible_outweighs_a_letter_named_in_passing():
    text = "Wie is nu verantwoordelijk? Ze heeft een Wlz-indicatie, de brief van het CIZ was van 28 oktober."
    assert understand.weigh_situation(understand.fold(text), learned=False) == "wie_verantwoordelijk"
    assert (
        understand.weigh_situation("ik wil bezwaar maken tegen de brief van het ciz", learned=False) == "besluit_oneens"
    )


def test_a_second_meeting_with_people_who_may_decide_is_the_evaluation_of_the_meeting():
    catalogue = load_catalogue()
    text = (
        "In juni een zorgconferentie, in oktober nog een met iemand van het zorgkantoor die wel mocht beslissen. "
        "Niemand heeft een plek."
    )
    said = steps_said(text, catalogue, today=TODAY)
    assert said.get("whole_system_evaluatie") == "niet_geholpen"
    assert "whole_system_evaluatie" not in steps_said("In juni was er een zorgconferentie.", catalogue, today=TODAY)


def test_an_english_list_of_what_was_tried_counts_each_step_named():
    catalogue = load_catalogue()
    story = understand.gloss(
        "What we've done: independent clientondersteuner since the start. The Juiste Loket in the spring. "
        "Two big meetings with everyone around the table, the second one in September with directors who could "
        "actually decide."
    )
    said = steps_said(story, catalogue, today=TODAY)
    assert {"juiste_loket", "whole_system_in_the_room", "whole_system_evaluatie"} <= set(said)
    assert steps_said(understand.gloss("We read about the Juiste Loket."), catalogue, today=TODAY) == {}


def test_an_english_complaint_answered_with_sorry_did_not_help():
    catalogue = load_catalogue()
    story = understand.gloss("complained to mum's nursing home twice, their complaints officer basically said sorry.")
    assert steps_said(story, catalogue, today=TODAY).get("klachtenfunctionaris") == "niet_geholpen"
