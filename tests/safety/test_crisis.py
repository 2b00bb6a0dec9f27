"""opschaling.crisis: one short sourced message per kind; numbers only from the sources."""

import re
from pathlib import Path

import pytest

from opschaling import crisis
from opschaling.catalogue import load_catalogue
from opschaling.safety import ACUTE, SUICIDE, VIOLENCE, Signal

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
TEL = re.compile(r"\[([^\]]+)\]\(tel:(\d+)\)")


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def main_text(message):
    """The message without the Bron line, links shown as their text."""
    body, _, sources = message.text.partition("\nBron: ")
    assert sources.endswith(".")
    return LINK.sub(r"\1", body)


def words(text):
    return len(re.sub(r"\*\*", "", text).split())


def source_text(cat, ref):
    """The text a reference points at: the '## ' section of public_facts.md, or the catalogue note."""
    path = (
        SHARED / cat.sources[ref.source]["path"]
        if not cat.sources[ref.source].get("repo")
        else ROOT / cat.sources[ref.source]["path"]
    )
    text = path.read_text(encoding="utf-8")
    if ref.source in ("R-public", "R-catalogue"):
        sections = re.split(r"^## ", text, flags=re.MULTILINE)
        hits = [
            s for s in sections if s.split("\n", 1)[0].startswith(ref.section) or ref.section in s.split("\n", 1)[0]
        ]
        assert len(hits) == 1, ref
        return hits[0]
    return text


def digits_in(text):
    return {re.sub(r"\D", "", m) for m in re.findall(r"\b\d{3}(?:[- ]?\d{4})?\b|\b0800-\d{4}\b", text)}


EXPECTED_FIRST = {SUICIDE: "113", VIOLENCE: "08002000", ACUTE: "112"}
NUMBERS = {SUICIDE: {"113", "08000113", "112"}, VIOLENCE: {"112", "08002000"}, ACUTE: {"112"}}
# every text a signal can get: (signal, the number it starts with, its opsw kind)
SIGNALS = [
    (Signal(SUICIDE, "x", sign="suicide_explicit"), "113", "crisis"),
    (Signal(VIOLENCE, "x", sign="violence_now"), "08002000", "crisis"),
    (Signal(VIOLENCE, "x", sign="elder_abuse"), "08002000", "crisis"),
    (Signal(VIOLENCE, "x", sign="carer_hurts"), "08002000", "crisis"),
    (Signal(ACUTE, "x", sign="missing_person"), "112", "crisis"),
    (Signal(ACUTE, "x", sign="medical_emergency"), "112", "crisis"),
    (Signal(SUICIDE, "x", sign="passive", tier="check_in"), "113", "check_in"),
    (Signal(SUICIDE, "x", sign="other_wish", tier="check_in", about="other"), "113", "check_in"),
    (Signal(ACUTE, "x", sign="unclear", tier="check_in", source="nlu"), "112", "check_in"),
    (Signal(SUICIDE, "x", sign="suicide_explicit", source="answer"), "113", "crisis"),
    (Signal(SUICIDE, "x", sign="suicide_other_acute", about="other", source="answer"), "113", "crisis"),
]
IDS = [f"{s.tier}-{s.sign}-{s.source}" for s, _, _ in SIGNALS]


@pytest.mark.parametrize("kind", [SUICIDE, VIOLENCE, ACUTE])
@pytest.mark.parametrize("informal", [False, True])
def test_message_per_kind(cat, kind, informal):
    message = crisis.crisis_message(Signal(kind, "test"), cat, informal=informal)
    text = main_text(message)
    assert words(text) <= 60
    assert {number for _, number in TEL.findall(message.text)} == NUMBERS[kind]
    first_number = TEL.search(message.text).group(2)
    assert first_number == EXPECTED_FIRST[kind]
    if informal:
        assert re.search(r"\b(je|jij)\b", text) and not re.search(r"\bu\b|\buw\b", text)
    else:
        assert re.search(r"\bu\b", text) and not re.search(r"\b(je|jij|jouw)\b", text)


@pytest.mark.parametrize("signal,first,kind", SIGNALS, ids=IDS)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_sign_gets_its_first_step_short_and_sourced(cat, signal, first, kind, lang):
    message = crisis.crisis_message(signal, cat, lang=lang)
    assert message.kind == kind
    assert TEL.search(message.text).group(2) == first
    assert words(main_text(message)) <= 60
    sourced = set().union(*(digits_in(source_text(cat, r)) for r in message.references))
    assert {n for _, n in TEL.findall(message.text)} <= sourced
    english = re.search(r"\b(call|the|you)\b", main_text(message), re.I) is not None
    assert english == (lang == "en")


def test_a_check_in_asks_directly_and_names_113(cat):
    own = main_text(crisis.crisis_message(Signal(SUICIDE, "x", sign="passive", tier="check_in"), cat))
    assert "denkt u weleens aan zelfdoding?" in own.lower() and "113" in own
    other = main_text(
        crisis.crisis_message(Signal(SUICIDE, "x", sign="other_wish", tier="check_in", about="other"), cat)
    )
    assert "vragen of iemand aan zelfdoding denkt" in other and "brengt niemand op ideeën" in other
    # the claim that asking does no harm is cited
    refs = crisis.crisis_message(
        Signal(SUICIDE, "x", sign="other_wish", tier="check_in", about="other"), cat
    ).references
    assert any(r.source == "R-catalogue" and r.section.startswith("Vragen naar zelfdoding") for r in refs)


