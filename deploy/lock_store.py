"""A Redis lock store for several Rasa servers whose ticket operations are atomic.

Why not Rasa's own ``RedisLockStore``: its ``issue_ticket`` is *get → modify → set* (read the
lock JSON, append a ticket in Python, write the JSON back), and ``cleanup`` is *get → remove →
save → check → delete*. Two Rasa servers doing that at the same time for one conversation both
read the same lock, so they issue the SAME ticket number (both think it is their turn and both
change the conversation at once: the SQL tracker store then keeps only one of the two message
turns), or one server deletes the lock while the other has just put its ticket in (that one then
gets a ``LockError``). We measured 13 of 200 messages lost that way (docs/deploy.md).

Here every operation is one Redis Lua script, which Redis runs atomically (no other command runs
in between), so a read and its write can never interleave with another server's:

* ticket numbers come from one ``INCR`` counter (``<prefix>:lock:seq``), so they are unique and
  increasing for ever (a slow holder that outlived its ticket can never release a newer ticket
  that happens to have the same number);
* a conversation's waiting tickets are a Redis hash ``<prefix>:lock:<conversation id>``:
  field = ticket number, value = expiry time (Redis server clock, so servers whose clocks differ
  still agree); the hash expires on its own when every ticket has expired (crashed servers);
* the ticket with the lowest number that has not expired is served; releasing removes the
  ticket and deletes the hash when it was the last one, in the same script.

Configure in endpoints.yml / endpoints.multi.yml::

    lock_store:
      type: deploy.lock_store.AtomicRedisLockStore
      url: localhost          # Redis host
      port: 6379
      db: 1
      password: ...           # empty = none
      key_prefix: opsw        # alphanumeric
      poll_interval: 0.05     # optional: seconds between "is it my turn?" checks (default 0.05)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

DEFAULT_KEY_PREFIX = "lock:"
DEFAULT_POLL_INTERVAL = 0.05
DEFAULT_SOCKET_TIMEOUT = 10.0

# Shared Lua prelude: `now` from the Redis clock, drop expired tickets of KEYS[1].
_PRELUDE = """
if redis.replicate_commands then redis.replicate_commands() end  -- Redis < 5: TIME before writes
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local h = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #h, 2 do
  if tonumber(h[i + 1]) <= now then
    redis.call('HDEL', KEYS[1], h[i])
  else
    live[#live + 1] = {tonumber(h[i]), h[i + 1]}
  end
end
"""

# KEYS[1] conversation hash, KEYS[2] global counter; ARGV[1] lifetime (s). Returns the ticket.
_ISSUE = (
    _PRELUDE
    + """
local n = redis.call('INCR', KEYS[2])
local life = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], tostring(n), string.format('%.6f', now + life))
local want = math.ceil(life * 1000) + 1000
if redis.call('PTTL', KEYS[1]) < want then redis.call('PEXPIRE', KEYS[1], want) end
return n
"""
)

# KEYS[1]; ARGV[1] ticket. Returns -1 (ticket gone: expired), 0 (your turn), k (k tickets before it).
_TURN = (
    _PRELUDE
    + """
local mine = tonumber(ARGV[1])
local found = false
local before = 0
for _, e in ipairs(live) do
  if e[1] == mine then found = true elseif e[1] < mine then before = before + 1 end
end
if not found then return -1 end
return before
"""
)

# KEYS[1]; ARGV[1] ticket. Removes it (and the hash when empty). Returns the tickets left.
_RELEASE = (
    _PRELUDE
    + """
redis.call('HDEL', KEYS[1], ARGV[1])
local left = redis.call('HLEN', KEYS[1])
if left == 0 then redis.call('DEL', KEYS[1]) end
return left
"""
)

# KEYS[1]. Returns {now as string, field, value, field, value, ...} of the live tickets.
_READ = (
    _PRELUDE
    + """
local out = {string.format('%.6f', now)}
for _, e in ipairs(live) do
  out[#out + 1] = tostring(e[1])
  out[#out + 1] = e[2]
end
return out
"""
)

# KEYS[1]; ARGV = number, expiry (Redis clock), number, expiry, ... Replaces the hash.
_REPLACE = """
if redis.replicate_commands then redis.replicate_commands() end
redis.call('DEL', KEYS[1])
local latest = 0
for i = 1, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  if tonumber(ARGV[i + 1]) > latest then latest = tonumber(ARGV[i + 1]) end
end
if latest > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
  redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((latest - now) * 1000) + 1000))
