"""The conversation as a user meets it, without Rasa: free-text answers through opschaling.dialogue.respond.

The same behaviours are checked through the REST channel in tests/integration (with the real NLU); these run in
milliseconds, so they can cover many phrasings and every state.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from opschaling import load_catalogue, render
from opschaling.dialogue import Turn, respond

TODAY = date(2026, 12, 1)
CAT = load_catalogue()
CRISIS_NUMBER = re.compile(r"\b(?:112|113|0800-0113|0800-2000)\b")


class Chat:
    def __init__(self) -> None:
        self.state = None
        self.log: list[tuple[str, list]] = []

    def say(self, text: str, intent: str | None = None, confidence: float = 0.95, entities=()) -> list:
        reply = respond(
            self.state,
            Turn(text=text, intent=intent, confidence=confidence, entities=tuple(entities), metadata={"trace": True}),
            today=TODAY,
        )
        self.state = reply.state
        self.log.append((text, reply.messages))
        assert reply.messages, f"no answer to {text!r}"
        return reply.messages

    @property
    def facts(self) -> dict:
        return self.state["facts"]

    def questions(self) -> list[str]:
        return [m.text for _, ms in self.log for m in ms if m.kind == "question"]

    def advice(self) -> list:
        return [m for _, ms in self.log for m in ms if m.kind == "advice"]

    def until_advice(self, answer: str = "nee", tries: int = 4) -> list:
        """Answer with ``answer`` until a reply holds the advice (at most ``tries`` times); that reply."""
        for _ in range(tries):
            if any(m.kind == "advice" for m in self.log[-1][1]):
                break
            self.say(answer)
        return self.log[-1][1]


def last_trace(messages) -> dict:
    return messages[-1].trace or {}


def without_notice(messages):
    return [m for m in messages if m.kind != "notice"]


DANGER = [
    "ik wil dood",
    "ik kan niet meer, ik wil dood",
    "ik denk aan zelfdoding",
    "mijn man slaat me",
    "geen gevaar, hij slaat me wel soms",
    "ik wil niet meer leven",
]


@pytest.mark.parametrize("text", DANGER)
def test_danger_as_first_message_gets_the_crisis_step_first(text):
    messages = Chat().say(text)
    assert messages[0].kind == "crisis"
    assert CRISIS_NUMBER.search(messages[0].text)
    assert not messages[0].feedback


@pytest.mark.parametrize("text", DANGER)
def test_danger_during_a_follow_up_question_is_answered_first_and_the_question_comes_back(text):
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van het CIZ")
    question = chat.state["asked"]
    assert question is not None
    messages = chat.say(text)
    assert messages[0].kind == "crisis" and CRISIS_NUMBER.search(messages[0].text)
    assert messages[-1].kind == "question"
    assert chat.state["asked"] == question
    assert "begreep ik niet" not in messages[-1].text  # a danger sign is not a wrong answer


def test_danger_after_the_advice_still_gets_the_crisis_step():
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van het CIZ")
    chat.say("nee, nog niet")
    chat.say("weet ik niet")
    assert chat.advice()
    messages = chat.say("ik zie het niet meer zitten, ik wil er niet meer zijn")
    assert messages[0].kind == "crisis"


def test_saying_it_is_not_safe_repeats_112_and_waits():
    chat = Chat()
    chat.say("mijn man slaat me")
    messages = chat.say("het is nu niet veilig")
    assert messages[0].kind == "crisis" and "112" in messages[0].text
    assert chat.state.get("waiting_safe")


def test_a_running_objection_is_not_treated_as_rejected():
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van het CIZ")
    chat.say("ja, maar nog niks gehoord")
    assert chat.facts["steps_tried"]["bezwaar_ciz"] == "loopt"
    for _ in range(3):
        if chat.advice():
            break
        chat.say("weet ik niet")
    steps = {last_trace(ms).get("step") for _, ms in chat.log}
    assert "beroep_rechtbank" not in steps
    assert "hoger_beroep_crvb" not in steps


def test_an_ingebrekestelling_runs_two_weeks_then_the_beroep_comes():
    """Awb 4:17 (R-public §24): after the letter the body has two weeks; a letter sent longer ago did not help."""
    running = Chat().say(
        "De gemeente beslist niet op tijd over mijn Wmo-aanvraag. Ik heb vorige week een ingebrekestelling gestuurd, "
        "nog geen reactie."
    )
    assert last_trace(running)["step"] == "ingebrekestelling"
    text = " ".join(m.text for m in running if m.kind == "advice")
    assert "Dit loopt nog" in text and "2 weken" in text
    chat = Chat()
    waited = chat.say(
        "De gemeente beslist niet op tijd over mijn Wmo-aanvraag. Op 2 november heb ik een ingebrekestelling "
        "gestuurd. Nog steeds geen besluit."
    )
    assert chat.facts["steps_tried"]["ingebrekestelling"] == "niet_geholpen"
    trace = last_trace(waited)
    assert "beroep_niet_tijdig" in (trace.get("step"), trace.get("question_step"))


def test_done_without_a_result_is_asked_back():
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van het CIZ")
    messages = chat.say("al gedaan")
    assert messages[-1].kind == "question"
    assert re.search(r"loopt het nog", messages[-1].text, re.IGNORECASE)
    assert "bezwaar_ciz" not in chat.facts.get("steps_tried", {})
    chat.say("het hielp niet")
    assert chat.facts["steps_tried"]["bezwaar_ciz"] == "niet_geholpen"


def test_telling_the_staff_is_not_the_klachtenfunctionaris():
    chat = Chat()
    chat.say("ik heb een klacht over het verpleeghuis van mijn moeder, ik heb het tegen de verzorging gezegd")
    assert chat.facts["steps_tried"].get("klachtenfunctionaris") != "niet_geholpen"


def test_and_if_that_does_not_help_shows_what_comes_after_without_counting_it_as_tried():
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van het CIZ")
    chat.say("nee, nog niet")
    chat.say("weet ik niet")
    tried_before = dict(chat.facts.get("steps_tried", {}))
    messages = chat.say("en als dat niet helpt?")
    assert chat.facts.get("steps_tried", {}) == tried_before
    assert messages[0].kind == "detail"
    assert "beroep" in messages[0].text.lower()


def test_a_gemeente_decision_about_wmo_goes_to_the_gemeente_not_the_ciz():
    chat = Chat()
    chat.say("De gemeente heeft mijn Wmo-indicatie afgewezen")
    assert chat.facts["organisation"] == "gemeente"
    assert "gemeente" in chat.questions()[-1]


def test_what_the_first_message_says_is_not_asked_again():
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van het CIZ, de brief is van 3 maart")
    chat.say("nee, nog niet")
    asked = " ".join(chat.questions()).lower()
    assert "welke organisatie" not in asked
    assert "welke datum" not in asked
    assert chat.facts["decision_date"] == "2026-03-03"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("14-10", "2026-10-14"),
        ("24 nov", "2026-11-24"),
        ("de brief is van 3 maart", "2026-03-03"),
        ("vorige week", "2026-11-24"),
    ],
)
def test_dutch_dates_are_read(text, expected):
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van het CIZ")
    chat.say("nee, nog niet")
    chat.say(text)
    assert chat.facts["decision_date"] == expected


def test_a_date_in_the_future_is_questioned_not_computed():
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van het CIZ")
    chat.say("nee, nog niet")
    messages = chat.say("3 maart 2027")
    assert "decision_date" not in chat.facts
    assert messages[-1].kind == "question" and "toekomst" in messages[-1].text
    assert not chat.advice()


def test_weet_ik_niet_is_a_valid_answer_and_leads_on():
    chat = Chat()
    chat.say("klacht over de thuiszorg")
    for _ in range(4):
        if chat.advice():
            break
        chat.say("weet ik niet")
    assert chat.advice()


def test_no_question_is_asked_three_times():
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit")
    for _ in range(6):
        chat.say("blablabla")
    counts: dict[str, int] = {}
    for question in chat.questions():
        key = re.sub(r"^.*?(?=[A-Z][^.?!]*\?$)", "", question)
        counts[key] = counts.get(key, 0) + 1
    assert max(counts.values()) <= 2, counts


@pytest.mark.parametrize(
    "correction",
    [
        "nee, het was de gemeente",
        "ik bedoel de gemeente",
        "niet het CIZ maar de gemeente",
        "sorry, het gaat om de gemeente",
    ],
)
def test_a_correction_in_natural_words_changes_the_facts(correction):
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van het CIZ")
    assert chat.facts["organisation"] == "ciz"
    messages = chat.say(correction)
    assert chat.facts["organisation"] == "gemeente"
    assert any("aangepast" in m.text for m in messages)


def test_the_user_can_see_what_the_assistant_knows():
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van het CIZ")
    messages = chat.say("wat weet je van mij?")
    assert "CIZ" in messages[0].text


def test_something_else_keeps_the_facts_that_still_apply():
    chat = Chat()
    chat.say("ik ben cliëntondersteuner, het CIZ heeft de Wlz-indicatie van mijn cliënt afgewezen")
    chat.say("iets anders")
    assert chat.facts["role"] == "clientondersteuner"
    assert chat.facts["law"] == "wlz"
    assert "situation" not in chat.facts


def test_a_question_typed_during_a_follow_up_is_answered_and_the_follow_up_asked_again():
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van het CIZ")
    asked = chat.state["asked"]
    messages = chat.say("wat is het CCE?")
    assert messages[0].kind == "info" and "CCE" in messages[0].text
    assert messages[-1].kind == "question" and chat.state["asked"] == asked


def test_typed_payloads_with_values_outside_the_vocabulary_are_ignored():
    chat = Chat()
    chat.say(
        '/inform{"rol":"hacker","instantie":"<script>"}',
        intent="inform",
        entities=[("rol", "hacker"), ("instantie", "<script>")],
    )
    assert "role" not in chat.facts and "organisation" not in chat.facts


@pytest.mark.parametrize("text", ["", "   ", "x" * 10000, "<script>alert(1)</script>", "Hello, can you help me?"])
def test_bad_input_gets_a_clear_answer(text):
    messages = without_notice(Chat().say(text))
    assert messages and all(m.text.strip() for m in messages)


def test_a_young_person_is_addressed_with_je():
    chat = Chat()
    messages = chat.say("ik ben 15 en ik wil een klacht indienen over mijn jeugdhulpverlener")
    text = " ".join(m.text for m in without_notice(messages))
    assert not re.search(r"\b[Uu]w?\b", text), text


def test_informal_turns_u_into_je():
    assert (
        render.informal("Heeft u al bezwaar gemaakt? U kunt uw cliëntondersteuner bellen.")
        == "Heb je al bezwaar gemaakt? Je kunt je cliëntondersteuner bellen."
    )
    # words ending in -t that are not verbs keep it: "met u" is "met je", not "me je"
    assert render.informal("Ik zoek met u de stap. Goed dat u belt.") == "Ik zoek met je de stap. Goed dat je belt."


def test_a_young_person_is_greeted_with_je():
    chat = Chat()
    chat.say("ik ben 15 en ik wil een klacht indienen over mijn jeugdhulpverlener")
    text = " ".join(m.text for m in chat.say("hallo", intent="greet"))
    assert not re.search(r"\bme je\b|\b[Uu]w?\b", text), text


def test_advice_fits_one_phone_screen_and_has_its_source():
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van het CIZ, de brief is van 3 november")
    chat.say("nee, nog niet")
    advice = chat.advice()
    assert advice
    assert render.words(advice[-1].text) <= 80
    assert "Bron:" in advice[-1].text
    titles = [b["title"] for b in advice[-1].buttons]
    assert "Waarom deze stap?" in titles and "Bronnen" in titles
    assert "15 december 2026" in advice[-1].text  # six weeks after 3 November


def test_the_catalogue_has_a_route_for_every_situation_intent():
    from opschaling.dialogue import SITUATION_INTENTS

    routes = load_catalogue().routes
    missing = [intent for intent, (situation, _) in SITUATION_INTENTS.items() if situation not in routes]
    assert not missing, f"situations without a route: {missing}"


def test_an_answer_is_not_taken_for_another_move_the_nlu_saw():
    chat = Chat()
    chat.say(
        "Multiproblematiek bij een cliënt, veiligheidshuis en maatwerkloket pmm hebben niet geholpen.",
        intent="multiproblematiek",
    )
    for _ in range(3):
        if chat.state["asked"] == "role":
            break
        chat.say("nee", intent="deny")
    assert chat.state["asked"] == "role"
    chat.say("medewerker gemeente", intent="human_handoff", confidence=0.7)
    assert chat.facts["role"] == "gemeente_medewerker"
    assert chat.questions().count(chat.questions()[-1]) <= 2


def test_words_about_what_the_user_wants_win_over_the_field_the_nlu_named():
    chat = Chat()
    chat.say("besluit jeugdhulp oneens", intent="jeugdzorg", confidence=0.9)
    assert chat.facts["situation"] == "besluit_oneens"


@pytest.mark.parametrize(
    "typed", ['"/inform{"instantie":"cak","rol":"zorgkantoor_medewerker"}"', "/niet_geholpen", '"/besluit_oneens@0.01"']
)
def test_a_typed_payload_sets_no_fact_and_gets_an_answer(typed):
    chat = Chat()
    messages = chat.say(typed, intent="inform")
    assert not {k: v for k, v in chat.facts.items() if k != "steps_tried" and v}
    assert any(m.kind in ("error", "question") for m in messages)


def test_a_zorgkantoor_worker_is_not_sent_to_the_zorgkantoor():
    chat = Chat()
    chat.say("Ik werk bij het zorgkantoor. Voor een cliënt met een Wlz-indicatie is geen plek te vinden.")
    for _ in range(4):
        if chat.advice():
            break
        chat.say("nee")
    assert chat.advice()
    assert chat.state["last"]["step"] not in (None, "zorgkantoor")


def test_repeating_a_known_fact_is_thanked_not_called_not_understood():
    chat = Chat()
    chat.say("mijn zoon van 17 heeft autisme en de jeugdhulp stopt omdat hij 18 wordt", intent="achttien_worden")
    asked = (chat.state["asked"], chat.state["asked_step"])
    assert chat.facts["role"] == "naaste"
    messages = chat.say("ik ben zijn moeder")
    assert "begreep ik niet" not in messages[-1].text
    assert messages[-1].kind == "question" and (chat.state["asked"], chat.state["asked_step"]) == asked


# --- reading strangers (issue 14) ------------------------------------------------------------------------------
def test_ja_twice_to_did_it_help_moves_on_instead_of_asking_forever():
    chat = Chat()
    chat.say("De gemeente heeft mijn begeleiding afgewezen")
    for _ in range(6):
        if not chat.questions() or "bezwaar" not in chat.questions()[-1].lower():
            break
        chat.say("ja")
    questions = chat.questions()
    assert questions.count(questions[-1]) <= 2 or chat.advice()
    assert len([q for q in questions if "Loopt het nog" in q]) <= 1


def _advised_bezwaar() -> Chat:
    chat = Chat()
    chat.say("De gemeente heeft mijn huishoudelijke hulp gekort. De brief is van 20 november 2026.")
    for answer in ("nee nog niet", "ik ben het zelf", "70"):
        if chat.advice():
            break
        chat.say(answer)
    assert chat.advice(), chat.questions()
    return chat


def test_a_question_about_costs_after_the_advice_gets_an_answer_with_a_source():
    chat = _advised_bezwaar()
    reply = without_notice(chat.say("Kost dat geld?"))
    text = reply[0].text
    assert "Bron" in text and "Ik heb u de volgende stap genoemd" not in text


def test_a_question_about_the_deadline_after_the_advice_names_the_term():
    chat = _advised_bezwaar()
    text = without_notice(chat.say("Wat als ik te laat ben?"))[0].text
    assert "6 weken" in text or "weken" in text


def test_a_question_about_another_body_says_where_it_stands():
    chat = _advised_bezwaar()
    text = without_notice(chat.say("Kan ik niet meteen naar de rechter?"))[0].text
    assert "Bezwaar" in text or "bezwaar" in text
    assert "Bron" in text


def test_a_question_about_the_step_by_a_shared_word_is_about_this_step_not_another_body():
    # "bezwaar" names the bezwaar at the gemeente, the CIZ, the zorgkantoor and the CAK: after the advice it is the
    # step of the advice (found in the widget: this question got the CAK's text)
    chat = _advised_bezwaar()
    text = without_notice(chat.say("Moet ik dat bezwaar zelf schrijven? Of kan iemand helpen met de brief?"))[0].text
    assert "CAK" not in text and "gemeente" in text


def test_a_word_several_bodies_share_names_none_of_them_unless_it_is_the_step():
    from opschaling import load_catalogue, names

    catalogue = load_catalogue()
    assert names.body_named("moet ik dat bezwaar zelf schrijven?", catalogue) is None
    assert names.body_named("dat bezwaar", catalogue, prefer=("bezwaar_gemeente",)) == "bezwaar_gemeente"
    assert names.body_named("wat is een cliëntondersteuner?", catalogue) == "clientondersteuner"
    assert names.body_named("kan ik niet naar de ombudsman?", catalogue) == "nationale_ombudsman"


def test_an_unknown_question_after_the_advice_never_gets_the_same_sentence_twice_in_a_row():
    chat = _advised_bezwaar()
    first = without_notice(chat.say("Hoe heet de wethouder eigenlijk?"))[0].text
    second = without_notice(chat.say("En wie is de burgemeester dan?"))[0].text
    third = without_notice(chat.say("Weet u wie de wethouder is?"))[0].text
    assert first != second and second != third
    assert "Juiste Loket" in first


def test_a_decision_body_counts_before_the_provider_that_is_named_first():
    found = understand_facts("we vroegen 4 dagdelen dagbesteding. de gemeente geeft er 2. brief is van 2 weken terug")
    assert found["organisation"] == "gemeente"


def understand_facts(text: str) -> dict:
    from opschaling import understand

    return understand.read_facts(text, TODAY)


def test_a_story_that_goes_forward_keeps_the_last_outcome_of_a_step():
    from opschaling import names

    said = names.steps_said(
        "We hebben bezwaar gemaakt tegen het besluit. Hoorzitting gehad, en 2 weken geleden kwam de beslissing: "
        "bezwaar ongegrond.",
        load_catalogue(),
    )
    assert said.get("bezwaar") == "niet_geholpen"


def test_a_message_in_english_hears_once_that_the_assistant_works_in_dutch_with_who_helps_in_english():
    chat = Chat()
    first = chat.say("My father has dementia and has been waiting for a nursing home for months. Who is responsible?")
    notices = [m.text for m in first if m.kind == "notice" and "Dutch" in m.text]
    assert len(notices) == 1
    assert "030-7897878" in notices[0] and "112" in notices[0] and "113" in notices[0]
    again = chat.say("My sister says the waiting list is very long.")
    assert not [m for m in again if "Dutch" in m.text]
    # asking for English is answered (not the notice again): where the government explains it in English
    asked = chat.say("I do not understand the question, can you say it in English?")
    assert any(m.kind == "info" and "government.nl" in m.text for m in asked)
    assert not [m for m in asked if m.kind == "notice" and "Dutch" in m.text]
    dutch = Chat().say("Mijn vader wacht al maanden op een verpleeghuis, wie is verantwoordelijk?")
    assert not [m for m in dutch if "Dutch" in m.text]


def test_english_with_is_in_it_is_english():
    # "is" is an English word too: two of them made "the care is really bad ... she is 84" Dutch (round 13)
    first = Chat().say("my mother is in a nursing home and the care is really bad, they leave her in bed all day")
    assert [m for m in first if m.kind == "notice" and "Dutch" in m.text]


def test_the_gemeente_that_stops_because_of_a_new_wlz_indicatie_leads_to_the_zorgkantoor_not_a_bezwaar():
    chat = Chat()
    messages = chat.say(
        "Mijn vader heeft eindelijk een Wlz-indicatie, die ging in op 16 november. Nu heeft de gemeente op 21 november "
        "zijn huishoudelijke hulp stopgezet, want hij valt nu onder de Wlz. Er is nog niks anders. Moet ik bezwaar maken?"
    )
    for answer in ("ik ben zijn dochter", "nee"):
        if any(m.kind == "advice" for m in messages):
            break
        messages = chat.say(answer)
    advice = next(m for m in messages if m.kind == "advice")
    assert advice.trace["step"] == "zorgkantoor"


def test_an_english_danger_message_says_once_that_the_assistant_works_in_dutch():
    messages = Chat().say("my father says he wants to die, he has dementia and waits for a nursing home")
    assert messages[0].kind in ("crisis", "check_in")
    assert sum("I work in Dutch only" in m.text for m in messages) == 1


def test_english_after_a_check_in_hears_once_that_the_assistant_works_in_dutch_and_loses_no_question():
    chat = _advised_bezwaar()
    sign = chat.say(
        "hoe lang duurt zo'n bezwaar eigenlijk, want ik denk soms dat het voor iedereen makkelijker is als ik er niet "
        "meer ben, en moet ik het zelf schrijven?"
    )
    assert sign[0].kind in ("check_in", "crisis")
    reply = chat.say("Sorry, can I write in English? Who pays for a cleaner while we wait for the objection?")
    texts = " ".join(m.text for m in reply)
    assert texts.count("I work in Dutch only") == 1
    # both halves of the question left behind the check-in: how long (the deadline) and who can help write it
    assert "januari 2027" in texts and "cliëntondersteuner" in texts.lower()
    # the English question while waiting: the voorlopige voorziening (S1), not "not in my sources"
    assert "voorlopige voorziening" in texts


def test_a_question_about_the_meantime_while_a_bezwaar_runs_gets_the_voorlopige_voorziening():
    chat = _advised_bezwaar()
    text = without_notice(chat.say("en wat doen we in de tussentijd? ze kan niet zonder hulp"))[0].text
    assert "voorlopige voorziening" in text and "Bron" in text
    waiting = Chat().say("wat doen we in de tussentijd? mijn vader wacht al maanden op een plek in het verpleeghuis")
    assert not [m for m in waiting if "voorlopige voorziening" in m.text]


def test_a_question_mark_in_the_middle_still_makes_a_question_after_the_advice():
    chat = _advised_bezwaar()
    text = without_notice(chat.say("Kost dat geld? en wat moet ik in de brief zetten"))[0].text
    assert "Ik heb u de volgende stap genoemd" not in text and "Bron" in text


def test_a_routes_background_is_shown_once_not_with_every_answer():
    chat = Chat()
    chat.say(
        "wie is er verantwoordelijk voor de zorg van mijn vader, hij heeft een wlz-indicatie", "wie_verantwoordelijk"
    )
    for text in ("nee", "en moet ik dat zelf regelen of doet het verpleeghuis dat?", "en als dat niet lukt?"):
        chat.say(text)
    infos = [m.text for _, ms in chat.log for m in ms if m.kind == "info" and "zorgplicht" in m.text.lower()]
    assert len(infos) == 1, infos


def test_a_bezwaar_told_in_the_story_is_not_asked_again_and_a_late_one_gets_an_ingebrekestelling():
    chat = Chat()
    replies = chat.say(
        "Wij hebben in april namens mijn moeder bezwaar gemaakt tegen het besluit van de gemeente over haar "
        "begeleiding. Er was een hoorzitting, maar nu zes maanden later nog steeds geen beslissing."
    )
    assert not any("bezwaar gemaakt bij de gemeente?" in m.text for m in replies)  # said already: not asked
    advice = [m for m in chat.until_advice(tries=4) if m.kind == "advice"]
    assert advice and "Ingebrekestelling" in advice[0].text


def test_the_date_a_bezwaar_was_sent_is_no_date_of_the_decision_on_it():
    chat = Chat()
    chat.say("Het CIZ heeft de Wlz voor mijn vader afgewezen. Ik heb bezwaar gemaakt en dat is afgewezen.")
    for _ in range(6):
        if chat.state.get("asked") == "objection_decision_date":
            break
        chat.say("nee")
    assert chat.state.get("asked") == "objection_decision_date"
    replies = chat.say("nog geen beslissing, het bezwaar is 3 maanden geleden ingediend")
    assert chat.facts.get("objection_decision_date") != "2026-09-01"
    assert chat.facts["steps_tried"].get("bezwaar_ciz") == "loopt"
    assert not any("termijn liep" in m.text for m in replies)


@pytest.mark.parametrize("answer", ["wat is dat?", "geen idee wat dat is, nooit van gehoord"])
def test_wat_is_dat_to_a_step_question_explains_the_step_and_counts_as_not_tried(answer):
    chat = Chat()
    chat.say("Ik zit in een groep van jeugdzorg en de begeleiders luisteren nooit naar me. Ik ben 16.")
    step = chat.state.get("asked_step")
    assert chat.state.get("asked") == "step_outcome" and step
    replies = chat.say(answer)
    label = load_catalogue().body(step).label
    assert any(m.kind == "info" and label in m.text for m in replies)
    assert chat.facts["steps_tried"].get(step) == "nee"
    assert not any("begreep ik niet" in m.text for m in replies)


def test_an_answer_that_names_what_else_was_done_means_the_step_was_not_tried():
    chat = Chat()
    chat.say("Ik zit in een groep van jeugdzorg en de begeleiders luisteren nooit naar me. Ik ben 16.")
    step = chat.state.get("asked_step")
    replies = chat.say("alleen met mijn mentor gepraat")
    assert chat.facts["steps_tried"].get(step) == "nee"
    assert not any("begreep ik niet" in m.text for m in replies)


def test_steps_listed_in_a_story_with_nothing_after_them_are_tried():
    from opschaling import names

    said = names.steps_said(
        "Al een jaar zoeken we voor onze zoon. Ketenoverleg, whole system in the room, juiste loket. Niks.",
        load_catalogue(),
    )
    assert said.get("whole_system_in_the_room") == "niet_geholpen"
    assert said.get("regionaal_ketenoverleg_wlz") == "niet_geholpen"
    replied = names.steps_said(
        "Ik heb in oktober een klacht ingediend bij de klachtenfunctionaris. Er was een gesprek. In november schreef de "
        "directie terug dat er niets aan de hand was.",
        load_catalogue(),
    )
    assert replied.get("klachtenfunctionaris") == "niet_geholpen"


def test_no_info_or_notice_sentence_comes_in_two_replies_in_a_row():
    chat = Chat()
    chat.say("Ik ben het niet eens met het besluit van de gemeente over mijn huishoudelijke hulp.")
    for text in (
        "nee",
        "weet ik niet",
        "wat is het Juridisch Loket?",
        "wat is het Juridisch Loket?",
        "en wat is het Juridisch Loket?",
    ):
        chat.say(text)
    previous: set[str] = set()
    for _, messages in chat.log:
        plain = {m.text for m in messages if m.kind in ("info", "notice", "error")}
        assert not plain & previous
        previous = plain


def test_feedback_is_thanked_each_time_not_pointed_to_the_previous_answer():
    chat = _advised_bezwaar()
    thanks = load_catalogue().text("feedback_thanks")
    for value in ("up", "down"):
        messages = chat.say(f'/feedback{{"feedback":"{value}"}}', intent="feedback", entities=[("feedback", value)])
        assert any(thanks in m.text for m in messages)


def test_a_question_about_time_and_cost_after_the_beroep_gets_both_with_the_amount_and_its_source():
    chat = Chat()
    chat.say(
        "De gemeente beslist niet op tijd over mijn Wmo-aanvraag. Op 2 november heb ik een ingebrekestelling "
        "gestuurd. Nog steeds geen besluit."
    )
    chat.until_advice(tries=4)
    replies = chat.say("hoe lang duurt zo'n beroep en wat kost het?")
    details = [m for m in replies if m.kind == "detail"]
    assert len(details) == 2  # the time and the cost, each its own answer
    cost = details[-1].text
    assert "griffierecht" in cost and "€ 187" in cost and "rechtspraak.nl/Naar-de-rechter" in cost


def test_an_english_story_names_the_steps_taken_in_english():
    # "sent an objection to the municipality in June ... heard nothing": a bezwaar that waited too long
    chat = Chat()
    replies = chat.say(
        "My father sent an objection to the municipality in June about his home care, and since then we heard nothing."
    )
    assert chat.facts["steps_tried"].get("bezwaar_gemeente")
    assert not any("bezwaar gemaakt bij de gemeente?" in m.text for m in replies)
    assert "ingebrekestelling" in (last_trace(replies).get("question_step") or last_trace(replies).get("step") or "")


def test_a_fact_told_after_the_advice_that_does_not_change_it_does_not_repeat_it():
    chat = Chat()
    chat.say("De gemeente heeft mijn huishoudelijke hulp gekort, de brief is van 20 november.")
    advice = next(m for m in chat.until_advice(tries=3) if m.kind == "advice")
    again = chat.say("ik ben de cliënt")
    assert chat.facts["role"] == "client"
    assert not any(m.kind == "advice" for m in again)
    assert not any(m.text == advice.text for m in again)
    assert "bezwaar bij de gemeente" in again[0].text
    third = chat.say("ik ben 74")
    assert third[0].text != again[0].text  # never the same sentence twice in a row


def test_an_overloaded_carer_with_wlz_care_whose_respite_stopped_is_sent_to_the_zorgkantoor():
    # R-public §21: with Wlz care respite goes through the zorgkantoor, which has the zorgplicht (S3); the law decides
    # who helps, so it is asked when it is not said
    chat = Chat()
    asked = chat.say(
        "Mijn man en ik zorgen dag en nacht voor onze dochter van 6 met een ernstige beperking. Het logeerhuis heeft "
        "geen plek meer en het wordt ons te zwaar."
    )
    assert last_trace(asked).get("question") == "law"
    chat.say("ze heeft een wlz-indicatie")
    chat.say("ja, maar het logeerhuis is dicht en er is nergens anders plek")
    assert last_trace(chat.until_advice(tries=3))["step"] == "zorgkantoor"


def test_a_role_told_while_a_question_waits_is_thanked_for_and_the_question_comes_again():
    chat = Chat()
    first = chat.say("My father sent an objection to the municipality in June, and since then we heard nothing.")
    question = next(m.text for m in first if m.kind == "question")
    again = chat.say("I am his son")
    assert chat.facts["role"] == "naaste"
    assert again[-1].kind == "question" and again[-1].text.endswith(question)
    assert again[-1].text != question  # not the bare question word for word: what was said is acknowledged


def test_a_fact_already_known_told_after_the_advice_is_thanked_for_without_a_reproach():
    chat = Chat()
    chat.say("Mijn moeder heeft bezwaar gemaakt tegen het besluit van de gemeente, de brief is van 20 november.")
    chat.until_advice(tries=3)
    first = chat.say("ik ben haar dochter")
    assert "Dat wist ik al" in first[0].text and not any(m.kind == "advice" for m in first)
    second = chat.say("ik ben haar dochter")
    assert second[0].text != first[0].text  # never the same sentence twice in a row


def _advised_daughter() -> Chat:
    """A daughter whose mother waits for a nursing home, after the advice."""
    chat = Chat()
    chat.say("Mijn moeder van 84 met dementie wacht al maanden op een verpleeghuis, het zorgkantoor zegt maanden.")
    chat.say("ik ben haar dochter")
    chat.until_advice()
    assert chat.advice()
    return chat


def test_questions_about_the_advice_asked_with_a_check_in_wait_for_it_and_come_once():
    # after the advice: "how long does that take? ... everyone would be better off without me ... and does it cost
    # anything?" gets the check-in alone; after "no" both questions are answered, and the cost only once
    chat = _advised_daughter()
    first = chat.say(
        "ok. hoe lang duurt dat? eerlijk gezegd denk ik soms dat iedereen beter af is zonder mij. en kost het iets?"
    )
    assert [m.kind for m in first] == ["check_in"]
    after = chat.say("nee, ik ben gewoon moe")
    said = [m for m in after if m.kind in ("info", "detail")]
    assert any("Dan nog uw vragen van net" in m.text for m in said)
    costs = [m for m in said if "gratis" in m.text or "betaalt" in m.text]
    assert len(costs) == 1
    assert any("termijn" in m.text.lower() for m in said)  # how long it takes
    assert not any(m.kind == "advice" for m in after)  # the advice is not given again
    later = chat.say("dank u")
    assert not any("Dan nog uw" in m.text for m in later)  # once


def test_a_role_told_while_the_situation_question_waits_is_thanked_for_not_guessed_at():
    # "I am her daughter" to "Waar loopt u tegenaan?": no "Bedoelt u een van deze?" with guessed situations (the NLU
    # ranks some), no "Dat begreep ik niet"; the role is kept and the same question comes once more
    first = respond(None, Turn(text="Het is allemaal zo ingewikkeld geworden."), today=TODAY)
    assert first.state["asked"] == "situation"
    ranking = (("geen_plek", 0.4), ("besluit_oneens", 0.3))
    reply = respond(first.state, Turn(text="ik ben haar dochter", intent="inform", ranking=ranking), today=TODAY)
    questions = [m for m in reply.messages if m.kind == "question"]
    assert len(questions) == 1
    assert questions[0].text.startswith("Dank u")
    assert "Waar loopt u tegenaan" in questions[0].text
    assert reply.state["facts"]["role"] == "naaste"


def test_a_seed_question_after_the_advice_comes_with_the_other_question_of_the_message():
    # "moet ik voor die cliëntondersteuner betalen en hoe lang duurt het?": the seed answer (free) and the time, the
    # cost not a second time
    chat = _advised_daughter()
    after = chat.say("moet ik voor die cliëntondersteuner betalen en hoe lang duurt het?")
    said = [m for m in after if m.kind == "detail"]
    assert len([m for m in said if "gratis" in m.text]) == 1
    assert any("termijn" in m.text.lower() for m in said)
    assert said[-1].buttons  # the buttons under the last answer


def test_a_question_about_another_body_asked_with_a_check_in_waits_for_it():
    # "... ik zie het niet meer zitten ... kan de cliëntondersteuner mee?" after the advice: the check-in alone, what
    # the cliëntondersteuner does after the reply to it
    chat = _advised_daughter()
    first = chat.say("eerlijk gezegd zie ik het zelf ook niet meer zitten. kan de klachtenfunctionaris ons helpen?")
    assert [m.kind for m in first] == ["check_in"]
    after = chat.say("nee, ik ben gewoon moe")
    assert any(m.text.startswith("Dan nog uw vraag van net") and "klacht" in m.text.lower() for m in after)
    assert not any(m.kind == "advice" for m in after)


def test_a_correction_of_the_body_after_the_advice_gets_the_advice_for_that_body():
    chat = Chat()
    chat.say("Het zorgkantoor heeft de eigen bijdrage van mijn moeder veel te hoog vastgesteld. Brief van 24 november.")
    chat.say("nee")  # no bezwaar yet
    messages = chat.say(
        "ik heb de brief er nog even bij gepakt en hij komt niet van het zorgkantoor maar van het CAK. verandert dat iets?"
    )
    assert chat.facts["organisation"] == "cak"
    assert any("aangepast" in m.text for m in messages)
    if chat.state.get("asked") == "step_outcome":
        messages = chat.say("nee")
    assert any(m.kind == "advice" and "CAK" in m.text for m in messages)


def test_a_young_person_who_does_not_know_the_law_but_names_the_wijkteam_gets_the_jeugdwet():
    chat = Chat()
    chat.say("ik sta al een jaar op een wachtlijst voor therapie en ik ga bijna niet meer naar school")
    assert chat.facts["role"] == "jongere" and chat.state.get("asked") == "law"
    chat.say("weet ik niet, via het wijkteam")
    assert chat.facts["law"] == "jeugdwet"


def test_a_professional_saying_it_is_not_the_zvw_but_the_gemeente_changes_the_law_too():
    chat = Chat()
    chat.say("ik ben wijkverpleegkundige. mijn client (80) krijgt geen wijkverpleging meer van de zorgverzekeraar")
    assert chat.facts["law"] == "zvw"
    messages = chat.say("het is geen Zvw-vraag, het is de gemeente")
    assert chat.facts["organisation"] == "gemeente" and chat.facts["law"] == "wmo"
    assert any("aangepast" in m.text for m in messages)


def test_not_knowing_what_is_going_on_gets_one_open_question_whose_answer_tells_the_situation():
    """ "het loopt allemaal vast" and "weet ik niet" to "Waar loopt u tegenaan?": once, which organisation and what
    it says; the answer tells the situation. Before, the route for not knowing where to go came at once."""
    chat = Chat()
    chat.say("het loopt allemaal vast met mijn moeder")
    assert chat.state["asked"] == "situation"
    chat.say("weet ik niet")
    assert chat.state["asked"] == "organisation" and "situation" not in chat.facts
    chat.say("het verpleeghuis, ze zeggen dat ze daar niet meer past en dat we een andere plek moeten zoeken")
    assert chat.facts["situation"] == "zorg_past_niet"


def test_not_knowing_twice_leads_to_the_route_for_not_knowing_where_to_go():
    chat = Chat()
    chat.say("het loopt allemaal vast met mijn moeder")
    chat.say("weet ik niet")
    messages = chat.say("weet ik niet")
    assert chat.facts["situation"] == "kastje_muur"
    assert any(m.kind in ("question", "advice") for m in messages)


@pytest.mark.parametrize(
    ("organisation", "fact", "answer", "situation"),
    [
        ("het zorgkantoor. niet de svb hoor", "about_decision", "ja, het budget gaat omlaag", "besluit_oneens"),
        ("de gemeente", "about_decision", "nee, over hoe ze met ons omgaan", "klacht_instantie"),
        ("the nursing home itself", "termination", "nee", "klacht_zorgaanbieder"),
        ("the home care organisation", "termination", "weet ik niet", "klacht_zorgaanbieder"),
        ("het verpleeghuis", "termination", "ja, per 1 februari", "zorg_past_niet"),
    ],
)
def test_an_organisation_alone_after_the_open_question_gets_one_yes_no_question(organisation, fact, answer, situation):
    """ "het zorgkantoor" and no more to the open question: one yes/no question tells apart the two situations most
    met with that organisation (a decision or how one is treated; care ended or a complaint about the care), before
    the route for not knowing where to go."""
    chat = Chat()
    chat.say("het loopt allemaal vast")
    chat.say("weet ik niet")
    chat.say(organisation)
    assert chat.state["asked"] == fact and "situation" not in chat.facts
    chat.say(answer)
    assert chat.facts["situation"] == situation


def test_a_complaint_that_got_its_answer_did_not_help_even_when_the_next_sentence_names_it_again():
    from opschaling import names

    said = names.steps_said(
        "Ik heb in juli een klacht ingediend bij de gemeente over de Wmo-afdeling. Op 15 september kreeg ik antwoord "
        "van de klachtencoördinator: 'we betreuren het'. Sindsdien precies hetzelfde. De aanvraag zelf loopt nog.",
        load_catalogue(),
    )
    assert said.get("klacht_bij_instantie") == "niet_geholpen"


def test_the_organisation_asked_after_the_open_question_is_asked_as_a_first_time():
    """The open question after "weet ik niet" is another question than "Welke organisatie nam het besluit?": when the
    answer tells the situation but no organisation, that question comes plainly, not as "not understood"."""
    chat = Chat()
    chat.say("het loopt allemaal vast")
    chat.say("weet ik niet")
    messages = chat.say("ik ben het niet eens met het besluit dat ik kreeg")
    assert chat.facts["situation"] == "besluit_oneens" and chat.state["asked"] == "organisation"
    assert messages[-1].kind == "question" and "begreep" not in messages[-1].text


@pytest.mark.parametrize(
    ("text", "ended"),
    [
        ("ze willen de zorg per 1 maart beëindigen", True),
        ("ze gaan de begeleiding eind januari stoppen", True),
        ("ik wil de zorg voor mijn moeder niet stoppen", False),
        ("ik wil de zorg per januari niet stoppen", False),
    ],
)
def test_care_the_provider_wants_to_end_on_a_date_is_a_termination(text, ended):
    from opschaling import understand

    assert (understand.read_facts(text, TODAY).get("termination") is True) is ended


def test_a_story_with_a_seed_question_while_a_question_waits_is_read_too():
    """ "... ze willen de zorg per 1 maart beëindigen. Mag dit zomaar??" while the law question waits: the seeds'
    answer comes, and what the story says (the care is ended) is not lost."""
    chat = Chat()
    chat.say(
        "Mijn broer (52) woont al 11 jaar in een woongroep. Wij hebben in juni een klacht ingediend bij de "
        "klachtenfunctionaris. Er kwam een gesprek, mooie beloftes, niks veranderd."
    )
    assert chat.state["asked"] == "law"
    chat.say(
        "En nu kregen we een brief: ze willen de zorg per 1 maart beëindigen. Hij moet maar een andere plek zoeken. "
        "Mag dit zomaar??"
    )
    assert chat.facts.get("termination") is True


def test_a_question_with_a_correction_word_is_no_correction():
    chat = Chat()
    chat.say("ik heb een brief van het ciz gekregen over mijn wlz indicatie en ik snap er niks van")
    while chat.state.get("asked"):
        if not chat.say("nee"):
            break
        if len(chat.log) > 8:
            break
    before = chat.facts.get("organisation")
    chat.say("wat is dat nou eigenlijk, een cliëntondersteuner? is dat iemand van de gemeente?")
    assert chat.facts.get("organisation") == before


# --- round 14: professionals (fresh_v V1) ----------------------------------------------------------------------
def advised_step(messages) -> str:
    return next(m for m in messages if m.kind == "advice").trace["step"]


@pytest.mark.parametrize(
    ("story", "step"),
    [
        # nobody knows the indicatie and a nurse asks how to find out: the Wlz-raadpleegfunctie (S3)
        (
            "wijkverpleegkundige. meneer is 85 en woont alleen. ik denk dat hij al een wlz-indicatie heeft, maar hij "
            "weet het zelf niet meer en er zijn geen brieven. hoe kom ik erachter?",
            "wlz_raadpleegfunctie",
        ),
        # the rechtbank decided: the hoger beroep, without asking about urgency (no voorlopige voorziening)
        (
            "Ik ben mentor van mijn zus. De gemeente wees beschermd wonen af, het bezwaar was ongegrond en de rechtbank "
            "gaf ons ook geen gelijk. Kunnen we nog verder?",
            "hoger_beroep_crvb",
        ),
    ],
)
def test_a_story_that_says_enough_gets_its_step_at_once(story, step):
    assert advised_step(Chat().say(story)) == step


def test_a_wish_to_die_after_an_earlier_no_to_a_check_in_is_asked_about_again(monkeypatch):
    from opschaling import safety
    from opschaling.safety import Signal

    real = safety.assess

    def assess(text, **kwargs):
        if "cope" in text or "wake up" in text:  # only the model reads a passive wish to die here
            return Signal(
                kind=safety.SUICIDE,
                evidence="model:passive (0.4)",
                sign="passive",
                tier=safety.CHECK_IN,
                about="self",
                source="model",
            )
        return real(text, **kwargs)

    monkeypatch.setattr(safety, "assess", assess)
    chat = Chat()
    assert chat.say("My mum can't cope anymore, my dad waits for a nursing home.")[0].kind == "check_in"
    chat.say("no")
    again = chat.say("how long does it take? some nights I hope I just won't wake up")
    assert again[0].kind == "check_in"


def test_a_story_before_any_advice_is_read_even_with_a_word_of_a_question_about_the_advice():
    """ "... Wie brengt hier eens overzicht in?" is no request for the overview: before any advice the story is read
    (it lost every fact: "Ik heb nog geen stap genoemd. Vertel eerst wat er speelt.")."""
    messages = Chat().say(
        "Ik werk in een sociaal wijkteam. Meneer is 70 en heeft hersenletsel. De gemeente zegt dat het Wlz is, de "
        "verzekeraar stuurt ons terug en de huisarts weet het ook niet. Wie brengt hier eens overzicht in?"
    )
    texts = " ".join(m.text for m in messages)
    assert "nog geen stap genoemd" not in texts and "weet nog niets" not in texts
    chat = Chat()
    chat.say(
        "Ik werk in een sociaal wijkteam. Meneer is 70 en heeft hersenletsel. De gemeente zegt dat het Wlz is, de "
        "verzekeraar stuurt ons terug en de huisarts weet het ook niet. Wie brengt hier eens overzicht in?"
    )
    assert chat.facts.get("role") == "gemeente_medewerker" and chat.facts.get("age_group") == "volwassene"


def test_a_step_said_not_to_be_taken_is_not_tried():
    from opschaling import names

    said = names.steps_said("Het CIZ wees het vorig jaar af, en daar is toen geen bezwaar tegen gemaakt.", CAT)
    assert not said
    assert names.steps_said("Wij hebben nooit een klacht ingediend bij de klachtenfunctionaris.", CAT) == {}
    assert names.steps_said("In juni hebben we bezwaar gemaakt bij de gemeente.", CAT).get("bezwaar_gemeente")


def test_a_check_in_said_no_to_is_not_asked_again_when_only_the_model_reads_the_same_again(monkeypatch):
    from opschaling import safety
    from opschaling.safety import Signal

    real = safety.assess

    def assess(text, **kwargs):
        if "post doorzocht" in text:  # only the model reads (a weak) sign of violence here
            return Signal(
                kind=safety.VIOLENCE,
                evidence="model:elder_abuse (0.35)",
                sign="elder_abuse",
                tier=safety.CHECK_IN,
                about="self",
                source="model",
            )
        return real(text, **kwargs)

    monkeypatch.setattr(safety, "assess", assess)
    chat = Chat()
    chat.say("Mijn vader is 80 en weet niet waar hij terecht kan, iedereen stuurt hem door.")
    first = chat.say("mijn zus heeft de post doorzocht, niks")
    assert first[0].kind == "check_in"
    chat.say("nee")
    again = chat.say("mijn zus heeft de post doorzocht, niks")
    assert not any(m.kind == "check_in" for m in again)
    assert any("0800-2000" in m.text or "113" in m.text for m in again)  # the help lines stay in view


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("OCO Wlz. Meneer van 50 met hersenletsel past nergens.", "clientondersteuner"),
        ("ik ben bemoeizorger bij de GGD. mevrouw heeft schulden en geen huis.", "zorgprofessional"),
        ("Hi, I'm a support worker in a group home. One of our residents needs another place.", "zorgprofessional"),
        ("Hi, I'm a social worker in a neighbourhood team. A family with debts needs help.", "gemeente_medewerker"),
        ("Zorgadviseur zorgkantoor. Cliënt van 40 met een Wlz-indicatie vindt geen plek.", "zorgkantoor_medewerker"),
        ("ik heb een adviseur van het zorgkantoor gesproken over mijn moeder", "naaste"),
    ],
)
def test_a_professional_title_is_the_role(text, role):
    from opschaling import understand

    assert understand.role(text) == role


def test_a_waiting_list_of_two_years_is_no_age():
    from opschaling import understand

    assert understand.age_group(
        "casus: mw. 39, LVB, schulden. beschermd wonen-indicatie ligt er, wachtlijst 2 jaar."
    ) == ("volwassene")


def test_a_professional_with_several_problems_and_safety_brings_it_to_the_veiligheidshuis_not_a_clientondersteuner():
    chat = Chat()
    chat.say(
        "ik ben bemoeizorger bij de GGD. mevrouw is 39, verslaafd, schulden, geen vaste woonplek en bijna elke week "
        "politie erbij vanwege overlast."
    )
    for _ in range(5):
        if chat.advice():
            break
        chat.say("nee")
    assert chat.advice()[0].trace["step"] == "veiligheidshuis"
    assert not any("cliëntondersteuner" in q.lower() for q in chat.questions())


def test_two_rounds_at_other_providers_without_a_place_lead_past_the_zorgkantoor():
    """The aanmeldrondes of the stappenplan (S2): the search for another place failed, also when the story began with
    problem behaviour; the second round was the zorgkantoor's wachtlijstbemiddeling."""
    chat = Chat()
    chat.say("Zorgbemiddelaar bij een VG-aanbieder. Cliënt van 30, Wlz, steeds meer ontregeling op de groep.")
    chat.say(
        "Eerste aanmeldronde: vijf aanbieders gebeld, allemaal nee. Tweede ronde samen met het zk, ook niks. Wat nu?"
    )
    assert advised_step(chat.until_advice()) in ("regionaal_ketenoverleg_wlz", "whole_system_in_the_room")
    assert chat.facts["steps_tried"].get("zorgkantoor") == "niet_geholpen"


