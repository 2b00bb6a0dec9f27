"""The learned reader of danger signs: TF-IDF (character 2-5-grams and words) + logistic regression.

Trained on ``lexicon/training/*.yaml`` (several thousand messages by several writers, in the format of
tests/safety/blind/README.md), on the positive and negative examples of every entry of ``lexicon/safety.yaml``,
and on the ordinary care messages of the NLU data (``data/nlu``, every intent but ``acute_nood``) as negatives.
It predicts a lexicon kind (or ``none``) per chunk of the message: short messages are read whole, long stories
sentence by sentence, so one sentence of despair in a 600-word story is not drowned by the rest.

The thresholds are data (``model`` in lexicon/safety.yaml), chosen on a development split of the training
material, never on a blind batch. The trained model is cached by a hash of its inputs (skops, only
scikit-learn / SciPy / NumPy types are loaded) in ``$OPSW_CACHE/safety`` or ``var/cache``; training takes
seconds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from opschaling import text_model
from opschaling.safety_rules import fold, load_lexicon

# True after a sign in the conversation (lower thresholds, the after-sign kinds count), safety.WEAK right after a weak
# sign (only the after-sign kinds count: a question about a dose), False otherwise
AfterSign = bool | str

ROOT = Path(__file__).resolve().parent.parent
TRAINING_DIR = ROOT / "lexicon" / "training"
NLU_DIR = ROOT / "data" / "nlu"
NONE = "none"
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")
_CLAUSE = re.compile(r"[^,;:]+[,;:]*")
WHOLE_WORDS = 45  # a message up to this many words is read whole
CHUNK_WORDS = (8, 40)  # longer ones in chunks of whole sentences, at least 8 and at most ~40 words
MAX_CHUNKS = 120


def _units(text: str) -> Iterable[str]:
    """The sentences of ``text``; a sentence longer than a chunk (a story told in one breath, with commas only) in its
    clauses, and a clause longer than a chunk in pieces of a chunk's size, so that no words are left unread."""
    for match in _SENTENCE.finditer(text):
        sentence = match.group(0).strip()
        if len(sentence.split()) <= CHUNK_WORDS[1]:
            yield sentence
            continue
        for clause in _CLAUSE.findall(sentence):
            words = clause.split()
            for start in range(0, len(words), CHUNK_WORDS[1]):
                yield " ".join(words[start : start + CHUNK_WORDS[1]])


def chunks(text: str) -> list[str]:
    """The pieces of ``text`` the model reads: the whole message when it is short, else runs of sentences (or of the
    clauses of a long sentence)."""
    text = text.strip()
    if len(text.split()) <= WHOLE_WORDS:
        return [text] if text else []
    out: list[str] = []
    current: list[str] = []
    size = 0
    for sentence in _units(text):
        n = len(sentence.split())
        if current and size + n > CHUNK_WORDS[1]:
            out.append(" ".join(current))
            current, size = [], 0
        current.append(sentence)
        size += n
        if size >= CHUNK_WORDS[0]:
            out.append(" ".join(current))
            current, size = [], 0
        if len(out) >= MAX_CHUNKS:
            break
    if current and len(out) < MAX_CHUNKS:
        out.append(" ".join(current))
    return [" ".join(c.split()) for c in out]  # (no chunk is longer than CHUNK_WORDS[1]: _units bounds each piece)


def prepare(text: str) -> str:
    """What the model sees: folded (accents, invisible characters), lower case, white space made single."""
    return " ".join(fold(text).split())


# --------------------------------------------------------------------------------------------- training data