end
return #ARGV / 2
"""


def _opt(value: Any) -> Any:
    """Endpoint values come from ${VAR}s: an empty string means "not set"."""
    return None if value in ("", None) else value


class AtomicRedisLockStore(LockStore):
    """Ticket locks in Redis; issue, turn check and release are each one atomic Lua script."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        host: str = "localhost",
        port: int = 6379,
        db: int = 1,
        username: str | None = None,
        password: str | None = None,
        use_ssl: bool = False,
        key_prefix: str | None = None,
        socket_timeout: float = DEFAULT_SOCKET_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        redis_client: Any = None,
    ) -> None:
        if endpoint_config is not None:  # how Rasa creates it from endpoints.yml
            kw: dict[str, Any] = dict(endpoint_config.kwargs or {})
            host = endpoint_config.url or host
            port = _opt(kw.get("port")) or port
            db = _opt(kw.get("db")) or db
            username = _opt(kw.get("username"))
            password = _opt(kw.get("password"))
            use_ssl = str(kw.get("use_ssl", use_ssl)).lower() in ("1", "true", "yes")
            key_prefix = _opt(kw.get("key_prefix"))
            socket_timeout = float(_opt(kw.get("socket_timeout")) or socket_timeout)
            poll_interval = float(_opt(kw.get("poll_interval")) or poll_interval)
        if redis_client is None:
            import redis

            redis_client = redis.StrictRedis(
                host=host,
                port=int(port),
                db=int(db),
                username=username,
                password=password,
                ssl=use_ssl,
                socket_timeout=socket_timeout,
            )
        self.red = redis_client
        self.poll_interval = float(poll_interval)
        self.key_prefix = DEFAULT_KEY_PREFIX
        if key_prefix:
            if str(key_prefix).isalnum():
                self.key_prefix = f"{key_prefix}:{DEFAULT_KEY_PREFIX}"
            else:
                logger.warning("Ignoring non-alphanumeric lock store key_prefix %r", key_prefix)
        # the counter is not a conversation key: "seq" cannot collide with "<prefix>lock:<id>"
        # because it lives under "<prefix>lockseq"
        self.seq_key = self.key_prefix.rstrip(":") + "seq"
        self._issue = self.red.register_script(_ISSUE)
        self._turn = self.red.register_script(_TURN)
        self._release = self.red.register_script(_RELEASE)
        self._read = self.red.register_script(_READ)
        self._replace = self.red.register_script(_REPLACE)
        super().__init__()

    # ------------------------------------------------------------------------- keys
    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    # ------------------------------------------------------------------ atomic core
    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A new ticket (unique, higher than every earlier one) for the conversation."""
        try:
            return int(self._issue(keys=[self._key(conversation_id), self.seq_key], args=[float(lock_lifetime)]))
        except Exception as e:  # same contract as Rasa's LockStore.issue_ticket
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def tickets_before(self, conversation_id: str, ticket: int) -> int:
        """0 = it is this ticket's turn; k > 0 = k tickets wait before it; -1 = ticket expired."""
        return int(self._turn(keys=[self._key(conversation_id)], args=[int(ticket)]))

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        wait = min(float(wait_time_in_seconds), self.poll_interval) if wait_time_in_seconds else self.poll_interval
        while True:
            before = self.tickets_before(conversation_id, ticket)
            if before == 0:
                logger.debug("Acquired lock for conversation '%s' (ticket %s).", conversation_id, ticket)
                return self.get_lock(conversation_id) or TicketLock(conversation_id)
            if before < 0:
                raise LockError(
                    f"Could not acquire lock for conversation_id '{conversation_id}': "
                    f"ticket {ticket} expired while waiting."
                )
            logger.debug(
                "Conversation '%s': %d item(s) before ticket %s; retrying in %ss.",
                conversation_id,
                before,
                ticket,
                wait,
            )
            await asyncio.sleep(wait)

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock (same contract as ``LockStore.lock``)."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            self.cleanup(conversation_id, ticket)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Release the ticket; the lock disappears with its last ticket (one atomic step)."""
        left = int(self._release(keys=[self._key(conversation_id)], args=[int(ticket_number)]))
        if not left:
            self._log_deletion(conversation_id, True)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def update_lock(self, conversation_id: str) -> None:
        """Expired tickets are dropped by every script; reading is enough."""
        self._read(keys=[self._key(conversation_id)])

    # --------------------------------------------------- TicketLock view (read only)
    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """The live tickets as a Rasa ``TicketLock`` (expiry converted to this machine's clock)."""
        raw: list[bytes] = self._read(keys=[self._key(conversation_id)])
        redis_now = float(raw[0])
        pairs = [(int(raw[i]), float(raw[i + 1])) for i in range(1, len(raw), 2)]
        if not pairs:
            return None
        offset = time.time() - redis_now
        tickets = deque(Ticket(n, exp + offset) for n, exp in sorted(pairs))
        return TicketLock(conversation_id, tickets)

    def is_someone_waiting(self, conversation_id: str) -> bool:
        return self.get_lock(conversation_id) is not None

    def delete_lock(self, conversation_id: str) -> None:
        self._log_deletion(conversation_id, bool(self.red.delete(self._key(conversation_id))))

    def save_lock(self, lock: TicketLock) -> None:
        """Replace the stored tickets by ``lock``'s (atomic; not used by the server itself)."""
        redis_now = float(self._read(keys=[self._key(lock.conversation_id)])[0])
        offset = redis_now - time.time()
        args: list[Any] = []
        for t in lock.tickets:
            args += [int(t.number), f"{t.expires + offset:.6f}"]
        self._replace(keys=[self._key(lock.conversation_id)], args=args)
