"""catalogue/texts.yaml, the one list of the conversation's own sentences, and how Catalogue.text reads it."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from catalogue_testlib import CATALOGUE, PHONE_RE, load_yaml

from opschaling.catalogue import load_catalogue, placeholders, text_problems
from opschaling.render import informal

CAT = load_catalogue()
TEXTS = load_yaml(CATALOGUE / "texts.yaml")
U_FORMS = {key: entry if isinstance(entry, str) else entry["u"] for key, entry in TEXTS["texts"].items()}
JE_FORMS = {key: entry["je"] for key, entry in TEXTS["texts"].items() if isinstance(entry, dict)}
SITUATION_TITLES = {o["value"]: o["title"] for o in CAT.questions["situation"]["options"]}


def test_a_text_is_read_by_key_with_its_placeholders_filled():
    assert CAT.text("privacy_notice", days=14).startswith("Privacy: ik bewaar dit gesprek 14 dagen,")
    assert CAT.text("handoff_button") == "Ik wil iemand spreken"
    assert CAT.text("fact_now", name="organisatie", value="het CIZ") == "organisatie is nu het CIZ"


def test_an_unknown_key_raises_a_key_error_that_names_it():
    with pytest.raises(KeyError, match=r"no text 'no_such_text' in .*texts\.yaml"):
        CAT.text("no_such_text")


def test_a_missing_placeholder_raises_a_key_error_that_names_it():
    with pytest.raises(KeyError, match=r"'privacy_notice'.*\{days\}"):
        CAT.text("privacy_notice")
    with pytest.raises(KeyError, match=r"\{value\}"):
        CAT.text("fact_now", name="organisatie")


def test_the_je_form_is_read_only_where_texts_yaml_writes_it_out():
    links = {"tel_112": "112", "tel_113": "113", "tel_0800_0113": "0800-0113", "chat_113": "113.nl"}
    assert CAT.informal_text("crisis_suicide", **links).startswith("**Denk je aan zelfdoding, of maak je je zorgen")
    assert CAT.text("crisis_suicide", **links).startswith("**Denkt u aan zelfdoding, of maakt u zich zorgen")
    assert CAT.informal_text("greeting") is None


def test_texts_yaml_has_no_problems():
    assert text_problems(CAT) == []


@pytest.mark.parametrize(
    "texts,labels,problem",
    [
        ({"a": "Bel {tel_112"}, {}, "a: "),
        ({"a": "Bel {0}."}, {}, "{0} is no plain name"),
        ({"a": "Bel {}."}, {}, "{} is no plain name"),
        ({"a": {"u": "Bel {x}.", "je": "Bel."}}, {}, "the u and je forms have other placeholders"),
        ({"a": {"u": "Bel."}}, {}, "not a text"),
        ({}, {"schoenmaat": "Mijn schoen"}, "'schoenmaat' is no situation"),
        ({}, {"besluit_oneens": SITUATION_TITLES["besluit_oneens"]}, "the questions.yaml title, drop it here"),
    ],
)
def test_text_problems_are_found(texts, labels, problem):
    broken = replace(CAT, texts={**CAT.texts, **texts}, situation_labels={**CAT.situation_labels, **labels})
    assert any(problem in p for p in text_problems(broken)), text_problems(broken)


def test_a_situation_without_a_label_is_a_problem():
    labels = {k: v for k, v in CAT.situation_labels.items() if k != "probleemgedrag"}
    assert "probleemgedrag" not in SITUATION_TITLES  # no option in questions.yaml: texts.yaml has to give the label
    assert any("'probleemgedrag' has no label" in p for p in text_problems(replace(CAT, situation_labels=labels)))


def test_every_situation_has_a_label_and_an_option_title_is_reused():
    for situation in CAT.routes:
        label = CAT.situation_label(situation)
        assert label == TEXTS["situation_labels"].get(situation, SITUATION_TITLES.get(situation)), situation
    assert CAT.situation_label("besluit_oneens") == SITUATION_TITLES["besluit_oneens"]
    with pytest.raises(KeyError, match="schoenmaat"):
        CAT.situation_label("schoenmaat")


@pytest.mark.parametrize("key", sorted(U_FORMS))
def test_texts_address_users_with_u(key):
    """The written form says "u"; a young person gets "je" by the u → je rule or by the written-out je form."""
    assert not re.search(r"\b(je|jij|jou|jouw|jullie)\b", U_FORMS[key], re.IGNORECASE), U_FORMS[key]
    young = JE_FORMS.get(key) or informal(U_FORMS[key])
    assert not re.search(r"\b[Uu]w?\b", young), young


@pytest.mark.parametrize("key", sorted(JE_FORMS))
def test_a_je_form_is_written_out_only_where_the_rule_gets_it_wrong(key):
    assert informal(U_FORMS[key]) != JE_FORMS[key], f"{key}: the u → je rule gives this form; drop `je`"
    assert placeholders(U_FORMS[key]) == placeholders(JE_FORMS[key])


def test_numbers_are_links_filled_in_by_the_code():
    """Phone numbers reach users as tel: links that opschaling/crisis.py fills in ({tel_112}); the catalogue's
    sources are checked there (tests/safety/test_crisis.py). In the text itself only the names 112 and 113."""
    for key, text in [*U_FORMS.items(), *JE_FORMS.items()]:
        assert "tel:" not in text and "](" not in text, key
        assert {re.sub(r"\D", "", n) for n in PHONE_RE.findall(text)} <= {"112", "113"}, (key, text)


def test_button_titles_are_short():
    for key in [k for k in U_FORMS if k.endswith("_button")]:
        assert len(U_FORMS[key]) <= 30, key
    for situation, label in TEXTS["situation_labels"].items():
        assert len(label) <= 60, situation


def test_a_text_that_names_the_handoff_button_quotes_its_title():
    """ "Kies 'Ik wil iemand spreken'" must match the button the user sees."""
    title = U_FORMS["handoff_button"]
    quoted = [key for key, text in U_FORMS.items() if "iemand spreken" in text and key != "handoff_button"]
    assert quoted
    for key in quoted:
        assert f"'{title}'" in U_FORMS[key], key
