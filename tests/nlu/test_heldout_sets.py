"""The held-out sets stay held out: no message (normalised) occurs anywhere under data/ or in another set,
they are big enough, use only intents of the domain, and every external message names its source page."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

from measure.data import load_danger, load_nlu_file, normalise, user_texts_under  # noqa: E402

SETS = {
    "heldout": (ROOT / "tests" / "nlu" / "heldout.yml", 400),
    "external": (ROOT / "tests" / "nlu" / "heldout_external.yml", 100),
    "danger": (ROOT / "tests" / "nlu" / "danger_heldout.yml", 100),
}


@cache
def data_texts() -> frozenset:
    return frozenset(normalise(t) for t in user_texts_under(ROOT / "data") if normalise(t))


@cache
def examples(name: str):
    path = SETS[name][0]
    if not path.exists():
        return []
    return load_danger(path) if name == "danger" else load_nlu_file(path)


def domain_intents() -> set:
    doc = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {i if isinstance(i, str) else next(iter(i)) for i in doc["intents"]} | {"nlu_fallback"}


def leaks(texts, known) -> list:
    return [t for t in texts if normalise(t) in known]


def test_leak_check_finds_a_training_text():
    some = sorted(data_texts())[0]
    assert leaks([some.upper()], data_texts()), "the check must see through case"
    assert not leaks(["dit zinnetje staat nergens in de trainingsdata, echt nergens 4711"], data_texts())


def test_user_texts_under_reads_nlu_and_stories(tmp_path):
    (tmp_path / "nlu.yml").write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - [hoi](x) daar\n')
    (tmp_path / "stories.yml").write_text(
        'version: "3.1"\nstories:\n- story: s\n  steps:\n  - intent: greet\n    user: |\n      goedemorgen [CIZ](instantie)\n'
    )
    texts = user_texts_under(tmp_path)
    assert "hoi daar" in texts and "goedemorgen CIZ" in texts


@pytest.mark.parametrize("name", [n for n in SETS if SETS[n][0].exists()])
def test_no_overlap_with_anything_under_data(name):
    bad = leaks([e["text"] for e in examples(name)], data_texts())
    assert not bad, f"{name}: messages that also occur under data/: {bad}"


def test_sets_do_not_overlap_each_other():
    seen = {}
    dups = []
    for name in SETS:
        for e in examples(name):
            key = normalise(e["text"])
            if key in seen and seen[key] != name:
                dups.append((e["text"], seen[key], name))
            seen.setdefault(key, name)
    assert not dups, dups


def test_danger_set_has_dangerous_and_safe_messages():
    if not SETS["danger"][0].exists():
        pytest.skip("tests/nlu/danger_heldout.yml not written yet (safety engineer)")
    kinds = {e["intent"] for e in examples("danger")}
    assert kinds == {"acute_nood", "geen_gevaar"} and len(examples("danger")) >= SETS["danger"][1]


@pytest.mark.parametrize("name", ["heldout", "external"])
def test_set_size_and_intents(name):
    exs = examples(name)
    assert len(exs) >= SETS[name][1], f"{name}: {len(exs)} messages"
    unknown = {e["intent"] for e in exs} - domain_intents()
    assert not unknown, f"{name}: intents not in domain.yml: {unknown}"


def test_heldout_has_the_situation_intents_that_have_training_data():
    trained = {e["intent"] for f in (ROOT / "data" / "nlu").glob("*.yml") for e in load_nlu_file(f)}
    held = {e["intent"] for e in examples("heldout")}
    missing = sorted(trained - held - {"feedback"})
    assert not missing, f"intents with training data but no held-out messages: {missing}"


def test_external_messages_name_their_source():
    bad = [e["text"] for e in examples("external") if not re.match(r"https?://\S+$", e.get("source") or "")]
    assert not bad, f"external messages without a source address: {bad}"
    assert len({e["source"] for e in examples("external")}) >= 30, "phrased after many different pages"
