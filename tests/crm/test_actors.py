"""Actors and doors: every event records through which door it came (page, API, admin, import
#N, web form #N, webhook #N, system) and for whom; history and the timeline API show it; a
door never outlives its request, job or block."""

import pytest
from celery import shared_task
from django.test import RequestFactory

from accessrights.models import Role
from companies.models import Company
from companies.services import company_create, company_update
from crm import generic_views
from crm.actors import (
    Door,
    DoorKind,
    DoorMiddleware,
    SystemDoorTask,
    acting_through,
    current_acting,
    current_door,
)
from crm.items import items_bulk_set
from tests.conftest import sales_user
from tests.factories import UserFactory
from timeline.models import Event, EventKind
from timeline.services import event_record

from ..companies.helpers import entry

pytestmark = pytest.mark.django_db

SYSTEM = Door("system")


@pytest.fixture
def anna(db):
    return sales_user(first_name="Anna", last_name="Lee")


def created(company) -> Event:
    return Event.objects.of_item(company).get(kind=EventKind.CREATED)


def page_data(name: str, responsible) -> dict:
    """What the company form posts for a new company."""
    return {
        "name": name,
        "type": entry("COMPANY_TYPE", "CUSTOMER").pk,
        "responsible": responsible.pk,
        "phones-0-value": "",
        "phones-0-kind": "work",
    }


def door_of(event) -> tuple:
    return event.door, event.door_id, event.on_behalf_of


@shared_task
def door_seen_by_a_task() -> list:
    door = current_door()
    return [door.kind, door.id]


# The door of each way in


def test_a_company_created_through_a_page_records_the_page(user_client, user):
    response = user_client.post("/companies/add/", page_data("Initech", user))
    assert response.status_code == 302, response.content.decode()[:2000]
    event = created(Company.objects.get(name="Initech"))
    assert (event.author, *door_of(event)) == (user, "page", None, None)


def test_a_company_created_through_the_api_records_the_api(user_api, user):
    response = user_api.post("/api/v1/companies/", {"name": "Initech", "type": "CUSTOMER"})
    assert response.status_code == 201, response.content
    event = created(Company.objects.get(name="Initech"))
    assert (event.author, *door_of(event)) == (user, "api", None, None)


