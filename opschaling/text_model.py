"""What the two learned readers share (opschaling/safety_model.py, opschaling/situation_model.py): the pipeline
(hashed character 2-5-grams and word 1-2-grams, TF-IDF weighted, logistic regression), the class weights, and a
cache of the trained model keyed by a hash of its inputs (skops; only scikit-learn / SciPy / NumPy types load).
Training takes seconds; a model is trained again only when what it learns from changes."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TRUSTED_PREFIXES = ("sklearn.", "scipy.", "numpy.", "builtins.")
KEEP = 3  # trained models kept per reader in the cache (this one and the two newest others)
MARKUP = re.compile(r"\[([^\[\]]*)\](?:\([^()]*\)|\{[^{}]*\})")  # Rasa's entity markup in NLU examples: [text](entity)


def class_weights(labels: Sequence[str], mode: str) -> dict[str, float] | str | None:
    """ "balanced" (rare labels weigh as much as common ones), "sqrt" (halfway: the square root of that), or None."""
    if mode != "sqrt":
        return mode or None
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    total, k = len(labels), len(counts)
    return {label: (total / (k * n)) ** 0.5 for label, n in counts.items()}


def build_pipeline(strength: float, weights: dict[str, float] | str | None = None) -> Any:
    """Hashed character 2-5-grams and word 1-2-grams, TF-IDF weighted, and logistic regression (C=``strength``).
    Hashing keeps no vocabulary: the saved model is ~20 MB of numbers and loads in a second."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer  # noqa: PLC0415
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.pipeline import FeatureUnion, make_pipeline  # noqa: PLC0415

    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=2**17, alternate_sign=False)
    words = HashingVectorizer(
        analyzer="word", ngram_range=(1, 2), n_features=2**16, alternate_sign=False, token_pattern=r"\b\w+\b"
    )
    features = FeatureUnion(
        [
            ("chars", make_pipeline(chars, TfidfTransformer(sublinear_tf=True))),
            ("words", make_pipeline(words, TfidfTransformer(sublinear_tf=True))),
        ]
    )
    classifier = LogisticRegression(C=strength, max_iter=3000, class_weight=weights)
    return make_pipeline(features, classifier)


def fit(texts: Sequence[str], labels: Sequence[str], strength: float, mode: str, prepare: Callable[[str], str]) -> Any:
    """The pipeline (C=``strength``, class weights ``mode``) trained on the prepared texts and their labels."""
    pipeline = build_pipeline(strength, class_weights(labels, mode))
    pipeline.fit([prepare(t) for t in texts], list(labels))
    return pipeline


def cache_dir(name: str) -> Path:
    """$OPSW_CACHE/<name>, or var/cache without a cache folder."""
    base = os.environ.get("OPSW_CACHE")
    return Path(base) / name if base else ROOT / "var" / "cache"


def load_trusted(path: Path) -> Any:
    """A saved pipeline; a file holding any type but scikit-learn's, SciPy's, NumPy's or builtins is refused."""
    import skops.io as sio  # noqa: PLC0415

    types = sio.get_untrusted_types(file=path)
    strange = [t for t in types if not t.startswith(TRUSTED_PREFIXES)]
    if strange:
        raise ValueError(f"unexpected types in {path.name}: {strange}")
    return sio.load(path, trusted=types)


def _age(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed by another process meanwhile
        return 0.0


def cached(path: Path, train: Callable[[], Any]) -> Any:
    """The pipeline saved at ``path`` (named by the hash of its inputs), else ``train()`` saved there; of the models of
    other inputs (same name before the hash) only the newest few are kept."""
    import skops.io as sio  # noqa: PLC0415

    if path.exists():
        try:
            return load_trusted(path)
        except Exception:  # noqa: BLE001 - a broken or foreign cache file: train again
            path.unlink(missing_ok=True)
    pipeline = train()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
        sio.dump(pipeline, tmp.name)
    os.replace(tmp.name, path)
    prefix = path.name.rsplit("-", 1)[0]
    older = sorted((p for p in path.parent.glob(f"{prefix}-*.skops") if p != path), key=_age, reverse=True)
    for old in older[KEEP - 1 :]:  # a few stay: two checkouts on one machine do not throw each other's models away
        old.unlink(missing_ok=True)
    return pipeline
