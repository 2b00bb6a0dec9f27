"""The shipped conversation test set (scenarios/*.yaml): size, coverage, and every conversation through the real
dialogue without Rasa (a real test: it fails when the dialogue or the engine gets a route wrong)."""
from __future__ import annotations

from collections import Counter
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
    "naaste": ("dochter", "zoon", "moeder", "vader", "ouder", "zus", "broer", "neef", "tante", "partner",
               "naaste", "ik ben zijn vrouw", "ik ben de zus"),
    "vertegenwoordiger": ("mentor", "curator", "bewindvoerder", "ik ben mentor"),
    "clientondersteuner": ("clientondersteuner",),
    "zorgaanbieder": ("zorgaanbieder",),
    "zorgprofessional": ("zorgprofessional",),
    "gemeente_medewerker": ("gemeente medewerker",),
    "zorgkantoor_medewerker": ("zorgkantoor medewerker",),
}
_WORD_ROLE = {normalise(w): role for role, words in ROLE_WORDS.items() for w in words}
CORRECTION_WORDS = ("nee", "sorry", "wacht", "toch", "oh")


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
    steps = {r.body for route in catalogue.routes.values() for r in route.rungs} | \
            {route.final for route in catalogue.routes.values() if route.final}
    missing_steps = sorted((steps & set(catalogue.bodies)) - expected)
    assert not missing_steps, f"no scenario expects these steps: {missing_steps}"
    texts = " ".join(normalise(t) for s in shipped for t in (*s.messages, *s.followups))
    others = sorted(set(catalogue.bodies) - steps - {"huisarts_crisis"})
    unnamed = [b for b in others
               if not any(normalise(n) in texts for n in (catalogue.bodies[b].short_label, b.replace("_", " ")))]
    assert not unnamed, f"no scenario mentions these support-only bodies: {unnamed}"
    assert any(s.safety_first for s in shipped)  # huisarts_crisis: the crisis message


def test_every_route_and_stappenplan_situation_is_covered(shipped):
    catalogue = load_catalogue()
    themes = Counter(s.theme for s in shipped)
    for route in catalogue.routes:
        assert any(t and (t == route or t.startswith(route.split("_")[0])) for t in themes), route
    notes = " ".join(str(getattr(s, "note", "")) for s in shipped)
    raw = " ".join(p.read_text(encoding="utf-8") for p in FILES)
    for situation in catalogue.woonzorgplek.get("situations", ()):
        assert f"stappenplan woonzorgplek: {situation['id']}" in raw, situation["id"]
    for intervention in catalogue.complexe_casuistiek.get("interventions", ()):
        if intervention.get("body"):
            body = intervention["body"]
            assert body in {b for s in shipped for b in s.expected}, (intervention["id"], body)
    assert notes is not None


def test_all_shipped_scenarios_pass_locally(shipped):
    """Every conversation through opschaling.dialogue.respond (intent=None, keyword situation guess)."""
    from opschaling.scenarios.report import console
    from opschaling.scenarios.run_local import run_all

    results = run_all(shipped)
    failed = [r for r in results if not r.passed]
    assert not failed, console(failed)
