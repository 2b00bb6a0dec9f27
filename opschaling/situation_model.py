"""The learned reader of what a message is about (the situation of catalogue/routes.yaml), for the stories the
cues of lexicon/situations.yaml do not catch and the NLU is unsure of.

Same pipeline as the danger model (opschaling/text_model.py), trained on:
- ``lexicon/training/situations_*.yaml``: first messages labelled with their situation, written by writers who never
  saw the code (format: a list of ``{situatie, bericht}``; ``geen`` for a message that does not yet say it);
- the examples of every situation in lexicon/situations.yaml;
- the NLU data (``data/nlu``): the examples of an intent that names a situation (``INTENT_SITUATION``) with that
  situation, every other intent (greetings, answers, questions about the conversation) as ``geen``.

The threshold and strength are data (``model`` in lexicon/situations.yaml). The model reads the whole message.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from opschaling import text_model
from opschaling.safety_rules import fold

ROOT = Path(__file__).resolve().parent.parent
LEXICON = ROOT / "lexicon" / "situations.yaml"
TRAINING_DIR = ROOT / "lexicon" / "training"
NLU_DIR = ROOT / "data" / "nlu"
NONE = "geen"
MAX_WORDS = 400  # a longer story is read up to here: the problem is nearly always told in its first part
# NLU intents that name a situation: the intent's name when it is one, and these
INTENT_SITUATION = {"beroep_instellen": "besluit_oneens", "vraag_termijn": "besluit_oneens"}
NO_SITUATION_INTENTS = ("acute_nood",)  # danger is not a situation, nor is it "nothing said yet": left out


def prepare(text: str) -> str:
    """What the model sees: folded (accents, invisible characters), lower case, single spaces, at most MAX_WORDS."""
    return " ".join(fold(text).split()[:MAX_WORDS])


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    return dict(yaml.safe_load(LEXICON.read_text(encoding="utf-8")))


def _setting(name: str, default: float) -> float:
    return float(_lexicon().get("model", {}).get(name, default))


def situations() -> tuple[str, ...]:
    return tuple(_lexicon()["situations"])


def training_files() -> list[Path]:
    return sorted(TRAINING_DIR.glob("situations_*.yaml"))


def _nlu_examples() -> list[tuple[str, str]]:
    known = set(situations())
    out: list[tuple[str, str]] = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            intent = block.get("intent")
            if not intent or intent in NO_SITUATION_INTENTS:
                continue
            label = INTENT_SITUATION.get(intent, intent if intent in known else NONE)
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = text_model.MARKUP.sub(r"\1", line[2:]).strip()
                    if text:
                        out.append((text, label))
    return out


def training_set() -> tuple[list[str], list[str]]:
    """(texts, labels) the model is trained on."""
    known = {*situations(), NONE}
    pairs: list[tuple[str, str]] = []
    for path in training_files():
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            pairs.append((str(item.get("bericht") or ""), str(item.get("situatie") or "")))
    for name, entry in _lexicon()["situations"].items():
        pairs += [(str(t), name) for t in entry.get("examples") or []]
    pairs += _nlu_examples()
    pairs = [(t, label) for t, label in pairs if t.strip() and label in known]
    return [t for t, _ in pairs], [label for _, label in pairs]


def fingerprint() -> str:
    """A hash of everything the trained model depends on (not the threshold, applied when it is used)."""
    import sklearn  # noqa: PLC0415

    digest = hashlib.sha256()
    digest.update(sklearn.__version__.encode())
    settings = {k: v for k, v in _lexicon().get("model", {}).items() if k in ("C", "class_weight")}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for path in [Path(__file__), Path(text_model.__file__), LEXICON, *training_files(), *sorted(NLU_DIR.glob("*.yml"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def train(texts: Sequence[str], labels: Sequence[str]) -> Any:
    settings = _lexicon().get("model", {})
    return text_model.fit(
        texts, labels, float(settings.get("C", 8.0)), str(settings.get("class_weight", "sqrt")), prepare
    )


def cache_path() -> Path:
    return text_model.cache_dir("situation") / f"situation-model-{fingerprint()}.skops"


@lru_cache(maxsize=1)
def model() -> Any:
    """The trained pipeline (from the cache when its inputs have not changed)."""
    return text_model.cached(cache_path(), lambda: train(*training_set()))


@lru_cache(maxsize=256)
def ranking(text: str) -> tuple[tuple[str, float], ...]:
    """Every label with its probability for ``text``, most likely first."""
    pipeline = model()
    row = pipeline.predict_proba([prepare(text)])[0]
    return tuple(sorted(zip(pipeline.classes_, map(float, row), strict=True), key=lambda x: -x[1]))


def settings() -> dict[str, float]:
    """How the readers are weighed together (understand.weigh_situation): lexicon/situations.yaml ``model``."""
    return {
        "threshold": _setting("threshold", 1.0),
        "cue_weight": _setting("cue_weight", 0.6),
        "nlu_weight": _setting("nlu_weight", 0.5),
        "nlu_alone": _setting("nlu_alone", 0.5),
    }
