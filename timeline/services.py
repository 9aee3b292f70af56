"""Writing history. Called by the services of domain apps inside their transactions."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accessrights.restriction import check

from .models import Event, EventKind


def event_record(*, item, kind: str, author, changes=None, related=None, text="") -> Event:
    """Add one event to ``item``'s history (``related``: the other item of a link/unlink)."""
    return Event.objects.create(**_event_fields(item, kind, author, changes, related, text))


def events_record_bulk(*, items, kind: str, author, changes_by_pk=None) -> None:
    """The same event for many items at once (bulk actions, reference-list replacements)."""
    changes_by_pk = changes_by_pk or {}
    Event.objects.bulk_create(
        (
            Event(**_event_fields(item, kind, author, changes_by_pk.get(item.pk), None, ""))
            for item in items
        ),
        batch_size=1000,
    )


def _event_fields(item, kind, author, changes, related, text) -> dict:
    fields = {
        "item_type": ContentType.objects.get_for_model(item),
        "item_id": item.pk,
        "item_version": getattr(item, "version", None),
        "kind": kind,
        "author": author if author is not None and author.is_authenticated else None,
        "changes": changes or [],
        "text": text,
    }
    if related is not None:
        fields.update(
            related_type=ContentType.objects.get_for_model(related),
            related_id=related.pk,
            related_label=str(related)[:255],
        )
    return fields


def hide_unreadable_related(events, user) -> list:
    """The events with the label of each linked item ``user`` may not read emptied: history
    says that a link happened, not what lies behind a door the reader may not open. Two
    queries per kind of linked item on the page."""
    events = list(events)
    wanted: dict[int, set[int]] = {}
    for event in events:
        if event.related_type_id is not None:
            wanted.setdefault(event.related_type_id, set()).add(event.related_id)
    readable: set[tuple[int, int]] = set()
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None or not hasattr(model.objects, "restrict"):
            readable |= {(type_id, pk) for pk in ids}  # not a CRM item: no rights to apply
            continue
        found = set(
            model.objects.restrict(user, "read").filter(pk__in=ids).values_list("pk", flat=True)
        )
        # A deleted item keeps its label: history outlives the items it names.
        gone = (
            ids - found - set(model._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
        )
        readable |= {(type_id, pk) for pk in found | gone}
    for event in events:
        if (
            event.related_type_id is not None
            and (event.related_type_id, event.related_id) not in readable
        ):
            event.related_label = ""
            event.related_hidden = True
    return events


@transaction.atomic
def comment_add(*, user, item, text: str) -> Event:
    """Add a comment to the history of an item the user may read."""
    check(user, "read", item)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment first.")})
    if len(text) > 20_000:
        raise ValidationError({"text": _("A comment has at most 20,000 characters.")})
    try:
        Event._meta.get_field("text").run_validators(text)  # what the column can store
    except ValidationError as exc:
        raise ValidationError({"text": exc.messages}) from None
    return event_record(item=item, kind=EventKind.COMMENT, author=user, text=text)
