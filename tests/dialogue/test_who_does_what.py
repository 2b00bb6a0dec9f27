"""'Wie doet wat?' matches the stappenplan woonzorgplek (S2) cell by cell (issue 15, item 4): under each party the
tasks whose cell in that party's column is filled, in that cell's own words (an "X" is the task itself, "X. ..." the
task with the cell's remark), every task and no cut-off, the situation's own actions text, and a doubt about the
column said where the seed's table does not show it reliably."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from opschaling import render
from opschaling.catalogue import load_catalogue
from opschaling.facts import CaseFacts

CATALOGUE = load_catalogue()
SITUATIONS = CATALOGUE.woonzorgplek["situations"]
PARTIES = ("zorgaanbieder", "zorgkantoor", "clientondersteuner")


def _text(situation, role: str = "naaste") -> str:
    advice = SimpleNamespace(step=SimpleNamespace(woonzorgplek=situation))
    return render.who_does_what_text(advice, CATALOGUE, CaseFacts.from_slots({"role": role}))


def _sections(text: str) -> dict[str, str]:
    """The lines under each party's label."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text.split("\n"):
        if re.match(r"^(U \(|De |Het ).*:$", line):
            current = line
            out[current] = []
        elif current and line.startswith("- "):
            out[current].append(line)
    return {k: " ".join(" ".join(v).split()) for k, v in out.items()}


def _flat(value) -> str:
    return " ".join(str(value).split())


@pytest.mark.parametrize("situation", SITUATIONS, ids=[s["id"] for s in SITUATIONS])
def test_each_party_gets_its_own_cells(situation):
    sections = _sections(_text(situation))
    labels = {
        **render.PARTY_LABEL,
        **{p: "De " + v[0].lower() + v[1:] for p, v in (situation.get("column_labels") or {}).items()},
    }
    for task in situation["tasks"]:
        title = _flat(task["task"])
        for party in PARTIES:
            cell = task.get(party)
            section = sections.get(labels[party] + ":", "")
            plain = re.sub(r" \([^)]*\)", "", section)  # without the jargon brackets
            if cell is True:
                assert re.sub(r" \([^)]*\)", "", title)[:40] in plain, (party, title)
            elif isinstance(cell, str) and cell.startswith("X."):
                assert re.sub(r" \([^)]*\)", "", _flat(cell[2:]))[:40] in plain, (party, cell)
            elif isinstance(cell, str):
                assert re.sub(r" \([^)]*\)", "", _flat(cell))[:40] in plain, (party, cell)
                assert title[:40] not in plain, f"{party} gets the task title instead of its own cell: {title}"


def test_the_conditions_in_a_cell_are_kept():
    situation = next(s for s in SITUATIONS if s["id"] == "whole_system")
    zorgkantoor = _sections(_text(situation))["Het zorgkantoor:"]
    assert "indien de relatie tussen aanbieder en cliënt verstoord is en er geen OCO is" in zorgkantoor


def test_the_situations_own_actions_text_is_shown_whole():
    situation = next(s for s in SITUATIONS if s["id"] == "geen_dossierhouder")
    text = _text(situation)
    assert "woonprofiel, wensprofiel" in text and "binnen vijf of tien dagen" in text


def test_a_doubt_about_the_column_is_said():
    situation = next(s for s in SITUATIONS if any(t.get("column_uncertain") for t in s["tasks"]))
    assert "niet duidelijk bij wie deze taak hoort" in _text(situation)


def test_the_users_own_party_comes_first_as_u():
    situation = next(s for s in SITUATIONS if s["id"] == "zorg_niet_passend")
    lines = [line for line in _text(situation, role="zorgkantoor_medewerker").split("\n") if line.endswith(":")]
    assert lines[0] == "U (het zorgkantoor):"
