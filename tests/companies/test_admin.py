"""Django admin of companies, contacts and history: reads through restrict(), writes through
services (so history is recorded), refusals as form errors that change nothing."""

from dataclasses import replace

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies import services
from companies.models import Company, Contact
from crm import entities
from crm.items import EditConflict
from tests.conftest import sales_user
from tests.helpers import tables_snapshot
from timeline.models import Event, EventKind

from .helpers import entry, phone

pytestmark = pytest.mark.django_db

COMPANIES = "/admin/companies/company/"
CONTACTS = "/admin/companies/contact/"
EVENTS = "/admin/timeline/event/"


def form_data(item, fields, **changes) -> dict:
    """What the admin change form posts for ``item`` as it is, with ``changes`` applied."""
    data = {}
    for name in fields:
        field = item._meta.get_field(name)
        value = getattr(item, field.attname)
        if field.many_to_many:
            data[name] = [str(pk) for pk in value.values_list("pk", flat=True)]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def company_form(company, **changes) -> dict:
    return form_data(company, services.COMPANY.fields, **changes)


def contact_form(contact, **changes) -> dict:
    return form_data(contact, [*services.CONTACT.fields, "companies"], **changes)


@pytest.fixture
def acme(admin):
    return services.company_create(
        user=admin,
        name="Acme",
        type=entry("COMPANY_TYPE", "CUSTOMER"),
        industry=entry("INDUSTRY", "IT"),
        phones=[phone("(202) 555-0143"), phone("+7 912 345-67-89", "mobile")],
    )


@pytest.fixture
def smith(admin, acme):
    return services.contact_create(
        user=admin, first_name="Anna", last_name="Smith", companies=[acme]
    )


def events(item, kind) -> list[Event]:
    return list(Event.objects.of_item(item).filter(kind=kind))


