"""Lock stores as configured in endpoints.yml (in-memory) and endpoints.multi.yml (atomic Redis),
against a throw-away redis-server on loopback."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from unittest import mock

import pytest

from tests.infra.infra_helpers import ROOT, RedisServer, env_from_scripts, run

pytestmark = pytest.mark.integration


def _lock_store(endpoints_file: Path, env: dict):
    from rasa.core.lock_store import LockStore
    from rasa.core.utils import AvailableEndpoints

    with mock.patch.dict(os.environ, env, clear=False):
        endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))
    return LockStore.create(endpoints.lock_store)


async def _two_holders(store_a, store_b, conversation: str, hold: float) -> list[tuple[str, float, float]]:
    spans: list[tuple[str, float, float]] = []

    async def holder(name: str, store) -> None:
        async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.05):
            t0 = time.monotonic()
            await asyncio.sleep(hold)
            spans.append((name, t0, time.monotonic()))

    await asyncio.gather(holder("a", store_a), holder("b", store_b))
    return sorted(spans, key=lambda s: s[1])


def test_default_lock_store_is_in_memory() -> None:
    from rasa.core.lock_store import InMemoryLockStore

    assert isinstance(_lock_store(ROOT / "endpoints.yml", env_from_scripts()), InMemoryLockStore)


@pytest.mark.redis
def test_redis_lock_store_serialises_two_servers() -> None:
    from deploy.lock_store import AtomicRedisLockStore

    redis = RedisServer()
    try:
        env = env_from_scripts(
            OPSW_REDIS_HOST="127.0.0.1",
            OPSW_REDIS_PORT=str(redis.port),
            OPSW_REDIS_DB="3",
            OPSW_REDIS_KEY_PREFIX="opswtest",
        )
        # two store objects = two Rasa servers sharing one Redis
        a = _lock_store(ROOT / "endpoints.multi.yml", env)
        b = _lock_store(ROOT / "endpoints.multi.yml", env)
        assert isinstance(a, AtomicRedisLockStore) and isinstance(b, AtomicRedisLockStore)
        assert a.key_prefix.startswith("opswtest:")

        hold = 0.4
        spans = run(_two_holders(a, b, "gesprek-1", hold))
        (n1, s1, e1), (n2, s2, e2) = spans
        assert {n1, n2} == {"a", "b"}
        assert s2 >= e1 - 0.01, f"locks overlapped: {spans}"
        assert e2 - s1 >= 2 * hold - 0.05
        # lock cleaned up after both finished
        assert a.get_lock("gesprek-1") is None
        assert not a.red.keys("opswtest:lock:*")

        # different conversations do not wait for each other
        t0 = time.monotonic()

        async def both() -> None:
            async def one(store, cid):
                async with store.lock(cid, wait_time_in_seconds=0.05):
                    await asyncio.sleep(hold)

            await asyncio.gather(one(a, "x"), one(b, "y"))

        run(both())
        assert time.monotonic() - t0 < 2 * hold
    finally:
        redis.stop()


@pytest.mark.redis
def test_redis_lock_store_via_default_endpoints_file() -> None:
    """OPSW_LOCK_STORE=redis switches endpoints.yml to Redis too."""
    from rasa.core.lock_store import RedisLockStore

    redis = RedisServer()
    try:
        env = env_from_scripts(OPSW_LOCK_STORE="redis", OPSW_REDIS_HOST="127.0.0.1", OPSW_REDIS_PORT=str(redis.port))
        store = _lock_store(ROOT / "endpoints.yml", env)
        assert isinstance(store, RedisLockStore)
        ticket = store.issue_ticket("c1")
        assert store.get_lock("c1") is not None
        store.cleanup("c1", ticket)
        assert store.get_lock("c1") is None
    finally:
        redis.stop()
