"""Pages of the client base: lists, filters, presets, bulk actions, cards, edits."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies import services
from companies.models import Company, Contact
from crm.models import FilterPreset
from tests.conftest import sales_user
from tests.helpers import tables_snapshot
from timeline.models import Event

from .helpers import entry, phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(user):
    return services.company_create(
        user=user,
        name="Acme Corporation",
        type=entry("COMPANY_TYPE", "CUSTOMER"),
        phones=[phone("+1 202 555 0143")],
        emails=[{"value": "sales@acme.example", "kind": "work"}],
    )


@pytest.fixture
def globex(user):
    return services.company_create(
        user=user,
        name="Globex",
        type=entry("COMPANY_TYPE", "PARTNER"),
        phones=[phone("+33 1 42 68 53 00")],
    )


def names(response) -> list[str]:
    return [item.name for item in response.context["page"]]


def test_anonymous_visitors_go_to_the_login_page(client):
    assert client.get("/companies/").url.startswith("/login/")
    assert client.get("/contacts/").url.startswith("/login/")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "acme"}, ["Acme Corporation"]),
        ({"q": "Ac"}, ["Acme Corporation"]),
        ({"q": "(202) 555-0143"}, ["Acme Corporation"]),
        ({"q": "555 01"}, ["Acme Corporation"]),
        ({"q": "+33142685300"}, ["Globex"]),
        ({"q": "SALES@acme"}, ["Acme Corporation"]),
        ({"phone": "202-555"}, ["Acme Corporation"]),
        ({"email": "acme.example"}, ["Acme Corporation"]),
        ({"type": "PARTNER"}, ["Globex"]),
        ({"type": ["PARTNER", "CUSTOMER"], "ordering": "name"}, ["Acme Corporation", "Globex"]),
        ({"ordering": "-name"}, ["Globex", "Acme Corporation"]),
        ({"created_at_after": "2000-01-01", "ordering": "name"}, ["Acme Corporation", "Globex"]),
        ({"created_at_before": "2000-01-01"}, []),
    ],
)
def test_list_filters(user_client, acme, globex, query, expected):
    response = user_client.get("/companies/", query)
    assert response.status_code == 200
    assert names(response) == expected


def test_filter_by_responsible(user_client, acme, globex, admin):
    services.company_update(user=admin, company=globex, responsible=admin)
    response = user_client.get("/companies/", {"responsible": admin.pk})
    assert names(response) == ["Globex"]


def test_htmx_filtering_returns_only_the_results(user_client, acme):
    response = user_client.get(
        "/companies/", {"q": "acme"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">') and "Acme Corporation" in html


def test_page_size_and_pages(user_client, user):
    for number in range(25):
        services.company_create(user=user, name=f"Company {number:02}")
    response = user_client.get("/companies/", {"per_page": "20", "ordering": "name"})
    assert len(response.context["page"]) == 20
    second = user_client.get("/companies/", {"per_page": "20", "ordering": "name", "page": 2})
    assert names(second) == ["Company 20", "Company 21", "Company 22", "Company 23", "Company 24"]
    assert len(user_client.get("/companies/", {"per_page": "9999"}).context["page"]) == 25


def test_filter_presets_are_saved_per_user(user_client, user, acme):
    response = user_client.post(
        "/filters/",
        {
            "list_name": "companies",
            "name": "Clients",
            "query": "type=CUSTOMER&page=3",
            "next": "/companies/",
        },
    )
    assert response.status_code == 302
    preset = FilterPreset.objects.get(user=user)
    assert preset.query == "type=CUSTOMER"
    assert "?type=CUSTOMER" in user_client.get("/companies/").content.decode()
    other = sales_user()
    user_client.force_login(other)
    assert "Clients" not in user_client.get("/companies/").content.decode()
    user_client.post("/filters/", {"delete": preset.pk})
    assert FilterPreset.objects.filter(pk=preset.pk).exists()  # not theirs to delete
    user_client.force_login(user)
    user_client.post("/filters/", {"delete": preset.pk})
    assert not FilterPreset.objects.exists()


def test_bulk_actions_from_the_list(user_client, acme, globex):
    response = user_client.post(
        "/companies/bulk/",
        {
            "action": "type",
            "value": "COMPETITOR",
            "ids": [acme.pk, globex.pk],
            "next": "/companies/?q=a",
        },
    )
    assert response.url == "/companies/?q=a"
    assert set(Company.objects.values_list("type__code", flat=True)) == {"COMPETITOR"}
    user_client.post("/companies/bulk/", {"action": "delete", "ids": [globex.pk]})
    assert list(Company.objects.all()) == [acme]


def test_bulk_action_on_ids_that_do_not_exist_changes_nothing(user_client, acme):
    before = tables_snapshot()
    response = user_client.post(
        "/companies/bulk/", {"action": "delete", "ids": [acme.pk, 987654]}, follow=True
    )
    assert "987654" in response.content.decode()
    assert tables_snapshot() == before
    response = user_client.post(
        "/companies/bulk/", {"action": "type", "value": "NOPE", "ids": [acme.pk]}, follow=True
    )
    assert "Choose the new type" in response.content.decode()
    assert tables_snapshot() == before


def test_an_open_redirect_is_not_followed(user_client, acme):
    response = user_client.post(
        "/companies/bulk/", {"action": "delete", "ids": [acme.pk], "next": "https://evil.example/"}
    )
    assert response.url == "/companies/"


def test_card_tabs(user_client, acme, user):
    contact = services.contact_create(
        user=user, first_name="Anna", last_name="Smith", companies=[acme]
    )
    details = user_client.get(f"/companies/{acme.pk}/").content.decode()
    assert "+1 202 555 0143" in details and "sales@acme.example" in details
    history = user_client.get(f"/companies/{acme.pk}/?tab=history").content.decode()
    assert "Created" in history and "Linked" in history
    dependencies = user_client.get(f"/companies/{acme.pk}/?tab=dependencies").content.decode()
    assert "Anna Smith" in dependencies
    contact_page = user_client.get(f"/contacts/{contact.pk}/?tab=dependencies").content.decode()
    assert "Acme Corporation" in contact_page
    assert user_client.get("/companies/999999/").status_code == 404


def test_comments_on_a_card(user_client, acme):
    user_client.post(f"/companies/{acme.pk}/comment/", {"text": "Called, <b>call back</b> Monday"})
    page = user_client.get(f"/companies/{acme.pk}/?tab=history").content.decode()
    assert "Called, &lt;b&gt;call back&lt;/b&gt; Monday" in page
    response = user_client.post(f"/companies/{acme.pk}/comment/", {"text": "   "}, follow=True)
    assert "Write a comment first" in response.content.decode()


def test_create_edit_and_delete_pages(user_client, user):
    response = user_client.post(
        "/companies/add/",
        {
            "name": "Initech",
            "type": entry("COMPANY_TYPE", "CUSTOMER").pk,
            "responsible": user.pk,
            "opened": "on",
            "phones-0-value": "+1 415 555 0100",
            "phones-0-kind": "work",
            "phones-1-value": "",
            "phones-1-kind": "work",
        },
    )
    company = Company.objects.get(name="Initech")
    assert response.url == f"/companies/{company.pk}/"
    edit = user_client.get(f"/companies/{company.pk}/edit/")
    form = edit.context["form"]
    response = user_client.post(
        f"/companies/{company.pk}/edit/",
        {
            "name": "Initech LLC",
            "type": entry("COMPANY_TYPE", "CUSTOMER").pk,
            "responsible": user.pk,
            "opened": "on",
            "phones-0-value": "+1 415 555 0100",
            "phones-0-kind": "work",
            "version": form.initial["version"],
            "original": form.initial["original"],
        },
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.name == "Initech LLC" and company.communications.count() == 1
    assert user_client.post(f"/companies/{company.pk}/delete/").url == "/companies/"
    assert not Company.objects.filter(pk=company.pk).exists()


def test_form_errors_are_shown_and_nothing_is_saved(user_client, user):
    before = tables_snapshot()
    response = user_client.post(
        "/companies/add/",
        {
            "name": "x" * 10_000,
            "responsible": user.pk,
            "phones-0-value": "not a phone",
            "phones-0-kind": "work",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "at most 255 characters" in html and "is not a phone number" in html
    assert tables_snapshot() == before


def test_likely_duplicates_are_shown_before_saving(user_client, user, acme):
    data = {
        "name": "ACME Corporation",
        "responsible": user.pk,
        "phones-0-value": "(202) 555-0143",
        "phones-0-kind": "work",
    }
    response = user_client.post("/companies/add/", data)
    assert response.status_code == 200
    duplicates = response.context["duplicates"]
    assert [d.item for d in duplicates] == [acme]
    assert "same phone (202) 555-0143" in duplicates[0].reasons
    assert Company.objects.count() == 1
    response = user_client.post("/companies/add/", {**data, "confirm_duplicates": "on"})
    assert response.status_code == 302 and Company.objects.count() == 2


def _edit_form_data(client, company, **changes):
    form = client.get(f"/companies/{company.pk}/edit/").context["form"]
    data = {
        "name": company.name,
        "responsible": company.responsible_id,
        "opened": "on",
        "version": form.initial["version"],
        "original": form.initial["original"],
    }
    if company.type_id:
        data["type"] = company.type_id
    for index, comm in enumerate(company.communications.filter(channel="phone")):
        data[f"phones-{index}-value"] = comm.value
        data[f"phones-{index}-kind"] = comm.kind
    for index, comm in enumerate(company.communications.filter(channel="email")):
        data[f"emails-{index}-value"] = comm.value
        data[f"emails-{index}-kind"] = comm.kind
    data.update(changes)
    return data


def test_concurrent_edits_of_different_fields_are_merged(user_client, user, acme):
    mine = _edit_form_data(user_client, acme, name="Acme Corp")
    services.company_update(user=sales_user(), company=acme, industry=entry("INDUSTRY", "IT"))
    response = user_client.post(f"/companies/{acme.pk}/edit/", mine)
    assert response.status_code == 302
    acme.refresh_from_db()
    assert (acme.name, acme.industry.code) == ("Acme Corp", "IT")


def test_concurrent_edits_of_one_field_ask_which_to_keep(user_client, user, acme):
    mine = _edit_form_data(user_client, acme, name="Acme Mine")
    other = sales_user(first_name="Boris", last_name="Ivanov")
    services.company_update(user=other, company=acme, name="Acme Theirs")
    response = user_client.post(f"/companies/{acme.pk}/edit/", mine)
    assert response.status_code == 200
    (conflict,) = response.context["conflicts"]
    assert (conflict["original"], conflict["current"], conflict["mine"]) == (
        "Acme Corporation",
        "Acme Theirs",
        "Acme Mine",
    )
    assert conflict["authors"] == ["Boris Ivanov"]
    acme.refresh_from_db()
    assert acme.name == "Acme Theirs"  # nothing lost yet
    form = response.context["form"]
    assert form["name"].value() == "Acme Mine"
    retry = {**mine, "version": form.initial["version"], "original": form.initial["original"]}
    user_client.post(f"/companies/{acme.pk}/edit/", {**retry, "choose_name": "theirs"})
    acme.refresh_from_db()
    assert acme.name == "Acme Theirs"
    retry = _edit_form_data(user_client, acme, name="Acme Mine")
    user_client.post(f"/companies/{acme.pk}/edit/", retry)
    acme.refresh_from_db()
    assert acme.name == "Acme Mine"


def test_link_unlink_and_lookup_from_both_cards(user_client, user, acme):
    contact = services.contact_create(user=user, first_name="Anna", last_name="Smith")
    lookup = user_client.get(f"/companies/{acme.pk}/link/lookup/", {"q": "smith"})
    assert list(lookup.context["results"]) == [contact]
    user_client.post(f"/companies/{acme.pk}/link/", {"other": contact.pk})
    assert list(acme.contacts.all()) == [contact]
    user_client.post(f"/contacts/{contact.pk}/unlink/{acme.pk}/")
    assert not acme.contacts.exists()
    user_client.post(f"/contacts/{contact.pk}/link/", {"other": acme.pk})
    assert list(contact.companies.all()) == [acme]
    assert user_client.post(f"/contacts/{contact.pk}/link/", {"other": 999999}).status_code == 404


def test_new_contact_from_a_company_card_is_linked(user_client, user, acme):
    response = user_client.post(
        f"/contacts/add/?company={acme.pk}",
        {"first_name": "Olga", "last_name": "Petrova", "responsible": user.pk, "company": acme.pk},
    )
    contact = Contact.objects.get(last_name="Petrova")
    assert response.url == f"/contacts/{contact.pk}/"
    assert list(contact.companies.all()) == [acme]


def test_script_tags_come_back_escaped(user_client, user):
    company = services.company_create(user=user, name="<script>alert('x')</script>")
    for url in ["/companies/", f"/companies/{company.pk}/", f"/companies/{company.pk}/edit/"]:
        html = user_client.get(url).content.decode()
        assert "<script>alert('x')</script>" not in html
        assert "&lt;script&gt;" in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_and_card_queries_do_not_grow_with_rows(user_client, user):
    def fill(count):
        company = services.company_create(user=user, name="Hub", phones=[phone("+1 202 555 0100")])
        for number in range(count):
            services.company_create(
                user=user, name=f"C{number}", type=entry("COMPANY_TYPE", "CUSTOMER"),
                phones=[phone(f"+1 202 555 {number:04}")],
            )  # fmt: skip
            services.contact_create(
                user=user, first_name=f"P{number}", phones=[phone(f"+1 303 555 {number:04}")],
                companies=[company],
            )  # fmt: skip
        return company

    small = fill(5)
    counts_small = [
        _queries(user_client, "/companies/"),
        _queries(user_client, "/contacts/"),
        _queries(user_client, f"/companies/{small.pk}/?tab=dependencies"),
        _queries(user_client, f"/companies/{small.pk}/?tab=history"),
    ]
    big = fill(45)
    counts_big = [
        _queries(user_client, "/companies/"),
        _queries(user_client, "/contacts/"),
        _queries(user_client, f"/companies/{big.pk}/?tab=dependencies"),
        _queries(user_client, f"/companies/{big.pk}/?tab=history"),
    ]
    assert counts_small == counts_big
    assert Event.objects.count() > 100


def test_the_total_is_counted_on_request_and_capped(user_client, acme, globex, monkeypatch):
    assert "Count them" in user_client.get("/companies/").content.decode()
    html = user_client.get("/companies/", {"count": "1", "q": "acme"}).content.decode()
    assert "1 item" in html
    monkeypatch.setattr("crm.pagination.COUNT_LIMIT", 1)
    assert "More than 1 items" in user_client.get("/companies/", {"count": "1"}).content.decode()
