"""Fixtures of the document tests; the cases and readers are in documents_testlib.py."""

from __future__ import annotations

import pytest

from opschaling import load_catalogue


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()
