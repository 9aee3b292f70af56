"""Activities in every item card's timeline (``crm.timelines``): the planned ones on top with
the form that plans one, the done ones among the history by the moment they were done."""

from django.utils.translation import gettext_lazy as _

from accessrights.restriction import allowed
from crm.entities import entity_type_of
from crm.timelines import Entry, TimelineSource, register_timeline_source

from .forms import ActivityForm
from .models import Activity, ActivityKind

ACTIVITIES = "activities"
ORDER = 20
PLANNED_SHOWN = 50


def _kinds() -> list[tuple[str, str]]:
    plurals = {
        ActivityKind.CALL: _("Calls"),
        ActivityKind.MEETING: _("Meetings"),
        ActivityKind.TASK: _("Tasks"),
        ActivityKind.EMAIL: _("E-mails"),
    }
    return [(kind.value, plurals[kind]) for kind in ActivityKind]


def _of_kind(activities, kind):
    if kind is None:
        return activities
    return activities.filter(kind=kind) if kind in ActivityKind.values else activities.none()


def writable(user, activity, item_writable: bool) -> bool:
    """Whether ``user`` may change ``activity`` of an item they may (``item_writable``) or may
    not update: the rule of ``AttachedQuerySet``, decided without a query."""
    return item_writable or activity.responsible_id == user.pk


def _entries(item, user, kind, cursor, limit) -> list[Entry]:
    done = _of_kind(Activity.objects.restrict(user, "read").of_item(item).completed(), kind)
    if cursor is not None:
        done = done.filter(cursor.older(ORDER, "completed_at"))
    done = done.select_related("responsible", "completed_by")[:limit]
    item_writable = allowed(user, "update", item)
    entries = []
    for activity in done:
        activity.writable = writable(user, activity, item_writable)
        entries.append(Entry(activity.completed_at, ORDER, activity.pk, "activities/_entry.html",
                             activity))  # fmt: skip
    return entries


def _head(item, user, kind):
    planned = _of_kind(Activity.objects.restrict(user, "read").of_item(item).planned(), kind)
    planned = list(planned.select_related("responsible")[: PLANNED_SHOWN + 1])
    item_writable = allowed(user, "update", item)
    for activity in planned:
        activity.writable = writable(user, activity, item_writable)
    form = ActivityForm(user=user, initial={"responsible": user.pk}) if item_writable else None
    return (
        "activities/_timeline_head.html",
        {
            "planned": planned[:PLANNED_SHOWN],
            "more_planned": len(planned) > PLANNED_SHOWN,
            "form": form,
            "item_key": entity_type_of(type(item)).key,
        },
    )


def register() -> None:
    register_timeline_source(TimelineSource(ACTIVITIES, ORDER, _kinds, _entries, _head))
