"""Call list pages: made from a list's bulk bar (selected items or a whole filter, only what
the maker may read), the list with its progress and phones, worked through call by call."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calllists import services
from calllists.models import CallList
from companies import services as clients

pytestmark = pytest.mark.django_db


@pytest.fixture
def base(admin):
    return {
        "north": clients.company_create(
            user=admin, name="Nordwind", phones=[{"value": "+49 30 901820", "kind": "work"}]
        ),
        "south": clients.company_create(user=admin, name="Südwind"),
        "hidden": clients.company_create(user=admin, name="Hidden", opened=False),
    }


def test_the_bulk_bar_offers_a_call_list_on_client_lists_only(client, admin):
    client.force_login(admin)
    assert "Create call list" in client.get("/companies/").content.decode()
    assert "/call-lists/new/company/" in client.get("/companies/").content.decode()
    assert "Create call list" not in client.get("/deals/list/").content.decode()


def test_a_call_list_from_a_filter_takes_only_readable_clients(client, manager, base):
    client.force_login(manager)
    form = {"scope": "filter", "query": "q=wind"}
    page = client.post("/call-lists/new/company/", form).content.decode()
    assert "2 chosen items" in page
    response = client.post("/call-lists/new/company/", {
        **form, "confirm": "1", "name": "Wind", "responsible": manager.pk,
        "chosen": [base["north"].pk, base["south"].pk, base["hidden"].pk],
    })  # fmt: skip
    call_list = CallList.objects.get()
    assert response.status_code == 302 and response.url == f"/call-lists/{call_list.pk}/"
    assert set(call_list.items.values_list("item_id", flat=True)) == {
        base["north"].pk, base["south"].pk}  # fmt: skip
    page = client.get(response.url).content.decode()
    assert 'href="tel:+4930901820"' in page and "Hidden" not in page
    assert "0 called, 2 left" in page


def test_working_through_records_each_call_and_ends(client, admin, base):
    client.force_login(admin)
    client.post("/call-lists/new/company/", {
        "confirm": "1", "name": "Feedback", "responsible": admin.pk,
        "chosen": [base["north"].pk, base["south"].pk],
    })  # fmt: skip
    call_list = CallList.objects.get()
    work = f"/call-lists/{call_list.pk}/work/"
    for status in ("SUCCESS", "WRONG_NUMBER"):
        page = client.get(work)
        entry = call_list.items.filter(status=None).first()
        assert page.status_code == 200 and str(entry.pk) in page.content.decode()
        client.post(work, {"entry": entry.pk, "status": status, "comment": "ok"})
    response = client.get(work)
    assert response.status_code == 302
    assert "2 called, 0 left" in client.get(response.url).content.decode()
    history = client.get(f"{base['north'].get_absolute_url()}?tab=history").content.decode()
    assert "Call list “Feedback”: Success. ok" in history


def test_bad_call_list_posts_are_refused_clearly(client, admin, manager, base):
    client.force_login(admin)
    # Bad input: no name; an unknown item type; a foreign filter; someone else's list.
    response = client.post(
        "/call-lists/new/company/",
        {"confirm": "1", "name": "", "responsible": admin.pk, "chosen": [base["north"].pk]},
    )
    assert response.status_code == 400 and "Give the call list a name" in response.content.decode()
    assert client.post("/call-lists/new/deal/", {"ids": ["1"]}).status_code == 400
    bad = client.post("/call-lists/new/company/", {"scope": "filter", "query": "type=NOPE"})
    assert bad.status_code == 400
    client.post(
        "/call-lists/new/company/",
        {"confirm": "1", "name": "Mine", "responsible": admin.pk, "chosen": [base["north"].pk]},
    )
    call_list = CallList.objects.get()
    client.force_login(manager)
    assert client.get(f"/call-lists/{call_list.pk}/").status_code == 404
    assert client.get(f"/call-lists/{call_list.pk}/work/").status_code == 404
    assert client.post(f"/call-lists/{call_list.pk}/work/", {"entry": 1}).status_code == 404


def test_the_index_shows_each_lists_progress_in_a_constant_number_of_queries(
    client, admin, base, django_assert_max_num_queries
):
    client.force_login(admin)

    def make(name):
        return services.call_list_create(
            user=admin, name=name, responsible=admin, entity_key="company",
            ids=[base["north"].pk, base["south"].pk],
        )  # fmt: skip

    first = make("First")
    client.get("/call-lists/")
    with CaptureQueriesContext(connection) as one:
        client.get("/call-lists/")
    for n in range(4):
        make(f"More {n}")
    entry = first.items.get(item_id=base["north"].pk)
    services.call_record(user=admin, entry=entry, status=services.call_status("SUCCESS"))
    with django_assert_max_num_queries(len(one)):
        page = client.get("/call-lists/").content.decode()
    assert page.count("<td>1</td><td>1</td>") == 1  # First: 1 called, 1 left
    assert page.count("<td>0</td><td>2</td>") == 4
