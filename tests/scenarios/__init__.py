"""Scenario runner tests (a package, so `from .conftest import ...` never picks another folder's conftest)."""
