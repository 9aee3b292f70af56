"""The start page's figures (``crm.home``): this month's won deals, the open deals of the
reader's whole reach (for those who read more than their own), and this month's funnel of the
default pipeline, each read through the reports, under the reader's rights."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accessrights.restriction import may
from deals.home import open_by_stage, stages_panel
from deals.models import Deal
from dictionaries.models import Entry, Pipeline

from .counts import open_now
from .parameters import ParametersForm
from .reports import REPORTS, deal_funnel
from .work_memory import report_memory

THIS_MONTH = {"period": "month"}


def _month_parameters(user):
    form = ParametersForm(THIS_MONTH, user=user)
    form.is_valid()  # a named period is always valid
    return form.parameters()


def _this_month(user, key: str):
    with report_memory():
        return REPORTS[key].build(user, _month_parameters(user))


def won_this_month(user) -> dict | None:
    if not may(user, "read", Deal):
        return None
    row = _this_month(user, "won_lost").rows[0]
    return {
        "title": _("Won this month"),
        "won": row["won"],
        "amounts": sorted(row["won_amount"].items()),
        "lost": row["lost"],
        "url": reverse("analytics:report", args=["won_lost"]),
    }


def open_deals_in_reach(user) -> dict | None:
    """Every open deal the reader may read, when that is more than their own: from the
    totals of the open deals now (``open_now``), else from the deals."""
    if not may(user, "read", Deal):
        return None
    title = _("Open deals you may read")
    totals = open_now(user)
    if totals is not None:
        if not any(row["responsible"] != user.pk for row in totals):
            return None  # "Your open deals" says it all
        return stages_panel(_named(totals), title, {})
    readable = Deal.objects.restrict(user, "read")
    if not readable.filter(closed=False).exclude(responsible=user).exists():
        return None
    return open_by_stage(readable, title, {})


def _named(totals: list[dict]) -> list[dict]:
    """``totals`` summed per stage and currency, with their pipelines' and stages' names, in
    the pipelines' and stages' order (``deals.home.SHOWN``)."""
    summed = {}
    for row in totals:
        key = (row["pipeline"], row["stage"], row["currency"])
        found = summed.setdefault(key, {"count": 0, "amount": None})
        found["count"] += row["count"]
        if row["amount"] is not None:
            found["amount"] = (found["amount"] or 0) + row["amount"]
    stages = {s.pk: s for s in Entry.objects.filter(pk__in={k[1] for k in summed})}
    pipelines = {p.pk: p for p in Pipeline.objects.filter(pk__in={k[0] for k in summed})}
    rows = [
        {"pipeline_id": pipeline, "pipeline__name": pipelines[pipeline].name,
         "stage_id": stage, "stage__name": stages[stage].name,
         "stage__color": stages[stage].color, "currency": currency, **sums}
        for (pipeline, stage, currency), sums in summed.items()
        if pipeline in pipelines and stage in stages
    ]  # fmt: skip
    return sorted(
        rows,
        key=lambda r: (
            pipelines[r["pipeline_id"]].sort,
            r["pipeline_id"],
            stages[r["stage_id"]].sort,
            r["stage_id"],
            r["currency"],
        ),
    )


def default_funnel(user) -> dict | None:
    if not may(user, "read", Deal):
        return None
    with report_memory():
        table = deal_funnel(user, _month_parameters(user), medians=False)  # shows no median
    if not table.rows or not table.rows[0]["count"]:
        return None
    return {
        "title": _("This month's funnel"),
        "subtitle": table.title,
        "rows": table.rows,
        "url": reverse("analytics:report", args=["deal_funnel"]),
    }
