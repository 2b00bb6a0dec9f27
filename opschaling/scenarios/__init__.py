"""Scenarios: test conversations in YAML, CSV or Excel, run over REST or locally, with reports.

- ``model``      Scenario, Result, how one conversation is played and checked (``play``)
- ``load``       reading the three file forms, with Dutch error messages
- ``run_rest``   through a running assistant (``/webhooks/rest/webhook``)
- ``run_local``  through ``opschaling.dialogue.respond`` without Rasa
- ``report``     console table, HTML page, JUnit XML
- ``cli``        ``python scripts/scenarios.py`` / ``make scenarios``
"""

from opschaling.scenarios.load import ScenarioError, load
from opschaling.scenarios.model import Result, Scenario, StepNames, play

__all__ = ["Result", "Scenario", "ScenarioError", "StepNames", "load", "play"]
