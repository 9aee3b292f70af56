"""Pages of deals and leads: kanban, lists, cards, forms, moves and conversion."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accessrights.models import RolePermission
from accessrights.rights import rights_changed
from companies import services as client_services
from companies.models import Company, Contact
from deals import services
from deals.models import Deal, Lead
from dictionaries.models import Entry, Pipeline
from dictionaries.services import pipeline_create
from tests.conftest import sales_user
from tests.helpers import entity_keys, shown_changes
from timeline.models import Event

pytestmark = pytest.mark.django_db

BOARD = "/deals/"


def stage(code: str) -> Entry:
    return Entry.objects.get(list_code__in=("DEAL_STAGE", "STATUS"), code=code)


@pytest.fixture
def deal(user):
    return services.deal_create(user=user, title="Big sale", amount="1500.50", currency="USD")


def move(client, deal, code):
    return client.post(
        reverse("deals:deal_move", args=[deal.pk]), {"stage": code}, HTTP_ACCEPT="application/json"
    )


def test_kanban_shows_columns_in_stage_order_with_counts_and_sums(user_client, user):
    for amount in ("100.00", "250.50"):
        services.deal_create(user=user, title=f"Deal {amount}", amount=amount, currency="EUR")
    services.deal_create(user=user, title="Won one", stage=stage("WON"), amount="7", currency="EUR")
    response = user_client.get(BOARD)
    assert response.status_code == 200
    columns = response.context["columns"]
    assert [c.stage.code for c in columns] == list(
        Entry.objects.of_list("DEAL_STAGE", Pipeline.objects.get(is_default=True)).values_list(
            "code", flat=True
        )
    )
    first = columns[0]
    assert (first.count, first.totals) == (2, {"EUR": pytest.approx(350.5)})
    assert [c.count for c in columns if c.stage.code == "WON"] == [1]
    body = response.content.decode()
    assert "Deal 250.50" in body and 'data-stage="WON"' in body


def test_kanban_first_screen_query_count_does_not_grow_with_deals(user_client, user):
    for index in range(30):
        services.deal_create(user=user, title=f"D{index}", amount="1", currency="USD")
    with CaptureQueriesContext(connection) as few:
        user_client.get(BOARD)
    for index in range(30):
        services.deal_create(user=user, title=f"E{index}", stage=stage("EXECUTING"))
    with CaptureQueriesContext(connection) as many:
        user_client.get(BOARD)
    assert len(many) <= len(few) + 1  # one more column with cards, nothing per card


def test_kanban_filters_apply_to_counts_and_cards(user_client, user):
    services.deal_create(user=user, title="Alpha deal")
    services.deal_create(user=user, title="Beta deal")
    response = user_client.get(BOARD, {"q": "Alpha"})
    first = response.context["columns"][0]
    assert first.count == 1 and [c.title for c in first.cards] == ["Alpha deal"]


def test_column_loads_more_cards_before_the_last_one(user_client, user):
    deals = [services.deal_create(user=user, title=f"D{i}") for i in range(25)]
    board = user_client.get(BOARD).context["columns"][0]
    assert len(board.cards) == 20 and board.has_more
    more = user_client.get(
        reverse("deals:deal_column"), {"stage": "NEW", "before": board.cards[-1].pk}
    )
    assert [c.pk for c in more.context["column"].cards] == [d.pk for d in deals[:5]][::-1]
    assert not more.context["column"].has_more


def test_column_with_a_bad_stage_or_cursor_is_404(user_client):
    """Bad input: an unknown stage code and a cursor that is not a number."""
    column = reverse("deals:deal_column")
    assert user_client.get(column, {"stage": "NOPE", "before": "5"}).status_code == 404
    assert user_client.get(column, {"stage": "NEW", "before": "x"}).status_code == 404


def test_move_to_success_closes_and_answers_what_the_board_shifts(user_client, deal):
    response = move(user_client, deal, "WON")
    assert response.status_code == 200
    answer = response.json()
    # What the board needs to shift one card and its amount between two columns.
    assert answer == {
        "stage": "WON", "closed": True, "version": 2, "amount": "1500.50", "currency": "USD"
    }  # fmt: skip
    deal.refresh_from_db()
    assert deal.stage.code == "WON" and deal.closed
    event = Event.objects.of_item(deal).first()
    assert event.changes[0]["field"] == "stage"
    assert shown_changes(event)["stage"] == ("New", "Deal won")
    assert move(user_client, deal, "NEW").json()["closed"] is False


def test_move_refusals_keep_the_deal_where_it_was(user_client, user, deal):
    """Bad input: a stage code of no pipeline, a move racing a delete, a pipeline the user
    may not see."""
    refused = move(user_client, deal, "NO_SUCH_STAGE")
    assert refused.status_code == 400 and "NO_SUCH_STAGE" in refused.json()["error"]
    admin_pipeline = pipeline_create(user=_admin(), name="Hidden")
    RolePermission.objects.filter(entity=admin_pipeline.access_entity).delete()
    rights_changed()
    hidden = move(user_client, deal, f"C{admin_pipeline.pk}:NEW")
    assert hidden.status_code == 403
    deal.refresh_from_db()
    assert deal.stage.code == "NEW" and deal.pipeline.is_default
    services.deal_delete(user=user, deal=deal)
    assert move(user_client, deal, "WON").status_code == 404


def test_move_without_script_goes_back_with_a_message(user_client, deal):
    response = user_client.post(
        reverse("deals:deal_move", args=[deal.pk]),
        {"stage": "WON", "next": deal.get_absolute_url()},
    )
    assert response.status_code == 302 and response.url == deal.get_absolute_url()
    deal.refresh_from_db()
    assert deal.closed


def test_pipeline_switcher_shows_only_readable_pipelines(client, user, admin):
    second = pipeline_create(user=admin, name="Partners")
    hidden = pipeline_create(user=admin, name="Secret")
    RolePermission.objects.filter(entity=hidden.access_entity).delete()
    rights_changed()
    services.deal_create(user=admin, title="Partner deal", pipeline=second)
    services.deal_create(user=admin, title="Secret deal", pipeline=hidden)
    client.force_login(user)
    page = client.get(BOARD, {"pipeline": second.pk})
    assert [p.name for p in page.context["pipelines"]][-1] == "Partners"
    assert "Secret" not in [p.name for p in page.context["pipelines"]]
    assert "Partner deal" in page.content.decode()
    # Asking for the hidden pipeline falls back to the first readable one.
    fallback = client.get(BOARD, {"pipeline": hidden.pk})
    assert "Secret deal" not in fallback.content.decode()


def test_card_never_names_a_company_the_reader_may_not_see(client, admin):
    secret = client_services.company_create(user=admin, name="Secret Corp", opened=False)
    manager = sales_user()
    manager.crm_roles.clear()
    role = _role_with({"deal": "all", "company": "own"})
    role.users.add(manager)
    rights_changed()
    services.deal_create(user=admin, title="Deal of secret", company=secret)
    client.force_login(manager)
    body = client.get(BOARD).content.decode()
    assert "Deal of secret" in body and "Secret Corp" not in body
    assert "Secret Corp" not in client.get("/deals/list/").content.decode()


def test_deal_list_card_and_dependencies(user_client, user):
    company = client_services.company_create(user=user, name="Acme")
    contact = client_services.contact_create(user=user, last_name="Doe")
    deal = services.deal_create(user=user, title="Acme deal", company=company, contacts=[contact])
    listing = user_client.get("/deals/list/", {"q": "Acme"})
    assert "Acme deal" in listing.content.decode()
    card = user_client.get(deal.get_absolute_url())
    assert card.status_code == 200 and "Acme" in card.content.decode()
    assert (
        "Doe" in user_client.get(deal.get_absolute_url(), {"tab": "dependencies"}).content.decode()
    )
    for client_item in (company, contact):
        deps = user_client.get(client_item.get_absolute_url(), {"tab": "dependencies"})
        assert "Acme deal" in deps.content.decode()


def test_deal_form_creates_with_client_and_rejects_bad_amounts(user_client, user):
    """Bad input: a negative amount, a non-number, too many decimals, a currency not in
    ISO 4217."""
    company = client_services.company_create(user=user, name="Acme")
    form = {
        "title": "Form deal",
        "stage": stage("PREPARATION").pk,
        "amount": "-5",
        "currency": "USD",
        "company": company.pk,
        "responsible": user.pk,
        "opened": "on",
    }
    for amount in ("-5", "abc", "1.234"):
        response = user_client.post("/deals/add/", {**form, "amount": amount})
        assert response.status_code == 200 and response.context["form"].errors.get("amount")
    response = user_client.post("/deals/add/", {**form, "amount": "10", "currency": "XYZ"})
    assert response.context["form"].errors.get("currency")
    assert not Deal.objects.exists()
    response = user_client.post("/deals/add/", {**form, "amount": "10.5"})
    deal = Deal.objects.get()
    assert response.status_code == 302 and response.url == deal.get_absolute_url()
    assert (deal.stage.code, deal.company, deal.amount) == ("PREPARATION", company, 10.5)


def test_client_lookup_finds_only_readable_clients(client, admin):
    client_services.company_create(user=admin, name="Hidden Acme", opened=False)
    client_services.company_create(user=admin, name="Open Acme", opened=True)
    manager = sales_user()
    manager.crm_roles.clear()
    _role_with({"deal": "all", "company": "open"}).users.add(manager)
    rights_changed()
    client.force_login(manager)
    body = client.get(reverse("deals:client_lookup"), {"kind": "company", "q": "Acme"})
    text = body.content.decode()
    assert "Open Acme" in text and "Hidden Acme" not in text


def test_lead_pages_kanban_and_conversion(user_client, user):
    lead = services.lead_create(
        user=user, first_name="Ann", last_name="Lee", company_name="Lee Ltd",
        phones=[{"value": "+1 202 555 0142", "kind": "work"}],
    )  # fmt: skip
    assert "Ann Lee" in user_client.get("/leads/").content.decode()
    board = user_client.get("/leads/kanban/")
    assert board.context["columns"][0].count == 1
    # Dropping a lead on its success stage opens the conversion instead.
    dropped = user_client.post(
        reverse("deals:lead_move", args=[lead.pk]), {"stage": "CONVERTED"},
        HTTP_ACCEPT="application/json",
    )  # fmt: skip
    assert dropped.status_code == 400
    assert dropped.json()["redirect"] == reverse("deals:lead_convert", args=[lead.pk])
    convert = reverse("deals:lead_convert", args=[lead.pk])
    assert user_client.get(convert).status_code == 200
    pipeline = Pipeline.objects.get(is_default=True)
    response = user_client.post(
        convert, {"contact": "on", "company": "on", "deal": "on", "pipeline": pipeline.pk}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    deal = Deal.objects.get(lead=lead)
    assert lead.closed and lead.stage.code == "CONVERTED"
    assert lead.contact.last_name == "Lee" and lead.company.name == "Lee Ltd"
    assert deal.company == lead.company and list(deal.contacts.all()) == [lead.contact]
    deps = user_client.get(lead.get_absolute_url(), {"tab": "dependencies"}).content.decode()
    assert deal.title in deps and "Lee Ltd" in deps
    again = user_client.post(convert, {"contact": "on", "deal": "", "pipeline": pipeline.pk})
    assert "already converted" in again.content.decode()
    assert Contact.objects.count() == 1 and Company.objects.count() == 1


def test_lead_form_creates_a_lead_in_its_first_stage(user_client, user):
    response = user_client.post(
        "/leads/add/",
        {"first_name": "Bob", "last_name": "Ray", "responsible": user.pk, "opened": "on",
         "phones-0-value": "", "phones-0-kind": "work"},
    )  # fmt: skip
    lead = Lead.objects.get()
    assert response.status_code == 302 and lead.title == "Bob Ray" and lead.stage.code == "NEW"


def test_deal_pages_need_the_rights(client, user, deal):
    """Forbidden: a user whose roles reach no deals gets no board, list, card or move."""
    other = sales_user()
    other.crm_roles.clear()
    _role_with({"company": "all"}).users.add(other)
    rights_changed()
    client.force_login(other)
    assert client.get(BOARD).status_code == 403
    assert client.get(deal.get_absolute_url()).status_code == 404
    assert move(client, deal, "WON").status_code == 404
    assert "Big sale" not in client.get("/deals/list/").content.decode()


def _admin():
    from tests.factories import UserFactory

    return UserFactory(is_superuser=True)


def _role_with(scopes: dict):
    from accessrights.models import Action, Role

    role = Role.objects.create(name=f"Role {len(scopes)} {sorted(scopes)}")
    RolePermission.objects.bulk_create(
        RolePermission(role=role, entity=entity, action=action, scope=scope)
        for entity, scope in scopes.items()
        for action in Action.values
    )
    return role


def test_conversion_reusing_a_colleagues_contact_leaves_its_companies_alone(client, admin):
    """Forbidden on the way: the matched contact belongs to a colleague (readable, not
    changeable), so the conversion links it to the lead and deal but not to the company."""
    colleague_contact = client_services.contact_create(
        user=admin, last_name="Shared", phones=[{"value": "+1 202 555 0199", "kind": "work"}]
    )
    manager = sales_user()
    manager.crm_roles.clear()
    _role_with_actions(manager, read="open", other="own")
    lead = services.lead_create(
        user=manager, last_name="Shared", company_name="New Co",
        phones=[{"value": "+1 202 555 0199", "kind": "work"}],
    )  # fmt: skip
    produced = services.lead_convert(
        user=manager,
        lead=lead,
        contact=True,
        company=True,
        deal_pipeline=Pipeline.objects.get(is_default=True),
    )
    assert produced["contact"] == colleague_contact
    assert not colleague_contact.companies.exists()
    assert list(produced["deal"].contacts.all()) == [colleague_contact]


def _role_with_actions(user, *, read: str, other: str):
    from accessrights.models import Action, Role

    role = Role.objects.create(name="Manager-like")
    RolePermission.objects.bulk_create(
        RolePermission(
            role=role, entity=entity, action=action, scope=read if action == "read" else other
        )
        for entity in entity_keys()
        for action in Action.values
    )
    role.users.add(user)
    rights_changed()


def test_history_does_not_name_linked_items_the_reader_may_not_see(client, admin):
    """Forbidden: a company's history line "linked" to a deal its reader may not read."""
    from tests.conftest import token_client

    company = client_services.company_create(user=admin, name="Visible Co")
    services.deal_create(user=admin, title="Confidential deal", company=company)
    reader = sales_user()
    reader.crm_roles.clear()
    _role_with({"company": "all"}).users.add(reader)
    rights_changed()
    client.force_login(reader)
    page = client.get(company.get_absolute_url(), {"tab": "history"}).content.decode()
    assert "Confidential deal" not in page and "an item you may not see" in page
    events = token_client(reader).get(f"/api/v1/companies/{company.pk}/timeline/").json()
    linked = [e for e in events["results"] if e["kind"] == "linked"]
    assert linked and linked[0]["related"] == {"type": "deal", "id": None, "label": ""}
    client.force_login(admin)
    assert (
        "Confidential deal"
        in client.get(company.get_absolute_url(), {"tab": "history"}).content.decode()
    )


