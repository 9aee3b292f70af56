"""Every write of an activity: plan, change, complete, delete, and their bulk variants.

What they guarantee: the right is checked before the write through ``check()`` (planning on
an item needs the right to update it; changing, completing or deleting an activity needs the
right to update its item, or being its responsible person: ``AttachedQuerySet``), and the
saved activity is checked again after it, so no one hands an activity out of their own reach;
every write leaves an event in the activity's own history (field codes and raw values, with
the door it came through). Errors: ``ValidationError`` by field, ``PermissionDenied``; each
leaves everything as it was.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accessrights.restriction import check
from crm import bulkwrite
from crm.entities import entity_type_of
from crm.items import diff, state
from crm.services import selected_ids
from timeline.models import EventKind
from timeline.services import event_record, events_record_bulk

from .models import Activity

# What people give when they plan or change an activity; completing sets the rest.
FIELDS = ("kind", "subject", "description", "deadline", "duration", "responsible")
COMPLETION = ("done", "completed_at", "completed_by", "result")
# References checked otherwise (the responsible person) or set by the services themselves.
NOT_CLEANED = ["item_type", "responsible", "created_by", "modified_by", "completed_by"]


def _assign(activity: Activity, fields: dict) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields for an activity: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(activity, name, value.strip() if isinstance(value, str) else value)


def _validate(activity: Activity, *, responsible_changed: bool) -> None:
    """The model's rules (a known kind, a subject, a date and time, a duration within a
    week), a deadline without a time zone read in the current one, and an active responsible
    person."""
    activity.full_clean(exclude=NOT_CLEANED, validate_unique=False)
    if timezone.is_naive(activity.deadline):
        activity.deadline = timezone.make_aware(activity.deadline)
    if responsible_changed:
        responsible = activity.responsible_id and (
            get_user_model().objects.filter(pk=activity.responsible_id, is_active=True).first()
        )
        if not responsible:
            raise ValidationError({"responsible": _("Choose an active user.")})


def _after_write(user, activity: Activity) -> None:
    # Inside the write's transaction: an activity handed out of the writer's reach rolls back.
    check(user, "update", activity)


@transaction.atomic
def activity_create(*, user, item, responsible=None, **fields) -> Activity:
    """Plan an activity on ``item`` (a company, contact, deal or lead) for ``responsible``
    (``user`` unless given). ``fields``: ``kind``, ``subject``, ``deadline`` (required),
    ``description``, ``duration``. Needs the right to update ``item``."""
    try:
        entity_type_of(type(item))
    except LookupError:
        raise ValidationError({"item": _("Activities belong to CRM items.")}) from None
    check(user, "update", item)
    activity = Activity(
        item_type=ContentType.objects.get_for_model(type(item)),
        item_id=item.pk,
        responsible=responsible or user,
        created_by=user,
        modified_by=user,
    )
    _assign(activity, fields)
    _validate(activity, responsible_changed=True)
    activity.save()
    _after_write(user, activity)
    event_record(item=activity, kind=EventKind.CREATED, author=user)
    return activity


def _locked(activity: Activity) -> Activity:
    """The activity read again and locked for the rest of the transaction (DoesNotExist when
    someone deleted it meanwhile)."""
    return Activity.objects.select_for_update().get(pk=activity.pk)


@transaction.atomic
def activity_update(*, user, activity: Activity, **fields) -> Activity:
    """Change what is planned (``FIELDS``); a change of nothing writes nothing. Needs the
    right to update the activity's item, or being its responsible person; handing it to
    someone else must leave it within the user's reach."""
    activity = _locked(activity)
    check(user, "update", activity)
    before = state(activity, FIELDS)
    responsible_before = activity.responsible_id
    _assign(activity, fields)
    _validate(activity, responsible_changed=activity.responsible_id != responsible_before)
    changes = diff(activity, before, state(activity, FIELDS))
    if not changes:
        return activity
    activity.modified_by = user
    activity.save()
    _after_write(user, activity)
    event_record(item=activity, kind=EventKind.UPDATED, author=user, changes=changes)
    return activity


def _completed_by(user, activity: Activity, result: str) -> None:
    activity.done = True
    activity.completed_at = timezone.now()
    activity.completed_by = user
    activity.modified_by = user
    activity.result = (result or "").strip()
    activity.full_clean(exclude=NOT_CLEANED, validate_unique=False)


@transaction.atomic
def activity_complete(*, user, activity: Activity, result: str = "") -> Activity:
    """Mark the activity done now, by ``user``, with its ``result``. Needs what
    ``activity_update`` needs; an activity done already is refused."""
    activity = _locked(activity)
    check(user, "update", activity)
    if activity.done:
        raise ValidationError({"done": _("This activity is done already.")})
    before = state(activity, COMPLETION)
    _completed_by(user, activity, result)
    activity.save()
    _after_write(user, activity)
    changes = diff(activity, before, state(activity, COMPLETION))
    event_record(item=activity, kind=EventKind.UPDATED, author=user, changes=changes)
    return activity


@transaction.atomic
def activity_delete(*, user, activity: Activity) -> None:
    """Delete the activity, with its deletion in its history. Needs the right to update its
    item, or being its responsible person."""
    check(user, "delete", activity)
    event_record(item=activity, kind=EventKind.DELETED, author=user)
    activity.delete()


@transaction.atomic
def activities_bulk_complete(*, user, ids, result: str = "") -> int:
    """Complete many planned activities at once, all of them or none ("My activities"): the
    same rights and history as ``activity_complete``, in a constant number of statements (the
    rows locked through ``restrict(user, "update")``, one UPDATE, the events in one). One
    that is gone, out of reach or done already stops it with its number."""
    ids = selected_ids(ids)
    reached = Activity.objects.restrict(user, "update").filter(pk__in=bulkwrite.ids_in(ids))
    locked = set(reached.filter(done=False).select_for_update().values_list("pk", flat=True))
    refused = [pk for pk in ids if pk not in locked]
    if refused:
        raise ValidationError(
            {
                "ids": _("These activities are done, gone or out of your reach: %s.")
                % ", ".join(str(pk) for pk in refused[:20])
            }
        )
    activities = list(Activity.objects.filter(pk__in=bulkwrite.ids_in(ids)).order_by("pk"))
    changes_by_pk = {}
    for activity in activities:
        before = state(activity, COMPLETION)
        _completed_by(user, activity, result)
        changes_by_pk[activity.pk] = diff(activity, before, state(activity, COMPLETION))
    first = activities[0]
    Activity.objects.filter(pk__in=bulkwrite.ids_in(ids)).update(
        done=True,
        completed_at=first.completed_at,
        completed_by=user,
        modified_by=user,
        modified_at=first.completed_at,
        result=first.result,
    )
    events_record_bulk(
        items=activities,
        kind=EventKind.UPDATED,
        author=user,
        changes_by_pk=changes_by_pk,
        write=bulkwrite.insert_dicts,
    )
    return len(activities)


def activities_of_items_delete(user, model, ids: list[int]) -> None:
    """What goes with deleted items (``crm.services.register_item_dependents``): their
    activities, each with its deletion in its history, in three statements. The item's
    deletion has checked the right."""
    activities = list(Activity.objects.of_items(model, bulkwrite.ids_in(ids)).only("pk"))
    if not activities:
        return
    events_record_bulk(
        items=activities, kind=EventKind.DELETED, author=user, write=bulkwrite.insert_dicts
    )
    Activity.objects.filter(pk__in=[activity.pk for activity in activities]).delete()
