"""A Redis cache whose outage reads as a miss: for what pages keep (figures, charts, fragments).

The login throttle keeps its counters in the "default" cache, which raises when Redis is down
so that the throttle can fall back and keep limiting (wekker/throttle.py). What pages keep
only saves work: there an unreachable Redis is a miss, a warning in the log, and the page is
computed, never a 500.
"""

import logging

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


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientPerPool

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except ERRORS as exc:
            logger.warning("cache unreachable, read as a miss: %s", exc)
            return default

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except ERRORS as exc:
            logger.warning("cache unreachable, nothing kept: %s", exc)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except ERRORS as exc:
            logger.warning("cache unreachable, read as misses: %s", exc)
            return {}

    def advance(self, keys, start):
        """Add one to each counter, one round trip for all; a counter that is missing (never
        set, or evicted) starts again from `start`, never from a number it may have had."""
        pipeline = self._cache.get_client(write=True).pipeline(transaction=False)
        for key in keys:
            key = self.make_and_validate_key(key)
            pipeline.set(key, start, nx=True)
            pipeline.incr(key)
        pipeline.execute()
