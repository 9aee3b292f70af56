"""The columns each user chooses for each list (``crm.list_columns``): kept per user, refused
when they name no column, cells shown under the reader's rights, read in a constant number of
queries whatever the page holds."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accessrights.models import Action, Scope
from companies import services as client_services
from crm.models import ListColumns
from deals import services as deal_services
from dictionaries.custom_fields import custom_field_create, custom_field_delete
from tests.factories import UserFactory
from tests.helpers import give_role

pytestmark = pytest.mark.django_db


def headers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return re.findall(r'<th data-column="([^"]+)"', response.content.decode())


def choose(client, url, codes, **extra):
    """Post the columns chooser as the page does: each field's place and position."""
    data = {f"place-{code}": "shown" for code in codes}
    data.update({f"order-{code}": str(n) for n, code in enumerate(codes, 1)})
    data.update(extra)
    return client.post(url, data)


def test_the_list_shows_its_default_columns_until_a_user_chooses(admin_client, admin):
    assert headers(admin_client.get("/companies/")) == [
        "type", "industry", "phones", "emails", "responsible", "created_at", "modified_at",
    ]  # fmt: skip
    response = choose(admin_client, "/companies/", ["revenue", "created_at", "type"])
    assert response.status_code == 302
    assert headers(admin_client.get("/companies/")) == ["revenue", "created_at", "type"]
    # Another user's list is theirs.
    other = Client()
    other.force_login(UserFactory(is_superuser=True))
    assert headers(other.get("/companies/"))[0] == "type"
    # The positions posted decide the order, not the order of the fields in the form.
    choose(admin_client, "/companies/", ["revenue", "type"], **{"order-type": "0"})
    assert headers(admin_client.get("/companies/")) == ["type", "revenue"]
    admin_client.post("/companies/", {"reset": "1"})
    assert headers(admin_client.get("/companies/"))[0] == "type"
    assert not ListColumns.objects.filter(user=admin).exists()


@pytest.mark.parametrize(
    ("posted", "reason"),
    [
        ({"place-shoe_size": "shown"}, "Unknown columns: shoe_size"),
        ({"place-name": "shown"}, "Unknown columns: name"),  # the first column already
        ({"place-UF_CRM_OF_A_DEAL": "shown"}, "Unknown columns: UF_CRM_OF_A_DEAL"),
    ],
)
def test_a_column_no_list_has_is_refused_and_nothing_kept(admin_client, admin, posted, reason):
    """Bad input: a made-up field, the item's own first column, another type's custom field.
    Only the fields a list has are read from the form, so such a post chooses no column."""
    custom_field_create(user=admin, entity="deal", label="Of a deal", kind="string")
    choose(admin_client, "/companies/", ["revenue"])
    response = admin_client.post("/companies/", {**posted, "place-type": "shown"}, follow=True)
    assert "Columns saved." in response.content.decode()
    assert ListColumns.objects.get(user=admin).columns == ["type"]  # only what it knows


def test_bad_positions_are_not_an_error(admin_client, admin):
    """Bad input: positions that are not numbers, infinite or NaN keep the field's place."""
    data = {
        "place-type": "shown", "order-type": "nan",
        "place-revenue": "shown", "order-revenue": "inf",
        "place-industry": "shown", "order-industry": "first",
    }  # fmt: skip
    assert admin_client.post("/companies/", data).status_code == 302
    assert ListColumns.objects.get(user=admin).columns == ["type", "industry", "revenue"]


def test_the_services_refuse_unknown_and_repeated_codes(admin):
    from companies.filters import CompanyFilterSet
    from crm.list_columns import columns_set
    from tests.helpers import service_refused

    for codes, match in ((["shoe_size"], "Unknown columns"), (["type", "type"], "only once")):
        service_refused(
            lambda codes=codes: columns_set(
                user=admin, entity_key="company", codes=codes, filterset_class=CompanyFilterSet
            ),
            match=match,
        )
    assert not ListColumns.objects.exists()


