"""Runs of punctuation and symbols reach the NLU bounded, so spaCy's tokenizer does linear work on them.

spaCy's tokenizer (``nl_core_news_sm``, the pipeline's ``SpacyNLP``) splits prefixes and suffixes off a word one
character at a time, and looks at the whole rest of the word each time: quadratic in a run without spaces (issue 17's
second probe: 4,000 x "$" held the Rasa server's event loop 3.1 s, "a" + 3,999 x "[" 3.0 s, "([{" x 1,333 1.6 s).
The guard bounds such runs (:func:`channels.guard.bound_runs`). The tokenizer's work is counted (the characters its
prefix and suffix searches look at), not timed, as in tests/safety/test_backtracking.py; one generous time limit
on top.
"""

import asyncio
import time

import pytest
import spacy
from rasa.core.channels.channel import UserMessage

from channels.guard import MAX_SAME_SYMBOL, MAX_SYMBOL_RUN, Guard, bound_runs
from channels.rest import OpswCollectingOutput

LIMIT = 4000  # the guard's default OPSW_MAX_MESSAGE_CHARS

# hostile messages of any length n (the probe's three first)
HOSTILE = {
    "dollars": lambda n: "$" * n,
    "a + brackets": lambda n: "a" + "[" * (n - 1),
    "([{": lambda n: ("([{" * n)[:n],
    "brackets": lambda n: "[" * n,
    ".!": lambda n: (".!" * n)[:n],
    "US$": lambda n: ("US$" * n)[:n],  # a spaCy prefix with letters
    "C$A$": lambda n: ("C$A$" * n)[:n],
    "emoji": lambda n: "😀" * n,
    "emoji!": lambda n: ("😀!" * n)[:n],
    "quotes": lambda n: ("'\"«»" * n)[:n],
    "euro section dash": lambda n: ("€§—" * n)[:n],
    "underscores": lambda n: "_" * n,
    "word + dollars": lambda n: "hallo" + "$" * (n - 5),
    "dollars + word": lambda n: "$" * (n - 5) + "hallo",
    "runs of 16 between letters": lambda n: (("$" * 16 + "a") * n)[:n],
    "runs of 63 between words": lambda n: (((".!" * 32)[:63] + "abc") * n)[:n],
}

ORDINARY = [
    "Mijn moeder (87) wacht al 3 maanden op een plek!!! Wat kan ik doen???",
    "Het CIZ heeft de Wlz-indicatie afgewezen... en nu?",
    "Ik ben het niet eens met het besluit van 03-03-2026, t.a.v. de heer Jansen.",
    "Zie https://www.zorginstituutnederland.nl/Verzekerde+zorg/wlz-zorg?utm_source=x&a=1&b=2#kop-3 en "
    "https://example.nl/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p?q=1&r=2&s=3",
    "Mail naar jan.de-vries_2@example.nl of bel +31 (0)6-1234-5678 tussen 09:00-17:30 uur.",
    ":-) ;-) :'( ^_^ <3 :D :-/ >:( o_O ¯\\_(ツ)_/¯ (╯°□°)╯︵ ┻━┻",
    "**Vet**, _schuin_, `code`, ~~weg~~, [link](https://example.nl/pad_met_streep?x=1), > citaat\n"
    "- punt\n* punt\n1. een\n# Kop\n## Kop 2\n---\n***\n```\ncode\n```\n| a | b |\n|---|---|\n| 1 | 2 |",
    "==========\n----------------\n!!!!!!!!!!!!!!!! ???????????????? ................",
    "Dank je wel 😀😀😀🙏🙏 ❤️❤️ 👍🏽",
    "Bedrag: € 1.234,56 / $ 99,- (ca. 50%) — §7.1.1 Wlz; art. 3:2 BW; 1+1=2; a*b; #zorg @gemeente",
    "Het is 20°C, 5 km/h, 3,5 kg; n.v.t.; z.s.m.; d.w.z.; o.a.; m.b.t.; 's ochtends; zo'n; d'r",
    "\"Aanhalingstekens\", 'enkele', „Nederlandse”, «Franse», ‘krul’ en (haakjes [binnen {haakjes}])",
    "Zalgo-achtig: e\u0301e\u0301 a\u0300 نَعَم नमस्ते สวัสดีครับ 你好，世界！",
    "Base64: QWxhZGRpbjpvcGVuIHNlc2FtZQ==, hash: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "ik wil niet meer leven",
]


