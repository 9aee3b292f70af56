"""The start page's panel of the user's activities due today, overdue ones first
(``crm.home``)."""

from .items import name_items
from .models import Activity, end_of_today

SHOWN = 10


def due_today(user) -> dict | None:
    """The user's planned activities due by the end of today (overdue ones first, the
    oldest first), at most ``SHOWN``, each with its item if they may read it; None when
    there are none."""
    due = (
        Activity.objects.restrict(user, "read")
        .filter(responsible=user, done=False, deadline__lt=end_of_today())
        .order_by("deadline", "id")
    )
    activities = list(due[: SHOWN + 1])
    if not activities:
        return None
    return {"activities": name_items(activities[:SHOWN], user), "more": len(activities) > SHOWN}
