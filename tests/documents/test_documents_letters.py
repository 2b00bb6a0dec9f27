"""Draft letters opened with their own libraries: the right addressee, the decision date and the last day, every
element Awb 6:5 asks, the pro-forma form, the ingebrekestelling, and only where the letter is the next step."""

from __future__ import annotations

from datetime import date

import pytest
from documents_testlib import TODAY, bezwaar, docx_text, flat, pdf_text, state

import documents
from documents.case import case_of
from documents.offer import offered


def build(name, st, catalogue, today=TODAY):
    return documents.build(name, st, catalogue, today)


@pytest.mark.parametrize(
    "organisation,law,addressee",
    [
        ("ciz", "wlz", "CIZ, t.a.v. Team Bezwaar en Beroep"),
        ("gemeente", "wmo", "Het college van burgemeester en wethouders van de gemeente"),
        ("zorgkantoor", "wlz", "Het zorgkantoor dat het besluit nam"),
        ("cak", "wlz", "Het CAK"),
    ],
)
def test_the_bezwaarschrift_opens_in_word_format_with_its_addressee_date_and_last_day(
    catalogue, organisation, law, addressee
):
    file = build("bezwaarschrift.docx", bezwaar(organisation, law), catalogue)
    assert file is not None and file.name == "bezwaarschrift.docx" and file.media_type == documents.DOCX
    text = docx_text(file.content)
    assert f"Aan: {addressee}" in text
    assert "Ik maak bezwaar tegen uw besluit van 3 november 2026." in text
    if organisation != "cak":  # the CAK's term is in its own letter (the catalogue knows no term for it)
        assert "Stuur de brief uiterlijk dinsdag 15 december 2026." in text
    # Awb 6:5: name and address (blanks), date, the decision (date and kenmerk), the reasons, a signature
    for element in (
        "Naam: ....",
        "Adres: ....",
        "Datum: 1 december 2026",
        "Het kenmerk van het besluit is: ....",
        "Waarom ik het niet eens ben met het besluit:",
        "Ik vraag u om het besluit opnieuw te bekijken",
        "Handtekening: ....",
        "Bijlage: kopie van het besluit",
    ):
        assert element in text, element
    assert "cliëntondersteuner of het Juridisch Loket" in text


def test_the_ciz_letter_has_the_address_and_e_mail_of_the_catalogue(catalogue):
    text = docx_text(build("bezwaarschrift.docx", bezwaar("ciz", "wlz"), catalogue).content)
    assert "Adres: Postbus 2891, 3500 GW Utrecht" in text
    assert "E-mail: info.bezwaarberoep@ciz.nl" in text


def test_the_word_file_is_a4_and_dutch(catalogue):
    import io

    import docx

    document = docx.Document(io.BytesIO(build("bezwaarschrift.docx", bezwaar("ciz", "wlz"), catalogue).content))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert document.core_properties.language == "nl-NL"
    assert document.core_properties.title == "Bezwaarschrift"


def test_the_pdf_says_the_same(catalogue):
    file = build("bezwaarschrift.pdf", bezwaar("gemeente", "wmo"), catalogue)
    assert file is not None and file.media_type == "application/pdf"
    text = flat(pdf_text(file.content))
    assert "college van burgemeester en wethouders van de gemeente" in text
    assert "besluit van 3 november 2026" in text
    assert "uiterlijk dinsdag 15 december 2026" in text
    assert "cliëntondersteuner" in text  # Dutch characters print (DejaVu Sans)


def test_a_last_day_on_a_saturday_moves_to_monday_in_the_letter(catalogue):
    # 7 november 2026 + 6 weeks = Saturday 19 December: the Algemene termijnenwet moves it to Monday 21 December
    text = docx_text(build("bezwaarschrift.docx", bezwaar("ciz", "wlz", "2026-11-07"), catalogue).content)
    assert "Stuur de brief uiterlijk maandag 21 december 2026." in text


def test_pro_forma_is_offered_when_time_is_short_and_has_no_reasons(catalogue):
    short = case_of(bezwaar("ciz", "wlz", "2026-11-03"), catalogue, TODAY)  # 14 days left
    plenty = case_of(bezwaar("ciz", "wlz", "2026-11-27"), catalogue, TODAY)  # 42 days left
    assert offered(short.advice, "ciz") == ["bezwaarschrift", "pro_forma", "agenda"]
    assert offered(plenty.advice, "ciz") == ["bezwaarschrift", "agenda"]
    text = docx_text(build("pro_forma.docx", bezwaar("ciz", "wlz"), catalogue).content)
    assert "eerst zonder uitleg waarom (pro forma)" in text
    assert "Waarom ik het niet eens ben" not in text
    assert "Stuur mee: een kopie van het besluit." in text


def test_a_late_bezwaar_asks_for_the_reason_and_gets_no_calendar_file(catalogue):
    late = bezwaar("ciz", "wlz", "2026-09-01")
    assert offered(case_of(late, catalogue, TODAY).advice, "ciz") == ["bezwaarschrift"]
    text = docx_text(build("bezwaarschrift.docx", late, catalogue).content)
    assert "Ik stuur dit bezwaar na de termijn. De reden is:" in text
    assert "De termijn liep tot en met 13 oktober 2026." in text
    assert build("agenda.ics", late, catalogue) is None


def test_an_unknown_decision_date_is_a_blank_and_the_term_in_weeks(catalogue):
    text = docx_text(build("bezwaarschrift.docx", bezwaar("ciz", "wlz", "onbekend"), catalogue).content)
    assert "Ik maak bezwaar tegen uw besluit van ....." in text
    assert "Stuur de brief binnen 6 weken na de datum van het besluit." in text


def test_the_ingebrekestelling_goes_to_the_body_that_is_late(catalogue):
    late = state(
        situation="besluit_te_laat", organisation="gemeente", law="wmo", steps_tried={"ingebrekestelling": "nee"}
    )
    assert offered(case_of(late, catalogue, TODAY).advice, "gemeente") == ["ingebrekestelling"]
    text = docx_text(build("ingebrekestelling.docx", late, catalogue).content)
    assert "Aan: Het college van burgemeester en wethouders van de gemeente" in text
    assert "Met deze brief stel ik u in gebreke" in text
    assert "dwangsom betalen: een geldbedrag" in text
    assert "Stuur deze brief pas als de termijn om te beslissen echt voorbij is." in text
    ciz = {**late, "facts": {**late["facts"], "organisation": "ciz", "law": "wlz"}}
    assert "Aan: CIZ, t.a.v. Team Bezwaar en Beroep" in flat(
        pdf_text(build("ingebrekestelling.pdf", ciz, catalogue).content)
    )


def test_no_letter_where_it_is_not_the_next_step(catalogue):
    running = bezwaar("ciz", "wlz")
    running["facts"]["steps_tried"] = {"bezwaar_ciz": "loopt"}
    klacht = state(situation="klacht_zorgaanbieder", steps_tried={})
    for st in (running, klacht):
        assert "bezwaarschrift" not in offered(case_of(st, catalogue, TODAY).advice)
        assert build("bezwaarschrift.docx", st, catalogue) is None
        assert build("ingebrekestelling.docx", st, catalogue) is None
    assert build("bezwaarschrift.docx", bezwaar("ciz", "wlz"), catalogue, date(2026, 12, 1)) is not None
    assert build("nonsense.exe", bezwaar("ciz", "wlz"), catalogue) is None
