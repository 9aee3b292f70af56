"""``crm.company.*``, ``crm.contact.*``, ``crm.deal.*``, ``crm.lead.*`` through the endpoint:
Bitrix24's shapes, the multi-field rules, filters, select, order, paging and bad input."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies.models import Company, Contact
from companies.services import company_create
from deals.models import Deal, Lead
from dictionaries.custom_fields import custom_field_create
from dictionaries.models import Entry
from timeline.models import Event, EventKind

from .test_endpoint import ok, refused


def call(client, base, name, body=None):
    return client.post(base + name, body or {}, content_type="application/json")


def result(client, base, name, body=None):
    return ok(call(client, base, name, body))["result"]


def entry(list_code, code):
    return Entry.objects.get(list_code=list_code, code=code)


def test_a_company_with_several_phones_is_added_read_updated_and_deleted(client, hook, user):
    _webhook, base = hook
    pk = result(client, base, "crm.company.add", {"fields": {
        "TITLE": "Acme Ltd", "COMPANY_TYPE": "CUSTOMER", "OPENED": "N", "REVENUE": 3000000,
        "CURRENCY_ID": "USD", "PHONE": [{"VALUE": "+1 202 555 0143", "VALUE_TYPE": "WORK"},
                                        {"VALUE": "+1 202 555 0144", "VALUE_TYPE": "MOBILE"},
                                        {"VALUE": "+1 202 555 0145", "VALUE_TYPE": "FAX"}],
        "EMAIL": [{"VALUE": "info@acme.test"}], "UNKNOWN_FIELD": "dropped", "ID": 999,
    }})  # fmt: skip

    assert isinstance(pk, int)
    company = result(client, base, "crm.company.get", {"id": pk})
    assert (company["ID"], company["TITLE"], company["COMPANY_TYPE"]) == (
        str(pk),
        "Acme Ltd",
        "CUSTOMER",
    )
    assert (company["OPENED"], company["REVENUE"], company["CURRENCY_ID"]) == (
        "N",
        "3000000.00",
        "USD",
    )
    assert company["ASSIGNED_BY_ID"] == str(user.pk)
    assert datetime.fromisoformat(company["DATE_CREATE"]).utcoffset() is not None
    phones = company["PHONE"]
    assert [(p["VALUE"], p["VALUE_TYPE"], p["TYPE_ID"]) for p in phones] == [
        ("+1 202 555 0143", "WORK", "PHONE"), ("+1 202 555 0144", "MOBILE", "PHONE"),
        ("+1 202 555 0145", "OTHER", "PHONE"),
    ]  # fmt: skip
    assert company["EMAIL"][0]["VALUE_TYPE"] == "WORK"
    assert "WEB" not in company  # multi-fields appear only with values

    work, mobile, fax = (p["ID"] for p in phones)
    assert result(client, base, "crm.company.update", {"id": pk, "fields": {
        "TITLE": "Acme & Sons", "PHONE": [
            {"ID": mobile, "VALUE": "+1 202 555 0199", "VALUE_TYPE": "HOME"},  # overwritten
            {"ID": fax, "VALUE": ""},  # deleted by an empty value
            {"ID": work, "DELETE": "Y"},  # deleted
            {"VALUE": "+1 202 555 0100"},  # added
        ]}})  # fmt: skip

    company = result(client, base, "crm.company.get", {"id": pk})
    assert company["TITLE"] == "Acme & Sons"
    assert [(p["VALUE"], p["VALUE_TYPE"]) for p in company["PHONE"]] == [
        ("+1 202 555 0199", "HOME"),
        ("+1 202 555 0100", "WORK"),
    ]
    assert company["EMAIL"][0]["VALUE"] == "info@acme.test"  # untouched
    kinds = list(Event.objects.filter(item_id=pk).values_list("kind", flat=True))
    assert EventKind.CREATED in kinds and EventKind.UPDATED in kinds

    assert result(client, base, "crm.company.delete", {"id": pk}) is True
    assert not Company.objects.filter(pk=pk).exists()
    refused(call(client, base, "crm.company.get", {"id": pk}), 400, "NOT_FOUND")


def test_contacts_deals_and_leads_in_their_bitrix24_shapes(client, hook, user):
    _webhook, base = hook
    company = result(client, base, "crm.company.add", {"fields": {"TITLE": "Globex"}})
    contact = result(client, base, "crm.contact.add", {"fields": {
        "NAME": "Ann", "LAST_NAME": "Lee", "COMPANY_ID": company, "BIRTHDATE": "1990-05-01",
        "TYPE_ID": "CLIENT", "EMAIL": [{"VALUE": "ann@globex.test", "VALUE_TYPE": "HOME"}],
    }})  # fmt: skip
    deal = result(client, base, "crm.deal.add", {"fields": {
        "TITLE": "Big sale", "OPPORTUNITY": "19999.99", "COMPANY_ID": company,
        "CONTACT_IDS": [contact], "STAGE_ID": "EXECUTING", "CLOSEDATE": "2027-01-31",
    }})  # fmt: skip
    lead = result(client, base, "crm.lead.add", {"fields": {
        "TITLE": "Site request", "NAME": "Bob", "STATUS_ID": "NEW", "SOURCE_ID": "WEB",
        "EMAIL": [{"VALUE": "bob@b.test", "VALUE_TYPE": "WORK"}],
    }})  # fmt: skip

    got = result(client, base, "crm.contact.get", {"id": contact})
    assert (got["NAME"], got["LAST_NAME"], got["TYPE_ID"]) == ("Ann", "Lee", "CLIENT")
    assert (got["COMPANY_ID"], got["COMPANY_IDS"]) == (str(company), [str(company)])
    assert got["BIRTHDATE"].startswith("1990-05-01T00:00:00")
    got = result(client, base, "crm.deal.get", {"id": deal})
    assert (got["STAGE_ID"], got["CATEGORY_ID"], got["OPPORTUNITY"]) == (
        "EXECUTING",
        "0",
        "19999.99",
    )
    assert (got["COMPANY_ID"], got["CONTACT_ID"], got["CONTACT_IDS"]) == (
        str(company),
        str(contact),
        [str(contact)],
    )
    got = result(client, base, "crm.lead.get", {"id": lead})
    assert (got["STATUS_ID"], got["SOURCE_ID"], got["NAME"]) == ("NEW", "WEB", "Bob")

    assert result(
        client,
        base,
        "crm.deal.update",
        {"id": deal, "fields": {"STAGE_ID": "WON", "CONTACT_IDS": [], "CATEGORY_ID": 5}},
    )  # immutable: dropped
    assert Deal.objects.get(pk=deal).stage.code == "WON"
    assert not Deal.objects.get(pk=deal).contacts.exists()
    assert result(
        client, base, "crm.contact.update", {"id": contact, "fields": {"COMPANY_IDS": []}}
    )
    assert not Contact.objects.get(pk=contact).companies.exists()
    assert result(client, base, "crm.lead.delete", {"id": lead})
    assert not Lead.objects.filter(pk=lead).exists()


def test_fields_describe_every_field_custom_ones_included(client, hook, admin):
    _webhook, base = hook
    custom_field_create(user=admin, entity="company", label="Tier", kind="list",
                        options=[{"label": "Gold"}, {"label": "Silver"}])  # fmt: skip

    fields = result(client, base, "crm.company.fields")

    assert fields["TITLE"] == {"type": "string", "isRequired": True, "isReadOnly": False,
                               "isImmutable": False, "isMultiple": False, "isDynamic": False,
                               "title": "Name"}  # fmt: skip
    assert fields["ID"]["isReadOnly"] and fields["DATE_CREATE"]["type"] == "datetime"
    assert fields["COMPANY_TYPE"]["statusType"] == "COMPANY_TYPE"
    assert fields["PHONE"]["type"] == "crm_multifield" and fields["PHONE"]["isMultiple"]
    assert fields["ASSIGNED_BY_ID"]["type"] == "user"
    tier = fields["UF_CRM_TIER"]
    assert (tier["type"], tier["isDynamic"], tier["listLabel"]) == ("enumeration", True, "Tier")
    assert [item["VALUE"] for item in tier["items"]] == ["Gold", "Silver"]
    deal = result(client, base, "crm.deal.fields")
    assert deal["CATEGORY_ID"]["type"] == "crm_category" and deal["CATEGORY_ID"]["isImmutable"]
    assert deal["STAGE_ID"]["statusType"] == "DEAL_STAGE"
    assert deal["CONTACT_IDS"]["isMultiple"] and deal["COMPANY_ID"]["type"] == "crm_company"


def test_custom_fields_are_written_read_and_filtered_as_uf_crm(client, hook, admin):
    _webhook, base = hook
    tier = custom_field_create(user=admin, entity="company", label="Tier", kind="list",
                               options=[{"label": "Gold"}, {"label": "Silver"}])  # fmt: skip
    custom_field_create(user=admin, entity="company", label="Seats", kind="integer")
    gold = str(tier.options[0]["id"])

    first = result(client, base, "crm.company.add", {"fields": {
        "TITLE": "A", "UF_CRM_TIER": gold, "UF_CRM_SEATS": "12"}})  # fmt: skip
    result(client, base, "crm.company.add", {"fields": {"TITLE": "B", "UF_CRM_SEATS": 3}})

    got = result(client, base, "crm.company.get", {"id": first})
    assert (got["UF_CRM_TIER"], got["UF_CRM_SEATS"]) == (gold, "12")
    listed = result(client, base, "crm.company.list", {"filter": {"UF_CRM_TIER": gold}})
    assert [row["TITLE"] for row in listed] == ["A"]
    listed = result(client, base, "crm.company.list", {"filter": {">UF_CRM_SEATS": 5},
                                                       "select": ["UF_*"]})  # fmt: skip
    assert listed == [{"ID": str(first), "UF_CRM_TIER": gold, "UF_CRM_SEATS": "12"}]
    refused(call(client, base, "crm.company.add", {"fields": {"TITLE": "C",
                                                              "UF_CRM_SEATS": "many"}}),
            400, "ERROR_ARGUMENT")  # fmt: skip


@pytest.fixture
def companies(user):
    types = ["CUSTOMER", "PARTNER", "SUPPLIER"]
    return [
        company_create(user=user, name=f"Company {n:03}", type=entry("COMPANY_TYPE", types[n % 3]),
                       phones=[{"value": f"+1 202 555 {n:04}", "kind": "work"}])
        for n in range(1, 121)
    ]  # fmt: skip


def test_list_filters_with_every_operator(client, hook, companies):
    _webhook, base = hook
    ids = [c.pk for c in companies]

    def total(filter_):
        return ok(call(client, base, "crm.company.list", {"filter": filter_}))["total"]

    def listed(filter_, **more):
        return [
            int(r["ID"])
            for r in result(
                client, base, "crm.company.list", {"filter": filter_, "select": ["ID"], **more}
            )
        ]

    assert listed({">=ID": ids[10], "<ID": ids[13]}) == ids[10:13]
    assert listed({">ID": ids[-3]}) == ids[-2:]
    assert listed({"<=ID": ids[1]}) == ids[:2]
    assert listed({"=ID": ids[4]}) == [ids[4]]
    assert listed({"ID": ids[4]}) == [ids[4]]
    assert listed({"@ID": ids[3:6]}) == ids[3:6]
    assert listed({"ID": [ids[0], ids[2]]}) == [ids[0], ids[2]]  # a list means among
    assert ids[0] not in listed({"!ID": ids[0]})
    assert listed({"!@ID": ids[2:]}) == ids[:2]
    assert listed({"%TITLE": "any 11"}) == ids[109:119]
    assert total({"!%TITLE": "any 1"}) == 120 - 21
    assert listed({"=%TITLE": "%120"}) == [ids[119]]
    assert listed({"COMPANY_TYPE": "PARTNER", "<ID": ids[6]}) == [ids[0], ids[3]]
    assert total({"@COMPANY_TYPE": ["PARTNER", "SUPPLIER"]}) == 80
    assert total({"!COMPANY_TYPE": "CUSTOMER"}) == 80
    assert total({"!@COMPANY_TYPE": ["PARTNER", "SUPPLIER"]}) == 40
    assert listed({"PHONE": "+12025550007"}) == [ids[6]]
    assert listed({">DATE_CREATE": "2000-01-01", "<=ID": ids[0]}) == [ids[0]]


def test_list_pages_of_fifty_with_total_next_select_and_order(client, hook, companies):
    _webhook, base = hook

    first = ok(call(client, base, "crm.company.list", {"order": {"TITLE": "DESC"}}))
    assert (len(first["result"]), first["total"], first["next"]) == (50, 120, 50)
    assert first["result"][0]["TITLE"] == "Company 120"
    assert "PHONE" not in first["result"][0]  # not in * : named only
    last = ok(call(client, base, "crm.company.list", {"order": {"TITLE": "DESC"}, "start": 107}))
    assert (len(last["result"]), last["total"], "next" in last) == (20, 120, False)
    assert last["result"][-1]["TITLE"] == "Company 001"

    fast = ok(call(client, base, "crm.company.list", {"start": -1, "select": ["TITLE", "PHONE"],
                                                     "order": {"ID": "ASC"}}))  # fmt: skip
    assert "total" not in fast and "next" not in fast and len(fast["result"]) == 50
    row = fast["result"][0]
    assert set(row) == {"ID", "TITLE", "PHONE"} and row["PHONE"][0]["VALUE"] == "+1 202 555 0001"


def test_a_list_page_costs_the_same_queries_for_5_and_for_50_rows(
    client, hook, user, django_assert_max_num_queries
):
    _webhook, base = hook
    select = {"select": ["*", "UF_*", "PHONE", "EMAIL"]}
    for n in range(5):
        company_create(user=user, name=f"Few {n}", phones=[{"value": f"+1 202 555 01{n:02}"}])
    with django_assert_max_num_queries(12) as few:
        ok(call(client, base, "crm.company.list", select))
    for n in range(50):
        company_create(user=user, name=f"More {n}", phones=[{"value": f"+1 202 555 02{n:02}"}],
                       emails=[{"value": f"m{n}@more.test"}])  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = ok(call(client, base, "crm.company.list", select))["result"]
    assert len(rows) == 50 and all(row.get("PHONE") for row in rows)


@pytest.mark.parametrize(
    ("what", "body"),
    [
        ("an unknown filter field", {"filter": {"NOPE": 1}}),
        ("an operator the field lacks", {"filter": {"%ID": 1}}),
        ("a filter that is no map", {"filter": "TITLE"}),
        ("a value of the wrong type", {"filter": {">ID": "five"}}),
        ("a date that is none", {"filter": {">DATE_CREATE": "yesterday"}}),
        ("an empty value", {"filter": {"TITLE": ""}}),
        ("an unknown order field", {"order": {"NOPE": "ASC"}}),
        ("a bad direction", {"order": {"ID": "UP"}}),
        ("a start that is no number", {"start": "x"}),
        ("several values for a comparison", {"filter": {">ID": [1, 2]}}),
        ("a nested filter value", {"filter": {"@ID": [[1]]}}),
        ("an order that is no map", {"order": ["ID"]}),
    ],
)
def test_malformed_lists_are_a_bitrix24_400(client, hook, what, body):
    _webhook, base = hook

    refused(call(client, base, "crm.company.list", body), 400, "ERROR_ARGUMENT")


@pytest.mark.parametrize(
    ("what", "name", "body"),
    [
        ("fields that are no map", "crm.company.add", {"fields": "TITLE"}),
        ("a required field missing", "crm.company.add", {"fields": {"COMPANY_TYPE": "CUSTOMER"}}),
        ("an unknown reference code", "crm.company.add", {"fields": {"TITLE": "A",
                                                                     "COMPANY_TYPE": "NOPE"}}),
        ("a phone that is none", "crm.company.add", {"fields": {"TITLE": "A",
                                                                "PHONE": [{"VALUE": "abc"}]}}),
        ("an unknown VALUE_TYPE", "crm.company.add", {"fields": {"TITLE": "A", "PHONE": [
            {"VALUE": "+12025550143", "VALUE_TYPE": "BANANA"}]}}),
        ("a multi-field that is no list of objects", "crm.company.add",
         {"fields": {"TITLE": "A", "PHONE": "+12025550143"}}),
        ("a revenue that is no number", "crm.company.add", {"fields": {"TITLE": "A",
                                                                       "REVENUE": "lots"}}),
        ("a list for a field of one value", "crm.company.add", {"fields": {"TITLE": ["A", "B"]}}),
        ("an object for a field of one value", "crm.company.add", {"fields": {"TITLE": {"a": 1}}}),
        ("a flag that is no flag", "crm.company.add", {"fields": {"TITLE": "A",
                                                                  "OPENED": "maybe"}}),
        ("a user that is none", "crm.company.add", {"fields": {"TITLE": "A",
                                                               "ASSIGNED_BY_ID": 10**9}}),
        ("a missing id", "crm.company.get", {}),
        ("an id that is no number", "crm.company.get", {"id": "abc"}),
        ("a negative id", "crm.company.delete", {"id": -4}),
    ],
)  # fmt: skip
def test_bad_item_input_is_a_bitrix24_400_and_writes_nothing(client, hook, what, name, body):
    _webhook, base = hook

    refused(call(client, base, name, body), 400, "ERROR_ARGUMENT")
    assert not Company.objects.exists()


def test_unknown_item_methods_are_404(client, hook):
    _webhook, base = hook

    refused(call(client, base, "crm.company.frobnicate"), 404, "ERROR_METHOD_NOT_FOUND")


def test_pages_of_one_batch_count_once_and_see_its_writes(client, hook, companies):
    _webhook, base = hook
    pages = {f"p{n}": f"crm.company.list?select[]=ID&order[ID]=ASC&start={n * 50}"
             for n in range(3)}  # fmt: skip
    desc = {f"d{n}": f"crm.company.list?select[]=ID&order[ID]=DESC&start={n * 50}"
            for n in range(3)}  # fmt: skip

    sections = result(client, base, "batch", {"cmd": {
        **pages, **desc, "add": "crm.company.add?fields[TITLE]=Late",
        "after": "crm.company.list?select[]=ID&start=100",
    }})  # fmt: skip

    ids = [c.pk for c in companies]
    found = sections["result"]
    assert [int(row["ID"]) for n in range(3) for row in found[f"p{n}"]] == ids
    assert [int(row["ID"]) for n in range(3) for row in found[f"d{n}"]] == ids[::-1]
    assert sections["result_total"]["p2"] == 120
    assert sections["result_total"]["after"] == 121
    assert [int(row["ID"]) for row in found["after"]][-1] == found["add"]


def test_a_batch_of_pages_counts_its_list_once_and_reads_each_page_in_one_query(
    client, hook, companies
):
    _webhook, base = hook
    pages = {f"p{n}": f"crm.company.list?order[ID]=ASC&start={n * 50}" for n in range(3)}

    with CaptureQueriesContext(connection) as queries:
        found = result(client, base, "batch", {"cmd": pages})["result"]

    assert [len(found[key]) for key in pages] == [50, 50, 20]
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert sum("COUNT(" in sql for sql in statements) == 1
    assert sum('FROM "companies_company"' in sql for sql in statements) == 1 + 3


def test_deals_and_leads_are_filtered_by_pipeline_stage_and_responsible(client, hook, user):
    _webhook, base = hook
    ids = [result(client, base, "crm.deal.add", {"fields": {"TITLE": f"D{n}", "STAGE_ID": stage}})
           for n, stage in enumerate(["NEW", "EXECUTING", "WON", "NEW"])]  # fmt: skip
    lead = result(client, base, "crm.lead.add", {"fields": {"TITLE": "L", "STATUS_ID": "JUNK"}})

    def listed(name, filter_, order=None):
        body = {"filter": filter_, "select": ["ID"], "order": order or {"ID": "ASC"}}
        return [int(row["ID"]) for row in result(client, base, name, body)]

    assert listed("crm.deal.list", {"CATEGORY_ID": 0}) == ids
    assert listed("crm.deal.list", {"!CATEGORY_ID": 0}) == []
    assert listed("crm.deal.list", {"@STAGE_ID": ["NEW", "WON"]}) == [ids[0], ids[2], ids[3]]
    assert listed("crm.deal.list", {}, {"STAGE_ID": "DESC", "ID": "ASC"}) == [
        ids[2],
        ids[1],
        ids[0],
        ids[3],
    ]  # by the stages' order, as Bitrix24 sorts them
    assert listed("crm.deal.list", {"@ASSIGNED_BY_ID": [user.pk]}) == ids
    assert listed("crm.lead.list", {"STATUS_ID": "JUNK", "ASSIGNED_BY_ID": user.pk}) == [lead]
