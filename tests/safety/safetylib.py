"""Shared helpers for the safety tests: the held-out and development sets, and text normalisation as in
tests/nlu/test_nlu_data.py (entity markup removed, accents folded, only letters and digits kept)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "nlu" / "danger_heldout.yml"
DEV = Path(__file__).resolve().parent / "dev_examples.yml"
NLU_DIR = ROOT / "data" / "nlu"
KINDS = ("suicide", "violence", "acute")

_MARKUP = re.compile(r"\[([^\[\]]*)\](?:\([^()]*\)|\{[^{}]*\})")


def normalise(text: str) -> str:
    plain = _MARKUP.sub(r"\1", text)
    folded = unicodedata.normalize("NFKD", plain)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return "".join(c for c in folded if c.isalnum())


@cache
def load_set(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {"positives": [(p["text"], p["kind"]) for p in data["positives"]], "negatives": list(data["negatives"])}


def pairs(path: Path) -> list[tuple[str, str | None]]:
    data = load_set(path)
    return data["positives"] + [(text, None) for text in data["negatives"]]


@cache
def training_examples() -> tuple[tuple[str, str, str], ...]:
    """(file name, intent, example) for every intent example under data/nlu/."""
    out = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or ():
            if "intent" in item:
                for line in (item.get("examples") or "").splitlines():
                    if line.strip().startswith("- "):
                        out.append((path.name, item["intent"], line.strip()[2:].strip()))
    return tuple(out)
