"""The learned situation reader (opschaling/situation_model.py): its material is well formed, it learns it, it reads
stories the cue words miss, it keeps quiet on messages that do not say the problem yet, and the dialogue uses it
only to find a first situation (never to move away from one)."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from opschaling import load_catalogue, situation_model, understand
from opschaling.dialogue import Turn, respond

TODAY = date(2026, 12, 1)


def test_training_material_is_well_formed_and_covers_every_situation():
    known = {*load_catalogue().routes, situation_model.NONE}
    counts = dict.fromkeys(known, 0)
    assert situation_model.training_files(), "no situation material in lexicon/training/"
    for path in situation_model.training_files():
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(items, list) and items, path.name
        for item in items:
            assert set(item) == {"situatie", "bericht"}, (path.name, item)
            assert item["situatie"] in known, (path.name, item["situatie"])
            assert str(item["bericht"]).strip(), (path.name, item)
            counts[item["situatie"]] += 1
    thin = {name: n for name, n in counts.items() if n < 30}
    assert not thin, f"situations with fewer than 30 written messages: {thin}"


def test_the_danger_model_does_not_read_the_situation_material():
    from opschaling import safety_model  # noqa: PLC0415

    assert not [p for p in safety_model.training_files() if p.name.startswith("situations_")]


def test_the_reader_learns_its_own_material():
    texts, labels = situation_model.training_set()
    predicted = situation_model.model().predict([situation_model.prepare(t) for t in texts])
    right = sum(p == label for p, label in zip(predicted, labels, strict=True))
    assert right / len(labels) >= 0.9, f"{right} of {len(labels)}"


@pytest.mark.parametrize(
    ("text", "situation"),
    [
        ("ze hebben de uren van mijn moeder afgepakt, van zes naar drie per week. mag dat?", "besluit_oneens"),
        ("mijn vader kan niet meer thuis wonen maar overal zeggen ze vol, al een jaar", "geen_plek"),
        ("niemand belt ons ooit terug bij dat loket, drie keer beloofd", "klacht_instantie"),
        ("ik mag van de client niks doorgeven aan de huisarts, wat nu", "informatie_delen"),
    ],
)
def test_stories_without_cue_words_are_read(text, situation):
    assert understand.guess_situation(text) is None  # the cue words miss it: the learned reader is needed
    assert understand.weigh_situation(text) == situation, situation_model.ranking(text)[:3]


@pytest.mark.parametrize("text", ["hallo", "ik heb een vraag over mijn moeder", "dank je wel", "ik ben haar dochter"])
def test_a_message_that_does_not_say_the_problem_gets_no_situation(text):
    assert understand.weigh_situation(text) is None, situation_model.ranking(text)[:3]


def _say(state, text: str, intent: str | None = None, confidence: float = 0.3):
    return respond(state, Turn(text=text, intent=intent, confidence=confidence, metadata={"trace": True}), today=TODAY)


def test_the_dialogue_takes_the_learned_situation_when_nothing_else_reads_it():
    reply = _say(None, "ze hebben de uren van mijn moeder afgepakt, van zes naar drie per week. mag dat?", "inform")
    assert reply.state["facts"].get("situation") == "besluit_oneens"
    assert reply.state.get("asked") != "situation"


def test_the_learned_reader_never_moves_a_known_situation():
    state = _say(None, "/geen_plek", "geen_plek", 1.0).state
    assert state["facts"]["situation"] == "geen_plek"
    text = "niemand belt ons ooit terug bij dat loket, drie keer beloofd"
    assert understand.weigh_situation(text) == "klacht_instantie"
    after = _say(state, text, "inform").state
    assert after["facts"]["situation"] == "geen_plek"


def test_a_message_with_a_danger_sign_is_not_guessed_at_for_a_route():
    reply = _say(None, "ik wil niet meer leven")
    assert reply.messages[0].kind == "crisis"
    assert reply.state["facts"].get("situation") is None


def test_the_cue_words_of_an_action_outweigh_a_topic_the_learned_reader_prefers():
    text = "besluit jeugdhulp oneens"
    assert situation_model.ranking(text)[0][0] == "jeugdzorg"  # the learned reader leans to the field
    assert understand.weigh_situation(text, "jeugdzorg", 0.7) == "besluit_oneens"
