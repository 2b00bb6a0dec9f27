from datetime import date

import pytest

from opschaling import CaseFacts, load_catalogue

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture
def facts():
    def make(**values):
        values.setdefault("today", TODAY)
        return CaseFacts.of(**values)

    return make
