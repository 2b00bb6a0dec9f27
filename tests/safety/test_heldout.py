"""The rule part of opschaling.safety on the held-out danger set (tests/nlu/danger_heldout.yml).

The set is never used for training (data/nlu/) nor for tuning the rules (that is dev_examples.yml).
Recall and false-alarm rate are printed (pytest -s) and must stay within the bounds below for the rules
ALONE, because the NLU signal may be missing (no model, or the action runs without Rasa)."""

from collections import Counter

import pytest

from opschaling import safety
from tests.safety.safetylib import DEV, HELDOUT, KINDS, load_set, normalise, pairs, training_examples

MIN_RECALL = 0.95
MAX_FALSE_ALARMS = 0.05


def test_heldout_size_and_balance():
    data = load_set(HELDOUT)
    n_pos, n_neg = len(data["positives"]), len(data["negatives"])
    assert n_pos + n_neg >= 220
    assert 0.4 <= n_pos / (n_pos + n_neg) <= 0.6, (n_pos, n_neg)
    kinds = Counter(kind for _, kind in data["positives"])
    assert set(kinds) == set(KINDS) and min(kinds.values()) >= 25, kinds


def test_heldout_has_long_stories_and_no_duplicates():
    data = load_set(HELDOUT)
    texts = [t for t, _ in data["positives"]] + data["negatives"]
    assert len({normalise(t) for t in texts}) == len(texts)
    stories = [t for t, _ in data["positives"] if t.count(". ") >= 2]
    assert len(stories) >= 15


def test_heldout_never_in_training_data():
    train = {normalise(ex) for _, _, ex in training_examples()}
    assert len(train) > 500  # the NLU data was read
    data = load_set(HELDOUT)
    overlap = [t for t in [t for t, _ in data["positives"]] + data["negatives"] if normalise(t) in train]
    assert overlap == []


def test_heldout_not_in_development_examples():
    dev = {normalise(t) for t, _ in pairs(DEV)}
    overlap = [t for t, _ in pairs(HELDOUT) if normalise(t) in dev]
    assert overlap == []


def test_rules_alone_on_heldout():
    result = safety.evaluate(pairs(HELDOUT), use_model=False)
    print(
        f"\nheld-out danger set, rules alone: recall {result['recall']:.3f} ({result['n_pos']} positives), "
        f"false alarms {result['false_alarm_rate']:.3f} ({result['n_neg']} negatives), "
        f"kind right {result['kind_accuracy']:.3f}"
    )
    assert result["n_pos"] + result["n_neg"] == len(pairs(HELDOUT))
    assert result["recall"] >= MIN_RECALL
    assert result["false_alarm_rate"] <= MAX_FALSE_ALARMS


@pytest.mark.parametrize("kind", KINDS)
def test_rules_per_kind_on_heldout(kind):
    """Each kind is found on its own (not only on average), and mostly with the right kind."""
    texts = [t for t, k in load_set(HELDOUT)["positives"] if k == kind]
    signals = [safety.rule_signal(t) for t in texts]
    found = [s for s in signals if s]
    assert len(found) / len(texts) >= 0.9, [t for t, s in zip(texts, signals, strict=True) if not s]
    # a weapon used to threaten counts as violence (Veilig Thuis first, 112 in the same message: lexicon entry
    # "weapons"); the held-out set calls it acute
    accepted = {kind, safety.VIOLENCE} if kind == safety.ACUTE else {kind}
    assert sum(s.kind in accepted for s in found) / len(found) >= 0.9


def test_development_examples_are_met():
    result = safety.evaluate(pairs(DEV), use_model=False)
    assert result["recall"] == 1.0 and result["false_alarm_rate"] == 0.0, result


def test_blind_batch_e_is_reported():
    """Batch E was measured once, after all tuning (recall 0.67, no false alarms). It is not tuned on; the
    floor only catches a regression. The number is the honest estimate for unseen phrasings."""
    from tests.safety.safetylib import ROOT as _root

    batch = _root / "tests" / "safety" / "blind_batch_e.yml"
    result = safety.evaluate(pairs(batch), use_model=False)
    print(f"\nblind batch E, rules alone: recall {result['recall']:.3f}, false alarms {result['false_alarm_rate']:.3f}")
    assert result["n_pos"] == 30 and result["n_neg"] == 30
    assert result["recall"] >= 0.6 and result["false_alarm_rate"] <= 0.1
    overlap = {normalise(t) for t, _ in pairs(batch)} & (
        {normalise(t) for t, _ in pairs(HELDOUT)}
        | {normalise(t) for t, _ in pairs(DEV)}
        | {normalise(ex) for _, _, ex in training_examples()}
    )
    assert overlap == set()
