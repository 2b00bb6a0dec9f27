"""The vocabulary of facts (catalogue/facts.yaml) is the one list of facts: the code's tables come from it, the
shared schema definitions, the questions, the NLU entities and docs/CONTRACT.md agree with it."""

from __future__ import annotations

import copy
import re

import pytest
import yaml
from catalogue_testlib import CATALOGUE, REPO, SCHEMAS, load_yaml

from opschaling import facts, render
from opschaling.catalogue import schema_validator
from opschaling.dialogue import ENTITY_FACT, FACT_ENTITY, YES_NO_FACTS
from opschaling.scenarios.model import TOPICS
from workbench import case

VOCABULARY = load_yaml(CATALOGUE / "facts.yaml")
SHARED = load_yaml(SCHEMAS / "definitions.schema.yaml")["definitions"]
QUESTIONS = load_yaml(CATALOGUE / "questions.yaml")["facts"]


def errors(data):
    return [f"{list(e.absolute_path)}: {e.message}" for e in schema_validator("facts.schema.yaml").iter_errors(data)]


def with_fact(name, entry):
    data = copy.deepcopy(VOCABULARY)
    data["facts"][name] = entry
    return data


NEW_FACT = {"type": "boolean", "label": "Is het nieuw?", "topics": ["nieuw"], "note": "a fact made up for a test"}


def test_a_new_yes_no_fact_needs_only_type_label_topics_and_note():
    assert errors(with_fact("new_fact", NEW_FACT)) == []


@pytest.mark.parametrize(
    "change",
    [
        {"type": "choice"},  # a choice fact without values
        {"values": {"ja": {}}},  # a yes/no fact with values
        {"type": "getal"},
        {"summary": "if_true"},  # "<name>: ja" without a name
        {"entity": "nieuw"},  # a yes/no fact is answered with /affirm or /deny
        {"topics": []},
        {"kleur": "rood"},
    ],
    ids=repr,
)
def test_the_schema_rejects_a_broken_fact(change):
    assert errors(with_fact("new_fact", {**NEW_FACT, **change}))


def test_the_schema_rejects_onbekend_as_a_listed_value_and_a_bad_group_name():
    data = copy.deepcopy(VOCABULARY)
    data["facts"]["law"]["values"]["onbekend"] = {"label": "weet ik niet"}
    assert errors(data)
    data = copy.deepcopy(VOCABULARY)
    data["facts"]["role"]["groups"]["burger"] = ["client"]
    assert errors(data)


def test_the_code_tables_come_from_the_vocabulary():
    spec = VOCABULARY["facts"]
    assert list(facts.FACTS) == list(spec)
    assert tuple(spec["situation"]["values"]) == facts.SITUATIONS
    assert tuple(spec["role"]["values"]) == facts.ROLES
    assert tuple(n for n, s in spec.items() if s["type"] == "boolean") == facts.BOOLEAN_FACTS
    assert tuple(n for n, s in spec.items() if s["type"] == "date") == facts.DATE_FACTS
    assert facts.ALLOWED["complaint_within_year"] == (True, False, facts.UNKNOWN)
    assert facts.ALLOWED["law"][-1] == facts.UNKNOWN and facts.UNKNOWN not in facts.ALLOWED["situation"]
    assert tuple(VOCABULARY["step_outcome"]["values"]) == facts.STEP_OUTCOMES
    assert render.FACT_LABELS["role"]["client"] == spec["role"]["values"]["client"]["label"] == "u bent de cliënt"
    assert render.FACT_NAMES["law"] == "wet" and "about_decision" not in render.FACT_NAMES
    assert case.FACT_LABELS["complaint_within_year"] == spec["complaint_within_year"]["label"]
    assert FACT_ENTITY["law"] == "wet" and FACT_ENTITY["step_outcome"] == "stap_uitkomst"
    assert ENTITY_FACT == {"rol": "role", "wet": "law", "instantie": "organisation", "leeftijdsgroep": "age_group"}
    assert set(YES_NO_FACTS) == set(facts.BOOLEAN_FACTS)
    assert TOPICS["klacht binnen een jaar"] == "complaint_within_year" and TOPICS["al geprobeerd"] == "step_outcome"


def test_every_role_is_a_burger_or_a_professional_and_the_shared_role_definition_agrees():
    groups = facts.ROLE_GROUPS
    burger, professional = set(groups["@burger"]) - {facts.UNKNOWN}, set(groups["@professional"])
    assert burger | professional == set(facts.ROLES) and not burger & professional
    assert facts.UNKNOWN in groups["@burger"], "role onbekend counts as the client"
    assert set(facts.PROFESSIONAL_ROLES) == professional and set(facts.CLIENT_ROLES) == burger
    assert SHARED["role"]["enum"] == list(facts.ROLES)
    assert set(facts.FACTS["law"].values) <= set(SHARED["law"]["enum"])


def test_every_fact_has_a_question_and_every_question_is_a_fact():
    assert set(QUESTIONS) == set(facts.FACTS) | {"step_outcome"}


def test_yes_no_questions_offer_yes_no_and_weet_ik_niet():
    for name in facts.BOOLEAN_FACTS:
        assert [o["value"] for o in QUESTIONS[name]["options"]] == [True, False, facts.UNKNOWN], name


def test_a_topic_names_one_fact_and_facts_with_an_entity_use_an_entity_of_the_domain():
    topics = [t for spec in facts.FACTS.values() for t in spec.topics] + list(facts.VOCABULARY.step_outcome.topics)
    assert len(topics) == len(set(topics))
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    entities = {spec.entity for spec in facts.FACTS.values() if spec.entity} | {facts.VOCABULARY.step_outcome.entity}
    assert entities <= set(domain["entities"])


def test_every_fact_has_a_note_and_seed_rules_name_their_source():
    for name, spec in facts.FACTS.items():
        assert len(spec.note) >= 10, name
    for name in ("urgent", "termination", "consent", "about_decision", "complaint_within_year"):
        assert re.search(r"\b(S[0-4]|R-public|R-catalogue)\b", facts.FACTS[name].note), name


def test_contract_holds_the_current_facts_table():
    text = (REPO / "docs" / "CONTRACT.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- facts:[^\n]*-->\n(.*?)<!-- end of facts -->", text, re.DOTALL)
    assert match, "docs/CONTRACT.md lost its generated facts table"
    assert match.group(1) == facts.vocabulary_table(), (
        "docs/CONTRACT.md: the facts table is out of date; paste the output of\n"
        "  .venv/bin/python -c \"from opschaling.facts import vocabulary_table; print(vocabulary_table(), end='')\""
    )
