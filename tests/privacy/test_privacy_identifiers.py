"""Identifiers that slipped through channels.privacy (issue 17): a BSN written with dashes, a name typed in lower
case after "ik ben" / "mijn naam is", and the reverse, place names ("Den Haag") masked as a name. The masking stays
linear: the work of every new step grows like the text."""

import re
import time

import pytest

from channels import privacy


def _digits(text):
    return re.sub(r"\D", "", text)


# --- BSN with dashes or dots ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mijn bsn 111-222-333",
        "Mijn BSN is 111-222-333, kunt u kijken?",
        "bsn-nummer: 111-222-333",
        "111-222-333",
        "mijn burgerservicenummer is 1112-22-333",
        "111.222.333",
        "bsn 111.222.333",
    ],
)
def test_a_bsn_with_dashes_or_dots_is_masked(text):
    masked, kinds = privacy.mask(text)
    assert "[BSN]" in masked and "bsn" in kinds, masked
    assert "111222333" not in _digits(masked), masked


@pytest.mark.parametrize(
    "text",
    [
        "ordernummer 123-456-789",  # nine digits that fail the 11-test, without the word BSN
        "Ik kreeg een brief met kenmerk 2026-0045.",
        "De brief is van 12-03-2026.",
        "Het besluit kwam op 2026-02-01.",
    ],
)
def test_dashes_do_not_turn_other_numbers_into_a_bsn(text):
    assert privacy.mask(text) == (text, [])


# --- lower-case names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ik ben jan de vries", "ik ben [naam]"),
        ("mijn naam is jan de vries", "mijn naam is [naam]"),
        (
            "ik ben jan de vries en ik zorg voor mijn moeder",
            "ik ben [naam] en ik zorg voor mijn moeder",
        ),
        ("hallo, ik ben sven. ik woon in een flat", "hallo, ik ben [naam]. ik woon in een flat"),
        ("ik heet piet, mijn moeder heet anna bakker.", "ik heet [naam], mijn moeder heet [naam]."),
        ("naam: kees van der meer", "naam: [naam]"),
        ("mijn naam is jansen", "mijn naam is [naam]"),
        ("goede avond ik ben meneer jansen", "goede avond ik ben [naam]"),
    ],
)
def test_a_name_in_lower_case_after_ik_ben_or_mijn_naam_is_is_masked(text, expected):
    masked, kinds = privacy.mask(text)
    assert masked == expected
    assert "naam" in kinds


@pytest.mark.parametrize(
    "text",
    [
        "ik ben bang dat hij weer slaat",
        "ik ben moe",
        "ik ben niks meer, alleen lastig",  # a danger sign: 'Niks' is a surname in deduce's list
        "Ik ben oud, ik ben alleen",
        "Ik ben de buurman van een mevrouw",
        "Ik ben maatje via de vrijwilligers",
        "ik ben pas 15 en mama werkt",
        "Ik ben te oud hiervoor",
        "ik ben de dochter van mijn moeder",
        "ik ben mantelzorger",
        "ik ben ten einde raad",
        "hoe heet dat formulier?",
        "het heet bezwaar maken",
    ],
)
def test_ordinary_words_after_ik_ben_are_no_name(text):
    assert privacy.mask(text) == (text, [])


# --- place names -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ik woon in Den Haag.",
        "De gemeente Den Haag zegt nee.",
        "Mijn moeder woont in Den Bosch.",
        "Ik woon in 's-Hertogenbosch.",
        "Het zorgkantoor in Den Helder belt niet terug.",
        "Den Haag",
        "Ik woon in Roosendaal.",  # 'Roosendaal' is also a surname: a place after "in"
        "De gemeente Roosendaal zegt nee.",
        "Ik ben verhuisd naar Putten.",
    ],
)
def test_dutch_place_names_are_not_masked_as_a_name(text):
    assert privacy.mask(text) == (text, [])


