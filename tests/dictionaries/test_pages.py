"""The settings pages: right checks, htmx answers, refused changes and escaping."""

import pytest
from django.test import Client

from dictionaries.models import Entry, Pipeline
from tests.helpers import tables_snapshot

from .helpers import codes, entry

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/settings/dictionaries/COMPANY_TYPE/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_users_without_the_settings_right_get_403_and_nothing_changes(user_client):
    customer = entry("COMPANY_TYPE", "CUSTOMER")
    default = Pipeline.objects.get()
    for url in [
        "/settings/dictionaries/",
        "/settings/pipelines/",
        f"/settings/pipelines/{default.pk}/",
    ]:
        assert user_client.get(url).status_code == 403
    before = tables_snapshot()
    for url, data in [
        (f"/settings/entries/{customer.pk}/update/", {"name": "Hacked"}),
        (f"/settings/entries/{customer.pk}/delete/", {}),
        ("/settings/dictionaries/COMPANY_TYPE/add/", {"name": "Hacked"}),
        ("/settings/dictionaries/COMPANY_TYPE/reorder/", {"ids": [customer.pk]}),
        ("/settings/pipelines/add/", {"name": "Hacked"}),
        (f"/settings/pipelines/{default.pk}/update/", {"name": "Hacked"}),
        (f"/settings/pipelines/{default.pk}/delete/", {}),
    ]:
        assert user_client.post(url, data).status_code == 403
    assert tables_snapshot() == before


def test_the_list_page_shows_tabs_and_entries(admin_client):
    response = admin_client.get("/settings/dictionaries/", follow=True)
    assert response.redirect_chain[-1][0] == "/settings/dictionaries/COMPANY_TYPE/"
    html = response.content.decode()
    assert 'value="Client"' in html and "CUSTOMER" in html
    assert "/settings/dictionaries/SOURCE/" in html and "/settings/pipelines/" in html
    assert admin_client.get("/settings/dictionaries/NOPE/").status_code == 404


def test_rename_in_place_answers_with_the_redrawn_list(admin_client):
    customer = entry("COMPANY_TYPE", "CUSTOMER")
    response = admin_client.post(
        f"/settings/entries/{customer.pk}/update/", {"name": "Buyer", "color": "#123456"}, **HTMX
    )
    assert response.status_code == 200
    assert 'id="entries"' in response.content.decode()
    assert entry("COMPANY_TYPE", "CUSTOMER").name == "Buyer"
    assert "Reset" in response.content.decode()


def test_a_refused_change_shows_the_reason_and_changes_nothing(admin_client):
    web = entry("SOURCE", "WEB")
    before = tables_snapshot()
    response = admin_client.post(f"/settings/entries/{web.pk}/delete/", **HTMX)
    assert response.status_code == 422
    assert "system entry" in response.content.decode()
    response = admin_client.post(
        f"/settings/entries/{web.pk}/update/", {"name": "x" * 10_000, "color": "#123456"}, **HTMX
    )
    assert response.status_code == 422 and "at most 100" in response.content.decode()
    assert tables_snapshot() == before


def test_without_htmx_a_refusal_redirects_with_a_message(admin_client):
    web = entry("SOURCE", "WEB")
    response = admin_client.post(f"/settings/entries/{web.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == "/settings/dictionaries/SOURCE/"
    assert "system entry" in response.content.decode()


def test_add_reset_and_reorder(admin_client):
    response = admin_client.post(
        "/settings/dictionaries/STATUS/add/", {"name": "Qualified", "semantics": "process"}, **HTMX
    )
    assert response.status_code == 200 and 'value="Qualified"' in response.content.decode()
    stages = list(Entry.objects.of_list("STATUS"))
    order = [stages[1], stages[0], *stages[2:]]
    response = admin_client.post(
        "/settings/dictionaries/STATUS/reorder/", {"ids": [s.pk for s in order]}, **HTMX
    )
    assert response.status_code == 200
    assert codes("STATUS")[:2] == ["IN_PROCESS", "NEW"]
    response = admin_client.post(
        "/settings/dictionaries/STATUS/reorder/", {"ids": ["1", "x"]}, **HTMX
    )
    assert response.status_code == 422 and "list of entry ids" in response.content.decode()


def test_deal_stages_are_edited_per_pipeline(admin_client):
    response = admin_client.post("/settings/pipelines/add/", {"name": "Partners"})
    pipeline = Pipeline.objects.get(name="Partners")
    assert response.url == f"/settings/pipelines/{pipeline.pk}/"
    html = admin_client.get(response.url).content.decode()
    assert f"C{pipeline.pk}:NEW" in html
    stages = list(Entry.objects.of_list("DEAL_STAGE", pipeline))
    order = [stages[2], stages[1], stages[0], *stages[3:]]
    response = admin_client.post(
        "/settings/dictionaries/DEAL_STAGE/reorder/",
        {"ids": [s.pk for s in order], "pipeline": pipeline.pk},
        **HTMX,
    )
    assert response.status_code == 200
    assert codes("DEAL_STAGE", pipeline)[0] == f"C{pipeline.pk}:PREPAYMENT_INVOICE"
    assert codes("DEAL_STAGE", Pipeline.objects.get(is_default=True))[0] == "NEW"


def test_pipeline_rename_and_delete_in_place(admin_client):
    default = Pipeline.objects.get()
    response = admin_client.post(
        f"/settings/pipelines/{default.pk}/update/", {"name": "Sales"}, **HTMX
    )
    assert response.status_code == 200 and 'value="Sales"' in response.content.decode()
    response = admin_client.post(f"/settings/pipelines/{default.pk}/delete/", **HTMX)
    assert response.status_code == 422 and "cannot be deleted" in response.content.decode()
    assert Pipeline.objects.filter(pk=default.pk).exists()


def test_names_are_escaped_in_pages(admin_client):
    customer = entry("COMPANY_TYPE", "CUSTOMER")
    hostile = '"><script>alert(1)</script>'
    admin_client.post(f"/settings/entries/{customer.pk}/update/", {"name": hostile}, **HTMX)
    html = admin_client.get("/settings/dictionaries/COMPANY_TYPE/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_posts_without_a_csrf_token_are_refused(admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    customer = entry("COMPANY_TYPE", "CUSTOMER")
    before = tables_snapshot()
    response = client.post(f"/settings/entries/{customer.pk}/update/", {"name": "Forged"})
    assert response.status_code == 403
    assert tables_snapshot() == before
