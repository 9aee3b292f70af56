"""The registry of REST methods: ``@method("server.time")`` registers a function taking
``(user, params)`` and returning the ``result``, or a ``Page`` when the answer carries
``total``/``next`` (list methods). Names are matched lower-cased, as Bitrix24 does."""

from collections.abc import Callable
from dataclasses import dataclass

from .errors import method_not_found, refusals_as_errors

PAGE_SIZE = 50  # Bitrix24's fixed page of every *.list; the clients hard-code it


@dataclass(frozen=True)
class Page:
    """A list method's answer: ``result`` plus the count and the next offset, if any."""

    result: list
    total: int | None = None
    next: int | None = None


@dataclass(frozen=True)
class Method:
    name: str
    scope: str  # "" for the methods every webhook has (server.time, methods, ...)
    func: Callable


_registry: dict[str, Method] = {}


def method(name: str, scope: str = ""):
    def register(func):
        key = name.lower()
        if key in _registry:
            raise ValueError(f"REST method {name!r} is registered twice")
        _registry[key] = Method(name, scope, refusals_as_errors(func))
        return func

    return register


def find(name: str) -> Method:
    """The method called ``name`` in any case; raises the 404 ``ERROR_METHOD_NOT_FOUND``."""
    found = _registry.get(name.lower())
    if found is None:
        raise method_not_found()
    return found


def registered() -> list[Method]:
    return sorted(_registry.values(), key=lambda m: m.name)


def page_of(start, total: int) -> tuple[int, int | None]:
    """Where a page begins and the next one's offset (None on the last page), for a ``start``
    already read as an int: Bitrix24 rounds it down to a page and sends a negative one to the
    first page."""
    offset = max(start, 0) // PAGE_SIZE * PAGE_SIZE
    following = offset + PAGE_SIZE
    return offset, following if following < total else None
