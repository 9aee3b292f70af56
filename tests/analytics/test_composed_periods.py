"""Periods that are no calendar period of the rollups (custom dates, readers in other time
zones) read from the rollup rows of their whole months with the moves at their ends
(``analytics.composed``): every report equals the one read from the moves alone, for any such
period, reader and zone. The history of ``conftest.py`` gets items moving in the hours around
the months' first midnights, a deal moved across pipelines and one reopened after its month."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accessrights.models import Action, Role, RolePermission, Scope
from accessrights.rights import rights_changed
from analytics.composed import ComposedCounts, cover
from analytics.parameters import ParametersForm
from analytics.reading import counts_for
from analytics.reports import REPORTS, read_report
from deals import period_rollups, services
from deals.models import Deal, Lead, StageMove
from dictionaries import services as dictionary_services
from dictionaries.defaults import DEAL_STAGE
from dictionaries.models import Entry, Pipeline, Semantics
from tests.conftest import examples
from tests.factories import UserFactory

from .conftest import source, stage, write_moves

pytestmark = pytest.mark.django_db

ZONES = ["UTC", "Europe/Moscow", "Europe/Paris", "Asia/Kolkata", "America/Los_Angeles",
         "Pacific/Kiritimati"]  # fmt: skip


def when(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def edges(history):
    """Items moving close to the months' edges, written like the history (around the
    services, rollups rebuilt)."""
    other = dictionary_services.pipeline_create(user=history.admin, name="Partners")
    theirs = list(Entry.objects.of_list(DEAL_STAGE, other))
    their_new = theirs[0]
    their_won = next(s for s in theirs if s.semantics == Semantics.SUCCESS)
    plans = {
        "D7": (history.sam, "LOSE", "40", "USD", "CALL", [
            (when(2, 28, 22), "NEW", "40", "USD"), (when(3, 1, 1), "PREPARATION", "40", "USD"),
            (when(3, 31, 23), "LOSE", "40", "USD")]),
        "D8": (history.mia, "WON", "60", "EUR", "WEB", [
            (when(3, 31, 22), "NEW", "60", "EUR"), (when(4, 1, 3), "WON", "60", "EUR")]),
        "D9": (history.mia, "EXECUTING", "80", "USD", None, [
            (when(1, 31, 23, 30), "NEW", "80", "USD"),
            (when(2, 1, 0, 30), "PREPARATION", "80", "USD"),
            (when(3, 1, 0, 15), "EXECUTING", "80", "USD"),
            (when(4, 30, 23, 45), "WON", "90", "USD"),
            (when(5, 1, 0, 10), "EXECUTING", "90", "USD")]),
        "D10": (history.sam, their_won, "25", "USD", "WEB", [
            (when(2, 27, 10), "NEW", "25", "USD"), (when(3, 2, 10), "PREPARATION", "25", "USD"),
            (when(3, 31, 22, 30), their_new, "25", "USD"),
            (when(4, 2, 9), their_won, "25", "USD")]),
    }  # fmt: skip
    for name, (who, final, amount, currency, code, steps) in plans.items():
        final_stage = final if isinstance(final, Entry) else stage(final)
        item = services.deal_create(
            user=history.admin, title=name, responsible=who, stage=final_stage,
            source=source(code), amount=Decimal(amount), currency=currency,
        )  # fmt: skip
        Deal.objects.filter(pk=item.pk).update(created_at=steps[0][0], opened=False)
        StageMove.objects.filter(deal=item).delete()
        write_moves(item, steps)
        history.deals[name] = item
    lead = services.lead_create(user=history.admin, title="L5", responsible=history.mia,
                                source=source("CALL"))  # fmt: skip
    Lead.objects.filter(pk=lead.pk).update(
        created_at=when(2, 28, 23), stage=stage("JUNK", "STATUS"), closed=True, opened=False
    )
    StageMove.objects.filter(lead=lead).delete()
    write_moves(lead, [(when(2, 28, 23), "NEW", None, ""), (when(3, 1, 1), "IN_PROCESS", None, ""),
                       (when(4, 1, 1), "JUNK", None, "")])  # fmt: skip
    period_rollups.rebuild(Deal)
    period_rollups.rebuild(Lead)
    return history


def tables(user, data) -> dict:
    found = {}
    for key in REPORTS:
        for interval in ("month", "week") if key == "won_lost" else ("month",):
            _report, form, table = read_report(user, key, {**data, "interval": interval})
            assert table is not None, form.errors
            found[key, interval] = table.rows
    return found


def from_moves(user, data) -> dict:
    with override_settings(ANALYTICS_ROLLUPS=False):
        return tables(user, data)


def custom(first: date, last: date) -> dict:
    return {"period": "custom", "date_from": first.isoformat(), "date_to": last.isoformat()}


def params_of(user, data):
    form = ParametersForm(data, user=user)
    assert form.is_valid(), form.errors
    return form.parameters()


@pytest.mark.parametrize(
    ("zone", "data"),
    [
        ("UTC", custom(date(2026, 2, 15), date(2026, 4, 10))),  # days, March, days
        ("UTC", custom(date(2026, 1, 1), date(2026, 4, 30))),  # Q1 and April
        ("UTC", custom(date(2026, 2, 1), date(2026, 4, 30))),  # three months, no quarter
        ("UTC", custom(date(2026, 2, 1), date(2026, 5, 31))),  # D9 won in April, back in May
        ("Europe/Moscow", {"period": "month"}),  # its March starts 3 hours before UTC's
        ("America/Los_Angeles", custom(date(2026, 3, 1), date(2026, 3, 31))),
        ("Pacific/Kiritimati", custom(date(2026, 2, 28), date(2026, 4, 1))),  # UTC+14
    ],
)
def test_composed_periods_count_what_the_moves_count(edges, zone, data):
    with timezone.override(zone):
        if data.get("period") == "month":  # March of the reader's zone
            data = custom(date(2026, 3, 1), date(2026, 3, 31))
        params = params_of(edges.admin, data)
        assert isinstance(counts_for("deal", edges.admin, params), ComposedCounts)
        for reader in (edges.admin, edges.mia):
            assert tables(reader, data) == from_moves(reader, data), reader


def test_the_hours_beyond_a_readers_month_are_left_out(edges):
    """Moscow's March is [Feb 28 21:00, Mar 31 21:00) UTC. D7, created at 22:00 UTC on Feb 28,
    is created in it, and lost (23:00 UTC on Mar 31) after it; D8, created at 22:00 UTC on Mar
    31, is created after it: read from UTC's March with the hours at both ends, D7's loss and
    D8's creation are taken off and D7's creation added."""
    march = custom(date(2026, 3, 1), date(2026, 3, 31))
    with timezone.override("Europe/Moscow"):
        composed = counts_for("deal", edges.admin, params_of(edges.admin, march))
        assert composed.beyond and composed.dirty is not None
        lost = {row["stage"]: row["count"] for row in
                read_report(edges.admin, "failures", march)[2].rows}  # fmt: skip
        created = {row["source"]: row["deals"] for row in
                   read_report(edges.admin, "sources", march)[2].rows}  # fmt: skip
    assert lost["Deal lost"] == 1  # D2 (D7 is lost on April 1 in Moscow)
    assert created == {"Call": 3, "Website": 1, "No source": 1}  # D1 D2 D7, D4, D6
    with timezone.override("UTC"):  # the same month in UTC: D7 lost in it, D8 created
        lost = {row["stage"]: row["count"] for row in
                read_report(edges.admin, "failures", march)[2].rows}  # fmt: skip
        created = {row["source"]: row["deals"] for row in
                   read_report(edges.admin, "sources", march)[2].rows}  # fmt: skip
    assert lost["Deal lost"] == 2
    assert created == {"Call": 2, "Website": 2, "No source": 1}


def test_a_reader_of_deals_and_no_leads_counts_no_lead(edges):
    """A role that reads every deal and no lead reads the sources report of a composed
    period as from the moves: deals counted, no lead."""
    role = Role.objects.create(name="Deals only")
    for pipeline in Pipeline.objects.all():
        RolePermission.objects.create(role=role, entity=pipeline.access_entity,
                                      action=Action.READ, scope=Scope.ALL)  # fmt: skip
    reader = UserFactory()
    role.users.add(reader)
    rights_changed()
    data = custom(date(2026, 2, 15), date(2026, 4, 10))
    found = read_report(reader, "sources", data)[2].rows
    assert found and {row["leads"] for row in found} == {0}
    assert sum(row["deals"] for row in found) > 0
    with override_settings(ANALYTICS_ROLLUPS=False):
        assert read_report(reader, "sources", data)[2].rows == found


def test_a_month_is_read_whole_when_the_period_leaves_out_at_most_two_days_of_it(edges):
    """March 2 to April 20 reads March whole (1 day beyond the period) and April 1-20 from
    the moves (10 days beyond); to April 28, April too (2 days); March 25 to April 5 reads
    only moves. A month's days after today hold no move: they are never beyond."""
    periods = {
        (date(2026, 3, 2), date(2026, 4, 20)): [date(2026, 3, 1)],
        (date(2026, 3, 2), date(2026, 4, 28)): [date(2026, 3, 1), date(2026, 4, 1)],
        (date(2026, 3, 25), date(2026, 4, 5)): None,
    }
    for (first, last), months in periods.items():
        found = cover(params_of(edges.admin, custom(first, last)))
        assert (found and [day for _kind, day in found.blocks]) == (months or None), first
        data = custom(first, last)
        assert tables(edges.admin, data) == from_moves(edges.admin, data)
    few = params_of(edges.admin, custom(date(2026, 3, 25), date(2026, 4, 5)))
    assert not isinstance(counts_for("deal", edges.admin, few), ComposedCounts)
    today = timezone.localdate()
    this_month = cover(params_of(edges.admin, custom(today.replace(day=1), today)))
    assert [day for _kind, day in this_month.blocks] == [today.replace(day=1)]


@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    start=st.integers(min_value=0, max_value=120),
    length=st.integers(min_value=0, max_value=150),
    zone=st.sampled_from(ZONES),
    mia=st.booleans(),
)
def test_any_period_zone_and_reader_counts_what_the_moves_count(edges, start, length, zone,
                                                                 mia):  # fmt: skip
    first = date(2025, 12, 20) + timedelta(days=start)
    data = custom(first, first + timedelta(days=length))
    reader = edges.mia if mia else edges.admin
    with timezone.override(zone):
        assert tables(reader, data) == from_moves(reader, data)
