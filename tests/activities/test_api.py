"""/api/v1/activities/: list with its filters, create, update, complete, delete, under the
rights of every other door; bad input refused by field with nothing written."""

from datetime import timedelta

import pytest
from django.utils import timezone

from activities.models import Activity
from tests.conftest import token_client
from tests.helpers import refused

from .conftest import plan

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities/"


@pytest.fixture
def mia_api(mia):
    return token_client(mia)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_create_read_update_complete_delete(mia_api, mia, mias_company):
    created = mia_api.post(
        URL,
        {"entity": "company", "item_id": mias_company.pk, "kind": "meeting",
         "subject": "Visit", "deadline": "2031-05-04T10:30:00+02:00", "duration": 90},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["entity"] == "company" and body["item_id"] == mias_company.pk
    assert body["item_label"] == "Mia's Acme" and body["responsible"] == mia.pk
    assert body["deadline"].startswith("2031-05-04T08:30:00")  # kept as UTC
    assert body["done"] is False and body["completed_at"] is None
    url = f"{URL}{body['id']}/"
    assert mia_api.get(url).json()["subject"] == "Visit"

    changed = mia_api.patch(url, {"subject": "Visit at their office", "item_id": 999})
    assert changed.status_code == 200
    assert changed.json()["subject"] == "Visit at their office"
    assert changed.json()["item_id"] == mias_company.pk  # read-only: an activity stays put

    done = mia_api.post(f"{url}complete/", {"result": "Signed"})
    assert done.status_code == 200
    assert done.json()["done"] is True and done.json()["result"] == "Signed"
    assert done.json()["completed_by"] == mia.pk
    refused(mia_api, "post", f"{url}complete/", 400, {}, field="done", match="done already")

    assert mia_api.delete(url).status_code == 204
    assert not Activity.objects.exists()


def test_list_filters(mia_api, mia, max_, mias_company, open_company):
    now = timezone.now()
    other = plan(mia, mias_company, subject="Other")
    call = plan(mia, mias_company, deadline=now + timedelta(days=3))
    task = plan(mia, mias_company, kind="task", deadline=now - timedelta(days=3))
    theirs = plan(max_, open_company, responsible=max_)  # Mia reads the company: she sees it
    meeting = plan(mia, mias_company, kind="meeting", responsible=max_)
    done = plan(mia, mias_company)
    done.done = True
    done.save()
    company = {"entity": "company", "item_id": mias_company.pk}
    everything = {other.pk, call.pk, task.pk, meeting.pk, done.pk}
    assert ids(mia_api.get(URL, company)) == everything
    assert ids(mia_api.get(URL)) == everything | {theirs.pk}
    assert ids(mia_api.get(URL, {"kind": "task"})) == {task.pk}
    assert ids(mia_api.get(URL, {"kind": ["task", "meeting"]})) == {task.pk, meeting.pk}
    assert ids(mia_api.get(URL, {"responsible": max_.pk})) == {theirs.pk, meeting.pk}
    assert ids(mia_api.get(URL, {"done": "true"})) == {done.pk}
    assert done.pk not in ids(mia_api.get(URL, {"done": "false"}))
    after = (now + timedelta(days=2)).date().isoformat()
    assert ids(mia_api.get(URL, {"deadline_after": after})) == {call.pk}
    before = (now - timedelta(days=2)).date().isoformat()
    assert ids(mia_api.get(URL, {"deadline_before": before})) == {task.pk}
    ordered = mia_api.get(URL, {**company, "ordering": "deadline"}).json()["results"]
    assert ordered[0]["id"] == task.pk


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "fax"}, "kind"),  # an unknown kind
        ({"done": "maybe"}, "done"),
        ({"deadline_after": "tomorrow"}, "deadline"),  # a date in a bad format
        ({"entity": "planet", "item_id": 1}, "entity"),
        ({"entity": "company", "item_id": "-3"}, "item_id"),
        ({"item_id": 5}, "item_id"),  # an id without its type
        ({"responsible": "abc"}, "responsible"),
    ],
)
def test_bad_filters_are_a_400(mia_api, params, field):
    response = mia_api.get(URL, params)
    assert response.status_code == 400, response.content
    assert field in response.json()


CREATE = {"entity": "company", "kind": "call", "subject": "Call", "deadline": "2031-05-04T10:30"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deadline": "next tuesday"}, "deadline"),  # a deadline in a bad format
        ({"deadline": "04/05/2031 10:30"}, "deadline"),
        ({"kind": "fax"}, "kind"),  # an unknown kind
        ({"entity": "planet"}, "entity"),
        ({"subject": ""}, "subject"),
        ({"subject": 5}, "subject"),  # not a string
        ({"duration": "30"}, "duration"),  # not an integer
        ({"duration": 0}, "duration"),
        ({"responsible": 987654}, "responsible"),
    ],
)
def test_bad_input_is_refused_by_field(mia_api, mias_company, change, field):
    data = {**CREATE, "item_id": mias_company.pk, **change}
    refused(mia_api, "post", URL, 400, data, field=field)


def test_an_item_out_of_reach_is_answered_as_one_that_does_not_exist(
    mia_api, hidden_company, open_company
):
    unknown = refused(mia_api, "post", URL, 400, {**CREATE, "item_id": 987654}, field="item_id")
    hidden = refused(
        mia_api, "post", URL, 400, {**CREATE, "item_id": hidden_company.pk}, field="item_id"
    )
    assert str(hidden["item_id"]).replace(str(hidden_company.pk), "N") == str(
        unknown["item_id"]
    ).replace("987654", "N")
    assert "Initech" not in str(hidden)
    # One she reads but may not update: a forbidden write.
    refused(mia_api, "post", URL, 403, {**CREATE, "item_id": open_company.pk})
    # A hidden item as a filter finds nothing, as an unknown one.
    assert ids(mia_api.get(URL, {"entity": "company", "item_id": hidden_company.pk})) == set()


def test_rights_of_each_operation(mia_api, mia, max_, open_company, hidden_company):
    on_hidden = plan(max_, hidden_company)
    on_open = plan(max_, open_company)
    hers = plan(max_, hidden_company, responsible=mia)
    hidden = f"{URL}{on_hidden.pk}/"
    for method, url, data in (
        ("get", hidden, None), ("patch", hidden, {"subject": "x"}), ("delete", hidden, None),
        ("post", f"{hidden}complete/", {}),
    ):  # fmt: skip
        assert "Initech" not in str(refused(mia_api, method, url, 404, data))
    # She reads the open company's activity, and may not change it.
    assert mia_api.get(f"{URL}{on_open.pk}/").status_code == 200
    refused(mia_api, "patch", f"{URL}{on_open.pk}/", 403, {"subject": "x"})
    refused(mia_api, "post", f"{URL}{on_open.pk}/complete/", 403, {})
    refused(mia_api, "delete", f"{URL}{on_open.pk}/", 403)
    # Her own, on an item she may not read: hers to read and complete, the item not named.
    body = mia_api.get(f"{URL}{hers.pk}/").json()
    assert body["item_label"] == "" and "Initech" not in str(body)
    assert mia_api.post(f"{URL}{hers.pk}/complete/", {"result": "ok"}).status_code == 200
    assert ids(mia_api.get(URL)) == {on_open.pk, hers.pk}