def run(coro):
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def tokenizer():
    """The tokenizer of the pipeline's spaCy model (config.yml: SpacyNLP, nl_core_news_sm)."""
    return spacy.load("nl_core_news_sm").tokenizer


@pytest.fixture(scope="module")
def counted(tokenizer):
    """The tokenizer with its prefix and suffix searches counted: the characters they look at. Its cache is emptied
    before each text, so every text is split afresh."""
    work = {"chars": 0}
    prefix_search, suffix_search = tokenizer.prefix_search, tokenizer.suffix_search

    def count(search):
        def counted_search(string):
            work["chars"] += len(string)
            return search(string)

        return counted_search

    tokenizer.prefix_search, tokenizer.suffix_search = count(prefix_search), count(suffix_search)

    def measure(text: str) -> int:
        tokenizer._flush_cache()
        work["chars"] = 0
        tokenizer(text)
        tokenizer(text.lower())  # SpacyNLP with case_sensitive: false reads the text in lower case
        return work["chars"]

    yield measure
    tokenizer.prefix_search, tokenizer.suffix_search = prefix_search, suffix_search


def longest_same_symbol(text: str) -> int:
    longest, length, previous = 0, 0, ""
    for ch in text:
        length = length + 1 if ch == previous and not ch.isalnum() and not ch.isspace() else 1
        previous = ch
        longest = max(longest, length if not ch.isalnum() and not ch.isspace() else 0)
    return longest


# The tokenizer takes one prefix or suffix off a piece without spaces at a time and searches the whole rest of the
# piece for the next: at most the symbols at its two ends (each at most MAX_SYMBOL_RUN once bounded) times its length,
# two searches each time, two texts (as written and in lower case). Unbounded, 4,000 x "$" is ~8,000 per character.
WORK_PER_CHAR = 2 * 2 * (2 * MAX_SYMBOL_RUN + 2)


def test_the_count_sees_the_quadratic_work(counted):
    """The measure itself: on the raw text the work per character grows with the run (quadratic in all)."""
    small, large = counted("$" * 400) / 400, counted("$" * 1600) / 1600
    assert large > 3 * small and large > WORK_PER_CHAR, (small, large)


