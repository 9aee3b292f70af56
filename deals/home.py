"""The start page's panel of the user's open deals, by pipeline and stage (``crm.home``)."""

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accessrights.restriction import may

from .models import Deal

SHOWN = ("pipeline_id", "pipeline__name", "stage_id", "stage__name", "stage__color", "currency")


def open_deals(user) -> dict | None:
    """Per stage of each pipeline: how many open deals the user is responsible for, their
    amounts per currency, and a link to that pipeline's board filtered on them. One query."""
    if not may(user, "read", Deal):
        return None
    mine = Deal.objects.restrict(user, "read").filter(responsible=user)
    return open_by_stage(mine, _("Your open deals"), {"responsible": user.pk})


def open_by_stage(deals, title, board_filter: dict) -> dict | None:
    """The panel of ``deals``' open ones by pipeline and stage (None when there are none);
    ``board_filter``: what each stage's link to its board filters on. One query."""
    rows = (
        deals.filter(closed=False)
        .values(*SHOWN)
        .annotate(count=Count("id"), amount=Sum("amount"))
        .order_by("pipeline__sort", "pipeline_id", "stage__sort", "stage_id", "currency")
    )
    return stages_panel(rows, title, board_filter)


def stages_panel(rows, title, board_filter: dict) -> dict | None:
    """The panel of open deals from ``rows`` (``SHOWN`` with ``count`` and ``amount``, in
    the pipelines' and stages' order)."""
    stages: dict[int, dict] = {}
    board = reverse("deals:deal_kanban")
    for row in rows:
        stage = stages.setdefault(row["stage_id"], {
            "pipeline": row["pipeline__name"], "name": row["stage__name"],
            "color": row["stage__color"], "count": 0, "amounts": [],
            "url": f"{board}?{urlencode({'pipeline': row['pipeline_id'], **board_filter})}",
        })  # fmt: skip
        stage["count"] += row["count"]
        if row["amount"] is not None:
            stage["amounts"].append((row["amount"], row["currency"]))
    if not stages:
        return None
    pipelines = {stage["pipeline"] for stage in stages.values()}
    return {
        "title": title,
        "stages": list(stages.values()),
        "several_pipelines": len(pipelines) > 1,
    }
