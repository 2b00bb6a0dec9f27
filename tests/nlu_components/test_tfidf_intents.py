"""The TF-IDF intent classifier as Rasa runs it: trained, persisted with skops, loaded again, and used."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu_components.tfidf_intents import TfidfIntentClassifier

pytest.importorskip("rasa")

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

EXAMPLES = {
    "besluit_oneens": ["ik ben het niet eens met het besluit", "de gemeente wees mijn aanvraag af", "bezwaar maken"],
    "klacht_zorgaanbieder": ["klacht over de thuiszorg", "het verpleeghuis behandelt mijn moeder slecht"],
    "geen_plek": ["we vinden geen plek in een verpleeghuis", "de wachtlijst is veel te lang, geen plek"],
}


def _component(tmp_path: Path, config: dict | None = None):
    (tmp_path / "storage").mkdir(parents=True)
    storage = LocalModelStorage(tmp_path / "storage")
    resource = Resource("tfidf")
    context = ExecutionContext(GraphSchema({}), node_name="tfidf")
    return storage, resource, context, TfidfIntentClassifier.create(config or {}, storage, resource, context)


def _train(component) -> None:
    data = TrainingData([Message.build(text=t, intent=intent) for intent, texts in EXAMPLES.items() for t in texts])
    component.train(data)


def test_trained_persisted_and_loaded_it_classifies_with_a_ranking(tmp_path: Path) -> None:
    storage, resource, context, component = _component(tmp_path)
    _train(component)
    loaded = TfidfIntentClassifier.load({}, storage, resource, context)
    [message] = loaded.process([Message.build(text="wij zijn het niet eens met dat besluit van de gemeente")])
    assert message.get("intent")["name"] == "besluit_oneens"
    ranking = message.get("intent_ranking")
    assert ranking[0]["name"] == "besluit_oneens"
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6


def test_blend_mixes_in_the_ranking_of_an_earlier_classifier(tmp_path: Path) -> None:
    _, _, _, alone = _component(tmp_path / "a")
    _, _, _, blended = _component(tmp_path / "b", {"blend": 0.9})
    _train(alone)
    _train(blended)
    earlier = [{"name": "geen_plek", "confidence": 1.0}]
    text = "klacht over de thuiszorg"
    [a] = alone.process([Message.build(text=text)])
    m = Message.build(text=text)
    m.set("intent_ranking", earlier)
    [b] = blended.process([m])
    assert a.get("intent")["name"] == "klacht_zorgaanbieder"
    assert b.get("intent")["name"] == "geen_plek"  # 0.9 of the weight on the earlier ranking


def test_a_file_with_unexpected_types_is_not_loaded(tmp_path: Path, monkeypatch) -> None:
    storage, resource, context, component = _component(tmp_path)
    _train(component)
    import skops.io as sio

    monkeypatch.setattr(sio, "get_untrusted_types", lambda file: ["os.system"])
    loaded = TfidfIntentClassifier.load({}, storage, resource, context)
    assert loaded.model is None
    [message] = loaded.process([Message.build(text="bezwaar maken")])
    assert message.get("intent") is None  # untouched: the fallback classifier after it decides
