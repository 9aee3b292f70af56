"""Writing history. Called by the services inside their transactions; history is read, under
the reader's rights, through ``crm.history``. Every event records the current door and for
whom it acted (``timeline.doors``), so no service passes them on."""

from django.contrib.contenttypes.models import ContentType

from .doors import current_acting
from .models import Event


def event_record(
    *, item, kind: str, author, changes=None, related=None, text="", reach=None
) -> Event:
    """Add one event to ``item``'s history (``related``: the other item of a link/unlink;
    ``reach``: for a deletion, who reached the item, see ``Event.reach``)."""
    return Event.objects.create(**_event_fields(item, kind, author, changes, related, text, reach))


def events_record_bulk(*, items, kind: str, author, changes_by_pk=None, write=None) -> None:
    """The same event for many items at once (bulk actions, reference-list replacements).
    ``write(Event, rows)`` inserts them, given as dicts of the events' field values (default:
    ``bulk_create`` by 1,000; the bulk item services pass one that writes them in one
    statement)."""
    changes_by_pk = changes_by_pk or {}
    rows = [
        _event_fields(item, kind, author, changes_by_pk.get(item.pk), None, "", None)
        for item in items
    ]
    _write(rows, write)


def _write(rows: list[dict], write) -> None:
    if write is not None:
        write(Event, rows)
    else:
        Event.objects.bulk_create((Event(**fields) for fields in rows), batch_size=1000)


def links_record_bulk(*, pairs, kind: str, author, both_sides: bool = True, write=None) -> None:
    """ "Linked" (or "unlinked", ``kind``) in the history of both items of each ``(item,
    other)`` pair (of ``item`` alone unless ``both_sides``); ``write`` as for
    ``events_record_bulk``."""
    rows = [
        _event_fields(one, kind, author, None, related, "", None)
        for item, other in pairs
        for one, related in ((item, other), (other, item))[: 2 if both_sides else 1]
    ]
    _write(rows, write)


def _user(user):
    return user if user is not None and user.is_authenticated else None


def _event_fields(item, kind, author, changes, related, text, reach) -> dict:
    acting = current_acting()
    fields = {
        "item_type": ContentType.objects.get_for_model(item),
        "item_id": item.pk,
        "item_version": getattr(item, "version", None),
        "kind": kind,
        "author": _user(author),
        "door": acting.door.kind,
        "door_id": acting.door.id,
        "on_behalf_of": _user(acting.on_behalf_of),
        "changes": changes or [],
        "text": text,
    }
    if reach is not None:
        fields["reach"] = reach
    if related is not None:
        fields.update(
            related_type=ContentType.objects.get_for_model(related),
            related_id=related.pk,
            related_label=str(related)[:255],
        )
    return fields
