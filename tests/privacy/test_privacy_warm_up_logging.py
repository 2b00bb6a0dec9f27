"""Warming up the name masker leaves the logging set-up alone (issue 17).

deduce 3.0 calls ``logging.basicConfig(stream=sys.stdout, level=logging.DEBUG)`` when it is imported. In a process
whose root logger has no handler yet (the web server of ``make run`` warms the masker up for the review, a script),
that switched every logger to DEBUG on stdout: Sanic's, SQLAlchemy's, the review's, with the user's text in some of
their records. Run in a fresh interpreter: pytest's own log capture puts a handler on the root logger, which hides
the effect.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT

pytest.importorskip("deduce")

PROBE = r"""
import json, logging, sys

NAMES = ("sanic.root", "sanic.error", "rasa", "sqlalchemy.engine", "channels.privacy", "workbench.review")
logging.getLogger("sanic.root").setLevel(logging.INFO)  # one logger with a level of its own


def state():
    root = logging.getLogger()
    return {
        "root_level": root.level,
        "root_handlers": [type(h).__name__ for h in root.handlers],
        "effective": {name: logging.getLogger(name).getEffectiveLevel() for name in NAMES},
        "own": {name: logging.getLogger(name).level for name in NAMES},
        "debug_on": [name for name in NAMES if logging.getLogger(name).isEnabledFor(logging.DEBUG)],
    }


before = state()
from workbench import review  # imports channels.privacy, as scripts/serve_web.py does

ready = review.warm_up_masking()  # scripts/serve_web.py runs it in a thread at start-up
from channels import privacy

privacy.warm_up()  # the guard's warm-up (channels/guard.py), a second time: nothing changes either
logging.getLogger("workbench.review").debug("a debug line that must not be written")
sys.stdout.write("RESULT " + json.dumps({"ready": ready, "before": before, "after": state()}) + "\n")
"""


def test_warming_up_the_name_masker_changes_no_log_level_or_handler() -> None:
    env = {**os.environ, "OPSW_PRIVACY_NAMES": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True
    )
    lines = done.stdout.splitlines()
    result = json.loads(lines[-1].removeprefix("RESULT "))
    assert result["ready"], "the name masker did not load"
    assert result["after"] == result["before"], result
    assert result["after"]["root_level"] == 30 and result["after"]["root_handlers"] == []
    assert result["after"]["debug_on"] == []
    assert lines[:-1] == [], "the warm-up wrote to stdout"
    assert "a debug line" not in done.stderr
