"""Deals are found by their client's name: the Company and Contact filters take a name or a
number (a typed name used to be ignored), and search finds a deal by its title or its
client's name. A client the reader may not read is never found by its name or number."""

import pytest

from companies import services as clients
from deals import services
from tests.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def base(admin):
    nordwind = clients.company_create(user=admin, name="Nordwind Logistik")
    secret = clients.company_create(user=admin, name="Secret Holdings", opened=False)
    greta = clients.contact_create(user=admin, first_name="Greta", last_name="Baum")
    return {
        "pallets": services.deal_create(user=admin, title="Pallets", company=nordwind),
        "trucks": services.deal_create(user=admin, title="Trucks", contacts=[greta]),
        "hidden": services.deal_create(user=admin, title="Hidden", company=secret, opened=True),
        "other": services.deal_create(user=admin, title="Nothing linked"),
        "nordwind": nordwind,
        "secret": secret,
    }


def titles(client, query: str) -> set[str]:
    response = client.get(f"/api/v1/deals/?{query}")
    assert response.status_code == 200, response.content
    return {deal["title"] for deal in response.json()["results"]}


def test_the_company_and_contact_filters_take_a_name_or_a_number(admin_api, base):
    assert titles(admin_api, "company=nordwind") == {"Pallets"}
    assert titles(admin_api, f"company={base['nordwind'].pk}") == {"Pallets"}
    assert titles(admin_api, "contact=Greta Baum") == {"Trucks"}
    assert titles(admin_api, "contact=baum") == {"Trucks"}
    assert titles(admin_api, "company=Nobody") == set()


def test_search_finds_a_deal_by_its_clients_name(admin_api, base):
    assert titles(admin_api, "q=Nordwind") == {"Pallets"}
    assert titles(admin_api, "q=Greta") == {"Trucks"}
    assert titles(admin_api, "q=truck") == {"Trucks"}


def test_a_hidden_client_is_found_neither_by_name_nor_by_number(manager, base):
    # The manager reads the open deal "Hidden" but not its company.
    manager_api = token_client(manager)
    assert "Hidden" in titles(manager_api, "")
    assert titles(manager_api, "q=Secret") == set()
    assert titles(manager_api, "company=Secret") == set()
    assert titles(manager_api, f"company={base['secret'].pk}") == set()


def test_bad_client_filters_are_refused_clearly(admin_api, base):
    # Bad input: a number no id column holds, and a 201-character name.
    for query in ("company=" + "9" * 21, "contact=" + "x" * 201):
        response = admin_api.get(f"/api/v1/deals/?{query}")
        assert response.status_code == 400, query
        assert query.split("=")[0] in response.json()


def test_the_deal_list_page_filters_by_a_typed_company_name(client, admin, base):
    client.force_login(admin)
    page = client.get("/deals/list/?company=Nordwind").content.decode()
    assert "Pallets" in page and "Trucks" not in page
    assert 'placeholder="Name or number"' in page
