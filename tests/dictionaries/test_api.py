"""The REST API of reference lists and pipelines: same rules as the services, as 400/403."""

import re

import pytest
from django.contrib.staticfiles import finders
from rest_framework.test import APIClient

from dictionaries.models import Entry, Pipeline
from tests.helpers import refused

from .helpers import codes, entry

pytestmark = pytest.mark.django_db

ENTRIES = "/api/v1/dictionaries/{}/entries/"


def test_lists_are_listed(admin_api):
    response = admin_api.get("/api/v1/dictionaries/")
    assert response.status_code == 200
    by_code = {item["code"]: item for item in response.json()}
    assert by_code["STATUS"]["is_stage_list"] and not by_code["SOURCE"]["is_stage_list"]
    assert by_code["DEAL_STAGE"]["per_pipeline"]
    assert by_code["SOURCE"]["entries_url"].endswith("/api/v1/dictionaries/SOURCE/entries/")
    assert admin_api.get("/api/v1/dictionaries/NOPE/").status_code == 404
    assert admin_api.get(ENTRIES.format("NOPE")).status_code == 404


def test_entries_in_order_with_their_fields(user_api):
    response = user_api.get(ENTRIES.format("STATUS"))
    assert response.status_code == 200
    first = response.json()[0]
    assert first == {
        "id": entry("STATUS", "NEW").pk,
        "code": "NEW",
        "name": "Unassigned",
        "original_name": "Unassigned",
        "sort": 10,
        "color": "#39A8EF",
        "is_system": True,
        "semantics": "process",
        "pipeline": None,
    }
    assert [e["code"] for e in response.json()] == codes("STATUS")


def test_deal_stages_filter_by_pipeline(admin_api):
    other = admin_api.post("/api/v1/pipelines/", {"name": "Partners"}, format="json").json()
    response = admin_api.get(ENTRIES.format("DEAL_STAGE"), {"pipeline": other["id"]})
    assert response.json()[0]["code"] == f"C{other['id']}:NEW"
    assert len(response.json()) == 8


def test_create_rename_reset_delete(admin_api):
    created = admin_api.post(
        ENTRIES.format("COMPANY_TYPE"), {"name": "Reseller", "color": "#AABBCC"}, format="json"
    )
    assert created.status_code == 201, created.content
    url = ENTRIES.format("COMPANY_TYPE") + f"{created.json()['id']}/"
    assert admin_api.patch(url, {"name": "Dealer"}, format="json").json()["name"] == "Dealer"
    customer_url = ENTRIES.format("COMPANY_TYPE") + f"{entry('COMPANY_TYPE', 'CUSTOMER').pk}/"
    admin_api.patch(customer_url, {"name": "Buyer"}, format="json")
    assert admin_api.post(customer_url + "reset/").json()["name"] == "Client"
    assert admin_api.delete(url).status_code == 204
    assert not Entry.objects.filter(name="Dealer").exists()


@pytest.mark.parametrize(
    ("data", "field", "match"),
    [
        ({"name": ""}, "name", "blank"),
        ({"name": "x" * 10_000}, "name", "100"),
        ({"name": "X", "code": "CUSTOMER"}, "code", "already used"),
        ({"name": "X", "code": "bad code!"}, "code", "capital letters"),
        ({"name": "X", "color": "blue"}, "color", "#RRGGBB"),
        ({"name": "X", "semantics": "success"}, "semantics", ""),
        ({"name": ["not", "a", "string"]}, "name", ""),
    ],
    ids=["empty", "10000-chars", "duplicate-code", "bad-code", "bad-colour", "semantics", "list"],
)
def test_bad_input_gets_a_400_with_a_field_message(admin_api, data, field, match):
    refused(admin_api, "post", ENTRIES.format("COMPANY_TYPE"), 400, data, field, match)


def test_rules_are_refused_with_400(admin_api):
    web = entry("SOURCE", "WEB")
    body = refused(admin_api, "delete", ENTRIES.format("SOURCE") + f"{web.pk}/", 400)
    assert "system entry" in body["detail"]
    refused(
        admin_api,
        "post",
        ENTRIES.format("STATUS"),
        400,
        {"name": "Won twice", "semantics": "success"},
        "semantics",
        "exactly one success",
    )
    default = Pipeline.objects.get()
    body = refused(admin_api, "delete", f"/api/v1/pipelines/{default.pk}/", 400)
    assert "default pipeline" in body["detail"]


