"""A manager's webhook sees and changes only what the manager may: a hidden item is never
named, counted or probed (it answers as a missing one), a forbidden write is a 403 that
leaves nothing written."""

import pytest

from bitrix24.services import webhook_create
from companies.models import Company
from companies.services import company_create, contact_create, contact_link
from deals.services import deal_create

from .test_endpoint import ok, refused
from .test_items import call, result


@pytest.fixture
def manager_base(manager):
    _webhook, secret = webhook_create(user=manager)
    return f"/rest/{manager.pk}/{secret}/"


@pytest.fixture
def items(user, manager):
    """A company and a contact of the manager's, and of someone else's (hidden from them)."""
    mine = company_create(user=manager, name="Mine", phones=[{"value": "+12025550101"}])
    theirs = company_create(user=user, name="Theirs", opened=False,
                            phones=[{"value": "+12025550102"}])  # fmt: skip
    contact = contact_create(user=manager, first_name="Mia's contact")
    hidden = contact_create(user=user, last_name="Hidden", opened=False)
    return mine, theirs, contact, hidden


def test_a_manager_lists_counts_and_gets_only_their_items(client, manager_base, items):
    mine, theirs, _contact, _hidden = items

    body = ok(call(client, manager_base, "crm.company.list", {"select": ["ID", "PHONE"]}))
    assert [row["ID"] for row in body["result"]] == [str(mine.pk)]
    assert body["total"] == 1
    assert result(client, manager_base, "crm.company.list", {"filter": {"PHONE": "+12025550102"}}
                  ) == []  # fmt: skip
    hidden = refused(call(client, manager_base, "crm.company.get", {"id": theirs.pk}), 400,
                     "NOT_FOUND")  # fmt: skip
    missing = refused(call(client, manager_base, "crm.company.get", {"id": 10**9}), 400,
                      "NOT_FOUND")  # fmt: skip
    assert hidden == missing


@pytest.mark.parametrize("verb", ["update", "delete"])
def test_a_hidden_item_answers_as_a_missing_one_to_writes(client, manager_base, items, verb):
    _mine, theirs, _contact, _hidden = items

    answer = call(
        client, manager_base, f"crm.company.{verb}", {"id": theirs.pk, "fields": {"TITLE": "Taken"}}
    )
    assert refused(answer, 400, "NOT_FOUND")["error_description"] == "Not found"
    assert Company.objects.get(pk=theirs.pk).name == "Theirs"


def test_handing_an_item_to_someone_else_is_refused_and_writes_nothing(
    client, manager_base, items, user
):
    mine, _theirs, _contact, _hidden = items

    answer = call(
        client,
        manager_base,
        "crm.company.update",
        {"id": mine.pk, "fields": {"TITLE": "Given", "ASSIGNED_BY_ID": user.pk}},
    )
    refused(answer, 403, "ACCESS_DENIED")
    mine.refresh_from_db()
    assert (mine.name, mine.responsible_id) != ("Given", user.pk)


def test_a_manager_may_not_link_or_filter_by_a_hidden_item(client, manager_base, items, manager):
    mine, theirs, _contact, hidden = items
    deal = deal_create(user=manager, title="Deal of Mia", company=mine)

    refused(
        call(
            client,
            manager_base,
            "crm.deal.add",
            {"fields": {"TITLE": "Probe", "COMPANY_ID": theirs.pk}},
        ),
        400,
        "ERROR_ARGUMENT",
    )
    refused(
        call(
            client,
            manager_base,
            "crm.company.contact.add",
            {"id": mine.pk, "fields": {"CONTACT_ID": hidden.pk}},
        ),
        400,
        "NOT_FOUND",
    )
    assert result(client, manager_base, "crm.deal.list",
                  {"filter": {"COMPANY_ID": theirs.pk}}) == []  # fmt: skip
    assert [
        row["ID"]
        for row in result(
            client, manager_base, "crm.deal.list", {"filter": {"COMPANY_ID": mine.pk}}
        )
    ] == [str(deal.pk)]


def test_a_linked_item_the_reader_may_not_see_is_not_named(client, hook, manager_base, items,
                                                           user):  # fmt: skip
    mine, _theirs, contact, hidden = items
    contact_link(user=user, contact=contact, company=mine)
    contact_link(user=user, contact=hidden, company=mine)

    as_manager = result(client, manager_base, "crm.company.contact.items.get", {"id": mine.pk})
    as_user = result(client, hook[1], "crm.company.contact.items.get", {"id": mine.pk})
    assert [link["CONTACT_ID"] for link in as_manager] == [contact.pk]
    assert {link["CONTACT_ID"] for link in as_user} == {contact.pk, hidden.pk}

    assert result(client, manager_base, "crm.company.contact.items.delete", {"id": mine.pk})
    assert list(mine.contacts.all()) == [hidden]  # the hidden link stays
