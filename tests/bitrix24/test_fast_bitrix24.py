"""The published client fast-bitrix24 (pinned in the dev extra) against a live server: what an
existing integration would do, over HTTP on loopback."""

from datetime import datetime

import aiohttp
import pytest
from fast_bitrix24 import Bitrix

from bitrix24.services import webhook_create
from tests.factories import UserFactory


@pytest.fixture
def portal(live_server, live_server_db):
    user = UserFactory(first_name="Olga")
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
