"""The period rollups (``deals.period_rollups``) stay equal to a recomputation from the moves
after every write path, and the reports read them only where they give the moves' figures."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accessrights.services import item_share
from analytics.composed import ComposedCounts
from analytics.counts import MoveCounts, RolledCounts
from analytics.parameters import ParametersForm
from analytics.reading import counts_for
from analytics.reports import REPORTS, read_report
from crm.services import items_bulk_change, items_bulk_create, items_bulk_delete, items_bulk_update
from deals import period_rollups, services
from deals.models import Deal, DealPeriod, Lead, LeadPeriod, PeriodTotal
from dictionaries import services as dictionary_services
from dictionaries.models import Entry, Pipeline

pytestmark = pytest.mark.django_db


def stage(code: str) -> Entry:
    return Entry.objects.get(list_code="DEAL_STAGE", code=code, pipeline__is_default=True)


def snapshot() -> list[tuple]:
    """Every rollup row and every total not down to zero, without ids, in a stable order."""
    found = []
    for rows in (DealPeriod.objects, LeadPeriod.objects, PeriodTotal.objects.filter(count__gt=0)):
        fields = [f.attname for f in rows.model._meta.concrete_fields if f.attname != "id"]
        found += sorted(tuple(str(v) for v in row) for row in rows.values_list(*fields))
    return found


def assert_exact() -> None:
    """The rows and totals the writes left are those a rebuild from the moves writes."""
    written = snapshot()
    period_rollups.rebuild(Deal)
    period_rollups.rebuild(Lead)
    period_rollups.rebuild_totals()
    assert written == snapshot()
    assert written  # something was rolled up: the check compared rows, not two empty tables


def test_one_item_writes_keep_the_rollups_exact(admin, manager):
    projects = dictionary_services.pipeline_create(user=admin, name="Projects")
    deal = services.deal_create(user=admin, title="Boiler", amount=Decimal("10"), currency="USD")
    assert_exact()
    services.deal_update(user=admin, deal=deal, amount=Decimal("15"), currency="EUR")
    services.move_deal_to_stage(user=admin, deal=deal, stage=stage("PREPARATION"))
    assert_exact()
    services.deal_update(user=admin, deal=deal, stage=stage("WON"), responsible=manager)
    services.deal_update(user=admin, deal=deal, stage=stage("EXECUTING"), opened=False)  # reopened
    services.deal_update(user=admin, deal=deal, stage=stage("LOSE"))
    assert_exact()
    deal.refresh_from_db()
    services.deal_update(user=admin, deal=deal, pipeline=projects)
    assert_exact()


def test_bulk_writes_keep_the_rollups_exact(admin, manager):
    result = items_bulk_create(services.DEAL, user=admin, rows=[
        {"title": f"D{n}", "stage": stage("NEW"), "amount": Decimal(n + 1)} for n in range(4)
    ])  # fmt: skip
    ids = result.ids
    assert_exact()
    items_bulk_update(user=admin, spec=services.DEAL, ids=ids[:2], stage=stage("WON"))
    items_bulk_update(user=admin, spec=services.DEAL, ids=ids[1:], responsible=manager)
    assert_exact()
    items_bulk_change(services.DEAL, user=admin, ids=ids[2:3],
                      change=lambda item, _c: {"stage": "LOSE"})  # fmt: skip
    items_bulk_delete(user=admin, spec=services.DEAL, ids=ids[3:])
    assert_exact()


def test_stage_list_changes_keep_the_rollups_exact(admin):
    """A stage deleted (its items moved to another) or the stages put in another order: the
    furthest stage of every item that moved there is ranked again."""
    deal = services.deal_create(user=admin, title="Boiler")
    services.move_deal_to_stage(user=admin, deal=deal, stage=stage("PREPARATION"))
    services.move_deal_to_stage(user=admin, deal=deal, stage=stage("NEW"))
    other = services.deal_create(user=admin, title="Other", stage=stage("EXECUTING"))
    dictionary_services.entry_delete(user=admin, entry=stage("EXECUTING"),
                                     replacement=stage("PREPARATION"))  # fmt: skip
    assert_exact()
    default = Pipeline.objects.get(is_default=True)
    order = list(Entry.objects.of_list("DEAL_STAGE", default).values_list("pk", flat=True))
    order[0], order[1] = order[1], order[0]  # New after Create papers
    before = DealPeriod.objects.get(deal=deal, kind=1).furthest_stage_id
    dictionary_services.entries_reorder(user=admin, list_code="DEAL_STAGE", ids=order,
                                        pipeline=default)  # fmt: skip
    assert DealPeriod.objects.get(deal=deal, kind=1).furthest_stage_id != before
    assert other.pk
    assert_exact()


def test_lead_writes_and_conversion_keep_the_rollups_exact(user):
    lead = services.lead_create(user=user, title="Request", first_name="Ann", amount=Decimal(9))
    working = Entry.objects.get(list_code="STATUS", code="IN_PROCESS")
    services.lead_update(user=user, lead=lead, stage=working)
    services.lead_convert(user=user, lead=lead, contact=True,
                          deal_pipeline=Pipeline.objects.get(is_default=True))  # fmt: skip
    assert_exact()


def _params(user, data):
    form = ParametersForm(data, user=user)
    assert form.is_valid(), form.errors
    return form.parameters()


def test_the_totals_are_read_for_calendar_periods_of_their_zone_only(admin):
    for data in (
        {"period": "month"},
        {"period": "last_month"},
        {"period": "quarter"},
        {"period": "year"},
        {"period": "custom", "date_from": "2026-03-01", "date_to": "2026-03-31"},
    ):
        assert isinstance(counts_for("deal", admin, _params(admin, data)), RolledCounts), data
    part = {"period": "custom", "date_from": "2026-03-01", "date_to": "2026-03-30"}
    assert isinstance(counts_for("deal", admin, _params(admin, part)), ComposedCounts)  # most
    few = {"period": "custom", "date_from": "2026-03-10", "date_to": "2026-03-20"}
    assert isinstance(counts_for("deal", admin, _params(admin, few)), MoveCounts)
    longer = {"period": "custom", "date_from": "2026-02-15", "date_to": "2026-04-30"}
    assert isinstance(counts_for("deal", admin, _params(admin, longer)), ComposedCounts)
    with timezone.override("Asia/Kolkata"):  # its months start at other moments
        month = _params(admin, {"period": "month"})
        assert isinstance(counts_for("deal", admin, month), ComposedCounts)


def test_shared_deals_count_in_the_rollups_as_in_the_moves(admin, manager, settings):
    """A colleague's deal shared with the manager counts in her reports read either way, and
    one not shared does not."""
    colleague = services.deal_create(user=admin, title="Shared", amount=Decimal("5"),
                                     currency="USD")  # fmt: skip
    services.deal_create(user=admin, title="Hidden", amount=Decimal("7"), currency="USD")
    mine = services.deal_create(user=admin, title="Mine", responsible=manager)
    items_bulk_update(user=admin, spec=services.DEAL, ids=[colleague.pk, mine.pk], opened=False)
    items_bulk_update(user=admin, spec=services.DEAL,
                      ids=list(Deal.objects.exclude(pk__in=[colleague.pk, mine.pk])
                               .values_list("pk", flat=True)), opened=False)  # fmt: skip
    item_share(user=admin, item=colleague, target=manager)
    params = _params(manager, {"period": "month"})
    assert isinstance(counts_for("deal", manager, params), RolledCounts)
    figures = {}
    for rolled in (True, False):
        settings.ANALYTICS_ROLLUPS = rolled
        figures[rolled] = {key: read_report(manager, key, {"period": "month"})[2].rows
                           for key in REPORTS}  # fmt: skip
    assert figures[True] == figures[False]
    funnel = figures[True]["deal_funnel"]
    assert funnel[0]["count"] == 2 and funnel[0]["amount"] == {"USD": Decimal("5.00")}
