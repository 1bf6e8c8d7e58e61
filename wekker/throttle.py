"""Counters that limit guessing (logins, password-reset requests), kept in the cache.

The counters live in the shared cache (Redis) so that every web process counts the same
failures. If the cache cannot be reached, the counters fall back to this process's
memory (the "fallback" cache) for BREAKER_SECONDS before the shared cache is tried again,
with a warning in the log: logins keep working and keep being limited, though each web
process then counts on its own (README, "When Redis is down").
"""

import logging
import time

from django.core.cache import caches

logger = logging.getLogger(__name__)

# After a failure, the shared cache is left alone this long (no timeout paid per request).
BREAKER_SECONDS = 30
_down_until = 0.0

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover – redis is a dependency; only a bare install lacks it
    RedisError = OSError

# What an unreachable cache raises: refused or reset connections, timeouts.
CACHE_ERRORS = (RedisError, OSError)


def _call(method, *args):
    """`method` on the shared cache, or on the fallback while the shared one is unreachable."""
    global _down_until
    if time.monotonic() >= _down_until:
        try:
            return getattr(caches["default"], method)(*args)
        except CACHE_ERRORS as exc:
            _down_until = time.monotonic() + BREAKER_SECONDS
            logger.warning("cache unreachable (%s): throttling counts in this process for now", exc)
    return getattr(caches["fallback"], method)(*args)


def reset_breaker():
    """Try the shared cache again on the next call (tests)."""
    global _down_until
    _down_until = 0.0


def over_limit(limits):
    """Whether any (key, limit) pair has reached its limit."""
    counts = _call("get_many", [key for key, _limit in limits])
    return any((counts.get(key) or 0) >= limit for key, limit in limits)


def hit(keys, seconds):
    """Count one more event on each key; a key's count lasts `seconds` from its first event."""
    for key in keys:
        _call("add", key, 0, seconds)
        try:
            _call("incr", key)
        except ValueError:  # expired between add and incr
            _call("set", key, 1, seconds)


def clear(key):
    _call("delete", key)
