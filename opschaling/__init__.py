"""Opschalingswijzer: the escalation catalogue and the decision engine, without any Rasa import.

- ``catalogue``  loads the YAML catalogue (bodies, routes, questions, zorgplicht, stappenplannen).
- ``facts``      the facts of a case (``CaseFacts``) and how slot values become facts.
- ``engine``     turns facts into the next step, its reasons, sources and deadlines, or the next question.
- ``deadlines``  computes due dates from dated term values.
- ``dates``      reads Dutch dates typed by users.
- ``safety``     recognises signs of acute danger in free text.
- ``render``     writes the advice in plain Dutch (B1).
"""

from opschaling.catalogue import Catalogue, load_catalogue
from opschaling.engine import Advice, Question, Step, advise
from opschaling.facts import CaseFacts

__all__ = ["Advice", "CaseFacts", "Catalogue", "Question", "Step", "advise", "load_catalogue"]
