"""Plain Dutch (B1) in every text users see: short reasons, jargon explained, uncertain notes for the user."""

from __future__ import annotations

import re

import pytest
from catalogue_testlib import BODIES, CATALOGUE, load_yaml

from opschaling.catalogue import load_catalogue, unexplained_jargon

CAT = load_catalogue()
JARGON = load_yaml(CATALOGUE / "jargon.yaml")["terms"]
ROUTES = load_yaml(CATALOGUE / "routes.yaml")
QUESTIONS = load_yaml(CATALOGUE / "questions.yaml")["facts"]
EXPLANATIONS = load_yaml(CATALOGUE / "explanations.yaml")["topics"]
FACTS = load_yaml(CATALOGUE / "facts.yaml")["facts"]
TEXTS = load_yaml(CATALOGUE / "texts.yaml")


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", " ".join(text.split())) if s]


def all_rungs():
    for name, template in ROUTES.get("templates", {}).items():
        yield f"templates.{name}", template
    for sid, route in ROUTES["situations"].items():
        for i, rung in enumerate(route["rungs"]):
            yield f"{sid}[{i}]", rung


def body_user_texts(body: dict):
    """(field, text) for every text of a body a user can see."""
    for name in ("what", "when", "after", "outcome"):
        if isinstance(body.get(name), dict):
            yield name, body[name]["text"]
    for i, item in enumerate(body.get("prepare") or ()):
        yield f"prepare[{i}]", item["text"]
    for i, item in enumerate(body.get("uncertain") or ()):
        yield f"uncertain[{i}]", item["text"]
    yield "contact.how", body["contact"]["how"]
    if body["contact"].get("uncertain"):
        yield "contact.uncertain", body["contact"]["uncertain"]
    for i, pre in enumerate(body.get("preconditions") or ()):
        yield f"preconditions[{i}]", pre["text"]
    for d in body.get("deadlines") or ():
        yield f"deadlines.{d['id']}.label", d["label"]
        if d.get("uncertain"):
            yield f"deadlines.{d['id']}.uncertain", d["uncertain"]


def every_user_text():
    for path in sorted(BODIES.glob("*.yaml")):
        for field, text in body_user_texts(load_yaml(path)):
            yield f"bodies/{path.stem}.{field}", text
    for where, rung in all_rungs():
        for field in ("reason", "tried_question"):
            if rung.get(field):
                yield f"routes.{where}.{field}", rung[field]
    for sid, route in ROUTES["situations"].items():
        for i, support in enumerate(route.get("support") or ()):
            if support.get("note"):
                yield f"routes.{sid}.support[{i}].note", support["note"]
    for fact, question in QUESTIONS.items():
        yield f"questions.{fact}.text", question["text"]
        yield f"questions.{fact}.explain", question["explain"]
        for text in (question.get("by_situation") or {}).values():
            yield f"questions.{fact}.by_situation", text
    for topic, entry in EXPLANATIONS.items():
        yield f"explanations.{topic}", entry["text"]
    for fact, spec in FACTS.items():  # the vocabulary's words users see ("Wat weet je van mij?", corrections)
        if spec.get("name"):
            yield f"facts.{fact}.name", spec["name"]
        for value, entry in (spec.get("values") or {}).items():
            if entry.get("label"):
                yield f"facts.{fact}.values.{value}", entry["label"]
    yield from conversation_texts()


def conversation_texts():
    """(where, text) for every sentence of the conversation itself (catalogue/texts.yaml), both forms of a text that
    writes its "je" form out, and the situation labels of the "Bedoelt u een van deze?" buttons."""
    for key, entry in TEXTS["texts"].items():
        for form, text in [("u", entry)] if isinstance(entry, str) else entry.items():
            yield f"texts.{key}.{form}", text
    for situation, label in TEXTS["situation_labels"].items():
        yield f"texts.situation_labels.{situation}", label


