"""Each report's figures on the hand-made history of ``conftest.py``, computed on paper; the
reader's rights (a manager's reports are those of their own deals; a hidden deal changes no
figure); time zones and empty periods."""

from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings as django_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accessrights.models import Department, RolePermission
from accessrights.rights import rights_changed
from accessrights.services import item_share, item_unshare
from analytics.reports import read_report
from crm.services import items_bulk_update
from deals import period_rollups, services
from deals.models import Deal, DealUserShare, StageMove
from dictionaries import services as dictionary_services
from tests.conftest import examples

from .conftest import MARCH, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["rollups", "moves"])
def reading(request, settings):
    """Every test reads March (a calendar month) both from the period rollups and from the
    moves themselves (``ANALYTICS_ROLLUPS`` off): the same figures either way."""
    settings.ANALYTICS_ROLLUPS = request.param == "rollups"
    return request.param


def rows(user, key, **data):
    _report, form, table = read_report(user, key, {**MARCH, **data})
    assert table is not None, form.errors
    return table.rows


def pick(table_rows, *keys):
    return [tuple(row[key] for key in keys) for row in table_rows]


def test_deal_funnel(history):
    found = rows(history.admin, "deal_funnel")
    assert pick(found, "stage", "count", "amount", "to_next", "to_won", "median_days") == [
        ("New", 5, {"EUR": D(50), "USD": D(350)}, D("60.0"), D("40.0"), D("2.0")),
        ("Create papers", 3, {"USD": D(350)}, D("66.7"), D("66.7"), D("5.5")),
        ("Invoice", 2, {"USD": D(150)}, D("100.0"), D("100.0"), None),
        ("In progress", 2, {"USD": D(150)}, D("100.0"), D("100.0"), D("15.0")),
        ("Final invoice", 2, {"USD": D(150)}, D("100.0"), D("100.0"), None),
        ("Deal won", 2, {"USD": D(150)}, None, D("100.0"), D("2.0")),
    ]


def test_won_and_lost_per_month_and_week(history):
    assert rows(history.admin, "won_lost") == [{
        "period": "March 2026", "won": 2, "won_amount": {"USD": D(150)},
        "lost": 2, "lost_amount": {"EUR": D(50), "USD": D(200)},
    }]  # fmt: skip
    weekly = rows(history.admin, "won_lost", interval="week")
    assert pick(weekly, "won", "lost") == [(0, 0), (0, 2), (1, 0), (1, 0), (0, 0), (0, 0)]
    assert weekly[3]["won_amount"] == {"USD": D(30)}  # D4's second win, at its new amount


def test_failure_reasons(history):
    assert rows(history.admin, "failures") == [
        {"stage": "Deal lost", "count": 1, "share": D("50.0"), "amount": {"EUR": D(50)}},
        {"stage": "Analyze failure", "count": 1, "share": D("50.0"), "amount": {"USD": D(200)}},
    ]


def test_sources(history):
    assert rows(history.admin, "sources") == [
        {"source": "Call", "leads": 2, "converted": 1, "lead_conversion": D("50.0"),
         "deals": 2, "won": 1, "won_amount": {"USD": D(120)}},
        {"source": "Website", "leads": 0, "converted": 0, "lead_conversion": None,
         "deals": 1, "won": 1, "won_amount": {"USD": D(30)}},
        {"source": "No source", "leads": 1, "converted": 0, "lead_conversion": D("0.0"),
         "deals": 1, "won": 0, "won_amount": {}},
    ]  # fmt: skip


def test_managers(history):
    assert rows(history.admin, "managers") == [
        {"person": "Mia Manager", "open": 1, "won": 1, "lost": 1, "won_amount": {"USD": D(120)},
         "conversion": D("50.0"), "cycle_days": D("8.0")},
        {"person": "Sam Seller", "open": 0, "won": 1, "lost": 1, "won_amount": {"USD": D(30)},
         "conversion": D("50.0"), "cycle_days": D("18.0")},
    ]  # fmt: skip


def test_lead_funnel(history):
    _report, _form, table = read_report(history.admin, "lead_funnel", MARCH)
    assert pick(table.rows, "stage", "count", "to_next", "to_won", "median_days") == [
        ("Unassigned", 3, D("66.7"), D("33.3"), D("1.0")),
        ("In progress", 2, D("50.0"), D("50.0"), D("3.0")),
        ("Processed", 1, D("100.0"), D("100.0"), None),
        ("Good lead", 1, None, D("100.0"), None),
    ]
    assert [value for _label, value in table.summary] == ["3", "33.3 %", "33.3 %"]


def test_a_manager_counts_only_their_own_deals(history):
    mine = rows(history.mia, "deal_funnel")
    assert pick(mine, "count") == [(3,), (1,), (1,), (1,), (1,), (1,)]
    assert mine[0]["amount"] == {"EUR": D(50), "USD": D(120)}
    assert [row["person"] for row in rows(history.mia, "managers")] == ["Mia Manager"]


@pytest.mark.parametrize("key", ["deal_funnel", "won_lost", "failures", "sources", "managers",
                                 "lead_funnel"])  # fmt: skip
