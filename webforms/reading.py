"""What the submissions page and the API show of submissions: the items each created, as
far as the reader may read them, and counts per day."""

from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from crm.entities import entity_type

DAYS = 14  # counts per day: the last two weeks


def created_items(submissions, user) -> dict[int, list]:
    """The items each submission created or reused, by submission id, in the registry's
    order of their kinds: only those ``user`` may read (one query per kind), so that a
    hidden item is never named."""
    wanted: dict[str, set[int]] = {}
    for submission in submissions:
        for kind, pk in submission.created.items():
            wanted.setdefault(kind, set()).add(pk)
    readable = {
        kind: entity_type(kind).model.objects.restrict(user, "read").in_bulk(pks)
        for kind, pks in wanted.items()
    }
    return {
        submission.pk: [
            readable[kind][pk]
            for kind, pk in sorted(submission.created.items(), key=_registry_order)
            if pk in readable[kind]
        ]
        for submission in submissions
    }


def _registry_order(created: tuple[str, int]) -> int:
    return entity_type(created[0]).order


def per_day(submissions, days: int = DAYS) -> list[tuple]:
    """``(day, count)`` of ``submissions`` (a queryset) for each of the last ``days`` days,
    newest first, days without any included."""
    return per_form_and_day(submissions, days)[None]


def per_form_and_day(submissions, days: int = DAYS, by_form: bool = False) -> dict:
    """``per_day`` for each form of ``submissions`` at once (one query), ``{form id: [(day,
    count)]}``; without ``by_form``, all of them under None. A form without any is missing:
    ``.get(pk, ...)`` gives it zeros."""
    today = timezone.localdate()
    since = today - timedelta(days=days - 1)
    rows = (
        submissions.filter(received_at__date__gte=since)
        .annotate(day=TruncDate("received_at"))
        .values(*(["form_id"] if by_form else []), "day")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts: dict = {}
    for row in rows:
        counts.setdefault(row.get("form_id"), {})[row["day"]] = row["count"]
    last = [today - timedelta(n) for n in range(days)]
    shaped = {form: [(day, found.get(day, 0)) for day in last] for form, found in counts.items()}
    shaped.setdefault(None, [(day, 0) for day in last])
    return shaped