@pytest.mark.parametrize("where,rung", list(all_rungs()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_reason_is_at_most_two_sentences_and_35_words(where, rung):
    if "reason" not in rung:
        return  # taken from its template, which is checked itself
    reason = rung["reason"]
    assert len(sentences(reason)) <= 2, reason
    assert len(reason.split()) <= 35, f"{len(reason.split())} words: {reason}"


def test_every_resolved_reason_is_short():
    for route in CAT.routes.values():
        for rung in route.rungs:
            assert len(sentences(rung.reason)) <= 2 and len(rung.reason.split()) <= 35, (route.id, rung.body)


def test_the_jargon_check_finds_an_unexplained_word_and_accepts_an_explained_one():
    assert unexplained_jargon("Het besluit wordt herroepen.", CAT.jargon) == ["herroepen"]
    assert unexplained_jargon("Het besluit wordt herroepen, dus teruggedraaid.", CAT.jargon) == []
    assert unexplained_jargon("Er is een dossierhouder (de aanbieder die verantwoordelijk is).", CAT.jargon) == []
    assert unexplained_jargon("De dossierhouder beslist. Hij is verantwoordelijk.", CAT.jargon) == ["dossierhouder"]


def test_jargon_from_the_brief_is_listed():
    forms = {f.lower() for entry in JARGON.values() for f in entry["forms"]}
    for word in (
        "herroepen",
        "doorzettingsmacht",
        "afwijsgronden",
        "dossierhouder",
        "vpt",
        "mpt",
        "gegrond",
        "beschikking",
        "tot gelding brengen",
    ):
        assert word in forms, word


@pytest.mark.parametrize("where,text", list(every_user_text()), ids=lambda v: v if len(v) < 80 else "")
def test_jargon_is_explained_in_the_same_sentence(where, text):
    assert unexplained_jargon(text, CAT.jargon) == [], f"{where}: {text}"


UNCERTAIN_ABOUT_SOURCES = re.compile(
    r"\b(bron|bronnen|brontekst|bronteksten|brontabel|seed|seeds|gegevens van 20\d\d|pagina's|openbare bronnen)\b",
    re.IGNORECASE,
)


def _uncertain_in(node, where):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "uncertain" and isinstance(value, str):
                yield where, value
            elif key == "uncertain" and isinstance(value, list):
                for i, item in enumerate(value):
                    yield f"{where}.uncertain[{i}]", item["text"]
            else:
                yield from _uncertain_in(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _uncertain_in(item, f"{where}[{i}]")


def uncertain_texts():
    for path in sorted(BODIES.glob("*.yaml")):
        body = load_yaml(path)
        for field, text in body_user_texts(body):
            if "uncertain" in field:
                yield f"{path.stem}.{field}", text
    for name in ("woonzorgplek", "zorgplicht", "clientondersteuning_wlz", "complexe_casuistiek"):
        yield from _uncertain_in(load_yaml(CATALOGUE / f"{name}.yaml"), name)


@pytest.mark.parametrize("where,text", list(uncertain_texts()), ids=lambda v: v if len(v) < 80 else "")
def test_uncertain_is_one_plain_sentence_for_the_user(where, text):
    """'Het telefoonnummer kan veranderd zijn; kijk op www....' - never a remark about the source texts."""
    assert len(sentences(text)) == 1, text
    assert not UNCERTAIN_ABOUT_SOURCES.search(text), text
    assert len(text.split()) <= 35, text


SOURCE_REMARK = re.compile(
    r"\b(brontekst|bronteksten|brontabel|de bron(?:nen)? (?:geeft|geven|noem\w*|zegt|zeggen)|"
    r"volgens de bron\w*|openbare bronnen|seed)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("where,text", list(every_user_text()), ids=lambda v: v if len(v) < 80 else "")
def test_no_user_text_remarks_on_the_source_texts(where, text):
    assert not SOURCE_REMARK.search(text), f"{where}: {text}"


def test_explanations_are_short_and_their_phrases_unique():
    seen = {}
    for topic, entry in EXPLANATIONS.items():
        assert len(entry["text"].split()) <= 60, topic
        for phrase in entry.get("words", ()):
            assert phrase == phrase.lower(), phrase
            assert phrase not in seen, (phrase, topic, seen.get(phrase))
            seen[phrase] = topic


@pytest.mark.parametrize(
    "question,topic",
    [
        ("Wat is het verschil tussen klacht en bezwaar?", "klacht_of_bezwaar"),
        ("wat is een indicatie eigenlijk", "indicatie"),
        ("Wat is zorgplicht?", "zorgplicht"),
        ("wat doet een clientondersteuner", "clientondersteuner"),
        ("Wat is een PGB?", "pgb"),
        ("wat is de wlz", "wlz"),
        ("Wat is de Wmo?", "wmo"),
        ("wat is de jeugdwet", "jeugdwet"),
        ("wat is de zvw", "zvw"),
        ("Moet ik een klacht of bezwaar indienen?", "klacht_of_bezwaar"),
    ],
)
def test_explanation_topics_are_found_from_a_question(question, topic):
    assert CAT.explanation_for(question) == topic


def test_no_explanation_for_an_unrelated_message():
    assert CAT.explanation_for("mijn moeder vindt geen verpleeghuis") is None
