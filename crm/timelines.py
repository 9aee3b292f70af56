"""An item card's timeline: what its sources put on top (the activities planned, the comment
form), then everything that happened, newest first, a page at a time, filterable by kind.

Each source registers itself (``register_timeline_source``): the history events here, the
activities in their own app, so the card knows no app above the framework. A page is merged
from the sources by moment: each gives at most a page of its entries older than the page's
cursor, and the newest of all of them make the page. Entries of one moment keep one order
(by source, then id), so a cursor never skips or repeats one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from timeline.models import Event, EventKind

from .history import render_for_reader

PAGE_SIZE = 50


@dataclass(frozen=True)
class Cursor:
    """Where a page of a timeline ends: entries older than this one come next."""

    moment: datetime
    order: int  # the source's
    pk: int

    def __str__(self) -> str:
        return f"{self.moment.isoformat()}~{self.order}~{self.pk}"

    @classmethod
    def parse(cls, text: str | None):
        """The cursor written by ``str()``, or None for anything else (the first page)."""
        try:
            moment, order, pk = (text or "").split("~")
            parsed = cls(datetime.fromisoformat(moment), int(order), int(pk))
        except ValueError:
            return None
        return parsed if parsed.moment.tzinfo is not None else None

    def older(self, order: int, moment_field: str) -> Q:
        """The entries of source ``order`` that come after this cursor, newest first by
        ``moment_field`` and then by id."""
        if order < self.order:
            return Q(**{f"{moment_field}__lte": self.moment})
        if order > self.order:
            return Q(**{f"{moment_field}__lt": self.moment})
        return Q(**{f"{moment_field}__lt": self.moment}) | Q(
            **{moment_field: self.moment, "pk__lt": self.pk}
        )


@dataclass(frozen=True)
class Entry:
    """One line of a timeline, drawn by ``template`` with ``entry`` as ``object``."""

    moment: datetime
    order: int
    pk: int
    template: str
    object: object

    @property
    def key(self) -> tuple:
        return (self.moment, self.order, self.pk)


@dataclass(frozen=True)
class TimelineSource:
    """A kind of lines in every item's timeline.

    ``kinds()`` gives the filter's choices it answers, ``(code, label)``. ``entries(item,
    user, kind, cursor, limit)`` gives at most ``limit`` of its entries as ``user`` may read
    them, newest first, after ``cursor`` (None: from the newest; ``Cursor.older`` says which),
    of ``kind`` (None: all; a kind it does not answer: none), in a constant number of
    queries. ``head(item, user, kind)`` gives what it shows above the timeline, as a
    ``(template, context)`` pair, or None. ``order`` places it among the sources.
    """

    name: str
    order: int
    kinds: Callable[[], list[tuple[str, str]]]
    entries: Callable
    head: Callable | None = None


_sources: dict[str, TimelineSource] = {}


def register_timeline_source(source: TimelineSource) -> None:
    _sources[source.name] = source


def _ordered() -> list[TimelineSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.name))


def timeline_kinds() -> list[tuple[str, str]]:
    """Every kind a timeline can be filtered by, in the sources' order."""
    return [kind for source in _ordered() for kind in source.kinds()]


def card_timeline(item, user, kind: str = "", before: str = "") -> dict:
    """What the card's timeline tab shows ``user``: ``heads`` (each a template and its
    context), one page of ``entries`` of ``kind`` (every kind when it is none of
    ``timeline_kinds()``) after the cursor ``before``, and the cursor of the next page
    (``older``, None at the end)."""
    kinds = timeline_kinds()
    kind = kind if kind in dict(kinds) else None
    cursor = Cursor.parse(before)
    sources = _ordered()
    heads = [head for source in sources if source.head and (head := source.head(item, user, kind))]
    found = [
        entry
        for source in sources
        for entry in source.entries(item, user, kind, cursor, PAGE_SIZE + 1)
    ]
    found.sort(key=lambda entry: entry.key, reverse=True)
    page = found[:PAGE_SIZE]
    older = None
    if len(found) > PAGE_SIZE:
        last = page[-1]
        older = str(Cursor(last.moment, last.order, last.pk))
    return {"heads": heads, "entries": page, "older": older, "kinds": kinds, "kind": kind or ""}


# The history events: changes, links, deletions and comments.

EVENTS = "events"
EVENTS_ORDER = 10
COMMENT_KIND, CHANGE_KIND = "comment", "change"


def _event_kinds() -> list[tuple[str, str]]:
    return [(COMMENT_KIND, _("Comments")), (CHANGE_KIND, _("Changes"))]


def _event_entries(item, user, kind, cursor, limit) -> list[Entry]:
    events = Event.objects.of_item(item).select_related("author", "on_behalf_of", "related_type")
    if kind == COMMENT_KIND:
        events = events.filter(kind=EventKind.COMMENT)
    elif kind == CHANGE_KIND:
        events = events.exclude(kind=EventKind.COMMENT)
    elif kind is not None:
        return []
    if cursor is not None:
        events = events.filter(cursor.older(EVENTS_ORDER, "created_at"))
    shown = render_for_reader(list(events[:limit]), user)
    return [
        Entry(event.created_at, EVENTS_ORDER, event.pk, "generic/_event.html", event)
        for event in shown
    ]


def _comment_form(item, user, kind):
    return ("generic/_comment_form.html", {})


def register_events_source() -> None:
    """The history events' place in every timeline (``crm.apps``)."""
    register_timeline_source(
        TimelineSource(EVENTS, EVENTS_ORDER, _event_kinds, _event_entries, _comment_form)
    )
