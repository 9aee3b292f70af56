"""The start page is the user's day: their open deals by stage and their newest items, only
what they may read and are responsible for, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies import services as clients
from deals import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_manager_sees_their_open_deals_by_stage_and_their_newest_items(client, admin, manager):
    mine = clients.company_create(user=admin, name="Mine Ltd", responsible=manager)
    clients.company_create(user=admin, name="Someone Else's Ltd", responsible=admin)
    services.deal_create(user=admin, title="Trucks", amount="1000.50", currency="EUR",
                         responsible=manager)  # fmt: skip
    services.deal_create(user=admin, title="Vans", amount="99", currency="USD",
                         responsible=manager)  # fmt: skip
    services.deal_create(user=admin, title="Not mine", amount="5000", currency="EUR")
    client.force_login(manager)
    page = client.get("/").content.decode()
    assert "Your open deals" in page
    assert "1,000.50 EUR" in page and "99.00 USD" in page and "5,000" not in page
    assert f"responsible={manager.pk}" in page
    assert "Your newest items" in page and mine.get_absolute_url() in page
    assert "Someone Else" not in page and "Not mine" not in page


def test_closed_deals_are_not_counted(client, admin):
    deal = services.deal_create(user=admin, title="Done", amount="10", currency="EUR")
    services.move_deal_to_stage(user=admin, deal=deal, stage=services.deal_stage_by_code("WON"))
    client.force_login(admin)
    page = client.get("/").content.decode()
    assert "Your open deals" not in page


def test_a_newcomer_sees_where_to_start(client):
    newcomer = UserFactory()
    client.force_login(newcomer)
    page = client.get("/").content.decode()
    assert "Nothing planned or open for you yet." in page


def test_the_start_page_costs_the_same_queries_for_many_items(client, admin):
    client.force_login(admin)
    client.get("/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    services.deal_create(user=admin, title="One", amount="1", currency="EUR")
    few = queries()
    for number in range(10):
        services.deal_create(user=admin, title=f"Deal {number}", amount="1", currency="USD")
        clients.company_create(user=admin, name=f"Company {number}")
    assert queries() == few