def test_a_name_next_to_a_place_is_still_masked():
    assert privacy.mask("Jan de Vries uit Den Haag belde.") == ("[naam] uit Den Haag belde.", ["naam"])
    assert privacy.mask("Ik ben Jan de Vries en woon in Den Haag.")[0] == "Ik ben [naam] en woon in Den Haag."


@pytest.mark.parametrize("text", ["De Boer belde gisteren.", "Roosendaal belde mij terug."])
def test_a_surname_that_is_also_a_place_is_masked_without_a_place_word_before_it(text):
    masked, kinds = privacy.mask(text)
    assert masked.startswith("[naam] ") and kinds == ["naam"]


# --- linear work -----------------------------------------------------------------------------------------------------


def _seconds(pattern, text):
    started = time.perf_counter()
    list(pattern.finditer(text))
    return time.perf_counter() - started


@pytest.mark.parametrize("name", ["_BSN_AFTER_WORD", "_BIRTH", "_NAME_TRIGGER"])
@pytest.mark.parametrize("keyword", ["bsn", "bsn nummer", "geboren", "geboren op", "geb. datum", "naam", "ik ben"])
def test_a_keyword_followed_by_many_spaces_stays_linear(name, keyword):
    """'bsn' + 1,000 spaces + 'x' took 4 s in _BSN_AFTER_WORD (two unbounded white-space runs in a row: cubic);
    4,000 spaces would hold the event loop for minutes. Four times the spaces: at most ten times the time."""
    pattern = getattr(privacy, name)
    small = _seconds(pattern, keyword + " " * 250 + "x")
    large = _seconds(pattern, keyword + " " * 1000 + "x")
    assert large < 0.2 and large <= 10 * small + 0.01, (name, keyword, small, large)


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "ik ben " * n,
        lambda n: "ik heet jan " * n,
        lambda n: "ik ben jan de vries van der meer " * n,
        lambda n: "naam:" + " " * n + "x",
        lambda n: "mijn naam is " + "de " * n,
    ],
    ids=["ik-ben", "ik-heet-jan", "long-names", "spaces", "interfixes"],
)
def test_lower_case_name_work_grows_like_the_text(monkeypatch, make):
    """The lists are consulted a bounded number of times per trigger: counted, not timed."""
    engine = privacy._get_deduce()
    assert engine is not None, "deduce is installed with the project"
    calls = {"n": 0}
    original = privacy._in_trie

    def counted(trie, word):
        calls["n"] += 1
        return original(trie, word)

    monkeypatch.setattr(privacy, "_in_trie", counted)

    def work(text):
        calls["n"] = 0
        privacy._lower_case_name_spans(engine, text)
        return calls["n"]

    small, large = make(250), make(1000)
    w_small, w_large = work(small), work(large)
    assert w_large <= 4 * w_small * 1.1 + 50, (w_small, w_large)
    assert w_large <= 10 * len(large) + 100


def test_a_long_message_of_lower_case_names_is_masked_in_bounded_time():
    text = ("ik ben jan de vries en mijn moeder heet anna bakker. " * 80)[:4000]
    started = time.perf_counter()
    masked, kinds = privacy.mask(text)
    assert time.perf_counter() - started < 5
    assert "jan" not in masked and "anna" not in masked and kinds.count("naam") >= 100


@pytest.mark.parametrize(
    "text",
    [
        "My father (79) sent an objection to the municipality in June.",
        "On 3 May 2026 we got the letter.",
        "Sinds juni hoor ik niks.",
        "Our daughter waits since March 2025.",
    ],
)
def test_english_sentence_starts_and_months_as_dates_are_not_masked_as_a_name(text):
    # found in the widget (round 8): "My" and "June" were masked, so the month of the bezwaar was lost before reading
    assert privacy.mask(text) == (text, [])


def test_a_month_that_is_a_first_name_next_to_a_surname_is_still_masked():
    assert privacy.mask("June de Vries belde me gisteren.")[0] == "[naam] belde me gisteren."
