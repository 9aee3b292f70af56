"""Django admin writes through the services: their rules and messages apply there too."""

import pytest

from dictionaries.models import Entry, Pipeline
from tests.helpers import tables_snapshot

from .helpers import codes, entry

pytestmark = pytest.mark.django_db


def test_changelists_load(admin_client):
    assert admin_client.get("/admin/dictionaries/entry/").status_code == 200
    assert admin_client.get("/admin/dictionaries/pipeline/").status_code == 200
    default = Pipeline.objects.get()
    assert admin_client.get(f"/admin/dictionaries/pipeline/{default.pk}/change/").status_code == 200


def test_adding_a_stage_places_it_and_generates_a_code(admin_client):
    response = admin_client.post(
        "/admin/dictionaries/entry/add/",
        {
            "list_code": "STATUS",
            "code": "",
            "name": "Qualified",
            "color": "#ABCDEF",
            "semantics": "process",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Entry.objects.get(name="Qualified")
    assert added.code.startswith("UC_")
    assert codes("STATUS")[3] == added.code  # after the last process stage


def test_a_second_success_stage_is_a_form_error(admin_client):
    before = tables_snapshot()
    response = admin_client.post(
        "/admin/dictionaries/entry/add/",
        {"list_code": "STATUS", "name": "Won twice", "color": "#ABCDEF", "semantics": "success"},
    )
    assert response.status_code == 200
    assert "exactly one success stage" in response.content.decode()
    assert tables_snapshot() == before


def test_renaming_goes_through_the_service(admin_client):
    customer = entry("COMPANY_TYPE", "CUSTOMER")
    response = admin_client.post(
        f"/admin/dictionaries/entry/{customer.pk}/change/", {"name": " Buyer ", "color": "#000000"}
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.color, customer.sort) == ("Buyer", "#000000", 10)


def test_deleting_a_system_entry_is_refused_with_the_reason(admin_client):
    web = entry("SOURCE", "WEB")
    before = tables_snapshot()
    response = admin_client.post(
        f"/admin/dictionaries/entry/{web.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert "system entry" in response.content.decode()
    assert tables_snapshot() == before


def test_deleting_a_free_entry_works(admin_client):
    competitor = entry("COMPANY_TYPE", "COMPETITOR")
    response = admin_client.post(
        f"/admin/dictionaries/entry/{competitor.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert "COMPETITOR" not in codes("COMPANY_TYPE")


def test_a_pipeline_added_in_admin_gets_its_stages(admin_client):
    response = admin_client.post(
        "/admin/dictionaries/pipeline/add/",
        {"name": "Partners"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    pipeline = Pipeline.objects.get(name="Partners")
    assert len(codes("DEAL_STAGE", pipeline)) == 8


def test_the_default_pipeline_cannot_be_deleted_in_admin(admin_client):
    default = Pipeline.objects.get()
    response = admin_client.post(
        f"/admin/dictionaries/pipeline/{default.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert "cannot be deleted" in response.content.decode()
    assert Pipeline.objects.filter(pk=default.pk).exists()


def test_bulk_delete_is_not_offered(admin_client):
    html = admin_client.get("/admin/dictionaries/entry/").content.decode()
    assert "delete_selected" not in html


def test_staff_without_the_settings_right_cannot_change_entries(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/dictionaries/entry/").status_code == 403


def test_renaming_a_pipeline_in_admin_keeps_its_stages(admin_client):
    default = Pipeline.objects.get()
    stages = list(Entry.objects.of_list("DEAL_STAGE", default))
    data = {
        "name": "Sales",
        "stages-TOTAL_FORMS": str(len(stages)),
        "stages-INITIAL_FORMS": str(len(stages)),
        **{f"stages-{i}-id": str(stage.pk) for i, stage in enumerate(stages)},
        **{f"stages-{i}-pipeline": str(default.pk) for i in range(len(stages))},
    }
    response = admin_client.post(f"/admin/dictionaries/pipeline/{default.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    default.refresh_from_db()
    assert default.name == "Sales"
    assert codes("DEAL_STAGE", default) == [s.code for s in stages]
