"""Each webhook's leaky bucket: 503 ``QUERY_LIMIT_EXCEEDED`` past its burst, a batch counted
once, in Redis or in the process; and fast-bitrix24 slowing down on it and getting
everything all the same."""

import logging

import pytest
from fast_bitrix24 import Bitrix

from tests.conftest import require

from .rest import Rest, webhook_url

CLOSED_PORT = "redis://127.0.0.1:1/0"
SLOW = 0.001  # drained per second: nothing drains during a test


@pytest.fixture
def tight(settings):
    """Three requests at once, then one every ~17 minutes; in the process (no Redis)."""
    settings.BITRIX24_RATE_BURST = 3
    settings.BITRIX24_RATE_PER_SECOND = SLOW
    settings.BITRIX24_RATE_REDIS_URL = ""
    return settings


def statuses(rest: Rest) -> list[int]:
    return [rest.call("server.time")[0] for _ in range(5)]


def test_past_its_burst_a_webhook_gets_503_and_another_webhook_does_not(client, admin, tight):
    # Bad input: five calls at once through a webhook allowed three.
    flooding, other = Rest(client, admin), Rest(client, admin)

    assert statuses(flooding) == [200] * 3 + [503] * 2
    assert flooding.refused("server.time", 503) == {
        "error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}  # fmt: skip
    assert other.call("server.time")[0] == 200


def test_a_batch_of_fifty_commands_counts_once(client, admin, tight):
    tight.BITRIX24_RATE_BURST = 1
    rest = Rest(client, admin)

    answer = rest.result("batch", cmd={f"c{n}": "server.time" for n in range(50)})

    assert len(answer["result"]) == 50 and answer["result_error"] == []
    # Bad input: a second request once the single one allowed is used.
    assert rest.refused("server.time", 503)["error"] == "QUERY_LIMIT_EXCEEDED"


def test_no_burst_meters_nothing(client, admin, tight):
    tight.BITRIX24_RATE_BURST = 0

    assert statuses(Rest(client, admin)) == [200] * 5


def test_the_bucket_is_kept_in_redis(client, admin, tight):
    require(bool(tight.REDIS_URL), "no Redis configured (set REDIS_URL)")
    tight.BITRIX24_RATE_REDIS_URL = tight.REDIS_URL

    assert statuses(Rest(client, admin)) == [200] * 3 + [503] * 2


def test_with_redis_down_each_process_meters_on_its_own_and_says_so(client, admin, tight, caplog):
    # Bad input: five calls allowed three, with Redis refusing connections.
    tight.BITRIX24_RATE_REDIS_URL = CLOSED_PORT

    with caplog.at_level(logging.WARNING, logger="bitrix24.ratelimit"):
        assert statuses(Rest(client, admin)) == [200] * 3 + [503] * 2
    assert "rate limits are per process" in caplog.text


def test_fast_bitrix24_slows_down_on_503_and_still_gets_everything(
    live_server, live_server_db, admin, tight, caplog
):
    tight.BITRIX24_RATE_BURST = 2
    tight.BITRIX24_RATE_PER_SECOND = 4
    bitrix = Bitrix(webhook_url(live_server, admin), verbose=False)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        lists = [bitrix.call("crm.status.entity.items", {"entityId": name}, raw=True)["result"]
                 for name in ("SOURCE", "STATUS", "DEAL_STAGE", "INDUSTRY", "COMPANY_TYPE",
                              "CONTACT_TYPE", "EMPLOYEES", "DEAL_TYPE")]  # fmt: skip
        rows = bitrix.get_all("crm.status.list")

    assert [len(found) for found in lists] == [12, 5, 8, 11, 5, 4, 4, 5]
    assert len(rows) == len({row["ID"] for row in rows}) > 60
    refused = [r for r in caplog.records if r.getMessage().startswith("Service Unavailable")]
    assert refused  # it was slowed down, and got everything all the same
