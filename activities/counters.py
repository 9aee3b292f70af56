"""How many of their activities a person has overdue and due today: the top bar's counter and
the tabs of "My activities", one indexed COUNT per request."""

from django.db.models import Count, Q
from django.utils import timezone

from .models import Activity, end_of_today


def day_counts(request) -> tuple[int, int]:
    """``(overdue, today)`` of the signed-in user's planned activities, counted once per
    request (the index on responsible, done and deadline), through ``restrict()``."""
    if not hasattr(request, "_activity_day_counts"):
        user, now = request.user, timezone.now()
        counts = (
            Activity.objects.restrict(user, "read")
            .filter(responsible=user, done=False, deadline__lt=end_of_today())
            .aggregate(overdue=Count("pk", filter=Q(deadline__lt=now)), total=Count("pk"))
        )
        request._activity_day_counts = (counts["overdue"], counts["total"] - counts["overdue"])
    return request._activity_day_counts


def activity_counter(request) -> dict:
    """The top bar's counter (a context processor): today's and overdue activities, counted
    only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"activity_counter": lambda: sum(day_counts(request))}
