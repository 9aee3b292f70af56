"""Concurrent writes to one deal or lead (security issue, item 7): a stale version is always a
409, a second conversion a 400, and a 404 only for an item that was really deleted.

The bad input is timing: 20 requests for the same item sent at once from real threads, each
on its own database connection, against PostgreSQL (SQLite writes one at a time, so the race
cannot happen there).
"""

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from deals import services
from deals.models import Deal, Lead
from tests.conftest import require
from tests.factories import UserFactory
from timeline.models import Event, EventKind

pytestmark = pytest.mark.django_db(transaction=True)
PARALLEL = 20


def in_parallel(calls) -> Counter:
    """Run the calls at once (released together by a barrier); count their status codes."""
    barrier = threading.Barrier(len(calls))
    statuses = Counter()
    errors = []

    def run(call):
        try:
            barrier.wait()
            statuses[call().status_code] += 1
        except Exception as exc:  # a crash in a thread must fail the test, not vanish
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


@pytest.fixture
def postgres():
    require(connection.vendor == "postgresql", "the race needs PostgreSQL (DATABASE_URL)")


@pytest.fixture
def superuser(postgres, live_server_db):
    return UserFactory(is_superuser=True, is_staff=True)


def clients(user) -> list[APIClient]:
    """One API client per thread, all with the user's token."""
    key = Token.objects.create(user=user).key
    apis = [APIClient() for _ in range(PARALLEL)]
    for api in apis:
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return apis


def test_parallel_stale_patches_are_one_success_and_409s(superuser):
    deal = services.deal_create(user=superuser, title="Contested")
    url = f"/api/v1/deals/{deal.pk}/"
    calls = [
        (lambda api=api, n=n: api.patch(url, {"title": f"Mine {n}", "version": 1}, format="json"))
        for n, api in enumerate(clients(superuser))
    ]
    assert in_parallel(calls) == Counter({200: 1, 409: PARALLEL - 1})
    assert Deal.objects.get(pk=deal.pk).version == 2


def test_parallel_stale_moves_are_one_success_and_409s(superuser):
    deal = services.deal_create(user=superuser, title="Dragged")
    url = f"/api/v1/deals/{deal.pk}/move/"
    calls = [
        (lambda api=api: api.post(url, {"stage": "PREPARATION", "version": 1}, format="json"))
        for api in clients(superuser)
    ]
    assert in_parallel(calls) == Counter({200: 1, 409: PARALLEL - 1})


def test_parallel_conversions_convert_once(superuser):
    lead = services.lead_create(user=superuser, title="Hot", first_name="Ann")
    url = f"/api/v1/leads/{lead.pk}/convert/"
    calls = [
        (lambda api=api: api.post(url, {"contact": True}, format="json"))
        for api in clients(superuser)
    ]
    assert in_parallel(calls) == Counter({200: 1, 400: PARALLEL - 1})
    lead = Lead.objects.get(pk=lead.pk)
    assert lead.contact is not None
    links = Event.objects.of_item(lead).filter(kind=EventKind.LINKED)
    assert links.count() == 1


def test_a_patch_racing_a_delete_is_a_404_only_after_the_delete(superuser):
    deal = services.deal_create(user=superuser, title="Going")
    url = f"/api/v1/deals/{deal.pk}/"
    apis = clients(superuser)
    calls = [lambda: apis[0].delete(url)] + [
        (lambda api=api: api.patch(url, {"title": "Late", "version": 1}, format="json"))
        for api in apis[1:]
    ]
    statuses = in_parallel(calls)
    assert statuses[204] == 1
    assert set(statuses) <= {200, 204, 404, 409}
    assert not Deal.objects.filter(pk=deal.pk).exists()