def test_deleting_a_stage_in_use_asks_where_its_deals_go(admin_client, admin):
    """Refused until answered: a deal stage that deals use is deleted only with a replacement
    of the same pipeline; the deals move there and close with a failure stage."""
    deal = services.deal_create(user=admin, title="Papers", stage=stage("PREPARATION"))
    url = f"/settings/entries/{stage('PREPARATION').pk}/delete/"
    asked = admin_client.post(url, HTTP_HX_REQUEST="true")
    assert asked.status_code == 422 and "1 items use" in asked.content.decode()
    assert 'name="replacement"' in asked.content.decode()
    admin_client.post(url, {"replacement": stage("LOSE").pk}, HTTP_HX_REQUEST="true")
    deal.refresh_from_db()
    assert deal.stage.code == "LOSE" and deal.closed
    assert not Entry.objects.filter(code="PREPARATION").exists()


def test_a_converted_lead_keeps_its_stage(user_client, user):
    """Refused: dragging a converted lead back to a process stage."""
    lead = services.lead_create(user=user, last_name="Done")
    services.lead_convert(user=user, lead=lead, contact=True)
    refused = user_client.post(
        reverse("deals:lead_move", args=[lead.pk]), {"stage": "NEW"}, HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 400 and "converted" in refused.json()["error"]
    lead.refresh_from_db()
    assert lead.stage.code == "CONVERTED" and lead.closed
