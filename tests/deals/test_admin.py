"""Django admin of deals and leads: reads through restrict(), writes through the services (so
history, stage rules and the closed flag are theirs), refusals as form errors or messages that
change nothing."""

from decimal import Decimal

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accessrights.models import Action, Role, RolePermission, Scope
from accessrights.rights import rights_changed
from companies import services as client_services
from companies.models import Communication
from crm import admin as crm_admin
from crm.items import EditConflict
from deals import services
from deals.models import Deal, Lead
from dictionaries import services as dictionary_services
from dictionaries.models import Entry, Pipeline
from tests.companies.helpers import phone
from tests.companies.test_admin import form_data
from tests.helpers import tables_snapshot
from timeline.models import Event, EventKind

pytestmark = pytest.mark.django_db

DEALS = "/admin/deals/deal/"
LEADS = "/admin/deals/lead/"


def stage(code: str) -> Entry:
    return Entry.objects.get(list_code="DEAL_STAGE", code=code)


def lead_stage(code: str) -> Entry:
    return Entry.objects.get(list_code="STATUS", code=code)


def default_pipeline() -> Pipeline:
    return Pipeline.objects.get(is_default=True)


def events(item, kind) -> list[Event]:
    return list(Event.objects.of_item(item).filter(kind=kind))


def deal_form(deal, **changes) -> dict:
    return form_data(deal, [*services.DEAL.fields, "contacts"], **changes)


def lead_form(lead, **changes) -> dict:
    return form_data(lead, services.LEAD.fields, **changes)


@pytest.fixture
def acme(admin):
    return client_services.company_create(user=admin, name="Acme")


@pytest.fixture
def smith(admin):
    return client_services.contact_create(user=admin, first_name="Anna", last_name="Smith")


@pytest.fixture
def deal(admin, acme, smith):
    return services.deal_create(
        user=admin,
        title="Server upgrade",
        amount=Decimal("1500.50"),
        currency="USD",
        company=acme,
        contacts=[smith],
    )


@pytest.fixture
def lead(admin):
    return services.lead_create(
        user=admin,
        title="Website request",
        first_name="Ivan",
        last_name="Petrov",
        phones=[phone("+7 912 345-67-89", "mobile")],
        emails=[{"value": "ivan@example.com", "kind": "work"}],
    )


@pytest.fixture
def pipeline2(admin):
    return dictionary_services.pipeline_create(user=admin, name="Projects")


# Pages and lists


