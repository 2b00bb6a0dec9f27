"""The detector stays linear on hostile input: no regex with nested or unbounded quantifiers between
patterns, and the matching work grows in proportion to the text (counted, not timed)."""

import re
import signal as os_signal

import pytest

from opschaling import safety, safety_rules

ADVERSARIAL = [
    lambda n: "ik|" * n,
    lambda n: "a" * (3 * n),
    lambda n: "wil " * n,
    lambda n: "niet meer " * (n // 2),
    lambda n: "zie het niet meer zitten met " * (n // 6),
    lambda n: "geen " * n,
    lambda n: "dood " * n,
    lambda n: "hij slaat " * (n // 2),
    lambda n: ("mijn vader " * n)[: 3 * n],
    lambda n: "!" * (3 * n),
    lambda n: "zelfmoordzelfmoord" * (n // 6),
    lambda n: "ik bang " * (n // 2),
    lambda n: "rook " * n,
    lambda n: "dreigt iets " * (n // 2),
]


@pytest.fixture
def counter(monkeypatch):
    calls = {"n": 0}
    original = safety_rules._match

    def counted(*args):
        calls["n"] += 1
        return original(*args)

    monkeypatch.setattr(safety_rules, "_match", counted)
    return calls


@pytest.fixture
def alarm():
    """A generous hard stop (60 s) so that a regression fails instead of hanging the suite."""

    def stop(*_):
        raise TimeoutError("safety.assess did not finish")

    previous = os_signal.signal(os_signal.SIGALRM, stop)
    os_signal.alarm(60)
    yield
    os_signal.alarm(0)
    os_signal.signal(os_signal.SIGALRM, previous)


def work(counter, text):
    counter["n"] = 0
    safety.assess(text, use_model=False)
    return counter["n"]


@pytest.mark.parametrize("make", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_work_grows_linearly(counter, alarm, make):
    small, large = make(2000), make(8000)
    w_small, w_large = work(counter, small), work(counter, large)
    assert w_large <= 4 * w_small * 1.1 + 200, (w_small, w_large)
    assert w_large <= 200 * len(safety._normalise(large)) + 1000


def test_huge_inputs_complete(alarm):
    assert safety.assess("ik|" * 40000) is None
    assert safety.assess("x" * 100_000) is None
    assert safety.assess("a " * 50_000 + "ik wil dood").kind == "suicide"
    # the learned model reads a huge message in a bounded number of chunks
    assert safety.assess("Mijn moeder wacht op een plek. " * 3000) is None


def test_module_regexes_have_no_nested_quantifiers():
    regexes = [v for module in (safety, safety_rules) for v in vars(module).values() if isinstance(v, re.Pattern)]
    assert regexes
    for rx in regexes:
        assert not re.search(r"\([^)]*[+*][^)]*\)[+*{]", rx.pattern), rx.pattern
        assert ".*" not in rx.pattern and ".+" not in rx.pattern, rx.pattern
