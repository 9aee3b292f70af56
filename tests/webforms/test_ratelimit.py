"""Rate limits of POST /f/<key>/submit and GET /f/<key>/token, in a real Redis; and a
Redis that cannot be reached, which must never lose a post."""

import ipaddress
import json
import logging
import secrets

import pytest
from django.core.checks import run_checks

from companies.models import Contact
from webforms.models import Submission, SubmissionStatus
from webforms.ratelimit import parse_rate

from .conftest import filled

CLOSED_PORT = "redis://127.0.0.1:1/0"


def address() -> str:
    """An address of its own per test: the Redis is shared with other runs."""
    return str(ipaddress.IPv4Address(0x0A000000 | secrets.randbits(24)))


def post(client, form, ip, number):
    data = filled(form, last_name=f"Doe {number}", email=f"doe{number}@example.com")
    return client.post(f"/f/{form.key}/submit", json.dumps(data),
                       content_type="application/json", REMOTE_ADDR=ip)  # fmt: skip


def test_a_flood_from_one_address_gets_429s_while_another_address_is_accepted(
    client, client_form, redis_limits
):
    # Bad input: a sixth post within the minute from one address allowed five.
    redis_limits.WEBFORM_RATE_PER_IP = "5/m"
    flood, other = address(), address()
    answers = [post(client, client_form, flood, n).status_code for n in range(8)]
    assert answers == [201] * 5 + [429] * 3
    refused = post(client, client_form, flood, 9)
    assert refused.json()["ok"] is False
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert post(client, client_form, other, 10).status_code == 201
    assert Submission.objects.count() == 6  # a refused post is not stored
    assert Contact.objects.filter(last_name="Doe 10").exists()


def test_a_form_over_its_own_limit_refuses_every_address(client, client_form, redis_limits):
    # Bad input: a fourth post to a form allowed three a minute, each from another address.
    redis_limits.WEBFORM_RATE_PER_IP = "100/m"
    redis_limits.WEBFORM_RATE_PER_FORM = "3/m"
    answers = [post(client, client_form, address(), n).status_code for n in range(4)]
    assert answers == [201, 201, 201, 429]


def test_the_token_counts_against_the_same_limit(client, client_form, redis_limits):
    # Bad input: a third token asked for by an address allowed two requests a minute.
    redis_limits.WEBFORM_RATE_PER_IP = "2/m"
    ip = address()
    codes = [client.get(f"/f/{client_form.key}/token", REMOTE_ADDR=ip).status_code
             for _n in range(3)]  # fmt: skip
    assert codes == [200, 200, 429]
    assert post(client, client_form, ip, 1).status_code == 429


def test_a_429_to_an_allowed_site_carries_cors(client, client_form, redis_limits):
    # Bad input: a second post from an allowed site's visitor allowed one.
    redis_limits.WEBFORM_RATE_PER_IP = "1/m"
    ip, origin = address(), "https://shop.example.com"
    data = json.dumps(filled(client_form, last_name="Doe", email="doe@example.com"))
    for expected in (201, 429):
        response = client.post(
            f"/f/{client_form.key}/submit", data, content_type="application/json",
            headers={"Origin": origin}, REMOTE_ADDR=ip,
        )  # fmt: skip
        assert response.status_code == expected
    assert response["Access-Control-Allow-Origin"] == origin


def test_a_preflight_is_not_counted(client, client_form, redis_limits):
    redis_limits.WEBFORM_RATE_PER_IP = "1/m"
    ip = address()
    for _n in range(3):
        client.options(f"/f/{client_form.key}/submit", REMOTE_ADDR=ip)
    assert post(client, client_form, ip, 1).status_code == 201


@pytest.mark.parametrize("url", [CLOSED_PORT, ""], ids=["redis-down", "no-redis"])
def test_without_a_reachable_redis_posts_are_stored_and_a_warning_says_so(
    client, client_form, settings, caplog, url
):
    # Bad input: three posts from one address allowed one, with Redis refusing connections
    # (a closed port) or not configured at all.
    settings.WEBFORM_RATE_REDIS_URL = url
    settings.WEBFORM_RATE_PER_IP = "1/m"
    ip = address()
    with caplog.at_level(logging.WARNING, logger="webforms.ratelimit"):
        codes = [post(client, client_form, ip, n).status_code for n in range(3)]
    assert codes == [201] * 3
    assert Submission.objects.filter(status=SubmissionStatus.PROCESSED).count() == 3
    if url:  # Redis down: each post it could not count is logged
        assert "rate limits are off" in caplog.text
    else:  # never configured: said once, by the checks at start, not for every post
        assert "rate limits are off" not in caplog.text
        assert "webforms.W001" in [warning.id for warning in run_checks()]


@pytest.mark.parametrize("rate", ["20", "20/week", "0/m", "-1/m", "x/m"])
def test_a_rate_setting_that_cannot_be_read_fails_the_checks_and_loses_no_post(
    client, client_form, settings, caplog, rate
):
    # Bad input: a rate with no period, an unknown period, a zero, a negative, no number.
    with pytest.raises(ValueError):
        parse_rate(rate)
    settings.WEBFORM_RATE_PER_IP = rate
    settings.WEBFORM_RATE_REDIS_URL = CLOSED_PORT  # never asked: the rate is read first
    assert "webforms.E001" in [error.id for error in run_checks()]
    with caplog.at_level(logging.ERROR, logger="webforms.ratelimit"):
        assert post(client, client_form, address(), 1).status_code == 201
    assert "a rate cannot be read" in caplog.text
    assert Submission.objects.get().status == SubmissionStatus.PROCESSED


def test_rates_read_as_counts_per_period():
    assert parse_rate("20/m") == (20, 60)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate("") is None
