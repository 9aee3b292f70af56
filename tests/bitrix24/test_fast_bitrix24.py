"""The published client fast-bitrix24 (a main dependency: import_bitrix24 uses it) against a
live server: what an existing integration would do, over HTTP on loopback."""

from datetime import datetime

import aiohttp
import pytest
from fast_bitrix24 import Bitrix
from fast_bitrix24.server_response import ErrorInServerResponseException

from bitrix24.services import webhook_create
from companies.models import Company
from companies.services import company_create
from dictionaries.models import Entry
from tests.conftest import sales_user
from tests.factories import UserFactory


@pytest.fixture
def portal(live_server, live_server_db):
    user = sales_user(first_name="Olga")
    _webhook, secret = webhook_create(user=user)
    return user, f"{live_server.url}/rest/{user.pk}/{secret}/"


def test_server_time_and_user_current(portal):
    user, url = portal
    bitrix = Bitrix(url, verbose=False)

    now = bitrix.call("server.time", raw=True)["result"]
    me = bitrix.call("user.current", raw=True)["result"]

    assert datetime.fromisoformat(now).utcoffset() is not None
    assert (me["ID"], me["NAME"]) == (str(user.pk), "Olga")


def test_get_all_users(portal):
    user, url = portal
    UserFactory.create_batch(3)

    users = Bitrix(url, verbose=False).get_all("user.get")

    assert len(users) == 4 and str(user.pk) in {u["ID"] for u in users}


def test_get_all_past_one_page_goes_through_batch(portal):
    _user, url = portal
    UserFactory.create_batch(120)

    users = Bitrix(url, verbose=False).get_all("user.get")

    assert len({u["ID"] for u in users}) == len(users) == 121


def test_get_by_id_and_call_go_through_batch(portal):
    user, url = portal
    other = UserFactory(first_name="Ivan")
    bitrix = Bitrix(url, verbose=False)

    by_id = bitrix.get_by_ID("user.get", [user.pk, other.pk])
    called = bitrix.call("user.get", [{"ID": user.pk}, {"ID": other.pk}])

    assert {key: [u["NAME"] for u in rows] for key, rows in by_id.items()} == {
        str(user.pk): ["Olga"], str(other.pk): ["Ivan"],
    }  # fmt: skip
    assert sorted(u["NAME"] for u in called) == ["Ivan", "Olga"]


def test_a_wrong_token_surfaces_as_the_clients_http_error(portal):
    _user, url = portal
    wrong = url.rsplit("/", 2)[0] + "/" + "0" * 32 + "/"

    with pytest.raises(aiohttp.ClientResponseError) as refused:
        Bitrix(wrong, verbose=False).call("server.time", raw=True)
    assert refused.value.status == 401


# crm.company.* as integrations call them


def test_call_adds_companies_with_phones_through_batch_and_get_by_id_reads_them(portal):
    _user, url = portal
    bitrix = Bitrix(url, verbose=False)
    items = [{"fields": {"TITLE": f"Acme {n}", "COMPANY_TYPE": "CUSTOMER",
                         "PHONE": [{"VALUE": f"+1 202 555 01{n:02}", "VALUE_TYPE": "WORK"},
                                   {"VALUE": f"+1 202 555 02{n:02}", "VALUE_TYPE": "MOBILE"}]}}
             for n in range(3)]  # fmt: skip

    ids = bitrix.call("crm.company.add", items)
    by_id = bitrix.get_by_ID("crm.company.get", ids)
    assert bitrix.call(
        "crm.company.update", {"ID": ids[0], "fields": {"TITLE": "Acme & Sons", "OPENED": False}}
    )
    bitrix.call("crm.company.delete", {"ID": ids[2]})

    assert sorted(int(pk) for pk in by_id) == sorted(ids)
    assert [len(company["PHONE"]) for company in by_id.values()] == [2, 2, 2]
    left = Company.objects.order_by("pk")
    assert [(c.name, c.opened) for c in left] == [("Acme & Sons", False), ("Acme 1", True)]


def test_get_all_pages_a_filtered_list_of_hundreds_with_nothing_lost_or_doubled(portal):
    user, url = portal
    kinds = [Entry.objects.get(list_code="COMPANY_TYPE", code=code)
             for code in ("CUSTOMER", "PARTNER")]  # fmt: skip
    made = [
        company_create(
            user=user,
            name=f"Co {n:03}",
            type=kinds[n % 2],
            phones=[{"value": f"+1 202 555 {n:04}"}],
        )
        for n in range(430)
    ]
    customers = [c.pk for c in made if c.type == kinds[0]]

    rows = Bitrix(url, verbose=False).get_all(
        "crm.company.list", {"filter": {"COMPANY_TYPE": "CUSTOMER", ">=ID": customers[5]},
                             "select": ["ID", "TITLE", "PHONE"]})  # fmt: skip

    ids = [int(row["ID"]) for row in rows]  # get_all de-duplicates in a set: any order
    assert len(ids) == len(set(ids)) and sorted(ids) == customers[5:]
    assert all(row["PHONE"][0]["TYPE_ID"] == "PHONE" for row in rows)


def test_item_errors_surface_as_the_clients_exceptions(portal):
    _user, url = portal
    bitrix = Bitrix(url, verbose=False)

    with pytest.raises(aiohttp.ClientResponseError) as refused:
        bitrix.call("crm.company.get", {"ID": 10**9}, raw=True)
    assert refused.value.status == 400
    with pytest.raises(ErrorInServerResponseException):
        bitrix.call("crm.company.get", {"ID": 10**9})
    with pytest.raises(ErrorInServerResponseException):
        bitrix.call("crm.company.add", {"fields": {"TITLE": ""}})
    assert not Company.objects.exists()
