"""Ordinary care messages: the non-danger examples of the NLU data (data/nlu/ and tests/nlu/heldout.yml)
are realistic hard negatives. A few of them rightly carry a sign (a case with "huiselijk geweld", a client
who harms herself), so the bound is a rate, not zero."""

import re

import yaml

from opschaling import safety
from tests.safety.safetylib import ROOT, training_examples

MARKUP = re.compile(r"\[([^\[\]]*)\](?:\([^()]*\)|\{[^{}]*\})")
MAX_FLAGGED = 0.04


def nlu_heldout_examples():
    data = yaml.safe_load((ROOT / "tests" / "nlu" / "heldout.yml").read_text(encoding="utf-8"))
    for item in data["nlu"]:
        for line in item["examples"].splitlines():
            if line.strip().startswith("- "):
                yield item["intent"], line.strip()[2:]


def flagged(examples):
    texts = [MARKUP.sub(r"\1", ex) for intent, ex in examples if intent != "acute_nood"]
    hits = [(t, safety.rule_signal(t)) for t in texts]
    return texts, [(t, s.kind, s.evidence) for t, s in hits if s]


def test_care_messages_in_the_training_data_rarely_raise_an_alarm():
    texts, hits = flagged((intent, ex) for _, intent, ex in training_examples())
    print(f"\ntraining data: {len(hits)} of {len(texts)} non-danger examples flagged")
    assert len(texts) > 500
    assert len(hits) / len(texts) <= MAX_FLAGGED, hits


def test_care_messages_in_the_nlu_heldout_rarely_raise_an_alarm():
    texts, hits = flagged(nlu_heldout_examples())
    print(f"\nNLU held-out: {len(hits)} of {len(texts)} non-danger examples flagged")
    assert len(texts) > 200
    assert len(hits) / len(texts) <= MAX_FLAGGED, hits


def test_acute_nood_heldout_examples_are_found():
    texts = [MARKUP.sub(r"\1", ex) for intent, ex in nlu_heldout_examples() if intent == "acute_nood"]
    assert texts
    assert [t for t in texts if not safety.rule_signal(t)] == []