def test_changelists_and_change_pages_load(admin_client, deal, lead, pipeline2):
    for url in (
        DEALS,
        f"{DEALS}?q=upgr",
        f"{DEALS}?q={deal.pk}",
        f"{DEALS}?q={'9' * 30}",
        f"{DEALS}?pipeline__id__exact={deal.pipeline_id}&closed__exact=0",
        f"{DEALS}?o=-7",
        f"{DEALS}add/",
        f"{DEALS}{deal.pk}/change/",
        f"{DEALS}{deal.pk}/delete/",
        LEADS,
        f"{LEADS}?q=website",
        f"{LEADS}?stage__id__exact={lead.stage_id}&closed__exact=0",
        f"{LEADS}add/",
        f"{LEADS}{lead.pk}/change/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    listed = admin_client.get(DEALS).content.decode()
    assert "Server upgrade" in listed and "1,500.50 USD" in listed and "Acme" in listed
    assert "Server upgrade" in admin_client.get(f"{DEALS}?q={deal.pk}").content.decode()
    assert "Server upgrade" not in admin_client.get(f"{DEALS}?q=zzz").content.decode()
    add_page = admin_client.get(f"{DEALS}add/").content.decode()
    assert "General: New" in add_page and "Projects: Deal won" in add_page
    lead_page = admin_client.get(f"{LEADS}{lead.pk}/change/").content.decode()
    assert "+7 912 345-67-89" in lead_page and "ivan@example.com" in lead_page
    lead_add = admin_client.get(f"{LEADS}add/").content.decode()
    assert "Good lead" in lead_add and "Deal won" not in lead_add  # lead stages only


def test_changelist_queries_do_not_grow_with_rows(admin_client, admin, acme):
    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    services.deal_create(user=admin, title="One", company=acme)
    services.lead_create(user=admin, title="One")
    few = queries(DEALS), queries(LEADS)
    for n in range(5):
        company = client_services.company_create(user=admin, name=f"Company {n}")
        services.deal_create(user=admin, title=f"More {n}", company=company, stage=stage("WON"))
        services.lead_create(user=admin, first_name=f"Lead {n}", stage=lead_stage("JUNK"))
    assert (queries(DEALS), queries(LEADS)) == few


def list_query(client, url, table) -> tuple[str, int]:
    """The SQL that fetched a changelist page's rows, and how many COUNT queries ran."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in captured if f'FROM "{table}"' in q["sql"]]
    rows = next(q for q in sql if "ORDER BY" in q and "COUNT(" not in q)
    return rows, sum("COUNT(" in q for q in sql)


@pytest.mark.parametrize(
    ("url", "table", "created_column"), [(DEALS, "deals_deal", 7), (LEADS, "deals_lead", 6)]
)
def test_no_bulk_delete_one_count_and_only_indexed_sorting(
    admin_client, deal, lead, url, table, created_column
):
    html = admin_client.get(url).content.decode()
    assert "delete_selected" not in html
    assert "?o=0" not in html  # the title (column 0) is not offered for sorting...
    rows, counts = list_query(admin_client, f"{url}?o=0", table)
    assert counts == 1  # the filtered count only, never the full one as well
    assert '"title"' not in rows.split("ORDER BY")[1]  # ...nor sorted by when asked by hand
    assert f"?o={created_column}" in html
    rows, _ = list_query(admin_client, f"{url}?o={created_column}", table)
    assert '"created_at"' in rows.split("ORDER BY")[1]


# Deals: writes through the services


def test_adding_a_deal_goes_through_the_service(admin_client, admin, acme, smith):
    response = admin_client.post(
        f"{DEALS}add/",
        {
            "title": " Licences ",
            "pipeline": default_pipeline().pk,
            "stage": "",
            "amount": "1200.00",
            "currency": "EUR",
            "company": acme.pk,
            "contacts": [smith.pk],
            "responsible": admin.pk,
            "opened": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    deal = Deal.objects.get(title="Licences")
    assert (deal.stage, deal.closed, deal.pipeline) == (stage("NEW"), False, default_pipeline())
    assert (deal.created_by, deal.version, deal.company) == (admin, 1, acme)
    assert list(deal.contacts.all()) == [smith]
    assert len(events(deal, EventKind.CREATED)) == 1
    assert [e.related_id for e in events(acme, EventKind.LINKED)] == [deal.pk]
    assert [e.related_id for e in events(smith, EventKind.LINKED)] == [deal.pk]


def test_an_edit_records_the_changed_field(admin_client, admin, deal, acme):
    response = admin_client.post(f"{DEALS}{deal.pk}/change/", deal_form(deal, amount="2000.00"))
    assert response.status_code == 302, response.content.decode()[:3000]
    deal.refresh_from_db()
    assert (deal.amount, deal.version, deal.modified_by) == (Decimal("2000.00"), 2, admin)
    [event] = events(deal, EventKind.UPDATED)
    assert event.author == admin
    assert [c["field"] for c in event.changes] == ["amount"]
    assert not events(acme, EventKind.UNLINKED)


def test_a_final_stage_closes_the_deal_and_a_process_stage_reopens_it(admin_client, deal):
    url = f"{DEALS}{deal.pk}/change/"
    assert admin_client.post(url, deal_form(deal, stage=stage("WON").pk)).status_code == 302
    deal.refresh_from_db()
    assert (deal.stage, deal.closed) == (stage("WON"), True)
    assert admin_client.post(url, deal_form(deal, stage=stage("NEW").pk)).status_code == 302
    deal.refresh_from_db()
    assert (deal.stage, deal.closed, deal.version) == (stage("NEW"), False, 3)


def test_a_new_pipeline_alone_moves_the_deal_to_its_first_stage(admin_client, deal, pipeline2):
    url = f"{DEALS}{deal.pk}/change/"
    response = admin_client.post(url, deal_form(deal, pipeline=pipeline2.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    deal.refresh_from_db()
    assert (deal.pipeline, deal.stage.code) == (pipeline2, f"C{pipeline2.pk}:NEW")
    [event] = events(deal, EventKind.UPDATED)
    assert "pipeline" in {c["field"] for c in event.changes}


def test_a_stage_of_another_pipeline_takes_the_deal_there(admin_client, deal, pipeline2):
    won = stage(f"C{pipeline2.pk}:WON")
    response = admin_client.post(f"{DEALS}{deal.pk}/change/", deal_form(deal, stage=won.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    deal.refresh_from_db()
    assert (deal.pipeline, deal.stage, deal.closed) == (pipeline2, won, True)


def test_a_pipeline_and_a_stage_that_disagree_are_a_form_error(admin_client, admin, pipeline2):
    before = tables_snapshot()
    response = admin_client.post(
        f"{DEALS}add/",
        {
            "title": "Mixed",
            "pipeline": default_pipeline().pk,
            "stage": stage(f"C{pipeline2.pk}:NEW").pk,
            "responsible": admin.pk,
        },
    )
    assert response.status_code == 200
    assert "is a stage of the pipeline “Projects”, not of “General”" in response.content.decode()
    assert tables_snapshot() == before


def test_a_lead_stage_is_not_a_deal_stage_choice(admin_client, admin, deal):
    before = tables_snapshot()
    response = admin_client.post(
        f"{DEALS}{deal.pk}/change/", deal_form(deal, stage=lead_stage("IN_PROCESS").pk)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert tables_snapshot() == before


def test_an_unchanged_form_writes_nothing(admin_client, deal, lead):
    before = tables_snapshot()
    assert admin_client.post(f"{DEALS}{deal.pk}/change/", deal_form(deal)).status_code == 302
    assert admin_client.post(f"{LEADS}{lead.pk}/change/", lead_form(lead)).status_code == 302
    assert tables_snapshot() == before


def test_contacts_are_written_by_deal_update(admin_client, admin, deal, smith):
    jones = client_services.contact_create(user=admin, last_name="Jones")
    response = admin_client.post(
        f"{DEALS}{deal.pk}/change/", deal_form(deal, contacts=[str(jones.pk)])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(deal.contacts.all()) == [jones]
    # newest first: Smith was linked when the deal was created
    assert [e.related_id for e in events(deal, EventKind.LINKED)] == [jones.pk, smith.pk]
    assert [e.related_id for e in events(deal, EventKind.UNLINKED)] == [smith.pk]
    assert [e.related_id for e in events(smith, EventKind.UNLINKED)] == [deal.pk]
    assert [e.related_id for e in events(jones, EventKind.LINKED)] == [deal.pk]
    assert not events(deal, EventKind.UPDATED)  # no field of the deal itself changed


def test_a_new_company_is_linked_and_the_old_one_unlinked(admin_client, admin, deal, acme):
    globex = client_services.company_create(user=admin, name="Globex")
    response = admin_client.post(f"{DEALS}{deal.pk}/change/", deal_form(deal, company=globex.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    deal.refresh_from_db()
    assert deal.company == globex
    assert [e.related_id for e in events(acme, EventKind.UNLINKED)] == [deal.pk]
    assert [e.related_id for e in events(globex, EventKind.LINKED)] == [deal.pk]


def test_deleting_a_deal_goes_through_the_service(admin_client, admin, deal, acme, smith):
    response = admin_client.post(f"{DEALS}{deal.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Deal.objects.filter(pk=deal.pk).exists()
    [deleted] = events(deal, EventKind.DELETED)
    assert deleted.author == admin
    assert [e.related_label for e in events(acme, EventKind.UNLINKED)] == ["Server upgrade"]
    assert [e.related_label for e in events(smith, EventKind.UNLINKED)] == ["Server upgrade"]


def test_bulk_deletes_go_through_items_bulk_delete(admin, deal, lead, monkeypatch):
    """The delete_selected action is off, as for companies; a delete of a queryset (an action
    put back, a subclass) still goes through the services with the item's spec."""
    specs = []
    real = crm_admin.items_bulk_delete

    def spy(**kwargs):
        specs.append(kwargs["spec"])
        return real(**kwargs)

    monkeypatch.setattr(crm_admin, "items_bulk_delete", spy)
    request = RequestFactory().post("/")
    request.user = admin
    for model, item in ((Deal, deal), (Lead, lead)):
        model_admin = django_admin.site._registry[model]
        model_admin.delete_queryset(request, model.objects.filter(pk=item.pk))
        assert not model.objects.filter(pk=item.pk).exists()
        assert len(events(item, EventKind.DELETED)) == 1
    assert specs == [services.DEAL, services.LEAD]


def test_a_refusal_from_the_service_rolls_back_and_shows(admin_client, deal, monkeypatch):
    real_update = services.deal_update

    def update_then_refuse(**kwargs):
        real_update(**kwargs)
        raise EditConflict(kwargs["deal"], {})

    monkeypatch.setattr(services, "deal_update", update_then_refuse)
    before = tables_snapshot()
    url = f"{DEALS}{deal.pk}/change/"
    response = admin_client.post(url, deal_form(deal, title="Renamed"), follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Someone else changed this item" in response.content.decode()
    assert tables_snapshot() == before


# Leads


def test_adding_a_lead_goes_through_the_service(admin_client, admin):
    response = admin_client.post(
        f"{LEADS}add/",
        {"title": "", "first_name": "Olga", "last_name": "Ivanova", "responsible": admin.pk},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    lead = Lead.objects.get(last_name="Ivanova")
    assert (lead.title, lead.stage, lead.closed) == ("Olga Ivanova", lead_stage("NEW"), False)
    assert len(events(lead, EventKind.CREATED)) == 1


def test_a_lead_without_title_or_name_is_a_form_error(admin_client, admin):
    before = tables_snapshot()
    response = admin_client.post(f"{LEADS}add/", {"title": " ", "responsible": admin.pk})
    assert response.status_code == 200
    assert "Give the lead a title, a name or a company name." in response.content.decode()
    assert tables_snapshot() == before


def test_a_lead_edit_keeps_its_phones_and_follows_the_stage(admin_client, admin, lead):
    response = admin_client.post(
        f"{LEADS}{lead.pk}/change/", lead_form(lead, stage=lead_stage("JUNK").pk, position="CTO")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    lead.refresh_from_db()
    assert (lead.stage, lead.closed, lead.position, lead.version) == (
        lead_stage("JUNK"),
        True,
        "CTO",
        2,
    )
    [event] = events(lead, EventKind.UPDATED)
    assert {c["field"] for c in event.changes} == {"stage", "position"}
    assert sorted(lead.communications.values_list("value", flat=True)) == [
        "+7 912 345-67-89",
        "ivan@example.com",
    ]


def test_a_lead_is_converted_only_by_conversion(admin_client, lead):
    before = tables_snapshot()
    response = admin_client.post(
        f"{LEADS}{lead.pk}/change/", lead_form(lead, stage=lead_stage("CONVERTED").pk)
    )
    assert response.status_code == 200
    assert "A lead reaches “Good lead” by being converted." in response.content.decode()
    assert tables_snapshot() == before


def test_deleting_a_lead_goes_through_the_service(admin_client, admin, lead):
    response = admin_client.post(f"{LEADS}{lead.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Lead.objects.filter(pk=lead.pk).exists()
    assert not Communication.objects.filter(lead_id=lead.pk).exists()
    [deleted] = events(lead, EventKind.DELETED)
    assert deleted.author == admin


# Staff who are not superusers


@pytest.fixture
def own_deals(user):
    """``user`` reads, changes and deletes their own deals (default pipeline), only reads their
    own leads, and has no rights on companies or contacts."""
    user.crm_roles.clear()
    role = Role.objects.create(name="Own deals")
    grid = [("deal", action) for action in (Action.READ, Action.UPDATE, Action.DELETE)]
    RolePermission.objects.bulk_create(
        RolePermission(role=role, entity=entity, action=action, scope=Scope.OWN)
        for entity, action in [*grid, ("lead", Action.READ)]
    )
    role.users.add(user)
    rights_changed()
    return role


@pytest.fixture
def staff_client(client, user):
    user.is_staff = True
    user.save()
    codenames = ["view_deal", "change_deal", "delete_deal", "view_lead", "change_lead"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def test_staff_see_only_what_restrict_allows(own_deals, staff_client, user, admin, deal):
    mine = services.deal_create(user=admin, title="Mine", responsible=user)
    my_lead = services.lead_create(user=admin, title="My lead", responsible=user)
    services.lead_create(user=admin, title="Their lead")
    page = staff_client.get(DEALS).content.decode()
    assert "Mine" in page and "Server upgrade" not in page
    assert "Server upgrade" not in staff_client.get(f"{DEALS}?q={deal.pk}").content.decode()
    assert staff_client.get(f"{DEALS}{mine.pk}/change/").status_code == 200
    assert staff_client.get(f"{DEALS}{deal.pk}/change/").status_code == 302  # not found
    page = staff_client.get(LEADS).content.decode()
    assert "My lead" in page and "Their lead" not in page

    before = tables_snapshot()
    response = staff_client.post(f"{DEALS}{deal.pk}/change/", deal_form(deal, title="Taken"))
    assert response.status_code == 302  # "does not exist": nothing was saved
    assert staff_client.post(f"{DEALS}{deal.pk}/delete/", {"post": "yes"}).status_code == 302
    response = staff_client.post(f"{LEADS}{my_lead.pk}/change/", lead_form(my_lead, title="X"))
    assert response.status_code == 403  # readable, not changeable: the service refuses
    assert tables_snapshot() == before


def test_staff_saves_and_deletes_write_history(own_deals, staff_client, user, admin, acme, smith):
    """The deal's company and contact are out of the user's sight: they are not offered, and
    they stay as they are when the user saves."""
    mine = services.deal_create(
        user=admin, title="Mine", responsible=user, company=acme, contacts=[smith]
    )
    url = f"{DEALS}{mine.pk}/change/"
    page = staff_client.get(url).content.decode()
    assert "Acme" not in page and "an item you may not see" in page  # a hidden company
    data = deal_form(mine, title="Mine, renamed", contacts=False)  # hidden contacts: no option
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    mine.refresh_from_db()
    assert (mine.title, mine.modified_by, mine.version, mine.company) == (
        "Mine, renamed",
        user,
        2,
        acme,
    )
    assert list(mine.contacts.all()) == [smith]
    [event] = events(mine, EventKind.UPDATED)
    assert event.author == user
    assert [(c["field"], c["old"], c["new"]) for c in event.changes] == [
        ("title", "Mine", "Mine, renamed")
    ]
    assert not events(mine, EventKind.UNLINKED)

    response = staff_client.post(f"{DEALS}{mine.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Deal.objects.filter(pk=mine.pk).exists()
    [deleted] = events(mine, EventKind.DELETED)
    assert deleted.author == user
    assert [e.author for e in events(acme, EventKind.UNLINKED)] == [user]


def test_staff_without_the_right_on_a_pipeline_are_refused(
    pipeline2, own_deals, staff_client, user, admin
):
    """Rights are per pipeline: ``user``'s role covers the default pipeline only (it was made
    after the second pipeline, which therefore did not get a copy of its rights)."""
    mine = services.deal_create(user=admin, title="Mine", responsible=user)
    before = tables_snapshot()
    response = staff_client.post(
        f"{DEALS}{mine.pk}/change/", deal_form(mine, pipeline=pipeline2.pk)
    )
    assert response.status_code == 403
    assert tables_snapshot() == before
