"""The workbench page: run a scenario file (pasted or uploaded), see the report or the Dutch error
naming row and field; explain one case with the engine's full reasoning."""

from __future__ import annotations

import re

import openpyxl

from workbench.pages import embed_report

from .conftest import Client

THREE_CASES = """\
- naam: Bezwaar CIZ
  bericht: Het CIZ heeft mijn indicatie afgewezen en ik ben het er niet mee eens
  antwoorden: {rol: ik ben de cliënt, datum: weet ik niet, al geprobeerd: nee}
  verwacht: bezwaar_ciz
- naam: Geen plek
  bericht: We vinden al maanden geen verpleeghuis voor mijn vader
  antwoorden: {wet: wlz, rol: naaste, al geprobeerd: nee}
  verwacht: clientondersteuner_wlz
- naam: Bewust fout
  bericht: Het CIZ heeft mijn indicatie afgewezen
  antwoorden: {al geprobeerd: nee, datum: weet ik niet}
  verwacht: nationale_ombudsman
"""
BROKEN_CSV = "naam;bericht;verwacht\nGoed;Het CIZ wees mijn aanvraag af;bezwaar_ciz\nKapot;;bestaat_niet\n"


def summary(page: str) -> str:
    match = re.search(r'id="samenvatting">([^<]*)<', page)
    assert match, "no summary on the page"
    return match.group(1)


def test_pasted_yaml_runs_locally_and_shows_the_report(logged_in: Client) -> None:
    response = logged_in.post(
        "/workbench/run", {"csrf": logged_in.csrf(), "tekst": THREE_CASES, "soort": "yaml", "lokaal": "1"}
    )
    page = response.body.decode()
    assert response.status == 200, page[:2000]
    assert summary(page) == "2 goed, 1 fout, van 3 scenario's (zonder Rasa)."
    assert page.count('<tr class="ok">') == 2 and page.count('<tr class="fail">') == 1
    assert "nationale_ombudsman" in page  # what was expected, for the failed one
    assert "<h1>" not in page.split("<h1>", 2)[-1]  # the report's own h1 became a lower heading
    assert "checked" in page.split('id="lokaal"', 1)[1][:80]  # the choice is kept


def test_uploaded_broken_csv_names_row_and_field(logged_in: Client) -> None:
    response = logged_in.post_multipart(
        "/workbench/run",
        {"csrf": logged_in.csrf(), "lokaal": "1", "soort": "yaml"},
        {"bestand": ("mijn casussen.csv", BROKEN_CSV.encode("utf-8"))},
    )
    page = response.body.decode()
    assert response.status == 400
    assert 'role="alert"' in page and "er is niets uitgevoerd" in page
    assert "mijn casussen.csv, rij 3, veld &#x27;bericht&#x27;" in page
    assert "rij 3, veld &#x27;verwacht&#x27;: onbekende stap &#x27;bestaat_niet&#x27;" in page
    assert "/tmp" not in page and "osw-wb-" not in page  # no server paths


def test_uploaded_csv_runs(logged_in: Client) -> None:
    good = (
        "naam;bericht;al geprobeerd;datum;verwacht\n"
        "Goed;Het CIZ heeft mijn aanvraag afgewezen;nee;weet ik niet;bezwaar_ciz\n"
    )
    response = logged_in.post_multipart(
        "/workbench/run",
        {"csrf": logged_in.csrf(), "lokaal": "1", "soort": "yaml"},
        {"bestand": ("casus.csv", good.encode("cp1252"))},
    )
    assert summary(response.body.decode()) == "1 goed, 0 fout, van 1 scenario's (zonder Rasa)."


def test_xlsx_upload(logged_in: Client, tmp_path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["naam", "bericht", "al geprobeerd", "datum", "verwacht"])
    sheet.append(["Excel", "Het CIZ heeft mijn aanvraag afgewezen", "nee", "weet ik niet", "Bezwaar maken bij het CIZ"])
    path = tmp_path / "blad.xlsx"
    book.save(path)
    response = logged_in.post_multipart(
        "/workbench/run",
        {"csrf": logged_in.csrf(), "lokaal": "1", "soort": "yaml"},
        {"bestand": ("blad.xlsx", path.read_bytes())},
    )
    assert summary(response.body.decode()) == "1 goed, 0 fout, van 1 scenario's (zonder Rasa)."


def test_without_a_file_or_text(logged_in: Client) -> None:
    response = logged_in.post("/workbench/run", {"csrf": logged_in.csrf(), "tekst": "  ", "soort": "yaml"})
    assert response.status == 400 and "Kies een bestand" in response.body.decode()


def test_rest_runner_without_rasa_says_so(logged_in: Client) -> None:
    # the app's Rasa URL points at a closed port: the REST runner must say Rasa is not reachable
    response = logged_in.post("/workbench/run", {"csrf": logged_in.csrf(), "tekst": THREE_CASES, "soort": "yaml"})
    page = response.body.decode()
    assert response.status == 502 and "Rasa is niet bereikbaar" in page and "zonder Rasa (snel)" in page


def test_one_case_shows_the_reasoning(logged_in: Client) -> None:
    form = {
        "csrf": logged_in.csrf(),
        "casus": "Het CIZ heeft op 3 maart 2026 een besluit genomen over mijn moeder. We zijn het er niet mee eens.",
        "role": "naaste",
    }
    page = logged_in.post("/workbench/case", form).body.decode()
    assert "De redenering" in page
    facts = page.split("Feiten die de assistent gebruikt", 1)[1].split("</table>", 1)[0]
    assert "CIZ</td><td>uit de tekst" in facts
    assert "Familie of naaste</td><td>gekozen" in facts
    assert "03-03-2026" in facts
    # the engine asks whether the objection was made already, at the CIZ rung
    assert "De assistent vraagt eerst" in page and "bezwaar" in page.lower()
    assert re.search(r"Bezwaar maken bij het CIZ</td><td class=\"status-question\">", page)
    assert re.search(
        r"Bezwaar maken bij de gemeente</td><td class=\"status-not_applicable\">Geldt niet</td>"
        r"<td>Geldt niet: organisatie is CIZ",
        page,
    )


