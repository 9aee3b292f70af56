"""The login lock-out behind the TLS proxy (keyed on the real client address) and API tokens of
locked-out users."""

import secrets

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.test import RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from crm.authentication import client_ip_address
from tests.crm.test_production_settings import run_manage

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
PROXY = "10.0.0.2"  # every request reaches the app from the TLS proxy
VICTIM = "198.51.100.7"
ATTACKER = "203.0.113.9"


def login(client, username, password, **headers):
    return client.post("/login/", {"username": username, "password": password}, **headers)


def through_proxy(client_address: str, sent_by_client: str = "") -> dict:
    """The request headers as the proxy passes them on: it appends the address it was
    reached from to whatever X-Forwarded-For the client sent."""
    forwarded = f"{sent_by_client}, {client_address}" if sent_by_client else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def test_an_attackers_failures_lock_the_attackers_address_not_the_victims(client, user, settings):
    """Bad input: the limit of wrong passwords for the victim's name from another address
    behind the same proxy, each claiming the victim's address (or a new one) in
    X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        spoofed = VICTIM if attempt % 2 else f"192.0.2.{attempt}"
        login(client, user.username, "wrong", **through_proxy(ATTACKER, spoofed))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}

    locked = login(client, user.username, PASSWORD, **through_proxy(ATTACKER, VICTIM))
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session

    response = login(client, user.username, PASSWORD, **through_proxy(VICTIM))
    assert response.status_code == 302 and response.url == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    ("count", "meta", "expected"),
    [
        (0, {"HTTP_X_FORWARDED_FOR": ATTACKER}, PROXY),
        (1, {"HTTP_X_FORWARDED_FOR": f"{VICTIM}, {ATTACKER}"}, ATTACKER),
        (2, {"HTTP_X_FORWARDED_FOR": f"{VICTIM}, {ATTACKER}, 10.0.0.1"}, ATTACKER),
        (1, {"HTTP_X_FORWARDED_FOR": "2001:DB8::0:1"}, "2001:db8::1"),
        (1, {}, PROXY),
        (2, {"HTTP_X_FORWARDED_FOR": ATTACKER}, PROXY),
        (1, {"HTTP_X_FORWARDED_FOR": f"{VICTIM}, not-an-address"}, PROXY),
    ],
    ids=[
        "no-trusted-proxy-ignores-the-header",
        "one-proxy-takes-the-right-most",
        "two-proxies-take-the-second-from-the-right",
        "ipv6-normalised",
        "no-header",
        "header-shorter-than-the-proxy-chain",
        "not-an-address",
    ],
)
def test_the_client_address_is_the_one_the_outermost_trusted_proxy_saw(
    settings, count, meta, expected
):
    """Bad input: spoofed left-most entries, a missing or short header, a non-address."""
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **meta)
    assert client_ip_address(request) == expected


def test_production_trusts_one_proxy_unless_told_otherwise():
    code = (
        "from django.conf import settings; "
        "print(settings.TRUSTED_PROXY_COUNT, settings.AXES_CLIENT_IP_CALLABLE)"
    )
    env = {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "crm.example.com"}
    default = run_manage("shell", "-c", code, **env)
    assert default.returncode == 0, default.stderr
    last_line = default.stdout.strip().splitlines()[-1]
    assert last_line.split() == ["1", "crm.authentication.client_ip_address"]
    two = run_manage("shell", "-c", code, TRUSTED_PROXY_COUNT="2", **env)
    assert two.stdout.strip().splitlines()[-1].split()[0] == "2", two.stderr


def test_a_locked_out_users_token_is_refused_until_the_lock_is_reset(client, user, settings):
    """Bad input: the user's own token used from the address where the limit of wrong
    passwords for the user's name was reached."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.username, "wrong", REMOTE_ADDR=ATTACKER)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    refused = api.get("/api/v1/companies/", REMOTE_ADDR=ATTACKER)
    assert refused.status_code == 401
    assert "Too many failed logins" in refused.json()["detail"]
    assert "15 minutes" in refused.json()["detail"]
    # The lock is the (user name, address) of the failures: elsewhere the token still works.
    assert api.get("/api/v1/companies/", REMOTE_ADDR=VICTIM).status_code == 200

    reset(username=user.username)
    assert api.get("/api/v1/companies/", REMOTE_ADDR=ATTACKER).status_code == 200


def test_a_token_of_a_user_with_a_few_failures_still_works(client, user, settings):
    """Bad input: one wrong password fewer than the limit, from the token's address."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, user.username, "wrong", REMOTE_ADDR=ATTACKER)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert api.get("/api/v1/companies/", REMOTE_ADDR=ATTACKER).status_code == 200
