"""The REST API of companies and contacts: same rules as the services, as HTTP answers."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from companies import services
from companies.models import Communication, Company, Contact
from crm.api import RestrictedModelViewSet
from dictionaries.models import Entry
from tests.conftest import sales_user
from tests.helpers import refused

pytestmark = pytest.mark.django_db

COMPANIES = "/api/v1/companies/"
CONTACTS = "/api/v1/contacts/"


def entry(list_code: str, code: str) -> Entry:
    return Entry.objects.get(list_code=list_code, code=code)


def company(user, **fields) -> Company:
    fields.setdefault("name", "Acme")
    return services.company_create(user=user, **fields)


def contact(user, **fields) -> Contact:
    fields.setdefault("last_name", "Smith")
    return services.contact_create(user=user, **fields)


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


# CRUD


def test_company_crud_round_trip(admin_api, admin, user):
    data = {
        "name": "Acme",
        "type": "CUSTOMER",
        "industry": "IT",
        "employees": "EMPLOYEES_1",
        "source": "CALL",
        "revenue": "1000000.50",
        "currency": "USD",
        "address_city": "Springfield",
        "responsible": user.pk,
        "phones": [{"value": "+1 202 555 0143", "kind": "mobile"}],
        "emails": [{"value": "info@acme.example"}],
        "websites": [{"value": "https://www.acme.example/", "kind": "work"}],
    }
    created = admin_api.post(COMPANIES, data, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    url = f"{COMPANIES}{body['id']}/"
    assert body["type"] == "CUSTOMER" and body["industry"] == "IT"
    assert body["employees"] == "EMPLOYEES_1" and body["source"] == "CALL"
    assert body["revenue"] == "1000000.50" and body["responsible"] == user.pk
    assert body["phones"] == [
        {"value": "+1 202 555 0143", "kind": "mobile", "normalized": "+12025550143"}
    ]
    assert body["emails"] == [
        {"value": "info@acme.example", "kind": "work", "normalized": "info@acme.example"}
    ]
    assert body["websites"][0]["normalized"] == "acme.example"
    assert body["version"] == 1
    assert body["created_by"] == body["modified_by"] == admin.pk
    assert admin_api.get(url).json() == body

    patched = admin_api.patch(url, {"name": "Acme Inc.", "type": "PARTNER"}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["name"] == "Acme Inc." and patched.json()["type"] == "PARTNER"
    assert patched.json()["version"] == 2
    assert patched.json()["phones"] == body["phones"]  # lists not given are kept

    put = admin_api.put(url, {"name": "Acme Ltd", "type": None, "phones": []}, format="json")
    assert put.status_code == 200, put.content
    assert put.json()["type"] is None and put.json()["phones"] == []
    assert put.json()["emails"] == body["emails"]
    assert Company.objects.get().name == "Acme Ltd"

    assert admin_api.delete(url).status_code == 204
    assert not Company.objects.exists() and not Communication.objects.exists()
    assert admin_api.get(url).status_code == 404


def test_a_new_item_is_the_authors_by_default(user_api, user):
    created = user_api.post(COMPANIES, {"name": "Mine"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["responsible"] == user.pk
    assert created.json()["opened"] is True


def test_contact_crud_round_trip(admin_api, admin):
    acme, globex = company(admin, name="Acme"), company(admin, name="Globex")
    data = {
        "honorific": "HNR_EN_1",
        "first_name": "John",
        "last_name": "Smith",
        "type": "CLIENT",
        "source": "WEB",
        "birthday": "1980-02-29",
        "position": "CTO",
        "phones": [{"value": "(202) 555-0143", "kind": "work"}],
        "companies": [acme.pk, globex.pk],
    }
    created = admin_api.post(CONTACTS, data, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["honorific"] == "HNR_EN_1" and body["type"] == "CLIENT"
    assert body["birthday"] == "1980-02-29"
    assert body["phones"][0]["normalized"] == "+12025550143"
    assert sorted(body["companies"]) == sorted([acme.pk, globex.pk])
    url = f"{CONTACTS}{body['id']}/"

    patched = admin_api.patch(url, {"position": "CEO", "companies": []}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["position"] == "CEO"
    assert sorted(patched.json()["companies"]) == sorted(body["companies"])  # read-only here

    assert admin_api.delete(url).status_code == 204
    assert not Contact.objects.exists() and Company.objects.count() == 2


def test_a_contact_needs_a_name(admin_api):
    refused(admin_api, "post", CONTACTS, 400, {"position": "CTO"}, "last_name", "name")


def test_linking_to_an_unknown_company_on_create_is_refused(admin_api):
    refused(
        admin_api,
        "post",
        CONTACTS,
        400,
        {"last_name": "Smith", "companies": [987_654]},
        "companies",
    )


# Filters, ordering, pagination


def test_filters(admin_api, admin, user):
    acme = company(
        admin,
        name="Acme Corporation",
        type=entry("COMPANY_TYPE", "CUSTOMER"),
        phones=[{"value": "+1 202 555 0143", "kind": "work"}],
    )
    company(
        admin,
        name="Globex",
        type=entry("COMPANY_TYPE", "PARTNER"),
        responsible=user,
        emails=[{"value": "sales@globex.example", "kind": "work"}],
    )
    company(admin, name="Initech", phones=[{"value": "+44 20 7946 0958", "kind": "work"}])

    assert names(admin_api.get(COMPANIES, {"type": "CUSTOMER"})) == ["Acme Corporation"]
    assert names(admin_api.get(COMPANIES, {"type": ["CUSTOMER", "PARTNER"]})) == [
        "Globex",
        "Acme Corporation",
    ]
    assert names(admin_api.get(COMPANIES, {"responsible": user.pk})) == ["Globex"]
    assert names(admin_api.get(COMPANIES, {"q": "corpor"})) == ["Acme Corporation"]
    assert names(admin_api.get(COMPANIES, {"q": "(202) 555-0143"})) == ["Acme Corporation"]
    assert names(admin_api.get(COMPANIES, {"q": "555 01"})) == ["Acme Corporation"]
    assert names(admin_api.get(COMPANIES, {"phone": "202-555-0143"})) == ["Acme Corporation"]
    assert names(admin_api.get(COMPANIES, {"q": "SALES@globex.example"})) == ["Globex"]
    assert names(admin_api.get(COMPANIES, {"q": "nothing like it"})) == []
    assert acme.pk in [c["id"] for c in admin_api.get(COMPANIES).json()["results"]]

    refused(admin_api, "get", COMPANIES, 400, {"type": "NOPE"}, "type")
    refused(admin_api, "get", COMPANIES, 400, {"ordering": "password"}, "ordering")


def test_contact_filters(admin_api, admin):
    acme = company(admin, name="Acme")
    contact(admin, first_name="Ann", last_name="Lee", type=entry("CONTACT_TYPE", "CLIENT"))
    contact(admin, first_name="Bob", last_name="Stone", companies=[acme])
    listed = admin_api.get(CONTACTS, {"type": "CLIENT"}).json()["results"]
    assert [c["last_name"] for c in listed] == ["Lee"]
    listed = admin_api.get(CONTACTS, {"company": acme.pk}).json()["results"]
    assert [c["last_name"] for c in listed] == ["Stone"]
    listed = admin_api.get(CONTACTS, {"q": "bo"}).json()["results"]
    assert [c["first_name"] for c in listed] == ["Bob"]


def test_ordering(admin_api, admin):
    for name in ("Beta", "Alpha", "Gamma"):
        company(admin, name=name)
    assert names(admin_api.get(COMPANIES)) == ["Gamma", "Alpha", "Beta"]  # newest first
    assert names(admin_api.get(COMPANIES, {"ordering": "name"})) == ["Alpha", "Beta", "Gamma"]
    assert names(admin_api.get(COMPANIES, {"ordering": "-name"})) == ["Gamma", "Beta", "Alpha"]
    assert names(admin_api.get(COMPANIES, {"ordering": "created"})) == ["Beta", "Alpha", "Gamma"]


@pytest.mark.parametrize("ordering", [None, "name", "-name", "created", "-modified"])
def test_cursor_pagination_walks_every_item_once(admin_api, admin, ordering):
    for number in range(7):
        company(admin, name=f"Company {number % 3}")  # repeated names: ties across pages
    expected = names(admin_api.get(COMPANIES, {"ordering": ordering} if ordering else {}))
    params = {"page_size": 2, **({"ordering": ordering} if ordering else {})}
    response = admin_api.get(COMPANIES, params)
    seen_ids, seen_names, pages = [], [], 0
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["results"]) <= 2
        seen_ids += [c["id"] for c in body["results"]]
        seen_names += [c["name"] for c in body["results"]]
        pages += 1
        if not body["next"]:
            break
        assert "cursor=" in body["next"]
        response = admin_api.get(body["next"])
    assert pages == 4
    assert sorted(seen_ids) == sorted(Company.objects.values_list("pk", flat=True))
    assert seen_names == expected


def test_page_size_defaults_to_50_and_is_capped_at_200(admin_api, admin):
    Company.objects.bulk_create(
        Company(name=f"C{n}", responsible=admin, created_by=admin) for n in range(210)
    )
    assert len(admin_api.get(COMPANIES).json()["results"]) == 50
    assert len(admin_api.get(COMPANIES, {"page_size": 1000}).json()["results"]) == 200


def test_list_needs_the_same_number_of_queries_for_5_and_for_50_items(admin_api, admin):
    def add(count):
        for n in range(count):
            acme = company(
                admin,
                name=f"Company {n}",
                type=entry("COMPANY_TYPE", "CUSTOMER"),
                industry=entry("INDUSTRY", "IT"),
                source=entry("SOURCE", "CALL"),
                phones=[{"value": f"+1 202 555 01{n % 100:02d}", "kind": "work"}],
                emails=[{"value": f"c{n}@example.com", "kind": "work"}],
            )
            contact(
                admin,
                last_name=f"Person {n}",
                companies=[acme],
                type=entry("CONTACT_TYPE", "CLIENT"),
            )

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            response = admin_api.get(url, {"page_size": 100})
        assert response.status_code == 200
        return len(captured.captured_queries), len(response.json()["results"])

    add(5)
    few = queries(COMPANIES), queries(CONTACTS)
    add(45)
    many = queries(COMPANIES), queries(CONTACTS)
    assert [count for count, _ in few] == [count for count, _ in many]
    assert [n for _, n in few] == [5, 5] and [n for _, n in many] == [50, 50]


# Input checks


@pytest.mark.parametrize(
    ("data", "field", "match"),
    [
        ({"name": "X", "type": "NOPE"}, "type", "CUSTOMER"),
        ({"name": "X", "industry": "NOPE"}, "industry", "IT"),
        ({"name": "X", "employees": "NOPE"}, "employees", "EMPLOYEES_1"),
        ({"name": "X", "source": "NOPE"}, "source", "CALL"),
        ({"name": "X", "type": 1}, "type", "CUSTOMER"),
        ({"name": "X", "type": "CLIENT"}, "type", "COMPANY_TYPE"),  # a contact type
        ({"name": "x" * 10_000}, "name", "255"),
        ({"name": ""}, "name", "blank"),
        ({}, "name", "required"),
        ({"name": "X", "phones": [{"value": "call me maybe"}]}, "phones", "not a phone number"),
        ({"name": "X", "phones": [{"value": "12"}]}, "phones", "not a phone number"),
        ({"name": "X", "emails": [{"value": "info@"}]}, "emails", "not an e-mail"),
        ({"name": "X", "emails": [{"value": "a b@example.com"}]}, "emails", "not an e-mail"),
        ({"name": "X", "websites": [{"value": "not a site"}]}, "websites", "not a web"),
        ({"name": "X", "phones": [{"value": "+12025550143", "kind": "fax"}]}, "phones", "fax"),
        ({"name": "X", "phones": "+12025550143"}, "phones", "list"),
        (
            {"name": "X", "phones": [{"value": f"+1202555{n:04d}"} for n in range(21)]},
            "phones",
            "20",
        ),
        ({"name": "X", "responsible": 987_654}, "responsible", "does not exist"),
        ({"name": "X", "currency": "XYZ"}, "currency", "ISO 4217"),
        ({"name": "X", "revenue": "-1"}, "revenue", "0"),
        ({"name": "X", "revenue": "lots"}, "revenue", "number"),
        ({"name": ["not", "a", "string"]}, "name", "string"),
    ],
    ids=[
        "type",
        "industry",
        "employees",
        "source",
        "type-not-a-string",
        "type-of-another-list",
        "10000-chars",
        "empty-name",
        "no-name",
        "phone-words",
        "phone-too-short",
        "email-no-domain",
        "email-space",
        "website",
        "phone-kind",
        "phones-not-a-list",
        "too-many-phones",
        "unknown-user",
        "currency",
        "negative-revenue",
        "revenue-not-a-number",
        "name-list",
    ],
)
def test_bad_input_gets_a_400_with_a_field_message(admin_api, data, field, match):
    refused(admin_api, "post", COMPANIES, 400, data, field, match)


def test_unknown_contact_codes_name_the_allowed_ones(admin_api):
    body = refused(
        admin_api, "post", CONTACTS, 400, {"last_name": "Smith", "honorific": "SIR"}, "honorific"
    )
    assert "HNR_EN_1" in body["honorific"][0] and "HNR_EN_2" in body["honorific"][0]
    body = refused(
        admin_api, "post", CONTACTS, 400, {"last_name": "Smith", "type": "CUSTOMER"}, "type"
    )
    assert "CLIENT" in body["type"][0]


def test_an_inactive_user_cannot_be_made_responsible(admin_api):
    gone = sales_user(is_active=False)
    refused(admin_api, "post", COMPANIES, 400, {"name": "X", "responsible": gone.pk}, "responsible")


def test_bad_update_changes_nothing(admin_api, admin):
    acme = company(admin, phones=[{"value": "+12025550143", "kind": "work"}])
    url = f"{COMPANIES}{acme.pk}/"
    refused(admin_api, "patch", url, 400, {"name": "New", "emails": [{"value": "x"}]}, "emails")
    refused(admin_api, "patch", url, 400, {"type": "NOPE"}, "type", "CUSTOMER")
    refused(admin_api, "put", url, 400, {"type": "CUSTOMER"}, "name", "required")


def test_unicode_email_domain_is_accepted(admin_api):
    response = admin_api.post(
        COMPANIES, {"name": "Пример", "emails": [{"value": "info@пример.рф"}]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["emails"] == [
        {"value": "info@пример.рф", "kind": "work", "normalized": "info@xn--e1afmkfd.xn--p1ai"}
    ]
    found = admin_api.get(COMPANIES, {"q": "info@xn--e1afmkfd.xn--p1ai"}).json()["results"]
    assert [c["name"] for c in found] == ["Пример"]


def test_search_by_unicode_email_domain(admin_api, admin):
    company(admin, name="Пример", emails=[{"value": "info@пример.рф", "kind": "work"}])
    found = admin_api.get(COMPANIES, {"email": "info@пример.рф"}).json()["results"]
    assert [c["name"] for c in found] == ["Пример"]


HOSTILE = [
    "<script>alert('x')</script>",
    "'; DROP TABLE companies_company; --",
    '"quoted" & <b>bold</b> {{ template }} {% tag %}',
    "Right-to-left \u202eevil\u202c name",
    "Emoji 🏢 and 中文 and ﷽",
    '=HYPERLINK("http://evil.example")',
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_stored_verbatim_and_returned_as_data(admin_api, value):
    response = admin_api.post(
        COMPANIES, {"name": value, "comments": value, "address_city": value[:100]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/json"
    read = admin_api.get(f"{COMPANIES}{response.json()['id']}/").json()
    assert read["name"] == read["comments"] == value
    assert Company.objects.get().name == value


def test_null_characters_are_refused(admin_api):
    refused(admin_api, "post", COMPANIES, 400, {"name": "Acme\x00"}, "name", "Null")


# Concurrent edits


def test_a_stale_version_is_a_409_and_changes_nothing(admin_api, admin):
    acme = company(admin, name="Acme")
    url = f"{COMPANIES}{acme.pk}/"
    first = admin_api.patch(url, {"name": "Acme Inc.", "version": 1}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 2

    body = refused(admin_api, "patch", url, 409, {"name": "Acme Ltd", "version": 1})
    assert "changed this item" in body["detail"]
    assert body["current"]["version"] == 2 and body["current"]["name"] == "Acme Inc."
    assert body["changes"]["name"]["original"] == "Acme"
    assert body["changes"]["name"]["current"] == "Acme Inc."
    assert body["changes"]["name"]["authors"]
    refused(admin_api, "put", url, 409, {"name": "Acme Ltd", "version": 1})

    current = admin_api.patch(url, {"name": "Acme Ltd", "version": 2}, format="json")
    assert current.status_code == 200 and current.json()["version"] == 3


def test_a_stale_contact_version_is_a_409(admin_api, admin):
    smith = contact(admin)
    url = f"{CONTACTS}{smith.pk}/"
    assert admin_api.patch(url, {"first_name": "Jo"}, format="json").status_code == 200
    body = refused(admin_api, "patch", url, 409, {"first_name": "Al", "version": 1})
    assert body["current"]["first_name"] == "Jo"
    assert body["changes"]["first_name"]["current"] == "Jo"


# Timeline


def test_timeline_shows_history_and_takes_comments(admin_api, admin):
    created = admin_api.post(COMPANIES, {"name": "Acme", "type": "CUSTOMER"}, format="json")
    url = f"{COMPANIES}{created.json()['id']}/"
    admin_api.patch(
        url,
        {"name": "Acme Inc.", "phones": [{"value": "+12025550143", "kind": "work"}]},
        format="json",
    )
    comment = admin_api.post(url + "timeline/", {"text": "Called them <b>today</b>"}, format="json")
    assert comment.status_code == 201, comment.content
    assert comment.json()["kind"] == "comment"

    response = admin_api.get(url + "timeline/")
    assert response.status_code == 200, response.content
    events = response.json()["results"]
    assert [e["kind"] for e in events] == ["comment", "updated", "created"]
    assert events[0]["text"] == "Called them <b>today</b>"
    assert events[0]["author"] == admin.pk
    assert events[0]["author_name"] == admin.get_full_name()
    assert events[0]["related"] is None
    changes = {c["field"]: c for c in events[1]["changes"]}
    assert changes["name"] == {"field": "name", "label": "name", "old": "Acme", "new": "Acme Inc."}
    assert changes["phones"]["new"] == "+12025550143 (work)"
    assert set(events[2]) == {
        "id", "kind", "author", "author_name", "door", "on_behalf_of", "on_behalf_of_name",
        "actor", "created_at", "changes", "text", "related",
    }  # fmt: skip
    assert events[2]["door"] == {"kind": "api", "id": None}

    refused(admin_api, "post", url + "timeline/", 400, {"text": ""}, "text")
    refused(admin_api, "post", url + "timeline/", 400, {"text": "x" * 20_001}, "text", "20000")


def test_timeline_is_paginated(admin_api, admin):
    acme = company(admin)
    for n in range(5):
        admin_api.post(f"{COMPANIES}{acme.pk}/timeline/", {"text": f"note {n}"}, format="json")
    page = admin_api.get(f"{COMPANIES}{acme.pk}/timeline/", {"page_size": 4}).json()
    assert [e["text"] for e in page["results"]] == ["note 4", "note 3", "note 2", "note 1"]
    rest = admin_api.get(page["next"]).json()
    assert [e["kind"] for e in rest["results"]] == ["comment", "created"]
    assert rest["next"] is None


def test_contact_timeline(admin_api, admin):
    smith = contact(admin)
    admin_api.post(f"{CONTACTS}{smith.pk}/timeline/", {"text": "Met"}, format="json")
    events = admin_api.get(f"{CONTACTS}{smith.pk}/timeline/").json()["results"]
    assert [e["kind"] for e in events] == ["comment", "created"]
    assert admin_api.get(f"{CONTACTS}987654/timeline/").status_code == 404


# Links


def test_link_and_unlink_with_history_on_both_sides(admin_api, admin):
    acme, smith = company(admin, name="Acme"), contact(admin, first_name="John")
    links = f"{CONTACTS}{smith.pk}/companies/"
    linked = admin_api.post(links, {"company": acme.pk}, format="json")
    assert linked.status_code == 201, linked.content
    assert linked.json()["companies"] == [acme.pk]
    assert admin_api.get(f"{CONTACTS}{smith.pk}/").json()["companies"] == [acme.pk]
    assert admin_api.get(CONTACTS, {"company": acme.pk}).json()["results"][0]["id"] == smith.pk

    refused(admin_api, "post", links, 400, {"company": acme.pk}, "detail", "already linked")
    refused(admin_api, "post", links, 400, {"company": 987_654}, "company", "does not exist")
    refused(admin_api, "post", links, 400, {}, "company", "required")

    assert admin_api.delete(f"{links}{acme.pk}/").status_code == 204
    assert admin_api.get(f"{CONTACTS}{smith.pk}/").json()["companies"] == []
    refused(admin_api, "delete", f"{links}{acme.pk}/", 400, None, "detail", "not linked")
    refused(admin_api, "delete", f"{links}987654/", 404)

    contact_events = admin_api.get(f"{CONTACTS}{smith.pk}/timeline/").json()["results"]
    assert [e["kind"] for e in contact_events] == ["unlinked", "linked", "created"]
    assert contact_events[0]["related"] == {"type": "company", "id": acme.pk, "label": "Acme"}
    assert contact_events[1]["related"] == {"type": "company", "id": acme.pk, "label": "Acme"}
    company_events = admin_api.get(f"{COMPANIES}{acme.pk}/timeline/").json()["results"]
    assert [e["kind"] for e in company_events] == ["unlinked", "linked", "created"]
    assert company_events[1]["related"] == {
        "type": "contact",
        "id": smith.pk,
        "label": "John Smith",
    }


def test_deleting_a_company_keeps_its_contacts_with_the_unlink_in_history(admin_api, admin):
    acme = company(admin, name="Acme")
    smith = contact(admin, companies=[acme])
    assert admin_api.delete(f"{COMPANIES}{acme.pk}/").status_code == 204
    events = admin_api.get(f"{CONTACTS}{smith.pk}/timeline/").json()["results"]
    assert events[0]["kind"] == "unlinked" and events[0]["related"]["label"] == "Acme"
    assert admin_api.get(f"{CONTACTS}{smith.pk}/").json()["companies"] == []


# Access


def test_anonymous_clients_are_refused(admin):
    acme, smith = company(admin), contact(admin)
    api = APIClient()
    for url in (
        COMPANIES,
        CONTACTS,
        f"{COMPANIES}{acme.pk}/",
        f"{COMPANIES}{acme.pk}/timeline/",
        f"{CONTACTS}{smith.pk}/",
    ):
        assert api.get(url).status_code == 401, url
    refused(api, "post", COMPANIES, 401, {"name": "X"})
    refused(api, "patch", f"{COMPANIES}{acme.pk}/", 401, {"name": "X"})
    refused(api, "put", f"{COMPANIES}{acme.pk}/", 401, {"name": "X"})
    refused(api, "delete", f"{COMPANIES}{acme.pk}/", 401)
    refused(api, "post", f"{COMPANIES}{acme.pk}/timeline/", 401, {"text": "X"})
    refused(api, "post", f"{CONTACTS}{smith.pk}/companies/", 401, {"company": acme.pk})
    refused(api, "delete", f"{CONTACTS}{smith.pk}/companies/{acme.pk}/", 401)


def test_a_bad_token_is_refused():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get(COMPANIES).status_code == 401


def test_unknown_items_are_404(admin_api):
    for method in ("get", "patch", "put", "delete"):
        refused(admin_api, method, f"{COMPANIES}987654/", 404, {"name": "X"})
    assert admin_api.get(f"{COMPANIES}abc/").status_code == 404
    refused(admin_api, "patch", f"{CONTACTS}abc/", 404, {"last_name": "X"})


def test_reads_and_writes_go_through_restrict(own_read_only, user_api, user, admin):
    mine, theirs = company(admin, name="Mine", responsible=user), company(admin, name="Theirs")
    smith = contact(admin, responsible=user, companies=[theirs])
    assert names(user_api.get(COMPANIES)) == ["Mine"]
    assert user_api.get(f"{COMPANIES}{theirs.pk}/").status_code == 404
    assert user_api.get(f"{COMPANIES}{theirs.pk}/timeline/").status_code == 404
    assert user_api.get(f"{COMPANIES}{mine.pk}/").status_code == 200

    # out of reach: 404, as if it did not exist
    refused(user_api, "patch", f"{COMPANIES}{theirs.pk}/", 404, {"name": "X"})
    refused(user_api, "delete", f"{COMPANIES}{theirs.pk}/", 404)
    refused(user_api, "post", f"{COMPANIES}{theirs.pk}/timeline/", 404, {"text": "X"})
    # readable but not changeable: 403
    refused(user_api, "patch", f"{COMPANIES}{mine.pk}/", 403, {"name": "X"})
    refused(user_api, "put", f"{COMPANIES}{mine.pk}/", 403, {"name": "X"})
    refused(user_api, "delete", f"{COMPANIES}{mine.pk}/", 403)
    refused(user_api, "post", f"{CONTACTS}{smith.pk}/companies/", 403, {"company": mine.pk})
    refused(user_api, "delete", f"{CONTACTS}{smith.pk}/companies/{theirs.pk}/", 403)
    # creating is refused by the service after the write: nothing is left behind
    refused(user_api, "post", COMPANIES, 403, {"name": "New"})
    refused(user_api, "post", CONTACTS, 400, {"last_name": "New", "companies": [theirs.pk]})


def test_viewsets_cannot_drop_the_restriction():
    with pytest.raises(ImproperlyConfigured, match="get_queryset"):

        class Unscoped(RestrictedModelViewSet):
            queryset = Company.objects.all()

            def get_queryset(self):
                return Company.objects.all()

    with pytest.raises(ImproperlyConfigured, match="get_object"):

        class UnscopedObject(RestrictedModelViewSet):
            queryset = Company.objects.all()

            def get_object(self):
                return Company.objects.first()


def test_openapi_schema_describes_the_api(user_client):
    response = user_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/companies/",
        "/api/v1/companies/{id}/",
        "/api/v1/companies/{id}/timeline/",
        "/api/v1/contacts/{id}/companies/",
        "/api/v1/contacts/{id}/companies/{company_id}/",
    ):
        assert path in paths
