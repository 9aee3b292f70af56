"""Writing history. Called by the services of domain apps inside their transactions."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accessrights.restriction import access_key, check, is_crm_item, restricted_relations
from accessrights.rights import rights_of

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
    if kind == EventKind.DELETED and is_crm_item(type(item)):
        owner, opened, entity = access_key(item)
        fields["reach"] = {"entity": entity or item.access_entity, "owner": owner,
                           "opened": opened}  # fmt: skip
    if related is not None:
        fields.update(
            related_type=ContentType.objects.get_for_model(related),
            related_id=related.pk,
            related_label=str(related)[:255],
        )
    return fields


def render_for_reader(events, user) -> list:
    """The events as ``user`` may read them: the name of every linked item they may not read
    is left out, in link events (``related_label`` and ``related_id`` emptied,
    ``related_hidden``) and in field
    changes (``old``/``new`` emptied, ``old_hidden``/``new_hidden``). History says that
    something happened, not what lies behind a door the reader may not open.

    A deleted item is judged on who reached it when it was deleted (its deletion event's
    ``reach``). A link change recorded without ids (before ids were kept) is shown to
    superusers only. Two or three queries per kind of linked item on the page.
    """
    events = list(events)
    wanted: dict[type, set[int]] = {}
    for event in events:
        for model, pk in _links_of(event):
            if pk is not None:
                wanted.setdefault(model, set()).add(pk)
    readable = {(model, pk) for model, ids in wanted.items() for pk in _readable(model, ids, user)}
    superuser = getattr(user, "is_superuser", False)

    def hidden(model, pk) -> bool:
        if pk is None:
            return False
        return (model, pk) not in readable

    for event in events:
        related = _related_model(event)
        if related is not None and hidden(related, event.related_id):
            event.related_label, event.related_id, event.related_hidden = "", None, True
        changes = []
        for change in event.changes:
            model = _change_model(event, change)
            if model is not None:
                change = dict(change)
                for side in ("old", "new"):
                    pk = change.get(f"{side}_id")
                    unknown = f"{side}_id" not in change and change[side] and not superuser
                    if hidden(model, pk) or unknown:
                        change[side], change[f"{side}_hidden"] = "", True
            changes.append(change)
        event.changes = changes
    return events


def _related_model(event):
    if event.related_type_id is None:
        return None
    model = ContentType.objects.get_for_id(event.related_type_id).model_class()
    return model if is_crm_item(model) else None


def _change_model(event, change: dict):
    """The CRM item model a field change links to, or None for a plain value."""
    if "item" in change:
        return apps.get_model(change["item"])
    item_model = ContentType.objects.get_for_id(event.item_type_id).model_class()
    if item_model is None:
        return None
    return restricted_relations(item_model).get(change.get("field"))


def _links_of(event):
    related = _related_model(event)
    if related is not None:
        yield related, event.related_id
    for change in event.changes:
        model = _change_model(event, change)
        if model is not None:
            yield model, change.get("old_id")
            yield model, change.get("new_id")


def _readable(model, ids: set[int], user) -> set[int]:
    found = set(
        model.objects.restrict(user, "read").filter(pk__in=ids).values_list("pk", flat=True)
    )
    gone = ids - found - set(model._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
    if not gone or not (user is not None and user.is_authenticated and user.is_active):
        return found
    rights = rights_of(user)
    deletions = Event.objects.filter(
        item_type=ContentType.objects.get_for_model(model),
        item_id__in=gone,
        kind=EventKind.DELETED,
    ).values_list("item_id", "reach")
    for pk, reach in deletions:
        if rights.is_superuser or (
            reach and rights.reaches(reach["entity"], "read", reach["owner"], reach["opened"])
        ):
            found.add(pk)
    return found


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
