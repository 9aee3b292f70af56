"""The official SDK b24pysdk (pinned in the dev extra) against a live server over TLS, as an
integration written for Bitrix24 would call it: typed calls, ``as_list`` and
``as_list_fast``, and refusals as the SDK's own exceptions."""

import pytest
from b24pysdk import BitrixWebhook, Client
from b24pysdk.errors import BitrixAPIError, BitrixAPIForbidden, BitrixAPINotFound

from accessrights.models import Role
from accessrights.rights import rights_changed
from bitrix24.services import webhook_create
from companies.models import Company
from companies.services import company_create
from dictionaries.models import Entry
from tests.factories import UserFactory

from ..conftest import sales_user


def sdk(domain: str, user) -> Client:
    _webhook, secret = webhook_create(user=user)
    return Client(BitrixWebhook(domain=domain, webhook_token=f"{user.pk}/{secret}"))


@pytest.fixture
def owner(live_server_db):
    return sales_user(first_name="Olga")


def test_typed_calls_add_get_update_and_delete_a_company_with_phones(tls_server, owner):
    client = sdk(tls_server, owner)
    phones = [{"VALUE": "+1 202 555 0143", "VALUE_TYPE": "WORK"},
              {"VALUE": "+1 202 555 0144", "VALUE_TYPE": "MOBILE"}]  # fmt: skip

    pk = client.crm.company.add(fields={"TITLE": "Acme", "COMPANY_TYPE": "PARTNER",
                                        "PHONE": phones}).result  # fmt: skip
    got = client.crm.company.get(bitrix_id=pk).result
    assert (got["TITLE"], got["COMPANY_TYPE"]) == ("Acme", "PARTNER")
    assert [p["VALUE_TYPE"] for p in got["PHONE"]] == ["WORK", "MOBILE"]
    first = got["PHONE"][0]["ID"]
    assert (
        client.crm.company.update(
            bitrix_id=pk,
            fields={"TITLE": "Acme & Sons 100%", "PHONE": [{"ID": first, "VALUE": ""}]},
        ).result
        is True
    )
    got = client.crm.company.get(bitrix_id=pk).result
    assert got["TITLE"] == "Acme & Sons 100%" and len(got["PHONE"]) == 1
    assert client.crm.company.delete(bitrix_id=pk).result is True
    with pytest.raises(BitrixAPINotFound):
        client.crm.company.get(bitrix_id=pk).result  # noqa: B018
    assert "TITLE" in client.crm.company.fields().result


@pytest.fixture
def many(owner):
    partner = Entry.objects.get(list_code="COMPANY_TYPE", code="PARTNER")
    customer = Entry.objects.get(list_code="COMPANY_TYPE", code="CUSTOMER")
    return [company_create(user=owner, name=f"Firm {n:03}", type=partner if n % 2 else customer)
            for n in range(1, 331)]  # fmt: skip


def test_as_list_and_as_list_fast_lose_and_double_nothing(tls_server, owner, many):
    client = sdk(tls_server, owner)
    partners = {str(c.pk) for c in many if c.type.code == "PARTNER"}

    slow = client.crm.company.list(filter={"COMPANY_TYPE": "PARTNER"},
                                   select=["ID", "TITLE"]).as_list().result  # fmt: skip
    fast = client.crm.company.list(filter={"COMPANY_TYPE": "PARTNER"},
                                   select=["ID", "TITLE"]).as_list_fast().result  # fmt: skip
    ordered = client.crm.company.list(filter={">ID": many[99].pk}, select=["ID"],
                                      order={"TITLE": "DESC"}).as_list().result  # fmt: skip

    assert [row["ID"] for row in slow] == sorted(partners, key=int)
    assert [row["ID"] for row in fast] == sorted(partners, key=int)
    assert [row["ID"] for row in ordered] == [str(c.pk) for c in reversed(many[100:])]


def test_a_managers_webhook_reaches_only_the_managers_items(tls_server, owner):
    manager = UserFactory()
    Role.objects.get(name="Manager").users.add(manager)
    rights_changed()
    theirs = company_create(user=owner, name="Not yours", opened=False)
    client = sdk(tls_server, manager)

    mine = client.crm.company.add(fields={"TITLE": "Mine"}).result
    assert [row["ID"] for row in client.crm.company.list().as_list().result] == [str(mine)]
    with pytest.raises(BitrixAPINotFound):
        client.crm.company.get(bitrix_id=theirs.pk).result  # noqa: B018
    with pytest.raises(BitrixAPIForbidden):
        client.crm.company.update(bitrix_id=mine, fields={"ASSIGNED_BY_ID": owner.pk}).result  # noqa: B018
    assert Company.objects.get(pk=mine).responsible == manager


def test_bad_input_surfaces_as_the_sdks_exceptions(tls_server, owner):
    client = sdk(tls_server, owner)

    with pytest.raises(BitrixAPIError) as refused:
        client.crm.company.list(filter={"NO_SUCH_FIELD": 1}).result  # noqa: B018
    assert refused.value.status_code == 400
    with pytest.raises(BitrixAPIError):
        client.crm.company.add(fields={"COMPANY_TYPE": "CUSTOMER"}).result  # noqa: B018
    assert not Company.objects.exists()
