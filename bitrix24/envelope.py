"""What wraps a method's answer: ``result``, ``next``/``total`` lifted out of a ``Page``, and
the ``time`` block (the same for a call and for each command of a batch)."""

import time
from datetime import UTC, datetime

from .general import iso
from .methods import Page


def lifted(answer) -> dict:
    """``{"result": ...}``, with ``next`` (only when another page exists) and ``total``."""
    if not isinstance(answer, Page):
        return {"result": answer}
    body = {"result": answer.result}
    if answer.next is not None:
        body["next"] = answer.next
    if answer.total is not None:
        body["total"] = answer.total
    return body


def _at(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, tz=UTC)


def time_block(started: float, processing: float) -> dict:
    """Bitrix24's ``time``: the six keys b24pysdk requires, and ``operating``, which
    fast_bitrix24 reads to pace itself (nothing is metered here yet, so 0)."""
    finished = time.time()
    return {
        "start": started, "finish": finished, "duration": finished - started,
        "processing": processing,
        "date_start": iso(_at(started)), "date_finish": iso(_at(finished)),
        "operating_reset_at": int(finished) + 600, "operating": 0,
    }  # fmt: skip


def timed(func, *args) -> tuple[object, float, float]:
    """``func(*args)``, when it started (unix seconds) and how long it took."""
    started, began = time.time(), time.perf_counter()
    answer = func(*args)
    return answer, started, time.perf_counter() - began
