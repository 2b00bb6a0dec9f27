"""mypy over channels/ and deploy/ with the project's configuration (pyproject.toml [tool.mypy]), as ``make types``
runs it: it reported 34 errors there, two of them real bugs (``privacy._mask_phones`` reused ``match`` for two
types; ``logfilter`` used ``callable`` as a type)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.infra.infra_helpers import ROOT


def test_make_types_covers_channels_and_deploy():
    rule = re.search(r"^types:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert rule, "no types rule in the Makefile"
    command = rule.group(1)
    assert "mypy" in command
    for package in ("opschaling", "actions", "nlu_components", "channels", "deploy"):
        assert re.search(rf"\b{package}\b", command), package


@pytest.mark.slow
def test_mypy_passes_on_channels_and_deploy():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "channels", "deploy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
