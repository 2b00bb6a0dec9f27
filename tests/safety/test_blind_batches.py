"""The blind batches (tests/safety/blind/) measure only while nothing was trained or tuned on them: none of their
messages may be in the learned model's training material (lexicon/training/) or in the lexicon's examples, and
every item has the format make eval reads (kinds and tiers of the lexicon)."""

from __future__ import annotations

from pathlib import Path

import yaml

from opschaling import safety_model
from opschaling.safety_rules import load_lexicon
from scripts.measure import safety_blind as sb

BLIND = Path(__file__).parent / "blind"
# two short method questions that a writer of the training material (T4) wrote word for word too, independently; the
# locked batch had them before: its figure includes them (tests/safety/blind/README.md)
SAME_WORDS = {"A1-014", "A2-023"}
# batch J (round 5): four method questions (Polish, Turkish, a garage) and two ordinary turns ("dank u", "ik ben 15")
# that training writers wrote word for word too; J's figure includes them
SAME_WORDS |= {"J1-021", "J1-091", "J2-057", "J2-068", "J2-183", "J2-211"}
# batch K (round 8): an ordinary second turn ("ik ben haar dochter") that training writers wrote word for word too
SAME_WORDS |= {"K1-026", "K1-106"}
# batch M (round 10): an ordinary second turn ("ik ben zijn dochter", "Ik ben zijn moeder.") that training writers
# wrote word for word too
SAME_WORDS |= {"M1-063", "M1-119", "M1-125", "M2-095"}
# batch R (round 12): ordinary second turns ("ik ben zijn dochter", "ik ben het zelf") that training writers wrote word
# for word too
SAME_WORDS |= {"R2-019", "R2-047", "R2-068", "R2-083", "R2-110", "R2-134", "R2-138"}
# batch S (round 13): two method questions (Polish, "hoeveel paracetamol is dodelijk") that training writers wrote word
# for word too
SAME_WORDS |= {"S1-042", "S2-017", "S2-115"}
NONE_KINDS = {"neg_figure", "neg_past", "neg_hard_day", "neg_death_dealt", "neg_policy", "neg_care"}


def _blind_items() -> list[sb.Item]:
    files = [f for folder in sorted(p for p in BLIND.iterdir() if p.is_dir()) for f in sb.batch_files(folder)]
    return sb.load_items(files)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def test_the_blind_batches_have_the_format_make_eval_reads():
    kinds = load_lexicon().kinds
    items = _blind_items()
    assert len(items) >= 880
    assert len({i.id for i in items}) == len(items)
    for item in items:
        assert item.kind in kinds or item.kind in NONE_KINDS, item.id
        assert item.tier in ("crisis", "check_in", "none"), item.id
        assert (item.sign_turn is None) == (item.tier == "none"), item.id
        assert item.sign_turn is None or item.sign_turn < len(item.turns), item.id


def test_no_blind_message_is_in_the_training_material_or_the_lexicon_examples():
    trained = {_norm(text) for text, _ in safety_model.written()}
    for entry in yaml.safe_load(Path("lexicon/safety.yaml").read_text(encoding="utf-8"))["entries"]:
        for group in ("positive", "negative"):
            trained |= {_norm(t) for t in entry["examples"].get(group, [])}
    leaked = [(i.id, t[:60]) for i in _blind_items() for t in i.turns if _norm(t) in trained and i.id not in SAME_WORDS]
    assert leaked == []
