"""The shipped conversation test set (scenarios/*.yaml): size, coverage, and every conversation through the real
dialogue without Rasa (a real test: it fails when the dialogue or the engine gets a route wrong)."""

from __future__ import annotations

from pathlib import Path

import pytest

from opschaling.catalogue import load_catalogue
from opschaling.facts import PROFESSIONAL_ROLES, ROLES
from opschaling.scenarios.load import load
from opschaling.scenarios.model import normalise

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if not p.name.startswith("voorbeeld"))

# how the role answers in the set are written -> role (checked statically, not through the dialogue)
ROLE_WORDS = {
    "client": ("ik ben het zelf", "client"),
    "jongere": ("jongere",),
    "naaste": (
        "dochter",
        "zoon",
        "moeder",
        "vader",
        "ouder",
        "zus",
        "broer",
        "neef",
        "tante",
        "partner",
        "naaste",
        "ik ben zijn vrouw",
        "ik ben de zus",
    ),
    "vertegenwoordiger": ("mentor", "curator", "bewindvoerder", "ik ben mentor"),
    "clientondersteuner": ("clientondersteuner",),
    "zorgaanbieder": ("zorgaanbieder",),
    "zorgprofessional": ("zorgprofessional",),
    "gemeente_medewerker": ("gemeente medewerker",),
    "zorgkantoor_medewerker": ("zorgkantoor medewerker",),
}
_WORD_ROLE = {normalise(w): role for role, words in ROLE_WORDS.items() for w in words}
CORRECTION_WORDS = ("nee", "sorry", "wacht", "toch", "oh")
CRISIS_WORDS = {  # crisis body -> words of its kind of danger (opschaling/safety.py: suicide, violence, acute)
    "zelfmoordpreventie_113": ("zelfmoord", "zelfdoding", "eind aan", "dood wil", "niet meer leven"),
    "veilig_thuis": ("slaat", "mishandel", "bedreigt", "geslagen"),
    "huisarts_crisis": ("verward", "in de war", "psychotisch"),
}


@pytest.fixture(scope="module")
def shipped(names):
    return load(FILES, names)


def role_of(scenario) -> str | None:
    answer = scenario.answers.get("role")
    return _WORD_ROLE.get(normalise(answer.answers[0])) if answer and answer.answers else None


def test_files_are_one_per_theme_and_large_enough(shipped):
    assert len(FILES) >= 8
    assert len(shipped) >= 130


def test_danger_professionals_and_corrections(shipped):
    assert sum(s.safety_first for s in shipped) >= 45
    assert sum(role_of(s) in PROFESSIONAL_ROLES for s in shipped) >= 22

    def corrects_or_does_not_know(s) -> bool:
        texts = [t for a in s.answers.values() for t in (*a.answers, *(x for v in a.by_step.values() for x in v))]
        unknown = any("weet ik niet" in normalise(t) for t in texts)
        correction = any(normalise(f).split(" ")[0] in CORRECTION_WORDS for f in s.followups)
        return unknown or correction

    assert sum(corrects_or_does_not_know(s) for s in shipped) >= 18


def test_every_role_is_in_the_set(shipped):
    unknown = [(s.origin, s.answers["role"].answers) for s in shipped if "role" in s.answers and role_of(s) is None]
    assert not unknown, f"role answers this test cannot map (add them to ROLE_WORDS): {unknown}"
    assert set(ROLES) <= {role_of(s) for s in shipped}


def test_every_body_is_covered(shipped):
    """Every body is an expected step somewhere; bodies no route recommends as a step (support only, crisis) are
    at least asked about by name in a conversation, or covered by the 'veiligheid eerst' scenarios."""
    catalogue = load_catalogue()
    expected = {b for s in shipped for b in s.expected}
    steps = {r.body for route in catalogue.routes.values() for r in route.rungs} | {
        route.final for route in catalogue.routes.values() if route.final
    }
    missing_steps = sorted((steps & set(catalogue.bodies)) - expected)
    assert not missing_steps, f"no scenario expects these steps: {missing_steps}"
    texts = " ".join(normalise(t) for s in shipped for t in (*s.messages, *s.followups))
    danger = " ".join(normalise(t) for s in shipped if s.safety_first for t in s.messages)
    crisis = {b for b, body in catalogue.bodies.items() if body.kind == "crisis"}
    for body in sorted(crisis):  # the crisis bodies: danger of their kind inside the 'veiligheid eerst' set
        words = CRISIS_WORDS.get(body)
        assert words, f"new crisis body {body}: add the danger words that lead to it to CRISIS_WORDS"
        assert any(w in danger for w in words), (body, words)
    others = sorted(set(catalogue.bodies) - steps - crisis)
    unnamed = [
        b
        for b in others
        if not any(normalise(n) in texts for n in (catalogue.bodies[b].short_label, b.replace("_", " ")))
    ]
    assert not unnamed, f"no scenario mentions these support-only bodies: {unnamed}"


def test_every_route_and_stappenplan_situation_is_covered(shipped):
    catalogue = load_catalogue()
    themes = {s.theme for s in shipped}
    assert set(catalogue.routes) <= themes, sorted(set(catalogue.routes) - themes)
    raw = " ".join(p.read_text(encoding="utf-8") for p in FILES)
    for situation in catalogue.woonzorgplek.get("situations", ()):
        assert f"stappenplan woonzorgplek: {situation['id']}" in raw, situation["id"]
    expected = {b for s in shipped for b in s.expected}
    for intervention in catalogue.complexe_casuistiek.get("interventions", ()):
        if intervention.get("body"):
            assert intervention["body"] in expected, (intervention["id"], intervention["body"])
        for body in intervention.get("see_also") or ():
            assert body in expected, (intervention["id"], body)


def test_all_shipped_scenarios_pass_locally(shipped):
    """Every conversation through opschaling.dialogue.respond (intent=None, keyword situation guess)."""
    from opschaling.scenarios.report import console
    from opschaling.scenarios.run_local import run_all

    results = run_all(shipped)
    failed = [r for r in results if not r.passed]
    assert not failed, console(failed)
