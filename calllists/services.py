"""The one write path of call lists: made from a list's selection or filter (only what the
maker may read), worked through one call at a time, each result in the client's history."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.entities import entity_type
from crm.history import comment_add
from dictionaries.models import Entry

from .models import CALL_STATUS, STOP_CALLING, CallList, CallListItem

CLIENT_TYPES = ("company", "contact", "lead")  # what can be called: items with phones
MAX_ITEMS = 10_000  # in one call list


def client_model(entity_key: str):
    if entity_key not in CLIENT_TYPES:
        raise ValidationError({"entity": _("Only companies, contacts and leads are called.")})
    return entity_type(entity_key).model


def _active_user(responsible):
    if (
        responsible is None
        or not get_user_model().objects.filter(pk=responsible.pk, is_active=True).exists()
    ):
        raise ValidationError({"responsible": _("Choose an active user.")})
    return responsible


def _readable_ids(user, model, ids) -> list[int]:
    """``ids`` that ``user`` may read, in the order given; the others are left out unnamed."""
    wanted = list(dict.fromkeys(int(pk) for pk in ids))
    readable = set(
        model.objects.restrict(user, "read").filter(pk__in=wanted).values_list("pk", flat=True)
    )
    return [pk for pk in wanted if pk in readable]


@transaction.atomic
def call_list_create(*, user, name: str, responsible, entity_key: str, ids, purpose=""):
    """A call list of the clients of ``ids`` the user may read (``entity_key``: company,
    contact or lead)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the call list a name.")})
    call_list = CallList(
        name=name, purpose=(purpose or "").strip(), responsible=_active_user(responsible),
        created_by=user,
    )  # fmt: skip
    call_list.full_clean(exclude=["responsible", "created_by"])
    call_list.save()
    call_list_add(user=user, call_list=call_list, entity_key=entity_key, ids=ids)
    return call_list


@transaction.atomic
def call_list_add(*, user, call_list, entity_key: str, ids) -> int:
    """Adds the readable clients of ``ids`` not yet on ``call_list``; how many were added."""
    _check_works_on(user, call_list)
    model = client_model(entity_key)
    item_type = ContentType.objects.get_for_model(model)
    CallList.objects.select_for_update().filter(pk=call_list.pk).get()  # one adder at a time
    present = set(call_list.items.filter(item_type=item_type).values_list("item_id", flat=True))
    new = [pk for pk in _readable_ids(user, model, ids) if pk not in present]
    if call_list.items.count() + len(new) > MAX_ITEMS:
        raise ValidationError(
            _("A call list holds at most %(limit)d clients.") % {"limit": MAX_ITEMS}
        )
    start = (call_list.items.aggregate(last=Max("sort"))["last"] or 0) + 1
    CallListItem.objects.bulk_create(
        CallListItem(call_list=call_list, item_type=item_type, item_id=pk, sort=start + number)
        for number, pk in enumerate(new)
    )
    return len(new)


def _check_works_on(user, call_list) -> None:
    if not CallList.objects.visible_to(user).filter(pk=call_list.pk).exists():
        raise PermissionDenied


def call_status(code) -> Entry:
    status = Entry.objects.of_list(CALL_STATUS).filter(code=code).first() if code else None
    if status is None:
        raise ValidationError({"status": _("Choose a call status.")})
    return status


@transaction.atomic
def call_record(*, user, entry: CallListItem, status: Entry, comment: str = "") -> CallListItem:
    """The result of one call: its status (from the CALL_LIST list) and comment, kept on the
    call list and written into the client's history."""
    _check_works_on(user, entry.call_list)
    client = client_of(user, entry)
    if client is None:
        raise PermissionDenied
    if status.list_code != CALL_STATUS:
        raise ValidationError({"status": _("Choose a call status.")})
    comment = (comment or "").strip()
    entry = CallListItem.objects.select_for_update().get(pk=entry.pk)
    entry.status, entry.comment = status, comment
    entry.called_at, entry.called_by = timezone.now(), user
    entry.full_clean(exclude=["call_list", "item_type", "called_by", "status"])
    entry.save()
    line = _("Call list “%(name)s”: %(status)s.") % {"name": entry.call_list.name,
                                                      "status": status.name}  # fmt: skip
    comment_add(user=user, item=client, text=f"{line} {comment}".strip())
    return entry


def client_of(user, entry: CallListItem):
    """The client of ``entry`` if ``user`` may read it, else None (it is never named)."""
    model = entry.item_type.model_class()
    return model.objects.restrict(user, "read").filter(pk=entry.item_id).first()


def progress(call_list) -> dict:
    """How many clients were called and are left, and how many calls gave each status."""
    return progress_of([call_list])[call_list.pk]


def progress_of(call_lists) -> dict[int, dict]:
    """``progress`` of each call list by id, in one grouped query for all of them."""
    counts = {one.pk: {} for one in call_lists}
    rows = (
        CallListItem.objects.filter(call_list__in=list(counts)).values_list("call_list", "status")
        .annotate(n=Count("id")).order_by()
    )  # fmt: skip
    for call_list, status, n in rows:
        counts[call_list][status] = n
    statuses = list(Entry.objects.of_list(CALL_STATUS))
    shown = {}
    for pk, by_status in counts.items():
        total = sum(by_status.values())
        left = by_status.pop(None, 0)
        shown[pk] = {
            "called": total - left, "left": left, "total": total,
            "statuses": [(status, by_status.get(status.pk, 0)) for status in statuses],
        }  # fmt: skip
    return shown


def not_to_call(item_type, ids) -> set[int]:
    """Which of these clients some call marked "Do not call" (flagged on later lists)."""
    return set(
        CallListItem.objects.filter(
            item_type=item_type, item_id__in=list(ids), status__code=STOP_CALLING,
            status__list_code=CALL_STATUS,
        ).values_list("item_id", flat=True)
    )  # fmt: skip


def home_panel(user) -> dict | None:
    """The start page's panel: the call lists the user is responsible for, with calls left."""
    lists = list(CallList.objects.filter(responsible=user, items__status=None).distinct()[:5])
    counts = progress_of(lists)
    shown = [(call_list, counts[call_list.pk]) for call_list in lists]
    return {"lists": shown} if shown else None