def test_changelists_and_change_pages_load(admin_client, acme, smith):
    for url in (
        COMPANIES,
        f"{COMPANIES}?q=acm",
        f"{COMPANIES}?type__id__exact={acme.type_id}&o=0",
        f"{COMPANIES}add/",
        f"{COMPANIES}{acme.pk}/change/",
        CONTACTS,
        f"{CONTACTS}?q=smi",
        f"{CONTACTS}?o=-0",
        f"{CONTACTS}add/",
        f"{CONTACTS}{smith.pk}/change/",
        EVENTS,
        f"{EVENTS}?q={acme.pk}",
        f"{EVENTS}?q=abc",
        f"{EVENTS}{Event.objects.of_item(acme).last().pk}/change/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    page = admin_client.get(f"{COMPANIES}{acme.pk}/change/").content.decode()
    assert "(202) 555-0143" in page and "Anna Smith" in page
    assert "Acme" in admin_client.get(f"{COMPANIES}?q=acm").content.decode()
    assert "Smith" in admin_client.get(f"{CONTACTS}?q=smi").content.decode()


def test_changelist_queries_do_not_grow_with_rows(admin_client, admin):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(COMPANIES).status_code == 200
        return len(captured)

    services.company_create(user=admin, name="One", type=entry("COMPANY_TYPE", "CUSTOMER"))
    few = queries()
    for n in range(5):
        services.company_create(
            user=sales_user(), name=f"More {n}", industry=entry("INDUSTRY", "IT")
        )
    assert queries() == few


def list_query(client, url) -> tuple[str, int]:
    """The SQL that fetched a changelist page's rows, and how many COUNT queries ran."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in captured if 'FROM "companies_company"' in q["sql"]]
    rows = next(q for q in sql if "ORDER BY" in q and "COUNT(" not in q)
    return rows, sum("COUNT(" in q for q in sql)


def test_no_bulk_delete_one_count_and_only_indexed_sorting(admin_client, acme):
    html = admin_client.get(COMPANIES).content.decode()
    assert "delete_selected" not in html
    assert "?o=1" not in html  # "type" (column 1) is not offered for sorting...
    rows, counts = list_query(admin_client, f"{COMPANIES}?o=1")
    assert counts == 1  # the filtered count only, never the full one as well
    order_by = rows.split("ORDER BY")[1]
    assert "dictionaries_entry" not in order_by  # ...nor sorted by when asked for by hand
    rows, _ = list_query(admin_client, f"{COMPANIES}?o=0")
    assert '"name"' in rows.split("ORDER BY")[1]


def test_adding_a_company_goes_through_the_service(admin_client, admin):
    response = admin_client.post(
        f"{COMPANIES}add/",
        {"name": " Globex ", "type": entry("COMPANY_TYPE", "PARTNER").pk, "responsible": admin.pk},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    globex = Company.objects.get(name="Globex")
    assert (globex.created_by, globex.responsible, globex.version) == (admin, admin, 1)
    assert len(events(globex, EventKind.CREATED)) == 1


def test_an_edit_records_the_changed_field(admin_client, admin, acme):
    response = admin_client.post(
        f"{COMPANIES}{acme.pk}/change/", company_form(acme, name="Acme Corporation")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    acme.refresh_from_db()
    assert (acme.name, acme.version, acme.modified_by) == ("Acme Corporation", 2, admin)
    [event] = events(acme, EventKind.UPDATED)
    assert event.author == admin
    assert [(c["field"], c["old"], c["new"]) for c in event.changes] == [
        ("name", "Acme", "Acme Corporation")
    ]
    assert acme.communications.count() == 2  # phones are shown, not replaced


def test_an_unchanged_form_writes_nothing(admin_client, acme):
    before = tables_snapshot()
    response = admin_client.post(f"{COMPANIES}{acme.pk}/change/", company_form(acme))
    assert response.status_code == 302
    assert tables_snapshot() == before


def test_a_too_long_name_is_a_form_error(admin_client, acme):
    before = tables_snapshot()
    response = admin_client.post(
        f"{COMPANIES}{acme.pk}/change/", company_form(acme, name="x" * 10_000)
    )
    assert response.status_code == 200
    assert "at most 255 characters" in response.content.decode()
    assert tables_snapshot() == before

    response = admin_client.post(f"{COMPANIES}add/", company_form(acme, name="y" * 10_000))
    assert response.status_code == 200
    assert tables_snapshot() == before


def test_a_contact_without_a_name_is_a_form_error(admin_client, smith):
    before = tables_snapshot()
    response = admin_client.post(
        f"{CONTACTS}{smith.pk}/change/", contact_form(smith, first_name="", last_name=" ")
    )
    assert response.status_code == 200
    assert "Give the contact a first or a last name." in response.content.decode()
    assert tables_snapshot() == before


def test_deleting_in_admin_records_the_deletion(admin_client, admin, acme, smith):
    response = admin_client.post(f"{COMPANIES}{acme.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Company.objects.filter(pk=acme.pk).exists()
    [deleted] = events(acme, EventKind.DELETED)
    assert deleted.author == admin
    assert [e.related_label for e in events(smith, EventKind.UNLINKED)] == ["Acme"]

    response = admin_client.post(f"{CONTACTS}{smith.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=smith.pk).exists()
    assert len(events(smith, EventKind.DELETED)) == 1


def test_contact_links_are_made_by_the_services(admin_client, admin, acme, smith):
    globex = services.company_create(user=admin, name="Globex")
    response = admin_client.post(
        f"{CONTACTS}{smith.pk}/change/",
        contact_form(smith, position="CTO", companies=[str(globex.pk)]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(smith.companies.all()) == [globex]
    assert {e.related_id for e in events(smith, EventKind.LINKED)} == {acme.pk, globex.pk}
    assert [e.related_id for e in events(smith, EventKind.UNLINKED)] == [acme.pk]
    assert len(events(globex, EventKind.LINKED)) == 1
    [update] = events(smith, EventKind.UPDATED)
    assert [c["field"] for c in update.changes] == ["position"]


def test_adding_a_contact_links_it(admin_client, admin, acme):
    response = admin_client.post(
        f"{CONTACTS}add/",
        {"last_name": "Jones", "responsible": admin.pk, "opened": "on", "companies": [acme.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    jones = Contact.objects.get(last_name="Jones")
    assert list(jones.companies.all()) == [acme]
    assert len(events(jones, EventKind.CREATED)) == 1
    assert len(events(acme, EventKind.LINKED)) == 1


@pytest.fixture
def staff_client(client, user):
    user.is_staff = True
    user.save()
    codenames = ["view_company", "change_company", "view_contact", "view_event"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def test_staff_see_only_what_restrict_allows(own_read_only, staff_client, user, admin, acme):
    mine = services.company_create(user=admin, name="Mine", responsible=user)
    page = staff_client.get(COMPANIES).content.decode()
    assert "Mine" in page and "Acme" not in page
    assert staff_client.get(f"{COMPANIES}{mine.pk}/change/").status_code == 200
    assert staff_client.get(f"{COMPANIES}{acme.pk}/change/").status_code == 302  # not found

    before = tables_snapshot()
    response = staff_client.post(f"{COMPANIES}{mine.pk}/change/", company_form(mine, name="X"))
    assert response.status_code == 403  # readable, not changeable: the service refuses
    assert tables_snapshot() == before

    events_page = staff_client.get(EVENTS).content.decode()
    assert f"#{mine.pk}<" in events_page and f"#{acme.pk}<" not in events_page


def test_history_is_read_only(admin_client, acme):
    event = Event.objects.of_item(acme).get()
    before = tables_snapshot()
    assert admin_client.get(f"{EVENTS}add/").status_code == 403
    assert admin_client.post(f"{EVENTS}{event.pk}/change/", {"kind": "deleted"}).status_code == 403
    assert admin_client.post(f"{EVENTS}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert tables_snapshot() == before


def test_a_refusal_from_the_service_rolls_back_and_shows(admin_client, acme, monkeypatch):
    real_update = services.company_update

    def update_then_refuse(**kwargs):
        real_update(**kwargs)
        raise EditConflict(kwargs["company"], {})

    registered = entities.entity_type("company")
    patched = replace(registered.services, update=update_then_refuse)
    monkeypatch.setitem(entities._types, "company", replace(registered, services=patched))
    before = tables_snapshot()
    url = f"{COMPANIES}{acme.pk}/change/"
    response = admin_client.post(url, company_form(acme, name="Acme 2"), follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Someone else changed this item" in response.content.decode()
    assert tables_snapshot() == before
