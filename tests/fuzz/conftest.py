"""The fuzz tests reuse the channel tests' tiny bot and guarded server (tests/channels/)."""

from tests.channels.conftest import guard_server, tiny_model  # noqa: F401 - fixtures
