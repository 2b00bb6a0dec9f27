"""Several Rasa servers for real (tests/multi/): PostgreSQL + Redis from Debian's packages, started
on loopback in temp dirs by the tests themselves (tests/infra/infra_helpers.py)."""

from __future__ import annotations


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "multi: several Rasa servers + PostgreSQL + Redis (tests/multi)")