@pytest.mark.parametrize("name", HOSTILE)
def test_tokenizer_work_is_linear_on_bounded_runs(counted, name):
    """The work per character stays under a bound that does not depend on the length of the message."""
    for n in (LIMIT // 4, LIMIT):
        text = bound_runs(HOSTILE[name](n))
        assert counted(text) <= WORK_PER_CHAR * len(text), (n, counted(text) / len(text))


@pytest.mark.parametrize("name", HOSTILE)
def test_bounded_runs_are_short(name):
    text = bound_runs(HOSTILE[name](LIMIT))
    assert longest_same_symbol(text) <= MAX_SAME_SYMBOL
    assert len(text) <= LIMIT + LIMIT // MAX_SYMBOL_RUN + 1
    for word in text.split():  # every piece without a space: at most MAX_SYMBOL_RUN symbols in a row
        symbols = 0
        for ch in word:
            symbols = symbols + 1 if not ch.isalnum() else 0
            assert symbols <= MAX_SYMBOL_RUN, (name, word[:80])


def test_probe_messages_tokenize_in_well_under_a_second(tokenizer):
    """The three messages of the probe (1.6-3.1 s of server time before), timed: a generous limit (measured:
    ~0.01 s; the tokenizer on the raw texts: 1.1-2.5 s)."""
    for name in ("dollars", "a + brackets", "([{"):
        text = bound_runs(HOSTILE[name](LIMIT))
        tokenizer._flush_cache()
        start = time.perf_counter()
        tokenizer(text.lower())
        assert time.perf_counter() - start < 0.5, name


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_passes_unchanged(text):
    assert bound_runs(text) == text


def test_examples():
    assert bound_runs("$" * 4000) == "$" * MAX_SAME_SYMBOL
    assert bound_runs("a" + "[" * 3999) == "a" + "[" * MAX_SAME_SYMBOL
    assert bound_runs("Help!!!!!!!!!!!!!!!!!!!!!!!!") == "Help" + "!" * MAX_SAME_SYMBOL
    assert bound_runs("-" * 17) == "-" * MAX_SAME_SYMBOL and bound_runs("-" * 16) == "-" * 16
    pieces = bound_runs("([{" * 1333).split(" ")
    assert "".join(pieces) == "([{" * 1333 and {len(p) for p in pieces[:-1]} == {MAX_SYMBOL_RUN}
    us = bound_runs("US$" * 100)  # a space after a symbol, not inside "US$"
    assert us.replace(" ", "") == "US$" * 100 and all(p.endswith("$") and p.startswith("US") for p in us.split())
    assert bound_runs("x" + "!?" * 32) == "x" + "!?" * 32  # 64 characters: not longer than the limit
    assert bound_runs("x" + "!?" * 32 + "!") == "x" + "!?" * 32 + " !"


class FakeRasa:
    def __init__(self):
        self.received = []

    async def __call__(self, message: UserMessage):
        self.received.append(message.text)
        await message.output_channel.send_response(message.sender_id, {"text": "Antwoord.", "opsw": {}})


async def send(guard, rasa, text, sender="s-runs"):
    out = OpswCollectingOutput()
    await guard.handle(UserMessage(text, out, sender, input_channel="rest"), rasa)
    return out.messages


@pytest.fixture
def guard(monkeypatch):
    g = Guard(max_chars=LIMIT, rate=(1000, 10.0), db_url="")

    async def no_mask(text):  # the masker has tests of its own; here: what the bounding passes on
        return text, []

    monkeypatch.setattr(g, "_mask", no_mask)
    return g


def test_the_guard_passes_bounded_runs_to_rasa(guard):
    rasa = FakeRasa()
    for make in (HOSTILE["dollars"], HOSTILE["a + brackets"], HOSTILE["([{"]):
        run(send(guard, rasa, make(LIMIT)))
    assert rasa.received[0] == "$" * MAX_SAME_SYMBOL
    assert rasa.received[1] == "a" + "[" * MAX_SAME_SYMBOL
    assert max(len(piece) for piece in rasa.received[2].split()) <= MAX_SYMBOL_RUN
    run(send(guard, rasa, "/" + "!" * 100))  # a typed payload: quoted text, bounded too
    assert rasa.received[3] == '"/' + "!" * MAX_SAME_SYMBOL + '"'


@pytest.mark.parametrize("text", ORDINARY[:4])
def test_the_guard_passes_ordinary_text_unchanged(guard, text):
    rasa = FakeRasa()
    run(send(guard, rasa, text))
    assert rasa.received == [text.strip()]


def test_feedback_comment_is_bounded_and_buttons_pass_as_offered(guard):
    rasa = FakeRasa()
    comment = "Top" + "!" * 40
    run(send(guard, rasa, '/feedback{"feedback": "up", "comment": "' + comment + '"}'))
    assert rasa.received == ['/feedback{"feedback":"up","comment":"Top' + "!" * MAX_SAME_SYMBOL + '"}']
    payload = '/inform{"situatie":"' + "-" * 20 + '"}'  # not a real payload; offered, so passed as it is
    guard.remember_offered("s-runs", [payload])
    run(send(guard, rasa, payload))
    assert rasa.received[-1] == payload
