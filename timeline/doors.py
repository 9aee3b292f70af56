"""Through which door the current work comes in, and for whom: read by the history writers.

The door is a context variable, so no service signature carries it: the doors set it for the
time of a request or a job (``crm.actors``: the middleware for pages, the API and the admin,
``acting_through`` for jobs, web forms, webhooks and portal migrations), and
``timeline.services`` records it on every event. Outside any door (shell, management
commands) it is ``system``. It lives here, below everything, because ``timeline`` imports no
other app; ``crm.actors`` re-exports it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class DoorKind(models.TextChoices):
    PAGE = "page", _("page")
    API = "api", _("API")
    ADMIN = "admin", _("admin")
    IMPORT = "import", _("import")
    JOB = "job", _("background job")
    WEBFORM = "webform", _("web form")
    WEBHOOK = "webhook", _("webhook")
    MIGRATION = "migration", _("migration")
    SYSTEM = "system", _("system")


# Doors that are one of many of their kind, and name which one: the job, form, webhook or
# portal migrated from (``bitrix24.models.Portal``).
NUMBERED = frozenset(
    {DoorKind.IMPORT, DoorKind.JOB, DoorKind.WEBFORM, DoorKind.WEBHOOK, DoorKind.MIGRATION}
)


@dataclass(frozen=True)
class Door:
    """A way into the data: ``Door("page")``, ``Door("api")``, ``Door("import", 12)``."""

    kind: str
    id: int | None = None

    def __post_init__(self):
        if self.kind not in DoorKind.values:
            raise ValueError(f"unknown door kind: {self.kind!r}")
        object.__setattr__(self, "kind", DoorKind(self.kind).value)
        if self.id is not None and (isinstance(self.id, bool) or not isinstance(self.id, int)):
            raise TypeError(f"a door's id is an integer, not {self.id!r}")
        if self.id is not None and self.kind not in NUMBERED:
            raise ValueError(f"a {self.kind} door has no id")


@dataclass(frozen=True)
class Acting:
    """The current door and the user it acts for (``on_behalf_of``: an import job acts for
    its uploader; a page, the API or a web form for nobody but the signed-in user, if any)."""

    door: Door
    on_behalf_of: object = None  # a user, or None


SYSTEM = Acting(Door(DoorKind.SYSTEM))

# How a numbered door is named in history ("web form “Contact us”" rather than "web form #3"):
# the app owning the door registers it, since timeline imports no other app.
_namers: dict[str, Callable[[list[int]], dict[int, str]]] = {}


def register_door_namer(kind: str, namer: Callable[[list[int]], dict[int, str]]) -> None:
    """``namer(door_ids)`` gives the names of those doors of ``kind`` (one query for all;
    a door gone since is left out)."""
    _namers[DoorKind(kind).value] = namer


def door_names(doors) -> dict[tuple[str, int], str]:
    """The registered names of numbered doors given as ``(kind, id)``, one query per kind."""
    ids: dict[str, set[int]] = {}
    for kind, door_id in doors:
        if kind in _namers and door_id is not None:
            ids.setdefault(kind, set()).add(door_id)
    return {
        (kind, door_id): name
        for kind, wanted in ids.items()
        for door_id, name in _namers[kind](sorted(wanted)).items()
    }


_acting: ContextVar[Acting] = ContextVar("crm_acting", default=SYSTEM)


def current_acting() -> Acting:
    return _acting.get()


def current_door() -> Door:
    return _acting.get().door


@contextmanager
def acting_through(door: Door, on_behalf_of=None) -> Iterator[Acting]:
    """Everything written inside the block comes through ``door``, for ``on_behalf_of``; the
    door before it is back afterwards, also when the block raises."""
    acting = Acting(door, on_behalf_of)
    token = _acting.set(acting)
    try:
        yield acting
    finally:
        _acting.reset(token)


def door_name(kind: str, door_id: int) -> str | None:
    """The registered name of one numbered door, or None."""
    return door_names([(kind, door_id)]).get((kind, door_id))
