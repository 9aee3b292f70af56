"""``/api/v1/call-lists/``: the services' rules as HTTP answers."""

import pytest

from companies import services as clients
from tests.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies(admin):
    return [
        clients.company_create(
            user=admin, name="Nordwind", phones=[{"value": "+49 30 901820", "kind": "work"}]
        ),
        clients.company_create(user=admin, name="Hidden", opened=False),
    ]


def test_create_read_and_record_a_call(manager, companies):
    api = token_client(manager)
    made = api.post("/api/v1/call-lists/", {
        "name": "Spring", "responsible": manager.pk, "entity": "company",
        "ids": [c.pk for c in companies],
    })  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["left"] == 1  # the hidden company was left out
    shown = api.get(f"/api/v1/call-lists/{made.json()['id']}/").json()
    [call] = shown["calls"]
    assert call["name"] == "Nordwind" and call["phones"] == ["+4930901820"]
    result = {"entry": call["id"], "status": "STOP_CALLING", "comment": "No more"}
    done = api.post(f"/api/v1/call-lists/{shown['id']}/calls/", result)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "STOP_CALLING" and done.json()["do_not_call"] is True
    listed = api.get("/api/v1/call-lists/").json()["results"]
    assert listed[0]["called"] == 1
    assert {"status": "STOP_CALLING", "count": 1} in listed[0]["statuses"]


def test_bad_requests_are_refused_clearly(admin, manager, companies):
    api = token_client(admin)
    # Bad input: deals to call, 10,001 ids, a status of another list, someone else's list.
    refused = api.post("/api/v1/call-lists/", {
        "name": "X", "responsible": admin.pk, "entity": "deal", "ids": [1]})  # fmt: skip
    assert refused.status_code == 400 and "entity" in refused.json()
    huge = api.post("/api/v1/call-lists/", {
        "name": "X", "responsible": admin.pk, "entity": "company",
        "ids": list(range(1, 10_002))})  # fmt: skip
    assert huge.status_code == 400 and "ids" in huge.json()
    made = api.post("/api/v1/call-lists/", {
        "name": "Mine", "responsible": admin.pk, "entity": "company",
        "ids": [companies[0].pk]}).json()  # fmt: skip
    entry = api.get(f"/api/v1/call-lists/{made['id']}/").json()["calls"][0]["id"]
    wrong = api.post(f"/api/v1/call-lists/{made['id']}/calls/", {"entry": entry, "status": "NEW"})
    assert wrong.status_code == 400 and "status" in wrong.json()
    other = token_client(manager)
    assert other.get(f"/api/v1/call-lists/{made['id']}/").status_code == 404
    assert other.post(f"/api/v1/call-lists/{made['id']}/calls/",
                      {"entry": entry, "status": "SUCCESS"}).status_code == 404  # fmt: skip
    assert other.get("/api/v1/call-lists/").json()["results"] == []
