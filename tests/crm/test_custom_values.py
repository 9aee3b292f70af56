"""Custom field values through the item services (``crm.custom_values``): stored as raw JSON
by code, checked for every door, in history and on cards."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from companies import services
from companies.models import Company
from crm.history import render_for_reader
from dictionaries.custom_fields import custom_field_create
from tests.factories import UserFactory
from tests.helpers import give_role, tables_snapshot
from timeline.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields(admin):
    def add(label, kind, **extra):
        return custom_field_create(user=admin, entity="company", label=label, kind=kind, **extra)

    return {
        "tier": add("Tier", "list", options=[{"label": "Gold"}, {"label": "Silver"}]),
        "budget": add("Budget", "money"),
        "seats": add("Seats", "integer"),
        "renewal": add("Renewal", "date"),
        "vip": add("VIP", "boolean"),
        "site": add("Portal", "url"),
        "mail": add("Billing mail", "email"),
        "partner": add("Partner", "company"),
        "owner": add("Account owner", "user"),
        "tags": add("Tags", "string", multiple=True),
    }


def test_values_of_every_kind_are_kept_raw_by_code(admin, fields):
    partner = services.company_create(user=admin, name="Partner Ltd")
    company = services.company_create(
        user=admin, name="Acme",
        custom={"UF_CRM_TIER": "silver", "UF_CRM_BUDGET": "1 234,50", "UF_CRM_SEATS": "12",
                "UF_CRM_RENEWAL": "31.12.2026", "UF_CRM_VIP": "oui",
                "UF_CRM_PORTAL": "https://acme.example", "UF_CRM_BILLING_MAIL": "pay@acme.example",
                "UF_CRM_PARTNER": partner.pk, "UF_CRM_ACCOUNT_OWNER": admin.pk,
                "UF_CRM_TAGS": ["key", "", "north"]},
    )  # fmt: skip
    company.refresh_from_db()
    assert company.custom == {
        "UF_CRM_TIER": 2, "UF_CRM_BUDGET": "1234.50", "UF_CRM_SEATS": 12,
        "UF_CRM_RENEWAL": "2026-12-31", "UF_CRM_VIP": True,
        "UF_CRM_PORTAL": "https://acme.example", "UF_CRM_BILLING_MAIL": "pay@acme.example",
        "UF_CRM_PARTNER": partner.pk, "UF_CRM_ACCOUNT_OWNER": admin.pk,
        "UF_CRM_TAGS": ["key", "north"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("custom", "field"),
    [
        ({"UF_CRM_TIER": "Platinum"}, "UF_CRM_TIER"),  # no such option
        ({"UF_CRM_TIER": 99}, "UF_CRM_TIER"),  # an unknown option id
        ({"UF_CRM_TIER": True}, "UF_CRM_TIER"),  # a wrong type
        ({"UF_CRM_SEATS": "twelve"}, "UF_CRM_SEATS"),
        ({"UF_CRM_SEATS": "1.5"}, "UF_CRM_SEATS"),
        ({"UF_CRM_RENEWAL": "next year"}, "UF_CRM_RENEWAL"),
        ({"UF_CRM_VIP": "perhaps"}, "UF_CRM_VIP"),
        ({"UF_CRM_PORTAL": "javascript:alert(1)"}, "UF_CRM_PORTAL"),
        ({"UF_CRM_BILLING_MAIL": "not an address"}, "UF_CRM_BILLING_MAIL"),
        ({"UF_CRM_TAGS": ["x" * 100_000]}, "UF_CRM_TAGS"),
        ({"UF_CRM_SEATS": [1, 2]}, "UF_CRM_SEATS"),  # a list for a one-value field
        ({"UF_CRM_PARTNER": "Partner Ltd"}, "UF_CRM_PARTNER"),  # a name, not a number
        ({"UF_CRM_ACCOUNT_OWNER": 10**9}, "UF_CRM_ACCOUNT_OWNER"),
        ({"UF_CRM_NOPE": 1}, "UF_CRM_NOPE"),  # no such field
    ],
)
def test_bad_values_are_refused_naming_the_field_and_nothing_is_written(admin, fields, custom,
                                                                       field):  # fmt: skip
    """Bad input: unknown options and ids, wrong types, text for numbers, dates and yes/no,
    a javascript: address, a bad e-mail, 100,000 characters, a list for a one-value field, a
    company by name, a user who does not exist, a code no field has."""
    before = tables_snapshot()
    with pytest.raises(ValidationError) as error:
        services.company_create(user=admin, name="Acme", custom=custom)
    assert field in error.value.message_dict
    assert tables_snapshot() == before


def test_a_code_of_another_item_type_is_refused(admin, fields):
    custom_field_create(user=admin, entity="contact", label="Hobby", kind="string")
    with pytest.raises(ValidationError) as error:
        services.company_create(user=admin, name="Acme", custom={"UF_CRM_HOBBY": "golf"})
    assert "UF_CRM_HOBBY" in error.value.message_dict
    services.contact_create(user=admin, last_name="Doe", custom={"UF_CRM_HOBBY": "golf"})


def test_a_link_to_a_company_the_writer_may_not_read_is_refused_like_a_missing_one(admin, fields):
    hidden = services.company_create(user=admin, name="Secret", opened=False)
    writer = UserFactory()
    give_role(writer, {"company": {"read": "open", "add": "all", "update": "all"}})
    with pytest.raises(ValidationError) as error:
        services.company_create(user=writer, name="Mine", custom={"UF_CRM_PARTNER": hidden.pk})
    missing = services.company_create
    with pytest.raises(ValidationError) as unknown:
        missing(user=writer, name="Mine", custom={"UF_CRM_PARTNER": hidden.pk + 1000})
    message = error.value.message_dict["UF_CRM_PARTNER"][0]
    assert message.replace(str(hidden.pk), "N") == unknown.value.message_dict["UF_CRM_PARTNER"][
        0
    ].replace(str(hidden.pk + 1000), "N")


def test_required_fields_and_defaults(admin):
    custom_field_create(user=admin, entity="company", label="Region code", kind="string",
                        required=True)  # fmt: skip
    custom_field_create(user=admin, entity="company", label="Seats", kind="integer", default=5)
    with pytest.raises(ValidationError) as error:
        services.company_create(user=admin, name="Acme")
    assert list(error.value.message_dict) == ["UF_CRM_REGION_CODE"]
    company = services.company_create(user=admin, name="Acme",
                                      custom={"UF_CRM_REGION_CODE": "EU"})  # fmt: skip
    assert company.custom == {"UF_CRM_REGION_CODE": "EU", "UF_CRM_SEATS": 5}
    with pytest.raises(ValidationError):
        services.company_update(user=admin, company=company, custom={"UF_CRM_REGION_CODE": ""})
    services.company_update(user=admin, company=company, custom={"UF_CRM_SEATS": None})
    company.refresh_from_db()
    assert company.custom == {"UF_CRM_REGION_CODE": "EU"}  # the others kept


def test_history_shows_labels_and_values_and_hides_what_the_reader_may_not_read(admin, fields):
    hidden = services.company_create(user=admin, name="Secret partner", opened=False)
    company = services.company_create(user=admin, name="Acme", custom={"UF_CRM_TIER": 1})
    services.company_update(
        user=admin, company=company,
        custom={"UF_CRM_TIER": 2, "UF_CRM_PARTNER": hidden.pk, "UF_CRM_VIP": True},
    )  # fmt: skip
    event = Event.objects.of_item(company).filter(kind="updated").get()
    with translation.override("en"):
        (shown,) = render_for_reader([event], admin)
    changes = {c["field"]: c for c in shown.changes}
    assert (changes["UF_CRM_TIER"]["label"], changes["UF_CRM_TIER"]["old"],
            changes["UF_CRM_TIER"]["new"]) == ("Tier", "Gold", "Silver")  # fmt: skip
    assert changes["UF_CRM_VIP"]["new"] == "yes"
    assert changes["UF_CRM_PARTNER"]["new"] == "Secret partner"
    reader = UserFactory()
    give_role(reader, {"company": {"read": "open"}})
    (as_reader,) = render_for_reader([event], reader)
    partner = next(c for c in as_reader.changes if c["field"] == "UF_CRM_PARTNER")
    assert partner["new"] == "" and partner["new_hidden"]
    assert "Secret" not in str(as_reader.changes)


def test_the_card_shows_custom_values_with_links_only_if_readable(client, admin, fields):
    hidden = services.company_create(user=admin, name="Secret partner", opened=False)
    company = services.company_create(
        user=admin, name="Acme",
        custom={"UF_CRM_TIER": 1, "UF_CRM_PARTNER": hidden.pk, "UF_CRM_ACCOUNT_OWNER": admin.pk},
    )  # fmt: skip
    client.force_login(admin)
    body = client.get(company.get_absolute_url()).content.decode()
    assert "Tier" in body and "Gold" in body and "Secret partner" in body
    reader = UserFactory()
    give_role(reader, {"company": {"read": "open"}})
    client.force_login(reader)
    body = client.get(company.get_absolute_url()).content.decode()
    assert "Gold" in body and "Secret partner" not in body
    assert Company.objects.get(pk=company.pk).custom["UF_CRM_PARTNER"] == hidden.pk


def test_the_edit_form_takes_custom_fields_and_shows_their_errors(client, admin, fields):
    hidden = services.company_create(user=admin, name="Secret partner", opened=False)
    writer = UserFactory()
    give_role(writer, {"company": {"read": "own", "add": "own", "update": "own"}})
    client.force_login(writer)
    form = client.get("/companies/add/").content.decode()
    assert 'name="UF_CRM_TIER"' in form and ">Gold<" in form and 'name="UF_CRM_PARTNER"' in form
    data = {"name": "Mine", "responsible": writer.pk, "UF_CRM_TIER": "2", "UF_CRM_SEATS": "7",
            "UF_CRM_TAGS": "north\nkey", "UF_CRM_PARTNER": str(hidden.pk),
            "confirm_duplicates": "on"}  # fmt: skip
    before = tables_snapshot()
    refused = client.post("/companies/add/", data)
    assert refused.status_code == 200 and "Secret partner" not in refused.content.decode()
    assert "that you may see" in refused.content.decode()  # next to the field
    assert tables_snapshot() == before
    created = client.post("/companies/add/", {**data, "UF_CRM_PARTNER": ""})
    assert created.status_code == 302
    company = Company.objects.get(name="Mine")
    assert company.custom == {"UF_CRM_TIER": 2, "UF_CRM_SEATS": 7, "UF_CRM_TAGS": ["north", "key"]}
    edit = client.get(f"/companies/{company.pk}/edit/").content.decode()
    assert 'value="7"' in edit


def test_lists_filter_by_custom_fields_of_every_kind(admin, fields, user_client, user):
    partner = services.company_create(user=admin, name="Partner Ltd")
    gold = services.company_create(
        user=admin, name="Gold one", opened=True,
        custom={"UF_CRM_TIER": 1, "UF_CRM_BUDGET": "1500.50", "UF_CRM_SEATS": 10,
                "UF_CRM_RENEWAL": "2026-03-01", "UF_CRM_VIP": True, "UF_CRM_TAGS": ["north", "key"],
                "UF_CRM_PARTNER": partner.pk, "UF_CRM_BILLING_MAIL": "pay@gold.example"},
    )  # fmt: skip
    silver = services.company_create(
        user=admin, name="Silver one", opened=True,
        custom={"UF_CRM_TIER": 2, "UF_CRM_BUDGET": "200", "UF_CRM_SEATS": 2,
                "UF_CRM_RENEWAL": "2026-09-30", "UF_CRM_VIP": False, "UF_CRM_TAGS": ["south"]},
    )  # fmt: skip
    from companies.filters import CompanyFilterSet

    def found(query):
        qs = Company.objects.filter(pk__in=[gold.pk, silver.pk])
        filterset = CompanyFilterSet(query, qs)
        assert filterset.is_valid(), filterset.errors
        return {company.name for company in filterset.qs}

    assert found({"UF_CRM_TIER": "1"}) == {"Gold one"}
    assert found({"UF_CRM_VIP": "false"}) == {"Silver one"}
    assert found({"UF_CRM_BUDGET_min": "1000"}) == {"Gold one"}
    assert found({"UF_CRM_BUDGET_max": "1000"}) == {"Silver one"}
    assert found({"UF_CRM_SEATS_min": "3", "UF_CRM_SEATS_max": "10"}) == {"Gold one"}
    assert found({"UF_CRM_RENEWAL_after": "2026-03-01"}) == {"Gold one", "Silver one"}
    assert found({"UF_CRM_RENEWAL_before": "2026-03-01"}) == {"Gold one"}
    assert found({"UF_CRM_TAGS": "nort"}) == {"Gold one"}
    assert found({"UF_CRM_BILLING_MAIL": "GOLD"}) == {"Gold one"}
    # Through the page, as a user who may read the open companies and the partner.
    body = user_client.get("/companies/", {"UF_CRM_TIER": "2"}).content.decode()
    assert "Silver one" in body and "Gold one" not in body
    assert (
        "Gold one"
        in user_client.get("/companies/", {"UF_CRM_PARTNER": partner.pk}).content.decode()
    )
    for code, bad in (("UF_CRM_TIER", {"UF_CRM_TIER": "gold"}),
                      ("UF_CRM_SEATS", {"UF_CRM_SEATS_min": "many"}),
                      ("UF_CRM_RENEWAL", {"UF_CRM_RENEWAL_after": "soon"})):  # fmt: skip
        refused = CompanyFilterSet(bad, Company.objects.all())
        assert not refused.is_valid() and set(refused.errors) == {code}


def test_a_custom_link_filter_cannot_probe_a_hidden_item(admin, fields, client):
    hidden = services.company_create(user=admin, name="Secret partner", opened=False)
    services.company_create(user=admin, name="Linked", opened=True,
                            custom={"UF_CRM_PARTNER": hidden.pk})  # fmt: skip
    reader = UserFactory()
    give_role(reader, {"company": {"read": "open"}})
    client.force_login(reader)
    probe = client.get("/companies/", {"UF_CRM_PARTNER": hidden.pk}).content.decode()
    missing = client.get("/companies/", {"UF_CRM_PARTNER": hidden.pk + 999}).content.decode()
    assert "Linked" not in probe and "Linked" not in missing


def test_the_api_takes_and_shows_custom_values(admin, fields):
    from tests.conftest import token_client
    from tests.helpers import refused

    api = token_client(admin)
    hidden = services.company_create(user=admin, name="Secret partner", opened=False)
    created = api.post("/api/v1/companies/", {
        "name": "Acme", "custom": {"UF_CRM_TIER": 2, "UF_CRM_SEATS": 12,
                                   "UF_CRM_PARTNER": hidden.pk}}, format="json")  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["custom"] == {"UF_CRM_TIER": 2, "UF_CRM_SEATS": 12, "UF_CRM_PARTNER": hidden.pk}
    url = f"/api/v1/companies/{body['id']}/"
    patched = api.patch(url, {"custom": {"UF_CRM_SEATS": 13}}, format="json")
    assert patched.json()["custom"] == {"UF_CRM_TIER": 2, "UF_CRM_SEATS": 13,
                                        "UF_CRM_PARTNER": hidden.pk}  # fmt: skip
    refused(api, "patch", url, 400, {"custom": {"UF_CRM_TIER": 99}}, field="UF_CRM_TIER")
    refused(api, "patch", url, 400, {"custom": {"UF_CRM_HOBBY": "golf"}}, field="UF_CRM_HOBBY")
    refused(api, "patch", url, 400, {"custom": ["UF_CRM_TIER"]}, field="custom")
    reader = UserFactory()
    give_role(reader, {"company": {"read": "open"}})
    seen = token_client(reader).get(url).json()["custom"]
    assert seen == {"UF_CRM_TIER": 2, "UF_CRM_SEATS": 13, "UF_CRM_PARTNER": None}


def test_the_api_lists_filter_by_custom_fields(admin, fields):
    from tests.conftest import token_client

    api = token_client(admin)
    gold = {"UF_CRM_TIER": 1, "UF_CRM_BUDGET": "1500"}
    services.company_create(user=admin, name="Gold one", custom=gold)
    services.company_create(user=admin, name="Silver one", custom={"UF_CRM_TIER": 2})

    def names(query):
        return {c["name"] for c in api.get("/api/v1/companies/", query).json()["results"]}

    assert names({"UF_CRM_TIER": 2}) == {"Silver one"}
    assert names({"UF_CRM_BUDGET_min": 1000}) == {"Gold one"}
    assert api.get("/api/v1/companies/", {"UF_CRM_TIER": "gold"}).status_code == 400


def test_on_postgresql_a_custom_list_filter_can_use_the_gin_index(admin, fields):
    from django.db import connection

    from companies.filters import CompanyFilterSet

    if connection.vendor != "postgresql":
        pytest.skip("the GIN index of custom values is PostgreSQL's")
    services.company_create(user=admin, name="Gold one", custom={"UF_CRM_TIER": 1})
    filtered = CompanyFilterSet({"UF_CRM_TIER": "1"}, Company.objects.all()).qs
    with connection.cursor() as cursor:
        # A tiny table: without scans of the whole table (in order or not), the plan says
        # whether the filter can be answered by the index at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = filtered.order_by().query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "companies_company_custom_gin" in plan, plan
    assert [c.name for c in filtered] == ["Gold one"]
