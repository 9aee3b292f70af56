"""Rate limits of the public form endpoints, per client address and per form: fixed
windows counted in Redis, so that every web process shares one count.

With no Redis configured (the quick start) or none reachable, or a rate setting that
cannot be read, nothing is limited: a visitor's post is never refused because its counter
is missing. ``manage.py check`` (and runserver) says when no Redis is configured; the log
says so for each post Redis could not count.
"""

import logging
import math
import time

import redis
from django.conf import settings
from django.core.checks import Error, Warning, register

from crm.shared_redis import redis_client

log = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """``"20/m"`` as ``(20, 60)`` (a count per second, minute, hour or day); None for ""
    (no limit). Raises ValueError for anything else."""
    if not rate:
        return None
    count, _slash, unit = rate.partition("/")
    if unit not in PERIODS or not count.isdigit() or int(count) < 1:
        raise ValueError(f"{rate!r} is no rate such as '20/m'")
    return int(count), PERIODS[unit]


def _wait(client: redis.Redis, name: str, rate: str) -> int | None:
    """Count one request of ``name`` in its window; the seconds left in the window when
    that is over the limit, else None."""
    parsed = parse_rate(rate)
    if parsed is None:
        return None
    limit, period = parsed
    now = time.time()
    window = int(now // period)
    key = f"webforms:rate:{name}:{period}:{window}"
    pipe = client.pipeline(transaction=False)
    pipe.incr(key)
    pipe.expire(key, period + 1)
    count, _expiry = pipe.execute()
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * period - now))


def retry_after(form, ip: str | None) -> int | None:
    """Count a request from ``ip`` to ``form``: the seconds to wait when the address
    (``WEBFORM_RATE_PER_IP``) or the form (``WEBFORM_RATE_PER_FORM``) is over its limit,
    None when the request may go on (also when Redis cannot count it). The address is
    counted first, so that one address's flood does not use up the form's budget."""
    url = settings.WEBFORM_RATE_REDIS_URL
    if not url:  # said once, by the check at start (a warning per post would flood the log)
        return None
    try:
        client = redis_client(url)
        return _wait(client, f"ip:{ip or '-'}", settings.WEBFORM_RATE_PER_IP) or _wait(
            client, f"form:{form.key}", settings.WEBFORM_RATE_PER_FORM
        )
    except redis.RedisError:
        log.warning("web form rate limits are off: Redis cannot be reached", exc_info=True)
        return None
    except ValueError:  # said by the check at start too; the post is taken all the same
        log.error("web form rate limits are off: a rate cannot be read", exc_info=True)
        return None


def first_use(name: str, seconds: int) -> bool:
    """Whether ``name`` is used for the first time in ``seconds`` (a solved challenge, say);
    True also when Redis cannot tell, as limits are off then."""
    url = settings.WEBFORM_RATE_REDIS_URL
    if not url:
        return True
    try:
        return bool(redis_client(url).set(f"webforms:once:{name}", 1, nx=True, ex=seconds))
    except redis.RedisError:
        log.warning("web form replay checks are off: Redis cannot be reached", exc_info=True)
        return True


@register()
def check_rates(app_configs, **kwargs):
    """A rate setting that cannot be read is said by ``manage.py check`` (and migrate,
    runserver), not only in the log of the first post."""
    errors = []
    for name in ("WEBFORM_RATE_PER_IP", "WEBFORM_RATE_PER_FORM"):
        try:
            parse_rate(getattr(settings, name))
        except ValueError as error:
            errors.append(Error(f"{name}: {error}", id="webforms.E001"))
    if not settings.WEBFORM_RATE_REDIS_URL:
        errors.append(Warning("web form rate limits are off: no Redis configured (REDIS_URL)",
                              id="webforms.W001"))  # fmt: skip
    return errors
