"""The observatory's cache fails open: with the cache unreachable (Redis stopped, a timeout)
the figures and charts are computed without it, a warning logged, never a 500. It is the
"pages" cache (settings), whose Redis backend already reads an outage as a miss; the guard
here covers any other backend."""

import logging

from django.core.cache import caches
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What an unreachable cache raises.
CACHE_ERRORS = (RedisError, OSError)


def cached(key, compute, seconds):
    """The value under `key`, or compute() kept there for `seconds`."""
    try:
        value = caches["pages"].get(key)
    except CACHE_ERRORS as exc:
        logger.warning("cache unreachable, %s computed without it: %s", key, exc)
        return compute()
    if value is None:
        value = compute()
        try:
            caches["pages"].set(key, value, seconds)
        except CACHE_ERRORS as exc:
            logger.warning("cache unreachable, %s not kept: %s", key, exc)
    return value
