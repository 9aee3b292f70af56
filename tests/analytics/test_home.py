"""The start page's figures: this month's won amount, the open deals of the reader's whole
reach (for those who read more than their own) and the default pipeline's funnel, each under
the reader's rights."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accessrights.models import Department, Role
from accessrights.rights import rights_changed
from accessrights.services import item_share
from analytics.home import default_funnel, open_deals_in_reach
from analytics.reports import read_report
from crm.services import items_bulk_update
from deals import services
from deals.models import Deal
from dictionaries.models import Entry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def won(user, responsible, amount):
    deal = services.deal_create(user=user, title="Won", responsible=responsible,
                                amount=Decimal(amount), currency="USD")  # fmt: skip
    stage = Entry.objects.get(list_code="DEAL_STAGE", code="WON")
    return services.move_deal_to_stage(user=user, deal=deal, stage=stage)


def not_open_to_all(admin) -> None:
    ids = list(Deal.objects.values_list("pk", flat=True))
    items_bulk_update(user=admin, spec=services.DEAL, ids=ids, opened=False)


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_the_start_page_shows_the_readers_figures(client, admin, manager):
    won(admin, manager, "120")
    won(admin, admin, "7")
    services.deal_create(user=admin, title="Open one", responsible=manager)
    not_open_to_all(admin)
    supervisor_page = home(client, admin)
    assert "Won this month" in supervisor_page and "127.00 USD" in supervisor_page
    assert "Open deals you may read" in supervisor_page
    assert "s funnel</a></h2>" in supervisor_page  # this month's, of the default pipeline
    manager_page = home(client, manager)
    assert "120.00 USD" in manager_page and "127.00" not in manager_page
    assert "Open deals you may read" not in manager_page  # their own panel says it all


def test_a_supervisor_sees_the_department_beyond_their_own(client, admin, manager):
    boss = UserFactory()
    Role.objects.get(name="Supervisor").users.add(boss)
    team = Department.objects.create(name="Team")
    team.path = f"/{team.pk}/"
    team.save()
    team.members.add(boss, manager)
    rights_changed()
    services.deal_create(user=admin, title="Theirs", responsible=manager)
    not_open_to_all(admin)
    assert "Open deals you may read" in home(client, boss)


def test_the_open_deals_panel_reads_the_same_from_the_totals(admin, manager, settings):
    """The open deals the reader may read, from the totals of open deals now (with one shared
    beyond the reader's role) and from the deals: the same panel."""
    boss = UserFactory()
    Role.objects.get(name="Manager").users.add(boss)
    rights_changed()
    services.deal_create(user=admin, title="Theirs", responsible=manager, amount=Decimal("4"),
                         currency="USD")  # fmt: skip
    shared = services.deal_create(user=admin, title="Shared", amount=Decimal("6"), currency="EUR")
    services.deal_create(user=admin, title="Hidden", amount=Decimal("8"), currency="USD")
    won(admin, boss, "9")
    services.deal_create(user=admin, title="Boss's", responsible=boss)
    not_open_to_all(admin)
    item_share(user=admin, item=shared, target=boss)
    panels = {}
    for rolled in (True, False):
        settings.ANALYTICS_ROLLUPS = rolled
        panels[rolled] = open_deals_in_reach(boss)
    assert panels[True] == panels[False]
    assert sum(stage["count"] for stage in panels[True]["stages"]) == 2  # his own and the share


def test_the_funnel_panel_is_the_reports_funnel_without_the_medians(admin, manager):
    """The panel shows the stages' counts and conversion to won, not the time in each stage:
    the same figures as the month's deal funnel, without the median's query (most of the
    funnel's time)."""
    services.deal_create(user=admin, title="Open", responsible=manager)
    won(admin, manager, "5")
    _report, _form, report = read_report(manager, "deal_funnel", {"period": "month"})
    with CaptureQueriesContext(connection) as queries:
        panel = default_funnel(manager)
    shown = ("stage", "count", "to_won")
    assert [[row[key] for key in shown] for row in panel["rows"]] == [
        [row[key] for key in shown] for row in report.rows
    ]
    assert any(row["median_days"] is not None for row in report.rows)
    assert not any("MEDIAN" in query["sql"].upper() for query in queries.captured_queries)
