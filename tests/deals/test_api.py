"""The REST API of deals and leads: same rules as the services, as HTTP answers."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accessrights.models import Action, Role, RolePermission, Scope
from accessrights.rights import rights_changed
from companies import services as client_services
from companies.models import Communication, Company, Contact
from deals import services
from deals.models import Deal, Lead
from dictionaries.models import Entry, Pipeline
from dictionaries.services import pipeline_create
from tests.conftest import full_access_role
from tests.helpers import refused
from timeline.models import Event

pytestmark = pytest.mark.django_db

DEALS = "/api/v1/deals/"
LEADS = "/api/v1/leads/"


def stage(code: str) -> Entry:
    return Entry.objects.get(list_code="DEAL_STAGE", code=code)


def entry(list_code: str, code: str) -> Entry:
    return Entry.objects.get(list_code=list_code, code=code)


def deal(user, **fields) -> Deal:
    fields.setdefault("title", "Deal")
    return services.deal_create(user=user, **fields)


def lead(user, **fields) -> Lead:
    fields.setdefault("title", "Lead")
    return services.lead_create(user=user, **fields)


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def default_pipeline() -> Pipeline:
    return Pipeline.objects.get(is_default=True)


@pytest.fixture
def second(admin, user):
    """A second pipeline; ``user``'s role reaches it like the default one (copied rights)."""
    return pipeline_create(user=admin, name="Wholesale")


@pytest.fixture
def unreachable(second):
    """The second pipeline, taken out of the reach of ``user``'s role (the default one stays)."""
    RolePermission.objects.filter(role=full_access_role(), entity=second.access_entity).delete()
    rights_changed()
    return second


def history(api, url: str) -> list[dict]:
    response = api.get(url + "timeline/")
    assert response.status_code == 200, response.content
    return response.json()["results"]


# Deals: CRUD