def test_suicide_message_names_chat_day_and_night(cat):
    text = main_text(crisis.crisis_message(Signal(SUICIDE, "x"), cat))
    assert "113.nl" in text and "Dag en nacht" in text and "gratis" in text and "anoniem" in text
    assert text.index("113") < text.index("112")


def test_violence_message_names_veilig_thuis_first_and_112_for_now(cat):
    text = main_text(crisis.crisis_message(Signal(VIOLENCE, "x"), cat))
    assert text.index("Veilig Thuis") < text.index("0800-2000") < text.index("112")
    assert "Gratis" in text and "Anoniem" in text and "geld" in text


def test_a_carer_who_hurts_hears_that_veilig_thuis_helps_carers_too(cat):
    text = main_text(crisis.crisis_message(Signal(VIOLENCE, "x", sign="carer_hurts"), cat))
    assert text.startswith("**Bel Veilig Thuis") and "mantelzorger" in text


def test_acute_message_names_huisarts_and_post(cat):
    text = main_text(crisis.crisis_message(Signal(ACUTE, "x"), cat))
    assert "huisarts" in text and "huisartsenpost" in text and "113" not in text


def test_nlu_only_signal_gets_the_general_check_in(cat):
    message = crisis.crisis_message(Signal(ACUTE, "intent:acute_nood (0.71)", sign="unclear", tier="check_in"), cat)
    assert message.kind == "check_in"
    assert {"112", "113", "08000113", "08002000"} <= {n for _, n in TEL.findall(message.text)}
    assert words(main_text(message)) <= 60


def test_a_second_group_in_the_same_message_adds_its_line(cat):
    both = crisis.crisis_message(Signal(VIOLENCE, "x", sign="violence_now", also=(SUICIDE,)), cat)
    assert "08002000" in both.text and "08000113" in both.text
    both = crisis.crisis_message(Signal(SUICIDE, "x", sign="suicide_explicit", also=(VIOLENCE,)), cat)
    assert TEL.search(both.text).group(2) == "113" and "08002000" in both.text


@pytest.mark.parametrize("kind", [SUICIDE, VIOLENCE, ACUTE, "unknown"])
def test_every_number_is_in_a_cited_source(cat, kind):
    message = crisis.crisis_message(Signal(kind, "x"), cat)
    sourced = set()
    for ref in message.references:
        sourced |= digits_in(source_text(cat, ref))
    shown = {n for _, n in TEL.findall(message.text)} | digits_in(main_text(message))
    assert shown and shown <= sourced, shown - sourced


@pytest.mark.parametrize("kind", [SUICIDE, VIOLENCE, ACUTE])
def test_bron_line_names_every_reference_in_one_line(cat, kind):
    message = crisis.crisis_message(Signal(kind, "x"), cat)
    assert message.references
    for ref in message.references:
        if ref.href:
            assert f"]({ref.href})" in message.text  # a link a phone can open, not a bare address
        else:
            assert f"'{ref.section}'" in message.text
    assert message.text.count("Bron: ") == 1


def test_still_unsafe_repeats_112_first(cat):
    for informal in (False, True):
        message = crisis.still_unsafe_message(informal, cat)
        numbers = [n for _, n in TEL.findall(message.text)]
        assert numbers[0] == "112" and "08002000" in numbers and "113" in numbers
        assert message.text.startswith("**Bel nu [112](tel:112).**")
        assert words(main_text(message)) <= 60
        sourced = set().union(*(digits_in(source_text(cat, r)) for r in message.references))
        assert set(numbers) <= sourced


def test_catalogue_bodies_hold_the_numbers(cat):
    assert cat.body("zelfmoordpreventie_113").contact["phone"] == "113"
    assert "0800-0113" in cat.body("zelfmoordpreventie_113").contact["how"]
    assert cat.body("veilig_thuis").contact["phone"] == "0800-2000"
    assert {r.source for r in cat.body("veilig_thuis").references} == {"R-public"}
    assert "financieel misbruik" in cat.body("veilig_thuis").text("when")


def test_an_acute_message_names_veilig_thuis_when_abuse_is_seen_too(cat):
    signal = Signal(kind=ACUTE, evidence="x", sign="medical_emergency", also=(VIOLENCE,))
    text = crisis.crisis_message(signal, cat).text
    assert text.index("112") < text.index("Veilig Thuis")


def test_violence_first_with_113_after_it_in_english(cat):
    signal = Signal(kind=VIOLENCE, evidence="x", sign="elder_abuse", tier="check_in", also=(SUICIDE,))
    text = crisis.crisis_message(signal, cat, lang="en").text
    assert text.index("Veilig Thuis") < text.index("113") and "Thinking about suicide" in text
