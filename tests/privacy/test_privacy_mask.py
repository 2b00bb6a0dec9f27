"""channels.privacy.mask on a set of realistic Dutch messages (tests/privacy/pii_messages.yml):
no identifier may be left, and the near-misses (terms, dates, public numbers) stay as they are."""

import re
import time
from pathlib import Path

import pytest
import yaml

from channels import privacy

DATA = yaml.safe_load((Path(__file__).parent / "pii_messages.yml").read_text(encoding="utf-8"))
MESSAGES = DATA["messages"]
NEAR_MISSES = DATA["near_misses"]


def _digits(text):
    return re.sub(r"\D", "", text)


def leftovers(original, masked, identifiers):
    left = []
    for ident in identifiers:
        if ident in masked:
            left.append(ident)
            continue
        digits = _digits(ident)
        if len(digits) >= 6 and digits in _digits(masked):
            left.append(ident)  # the same digits with other separators
    return left


def test_the_set_is_large_enough():
    assert len(MESSAGES) >= 200
    assert len(NEAR_MISSES) >= 60
    kinds = {m["kind"] for m in MESSAGES}
    assert {"bsn", "telefoonnummer", "e-mail", "iban", "postcode", "geboortedatum", "naam", "adres"} <= kinds


def test_no_identifier_is_left_in_any_message():
    failures = []
    for item in MESSAGES:
        masked, kinds = privacy.mask(item["text"])
        left = leftovers(item["text"], masked, item["identifiers"])
        if left or not kinds:
            failures.append((item["text"], masked, left))
    assert not failures, "\n".join(f"{t!r} -> {m!r} left {l}" for t, m, l in failures[:20])


@pytest.mark.parametrize("kind", ["bsn", "telefoonnummer", "e-mail", "iban", "postcode", "geboortedatum"])
def test_each_kind_gets_its_readable_placeholder(kind):
    items = [m for m in MESSAGES if m["kind"] == kind]
    for item in items:
        masked, kinds = privacy.mask(item["text"])
        assert privacy.PLACEHOLDERS[kind] in masked, (item["text"], masked)
        assert kind in kinds


def test_near_misses_stay_unchanged():
    changed = [(t, privacy.mask(t)[0]) for t in NEAR_MISSES if privacy.mask(t)[0] != t]
    assert not changed, changed


@pytest.mark.parametrize(
    "text",
    [
        "6 weken",
        "Wlz",
        "artikel 4:8 Awb",
        "1 januari",
        "3 maart 2026",
        "088-789 10 00",
        "112",
        "113",
        "0800-0113",
        "0800-2000",
    ],
)
def test_named_near_misses_from_the_brief(text):
    assert privacy.mask(text) == (text, [])


def test_every_catalogue_phone_number_is_kept():
    import phonenumbers

    texts = [p.read_text(encoding="utf-8") for p in sorted((privacy.CATALOGUE / "bodies").glob("*.yaml"))]
    numbers = {m.raw_string for t in texts for m in phonenumbers.PhoneNumberMatcher(t, "NL")}
    assert numbers, "the catalogue gives phone numbers"
    for number in numbers:
        sentence = f"Moet ik {number} bellen?"
        assert privacy.mask(sentence)[0] == sentence, number


def test_bsn_that_fails_the_11_test_is_not_masked_without_the_word_bsn():
    assert privacy.mask("ordernummer 123456789")[0] == "ordernummer 123456789"  # fails the 11-test
    assert privacy.mask("mijn bsn is 123456789")[0] == "mijn bsn is [BSN]"  # typo'd BSN: still masked


def test_a_bsn_is_never_read_as_an_age():
    masked, kinds = privacy.mask("Mijn moeder is 123456782 en woont thuis")
    assert "123456782" not in masked and kinds == ["bsn"]


def test_decision_date_stays_but_birth_date_goes():
    masked, _ = privacy.mask("Besluit van 3 maart 2026, mijn moeder is geboren op 3 maart 1936.")
    assert masked == "Besluit van 3 maart 2026, mijn moeder is geboren op [geboortedatum]."


def test_insurers_and_bodies_are_not_names():
    for text in (
        "Het zorgkantoor Zilveren Kruis zegt nee.",
        "Ik heb een klacht over de Geschillencommissie Zorg.",
        "Kan de Nationale ombudsman helpen?",
        "Mijn vader heeft de ziekte van Parkinson.",
    ):
        assert privacy.mask(text)[0] == text


