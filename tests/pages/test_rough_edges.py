"""Rough edges of issue 16 that pages show: each was a bug; each test tries it."""

import pytest
from django.template.loader import render_to_string

from companies import services
from deals import services as deal_services
from tests.factories import UserFactory
from tests.helpers import give_role

pytestmark = pytest.mark.django_db


def test_a_card_shows_edit_and_delete_only_to_who_may(client, admin, manager):
    theirs = services.company_create(user=admin, name="Open Ltd", opened=True)
    own = services.company_create(user=admin, name="Own Ltd", responsible=manager)
    client.force_login(manager)
    page = client.get(theirs.get_absolute_url()).content.decode()
    assert "Open Ltd" in page
    assert f"/companies/{theirs.pk}/edit/" not in page
    assert f"/companies/{theirs.pk}/delete/" not in page
    page = client.get(own.get_absolute_url()).content.decode()
    assert f"/companies/{own.pk}/edit/" in page and f"/companies/{own.pk}/delete/" in page


def test_a_list_offers_only_the_actions_the_user_may_take(client):
    reader = UserFactory()
    give_role(reader, {"company": {"read": "all"}, "deal": {"read": "all"}})
    services.company_create(user=UserFactory(is_superuser=True), name="Seen Ltd")
    client.force_login(reader)
    page = client.get("/companies/").content.decode()
    assert "Seen Ltd" in page
    assert "/companies/add/" not in page
    # Reading is enough to call clients: the bulk bar offers that, and no change or deletion.
    assert 'name="action"' not in page and ">Apply<" not in page
    assert "Create call list" in page
    page = client.get("/deals/list/").content.decode()  # nothing to call on deals
    assert 'name="ids"' not in page and 'name="action"' not in page

    updater = UserFactory()
    give_role(updater, {"company": {"read": "all", "update": "all"}})
    client.force_login(updater)
    page = client.get("/companies/").content.decode()
    assert 'value="responsible"' in page and 'name="ids"' in page
    assert 'value="delete"' not in page and "/companies/add/" not in page


def test_the_filter_panel_opens_for_filters_only(client, admin):
    client.force_login(admin)
    pipeline = deal_services.Pipeline.objects.get(is_default=True)
    # A pipeline tab, a search or an order is not a filter: the panel stays closed.
    for query in (f"?pipeline={pipeline.pk}", "?q=Nord", "?ordering=-id"):
        page = client.get(f"/deals/{query}").content.decode()
        assert "<details open>" not in page, query
    page = client.get(f"/deals/?pipeline={pipeline.pk}&responsible={admin.pk}").content.decode()
    assert "<details open>" in page


def test_a_link_line_says_what_was_linked_and_links_to_it(client, admin):
    company = services.company_create(user=admin, name="Nordwind")
    contact = services.contact_create(user=admin, first_name="Greta", last_name="Baum")
    services.contact_link(user=admin, contact=contact, company=company)
    client.force_login(admin)
    page = client.get(f"{company.get_absolute_url()}?tab=history").content.decode()
    assert f'contact <a href="{contact.get_absolute_url()}">Greta Baum</a>' in page


def test_a_hidden_linked_item_is_neither_named_nor_linked(client, admin, manager):
    company = services.company_create(user=admin, name="Shared", opened=True)
    hidden = services.contact_create(
        user=admin, first_name="Secret", last_name="Person", opened=False
    )
    services.contact_link(user=admin, contact=hidden, company=company)
    client.force_login(manager)
    page = client.get(f"{company.get_absolute_url()}?tab=history").content.decode()
    assert "Secret" not in page and hidden.get_absolute_url() not in page
    assert "an item you may not see" in page


def test_an_empty_card_section_shows_a_dash():
    sections = [("Extras", []), ("About", [("Name", "X")])]
    page = render_to_string("generic/_card_sections.html", {"card_sections": sections})
    assert '<h2>Extras</h2>\n  <p class="muted">—</p>' in page
    assert "<dt>Name</dt><dd>X</dd>" in page


def test_a_refused_form_keeps_the_typed_rows_and_only_two_blank_ones(client, admin):
    # Bad input: a form without the company's name, sent with a phone and the two blank rows.
    client.force_login(admin)
    data = {
        "name": "",
        "responsible": admin.pk,
        "phones-0-value": "+1 415 555 0100", "phones-0-kind": "work",
        "phones-1-value": "", "phones-1-kind": "work",
        "phones-2-value": "", "phones-2-kind": "work",
        "emails-0-value": "", "emails-0-kind": "work",
        "emails-1-value": "", "emails-1-kind": "work",
    }  # fmt: skip
    for _round in range(3):  # sent back again and again, the rows do not multiply
        response = client.post("/companies/add/", data)
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count('name="phones-') // 2 == 3  # the typed phone and two blank rows
        assert page.count('name="emails-') // 2 == 2
        assert 'value="+1 415 555 0100"' in page
