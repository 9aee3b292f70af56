"""Quotes and invoices as item types of the framework: exports, custom fields, card layouts,
list columns and the rights grid come with the registration."""

import pytest
from django.test import Client

from accessrights.models import Scope
from tests.factories import UserFactory
from tests.helpers import give_role

from ..importexport.helpers import body, csv_rows
from ..importexport.test_export import arranged, export
from .helpers import company, line, quote

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_quotes_are_exported_with_their_totals_stage_and_client(admin_client, admin):
    quote(admin, title="Chairs", company=company(admin, name="Acme"),
          lines=[line(quantity="2", price="10", tax="20")])  # fmt: skip
    columns = ["title", "stage", "net_amount", "tax_amount", "amount", "currency", "company"]
    header, row = csv_rows(body(export(admin_client, "quote", **arranged(columns))))
    assert header == ["Title", "Stage", "Net amount", "Tax", "Total", "Currency", "Company"]
    assert row == ["Chairs", "New", "20.00", "4.00", "24.00", "EUR", "Acme"]


def test_a_manager_exports_only_the_quotes_they_may_read(admin):
    """Bad input: an export of every quote by a user who reads only their own."""
    reader = UserFactory()
    give_role(reader, {"quote": {"read": Scope.OWN, "export": Scope.ALL}})
    quote(admin, title="Not theirs")
    quote(admin, title="Theirs", responsible=reader)
    client = Client()
    client.force_login(reader)
    rows = csv_rows(body(export(client, "quote", **arranged(["title"]))))
    assert rows == [["Title"], ["Theirs"]]


@pytest.mark.parametrize("entity", ["quote", "invoice"])
def test_settings_pages_of_the_item_type(admin_client, entity):
    for url in (f"/settings/fields/{entity}/", f"/settings/cards/{entity}/"):
        assert admin_client.get(url).status_code == 200, url


def test_the_rights_grid_has_a_row_per_document_type(admin_client):
    from accessrights.models import Role

    manager = Role.objects.get(name="Manager")
    page = admin_client.get(f"/settings/rights/roles/{manager.pk}/").text
    assert "Quotes" in page and "Invoices" in page
    assert manager.permissions.filter(entity="quote", action="read", scope="open").exists()
    assert manager.permissions.filter(entity="invoice", action="update", scope="own").exists()