def test_a_company_created_through_the_admin_records_the_admin(admin_client, admin):
    response = admin_client.post(
        "/admin/companies/company/add/",
        {"name": "Globex", "type": entry("COMPANY_TYPE", "PARTNER").pk, "responsible": admin.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = created(Company.objects.get(name="Globex"))
    assert (event.author, *door_of(event)) == (admin, "admin", None, None)


def test_rights_pages_are_a_page_door_too(admin_client):
    admin_client.post("/settings/rights/roles/add/", {"name": "Readers"})
    event = Event.objects.of_item(Role.objects.get(name="Readers")).get()
    assert door_of(event) == ("page", None, None)
    page = admin_client.get(f"/settings/rights/roles/{event.item_id}/").content.decode()
    assert "via page" in page


# Jobs: a door of their own, for someone


def test_an_import_job_acting_for_its_uploader(anna, user_client, user_api):
    with acting_through(Door("import", 12), on_behalf_of=anna) as acting:
        assert current_acting() is acting
        acme = company_create(user=anna, name="Acme")
        company_update(user=anna, company=acme, name="Acme Inc.")
    events = list(Event.objects.of_item(acme))
    assert {(e.author, *door_of(e)) for e in events} == {(anna, "import", 12, anna)}
    assert events[0].actor_line() == "by Anna Lee via import #12"

    page = user_client.get(f"/companies/{acme.pk}/?tab=history").content.decode()
    assert page.count("by Anna Lee via import #12") == 2

    timeline = user_api.get(f"/api/v1/companies/{acme.pk}/timeline/").json()["results"]
    assert timeline[0]["door"] == {"kind": "import", "id": 12}
    assert timeline[0]["on_behalf_of"] == anna.pk
    assert timeline[0]["on_behalf_of_name"] == "Anna Lee"
    assert timeline[0]["actor"] == "by Anna Lee via import #12"


def test_bulk_writes_record_the_door(anna):
    acme, globex = company_create(user=anna, name="Acme"), company_create(user=anna, name="Globex")
    with acting_through(Door("import", 7), on_behalf_of=anna):
        items_bulk_set(
            user=anna,
            queryset=Company.objects.filter(pk__in=[acme.pk, globex.pk]),
            changes=[{"field": "opened", "label": "open", "old": "no", "new": "yes"}],
            opened=True,
        )
    bulk = Event.objects.filter(kind=EventKind.UPDATED)
    assert [door_of(e) for e in bulk] == [("import", 7, anna)] * 2


def test_a_web_form_acts_for_nobody():
    acme = company_create(user=sales_user(), name="Acme")
    with acting_through(Door("webform", 3)):
        event = event_record(item=acme, kind=EventKind.COMMENT, author=None, text="Call me")
    assert door_of(event) == ("webform", 3, None)
    assert event.author is None
    assert event.actor_line() == "via web form #3"


def test_a_door_acting_for_someone_else_names_both(anna):
    bob = UserFactory(first_name="Bob", last_name="Stone")
    acme = company_create(user=anna, name="Acme")
    with acting_through(Door("webhook", 4), on_behalf_of=anna):
        event = event_record(item=acme, kind=EventKind.COMMENT, author=bob, text="Synced")
    assert event.actor_line() == "by Bob Stone for Anna Lee via webhook #4"


# Outside any door: the system


def test_outside_any_door_it_is_the_system(anna, user_api):
    assert current_door() == SYSTEM
    acme = company_create(user=anna, name="Acme")
    event = created(acme)
    assert door_of(event) == ("system", None, None)
    assert event.actor_line() == "by Anna Lee via system"
    nobody = event_record(item=acme, kind=EventKind.COMMENT, author=None, text="Nightly check")
    assert nobody.actor_line() == "system"
    timeline = user_api.get(f"/api/v1/companies/{acme.pk}/timeline/").json()["results"]
    assert [e["door"] for e in timeline] == [{"kind": "system", "id": None}] * 2


def test_events_from_before_doors_show_their_author_only(anna, user_client, user_api):
    acme = company_create(user=anna, name="Acme")
    Event.objects.update(door="", door_id=None)  # as the migration leaves older events
    event = created(acme)
    assert event.actor_line() == "Anna Lee"
    page = user_client.get(f"/companies/{acme.pk}/?tab=history").content.decode()
    assert "Anna Lee" in page and " via " not in page
    timeline = user_api.get(f"/api/v1/companies/{acme.pk}/timeline/").json()["results"]
    assert timeline[0]["door"] is None


def test_a_task_starts_at_the_system_door_even_inside_a_request_door():
    assert isinstance(door_seen_by_a_task, SystemDoorTask)
    with acting_through(Door("api")):
        assert door_seen_by_a_task.apply().get() == ["system", None]
        assert current_door() == Door("api")


# Doors never leak


def test_doors_do_not_leak_between_requests(user_client, user_api, user):
    user_api.post("/api/v1/companies/", {"name": "By API", "type": "CUSTOMER"})
    assert current_door() == SYSTEM
    user_client.post("/companies/add/", page_data("By page", user))
    assert current_door() == SYSTEM
    assert created(Company.objects.get(name="By API")).door == "api"
    assert created(Company.objects.get(name="By page")).door == "page"


def test_a_request_that_raises_still_resets_the_door(user_client, user_api, monkeypatch):
    acme = company_create(user=sales_user(), name="Acme")
    seen = []

    def broken(self, **kwargs):
        seen.append(current_door())
        raise RuntimeError("broken card")

    monkeypatch.setattr(generic_views.ItemView, "get_context_data", broken)
    with pytest.raises(RuntimeError):
        user_client.get(f"/companies/{acme.pk}/")
    assert seen == [Door("page")]
    assert current_door() == SYSTEM
    user_api.post("/api/v1/companies/", {"name": "Next", "type": "CUSTOMER"})
    assert created(Company.objects.get(name="Next")).door == "api"


def test_the_middleware_resets_the_door_when_the_view_raises():
    seen = []

    def view(request):
        seen.append(current_door())
        raise ValueError("boom")

    with acting_through(Door("import", 5)):
        with pytest.raises(ValueError, match="boom"):
            DoorMiddleware(view)(RequestFactory().get("/admin/"))
        assert current_door() == Door("import", 5)
    assert seen == [Door("admin")]
    assert current_door() == SYSTEM


def test_acting_through_resets_in_a_finally_and_nests():
    anna = UserFactory()
    with acting_through(Door("import", 1), on_behalf_of=anna):
        with pytest.raises(KeyError), acting_through(Door("webhook", 2)):
            assert current_acting().on_behalf_of is None
            raise KeyError
        assert current_acting().door == Door("import", 1)
        assert current_acting().on_behalf_of == anna
    assert current_door() == SYSTEM


def test_the_door_of_each_kind_of_url():
    from crm.actors import door_of_request

    factory = RequestFactory()
    assert door_of_request(factory.get("/companies/")) == Door("page")
    assert door_of_request(factory.get("/api/v1/companies/")) == Door("api")
    assert door_of_request(factory.get("/admin/companies/company/")) == Door("admin")
    assert door_of_request(factory.get("/admin/")) == Door("admin")
    assert door_of_request(factory.get("/no/such/page/")) == Door("page")


def test_a_door_is_a_small_immutable_value():
    assert Door(DoorKind.IMPORT, 12) == Door("import", 12)
    assert Door("import", 12).kind == "import" and type(Door(DoorKind.API).kind) is str
    with pytest.raises(ValueError, match="unknown door"):
        Door("fax")
    with pytest.raises(ValueError, match="no id"):
        Door("page", 3)
    with pytest.raises(TypeError):
        Door("import", "12")
    with pytest.raises(AttributeError):
        Door("api").kind = "admin"
