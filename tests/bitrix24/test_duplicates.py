"""``crm.duplicate.findbycomm``: normalised phones and e-mails, per entity type, only among
the items the caller may read."""

import pytest

from companies.services import company_create, contact_create
from deals.services import lead_create
from tests.companies.helpers import phone
from tests.conftest import sales_user

from .rest import Rest

PHONE = "+12025550143"


def email(value: str) -> dict:
    return {"value": value, "kind": "work"}


@pytest.fixture
def clients(admin):
    """A company, a contact and a lead with the same phone; the contact also an e-mail."""
    return {
        "COMPANY": company_create(user=admin, name="Acme", phones=[phone("+1 202-555-0143")]),
        "CONTACT": contact_create(user=admin, first_name="Anna", phones=[phone(PHONE)],
                                  emails=[email("Anna@Example.com")]),
        "LEAD": lead_create(user=admin, title="Site request", phones=[phone("2025550143")]),
    }  # fmt: skip


def test_every_type_having_the_phone_as_typed_anyhow(client, admin, clients):
    found = Rest(client, admin).result("crm.duplicate.findbycomm", type="PHONE",
                                       values=["(202) 555-0143", "+1 999"])  # fmt: skip

    assert found == {name: [item.pk] for name, item in clients.items()}


def test_one_type_and_e_mails_in_any_case(client, admin, clients):
    rest = Rest(client, admin)

    found = rest.result("crm.duplicate.findbycomm", type="email", entity_type="contact",
                        values=["anna@EXAMPLE.com"])  # fmt: skip
    assert found == {"CONTACT": [clients["CONTACT"].pk]}
    assert rest.result("crm.duplicate.findbycomm", type="EMAIL", entity_type="COMPANY",
                       values=["anna@example.com"]) == []  # fmt: skip


def test_items_the_caller_may_not_read_are_neither_named_nor_counted(client, manager, clients):
    other = sales_user()
    company_create(user=other, name="Hidden", responsible=other, opened=False,
                   phones=[phone(PHONE)])  # fmt: skip
    mine = company_create(user=manager, name="Mine", phones=[phone(PHONE)])

    found = Rest(client, manager).result("crm.duplicate.findbycomm", type="PHONE",
                                         values=[PHONE], entity_type="COMPANY")  # fmt: skip

    # The admin's company is open to managers; the hidden one is left out altogether.
    assert found == {"COMPANY": sorted([clients["COMPANY"].pk, mine.pk])}


@pytest.mark.parametrize(
    ("params", "argument"),
    [
        ({"values": [PHONE]}, "type"),
        ({"type": "FAX", "values": [PHONE]}, "type"),
        ({"type": "PHONE"}, "values"),
        ({"type": "PHONE", "values": []}, "values"),
        ({"type": "PHONE", "values": [f"+1202555{n:04}" for n in range(21)]}, "values"),
        ({"type": "PHONE", "values": [{"VALUE": PHONE}]}, "values"),
        ({"type": "PHONE", "values": [PHONE], "entity_type": "DEAL"}, "entity_type"),
    ],
    ids=["no-type", "unknown-type", "no-values", "empty-values", "21-values",
         "values-as-objects", "deals"],
)  # fmt: skip
def test_bad_lookups_are_refused(client, admin, params, argument):
    # Bad input: the type, values or entity type named by the id.
    body = Rest(client, admin).refused("crm.duplicate.findbycomm", 400, **params)

    assert body["argument"] == argument