def test_a_professional_stuck_on_which_law_pays_gets_the_praktijkteam_of_vws():
    chat = Chat()
    chat.say(
        "Zorgadviseur zorgkantoor. Cliënt van 25, Wlz. Twee aanmeldrondes, daarna een zorgconferentie. Het plan strandt "
        "nu op de vraag wie de behandeling betaalt, Zvw of Wlz."
    )
    assert advised_step(chat.until_advice()) == "vws_praktijkteam"


def test_how_to_reach_another_body_than_the_step_is_about_that_body():
    chat = Chat()
    chat.say("Ik ben wijkverpleegkundige. Mevrouw van 80 weet niet waar ze moet zijn, iedereen stuurt haar door.")
    chat.until_advice()
    step = chat.state["last"]["step"]
    assert step != "cce"
    messages = chat.say("en hoe bereik ik het CCE?")
    assert "cce.nl" in messages[0].text.lower()


def test_a_young_person_who_does_not_dare_to_speak_up_gets_the_akj_whoever_writes():
    chat = Chat()
    chat.say(
        "Ik ben haar mentor op school. Het meisje is 15 en woont op een groep in de jeugdhulp. Ze voelt zich niet "
        "gehoord door de begeleiders en durft daar zelf niks van te zeggen. Naar wie kan ik haar verwijzen?"
    )
    assert advised_step(chat.until_advice()) == "vertrouwenspersoon_akj"
