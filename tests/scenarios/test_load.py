"""Reading scenario files: YAML, CSV (';' or ',', UTF-8 with/without BOM, Windows-1252) and .xlsx mean the same;
mistakes are named with file, row or line, and field, and then nothing loads."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from opschaling.scenarios.load import ScenarioError, decode, load
from opschaling.scenarios.model import Answer

HEADER = [
    "naam",
    "bericht",
    "organisatie",
    "al geprobeerd",
    "datum",
    "vervolg",
    "verwacht",
    "niet",
    "termijn",
    "veiligheid eerst",
    "thema",
]
ROWS = [
    [
        "Bezwaar gemeente",
        "De gemeente wees mijn aanvraag af | ik ben het er niet mee eens",
        "de gemeente",
        "bezwaar_gemeente: nee, nog niet | anders: ja, maar het hielp niet",
        "de brief is van 3 november 2026",
        "wat is het CCE?",
        "bezwaar bij de gemeente",
        "bezwaar_ciz | Nationale Ombudsman",
        "15-12-2026",
        "nee",
        "besluit",
    ],
    ["Cliënt in gevaar, één woord", "help", "weet ik niet", "", "", "", "het Juiste Loket", "", "", "ja", ""],
]
YAML = """\
- naam: Bezwaar gemeente
  thema: besluit
  bericht: [De gemeente wees mijn aanvraag af, ik ben het er niet mee eens]
  antwoorden:
    organisatie: de gemeente
    al geprobeerd:
      bezwaar_gemeente: nee, nog niet
      anders: ja, maar het hielp niet
    datum: de brief is van 3 november 2026
  vervolg: wat is het CCE?
  verwacht: bezwaar bij de gemeente
  niet: [bezwaar_ciz, Nationale Ombudsman]
  termijn: 2026-12-15
  veiligheid eerst: nee
- naam: Cliënt in gevaar, één woord
  bericht: help
  antwoorden: {organisatie: weet ik niet}
  verwacht: het Juiste Loket
  veiligheid eerst: ja
