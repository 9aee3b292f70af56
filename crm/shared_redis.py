"""One Redis client per URL for the counters every web process shares (web form rate
limits, webhook rate limits). Timeouts are short: a slow Redis must not hold a request for
long, and callers go on without their counter when Redis cannot answer (``RedisError``)."""

import redis

TIMEOUT = 0.25  # seconds
_clients: dict[str, redis.Redis] = {}


def redis_client(url: str) -> redis.Redis:
    """The client of ``url``, made once per process (its connection pool is shared)."""
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
        )
    return _clients[url]
