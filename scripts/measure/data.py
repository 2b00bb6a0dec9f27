"""Read Rasa NLU YAML (training data and held-out sets) without importing Rasa.

An example is a dict ``{"text", "intent", "entities": [{"start", "end", "entity", "value"}], "raw"}``;
``raw`` keeps the Rasa markup so examples can be written back (cross-validation folds).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import yaml

ENTITY_RE = re.compile(r"\[(?P<text>[^\[\]]*)\](?:\((?P<entity>[^()]*)\)|\{(?P<json>[^{}]*)\})")


def parse_markup(example: str) -> tuple[str, list[dict]]:
    """Plain text and entity spans of one example written with Rasa markup."""
    plain: list[str] = []
    entities = []
    pos = 0
    for m in ENTITY_RE.finditer(example):
        plain.append(example[pos : m.start()])
        start = sum(len(p) for p in plain)
        text = m.group("text")
        if m.group("entity") is not None:
            name, value = m.group("entity").strip(), None
        else:
            try:
                spec = json.loads("{" + m.group("json") + "}")
            except json.JSONDecodeError:
                spec = {}
            name, value = spec.get("entity", ""), spec.get("value")
        plain.append(text)
        entities.append(
            {
                "start": start,
                "end": start + len(text),
                "entity": name,
                "value": value if value is not None else text,
                "text": text,
            }
        )
        pos = m.end()
    plain.append(example[pos:])
    return "".join(plain), entities


def normalise(text: str) -> str:
    """Lower case, no accents, only letters and digits: two texts that differ only in these are 'the same'."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    return "".join(c for c in t if c.isalnum())


def _examples_block(block) -> list[str]:
    if isinstance(block, str):
        out = []
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("- "):
                out.append(line[2:].strip())
        return out
    if isinstance(block, list):  # the extended format: [{text: ..., metadata: ...}]
        return [str(b.get("text", "")).strip() if isinstance(b, dict) else str(b) for b in block]
    return []


def load_nlu_file(path: Path) -> list[dict]:
    """Every intent example in one NLU YAML file (synonyms, lookups and regexes are skipped)."""
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out = []
    for item in doc.get("nlu") or []:
        if not isinstance(item, dict) or "intent" not in item:
            continue
        meta = item.get("metadata") or {}
        default = meta.get("source") if isinstance(meta, dict) else None
        block = item.get("examples")
        sources = (
            [((b.get("metadata") or {}).get("source") if isinstance(b, dict) else None) or default for b in block]
            if isinstance(block, list)
            else None
        )
        for i, raw in enumerate(_examples_block(block)):
            text, ents = parse_markup(raw)
            out.append(
                {
                    "text": text,
                    "intent": item["intent"],
                    "entities": ents,
                    "raw": raw,
                    "source": sources[i] if sources else default,
                }
            )
    return out


def load_nlu(paths: Iterable[Path]) -> list[dict]:
    out: list[dict] = []
    for p in paths:
        p = Path(p)
        files = sorted(p.rglob("*.yml")) + sorted(p.rglob("*.yaml")) if p.is_dir() else [p]
        for f in files:
            out += load_nlu_file(f)
    return out


def user_texts_under(root: Path) -> list[str]:
    """Every user text anywhere under ``root`` (data/): NLU examples, synonyms, lookups, and the
    ``user:`` lines of stories, rules and test stories. Used to prove a held-out set never leaks."""
    texts: list[str] = []
    for f in sorted(Path(root).rglob("*.yml")) + sorted(Path(root).rglob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for item in doc.get("nlu") or []:
            if not isinstance(item, dict):
                continue
            for key in ("examples",):
                texts += [parse_markup(r)[0] for r in _examples_block(item.get(key))]
        for section in ("stories", "rules"):
            for story in doc.get(section) or []:
                for step in (story or {}).get("steps") or []:
                    if isinstance(step, dict) and isinstance(step.get("user"), str):
                        texts.append(parse_markup(step["user"].strip())[0])
    return texts


def write_nlu_yaml(examples: list[dict], path: Path, extra_files: list[Path] | None = None) -> None:
    """Write examples (with their markup) as one Rasa NLU file; ``extra_files`` (synonyms, lookups,
    regexes) are appended as they are."""
    by_intent: dict[str, list[str]] = {}
    for ex in examples:
        by_intent.setdefault(ex["intent"], []).append(ex["raw"])
    doc = {
        "version": "3.1",
        "nlu": [{"intent": i, "examples": "".join(f"- {r}\n" for r in exs)} for i, exs in sorted(by_intent.items())],
    }
    for f in extra_files or []:
        other = yaml.safe_load(Path(f).read_text(encoding="utf-8")) or {}
        doc["nlu"] += [item for item in other.get("nlu") or [] if isinstance(item, dict) and "intent" not in item]
    Path(path).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


def non_intent_files(root: Path) -> list[Path]:
    """NLU files under root that hold synonyms, lookups or regexes (kept whole in every fold)."""
    out = []
    for f in sorted(Path(root).rglob("*.yml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        if any(isinstance(i, dict) and "intent" not in i for i in doc.get("nlu") or []):
            out.append(f)
    return out


def load_danger(path: Path) -> list[dict]:
    """tests/nlu/danger_heldout.yml: ``positives`` ({text, kind}) and ``negatives`` (texts), as examples with
    intent ``acute_nood`` (danger) or ``geen_gevaar`` (safe). An NLU-format file is read as usual."""
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if "nlu" in doc:
        return load_nlu_file(path)
    out = []
    for item in doc.get("positives") or []:
        text = item["text"] if isinstance(item, dict) else str(item)
        out.append(
            {
                "text": text,
                "intent": "acute_nood",
                "entities": [],
                "raw": text,
                "kind": item.get("kind") if isinstance(item, dict) else None,
                "source": None,
            }
        )
    for item in doc.get("negatives") or []:
        text = item["text"] if isinstance(item, dict) else str(item)
        out.append({"text": text, "intent": "geen_gevaar", "entities": [], "raw": text, "kind": None, "source": None})
    return out
