"""The sales reports, each a function ``(user, parameters) -> Table`` over the items the reader
may read (``Parameters.deals`` / ``leads``: ``restrict(user, "read")`` and the people asked
for), registered once in ``REPORTS`` for the pages, the API, the downloads and the start page.

What they count, from the stage history (``deals.StageMove``):

- A funnel's items are those with a move in the period (into the pipeline, for deals); each
  counts in every stage up to the furthest it reached in the period (a deal lost from a stage
  reached that stage), with its amount at that furthest move. "To next" and "to won" divide a
  stage's count into the next stage's and into the success stage's. The median time in a stage
  is over the moves out of it in the period.
- An item's outcome in a period is its last move into a final stage in the period: a deal won,
  reopened and lost again counts once, as lost; one won, reopened and won again, once, as won.
- Sources count the leads and deals created in the period, and how many of them are now
  converted or won.

These three counts come from ``analytics.counts``: the moves themselves, or for a calendar
month, quarter or year the period rollups, with the same figures.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
)
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accessrights.restriction import may
from deals.models import Deal, Lead
from dictionaries.defaults import DEAL_STAGE
from dictionaries.models import Entry, Pipeline, Semantics
from people.naming import person_label

from .median import Median
from .parameters import Parameters, ParametersForm
from .reading import counts_for
from .tables import Chart, Column, Table, days, percent
from .work_memory import report_memory

LEAD_STAGE = "STATUS"


@dataclass(frozen=True)
class Report:
    """``model``: the items it counts (the reader must be able to read some); ``pipeline``:
    it shows one pipeline (the default one unless chosen); ``interval``: it groups by week or
    month."""

    key: str
    title: str
    build: Callable[[object, Parameters], Table]
    model: type
    pipeline: bool = False
    interval: bool = False
    description: str = ""


def _amounts(rows, amount="amount") -> dict:
    found = defaultdict(Decimal)
    for row in rows:
        if row[amount] is not None:
            found[row["currency"]] += row[amount]
    cent = Decimal("0.01")  # SQLite sums decimals as floats: back to the amounts' own scale
    return {currency: Decimal(amount).quantize(cent) for currency, amount in sorted(found.items())}


def _funnel(counts, pipeline_id, stages: list[Entry], medians: bool = True) -> list[dict]:
    """The funnel rows of ``stages`` (process and success stages, in order) from ``counts``
    (of the moves in ``pipeline_id``, None: all); the time in each stage over all the items'
    moves in the period (``counts.scope_moves()``), unless ``medians`` is false (the start
    page does not show them: they are most of the funnel's time)."""
    ranked = [s for s in stages if s.semantics != Semantics.FAILURE]
    furthest = counts.furthest(pipeline_id, ranked)
    in_stage = {}
    if medians:
        in_stage = dict(
            counts.scope_moves()
            .filter(from_stage_id__in=[s.pk for s in ranked])
            .values("from_stage_id")
            .annotate(median=Median("stage_seconds"))
            .values_list("from_stage_id", "median")
        )
    reached = []
    for position, stage in enumerate(ranked):
        found = [row for row in furthest if row[0] >= position]
        amounts = _amounts([{"currency": row[1], "amount": _decimal(row[3])} for row in found])
        reached.append({
            "stage": stage.name, "count": sum(row[2] for row in found), "amount": amounts,
            "median_days": days(in_stage.get(stage.pk)),
        })  # fmt: skip
    won = reached[-1]["count"] if reached else 0
    for position, row in enumerate(reached):
        following = reached[position + 1]["count"] if position + 1 < len(reached) else None
        row["to_next"] = percent(following, row["count"]) if following is not None else None
        row["to_won"] = percent(won, row["count"])
    return reached


def _decimal(value):
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _pipeline(user, params: Parameters) -> Pipeline | None:
    """The pipeline asked for, else the default one (or the first the user may read)."""
    if params.pipeline is not None:
        return params.pipeline
    readable = Deal.pipelines_for(user, "read")
    return next((p for p in readable if p.is_default), readable[0] if readable else None)


def _funnel_columns(count_label, won_label) -> list[Column]:
    return [
        Column("stage", _("Stage"), "text"),
        Column("count", count_label),
        Column("amount", _("Amount"), "money"),
        Column("to_next", _("To next stage"), "percent"),
        Column("to_won", won_label, "percent"),
        Column("median_days", _("Median time in stage"), "days"),
    ]


def deal_funnel(user, params: Parameters, medians: bool = True) -> Table:
    pipeline = _pipeline(user, params)
    rows = []
    if pipeline is not None:
        stages = list(Entry.objects.of_list(DEAL_STAGE, pipeline))
        counts = counts_for("deal", user, params)
        rows = _funnel(counts, pipeline.pk, stages, medians)
    title = _("Deal funnel: %s") % pipeline.name if pipeline else _("Deal funnel")
    return Table("deal_funnel", title, _funnel_columns(_("Deals"), _("To won")), rows,
                 Chart("funnel", "stage", ("count",)))  # fmt: skip


def lead_funnel(user, params: Parameters) -> Table:
    stages = list(Entry.objects.of_list(LEAD_STAGE))
    counts = counts_for("lead", user, params)
    rows = _funnel(counts, None, stages)
    finals = [s.pk for s in stages if s.semantics != Semantics.PROCESS]
    junk_ids = {s.pk for s in stages if s.semantics == Semantics.FAILURE}
    outcomes = counts.outcomes(None, finals, ("to_stage_id",))
    junk = sum(row["count"] for row in outcomes if row["to_stage_id"] in junk_ids)
    total = rows[0]["count"] if rows else 0
    good = rows[-1]["count"] if rows else 0
    shown = [(_("Leads"), formats.number_format(total, force_grouping=True)),
             (_("Converted to a good lead"), _percent_text(percent(good, total))),
             (_("Junk"), _percent_text(percent(junk, total)))]  # fmt: skip
    return Table("lead_funnel", _("Lead funnel"),
                 _funnel_columns(_("Leads"), _("To good lead")), rows,
                 Chart("funnel", "stage", ("count",)), shown)  # fmt: skip


def _percent_text(value) -> str:
    return "—" if value is None else f"{formats.number_format(value, 1)} %"


def _final_stages(pipeline: Pipeline | None) -> dict[int, Entry]:
    """The success and failure stages of ``pipeline`` (of every pipeline when None)."""
    stages = Entry.objects.filter(list_code=DEAL_STAGE).exclude(semantics=Semantics.PROCESS)
    if pipeline is not None:
        stages = stages.filter(pipeline=pipeline)
    return {stage.pk: stage for stage in stages.select_related("pipeline")}


def _pipeline_id(params: Parameters) -> int | None:
    return params.pipeline.pk if params.pipeline is not None else None


def _buckets(params: Parameters) -> list[date]:
    """The first day of each week (Monday) or month the period touches."""
    day = timezone.localtime(params.start).date()
    last = timezone.localtime(params.end).date() - timedelta(days=1)
    if params.interval == "week":
        day -= timedelta(days=day.weekday())
    else:
        day = day.replace(day=1)
    buckets = []
    while day <= last:
        buckets.append(day)
        day = day + timedelta(days=7) if params.interval == "week" else _next_month(day)
    return buckets


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _local_day(moment) -> date:
    """A truncated moment's day in the reader's time zone."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.date()


def _bucket_label(day: date, interval: str) -> str:
    if interval == "week":
        return _("week of %s") % formats.date_format(day, "SHORT_DATE_FORMAT")
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def won_and_lost(user, params: Parameters) -> Table:
    finals = _final_stages(params.pipeline)
    grouped = counts_for("deal", user, params).outcomes(
        _pipeline_id(params), list(finals), ("bucket", "to_stage_id", "currency")
    )
    by_bucket = defaultdict(list)
    for row in grouped:
        bucket = row["bucket"]
        if hasattr(bucket, "date"):
            bucket = (
                timezone.localtime(bucket).date() if timezone.is_aware(bucket) else bucket.date()
            )
        by_bucket[bucket].append(row)
    rows = []
    for bucket in _buckets(params):
        found = by_bucket.get(bucket, [])
        won = [r for r in found if finals[r["to_stage_id"]].semantics == Semantics.SUCCESS]
        lost = [r for r in found if finals[r["to_stage_id"]].semantics == Semantics.FAILURE]
        rows.append({
            "period": _bucket_label(bucket, params.interval),
            "won": sum(r["count"] for r in won), "won_amount": _amounts(won),
            "lost": sum(r["count"] for r in lost), "lost_amount": _amounts(lost),
        })  # fmt: skip
    columns = [
        Column("period", _("Period"), "text"),
        Column("won", _("Won")),
        Column("won_amount", _("Won amount"), "money"),
        Column("lost", _("Lost")),
        Column("lost_amount", _("Lost amount"), "money"),
    ]
    return Table("won_lost", _("Won and lost deals"), columns, rows,
                 Chart("bar", "period", ("won", "lost")))  # fmt: skip


def failure_reasons(user, params: Parameters) -> Table:
    pipeline = _pipeline(user, params)
    finals = _final_stages(pipeline) if pipeline is not None else {}
    failures = [s for s in finals.values() if s.semantics == Semantics.FAILURE]
    failures.sort(key=lambda s: (s.sort, s.pk))
    failure_ids = {s.pk for s in failures}
    grouped = [] if pipeline is None else [
        row
        for row in counts_for("deal", user, params).outcomes(
            pipeline.pk, list(finals), ("to_stage_id", "currency"))
        if row["to_stage_id"] in failure_ids
    ]  # fmt: skip
    total = sum(row["count"] for row in grouped)
    rows = []
    for stage in failures:
        found = [row for row in grouped if row["to_stage_id"] == stage.pk]
        count = sum(row["count"] for row in found)
        rows.append({"stage": stage.name, "count": count, "share": percent(count, total),
                     "amount": _amounts(found)})  # fmt: skip
    columns = [
        Column("stage", _("Failure stage"), "text"),
        Column("count", _("Lost deals")),
        Column("share", _("Share"), "percent"),
        Column("amount", _("Amount"), "money"),
    ]
    title = _("Failure reasons: %s") % pipeline.name if pipeline else _("Failure reasons")
    return Table("failures", title, columns, rows, Chart("pie", "stage", ("count",)))


def sources(user, params: Parameters) -> Table:
    leads = defaultdict(lambda: {"count": 0, "converted": 0})
    for row in counts_for("lead", user, params).created(None):
        leads[row["source"]]["count"] += row["count"]
        leads[row["source"]]["converted"] += row["won"]
    deal_rows = defaultdict(list)
    for row in counts_for("deal", user, params).created(_pipeline_id(params)):
        deal_rows[row["source"]].append(row)
    names = dict(Entry.objects.filter(list_code="SOURCE").values_list("pk", "name"))
    order = list(Entry.objects.of_list("SOURCE").values_list("pk", flat=True))
    rows = []
    for source in [*order, None]:
        lead, found = leads.get(source), deal_rows.get(source, [])
        if lead is None and not found:
            continue
        lead_count = lead["count"] if lead else 0
        converted = lead["converted"] if lead else 0
        deal_count = sum(r["count"] for r in found)
        won = sum(r["won"] for r in found)
        rows.append({
            "source": names.get(source, _("No source")), "leads": lead_count,
            "converted": converted, "lead_conversion": percent(converted, lead_count),
            "deals": deal_count, "won": won, "won_amount": _amounts(found, "won_amount"),
        })  # fmt: skip
    columns = [
        Column("source", _("Source"), "text"),
        Column("leads", _("Leads")),
        Column("converted", _("Converted")),
        Column("lead_conversion", _("Lead conversion"), "percent"),
        Column("deals", _("Deals")),
        Column("won", _("Won")),
        Column("won_amount", _("Won amount"), "money"),
    ]
    return Table("sources", _("Sources"), columns, rows,
                 Chart("bar", "source", ("leads", "deals", "won")))  # fmt: skip


def managers(user, params: Parameters) -> Table:
    deals = params.deals(user)
    if params.pipeline is not None:
        deals = deals.filter(pipeline=params.pipeline)
    open_by = dict(
        deals.filter(closed=False).values("responsible").annotate(n=Count("id"))
        .values_list("responsible", "n")
    )  # fmt: skip
    finals = _final_stages(params.pipeline)
    outcomes = counts_for("deal", user, params).outcomes(
        _pipeline_id(params), list(finals), ("responsible", "to_stage_id", "currency")
    )
    closed_by = defaultdict(list)
    for row in outcomes:
        closed_by[row["responsible"]].append(row)
    people = {
        person.pk: person
        for person in Deal._meta.get_field("responsible").related_model.objects.filter(
            pk__in=set(open_by) | set(closed_by)
        )
    }
    rows = []
    for pk, person in people.items():
        found = closed_by.get(pk, [])
        won = [r for r in found if finals[r["to_stage_id"]].semantics == Semantics.SUCCESS]
        won_count = sum(r["count"] for r in won)
        lost_count = sum(r["count"] for r in found) - won_count
        cycle = sum(r["age"] or 0 for r in won) / won_count if won_count else None
        rows.append({
            "person": person_label(person),
            "open": open_by.get(pk, 0), "won": won_count, "lost": lost_count,
            "won_amount": _amounts(won), "conversion": percent(won_count, won_count + lost_count),
            "cycle_days": days(cycle),
        })  # fmt: skip
    rows.sort(key=lambda row: (-row["won"], row["person"]))
    columns = [
        Column("person", _("Responsible"), "text"),
        Column("open", pgettext("deals still in progress", "Open")),
        Column("won", _("Won")),
        Column("lost", _("Lost")),
        Column("won_amount", _("Won amount"), "money"),
        Column("conversion", _("Conversion"), "percent"),
        Column("cycle_days", _("Average cycle"), "days"),
    ]
    return Table("managers", _("Managers"), columns, rows,
                 Chart("bar", "person", ("open", "won", "lost")))  # fmt: skip


REPORTS = {
    report.key: report
    for report in (
        Report("deal_funnel", gettext_lazy("Deal funnel"), deal_funnel, Deal, pipeline=True,
               description=gettext_lazy("How many deals reached each stage, and how fast.")),
        Report("won_lost", gettext_lazy("Won and lost"), won_and_lost, Deal, interval=True,
               description=gettext_lazy("Deals won and lost per week or month.")),
        Report("failures", gettext_lazy("Failure reasons"), failure_reasons, Deal,
               pipeline=True,
               description=gettext_lazy("Lost deals per failure stage.")),
        Report("sources", gettext_lazy("Sources"), sources, Deal,
               description=gettext_lazy("Leads and deals per source, converted and won.")),
        Report("managers", gettext_lazy("Managers"), managers, Deal,
               description=gettext_lazy("Open, won and lost deals per responsible.")),
        Report("lead_funnel", gettext_lazy("Lead funnel"), lead_funnel, Lead,
               description=gettext_lazy("Leads per stage, good leads and junk.")),
    )
}  # fmt: skip


class UnknownReport(LookupError):
    pass


def report_of(key: str) -> Report:
    """The report registered under ``key`` (UnknownReport otherwise)."""
    try:
        return REPORTS[key]
    except KeyError:
        raise UnknownReport(key) from None


def reports_for(user) -> list[Report]:
    """The reports ``user`` may read: those over items they may read some of."""
    return [report for report in REPORTS.values() if may(user, "read", report.model)]


def read_report(user, key: str, data) -> tuple[Report, ParametersForm, Table | None]:
    """The one read path of the pages, the API and the downloads: report ``key`` (an
    UnknownReport otherwise; PermissionDenied when the user may read none of its items) for
    the parameters in ``data`` (a query's), with its form; the table is None when the form
    is invalid (its errors say why)."""
    report = report_of(key)
    if not may(user, "read", report.model):
        raise PermissionDenied(_("You may not read the items of this report."))
    form = ParametersForm(data, user=user)
    if not form.is_valid():
        return report, form, None
    with report_memory():
        return report, form, report.build(user, form.parameters())