def test_a_deleted_custom_field_leaves_the_columns(admin_client, admin):
    field = custom_field_create(user=admin, entity="company", label="Tier", kind="string")
    choose(admin_client, "/companies/", [field.code, "type"])
    assert headers(admin_client.get("/companies/")) == [field.code, "type"]
    custom_field_delete(user=admin, field=field)
    assert headers(admin_client.get("/companies/")) == ["type"]


@pytest.fixture
def reader(db):
    """Reads every deal and contact, only their own companies."""
    user = UserFactory()
    every, own = {Action.READ: Scope.ALL}, {Action.READ: Scope.OWN}
    give_role(user, {"deal": every, "contact": every, "company": own})
    return user


def test_linked_items_are_shown_only_as_the_reader_may_read_them(admin, reader, client):
    """A company the reader may not read is not named in a deal's or a contact's row, in a
    system link column or in a custom one."""
    hidden = client_services.company_create(user=admin, name="Hidden Co", opened=False)
    mine = client_services.company_create(user=admin, name="Mine Co", responsible=reader)
    link = custom_field_create(user=admin, entity="deal", label="Partner", kind="company")
    deal_services.deal_create(
        user=admin, title="Deal one", company=hidden, custom={link.code: hidden.pk}
    )
    deal_services.deal_create(
        user=admin, title="Deal two", company=mine, custom={link.code: mine.pk}
    )
    client_services.contact_create(user=admin, first_name="Ann", companies=[hidden, mine])
    client.force_login(reader)
    choose(client, "/deals/", ["company", link.code])
    page = client.get("/deals/").content.decode()
    assert "Deal one" in page and "Deal two" in page
    assert "Mine Co" in page and "Hidden Co" not in page
    contacts = client.get("/contacts/").content.decode()
    assert "Ann" in contacts and "Mine Co" in contacts and "Hidden Co" not in contacts


def test_a_page_is_read_in_the_same_number_of_queries_whatever_it_holds(admin, admin_client):
    link = custom_field_create(user=admin, entity="contact", label="Employer", kind="company")
    choose(admin_client, "/contacts/", ["companies", "type", "phones", "responsible", link.code])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get("/contacts/").status_code == 200
        return len(captured)

    company = client_services.company_create(user=admin, name="Acme")
    client_services.contact_create(
        user=admin, first_name="A", companies=[company], custom={link.code: company.pk}
    )
    few = queries()
    for n in range(10):
        phone = {"value": f"+7 812 555 01 {n:02}"}
        client_services.contact_create(
            user=admin, first_name=f"B{n}", companies=[company], phones=[phone],
            custom={link.code: company.pk},
        )  # fmt: skip
    assert queries() == few


def test_the_api_reads_custom_links_once_per_page_and_hides_unreadable_ones(admin, reader):
    """A reader's API list of deals with a custom link to companies: the same queries for 2
    and for 12 deals, and a company they may not read shown as null."""
    from rest_framework.test import APIClient

    hidden = client_services.company_create(user=admin, name="Hidden Co", opened=False)
    mine = client_services.company_create(user=admin, name="Mine Co", responsible=reader)
    link = custom_field_create(user=admin, entity="deal", label="Partner", kind="company")
    api = APIClient()
    api.force_authenticate(reader)

    def listed() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/api/v1/deals/")
        assert response.status_code == 200, response.content
        return len(captured), {
            d["title"]: d["custom"][link.code] for d in response.json()["results"]
        }

    for n, company in enumerate((hidden, mine)):
        deal_services.deal_create(user=admin, title=f"Deal {n}", custom={link.code: company.pk})
    listed()  # the first request of a session reads the rights and lists once
    few, shown = listed()
    assert shown == {"Deal 0": None, "Deal 1": mine.pk}
    for n in range(10):
        deal_services.deal_create(user=admin, title=f"More {n}", custom={link.code: hidden.pk})
    many, _shown = listed()
    assert many == few
