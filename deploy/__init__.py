"""Deployment helpers that run inside (or next to) the Rasa server.

``deploy.lock_store``  AtomicRedisLockStore: a ticket lock per conversation that stays correct with
                       several Rasa servers (Redis Lua scripts, one round trip, atomic).
``deploy.retention``   delete conversations older than N days from the SQL tracker store
                       (``make retention DAYS=30``).
``deploy.serve``       start ``rasa run`` with the HTTP API closed unless the deployer opens it with
                       a token (``OPSW_ENABLE_API=1`` + ``OPSW_API_TOKEN``).

See docs/deploy.md.
"""