def test_one_case_with_a_tried_step_names_the_next_rung_with_sources(logged_in: Client) -> None:
    form = {
        "csrf": logged_in.csrf(),
        "casus": "",
        "situation": "besluit_oneens",
        "organisation": "ciz",
        "law": "wlz",
        "role": "client",
        "decision_date": "03-03-2026",
        "stap_1": "bezwaar_ciz",
        "uitkomst_1": "niet_geholpen",
        "stap_2": "beroep_rechtbank",
        "uitkomst_2": "nee",
        "objection_decision_date": "10-03-2026",
    }
    page = logged_in.post("/workbench/case", form).body.decode()
    assert "De stap: Beroep bij de rechtbank" in page
    assert re.search(r"Bezwaar maken bij het CIZ</td><td class=\"status-tried\">Al geprobeerd", page)
    assert (
        "Bezwaar maken bij het CIZ: gedaan, hielp niet; Beroep bij de rechtbank: nog niet gedaan</td><td>gekozen"
        in page
    )
    step = page.split("De stap: ", 1)[1]
    assert "Bronnen" in step and re.search(r"<li>S\d: ", step)
    assert "Wat de gebruiker te zien krijgt" in page


def test_one_case_names_how_to_reach_the_step(logged_in: Client) -> None:
    form = {"csrf": logged_in.csrf(), "casus": "", "situation": "besluit_oneens", "organisation": "ciz", "law": "wlz"}
    form |= {"role": "client", "decision_date": "03-03-2026", "stap_1": "bezwaar_ciz", "uitkomst_1": "nee"}
    step = logged_in.post("/workbench/case", form).body.decode().split("De stap: ", 1)[1]
    contact = step.split("<h4>Contact</h4>", 1)[1].split("<h4>", 1)[0]
    assert '<a href="tel:' in contact and '<a href="https://' in contact and "](" not in contact


def test_one_case_select_beats_the_text(logged_in: Client) -> None:
    form = {
        "csrf": logged_in.csrf(),
        "casus": "Ik heb een probleem met de gemeente",
        "organisation": "zorgkantoor",
        "situation": "besluit_oneens",
    }
    page = logged_in.post("/workbench/case", form).body.decode()
    facts = page.split("Feiten die de assistent gebruikt", 1)[1].split("</table>", 1)[0]
    assert "Zorgkantoor</td><td>gekozen" in facts and "Gemeente" not in facts


def test_one_case_refuses_values_that_are_not_allowed(logged_in: Client) -> None:
    form = {"csrf": logged_in.csrf(), "casus": "", "situation": "<script>alert(1)</script>", "role": "hacker"}
    page = logged_in.post("/workbench/case", form).body.decode()
    assert "<script>" not in page and "hacker" not in page.split("De redenering", 1)[1].split("</section>", 1)[0]


def test_embed_report_keeps_styles_but_not_page_rules_or_scripts() -> None:
    inner = embed_report(
        "<html><head><style>body{margin:9rem}.ok{color:green}</style></head>"
        "<body><h1>R</h1><script>x()</script><p>1 geslaagd</p></body></html>"
    )
    assert ".ok{color:green}" in inner and "margin:9rem" not in inner
    assert "<h3>R</h3>" in inner and "<script" not in inner and "1 geslaagd" in inner


def test_a_pasted_sheet_is_read_as_csv_even_when_yaml_was_chosen(logged_in: Client) -> None:
    sheet = (
        "naam;bericht;al geprobeerd;datum;verwacht\n"
        "Plak;Het CIZ heeft mijn aanvraag afgewezen;nee;weet ik niet;bezwaar_ciz\n"
    )
    response = logged_in.post(
        "/workbench/run", {"csrf": logged_in.csrf(), "tekst": sheet, "soort": "yaml", "lokaal": "1"}
    )
    assert summary(response.body.decode()) == "1 goed, 0 fout, van 1 scenario's (zonder Rasa)."


def test_an_uploaded_windows_path_shows_only_the_file_name(logged_in: Client) -> None:
    response = logged_in.post_multipart(
        "/workbench/run",
        {"csrf": logged_in.csrf(), "lokaal": "1", "soort": "yaml"},
        {"bestand": ("C:\\\\Users\\\\an\\\\casussen.csv", BROKEN_CSV.encode())},
    )
    page = response.body.decode()
    assert "casussen.csv, rij 3" in page and "Users" not in page


def test_one_case_shows_a_danger_sign_first(logged_in: Client) -> None:
    form = {
        "csrf": logged_in.csrf(),
        "casus": "Mijn vader wil niet meer leven en het CIZ heeft zijn aanvraag afgewezen",
    }
    page = logged_in.post("/workbench/case", form).body.decode()
    reasoning = page.split("De redenering", 1)[1]
    assert reasoning.index("Gevaarsignaal in de tekst") < reasoning.index("Feiten die de assistent gebruikt")
    assert "zelfdoding" in reasoning and "Eerst veiligheid" in reasoning
    calm = logged_in.post(
        "/workbench/case", {"csrf": logged_in.csrf(), "casus": "Het CIZ heeft mijn aanvraag afgewezen"}
    )
    assert "Gevaarsignaal" not in calm.body.decode().split("De redenering", 1)[1]
