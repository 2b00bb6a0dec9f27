"""The action-server response check that deploy/serve.py installs (RasaHQ/rasa#11717): same verdicts, built once."""

import jsonschema
import pytest
from rasa.core.actions import action

from deploy.serve import cache_action_response_validator

GOOD = {
    "events": [{"event": "slot", "name": "dialogue", "value": {"facts": {}}}],
    "responses": [{"text": "Hallo", "buttons": [{"title": "Ja", "payload": "/affirm"}], "opsw": {"kind": "info"}}],
}
BAD = {"events": "not a list", "responses": []}


@pytest.fixture
def cached(monkeypatch):
    monkeypatch.setattr(action.RemoteAction, "_validate_action_result", action.RemoteAction._validate_action_result)
    original = action.RemoteAction._validate_action_result
    cache_action_response_validator()
    assert action.RemoteAction._validate_action_result is not original
    return action.RemoteAction("action_turn", None)


def test_a_valid_response_passes(cached):
    assert cached._validate_action_result(GOOD) is True


def test_an_invalid_response_is_refused_as_rasa_does(cached):
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        cached._validate_action_result(BAD)
