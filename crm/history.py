"""History as each reader may read it, and comments: history is written by ``timeline``, and
read here, under the reader's rights (``accessrights``)."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accessrights.restriction import check, is_crm_item, restricted_relations
from accessrights.rights import rights_of
from timeline.models import Event, EventKind
from timeline.services import event_record


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
