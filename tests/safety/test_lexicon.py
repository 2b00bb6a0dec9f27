"""lexicon/safety.yaml: valid against its schema, and every entry catches its positive examples and none of its
negative ones (the rules alone, entry by entry). A new danger sign is an entry with examples; this test runs them."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from opschaling import safety, safety_rules

ROOT = Path(__file__).resolve().parents[2]
LEXICON = ROOT / "lexicon" / "safety.yaml"
SCHEMA = ROOT / "lexicon" / "schema" / "safety.schema.yaml"
DATA = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
ENTRIES = DATA["entries"]


def entry_hits(entry: dict, text: str) -> list[safety_rules.Hit]:
    reading = safety_rules.read(text, after_sign=entry.get("context") == "after_sign")
    return [h for h in reading.hits if h.entry.id == entry["id"]]


def test_lexicon_validates_against_its_schema():
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(DATA)]
    assert errors == []


def test_entry_ids_are_unique_and_kinds_are_known():
    ids = [e["id"] for e in ENTRIES]
    assert len(ids) == len(set(ids))
    assert {e["kind"] for e in ENTRIES} <= set(DATA["kinds"])
    assert {e.get("other") for e in ENTRIES if e.get("other")} <= set(DATA["kinds"])
    names = set(DATA["unless"])
    named = [n for e in ENTRIES for key in ("unless", "unless_before", "unless_message") for n in e.get(key, [])]
    assert set(named) <= names


def test_every_kind_of_the_issue_has_an_entry():
    kinds = {e["kind"] for e in ENTRIES}
    for kind in (
        "suicide_explicit",
        "method_seeking",
        "self_harm",
        "violence_now",
        "elder_abuse",
        "carer_hurts",
        "missing_person",
        "medical_emergency",
        "passive",
        "worry",
    ):
        assert kind in kinds, kind


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_entry_catches_its_positive_examples(entry):
    missed = [t for t in entry["examples"]["positive"] if not entry_hits(entry, t)]
    assert missed == []


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_entry_stays_quiet_on_its_negative_examples(entry):
    caught = [t for t in entry["examples"]["negative"] if entry_hits(entry, t)]
    assert caught == []


def test_an_after_sign_entry_counts_only_after_a_sign():
    question = "hoeveel van die slaappillen zijn te veel?"
    assert safety.assess(question, use_model=False) is None
    signal = safety.assess(question, after_sign=True, use_model=False)
    assert signal is not None and signal.sign == "method_seeking" and signal.tier == safety.CRISIS


def test_a_broken_entry_is_refused_when_the_lexicon_loads(tmp_path):
    broken = dict(DATA, entries=[{**ENTRIES[0], "kind": "no_such_kind"}])
    path = tmp_path / "safety.yaml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown kind"):
        safety_rules.Lexicon(yaml.safe_load(path.read_text(encoding="utf-8")))
    gap = dict(DATA, entries=[{**ENTRIES[0], "patterns": ["wil ~9 dood"]}])
    with pytest.raises(ValueError, match="gap too long"):
        safety_rules.Lexicon(gap)


@pytest.mark.parametrize("pattern", ["end ~1 it ~1 all", "ik ~3 zo boos"])
def test_a_pattern_that_needs_a_filler_word_is_refused(tmp_path, pattern):
    """The reader drops fillers before matching (also once repeated letters count once: English "all" is read as
    "al"): a pattern that needs one can never match, so the lexicon refuses it ("end it all" was dead)."""
    entry = {**ENTRIES[0], "patterns": [pattern], "examples": {"positive": [], "negative": []}}
    path = tmp_path / "safety.yaml"
    path.write_text(yaml.safe_dump(dict(DATA, entries=[entry])), encoding="utf-8")
    with pytest.raises(ValueError, match="can never match"):
        safety_rules.load_lexicon(path)
