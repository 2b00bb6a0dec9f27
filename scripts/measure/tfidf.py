"""Baseline (c): TF-IDF (character 2-5-grams within word boundaries + word 1-2-grams) and logistic
regression (scikit-learn). No entities, no fallback: the plain argmax intent."""

from __future__ import annotations

from collections.abc import Sequence


def train_and_predict(
    train_texts: Sequence[str], train_intents: Sequence[str], test_texts: Sequence[str], seed: int = 42
) -> list[dict]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True, sublinear_tf=True, min_df=1),
        TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), lowercase=True, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
        ),
    )
    model = make_pipeline(features, LogisticRegression(C=20.0, max_iter=3000, random_state=seed))
    model.fit(list(train_texts), list(train_intents))
    if not test_texts:
        return []
    proba = model.predict_proba(list(test_texts))
    classes = list(model.classes_)
    out = []
    for row in proba:
        best = max(range(len(classes)), key=lambda i: row[i])
        out.append({"intent": classes[best], "confidence": float(row[best]), "entities": []})
    return out