def test_mask_quick_does_not_use_deduce_and_masks_numbers():
    masked, kinds = privacy.mask_quick("bsn 123456782, bel 0612345678, Jan de Vries")
    assert masked == "bsn [BSN], bel [telefoonnummer], Jan de Vries"
    assert kinds == ["bsn", "telefoonnummer"]


def test_non_text_and_empty_pass_through():
    assert privacy.mask("") == ("", [])
    assert privacy.mask(None) == (None, [])


def _seconds(pattern, text):
    started = time.perf_counter()
    list(pattern.finditer(text))
    return time.perf_counter() - started


@pytest.mark.parametrize(
    "name", ["_POSTCODE", "_EMAIL", "_IBAN", "_MOBILE", "_BSN_CANDIDATE", "_BSN_AFTER_WORD", "_BIRTH"]
)
def test_every_pattern_stays_linear_on_hostile_input(name):
    """A run of spaces after a postcode held the event loop for 322 s (three \\s* in a row). The matching time of
    every pattern on hostile input grows like the text (x4), not like its square (x16) or cube (x64)."""
    pattern = getattr(privacy, name)
    hostile = [
        lambda n: "1234 AB" + " " * n + "x",
        lambda n: "1234 AB" + " ," * n,
        lambda n: "a@" + "b." * n + "!",
        lambda n: "NL12" + " ABCD" * n + "!",
        lambda n: "06" + " 1" * n,
        lambda n: "bsn " + "1 " * n,
        lambda n: "geboren op " + "1-" * n,
    ]
    for make in hostile:
        small, large = _seconds(pattern, make(1000)), _seconds(pattern, make(4000))
        assert large < 0.5 and large <= 10 * small + 0.02, (name, small, large)


def test_a_postcode_with_its_house_number_is_still_masked():
    for text in ("1234 AB 12", "1234AB, nr. 5", "1234 AB  nummer 7a"):
        masked, kinds = privacy.mask_quick("Ik woon op " + text + " in Utrecht")
        assert "postcode" in kinds and not any(c.isdigit() for c in masked), masked


def test_names_are_masked_in_pieces_so_the_work_stays_linear():
    pieces = privacy._chunks("Zin een. " * 200 + "x" * 50)
    assert all(len(p) <= privacy.NAME_CHUNK for _, p in pieces)
    assert "".join(p for _, p in pieces) == "Zin een. " * 200 + "x" * 50
    assert all(offset == sum(len(q) for _, q in pieces[:i]) for i, (offset, _) in enumerate(pieces))
    text = "Gisteren sprak ik Jan de Vries over de zorg. " * 60
    masked, kinds = privacy.mask(text)
    assert "Jan" not in masked and kinds.count("naam") >= 60


def _names(count: int) -> str:
    """``count`` different full names in a row (no piece comes twice, so nothing is read from the cache)."""
    first = [
        "Piet",
        "Jan",
        "Kees",
        "Henk",
        "Annie",
        "Fatima",
        "Joke",
        "Gerrit",
        "Willem",
        "Sanne",
        "Lotte",
        "Mohamed",
        "Ayse",
        "Bram",
    ]
    last = [
        "Jansen",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "Mulder",
        "Bos",
        "Vos",
        "Peters",
        "Hendriks",
        "Dekker",
        "Brouwer",
    ]
    return " ".join(f"{first[i % len(first)]} {last[(i // len(first)) % len(last)]}" for i in range(count))


def test_a_message_full_of_names_is_masked_in_time_that_grows_like_the_text():
    """deduce joins neighbouring names one step per round: 800 x "Piet" took 7 s, in pieces of 400 characters.
    Pieces hold at most NAME_CAPITALS capitalised words, so four times the names take about four times as long."""
    privacy.mask("Jan de Vries")  # loaded
    pieces = privacy._chunks(_names(100))
    assert all(len(privacy._CAPITAL_WORD.findall(p)) <= privacy.NAME_CAPITALS for _, p in pieces)
    assert "".join(p for _, p in pieces) == _names(100)
    timings = []
    for count in (50, 200):
        started = time.perf_counter()
        masked, kinds = privacy.mask(_names(count))
        timings.append(time.perf_counter() - started)
        assert "naam" in kinds and not re.search(r"[A-Z]", masked.replace("[naam]", "")), masked
    small, large = timings
    assert large <= 8 * small + 0.1, timings
    started = time.perf_counter()
    privacy.mask("Piet " * 800)
    assert time.perf_counter() - started < 2 * large + 0.5  # the same piece again is read once
