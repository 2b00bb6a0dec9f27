"""A question the seeds answer gets that answer, with its sources, wherever it comes (issue 15: "staat niet in mijn
bronnen" for questions the seeds do answer): in the first message (then the story is read as usual), while a
question waits (then the question comes again), and after the advice (instead of the honest fallback)."""

from __future__ import annotations

from datetime import date

from opschaling import load_catalogue
from opschaling.dialogue import Turn, respond

TODAY = date(2026, 12, 7)
CAT = load_catalogue()


class Chat:
    def __init__(self) -> None:
        self.state = None

    def say(self, text: str) -> list:
        reply = respond(self.state, Turn(text=text), today=TODAY)
        self.state = reply.state
        assert reply.messages
        return reply.messages

    def until_advice(self, answer: str, turns: int = 5) -> dict:
        """Answer every question with ``answer`` until the advice comes; the advice's summary."""
        for _ in range(turns):
            if self.state.get("last"):
                break
            self.say(answer)
        assert self.state.get("last"), "no advice"
        return self.state["last"]

    def until_asked_about(self, step: str, answer: str, turns: int = 4) -> None:
        """Answer every question with ``answer`` until the question about ``step`` comes."""
        for _ in range(turns):
            if self.state.get("asked_step") == step:
                return
            self.say(answer)
        assert self.state.get("asked_step") == step


def topic_text(topic_id: str) -> str:
    return " ".join(str(CAT.explanations[topic_id]["text"]).split())


def texts(messages) -> str:
    return "\n".join(m.text for m in messages)


def test_a_question_in_the_first_message_is_answered_and_the_story_still_read():
    chat = Chat()
    messages = chat.say(
        "Mijn vader woont in een verpleeghuis en nu zeggen ze dat hij weg moet voor 1 januari omdat hij te onrustig "
        "is. Moet ik dan zelf gaan rondbellen naar andere verpleeghuizen?"
    )
    info = [m for m in messages if m.kind == "info"]
    assert info and topic_text("aanbieder_zoekt_plek")[:60] in info[0].text
    assert "Bron:" in info[0].text
    assert chat.state["facts"].get("termination") is True  # "dat hij weg moet": the provider ends the care
    assert chat.state["facts"].get("situation") == "zorg_past_niet"
    assert any(m.kind in ("question", "advice") for m in messages)


def test_a_question_after_the_advice_gets_the_seeds_answer_not_the_costs_of_the_step():
    chat = Chat()
    chat.say("Hoe kom ik aan een cliëntondersteuner voor mijn vader? Hij heeft net een Wlz-indicatie van het CIZ.")
    chat.until_advice("weet ik niet")
    reply = chat.say("moet ik voor zo'n cliëntondersteuner betalen?")
    assert "gratis" in texts(reply)
    assert "staat niet in mijn bronnen" not in texts(reply)


def test_a_question_while_a_question_waits_is_answered_and_the_question_asked_again():
    chat = Chat()
    chat.say("ik heb een klacht over de gemeente")
    asked = chat.state.get("asked")
    assert asked
    reply = chat.say("mogen ze mijn moeder zomaar wegsturen uit het verpleeghuis?")
    assert topic_text("blijven_tot_oplossing")[:50] in texts(reply)
    assert reply[-1].kind == "question"


def test_the_same_seed_answer_is_not_given_twice():
    chat = Chat()
    answer = topic_text("raadpleegfunctie_wie")[:100]
    first = chat.say("Kan ik als gemeente zelf in de Wlz-raadpleegfunctie kijken?")
    assert answer in texts(first)
    again = chat.say("Kan ik als gemeente zelf in de Wlz-raadpleegfunctie kijken?")
    assert answer not in texts(again)


def test_a_question_without_a_story_takes_the_route_of_its_topic():
    chat = Chat()
    chat.say("Tot wanneer moet de gemeente de jeugdhulp betalen als de Wlz-indicatie op 14 december ingaat?")
    assert chat.state["facts"].get("situation") == "wie_verantwoordelijk"


