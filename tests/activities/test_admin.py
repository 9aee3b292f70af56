"""The Django admin of activities: the same rights as the pages (restrict() for the lists,
the services' checks for writes), writes through the services, hidden items never named."""

import pytest
from django.contrib.auth.models import Permission

from activities.models import Activity
from tests.helpers import tables_snapshot
from timeline.models import Event, EventKind

from .conftest import plan

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/activities/activity/"


@pytest.fixture
def staff_mia(mia, client):
    mia.is_staff = True
    mia.save()
    mia.user_permissions.set(
        Permission.objects.filter(codename__in=["view_activity", "change_activity",
                                                "delete_activity"])
    )  # fmt: skip
    client.force_login(mia)
    return client


def test_the_changelist_shows_what_she_may_read_and_names_no_hidden_item(
    staff_mia, mia, max_, mias_company, open_company, hidden_company
):
    mine = plan(mia, mias_company, subject="On mine")
    on_open = plan(max_, open_company, subject="On the open one")
    plan(max_, hidden_company, subject="Secret one")
    hers = plan(max_, hidden_company, subject="Hers on hidden", responsible=mia)
    response = staff_mia.get(CHANGELIST)
    assert response.status_code == 200
    assert {a.pk for a in response.context["cl"].result_list} == {mine.pk, on_open.pk, hers.pk}
    html = response.content.decode()
    assert "Secret one" not in html and "Initech" not in html
    assert "an item you may not see" in html
    assert staff_mia.get(f"{CHANGELIST}{hers.pk}/change/").status_code == 200
    page = staff_mia.get(f"{CHANGELIST}{hers.pk}/change/").content.decode()
    assert "Initech" not in page


def test_a_change_goes_through_the_service(staff_mia, mia, mias_company):
    call = plan(mia, mias_company, subject="Before")
    response = staff_mia.post(
        f"{CHANGELIST}{call.pk}/change/",
        {"kind": "meeting", "subject": "After", "description": "",
         "deadline_0": "2031-05-04", "deadline_1": "10:30:00", "duration": "",
         "responsible": mia.pk},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    call.refresh_from_db()
    assert (call.kind, call.subject) == ("meeting", "After")
    event = Event.objects.of_item(call).first()
    assert event.kind == EventKind.UPDATED and event.door == "admin"


def test_what_she_may_only_read_she_may_not_change_or_delete(staff_mia, max_, open_company):
    theirs = plan(max_, open_company, subject="Theirs")
    url = f"{CHANGELIST}{theirs.pk}/"
    before = tables_snapshot()
    page = staff_mia.get(f"{url}change/")
    assert page.status_code == 200 and 'name="subject"' not in page.content.decode()  # read only
    assert staff_mia.post(f"{url}change/", {"subject": "Mine now"}).status_code == 403
    assert staff_mia.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert tables_snapshot() == before


def test_delete_and_complete_through_the_services(staff_mia, mia, mias_company):
    first, second = plan(mia, mias_company), plan(mia, mias_company)
    staff_mia.post(
        CHANGELIST, {"action": "complete_selected", "_selected_action": [first.pk, second.pk]}
    )
    assert Activity.objects.filter(done=True, completed_by=mia).count() == 2
    assert staff_mia.post(f"{CHANGELIST}{first.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Activity.objects.filter(pk=first.pk).exists()
    assert Event.objects.of_item(first).first().kind == EventKind.DELETED
