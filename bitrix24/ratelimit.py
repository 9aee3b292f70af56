"""Each webhook's leaky bucket, as Bitrix24 meters its REST: every HTTP request (a batch of
50 commands is one) adds one to the bucket, which drains ``BITRIX24_RATE_PER_SECOND`` a
second; a request that would overflow ``BITRIX24_RATE_BURST`` is refused with Bitrix24's 503
``QUERY_LIMIT_EXCEEDED``, on which the clients slow down and retry.

The bucket lives in Redis (``BITRIX24_RATE_REDIS_URL``, else ``REDIS_URL``), shared by every
web process, or in the process when no Redis is configured, and there too while Redis cannot
be reached (the log says so): a webhook is then metered per process rather than not at all.
A burst of 0 meters nothing.
"""

import logging
import threading
import time

import redis
from django.conf import settings

from crm.shared_redis import redis_client

log = logging.getLogger(__name__)

# The bucket's level and when it was last counted, drained by the time since, in one step on
# Redis's own clock (every web process agrees on it); 1 when the request fits, 0 if not.
_LEAK = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local level = tonumber(redis.call('HGET', KEYS[1], 'level') or '0')
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or tostring(now))
level = math.max(0, level - (now - at) * rate)
local admitted = 0
if level + 1 <= burst then
  level = level + 1
  admitted = 1
end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return admitted
"""
_here: dict[str, tuple[float, float]] = {}  # the process's buckets: key -> (level, at)
_here_lock = threading.Lock()


def _admitted_here(key: str, rate: float, burst: int) -> bool:
    now = time.monotonic()
    with _here_lock:
        level, at = _here.get(key, (0.0, now))
        level = max(0.0, level - (now - at) * rate)
        admitted = level + 1 <= burst
        _here[key] = (level + 1 if admitted else level, now)
    return admitted


def admitted(webhook) -> bool:
    """Count one request of ``webhook``: whether its bucket had room for it."""
    burst, rate = settings.BITRIX24_RATE_BURST, settings.BITRIX24_RATE_PER_SECOND
    if burst <= 0:
        return True
    key = f"bitrix24:bucket:{webhook.token_hash[:32]}"  # never reused, unlike an id
    url = settings.BITRIX24_RATE_REDIS_URL
    if url:
        try:
            return bool(redis_client(url).eval(_LEAK, 1, key, rate, burst))
        except redis.RedisError:
            log.warning("webhook rate limits are per process: Redis cannot be reached",
                        exc_info=True)  # fmt: skip
    return _admitted_here(key, rate, burst)