def test_a_manager_reads_what_the_admin_reads_of_their_deals(history, key):
    """A manager's report equals the admin's restricted to that manager's items."""
    admin_view = rows(history.admin, key, responsible=history.mia.pk)
    assert rows(history.mia, key) == admin_view


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(owners=st.lists(st.booleans(), min_size=6, max_size=6))
def test_no_report_counts_a_hidden_deal(history, owners):
    """For any split of the deals between Mia and Sam, every report Mia reads equals the
    admin's report over Mia's deals alone: what she may not read changes no figure."""
    split = {history.mia: [], history.sam: []}
    for deal, mine in zip(history.deals.values(), owners, strict=True):
        split[history.mia if mine else history.sam].append(deal.pk)
    for who, ids in split.items():
        if ids:
            items_bulk_update(user=history.admin, spec=services.DEAL, ids=ids, responsible=who)
    for key in ("deal_funnel", "won_lost", "failures", "sources", "managers"):
        assert rows(history.mia, key) == rows(history.admin, key, responsible=history.mia.pk)


@settings(max_examples=examples(20), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(owners=st.lists(st.booleans(), min_size=6, max_size=6),
       shared=st.lists(st.booleans(), min_size=6, max_size=6))  # fmt: skip
def test_the_rollups_count_what_the_moves_count_with_shares(history, owners, shared, reading):
    """For any split of the deals and any of Sam's shared with Mia, every report Mia reads
    from the period rollups (totals of what her role reaches, rows of what is shared) equals
    her report read from the moves of ``restrict()``: the rollups count no hidden deal."""
    if reading == "moves":
        return  # the test reads both ways itself
    for deal, mine, share in zip(history.deals.values(), owners, shared, strict=True):
        who = history.mia if mine else history.sam
        items_bulk_update(user=history.admin, spec=services.DEAL, ids=[deal.pk], responsible=who)
        holds = DealUserShare.objects.filter(content_object=deal, user=history.mia)
        if share and not holds.exists():
            item_share(user=history.admin, item=deal, target=history.mia)
        elif not share and holds.exists():
            item_unshare(user=history.admin, item=deal, target=history.mia)
    for key in ("deal_funnel", "won_lost", "failures", "sources", "managers"):
        from_rollups = rows(history.mia, key)
        with django_settings(ANALYTICS_ROLLUPS=False):
            assert from_rollups == rows(history.mia, key)


def test_a_department_counts_its_members_and_sub_departments(history):
    sales = Department.objects.create(name="Sales", path="/")
    sales.path = f"/{sales.pk}/"
    sales.save()
    east = Department.objects.create(name="East", parent=sales, path=f"/{sales.pk}/x/")
    east.path = f"{sales.path}{east.pk}/"
    east.save()
    east.members.add(history.sam)
    by_department = rows(history.admin, "managers", department=sales.pk)
    assert [row["person"] for row in by_department] == ["Sam Seller"]


def test_periods_are_days_of_the_readers_time_zone(history):
    """A deal won at 22:30 UTC on March 31 is won on April 1 in Moscow."""
    late = StageMove.objects.filter(deal=history.deals["D1"]).latest("moved_at")
    late.moved_at = at(3, 31, 22).replace(minute=30)
    late.save()
    period_rollups.rebuild(Deal)  # the move was rewritten around the services
    assert rows(history.admin, "won_lost")[0]["won"] == 2
    with timezone.override("Europe/Moscow"):
        assert rows(history.admin, "won_lost")[0]["won"] == 1


def test_an_empty_period_has_zeros_not_errors(history):
    empty = {"date_from": "2020-01-01", "date_to": "2020-01-31"}
    assert {row["count"] for row in rows(history.admin, "deal_funnel", **empty)} == {0}
    assert rows(history.admin, "won_lost", **empty)[0]["won"] == 0
    assert rows(history.admin, "managers", **empty)[0]["won"] == 0  # Mia's open deal is shown
    assert rows(history.admin, "sources", **empty) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date_from": "2026-03-31", "date_to": "2026-03-01"}, "ends before it starts"),
        ({"date_from": "yesterday"}, "valid date"),
        ({"date_to": ""}, "both dates"),
        ({"period": "decade"}, "valid choice"),
        ({"date_from": "1990-01-01", "date_to": "2026-01-01"}, "ten years"),
        ({"responsible": "999999"}, "valid choice"),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(history, data, message):
    """Bad input: reversed, unreadable, missing or too long dates, an unknown period or user."""
    _report, form, table = read_report(history.admin, "deal_funnel", {**MARCH, **data})
    assert table is None
    assert message in form.error_text()


def test_a_pipeline_the_reader_may_not_read_is_refused_like_a_missing_one(history, admin):
    """Bad input: a pipeline outside the reader's rights gets the message of an unknown one."""
    hidden = dictionary_services.pipeline_create(user=admin, name="Secret")
    RolePermission.objects.filter(entity=hidden.access_entity).delete()
    rights_changed()
    for pipeline in (hidden.pk, 999999):
        _r, form, table = read_report(history.mia, "deal_funnel", {**MARCH, "pipeline": pipeline})
        assert table is None
        assert "Choose a pipeline you may read." in form.error_text()


def test_users_without_deal_rights_read_no_deal_report(history):
    from django.core.exceptions import PermissionDenied

    nobody = get_user_model().objects.create(username="nobody")
    with pytest.raises(PermissionDenied):
        read_report(nobody, "deal_funnel", MARCH)
