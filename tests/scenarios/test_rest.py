"""All shipped scenarios through the real assistant over the REST channel (NLU + action server + channels/rest.py).
One Rasa server for the whole run (session fixture), conversations one after the other, no sleeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from opschaling.scenarios.load import load
from opschaling.scenarios.report import console
from opschaling.scenarios.run_rest import run_all

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.rest, pytest.mark.integration, pytest.mark.slow]


def test_all_shipped_scenarios_pass_over_rest(rasa_server):
    scenarios = load([ROOT / "scenarios"])
    results = run_all(scenarios, url=rasa_server.url)
    failed = [r for r in results if not r.passed]
    assert not failed, console(failed)
    # every bot message of an advice carried the engine's trace (the step is read from it, not from the text)
    assert all(r.step for r in results)
