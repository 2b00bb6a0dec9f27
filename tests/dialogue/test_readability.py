"""Every answer the assistant can give, for every route, stays readable on a phone (B1).

The cases are generated from the catalogue: for every situation, law, organisation and role, the engine is walked
rung by rung (each step in turn marked as "tried, did not help"), and every advice and every detail behind its
buttons is rendered. Checked: the word budget of the advice, the average sentence length of B1 texts, no jargon
from catalogue/jargon.yaml left unexplained, a source on every answer, and no remark about source texts.
The conversation's own sentences (catalogue/texts.yaml: greeting, "not understood", crisis, ...) are checked the
same way, each in its "u" and its "je" form.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
import yaml

from opschaling import advise, load_catalogue, render
from opschaling.catalogue import placeholders, unexplained_jargon
from opschaling.facts import ALLOWED, CaseFacts

TODAY = date(2026, 12, 1)
ADVICE_WORDS = 80
AVERAGE_SENTENCE_WORDS = 15  # B1 texts average 10-15 words a sentence
LONGEST_SENTENCE_WORDS = 30
SOURCE_REMARK = re.compile(
    r"bronteksten?|brontekst|seed|gegevens van 20\d\d|de bron(?:nen)? (?:geeft|geven|noem)", re.IGNORECASE
)


def walk_routes(combos):
    """For every route and every (law, organisation, role): the engine walked rung by rung, each step in turn
    marked as "tried, did not help"; every (facts, advice) on the way. Questions are answered with the first
    allowed value, for the cliëntondersteuner with the last (both sides of each yes/no fact)."""
    catalogue = load_catalogue()
    for situation in catalogue.routes:
        for law, organisation, role in combos:
            facts = CaseFacts.of(
                situation=situation,
                law=law,
                organisation=organisation,
                role=role,
                age_group="kind" if role == "jongere" else "volwassene",
                # a passed deadline for one role, a running one for the others
                decision_date=date(2026, 9, 1) if role == "clientondersteuner" else date(2026, 11, 3),
                objection_decision_date=date(2026, 11, 20),
                acute_danger=False,
                consent=False,
                urgent=False,
                # care ended for two roles (probleemgedrag and complaints then move to the route of ended care),
                # not for the others (their own routes are walked too)
                termination=role in ("naaste", "zorgaanbieder"),
                today=TODAY,
            )
            for _ in range(12):
                advice = advise(facts, catalogue)
                if advice.question is not None:
                    fact = advice.question.fact
                    if fact == "step_outcome":
                        facts = facts.with_outcome(advice.question.about_step, "nee")
                        continue
                    allowed = [v for v in ALLOWED.get(fact, ()) if v != "onbekend"]
                    if not allowed:
                        break
                    value = allowed[-1] if role == "clientondersteuner" else allowed[0]
                    facts = facts.with_fact(fact, value)
                    continue
                yield facts, advice
                if advice.step is None:
                    break
                facts = facts.with_outcome(advice.step.id, "niet_geholpen")


def _cases():
    roles = ("naaste", "clientondersteuner", "jongere", "zorgkantoor_medewerker")
    laws = ("wlz", "wmo", "jeugdwet", "zvw")
    organisations = ("gemeente", "ciz", "zorgkantoor", "zorgverzekeraar", "cak", "zorgaanbieder")
    yield from walk_routes(list(itertools.product(laws, organisations, roles)))


def _distinct(cases):
    """One case per distinct answer: same step, status, tried steps, audience and law read the same."""
    seen = set()
    for facts, advice in cases:
        step = advice.step
        key = (
            advice.situation,
            step.id if step else None,
            step.status if step else None,
            advice.already_tried,
            facts.role,
            facts.law,
            tuple(a.id for a in advice.after),
        )
        if key not in seen:
            seen.add(key)
            yield facts, advice


def _with_conditions():
    """The steps whose conditions the walk above does not reach by itself (the Nationale Ombudsman)."""
    catalogue = load_catalogue()
    for organisation in ("gemeente", "ciz", "zorgkantoor", "cak"):
        facts = CaseFacts.of(
            situation="klacht_instantie",
            organisation=organisation,
            role="naaste",
            about_decision=False,
            complaint_within_year=True,
            today=TODAY,
            steps_tried={"klacht_bij_instantie": "niet_geholpen", "nationale_ombudsman": "nee"},
        )
        yield facts, advise(facts, catalogue)


CASES = list(_distinct([*_cases(), *_with_conditions()]))
JARGON = (yaml.safe_load((load_catalogue().directory / "jargon.yaml").read_text(encoding="utf-8")) or {}).get(
    "terms", {}
)


def sentence_lengths(text: str) -> list[int]:
    text = re.sub(r"^Bron:.*$", "", text, flags=re.MULTILINE)  # the source line is no prose (its ':' would split it)
    plain = re.sub(r"\]\([^)]*\)", "]", text)
    plain = re.sub(r"^\s*-\s*", "", plain, flags=re.MULTILINE)
    parts = [p for p in re.split(r"(?<=[.?!:])\s+|\n+", plain) if p.strip()]
    return [len(p.split()) for p in parts if not p.startswith("Bron")]


def test_the_walk_covers_every_route_and_many_steps():
    catalogue = load_catalogue()
    situations = {advice.situation for _, advice in CASES}
    assert set(catalogue.routes) <= situations
    steps = {advice.step.id for _, advice in CASES if advice.step}
    assert len(steps) >= 25


def test_every_advice_fits_the_word_budget_and_names_its_source():
    catalogue = load_catalogue()
    too_long = []
    for facts, advice in CASES:
        if advice.step is None:
            continue
        text = render.advice_text(advice, catalogue, facts)
        if render.words(text) > ADVICE_WORDS:
            too_long.append((advice.step.id, facts.role, render.words(text), text))
        assert "Bron:" in text, text
    assert not too_long, "\n\n".join(f"{s} ({r}): {n} words\n{t}" for s, r, n, t in too_long[:5])


@pytest.mark.parametrize("detail", sorted(render.DETAILS))
def test_every_answer_reads_at_b1_sentence_length(detail):
    catalogue = load_catalogue()
    problems = []
    for facts, advice in CASES:
        texts = [render.advice_text(advice, catalogue, facts), render.DETAILS[detail](advice, catalogue, facts)]
        for text in texts:
            lengths = sentence_lengths(text)
            if not lengths:
                continue
            if sum(lengths) / len(lengths) > AVERAGE_SENTENCE_WORDS or max(lengths) > LONGEST_SENTENCE_WORDS:
                problems.append(text)
    unique = list(dict.fromkeys(problems))
    assert not unique, f"{len(unique)} texts too hard to read, e.g.:\n" + "\n---\n".join(unique[:3])


def test_no_jargon_is_left_unexplained_and_no_remark_about_sources():
    catalogue = load_catalogue()
    problems = set()
    for facts, advice in CASES:
        for renderer in (render.advice_text, *render.DETAILS.values()):
            text = renderer(advice, catalogue, facts)
            body = re.sub(r"Bron:.*$", "", text, flags=re.MULTILINE)
            for term in unexplained_jargon(body, JARGON):
                problems.add(f"{term}: {text[:200]}")
            if SOURCE_REMARK.search(body):
                problems.add(f"source remark: {text[:200]}")
    assert not problems, "\n".join(sorted(problems)[:8])


def _conversation_texts():
    """(key, text) for every text of catalogue/texts.yaml, in "u" and in "je" (as a young person reads it)."""
    catalogue = load_catalogue()
    for key, entry in catalogue.texts.items():
        template = entry if isinstance(entry, str) else entry["u"]
        values = {name: name for name in placeholders(template)}
        formal = catalogue.text(key, **values)
        yield key, formal
        yield f"{key} (je)", catalogue.informal_text(key, **values) or render.informal(formal)


CONVERSATION_TEXTS = list(_conversation_texts())


@pytest.mark.parametrize("key,text", CONVERSATION_TEXTS, ids=[key for key, _ in CONVERSATION_TEXTS])
def test_every_sentence_of_the_conversation_reads_at_b1(key, text):
    """A placeholder counts as one word; the sentences around it stay short."""
    lengths = sentence_lengths(text)
    assert lengths, key
    assert max(lengths) <= LONGEST_SENTENCE_WORDS, f"{key}: {text}"
    assert sum(lengths) / len(lengths) <= AVERAGE_SENTENCE_WORDS, f"{key}: {text}"
    assert unexplained_jargon(text, JARGON) == [], f"{key}: {text}"
    assert not SOURCE_REMARK.search(text), f"{key}: {text}"


def test_young_people_are_addressed_with_je():
    catalogue = load_catalogue()
    for facts, advice in CASES:
        if facts.role != "jongere" or advice.step is None:
            continue
        text = re.sub(r"\[[^\]]*\]\([^)]*\)", "", render.advice_text(advice, catalogue, facts))
        text = re.sub(r"Bron:.*$", "", text)
        assert not re.search(r"\b[Uu]w?\b", text), text