def _items(path: Path) -> Iterable[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return data if isinstance(data, list) else []


def item_examples(item: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, label) for one written item: the turns before the sign are "none" (a method question's first turn
    voices despair: "passive"), the sign's turn has the item's kind, the turns after it are not used."""
    turns = [str(t) for t in item.get("turns") or []]
    tier = str(item.get("tier") or NONE)
    kind = str(item.get("kind") or NONE)
    if tier == NONE:
        return [(t, NONE) for t in turns]
    sign = item.get("sign_turn")
    sign = len(turns) - 1 if sign is None else min(int(sign), len(turns) - 1)
    before = "passive" if kind == "method_seeking" else NONE
    return [(t, before) for t in turns[:sign]] + [(turns[sign], kind)]


def training_files() -> list[Path]:
    """The danger material (the situation reader's files, ``situations_*.yaml``, are not for this model)."""
    return sorted(p for p in TRAINING_DIR.glob("*.yaml") if not p.name.startswith("situations_"))


def _nlu_negatives() -> list[str]:
    out = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if "intent" not in block or block["intent"] == "acute_nood":
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    out.append(text_model.MARKUP.sub(r"\1", line[2:]).strip())
    return [t for t in out if t]


def training_set(leave_out: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """(texts, labels) the model is trained on: the written messages (``written``), long ones as the model reads them
    (``as_read``); ``leave_out``: ids of training items left out (scripts/tune_safety.py leaves writers out)."""
    pairs = as_read(written(leave_out))
    return [t for t, _ in pairs], [label for _, label in pairs]


def written(leave_out: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(text, label) of every message the model learns from, whole, as written."""
    skip = set(leave_out)
    pairs: list[tuple[str, str]] = []
    for path in training_files():
        for item in _items(path):
            if str(item.get("id")) not in skip:
                pairs += item_examples(item)
    for entry in load_lexicon().data["entries"]:  # the rules' near misses; their positives are the rules' own job
        pairs += [(t, NONE) for t in (entry.get("examples") or {}).get("negative") or []]
    pairs += [(t, NONE) for t in _nlu_negatives()]
    kinds = set(load_lexicon().kinds)
    return [(t, label) for t, label in pairs if t.strip() and (label == NONE or label in kinds)]


def as_read(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The examples in the pieces the model reads (``chunks``): a long message without a sign gives each of its
    chunks as "none" (one sentence of an ordinary story is read alone, so it is learned alone); a long message with
    a sign gives only the chunk in which a first model, trained on the short messages, finds that sign most likely
    (the story around the sign is no sign). Short messages stay whole."""
    short = [(t, label) for t, label in pairs if len(t.split()) <= WHOLE_WORDS]
    long = [(t, label) for t, label in pairs if len(t.split()) > WHOLE_WORDS]
    out = list(short) + [(c, NONE) for t, label in long if label == NONE for c in chunks(t)]
    signed = [(chunks(t), label) for t, label in long if label != NONE]
    if not signed:
        return out
    first = train([t for t, _ in short], [label for _, label in short])
    classes = list(first.classes_)
    for pieces, label in signed:
        if label not in classes or len(pieces) == 1:
            out += [(p, label) for p in pieces]
            continue
        chance = first.predict_proba([prepare(p) for p in pieces])[:, classes.index(label)]
        out.append((pieces[int(chance.argmax())], label))
    return out


def fingerprint() -> str:
    """A hash of everything the trained model depends on: this module, scikit-learn, the training files, the NLU
    data and the lexicon (without the thresholds, which are applied when the model is used, not trained)."""
    import json  # noqa: PLC0415

    import sklearn  # noqa: PLC0415

    digest = hashlib.sha256()
    digest.update(sklearn.__version__.encode())
    data = dict(load_lexicon().data)
    data["model"] = {k: v for k, v in data["model"].items() if k in ("C", "class_weight")}
    digest.update(json.dumps(data, sort_keys=True, default=str).encode())
    for path in [Path(__file__), Path(text_model.__file__), *training_files(), *sorted(NLU_DIR.glob("*.yml"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def train(texts: Sequence[str], labels: Sequence[str], weighting: str | None = None) -> Any:
    """The pipeline trained on (text, label); ``weighting``: the class weights (default: the lexicon's ``model``)."""
    settings = load_lexicon().data["model"]
    mode = weighting if weighting is not None else str(settings.get("class_weight", "sqrt"))
    return text_model.fit(texts, labels, float(settings.get("C", 8.0)), mode, prepare)


def cache_path() -> Path:
    return text_model.cache_dir("safety") / f"safety-model-{fingerprint()}.skops"


@lru_cache(maxsize=1)
def model() -> Any:
    """The trained pipeline (from the cache when its inputs have not changed)."""
    return text_model.cached(cache_path(), lambda: train(*training_set()))


@lru_cache(maxsize=256)
def _scores(text: str) -> tuple[tuple[tuple[str, float], ...], ...]:
    return tuple(tuple(row.items()) for row in _score_chunks(text))


def scores(text: str) -> list[dict[str, float]]:
    """Per chunk of ``text``: probability per label (remembered for the last few hundred texts: the dialogue
    asks for a sign and for a weak sign of the same message)."""
    return [dict(row) for row in _scores(text)]


def _score_chunks(text: str) -> list[dict[str, float]]:
    pipeline = model()
    pieces = [prepare(c) for c in chunks(text)]
    if not pieces:
        return []
    labels = list(pipeline.classes_)
    return [dict(zip(labels, map(float, row), strict=True)) for row in pipeline.predict_proba(pieces)]


def decide(
    rows: Sequence[dict[str, float]],
    after_sign: AfterSign = False,
    crisis: float | None = None,
    check_in: float | None = None,
) -> tuple[str, str, float, bool] | None:
    """(kind, tier, score, about someone else) from the chunk scores, or None below the thresholds.

    Per chunk: P(sign) = 1 - P(none), P(crisis) = the sum over the crisis kinds. A chunk at or above the crisis
    threshold gives a crisis (its most likely crisis kind); else a chunk at or above the check-in threshold
    gives a check-in (its most likely kind). The thresholds are the lexicon's (``crisis`` / ``check_in`` given
    here only to sweep them: scripts/tune_safety.py); after an earlier sign they are lower (``after_sign``)."""
    lex = load_lexicon()
    crisis_at, check_in_at = _thresholds(after_sign, crisis, check_in, long=len(rows) > 1)
    muted = _muted(after_sign)
    crisis_kinds = [k for k in lex.crisis_kinds if k not in muted]
    best: tuple[float, str, str] | None = None
    for row in rows:
        p_crisis = sum(row.get(k, 0.0) for k in crisis_kinds)
        p_sign = _chance(row, muted)
        if p_crisis >= crisis_at:
            kind = max(crisis_kinds, key=lambda k: row.get(k, 0.0))
            candidate = (2 + p_crisis, kind, "crisis")
        elif p_sign >= check_in_at:
            kind = max((k for k in row if k != NONE and k not in muted), key=lambda k: row[k])
            candidate = (1 + p_sign, kind, "check_in")
        else:
            continue
        if best is None or candidate[0] > best[0]:
            best = candidate
    if best is None:
        return None
    score, kind, tier = best
    return kind, tier, score - int(score), kind in lex.other_kinds


def _thresholds(
    after_sign: AfterSign, crisis: float | None = None, check_in: float | None = None, long: bool = False
) -> tuple[float, float]:
    """(crisis, check-in) thresholds: the lexicon's (or the ones given), lower after an earlier sign. A chunk of a
    long message needs ``check_in_long`` for a check-in: one sentence of an ordinary story read alone looks more
    like a sign than the story does."""
    cfg = load_lexicon().data["model"]
    scale = float(cfg.get("after_sign_factor", 1.0)) if after_sign is True else 1.0  # not after only a weak sign
    own = cfg["check_in_long"] if long else cfg["check_in"]
    return (
        float(cfg["crisis"] if crisis is None else crisis) * scale,
        float(own if check_in is None else check_in) * scale,
    )


def _muted(after_sign: AfterSign) -> frozenset[str]:
    """The kinds whose share is no sign here: those that need an earlier sign (asking about a dose), without one
    (a weak sign is one here: "hoeveel pillen is te veel?" right after it is read)."""
    return frozenset() if after_sign else load_lexicon().after_sign_kinds


def _chance(row: dict[str, float], muted: frozenset[str]) -> float:
    """The chance of any sign in one chunk: all but "none" and the muted kinds."""
    return 1.0 - row.get(NONE, 0.0) - sum(row.get(k, 0.0) for k in muted)


MIN_WORDS = 4  # shorter messages ("weet ik niet", "nee, nog niet") are answers: the rules read those


def sign_chance(text: str, after_sign: AfterSign = False) -> float:
    """The highest chance of any sign in a chunk of ``text`` (the kinds that need an earlier sign left out when
    there was none); 0 for a short message."""
    if len(text.split()) < MIN_WORDS:
        return 0.0
    muted = _muted(after_sign)
    return max((_chance(row, muted) for row in scores(text)), default=0.0)


def violence(text: str, after_sign: AfterSign = False) -> tuple[str, str, float] | None:
    """(kind, tier, share) when one chunk of ``text`` gives the violence kinds together (the lexicon's group
    "violence") at least the lexicon's ``model.violence``: abuse told in words that the kinds split between
    elder_abuse, violence_now and worry. The tier is a crisis when the chunk reaches the crisis threshold."""
    if len(text.split()) < MIN_WORDS:
        return None
    lex = load_lexicon()
    group = [k for k, v in lex.kinds.items() if v["group"] == "violence"]
    crisis_at, _ = _thresholds(after_sign)
    at_least = float(lex.data["model"].get("violence", 1.0))
    muted = _muted(after_sign)
    crisis_kinds = [k for k in lex.crisis_kinds if k not in muted]
    found: tuple[float, str, str] | None = None
    for row in scores(text):
        share = sum(row.get(k, 0.0) for k in group)
        if share < at_least or (found and share <= found[0]):
            continue
        tier = "crisis" if sum(row.get(k, 0.0) for k in crisis_kinds) >= crisis_at else "check_in"
        found = (share, max(group, key=lambda k: row.get(k, 0.0)), tier)
    return None if found is None else (found[1], found[2], round(found[0], 3))


def predict(text: str, after_sign: AfterSign = False) -> tuple[str, str, float, bool] | None:
    """(kind, tier, score, about someone else) for ``text``, or None when the model sees no sign."""
    if len(text.split()) < MIN_WORDS:
        return None
    return decide(scores(text), after_sign)
