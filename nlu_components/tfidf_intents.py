"""An intent classifier on TF-IDF character and word n-grams with logistic regression, as a Rasa component.

Why: on the project's held-out sets the plain TF-IDF + logistic-regression baseline (`make eval`, pipeline (c))
made fewer errors than DIET, most clearly on messages written by other people (external set). This component is
that baseline inside the Rasa pipeline. With ``blend`` > 0 it averages its probabilities with the intent ranking
of a classifier earlier in the pipeline (DIET): ``p = (1 - blend) * p_tfidf + blend * p_earlier``.

It reads the message text itself (no featurizer needed), so it also works without spaCy. Persisted with skops
(no pickle), loaded only when every type in the file is from scikit-learn, SciPy or NumPy.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)
TRUSTED_PREFIXES = ("sklearn.", "scipy.", "numpy.", "builtins.")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "char_ngrams": [2, 5],  # character n-grams within word boundaries
            "word_ngrams": [1, 2],
            "C": 20.0,  # inverse regularisation of the logistic regression
            "max_iter": 3000,
            "random_state": 42,
            "blend": 0.0,  # weight of the earlier classifier's ranking (0: this classifier alone)
            "ranking_length": 10,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, model: Any = None):
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TfidfIntentClassifier:
        return cls(config, model_storage, resource)

    def _pipeline(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        char_lo, char_hi = self.config["char_ngrams"]
        word_lo, word_hi = self.config["word_ngrams"]
        features = make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(char_lo, char_hi), lowercase=True, sublinear_tf=True),
            TfidfVectorizer(
                analyzer="word",
                ngram_range=(word_lo, word_hi),
                lowercase=True,
                sublinear_tf=True,
                token_pattern=r"(?u)\b\w+\b",
            ),
        )
        classifier = LogisticRegression(
            C=self.config["C"], max_iter=self.config["max_iter"], random_state=self.config["random_state"]
        )
        return make_pipeline(features, classifier)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if len({e.get(INTENT) for e in examples}) < 2:
            logger.debug("TfidfIntentClassifier: fewer than two intents, not trained")
            return self._resource
        self.model = self._pipeline()
        self.model.fit([e.get(TEXT) for e in examples], [e.get(INTENT) for e in examples])
        self.persist()
        return self._resource

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as folder:
            sio.dump(self.model, folder / "tfidf_intents.skops")

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TfidfIntentClassifier:
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as folder:
                path = folder / "tfidf_intents.skops"
                types = sio.get_untrusted_types(file=path)
                strange = [t for t in types if not t.startswith(TRUSTED_PREFIXES)]
                if strange:
                    raise ValueError(f"unexpected types in {path.name}: {strange}")
                model = sio.load(path, trusted=types)
        except ValueError as error:  # no resource (not trained) or a file we do not trust
            logger.warning("TfidfIntentClassifier not loaded: %s", error)
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None:
            return messages
        texts = [m.get(TEXT) or "" for m in messages]
        probabilities = self.model.predict_proba(texts)
        names = [str(c) for c in self.model.classes_]
        blend = float(self.config["blend"])
        for message, row in zip(messages, probabilities, strict=True):
            scores = dict(zip(names, (float(p) for p in row), strict=True))
            earlier = message.get(INTENT_RANKING_KEY) or []
            if blend > 0 and earlier:
                before = {r["name"]: float(r["confidence"]) for r in earlier}
                scores = {
                    name: (1 - blend) * scores.get(name, 0.0) + blend * before.get(name, 0.0)
                    for name in set(scores) | set(before)
                }
            ranking: list[dict[str, Any]] = [
                {"name": name, "confidence": p} for name, p in sorted(scores.items(), key=lambda item: -item[1])
            ]
            if self.config["ranking_length"] > 0:
                ranking = ranking[: self.config["ranking_length"]]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
