"""The reading lexicons (lexicon/situations.yaml, lexicon/follow_up.yaml, lexicon/moves.yaml): well formed, and every entry reads its
own examples as itself and its `not` examples as something else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from opschaling import load_catalogue, understand

ROOT = Path(__file__).resolve().parents[2]
SITUATIONS = yaml.safe_load((ROOT / "lexicon" / "situations.yaml").read_text(encoding="utf-8"))
FOLLOW_UP = yaml.safe_load((ROOT / "lexicon" / "follow_up.yaml").read_text(encoding="utf-8"))
MOVES = yaml.safe_load((ROOT / "lexicon" / "moves.yaml").read_text(encoding="utf-8"))


def _cases(raw: dict, group: str) -> list[tuple[str, str, bool]]:
    return [
        (name, text, positive)
        for name, entry in raw[group].items()
        for positive, key in ((True, "examples"), (False, "not"))
        for text in entry.get(key) or ()
    ]


def test_every_situation_of_the_lexicon_is_a_route_and_every_route_has_words():
    routes = set(load_catalogue().routes)
    assert set(SITUATIONS["situations"]) == routes


def test_every_cue_compiles_has_a_weight_and_every_entry_has_examples():
    for name, entry in SITUATIONS["situations"].items():
        assert entry.get("examples") and entry.get("not"), name
        for cue in entry["cues"]:
            re.compile(cue["pattern"])
            assert isinstance(cue["weight"], int) and cue["weight"] > 0, (name, cue)
    for name, entry in [*FOLLOW_UP["topics"].items(), *MOVES["topics"].items()]:
        assert entry.get("examples") and entry.get("not"), name
        for pattern in entry["patterns"]:
            re.compile(pattern)


@pytest.mark.parametrize(("situation", "text", "positive"), _cases(SITUATIONS, "situations"))
def test_situation_examples(situation, text, positive):
    found = understand.guess_situation(text)
    if positive:
        assert found == situation, (found, understand.SITUATIONS.scores(text))
    else:
        assert found != situation, understand.SITUATIONS.scores(text)


@pytest.mark.parametrize(("topic", "text", "positive"), _cases(FOLLOW_UP, "topics"))
def test_follow_up_examples(topic, text, positive):
    found = next(iter(understand.follow_up_topics(text)), None)  # the first topic the question asks about
    assert (found == topic) is positive, found


@pytest.mark.parametrize(("move", "text", "positive"), _cases(MOVES, "topics"))
def test_move_examples(move, text, positive):
    found = understand.move_of(text)
    assert (found == move) is positive, found


def test_a_tie_goes_to_the_situation_written_first():
    lexicon = understand.SituationLexicon(
        threshold=2,
        cues=(
            ("eerste", (understand._Cue(re.compile(r"\bwoord\b"), 2, 1),)),
            ("tweede", (understand._Cue(re.compile(r"\bwoord\b"), 2, 1),)),
        ),
    )
    assert lexicon.best("een woord") == "eerste"
    assert lexicon.best("niets") is None


def test_a_cue_with_max_counts_each_mention_up_to_its_max():
    lexicon = understand.SituationLexicon(
        threshold=2, cues=(("kastje", (understand._Cue(re.compile(r"\bzegt\b"), 1, 2),)),)
    )
    assert lexicon.scores("a zegt, b zegt, c zegt") == {"kastje": 2}
    assert lexicon.best("a zegt") is None  # one hint is not enough


ENGLISH = yaml.safe_load((ROOT / "lexicon" / "english.yaml").read_text(encoding="utf-8"))
SHORTHAND = yaml.safe_load((ROOT / "lexicon" / "shorthand.yaml").read_text(encoding="utf-8"))
GLOSSARIES = {"english": ENGLISH, "shorthand": SHORTHAND}


@pytest.mark.parametrize(
    ("glossary", "dutch", "text", "positive"),
    [
        (name, term["nl"], text, positive)
        for name, glossary in GLOSSARIES.items()
        for term in glossary["terms"]
        for positive, key in ((True, "examples"), (False, "not"))
        for text in term.get(key) or ()
    ],
)
def test_glossary_examples(glossary, dutch, text, positive):
    # each term puts its Dutch words in for its examples, and its patterns leave its `not` examples alone
    term = next(t for t in GLOSSARIES[glossary]["terms"] if t["nl"] == dutch)
    own = [re.compile(p, re.IGNORECASE) for p in term["patterns"]]
    assert any(p.search(text) for p in own) is positive, (dutch, text)
    if positive:
        assert dutch.lower() in understand.gloss(text).lower(), understand.gloss(text)


def test_every_glossary_term_has_examples_and_both_kinds():
    for glossary in GLOSSARIES.values():
        for term in glossary["terms"]:
            assert term.get("examples") and term.get("not") and term["patterns"], term["nl"]
