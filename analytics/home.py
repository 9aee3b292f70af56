"""The start page's figures (``crm.home``): this month's won deals, the open deals of the
reader's whole reach (for those who read more than their own), and this month's funnel of the
default pipeline, each read through the reports, under the reader's rights."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accessrights.restriction import may
from deals.home import open_by_stage
from deals.models import Deal

from .parameters import ParametersForm
from .reports import REPORTS

THIS_MONTH = {"period": "month"}


def _this_month(user, key: str):
    form = ParametersForm(THIS_MONTH, user=user)
    form.is_valid()  # a named period is always valid
    return REPORTS[key].build(user, form.parameters())


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
    """Every open deal the reader may read, when that is more than their own."""
    if not may(user, "read", Deal):
        return None
    readable = Deal.objects.restrict(user, "read")
    if not readable.filter(closed=False).exclude(responsible=user).exists():
        return None  # "Your open deals" says it all
    return open_by_stage(readable, _("Open deals you may read"), {})


def default_funnel(user) -> dict | None:
    if not may(user, "read", Deal):
        return None
    table = _this_month(user, "deal_funnel")
    if not table.rows or not table.rows[0]["count"]:
        return None
    return {
        "title": _("This month's funnel"),
        "subtitle": table.title,
        "rows": table.rows,
        "url": reverse("analytics:report", args=["deal_funnel"]),
    }
