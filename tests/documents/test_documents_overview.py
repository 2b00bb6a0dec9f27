"""The case overview ('Overzicht van uw situatie') after a stuck woonzorgplek conversation: everything tried, the
next step, who does what, the inventory questions with what is known and what is still open; printable on A4."""

from __future__ import annotations

from datetime import datetime

from documents_testlib import STUCK_WOONZORGPLEK, TODAY, bezwaar, flat, pdf_text, state

import documents
from documents.case import case_of, told_dates
from documents.overview import inventory, overview


def test_the_overview_of_a_stuck_woonzorgplek_conversation(catalogue):
    history = [
        (datetime(2026, 11, 28, 10, 0), {"facts": {"steps_tried": {"clientondersteuner_wlz": "niet_geholpen"}}}),
        (datetime(2026, 11, 30, 9, 0), dict(STUCK_WOONZORGPLEK)),
    ]
    doc = overview(case_of(STUCK_WOONZORGPLEK, catalogue, TODAY, history))
    text = doc.text()
    assert doc.title == "Overzicht van uw situatie"
    assert "U vindt geen passende plek." in text
    assert "wet: Wlz (langdurige zorg)" in text and "u bent familie of naaste" in text
    # every step tried, with its outcome and the day it was told
    assert "Cliëntondersteuner Wlz: hielp niet (dat vertelde u op 28 november 2026)" in text
    assert "Zorgkantoor: hielp niet (dat vertelde u op 30 november 2026)" in text
    assert "Regionaal ketenoverleg Wlz: hielp niet (dat vertelde u op 30 november 2026)" in text
    # the next step, what comes after, who does what (the stappenplan woonzorgplek)
    assert "Whole system in the room-bijeenkomst" in text
    assert "De zorgaanbieder:" in text or "De zorgaanbieder" in text
    # the inventory of the stappenplan complexe casuïstiek: what is known, what is open
    answers = dict(inventory(case_of(STUCK_WOONZORGPLEK, catalogue, TODAY)))
    assert answers["Wat wil de cliënt zelf? En de naasten?"] is None
    assert (
        answers[
            "Is er toestemming van de cliënt of wettelijk vertegenwoordiger om de situatie te bespreken met betrokken "
            "partijen?"
        ]
        == "toestemming: ja"
    )
    assert "zorgkantoor: hielp niet" in answers["Zijn de juiste mensen betrokken?"]
    assert text.count("Nog open.") >= 4 and "Bekend: toestemming: ja" in text
    assert "Stappenplan bij complexe casuïstiek" in text  # among the sources


def test_the_overview_page_prints_on_a4_and_escapes_everything(catalogue):
    file = documents.build("overzicht.html", STUCK_WOONZORGPLEK, catalogue, TODAY)
    assert file is not None and file.inline and file.media_type.startswith("text/html")
    page = file.content.decode()
    assert "@page { size: A4" in page and "@media print" in page and ".no-print { display: none; }" in page
    assert "<script" not in page
    assert "Overzicht van uw situatie" in page and "Nog open." in page


def test_the_overview_pdf_is_a4(catalogue):
    from io import BytesIO

    from pypdf import PdfReader

    file = documents.build("overzicht.pdf", STUCK_WOONZORGPLEK, catalogue, TODAY)
    reader = PdfReader(BytesIO(file.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = flat(pdf_text(file.content))
    assert "Regionaal ketenoverleg Wlz: hielp niet" in text and "Nog open." in text


def test_the_overview_of_a_bezwaar_has_the_deadlines_as_dates(catalogue):
    text = overview(case_of(bezwaar("ciz", "wlz"), catalogue, TODAY)).text()
    assert "Bezwaarschrift indienen: uiterlijk dinsdag 15 december 2026" in text
    assert "datum van het besluit: 3 november 2026" in text
    assert "Beroep bij de rechtbank" in text  # what comes after


def test_a_young_person_reads_je(catalogue):
    young = state(situation="geen_plek", law="jeugdwet", role="jongere", age_group="kind", steps_tried={})
    text = overview(case_of(young, catalogue, TODAY)).text()
    assert "met je meekijken" in text and " u " not in f" {text} ".replace("\n", " ")


def test_no_overview_before_the_situation_is_known(catalogue):
    assert documents.build("overzicht.html", {"facts": {}}, catalogue, TODAY) is None
    assert documents.build("overzicht.pdf", None, catalogue, TODAY) is None


def test_told_dates_follow_the_last_change():
    history = [
        (datetime(2026, 11, 1), {"facts": {"steps_tried": {"cce": "loopt"}}}),
        (datetime(2026, 11, 5), {"facts": {"steps_tried": {"cce": "niet_geholpen"}}}),
        (datetime(2026, 11, 9), {"facts": {"steps_tried": {"cce": "niet_geholpen", "cot": "loopt"}}}),
    ]
    told = told_dates(history)
    assert told["cce"].isoformat() == "2026-11-05" and told["cot"].isoformat() == "2026-11-09"