def test_what_if_they_say_no_again_names_the_step_after_the_advice():
    chat = Chat()
    chat.say("Het CIZ heeft de Wlz-indicatie van mijn moeder afgewezen, de brief is van 20 november.")
    assert chat.until_advice("nee").get("step") == "bezwaar_ciz"
    reply = chat.say("en wat als ze ook daarna nee zeggen?")
    text = texts(reply)
    assert "staat niet in mijn bronnen" not in text
    assert CAT.body("beroep_rechtbank").short_label.lower() in text.lower()


def test_an_answer_after_a_declined_check_in_is_not_checked_in_again():
    """ "nee daar heb ik nog niet aan gedacht" to a step question reads like a sign to the model alone; after the
    person said no to a check-in it answers the question, and the same check-in does not come round again."""
    chat = Chat()
    chat.say(
        "goedenavond ik weet het even niet meer. mijn moeder (86) woont in een verpleeghuis en de teamleider zegt dat "
        "ze weg moet voor 1 januari. ze heeft een wlz indicatie."
    )
    kinds = []
    for answer in ("nee daar heb ik nog niet aan gedacht", "nee", "nee daar heb ik nog niet aan gedacht", "nee"):
        kinds.append([m.kind for m in chat.say(answer)])
    assert sum("check_in" in k for k in kinds) <= 1, kinds


def test_no_to_a_check_in_answers_the_danger_question_and_names_the_groups_own_help_line():
    """ "nee" to a Veilig Thuis check-in: Veilig Thuis stays in view (not 113), and "Is er nu direct gevaar?" is not
    asked right after it."""
    chat = Chat()
    first = chat.say("ik maak me zorgen, de buurman schreeuwt elke avond tegen zijn vrouw")
    assert any(m.kind == "check_in" for m in first)
    reply = texts(chat.say("nee"))
    assert "Veilig Thuis" in reply and "113" not in reply
    asked = [
        m.text for m in chat.say("de gemeente helpt ons niet met de zorg voor mijn moeder") if m.kind == "question"
    ]
    assert not any("direct gevaar" in q for q in asked)


def test_no_after_a_check_in_about_someone_else_answers_the_question_asked_with_it():
    """A check-in about someone else asks the writer nothing: "nee" answers the question that came with it, which is
    not asked again after a 'fijn dat u het zegt'."""
    chat = Chat()
    chat.say(
        "Ik wil een klacht indienen over de mevrouw van het CIZ die bij mijn moeder thuis kwam. Ze zat op haar "
        "telefoon en zei 'u ziet er toch prima uit'. Het besluit hebben we nog niet, het gaat om hoe ze behandeld is. "
        "Sindsdien zegt mijn moeder dat ze niet meer wil leven."
    )
    assert (chat.state.get("check_in") or {}).get("about") == "other"
    asked = chat.state.get("asked")
    assert asked
    reply = chat.say("nee")
    assert "Fijn dat u het zegt" not in texts(reply)
    assert chat.state.get("asked") != asked


def test_a_short_question_after_the_advice_is_read_with_what_the_case_says():
    """ "mogen ze dat zomaar?" names no termination: the case does (dialogue._question_context)."""
    chat = Chat()
    chat.say(
        "Mijn moeder woont met een Wlz-indicatie in een verpleeghuis. Nu kregen we een brief dat de zorgovereenkomst "
        "per 1 februari wordt beëindigd."
    )
    chat.until_advice("nee")
    messages = chat.say("mogen ze dat zomaar, omdat wij klagen?")
    assert topic_text("blijven_tot_oplossing")[:60] in " ".join(texts(messages).split())


def test_a_short_question_about_the_step_asked_about_is_answered_and_the_question_comes_back():
    """ "kost dat geld?" while "Heeft u al contact gehad met het Juiste Loket?" waits is about the Juiste Loket."""
    chat = Chat()
    chat.say("we worden steeds van het kastje naar de muur gestuurd, niemand weet wie over mijn vader gaat")
    chat.until_asked_about("juiste_loket", "weet ik niet")
    messages = chat.say("kost dat geld?")
    assert topic_text("juiste_loket_kosten") in " ".join(texts(messages).split())
    assert messages[-1].kind == "question" and chat.state.get("asked_step") == "juiste_loket"
    assert "juiste_loket" not in (chat.state["facts"].get("steps_tried") or {})
