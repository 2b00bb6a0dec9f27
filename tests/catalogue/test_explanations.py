"""The questions the seeds answer (catalogue/explanations.yaml topics with `when`): every example finds its topic,
no `not` does, and the name of the step just advised can complete a short follow-up question."""

from __future__ import annotations

import pytest

from opschaling.catalogue import load_catalogue

CAT = load_catalogue()
WHEN_TOPICS = {topic_id: topic for topic_id, topic in CAT.explanations.items() if "when" in topic}


def test_there_are_questions_the_seeds_answer():
    assert len(WHEN_TOPICS) >= 15


@pytest.mark.parametrize(
    "topic_id,example",
    [(t, e) for t, topic in WHEN_TOPICS.items() for e in topic["examples"]],
)
def test_an_example_finds_its_topic(topic_id, example):
    assert CAT.explanation_for(example) == topic_id


@pytest.mark.parametrize(
    "topic_id,example",
    [(t, e) for t, topic in WHEN_TOPICS.items() for e in topic.get("not", ())],
)
def test_a_counter_example_does_not_find_the_topic(topic_id, example):
    assert CAT.explanation_for(example) != topic_id


def test_the_step_just_advised_completes_a_short_question():
    question = "kan ik daar als huisarts zelf bellen of moet de patiënt dat doen?"
    assert CAT.explanation_for(question) is None
    loket = CAT.body("juiste_loket").short_label
    assert CAT.explanation_for(question, loket) == "juiste_loket_professionals"


def test_a_story_without_a_question_the_seeds_answer_finds_no_topic():
    for story in (
        "mijn moeder van 84 wacht al maanden op een verpleeghuis",
        "de gemeente heeft mijn uren gehalveerd",
        "ik ben mantelzorger en ik ben zo moe",
    ):
        assert CAT.explanation_for(story) is None, story


def test_every_situation_of_a_topic_is_a_route():
    for topic_id, topic in WHEN_TOPICS.items():
        if "situation" in topic:
            assert topic["situation"] in CAT.routes, topic_id


def test_when_patterns_are_written_for_the_folded_text():
    """`when` is matched on opschaling.folding.fold: lower case, no accents (an accented pattern never matches)."""
    for topic_id, topic in WHEN_TOPICS.items():
        for pattern in topic["when"]:
            assert pattern.isascii() and not any(c.isupper() for c in pattern.replace("\\S", "")), (topic_id, pattern)


def test_what_an_answer_covers_is_a_question_about_the_advice():
    from opschaling import render

    covered = {t for topic in CAT.explanations.values() for t in topic.get("covers") or ()}
    assert covered, "no answer says which question about the advice it answers too"
    assert covered <= set(render.DETAILS)
