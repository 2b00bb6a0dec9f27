"""Add Rasa entity markup to plain Dutch sentences, the way data/nlu annotates them.

Used to write held-out sets consistently: every surface form that the training data annotates (and
every synonym of data/nlu/synonyms.yml) is marked with its entity, plus ages and dates matched by
data/nlu/regexes.yml. The NLU data tests (tests/nlu/test_nlu_data.py) check the result.

    PYTHONPATH=scripts .venv/bin/python -m measure.annotate < plain.txt   # one sentence a line -> "- annotated" lines
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import yaml

from measure.data import _examples_block, load_nlu, parse_markup

ROOT = Path(__file__).resolve().parents[2]
FAMILY = [
    "moeder",
    "vader",
    "zoon",
    "dochter",
    "zoontje",
    "dochtertje",
    "man",
    "vrouw",
    "partner",
    "broer",
    "zus",
    "ouders",
    "oma",
    "opa",
    "schoonmoeder",
    "schoonvader",
]
# surface forms that are also ordinary Dutch words: annotated only when written like this
CASE_SENSITIVE = {"mee": "MEE", "cot": "COT"}
FAMILY_RE = re.compile(r"(?<![\w-])(?:mijn|m'n|mn|onze|ons)\s+(" + "|".join(FAMILY) + r")(?![\w-])", re.IGNORECASE)


@cache
def lexicon(nlu_root: str = str(ROOT / "data" / "nlu")) -> tuple:
    """(surface lower -> (entity, value)), (synonym surface lower -> value)."""
    syn: dict = {}
    for f in sorted(Path(nlu_root).rglob("*.yml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for item in doc.get("nlu") or []:
            if isinstance(item, dict) and "synonym" in item:
                for s in _examples_block(item.get("examples")):
                    syn[s.lower()] = item["synonym"]
    votes: dict = defaultdict(Counter)
    value_entity: dict = defaultdict(Counter)
    for ex in load_nlu([Path(nlu_root)]):
        for e in ex["entities"]:
            if e["entity"] in ("leeftijd", "datum"):
                continue
            value = e["value"] if e["value"] != e["text"] else syn.get(e["text"].lower(), e["text"])
            votes[e["text"].lower()][(e["entity"], value)] += 1
            value_entity[value][e["entity"]] += 1
    lex = {k: c.most_common(1)[0][0] for k, c in votes.items() if k not in FAMILY}
    for surface, value in syn.items():
        if surface.startswith(("de ", "het ", "een ")):
            continue  # the training data annotates the noun without its article
        if surface not in lex and value in value_entity:
            lex[surface] = (value_entity[value].most_common(1)[0][0], value)
    return lex, syn


@cache
def regexes() -> dict:
    doc = yaml.safe_load((ROOT / "data" / "nlu" / "regexes.yml").read_text(encoding="utf-8"))
    return {
        item["regex"]: [re.compile(p, re.IGNORECASE) for p in _examples_block(item["examples"])]
        for item in doc["nlu"]
        if "regex" in item
    }


def _free(taken, start, end) -> bool:
    return all(end <= s or start >= e for s, e, *_ in taken)


def annotate(text: str) -> str:
    """Plain sentence -> sentence with [..](..) markup."""
    if parse_markup(text)[1]:
        return text  # already annotated
    lex, syn = lexicon()
    spans = []  # (start, end, entity, value)
    low = text.lower()
    for surface in sorted(lex, key=len, reverse=True):
        for m in re.finditer(r"(?<![\w-])" + re.escape(surface) + r"(?![\w-])", low):
            if surface in CASE_SENSITIVE and text[m.start() : m.end()] != CASE_SENSITIVE[surface]:
                continue
            if _free(spans, m.start(), m.end()):
                spans.append((m.start(), m.end()) + lex[surface])
    for m in FAMILY_RE.finditer(text):
        s, e = m.span(1)
        if _free(spans, s, e):
            spans.append((s, e, "rol", "naaste"))
    for name in ("datum", "leeftijd"):
        for p in regexes().get(name, []):
            for m in p.finditer(text):
                if m.group(0) and _free(spans, m.start(), m.end()):
                    spans.append((m.start(), m.end(), name, m.group(0)))
    out, pos = [], 0
    for s, e, ent, value in sorted(spans):
        surface = text[s:e]
        out.append(text[pos:s])
        if ent in ("leeftijd", "datum") or syn.get(surface.lower(), surface) == value:
            out.append(f"[{surface}]({ent})")
        else:
            out.append(f"[{surface}]" + json.dumps({"entity": ent, "value": value}, ensure_ascii=False))
        pos = e
    out.append(text[pos:])
    return "".join(out)


if __name__ == "__main__":
    for line in sys.stdin:
        line = line.strip()
        if line:
            print("    - " + annotate(line))