def test_reorder(admin_api):
    ids = [e["id"] for e in admin_api.get(ENTRIES.format("COMPANY_TYPE")).json()]
    response = admin_api.post(
        ENTRIES.format("COMPANY_TYPE") + "reorder/", {"ids": ids[::-1]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()[0]["code"] == "OTHER"
    assert codes("COMPANY_TYPE")[0] == "OTHER"


@pytest.mark.parametrize(
    ("ids", "match"),
    [
        (lambda ids: [*ids, 987_654], "Unknown items: 987654"),
        (lambda ids: ids[1:], "missing"),
        (lambda ids: [*ids, ids[0]], "more than once"),
        (lambda ids: ["a", "b"], "valid integer"),
        (lambda ids: [], "empty"),
    ],
    ids=["unknown", "missing", "repeated", "not-numbers", "empty"],
)
def test_bad_reorders_get_a_400(admin_api, ids, match):
    current = [e["id"] for e in admin_api.get(ENTRIES.format("COMPANY_TYPE")).json()]
    refused(
        admin_api,
        "post",
        ENTRIES.format("COMPANY_TYPE") + "reorder/",
        400,
        {"ids": ids(current)},
        "ids",
        match,
    )


def test_pipelines_with_their_stages(admin_api):
    created = admin_api.post("/api/v1/pipelines/", {"name": "Partners"}, format="json")
    assert created.status_code == 201
    pipeline = created.json()
    assert [s["code"] for s in pipeline["stages"]][-1] == f"C{pipeline['id']}:APOLOGY"
    url = f"/api/v1/pipelines/{pipeline['id']}/"
    assert admin_api.patch(url, {"name": "Resellers"}, format="json").json()["name"] == "Resellers"
    listed = admin_api.get("/api/v1/pipelines/").json()
    assert [p["name"] for p in listed] == ["General", "Resellers"]
    ids = [p["id"] for p in listed]
    reordered = admin_api.post("/api/v1/pipelines/reorder/", {"ids": ids[::-1]}, format="json")
    assert [p["name"] for p in reordered.json()] == ["Resellers", "General"]
    assert admin_api.delete(url).status_code == 204
    assert Pipeline.objects.count() == 1
    refused(admin_api, "post", "/api/v1/pipelines/", 400, {"name": ""}, "name")


def test_reading_is_open_to_signed_in_users_writing_needs_the_settings_right(user_api):
    assert user_api.get(ENTRIES.format("SOURCE")).status_code == 200
    assert user_api.get("/api/v1/pipelines/").status_code == 200
    customer_url = ENTRIES.format("COMPANY_TYPE") + f"{entry('COMPANY_TYPE', 'CUSTOMER').pk}/"
    default_url = f"/api/v1/pipelines/{Pipeline.objects.get().pk}/"
    for method, url, data in [
        ("post", ENTRIES.format("COMPANY_TYPE"), {"name": "X"}),
        ("patch", customer_url, {"name": "X"}),
        ("delete", customer_url, None),
        ("post", customer_url + "reset/", None),
        ("post", ENTRIES.format("COMPANY_TYPE") + "reorder/", {"ids": [1]}),
        ("post", "/api/v1/pipelines/", {"name": "X"}),
        ("patch", default_url, {"name": "X"}),
        ("delete", default_url, None),
    ]:
        refused(user_api, method, url, 403, data)


def test_anonymous_clients_are_refused():
    api = APIClient()
    assert api.get(ENTRIES.format("SOURCE")).status_code == 401
    refused(api, "post", ENTRIES.format("SOURCE"), 401, {"name": "X"})


def test_a_bad_token_is_refused():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get(ENTRIES.format("SOURCE")).status_code == 401


def test_session_auth_needs_csrf_for_writes(admin):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(admin)
    assert api.get(ENTRIES.format("SOURCE")).status_code == 200
    refused(api, "post", ENTRIES.format("SOURCE"), 403, {"name": "X"})


def test_openapi_schema_describes_the_api(user_client):
    response = user_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/dictionaries/{list_code}/entries/reorder/" in paths
    assert "/api/v1/pipelines/" in paths


def test_docs_page_works_offline(admin_client):
    response = admin_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
    assert external == [], external
    script = re.search(r"""src=["']/static/([^"']*swagger-ui-bundle\.js)""", html).group(1)
    assert finders.find(script), f"{script} is not shipped as a static file"
