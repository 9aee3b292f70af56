"""``crm.company.contact.*``, ``crm.contact.company.*``, ``crm.deal.contact.*``: links written
through the link services, with history on both sides."""

import pytest

from companies.services import company_create, contact_create
from deals.services import deal_create
from timeline.models import Event, EventKind

from .test_endpoint import refused
from .test_items import call, result


@pytest.fixture
def clients(user):
    company = company_create(user=user, name="Initech")
    contacts = [contact_create(user=user, first_name=name) for name in ("Ann", "Bob", "Cid")]
    return company, contacts


def linked(client, base, name, pk, field):
    return [link[field] for link in result(client, base, f"{name}.items.get", {"id": pk})]


def test_company_contacts_are_added_listed_set_and_deleted(client, hook, clients):
    _webhook, base = hook
    company, (ann, bob, cid) = clients
    name = "crm.company.contact"

    assert result(client, base, f"{name}.add", {"id": company.pk, "fields": {"CONTACT_ID": ann.pk}})
    assert result(client, base, f"{name}.add", {"id": company.pk, "fields": {"CONTACT_ID": bob.pk}})
    links = result(client, base, f"{name}.items.get", {"id": company.pk})
    assert links == [
        {"CONTACT_ID": ann.pk, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"},
        {"CONTACT_ID": bob.pk, "SORT": 20, "ROLE_ID": 0, "IS_PRIMARY": "N"},
    ]
    assert Event.objects.filter(kind=EventKind.LINKED, item_id=ann.pk).exists()

    assert result(client, base, f"{name}.items.set", {"id": company.pk, "items": [
        {"CONTACT_ID": cid.pk, "IS_PRIMARY": "Y"}, {"CONTACT_ID": bob.pk}]})  # fmt: skip
    assert sorted(linked(client, base, name, company.pk, "CONTACT_ID")) == sorted([bob.pk, cid.pk])
    assert result(
        client, base, f"{name}.delete", {"id": company.pk, "fields": {"CONTACT_ID": bob.pk}}
    )
    assert linked(client, base, name, company.pk, "CONTACT_ID") == [cid.pk]
    assert Event.objects.filter(kind=EventKind.UNLINKED, item_id=bob.pk).exists()
    assert result(client, base, f"{name}.items.delete", {"id": company.pk})
    assert linked(client, base, name, company.pk, "CONTACT_ID") == []
    fields = result(client, base, f"{name}.fields")
    assert fields["CONTACT_ID"]["isRequired"] and set(fields) >= {"SORT", "IS_PRIMARY"}


def test_contact_companies_and_deal_contacts(client, hook, clients, user):
    _webhook, base = hook
    company, (ann, bob, _cid) = clients
    deal = deal_create(user=user, title="Renewal")

    assert result(client, base, "crm.contact.company.add",
                  {"id": ann.pk, "fields": {"COMPANY_ID": company.pk}})  # fmt: skip
    assert linked(client, base, "crm.contact.company", ann.pk, "COMPANY_ID") == [company.pk]
    assert result(
        client,
        base,
        "crm.deal.contact.items.set",
        {"id": deal.pk, "items": [{"CONTACT_ID": ann.pk}, {"CONTACT_ID": bob.pk}]},
    )
    assert sorted(linked(client, base, "crm.deal.contact", deal.pk, "CONTACT_ID")) == sorted(
        [ann.pk, bob.pk]
    )
    assert result(client, base, "crm.deal.contact.delete",
                  {"id": deal.pk, "fields": {"CONTACT_ID": ann.pk}})  # fmt: skip
    assert linked(client, base, "crm.deal.contact", deal.pk, "CONTACT_ID") == [bob.pk]
    assert result(client, base, "crm.deal.get", {"id": deal.pk})["CONTACT_IDS"] == [str(bob.pk)]


@pytest.mark.parametrize(
    ("what", "body", "status", "code"),
    [
        ("no id", {"fields": {"CONTACT_ID": 1}}, 400, "ERROR_ARGUMENT"),
        ("a missing owner", {"id": 10**9, "fields": {"CONTACT_ID": 1}}, 400, "NOT_FOUND"),
        ("no CONTACT_ID", {"id": "OWNER", "fields": {}}, 400, "ERROR_ARGUMENT"),
        ("fields that are no map", {"id": "OWNER", "fields": "x"}, 400, "ERROR_ARGUMENT"),
        ("a missing contact", {"id": "OWNER", "fields": {"CONTACT_ID": 10**9}}, 400, "NOT_FOUND"),
        ("a contact id that is no number", {"id": "OWNER", "fields": {"CONTACT_ID": "x"}}, 400,
         "ERROR_ARGUMENT"),
    ],
)  # fmt: skip
def test_bad_link_input_is_a_bitrix24_error(client, hook, clients, what, body, status, code):
    _webhook, base = hook
    company, _contacts = clients
    body = {**body, "id": company.pk} if body.get("id") == "OWNER" else body

    refused(call(client, base, "crm.company.contact.add", body), status, code)
    assert not company.contacts.exists()
