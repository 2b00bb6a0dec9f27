"""The promise of catalogue/facts.yaml: a new yes/no fact is one vocabulary entry plus its question, and routes can
use it in `when:` without any Python change.

A copy of the catalogue gets one new fact (`wants_support`), its question and a condition on the first rung of
kastje_muur. The vocabulary is read once per process, so each conversation runs in a fresh Python process with
OPSW_CATALOGUE pointing at the copy: exactly how the assistant would start with the new catalogue. The state goes
through JSON between turns, as it does in the Rasa slot.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

CATALOGUE = Path(__file__).resolve().parents[2] / "catalogue"
FACT = "wants_support"
QUESTION = "Wilt u dat iemand met u meedenkt over de volgende stap?"

# One conversation: answer every question the assistant asks (the new one with ANSWER) until the advice comes.
CONVERSATION = r"""
import json, sys
from datetime import date
from opschaling.dialogue import Turn, respond
from opschaling.scenarios.model import topic_fact
from workbench import case

answer = sys.argv[1]
fact = sys.argv[2]
replies = {fact: answer, "role": "ik ben familie", "step_outcome": "nee, nog niet"}
state, asked, questions, buttons, step, stored = None, [], [], {}, None, {}
text = "Ik word van het kastje naar de muur gestuurd"
for _ in range(10):
    reply = respond(state, Turn(text=text, metadata={"trace": True}), today=date(2026, 12, 1))
    state = json.loads(json.dumps(reply.state))  # the dialogue slot holds JSON
    stored = dict(state["facts"])
    advice = [m for m in reply.messages if m.kind == "advice"]
    if advice:
        step = advice[-1].trace["step"]
        break
    question = next(m for m in reply.messages if m.kind == "question")
    asked.append(state["asked"])
    questions.append(question.text)
    buttons[state["asked"]] = [b["payload"] for b in question.buttons]
    text = replies.get(state["asked"], "weet ik niet")
print(json.dumps({
    "asked": asked, "questions": questions, "buttons": buttons, "step": step, "facts": stored,
    "topic": topic_fact("wil meedenken"),
    "select": dict(case.select_facts(None)).get(fact),
}))
"""


@pytest.fixture(scope="module")
def catalogue_with_a_new_fact(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("catalogue") / "catalogue"
    shutil.copytree(CATALOGUE, root)
    facts = yaml.safe_load((root / "facts.yaml").read_text(encoding="utf-8"))
    facts["facts"][FACT] = {
        "type": "boolean",
        "label": "Wil meedenken?",
        "topics": ["wil meedenken"],
        "note": "A fact made up for this test only.",
    }
    (root / "facts.yaml").write_text(yaml.safe_dump(facts, allow_unicode=True, sort_keys=False), encoding="utf-8")
    questions = yaml.safe_load((root / "questions.yaml").read_text(encoding="utf-8"))
    questions["facts"][FACT] = {
        "text": QUESTION,
        "explain": "Dan weet ik of een cliëntondersteuner past. Kies ja, nee of weet ik niet.",
        "options": [
            {"title": "Ja", "value": True},
            {"title": "Nee", "value": False},
            {"title": "Weet ik niet", "value": "onbekend"},
        ],
    }
    (root / "questions.yaml").write_text(yaml.safe_dump(questions, allow_unicode=True, sort_keys=False), "utf-8")
    routes = yaml.safe_load((root / "routes.yaml").read_text(encoding="utf-8"))
    # a new first rung that only holds when the new fact is true
    routes["situations"]["kastje_muur"]["rungs"].insert(
        0, {"use": "clientondersteuner", "when": {"role": ["@burger"], FACT: [True]}}
    )
    (root / "routes.yaml").write_text(yaml.safe_dump(routes, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def converse(catalogue: Path, answer: str) -> dict:
    env = {**os.environ, "OPSW_CATALOGUE": str(catalogue)}
    done = subprocess.run(
        [sys.executable, "-c", CONVERSATION, answer, FACT], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_new_fact_is_asked_and_a_free_text_ja_gives_the_step_of_its_rung(catalogue_with_a_new_fact):
    result = converse(catalogue_with_a_new_fact, "ja")
    assert FACT in result["asked"]
    assert QUESTION in result["questions"][result["asked"].index(FACT)]
    assert result["buttons"][FACT][:2] == ["/affirm", "/deny"]
    assert result["facts"][FACT] is True  # kept in the dialogue state through JSON
    assert result["step"] == "clientondersteuner"


def test_a_free_text_nee_skips_the_rung_and_changes_the_advice(catalogue_with_a_new_fact):
    result = converse(catalogue_with_a_new_fact, "nee")
    assert result["asked"].count(FACT) == 1
    assert result["facts"][FACT] is False
    assert result["step"] not in (None, "clientondersteuner")


def test_weet_ik_niet_answers_the_new_question_and_it_is_not_asked_again(catalogue_with_a_new_fact):
    result = converse(catalogue_with_a_new_fact, "weet ik niet")
    assert result["asked"].count(FACT) == 1
    assert result["facts"][FACT] == "onbekend"
    assert result["step"] not in (None, "clientondersteuner")


def test_scenario_files_and_the_workbench_know_the_new_fact_without_code(catalogue_with_a_new_fact):
    result = converse(catalogue_with_a_new_fact, "ja")
    assert result["topic"] == FACT
    assert result["select"] == "Wil meedenken?"


def test_without_the_vocabulary_entry_the_catalogue_is_refused(catalogue_with_a_new_fact, tmp_path):
    """A `when:` on a fact that facts.yaml does not know is an error at load, not a question asked forever."""
    root = tmp_path / "catalogue"
    shutil.copytree(catalogue_with_a_new_fact, root)
    shutil.copy(CATALOGUE / "facts.yaml", root / "facts.yaml")
    env = {**os.environ, "OPSW_CATALOGUE": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", "from opschaling import load_catalogue; load_catalogue()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert f"'{FACT}' is no fact of facts.yaml" in done.stderr
