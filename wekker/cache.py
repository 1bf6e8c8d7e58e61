"""A Redis cache whose outage reads as a miss: for what pages keep (figures, charts, fragments).

The login throttle keeps its counters in the "default" cache, which raises when Redis is down
so that the throttle can fall back and keep limiting (wekker/throttle.py). What pages keep
only saves work: there an unreachable Redis is a miss, a warning in the log, and the page is
computed, never a 500.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
ERRORS = (RedisError, OSError)


class OneClientPerPool(RedisCacheClient):
    """Django builds a new redis.Redis, with its table of reply callbacks, for every cache call
    (0.2 ms, most of a cache hit); one per connection pool serves them all (it is thread-safe)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if pool not in clients:
            clients[pool] = self._client(connection_pool=pool)
        return clients[pool]


# After an error, calls give up at once for this long, in every thread of the process: a Redis
# that hangs would otherwise cost each page its timeout, again and again.
PAUSE_AFTER_ERROR = 5.0
_paused_until = {}


def reset_breakers():
    """Calls try Redis again at once (tests that stopped it)."""
    _paused_until.clear()


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientPerPool
        self._location = server

    def _call(self, what, call, default):
        if time.monotonic() < _paused_until.get(self._location, 0.0):
            return default
        try:
            return call()
        except ERRORS as exc:
            _paused_until[self._location] = time.monotonic() + PAUSE_AFTER_ERROR
            logger.warning("cache unreachable, %s (not tried again for %.0f s): %s", what, PAUSE_AFTER_ERROR, exc)
            return default

    def get(self, key, default=None, version=None):
        return self._call("read as a miss", lambda: super(FailOpenRedisCache, self).get(key, default, version), default)

    def set(self, key, value, timeout=None, version=None):
        self._call("nothing kept", lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version), None)

    def add(self, key, value, timeout=None, version=None):
        return self._call(
            "nothing kept", lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version), False
        )

    def get_many(self, keys, version=None):
        return self._call("read as misses", lambda: super(FailOpenRedisCache, self).get_many(keys, version), {})

    def advance(self, keys, start):
        """Add one to each counter, one round trip for all; a counter that is missing (never
        set, or evicted) starts again from `start`, never from a number it may have had.
        False when Redis could not be reached."""

        def call():
            pipeline = self._cache.get_client(write=True).pipeline(transaction=False)
            for key in keys:
                key = self.make_and_validate_key(key)
                pipeline.set(key, start, nx=True)
                pipeline.incr(key)
            pipeline.execute()
            return True

        return self._call("counters not moved on", call, False)
