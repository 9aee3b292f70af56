"""Filters and search modes use only what their reader may read (security issue, item 4):
an id or a tax identifier of a hidden client gives the same answer as one that does not
exist, so the filters cannot be used to probe for hidden clients."""

import pytest

from accessrights.models import Action, Scope
from companies import services as client_services
from deals import services as deal_services
from requisites import services as requisite_services
from requisites.models import Preset
from tests.conftest import token_client
from tests.factories import UserFactory
from tests.helpers import give_role
from tests.requisites.helpers import INN_10

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    """Reads every deal and every contact, but only their own companies."""
    user = UserFactory()
    every, own = {Action.READ: Scope.ALL}, {Action.READ: Scope.OWN}
    give_role(user, {"deal": every, "contact": every, "company": own})
    return user


@pytest.fixture
def hidden(admin):
    return client_services.company_create(user=admin, name="Hidden Co", opened=False)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_deals_filtered_by_a_hidden_company_or_contact_are_like_an_unknown_id(
    reader, admin, hidden
):
    """Bad input: ?company=<id of a hidden company>, to learn which deals it has."""
    mine = client_services.company_create(user=admin, name="Mine", responsible=reader)
    secret_person = client_services.contact_create(user=admin, last_name="Secret")
    deal_services.deal_create(user=admin, title="Theirs", company=hidden)
    ours = deal_services.deal_create(user=admin, title="Ours", company=mine)
    api = token_client(reader)
    unknown = hidden.pk + 1000
    assert ids(api.get(f"/api/v1/deals/?company={hidden.pk}")) == []
    assert ids(api.get(f"/api/v1/deals/?company={unknown}")) == []
    assert ids(api.get(f"/api/v1/deals/?company={mine.pk}")) == [ours.pk]
    # contacts: readable here, so filtering by one works
    deal_services.deal_update(user=admin, deal=ours, contacts=[secret_person])
    assert ids(api.get(f"/api/v1/deals/?contact={secret_person.pk}")) == [ours.pk]


def test_deal_pages_filtered_by_a_hidden_company_show_nothing(reader, admin, hidden, client):
    deal_services.deal_create(user=admin, title="Theirs deal", company=hidden)
    client.force_login(reader)
    for url in ("/deals/list/", "/deals/"):
        page = client.get(f"{url}?company={hidden.pk}").content.decode()
        assert "Theirs deal" not in page
        assert "Theirs deal" in client.get(url).content.decode()


def test_contacts_filtered_by_a_hidden_company_are_like_an_unknown_id(reader, admin, hidden):
    """Bad input: ?company=<id of a hidden company> on contacts, to list its people."""
    client_services.contact_create(user=admin, last_name="Employee", companies=[hidden])
    api = token_client(reader)
    assert ids(api.get(f"/api/v1/contacts/?company={hidden.pk}")) == []
    assert len(ids(api.get("/api/v1/contacts/"))) == 1


def test_the_search_mode_does_not_tell_a_hidden_tax_id(reader, admin, hidden):
    """Bad input: a search for a hidden company's tax identifier. Before, the tax-id mode was
    chosen from every requisite, so "no results" told that a hidden company had it; now the
    text is searched as a phone number among the reader's companies, like any other digits."""
    preset = Preset.objects.get(country="RU", name__contains="Организация")
    requisite_services.requisite_create(
        user=admin, owner=hidden, preset=preset, values={"full_name": "Hidden", "inn": INN_10}
    )
    mine = client_services.company_create(
        user=admin, name="Phone match", responsible=reader, phones=[{"value": f"+7{INN_10}",
                                                                     "kind": "work"}]
    )  # fmt: skip
    api = token_client(reader)
    assert ids(api.get(f"/api/v1/companies/?q={INN_10}")) == [mine.pk]
    assert ids(token_client(admin).get(f"/api/v1/companies/?q={INN_10}")) == [hidden.pk]
