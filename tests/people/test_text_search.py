"""Search and text filters find non-ASCII text whatever its case, on SQLite as on PostgreSQL
(run this module with DATABASE_URL set to try PostgreSQL)."""

import pytest
from django.db import connection

from companies.models import Company, Contact
from companies.services import company_create, contact_create
from deals.services import deal_create
from tests.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(user):
    company_create(user=user, name="ООО «Северный ветер»")
    company_create(user=user, name="Café Noir")
    company_create(user=user, name="Straße & Co")
    company_create(user=user, name="Acme")
    contact_create(user=user, first_name="Élodie", last_name="Ŀeroy")
    return user


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("северный", ["ООО «Северный ветер»"]),
        ("СЕВЕРНЫЙ", ["ООО «Северный ветер»"]),
        ("CAFÉ", ["Café Noir"]),
        ("café", ["Café Noir"]),
        ("ca", ["Café Noir"]),  # a prefix for one or two letters
        ("acme", ["Acme"]),
        ("%", []),  # LIKE's wild cards are searched as text
        ("_", []),
    ],
)
def test_the_company_search_ignores_case_in_every_script(clients, query, found):
    page = Company.objects.filter(name__icontains=query) if len(query) > 2 else None
    api = token_client(clients)
    answer = api.get("/api/v1/companies/", {"q": query})
    assert answer.status_code == 200
    assert sorted(c["name"] for c in answer.json()["results"]) == found
    if page is not None:
        assert sorted(page.values_list("name", flat=True)) == found


def test_the_list_page_finds_them_too(client, clients):
    client.force_login(clients)
    shown = client.get("/companies/", {"q": "северный"}).content.decode()
    assert "Северный ветер" in shown and "Acme" not in shown
    shown = client.get("/contacts/", {"q": "ÉLODIE"}).content.decode()
    assert "Élodie" in shown


def test_iexact_and_prefixes_ignore_case_in_every_script(clients):
    assert Company.objects.filter(name__iexact="café noir").count() == 1
    assert Company.objects.filter(name__istartswith="ооо «СЕВ").count() == 1
    assert Company.objects.filter(name__iendswith="ВЕТЕР»").count() == 1
    assert Contact.objects.filter(last_name__iexact="ŀEROY").count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="casefold is SQLite's comparison")
def test_on_sqlite_full_case_folding_applies(clients):
    # str.casefold: "ß" is "ss" (PostgreSQL's UPPER() leaves "ß" as it is).
    assert Company.objects.filter(name__icontains="STRASSE").count() == 1


def test_deal_titles_ignore_case(user):
    deal_create(user=user, title="Поставка оборудования")
    api = token_client(user)
    answer = api.get("/api/v1/deals/", {"q": "ПОСТАВКА"})
    assert [d["title"] for d in answer.json()["results"]] == ["Поставка оборудования"]
