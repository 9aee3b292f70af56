"""The next activity of each item of a list page or a kanban board: its date, and whether it
is overdue, read for the whole page in one grouped query."""

from django.db.models import Min
from django.utils import timezone

from .models import Activity


def mark_next_activities(model, items, user) -> None:
    """Give each of ``items`` (of ``model``, items ``user`` may read) ``next_activity``: the
    deadline of its soonest planned activity (None without one), and ``next_activity_overdue``.
    The activities are read through ``restrict(user)``, as everywhere else."""
    soonest = dict(
        Activity.objects.restrict(user, "read")
        .of_items(model, [item.pk for item in items])
        .filter(done=False)
        .order_by()
        .values_list("item_id")
        .annotate(soonest=Min("deadline"))
    )
    now = timezone.now()
    for item in items:
        item.next_activity = soonest.get(item.pk)
        item.next_activity_overdue = item.next_activity is not None and item.next_activity < now
