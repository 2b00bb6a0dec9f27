"""Conversation helpers shared by the dialogue-backed tests and the screenshots."""

import re

from selenium.webdriver.common.by import By

from .widget_page import WidgetPage

# question in the answer (regex) -> button to pick (regex), for the CIZ objection case
CIZ_CHOICES = {
    r"bezwaar gemaakt": r"^Nee",
    r"welke organisatie": r"^CIZ$",
    r"datum": r"Weet ik niet",
    r"wie bent u": r"Familie|naaste",
    r"hoe oud": r"23 of ouder",
    r"welke wet": r"Wlz",
}


def ask(page: WidgetPage, text: str):
    before = page.answer_count()
    page.type_and_send(text)
    return page.wait_for_new_answer(before)


def pick(page: WidgetPage, answer, pattern: str):
    """Clicks the enabled button of answer whose title matches; returns the next answer."""
    for button in answer.find_elements(By.CSS_SELECTOR, "button.osw-choice"):
        if button.is_enabled() and re.search(pattern, button.text, re.I):
            before = page.answer_count()
            page.click(button)
            return page.wait_for_new_answer(before)
    raise AssertionError(f"no button {pattern!r} in {answer.text!r}")


def until_advice(page: WidgetPage, answer, choices=None, limit: int = 8):
    """Answers the dialogue's questions with buttons until an advice (opsw kind advice) arrives."""
    choices = choices or CIZ_CHOICES
    for _ in range(limit):
        if answer.find_elements(By.CSS_SELECTOR, ".osw-kind-advice"):
            return answer
        questions = answer.find_elements(By.CSS_SELECTOR, ".osw-kind-question")
        assert questions, f"neither advice nor a question: {answer.text!r}"
        question = questions[-1].text
        choice = next((c for q, c in choices.items() if re.search(q, question, re.I)), None)
        assert choice, f"unexpected question: {question!r}"
        answer = pick(page, answer, choice)
    raise AssertionError("no advice after answering the questions")