def test_deal_crud_round_trip(admin_api, admin, user):
    acme = client_services.company_create(user=admin, name="Acme")
    smith = client_services.contact_create(user=admin, last_name="Smith")
    data = {
        "title": "Big sale",
        "stage": "PREPARATION",
        "type": "SALE",
        "source": "CALL",
        "amount": "1500.50",
        "currency": "EUR",
        "probability": 40,
        "begin_date": "2026-01-05",
        "close_date": "2026-03-31",
        "company": acme.pk,
        "contacts": [smith.pk],
        "responsible": user.pk,
        "comments": "Call back on Monday",
    }
    created = admin_api.post(DEALS, data, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    url = f"{DEALS}{body['id']}/"
    assert {k: body[k] for k in data} == data
    assert body["pipeline"] == default_pipeline().pk
    assert body["closed"] is False and body["lead"] is None and body["opened"] is True
    assert body["version"] == 1
    assert body["created_by"] == body["modified_by"] == admin.pk
    assert admin_api.get(url).json() == body

    patched = admin_api.patch(url, {"title": "Bigger sale", "amount": "2000"}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["title"] == "Bigger sale" and patched.json()["amount"] == "2000.00"
    assert patched.json()["version"] == 2
    assert patched.json()["contacts"] == [smith.pk]  # not given: kept

    put = admin_api.put(url, {"title": "Sale", "type": None, "contacts": []}, format="json")
    assert put.status_code == 200, put.content
    assert put.json()["type"] is None and put.json()["contacts"] == []
    assert put.json()["company"] == acme.pk and put.json()["stage"] == "PREPARATION"

    events = history(admin_api, url)
    assert [e["kind"] for e in events] == ["unlinked", "updated", "updated", "linked", "created"]
    changes = {c["field"]: c for c in events[2]["changes"]}
    assert changes["title"]["old"] == "Big sale" and changes["title"]["new"] == "Bigger sale"
    assert events[0]["related"] == {"type": "contact", "id": smith.pk, "label": "Smith"}
    company_events = history(admin_api, f"/api/v1/companies/{acme.pk}/")
    assert company_events[0]["kind"] == "linked"
    assert company_events[0]["related"]["type"] == "deal"

    assert admin_api.delete(url).status_code == 204
    assert not Deal.objects.exists()
    assert admin_api.get(url).status_code == 404
    assert Event.objects.filter(kind="deleted", item_id=body["id"]).count() == 1
    assert history(admin_api, f"/api/v1/companies/{acme.pk}/")[0]["kind"] == "unlinked"


def test_a_new_deal_starts_in_the_first_stage_of_its_pipeline(admin_api, second):
    plain = admin_api.post(DEALS, {"title": "Plain"}, format="json").json()
    assert plain["pipeline"] == default_pipeline().pk and plain["stage"] == "NEW"
    there = admin_api.post(DEALS, {"title": "There", "pipeline": second.pk}, format="json").json()
    assert there["pipeline"] == second.pk and there["stage"] == f"C{second.pk}:NEW"
    won = admin_api.post(DEALS, {"title": "Won", "stage": f"C{second.pk}:WON"}, format="json")
    assert won.status_code == 201, won.content
    assert won.json()["pipeline"] == second.pk and won.json()["closed"] is True
    # the stage decides the pipeline
    both = admin_api.post(
        DEALS, {"title": "Both", "pipeline": default_pipeline().pk, "stage": f"C{second.pk}:NEW"}
    ).json()
    assert both["pipeline"] == second.pk


def test_a_new_pipeline_without_a_stage_means_its_first_stage(admin_api, admin, second):
    sale = deal(admin, stage=stage("EXECUTING"))
    url = f"{DEALS}{sale.pk}/"
    moved = admin_api.patch(url, {"pipeline": second.pk}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"] == f"C{second.pk}:NEW"
    same = admin_api.patch(url, {"pipeline": second.pk, "title": "Renamed"}, format="json")
    assert same.json()["stage"] == f"C{second.pk}:NEW"  # same pipeline: the stage stays


def test_a_new_deal_is_the_authors_by_default(user_api, user):
    created = user_api.post(DEALS, {"title": "Mine"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["responsible"] == user.pk


# Deals: input checks


@pytest.mark.parametrize(
    ("data", "field", "match"),
    [
        ({"amount": "-1"}, "amount", "0"),
        ({"amount": "lots"}, "amount", "number"),
        ({"amount": "1.234"}, "amount", "2 decimal places"),
        ({"amount": "12345678901234567.00"}, "amount", "15 digits"),
        ({"amount": "NaN"}, "amount", "number"),
        ({"currency": "XYZ"}, "currency", "ISO 4217"),
        ({"currency": "usd"}, "currency", "ISO 4217"),
        ({"probability": 101}, "probability", "100"),
        ({"probability": -1}, "probability", "0"),
        ({"stage": "NOPE"}, "stage", "NOPE"),
        ({"stage": "CONVERTED"}, "stage", "CONVERTED"),
        ({"stage": ""}, "stage", "deal stage"),
        ({"stage": None}, "stage", "null"),
        ({"type": "CUSTOMER"}, "type", "SALE"),
        ({"source": "NOPE"}, "source", "CALL"),
        ({"pipeline": 987_654}, "pipeline", "does not exist"),
        ({"company": 987_654}, "company", "does not exist"),
        ({"contacts": [987_654]}, "contacts", "does not exist"),
        ({"contacts": 5}, "contacts", "list"),
        ({"close_date": "31.03.2026"}, "close_date", "format"),
        ({"title": ""}, "title", "blank"),
        ({"title": None}, "title", "null"),
    ],
    ids=[
        "negative-amount",
        "amount-not-a-number",
        "amount-three-decimals",
        "amount-19-digits",
        "amount-nan",
        "unknown-currency",
        "lower-case-currency",
        "probability-over-100",
        "negative-probability",
        "unknown-stage",
        "lead-stage-code",
        "empty-stage",
        "null-stage",
        "type-of-another-list",
        "unknown-source",
        "unknown-pipeline",
        "unknown-company",
        "unknown-contact",
        "contacts-not-a-list",
        "date-format",
        "empty-title",
        "null-title",
    ],
)
def test_bad_deal_input_gets_a_400_with_a_field_message(admin_api, data, field, match):
    """Bad input: the value named by the test id, on an otherwise valid new deal."""
    refused(admin_api, "post", DEALS, 400, {"title": "X", **data}, field, match)
    assert not Deal.objects.exists()


def test_a_deal_needs_a_title(admin_api):
    """Bad input: no title at all."""
    refused(admin_api, "post", DEALS, 400, {"amount": "10"}, "title", "required")


def test_bad_update_changes_nothing(admin_api, admin):
    """Bad input: a negative amount, an unknown currency and a PUT without the title."""
    sale = deal(admin, amount=Decimal("10"))
    url = f"{DEALS}{sale.pk}/"
    refused(admin_api, "patch", url, 400, {"title": "New", "amount": "-5"}, "amount")
    refused(admin_api, "patch", url, 400, {"currency": "XYZ"}, "currency", "ISO 4217")
    refused(admin_api, "put", url, 400, {"amount": "5"}, "title", "required")


@pytest.fixture
def own_clients_only(user):
    """``user`` works with every deal but reads only their own companies and contacts."""
    user.crm_roles.clear()
    role = Role.objects.create(name="Deals, own clients")
    RolePermission.objects.bulk_create(
        [
            *(
                RolePermission(role=role, entity="deal", action=action, scope=Scope.ALL)
                for action in Action.values
            ),
            *(
                RolePermission(role=role, entity=entity, action=Action.READ, scope=Scope.OWN)
                for entity in ("company", "contact")
            ),
        ]
    )
    role.users.add(user)
    rights_changed()
    return role


def test_an_unreadable_company_or_contact_cannot_be_linked(own_clients_only, user_api, admin):
    """Bad input: the id of a company (or contact) the user may not read."""
    theirs = client_services.company_create(user=admin, name="Theirs")
    hidden = client_services.contact_create(user=admin, last_name="Hidden")
    refused(user_api, "post", DEALS, 400, {"title": "X", "company": theirs.pk}, "company")
    refused(user_api, "post", DEALS, 400, {"title": "X", "contacts": [hidden.pk]}, "contacts")
    sale = deal(admin, responsible=admin)
    url = f"{DEALS}{sale.pk}/"
    refused(user_api, "patch", url, 400, {"company": theirs.pk}, "company", "does not exist")


def test_links_the_reader_cannot_see_are_hidden_and_kept(
    own_clients_only, user_api, user, admin_api, admin
):
    theirs = client_services.company_create(user=admin, name="Theirs")
    hidden = client_services.contact_create(user=admin, last_name="Hidden")
    mine = client_services.contact_create(user=admin, last_name="Mine", responsible=user)
    sale = deal(admin, company=theirs, contacts=[hidden, mine])
    url = f"{DEALS}{sale.pk}/"
    shown = user_api.get(url).json()
    assert shown["company"] is None and shown["contacts"] == [mine.pk]
    assert user_api.get(DEALS).json()["results"][0]["contacts"] == [mine.pk]

    # sending back what was shown unlinks nothing the user cannot see
    put = user_api.put(url, {**shown, "title": "Renamed"}, format="json")
    assert put.status_code == 200, put.content
    sale.refresh_from_db()
    assert sale.title == "Renamed" and sale.company == theirs
    assert set(sale.contacts.all()) == {hidden, mine}
    # a readable contact can still be removed
    assert user_api.patch(url, {"contacts": []}, format="json").status_code == 200
    assert list(sale.contacts.all()) == [hidden]
    assert admin_api.get(url).json()["contacts"] == [hidden.pk]


# Deals: moves


def test_moving_to_won_closes_and_back_to_new_reopens(admin_api, admin):
    sale = deal(admin)
    url = f"{DEALS}{sale.pk}/"
    won = admin_api.post(url + "move/", {"stage": "WON"}, format="json")
    assert won.status_code == 200, won.content
    assert won.json()["stage"] == "WON" and won.json()["closed"] is True
    assert won.json()["version"] == 2
    assert admin_api.get(DEALS, {"closed": "true"}).json()["results"][0]["id"] == sale.pk

    back = admin_api.post(url + "move/", {"stage": "NEW", "version": 2}, format="json")
    assert back.status_code == 200, back.content
    assert back.json()["stage"] == "NEW" and back.json()["closed"] is False

    events = history(admin_api, url)
    assert [e["kind"] for e in events] == ["updated", "updated", "created"]
    assert events[1]["changes"] == [
        {"field": "stage", "label": "stage", "old": "New", "new": "Deal won"}
    ]
    assert events[0]["changes"] == [
        {"field": "stage", "label": "stage", "old": "Deal won", "new": "New"}
    ]


def test_moving_to_a_stage_of_another_pipeline_changes_the_pipeline(admin_api, admin, second):
    sale = deal(admin, stage=stage("EXECUTING"))
    url = f"{DEALS}{sale.pk}/"
    moved = admin_api.post(url + "move/", {"stage": f"C{second.pk}:PREPARATION"}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["pipeline"] == second.pk
    assert moved.json()["stage"] == f"C{second.pk}:PREPARATION"
    changes = {c["field"]: c for c in history(admin_api, url)[0]["changes"]}
    assert changes["pipeline"]["old"] == "General" and changes["pipeline"]["new"] == "Wholesale"
    assert changes["stage"]["old"] == "In progress" and changes["stage"]["new"] == "Create papers"


@pytest.mark.parametrize("code", ["NOPE", "C987654:NEW", "CONVERTED", "", "x" * 200])
def test_moving_to_a_stage_code_of_no_pipeline_is_a_400(admin_api, admin, code):
    """Bad input: a stage code no pipeline has (unknown, a lead stage, empty, too long)."""
    sale = deal(admin)
    refused(admin_api, "post", f"{DEALS}{sale.pk}/move/", 400, {"stage": code}, "stage")


def test_a_move_needs_a_stage(admin_api, admin):
    """Bad input: no stage in the move request, and a version that is not a number."""
    sale = deal(admin)
    url = f"{DEALS}{sale.pk}/move/"
    refused(admin_api, "post", url, 400, {}, "stage", "required")
    refused(admin_api, "post", url, 400, {"stage": "WON", "version": "one"}, "version")


def test_a_stale_move_is_a_409(admin_api, admin):
    """Bad input: a move made on an outdated version."""
    sale = deal(admin)
    url = f"{DEALS}{sale.pk}/"
    assert admin_api.patch(url, {"title": "Renamed"}, format="json").status_code == 200
    body = refused(admin_api, "post", url + "move/", 409, {"stage": "WON", "version": 1})
    assert body["current"]["stage"] == "NEW" and body["current"]["version"] == 2
    assert body["changes"]["title"]["current"] == "Renamed"


def test_moving_a_deleted_deal_is_a_404(admin_api, admin):
    """Bad input: the id of a deal deleted before the move."""
    sale = deal(admin)
    services.deal_delete(user=admin, deal=sale)
    refused(admin_api, "post", f"{DEALS}{sale.pk}/move/", 404, {"stage": "WON"})


def test_a_move_racing_a_delete_is_a_404(admin_api, admin, monkeypatch):
    """Bad input: the deal is deleted by someone else while the move request is working."""
    sale = deal(admin)
    find_stage = services.deal_stage_by_code

    def deleted_meanwhile(code):
        Deal.objects.filter(pk=sale.pk).delete()
        return find_stage(code)

    monkeypatch.setattr(services, "deal_stage_by_code", deleted_meanwhile)
    response = admin_api.post(f"{DEALS}{sale.pk}/move/", {"stage": "WON"}, format="json")
    assert response.status_code == 404, response.content
    assert not Deal.objects.exists()
    assert not Event.objects.filter(kind="updated").exists()


# Deals: rights per pipeline


def test_a_pipeline_out_of_reach_cannot_be_read_or_moved_into(unreachable, user_api, user, admin):
    """Bad input: moves, creates and edits into a pipeline the user's role does not reach."""
    there = deal(admin, title="There", pipeline=unreachable, responsible=user)
    here = deal(admin, title="Here", responsible=user)
    assert titles(user_api.get(DEALS)) == ["Here"]
    assert titles(user_api.get(DEALS, {"pipeline": unreachable.pk})) == []
    assert titles(user_api.get(DEALS, {"q": "There"})) == []
    assert user_api.get(f"{DEALS}{there.pk}/").status_code == 404
    assert user_api.get(f"{DEALS}{there.pk}/timeline/").status_code == 404
    refused(user_api, "post", f"{DEALS}{there.pk}/move/", 404, {"stage": "NEW"})

    url = f"{DEALS}{here.pk}/"
    code = f"C{unreachable.pk}:NEW"
    refused(user_api, "post", url + "move/", 403, {"stage": code})
    refused(user_api, "post", url + "move/", 403, {"stage": f"C{unreachable.pk}:WON"})
    refused(user_api, "patch", url, 403, {"pipeline": unreachable.pk})
    refused(user_api, "patch", url, 403, {"stage": code})
    refused(user_api, "post", DEALS, 403, {"title": "New", "pipeline": unreachable.pk})
    refused(user_api, "post", DEALS, 403, {"title": "New", "stage": code})
    here.refresh_from_db()
    assert here.pipeline == default_pipeline() and here.stage.code == "NEW"
    assert here.version == 1

    # the default pipeline stays in reach
    assert user_api.post(url + "move/", {"stage": "WON"}, format="json").status_code == 200


def test_sharing_a_deal_lets_a_user_read_it(unreachable, admin_api, user_api, user, admin):
    there = deal(admin, title="There", pipeline=unreachable)
    shares = f"{DEALS}{there.pk}/shares/"
    shared = admin_api.post(shares, {"user": user.pk, "actions": ["read"]}, format="json")
    assert shared.status_code == 201, shared.content
    assert shared.json() == {"user": user.pk, "group": None, "actions": ["read"]}
    assert admin_api.get(shares).json() == [shared.json()]
    assert user_api.get(f"{DEALS}{there.pk}/").status_code == 200
    assert titles(user_api.get(DEALS)) == ["There"]
    refused(user_api, "post", f"{DEALS}{there.pk}/move/", 403, {"stage": f"C{unreachable.pk}:WON"})

    assert admin_api.delete(f"{shares}{user.pk}/").status_code == 204
    assert user_api.get(f"{DEALS}{there.pk}/").status_code == 404


# Deals: filters, ordering, pagination


def test_deal_filters(admin_api, admin, user, second):
    deal(admin, title="Alpha deal", amount=Decimal("100"))
    deal(admin, title="Beta deal", stage=stage("WON"), responsible=user)
    gamma = deal(admin, title="Gamma", stage=stage(f"C{second.pk}:EXECUTING"))
    deal(admin, title="Delta", pipeline=second, type=entry("DEAL_TYPE", "GOODS"))

    assert titles(admin_api.get(DEALS, {"stage": "WON"})) == ["Beta deal"]
    assert titles(admin_api.get(DEALS, {"stage": ["NEW", f"C{second.pk}:EXECUTING"]})) == [
        "Gamma",
        "Alpha deal",
    ]
    assert titles(admin_api.get(DEALS, {"pipeline": second.pk})) == ["Delta", "Gamma"]
    assert titles(admin_api.get(DEALS, {"pipeline": default_pipeline().pk})) == [
        "Beta deal",
        "Alpha deal",
    ]
    assert titles(admin_api.get(DEALS, {"closed": "true"})) == ["Beta deal"]
    assert titles(admin_api.get(DEALS, {"closed": "false"})) == ["Delta", "Gamma", "Alpha deal"]
    assert titles(admin_api.get(DEALS, {"q": "deal"})) == ["Beta deal", "Alpha deal"]
    assert titles(admin_api.get(DEALS, {"q": "ga"})) == ["Gamma"]
    assert titles(admin_api.get(DEALS, {"q": str(gamma.pk)})) == ["Gamma"]
    assert titles(admin_api.get(DEALS, {"type": "GOODS"})) == ["Delta"]
    assert titles(admin_api.get(DEALS, {"responsible": user.pk})) == ["Beta deal"]
    assert titles(admin_api.get(DEALS, {"amount_min": "50"})) == ["Alpha deal"]

    refused(admin_api, "get", DEALS, 400, {"stage": "NOPE"}, "stage")
    refused(admin_api, "get", DEALS, 400, {"pipeline": 987_654}, "pipeline")


def test_deal_filters_by_client(admin_api, admin):
    acme = client_services.company_create(user=admin, name="Acme")
    smith = client_services.contact_create(user=admin, last_name="Smith")
    deal(admin, title="With company", company=acme)
    deal(admin, title="With contact", contacts=[smith])
    assert titles(admin_api.get(DEALS, {"company": acme.pk})) == ["With company"]
    assert titles(admin_api.get(DEALS, {"contact": smith.pk})) == ["With contact"]


def test_deal_ordering(admin_api, admin):
    for title, amount in (("Beta", "30"), ("Alpha", "10"), ("Gamma", "20")):
        deal(admin, title=title, amount=Decimal(amount))
    assert titles(admin_api.get(DEALS)) == ["Gamma", "Alpha", "Beta"]  # newest first
    assert titles(admin_api.get(DEALS, {"ordering": "title"})) == ["Alpha", "Beta", "Gamma"]
    assert titles(admin_api.get(DEALS, {"ordering": "-amount"})) == ["Beta", "Gamma", "Alpha"]
    assert titles(admin_api.get(DEALS, {"ordering": "amount"})) == ["Alpha", "Gamma", "Beta"]
    assert titles(admin_api.get(DEALS, {"ordering": "created"})) == ["Beta", "Alpha", "Gamma"]
    refused(admin_api, "get", DEALS, 400, {"ordering": "password"}, "ordering")


@pytest.mark.parametrize("ordering", [None, "title", "-amount", "created"])
def test_cursor_pagination_walks_every_deal_once(admin_api, admin, ordering):
    for number in range(7):  # repeated titles and amounts: ties across pages
        deal(admin, title=f"Deal {number % 3}", amount=Decimal(number % 2))
    params = {"ordering": ordering} if ordering else {}
    expected = [d["id"] for d in admin_api.get(DEALS, params).json()["results"]]
    response = admin_api.get(DEALS, {"page_size": 3, **params})
    seen, pages = [], 0
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["results"]) <= 3
        seen += [d["id"] for d in body["results"]]
        pages += 1
        if not body["next"]:
            break
        assert "cursor=" in body["next"]
        response = admin_api.get(body["next"])
    assert pages == 3
    assert seen == expected
    assert sorted(seen) == sorted(Deal.objects.values_list("pk", flat=True))


def test_deal_list_needs_the_same_number_of_queries_for_3_and_for_12_deals(admin_api, admin):
    def add(count):
        for n in range(count):
            acme = client_services.company_create(user=admin, name=f"Company {n}")
            smith = client_services.contact_create(user=admin, last_name=f"Person {n}")
            deal(
                admin,
                title=f"Deal {n}",
                company=acme,
                contacts=[smith],
                type=entry("DEAL_TYPE", "SALE"),
                source=entry("SOURCE", "CALL"),
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = admin_api.get(DEALS)
        assert response.status_code == 200
        return len(captured.captured_queries), len(response.json()["results"])

    add(3)
    few = queries()
    add(9)
    many = queries()
    assert few[0] == many[0] and (few[1], many[1]) == (3, 12)


# Deals: timeline


def test_deal_timeline_takes_comments(admin_api, admin):
    sale = deal(admin)
    url = f"{DEALS}{sale.pk}/timeline/"
    comment = admin_api.post(url, {"text": "Sent the offer"}, format="json")
    assert comment.status_code == 201, comment.content
    assert comment.json()["kind"] == "comment" and comment.json()["author"] == admin.pk
    assert [e["kind"] for e in history(admin_api, f"{DEALS}{sale.pk}/")] == ["comment", "created"]
    refused(admin_api, "post", url, 400, {"text": ""}, "text")
    assert admin_api.get(f"{DEALS}987654/timeline/").status_code == 404


# Leads


def test_lead_crud_round_trip(admin_api, admin, user):
    data = {
        "stage": "IN_PROCESS",
        "honorific": "HNR_EN_2",
        "first_name": "Ann",
        "last_name": "Lee",
        "middle_name": "May",
        "position": "Buyer",
        "company_name": "Lee Trading",
        "amount": "99.90",
        "currency": "USD",
        "source": "WEB",
        "phones": [{"value": "+1 202 555 0143", "kind": "mobile"}],
        "emails": [{"value": "ann@lee.example"}],
        "websites": [{"value": "https://lee.example/"}],
        "responsible": user.pk,
        "comments": "Asked for a catalogue",
    }
    created = admin_api.post(LEADS, data, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    url = f"{LEADS}{body['id']}/"
    assert body["title"] == "Ann May Lee"  # from the name when none is given
    assert body["stage"] == "IN_PROCESS" and body["honorific"] == "HNR_EN_2"
    assert body["phones"] == [
        {"value": "+1 202 555 0143", "kind": "mobile", "normalized": "+12025550143"}
    ]
    assert body["emails"][0]["kind"] == "work"
    assert body["websites"][0]["normalized"] == "lee.example"
    assert body["company"] is None and body["contact"] is None and body["closed"] is False
    assert body["amount"] == "99.90" and body["responsible"] == user.pk
    assert admin_api.get(url).json() == body

    patched = admin_api.patch(url, {"title": "Catalogue", "stage": "JUNK"}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["title"] == "Catalogue" and patched.json()["closed"] is True
    assert patched.json()["phones"] == body["phones"]

    put = admin_api.put(url, {"title": "Catalogue", "stage": "NEW", "phones": []}, format="json")
    assert put.status_code == 200, put.content
    assert put.json()["closed"] is False and put.json()["phones"] == []
    assert put.json()["emails"] == body["emails"]

    events = history(admin_api, url)
    assert [e["kind"] for e in events] == ["updated", "updated", "created"]
    changes = {c["field"]: c for c in events[1]["changes"]}
    assert changes["stage"]["old"] == "In progress" and changes["stage"]["new"] == "Junk lead"

    assert admin_api.post(url + "timeline/", {"text": "Noted"}, format="json").status_code == 201
    assert history(admin_api, url)[0]["kind"] == "comment"

    assert admin_api.delete(url).status_code == 204
    assert not Lead.objects.exists() and not Communication.objects.exists()
    assert admin_api.get(url).status_code == 404
    assert Event.objects.filter(kind="deleted", item_id=body["id"]).count() == 1


def test_a_new_lead_starts_in_the_first_stage(admin_api):
    created = admin_api.post(LEADS, {"company_name": "Initech"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["stage"] == "NEW" and created.json()["title"] == "Initech"


@pytest.mark.parametrize(
    ("data", "field", "match"),
    [
        ({"title": "X", "amount": "-1"}, "amount", "0"),
        ({"title": "X", "amount": "lots"}, "amount", "number"),
        ({"title": "X", "amount": "1.005"}, "amount", "2 decimal places"),
        ({"title": "X", "currency": "XYZ"}, "currency", "ISO 4217"),
        ({"title": "X", "currency": "usd"}, "currency", "ISO 4217"),
        ({"title": "X", "stage": "WON"}, "stage", "NEW"),
        ({"title": "X", "stage": None}, "stage", "null"),
        ({"title": "X", "stage": ""}, "stage", "stage"),
        ({"title": "X", "honorific": "SIR"}, "honorific", "HNR_EN_1"),
        ({"title": "X", "phones": [{"value": "call me"}]}, "phones", "not a phone number"),
        ({"title": "X", "emails": [{"value": "ann@"}]}, "emails", "not an e-mail"),
        ({"title": "x" * 256}, "title", "255"),
        ({"position": "Buyer"}, "title", "blank"),
    ],
    ids=[
        "negative-amount",
        "amount-not-a-number",
        "amount-three-decimals",
        "unknown-currency",
        "lower-case-currency",
        "deal-stage-code",
        "null-stage",
        "empty-stage",
        "unknown-honorific",
        "phone-words",
        "email-no-domain",
        "long-title",
        "no-title-name-or-company",
    ],
)
def test_bad_lead_input_gets_a_400_with_a_field_message(admin_api, data, field, match):
    """Bad input: the value named by the test id, on an otherwise valid new lead."""
    refused(admin_api, "post", LEADS, 400, data, field, match)
    assert not Lead.objects.exists()


def test_a_lead_reaches_its_success_stage_only_by_conversion(admin_api, admin):
    """Bad input: setting the CONVERTED stage by an update."""
    request = lead(admin)
    refused(admin_api, "patch", f"{LEADS}{request.pk}/", 400, {"stage": "CONVERTED"}, "stage")


def test_lead_filters_and_ordering(admin_api, admin, user):
    lead(admin, title="Catalogue", phones=[{"value": "+1 202 555 0143", "kind": "work"}])
    lead(admin, title="Junk", stage=entry("STATUS", "JUNK"), responsible=user)
    lead(
        admin, title="Visit", first_name="Bob", emails=[{"value": "bob@x.example", "kind": "work"}]
    )
    assert titles(admin_api.get(LEADS)) == ["Visit", "Junk", "Catalogue"]
    assert titles(admin_api.get(LEADS, {"stage": "JUNK"})) == ["Junk"]
    assert titles(admin_api.get(LEADS, {"stage": ["NEW", "JUNK"]})) == [
        "Visit",
        "Junk",
        "Catalogue",
    ]
    assert titles(admin_api.get(LEADS, {"closed": "true"})) == ["Junk"]
    assert titles(admin_api.get(LEADS, {"closed": "false"})) == ["Visit", "Catalogue"]
    assert titles(admin_api.get(LEADS, {"q": "(202) 555-0143"})) == ["Catalogue"]
    assert titles(admin_api.get(LEADS, {"q": "bob@x.example"})) == ["Visit"]
    assert titles(admin_api.get(LEADS, {"q": "bo"})) == ["Visit"]
    assert titles(admin_api.get(LEADS, {"responsible": user.pk})) == ["Junk"]
    assert titles(admin_api.get(LEADS, {"ordering": "title"})) == ["Catalogue", "Junk", "Visit"]
    refused(admin_api, "get", LEADS, 400, {"stage": "WON"}, "stage")

    page = admin_api.get(LEADS, {"page_size": 2}).json()
    rest = admin_api.get(page["next"]).json()
    assert [x["title"] for x in page["results"] + rest["results"]] == ["Visit", "Junk", "Catalogue"]
    assert rest["next"] is None


# Leads: conversion


def _convertible(admin) -> Lead:
    return lead(
        admin,
        title="Web request",
        first_name="Ann",
        last_name="Lee",
        company_name="Lee Trading",
        amount=Decimal("250.00"),
        currency="EUR",
        source=entry("SOURCE", "WEB"),
        phones=[{"value": "+1 202 555 0143", "kind": "work"}],
    )


def test_conversion_into_contact_company_and_deal_links_all_three(admin_api, admin, second):
    request = _convertible(admin)
    url = f"{LEADS}{request.pk}/"
    body = {"contact": True, "company": True, "deal_pipeline": second.pk}
    converted = admin_api.post(url + "convert/", body, format="json")
    assert converted.status_code == 200, converted.content
    result = converted.json()
    assert set(result) == {"lead", "contact", "company", "deal"}
    contact, company, sale = (
        Contact.objects.get(pk=result["contact"]),
        Company.objects.get(pk=result["company"]),
        Deal.objects.get(pk=result["deal"]),
    )
    assert result["lead"]["stage"] == "CONVERTED" and result["lead"]["closed"] is True
    assert result["lead"]["company"] == company.pk and result["lead"]["contact"] == contact.pk
    assert result["lead"] == admin_api.get(url).json()
    assert (contact.first_name, contact.last_name) == ("Ann", "Lee")
    assert company.name == "Lee Trading"
    assert list(contact.companies.all()) == [company]

    shown = admin_api.get(f"{DEALS}{sale.pk}/").json()
    assert shown["lead"] == request.pk and shown["company"] == company.pk
    assert shown["contacts"] == [contact.pk] and shown["pipeline"] == second.pk
    assert shown["stage"] == f"C{second.pk}:NEW"
    assert (shown["amount"], shown["currency"], shown["source"]) == ("250.00", "EUR", "WEB")

    events = history(admin_api, url)
    assert {e["related"]["type"] for e in events if e["kind"] == "linked"} == {
        "contact",
        "company",
        "deal",
    }


def test_converting_twice_is_a_400(admin_api, admin):
    """Bad input: converting a lead that is already converted."""
    request = _convertible(admin)
    url = f"{LEADS}{request.pk}/convert/"
    assert admin_api.post(url, {"contact": True}, format="json").status_code == 200
    refused(admin_api, "post", url, 400, {"contact": True}, "detail", "already converted")
    refused(admin_api, "post", url, 400, {"deal_pipeline": default_pipeline().pk}, "detail")


def test_conversion_links_the_contact_with_the_same_phone(admin_api, admin):
    existing = client_services.contact_create(
        user=admin, last_name="Lee", phones=[{"value": "(202) 555-0143", "kind": "mobile"}]
    )
    request = _convertible(admin)
    body = {"contact": True, "deal_pipeline": default_pipeline().pk}
    converted = admin_api.post(f"{LEADS}{request.pk}/convert/", body, format="json")
    assert converted.status_code == 200, converted.content
    assert converted.json()["contact"] == existing.pk and converted.json()["company"] is None
    assert Contact.objects.count() == 1 and not Company.objects.exists()
    assert Deal.objects.get().contacts.get() == existing


@pytest.mark.parametrize(
    ("data", "field", "match"),
    [
        ({}, "detail", "Choose what to create"),
        ({"contact": False, "company": False, "deal_pipeline": None}, "detail", "Choose"),
        ({"deal_pipeline": 987_654}, "deal_pipeline", "does not exist"),
        ({"contact": "maybe"}, "contact", "boolean"),
    ],
    ids=["nothing-asked", "everything-false", "unknown-pipeline", "not-a-boolean"],
)
def test_bad_conversion_requests_are_refused(admin_api, admin, data, field, match):
    """Bad input: the conversion request named by the test id."""
    request = _convertible(admin)
    refused(admin_api, "post", f"{LEADS}{request.pk}/convert/", 400, data, field, match)


def test_a_lead_without_a_name_cannot_become_a_contact(admin_api, admin):
    """Bad input: converting into a contact a lead that has no first or last name."""
    request = lead(admin, company_name="Initech")
    url = f"{LEADS}{request.pk}/convert/"
    refused(admin_api, "post", url, 400, {"contact": True, "company": True}, "contact", "name")


def test_conversion_into_an_unreachable_pipeline_is_refused(unreachable, user_api, user):
    """Bad input: a deal pipeline the user's role does not reach."""
    request = _convertible(user)
    body = {"company": True, "deal_pipeline": unreachable.pk}
    refused(user_api, "post", f"{LEADS}{request.pk}/convert/", 403, body)


# Access


def test_anonymous_clients_are_refused(admin):
    sale, request = deal(admin), lead(admin)
    api = APIClient()
    for url in (DEALS, LEADS, f"{DEALS}{sale.pk}/", f"{LEADS}{request.pk}/timeline/"):
        assert api.get(url).status_code == 401, url
    refused(api, "post", DEALS, 401, {"title": "X"})
    refused(api, "patch", f"{DEALS}{sale.pk}/", 401, {"title": "X"})
    refused(api, "delete", f"{DEALS}{sale.pk}/", 401)
    refused(api, "post", f"{DEALS}{sale.pk}/move/", 401, {"stage": "WON"})
    refused(api, "post", f"{LEADS}{request.pk}/convert/", 401, {"contact": True})


def test_a_user_without_deal_or_lead_rights_gets_nothing(user_api, admin):
    sale, request = deal(admin), lead(admin)
    RolePermission.objects.filter(role=full_access_role(), entity__in=["deal", "lead"]).delete()
    rights_changed()
    assert user_api.get(DEALS).json()["results"] == []
    assert user_api.get(LEADS).json()["results"] == []
    assert user_api.get(f"{DEALS}{sale.pk}/").status_code == 404
    refused(user_api, "post", DEALS, 403, {"title": "X"})
    refused(user_api, "post", f"{DEALS}{sale.pk}/move/", 404, {"stage": "WON"})
    refused(user_api, "post", f"{LEADS}{request.pk}/convert/", 404, {"contact": True})


def test_openapi_schema_describes_the_api(user_client):
    response = user_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/deals/",
        "/api/v1/deals/{id}/",
        "/api/v1/deals/{id}/move/",
        "/api/v1/deals/{id}/timeline/",
        "/api/v1/deals/{id}/shares/",
        "/api/v1/leads/",
        "/api/v1/leads/{id}/",
        "/api/v1/leads/{id}/convert/",
        "/api/v1/leads/{id}/timeline/",
    ):
        assert path in paths
