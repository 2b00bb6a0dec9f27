"""Fixtures for the catalogue tests; the helpers live in catalogue_testlib.py (a unique name, so it cannot clash
with other conftest modules of the project)."""

import pytest
from catalogue_testlib import Catalogue, body_ids_on_disk


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    return Catalogue()


def pytest_generate_tests(metafunc):
    """`body_id` runs a test once per body file, unless the test parametrizes body_id itself."""
    explicit = any("body_id" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize"))
    if "body_id" in metafunc.fixturenames and not explicit:
        metafunc.parametrize("body_id", body_ids_on_disk())
