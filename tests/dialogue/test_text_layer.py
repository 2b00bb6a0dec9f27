"""One text layer: the conversation's sentences are in catalogue/texts.yaml, not in the Python of the dialogue.

opschaling/dialogue.py and opschaling/crisis.py refer to keys of texts.yaml only (``Catalogue.text``); a new
sentence that lands in their code as a string literal fails here. Docstrings and comments do not count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from opschaling.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
NO_TEXTS_IN = ("opschaling/dialogue.py", "opschaling/crisis.py")
# every module that may read texts.yaml by key (the renderer reads a few too; the channels their own notices)
KEY_READERS = (
    "opschaling/dialogue.py",
    "opschaling/crisis.py",
    "opschaling/render.py",
    "channels/guard.py",
    "channels/socketio.py",
)
# the folders whose code names the keys of texts.yaml
KEY_FOLDERS = ("opschaling", "channels", "documents")
CATALOGUE_CALLS = ("text", "informal_text")  # catalogue.text(key) (a body's .text("what") is something else)
CONVERSATION_CALLS = ("phrase", "addressed")  # convo.phrase(key), convo.addressed(key)
# Small words that almost every Dutch sentence has and that code strings (ids, payloads, regexes) do not.
DUTCH_WORDS = frozenset(
    (  # noqa: SIM905 - one line of words reads better than a column of 60
        "ik u uw je jij de het een niet nog is er en of met van voor over wat wie dit dat deze die als al naar op te om "
        "bij aan kan kunt wilt heeft bent iets anders geen mij mijn we wij hoe waar waarom dan ook nu hier daar meer "
        "veel goed ja nee bel"
    ).split()
)


def looks_dutch(text: str) -> bool:
    """A string that reads as (part of) a Dutch sentence: two or more words, one of them a common Dutch word.
    Regular expressions (a backslash or "(?") and payloads ("/inform{...}") are code, not sentences."""
    if "\\" in text or "(?" in text or text.lstrip().startswith("/"):
        return False
    words = [w.strip(".,:;?!'\"()*-").lower() for w in text.split()]
    words = [w for w in words if w]
    return len(words) >= 2 and any(w in DUTCH_WORDS for w in words)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def dutch_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string constant (f-string parts included) that looks Dutch, docstrings excluded."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and looks_dutch(node.value)
    ]


def _source(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def test_the_check_finds_dutch_sentences_and_leaves_code_alone():
    source = '''
"""Module docstring: dit is een zin, maar een docstring."""
HANDOFF = {"title": "Ik wil iemand spreken", "payload": "/human_handoff"}
def f(label):
    """Ook dit is een docstring."""
    # een commentaar telt niet
    pattern = r"\\bwat (?:moet|kan) ik\\b"
    payload = '/inform{"stap_uitkomst":"niet_geholpen"}'
    ids = ("niet_geholpen", "besluit_oneens", "step_outcome")
    return f"U deed dit al ({label}). Loopt het nog?", "Iets anders", "deze stap"
'''
    found = sorted(text for _, text in dutch_literals(source))
    assert found == sorted(
        ["Ik wil iemand spreken", "U deed dit al (", "). Loopt het nog?", "Iets anders", "deze stap"]
    )


@pytest.mark.parametrize("path", NO_TEXTS_IN)
def test_no_user_facing_dutch_in_the_code(path):
    found = dutch_literals(_source(path))
    assert found == [], f"{path}: move these texts to catalogue/texts.yaml and use Catalogue.text(key):\n" + "\n".join(
        f"  line {line}: {text!r}" for line, text in found
    )


def _is_catalogue(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "catalogue") or (
        isinstance(node, ast.Attribute) and node.attr == "catalogue"
    )


def _keys_read(path: str) -> list[tuple[int, str]]:
    """(line, key) of every call like ``catalogue.text("key", ...)`` / ``convo.addressed("key")`` with a literal key."""
    keys = []
    for node in ast.walk(ast.parse(_source(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        if node.func.attr in CONVERSATION_CALLS or (
            node.func.attr in CATALOGUE_CALLS and _is_catalogue(node.func.value)
        ):
            keys.append((node.lineno, first.value))
    return keys


def test_the_key_finder_sees_each_way_of_reading_a_text():
    assert sorted(key for _, key in _keys_read("opschaling/render.py")) == sorted(
        [
            "carer_intro",
            "no_step_yet",
            "no_step_yet",
            "no_step_yet",
            "no_step_yet",
            "costs_unknown",
            # the deadline lines: in a conditional expression, in elif branches and inside a list
            "deadline_due",
            "deadline_due_moved",
            "deadline_today",
            "deadline_open",
            "deadline_unsure",
            "deadline_passed",
            "deadline_late_short",
            "deadline_none",
            "no_step_yet",
            "support_none",
            "minor_via_parent",
        ]
    )
    keys = {key for _, key in _keys_read("opschaling/dialogue.py")}
    assert {"greeting", "handoff_button", "privacy_notice", "clarify_outcome"} <= keys


@pytest.mark.parametrize("path", KEY_READERS)
def test_every_key_the_code_reads_is_in_texts_yaml(path):
    texts = load_catalogue().texts
    unknown = [(line, key) for line, key in _keys_read(path) if key not in texts]
    assert unknown == [], f"{path}: keys not in catalogue/texts.yaml: {unknown}"


def test_every_text_of_texts_yaml_is_used():
    """A text no module names is dead: every key occurs as a string in opschaling/, channels/ or documents/ (a call
    or a table of keys)."""
    literals = set()
    for path in (p for folder in KEY_FOLDERS for p in (ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
    assert sorted(set(load_catalogue().texts) - literals) == []