"""


def _csv(path: Path, delimiter: str, encoding: str, rows=ROWS, header=HEADER) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _xlsx(path: Path, rows=ROWS, header=HEADER) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _plain(scenarios):
    return [replace(s, origin="") for s in scenarios]


@pytest.fixture
def from_yaml(tmp_path, names):
    path = tmp_path / "set.yaml"
    path.write_text(YAML, encoding="utf-8")
    return load([path], names)


def test_yaml_fields(from_yaml):
    first, second = from_yaml
    assert first.name == "Bezwaar gemeente"
    assert first.messages == ("De gemeente wees mijn aanvraag af", "ik ben het er niet mee eens")
    assert first.expected == ("bezwaar_gemeente",)
    assert first.not_expected == ("bezwaar_ciz", "nationale_ombudsman")
    assert first.deadline == date(2026, 12, 15)
    assert first.followups == ("wat is het CCE?",)
    assert first.theme == "besluit"
    assert first.safety_first is False
    assert first.answers["organisation"] == Answer(("de gemeente",))
    outcome = first.answers["step_outcome"]
    assert outcome.pick(0, "bezwaar_gemeente") == "nee, nog niet"
    assert outcome.pick(0, "beroep_rechtbank") == "ja, maar het hielp niet"
    assert first.answers["decision_date"].pick(0) == "de brief is van 3 november 2026"
    assert second.expected == ("juiste_loket",) and second.safety_first is True
    assert second.answers["organisation"].pick(5) == "weet ik niet"


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_means_the_same_as_yaml(tmp_path, names, from_yaml, delimiter, encoding):
    path = _csv(tmp_path / "set.csv", delimiter, encoding)
    assert _plain(load([path], names)) == _plain(from_yaml)


def test_cp1252_accents_survive(tmp_path, names):
    path = _csv(tmp_path / "oud.csv", ";", "cp1252")
    assert path.read_bytes().count("Cliënt".encode("cp1252")) == 1
    assert load([path], names)[1].name == "Cliënt in gevaar, één woord"


def test_decode_detects_bom_utf8_and_cp1252():
    assert decode("\ufeffnaam;ë".encode("utf-8")) == "naam;ë"
    assert decode("naam;ë".encode()) == "naam;ë"
    assert decode("naam;ë".encode("cp1252")) == "naam;ë"


def test_xlsx_means_the_same_as_yaml(tmp_path, names, from_yaml):
    path = _xlsx(tmp_path / "set.xlsx")
    assert _plain(load([path], names)) == _plain(from_yaml)


def test_xlsx_real_date_cell(tmp_path, names):
    from datetime import datetime

    rows = [["Met datumcel", "bezwaar", "", "", "", "", "juiste_loket", "", datetime(2026, 12, 15), "", ""]]
    path = _xlsx(tmp_path / "datum.xlsx", rows=rows)
    assert load([path], names)[0].deadline == date(2026, 12, 15)


def test_shipped_example_is_the_same_in_three_forms(repo_root, names):
    forms = [load([repo_root / "scenarios" / f"voorbeeld.{ext}"], names) for ext in ("yaml", "csv", "xlsx")]
    assert len(forms[0]) >= 2
    assert _plain(forms[0]) == _plain(forms[1]) == _plain(forms[2])


def test_folder_loads_every_form(tmp_path, names):
    (tmp_path / "a.yaml").write_text(YAML, encoding="utf-8")
    _csv(tmp_path / "b.csv", ";", "utf-8")
    (tmp_path / "notities.txt").write_text("geen scenario", encoding="utf-8")
    assert len(load([tmp_path], names)) == 4


# ---------------------------------------------------------------------------------------------------------------
# errors: file, row/line and field named, in Dutch; nothing loads
# ---------------------------------------------------------------------------------------------------------------
def _problems(paths, names) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load(paths, names)
    return info.value.problems


def test_unknown_step_names_file_row_and_field(tmp_path, names):
    rows = [ROWS[0], ["Fout", "hallo", "", "", "", "", "wijkteam van de buurt", "", "", "", ""]]
    path = _csv(tmp_path / "fout.csv", ";", "utf-8", rows=rows)
    problems = _problems([path], names)
    assert problems == [
        f"{path}, rij 3, veld 'verwacht': onbekende stap 'wijkteam van de buurt' "
        "(gebruik een instantie uit catalogue/bodies, bijvoorbeeld juiste_loket)"
    ]


def test_unknown_column_is_named(tmp_path, names):
    path = _csv(tmp_path / "kop.csv", ";", "utf-8", header=[*HEADER[:-1], "kleur"])
    problems = _problems([path], names)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}, rij 1, kolom 11: onbekend veld 'kleur'")


def test_yaml_errors_name_the_line_and_field(tmp_path, names):
    path = tmp_path / "fout.yaml"
    path.write_text(
        YAML + "- naam: Zonder bericht\n  verwacht: juiste_loket\n  termijn: morgenochtend\n"
        "  antwoorden:\n    schoenmaat: 42\n",
        encoding="utf-8",
    )
    problems = _problems([path], names)
    assert f"{path}, regel 20, veld 'bericht': ontbreekt (wat typt de gebruiker als eerste?)" in problems
    assert any(p.startswith(f"{path}, regel 20, veld 'termijn': 'morgenochtend' is geen datum") for p in problems)
    assert any(p.startswith(f"{path}, regel 20, veld 'antwoorden/schoenmaat': onbekend onderwerp") for p in problems)
    assert len(problems) == 3


def test_invalid_yaml_names_the_line(tmp_path, names):
    path = tmp_path / "kapot.yaml"
    path.write_text("- naam: a\n  bericht: Klacht over de gemeente: geen reactie\n", encoding="utf-8")
    problems = _problems([path], names)
    assert len(problems) == 1 and problems[0].startswith(f"{path}, regel 2: dit is geen geldige YAML")


def test_one_bad_file_stops_every_file(tmp_path, names):
    good = tmp_path / "goed.yaml"
    good.write_text(YAML, encoding="utf-8")
    bad = tmp_path / "slecht.yaml"
    bad.write_text("- naam: x\n  bericht: y\n  verwacht: nergens\n  veiligheid eerst: misschien\n", encoding="utf-8")
    problems = _problems([good, bad], names)
    assert [p.split(",")[0] for p in problems] == [str(bad), str(bad)]
    assert any("veld 'veiligheid eerst': schrijf ja of nee" in p for p in problems)


def test_duplicate_name_in_one_file(tmp_path, names):
    path = tmp_path / "dubbel.yaml"
    path.write_text(
        YAML + "- naam: Bezwaar gemeente\n  bericht: nog eens\n  verwacht: juiste_loket\n", encoding="utf-8"
    )
    problems = _problems([path], names)
    assert problems == [f"{path}, regel 20, veld 'naam': de naam 'Bezwaar gemeente' staat ook op {path}, regel 1"]


def test_empty_folder_is_an_error(tmp_path, names):
    assert "geen scenariobestanden gevonden" in _problems([tmp_path], names)[0]
