"""What the schema promises about bodies and parameters, the API keeps: JSON types are strict,
unknown keys ignored, objects in lists whole, refusals JSON (crm/api_serializers.py)."""

import pytest

from companies.models import Company
from tests.helpers import refused

pytestmark = pytest.mark.django_db

COMPANIES = "/api/v1/companies/"


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": 5}, "name", "Expected a string, received an integer."),
        ({"name": "Acme", "responsible": "1"}, "responsible", "Expected an integer"),
        ({"name": "Acme", "responsible": True}, "responsible", "received a boolean"),
        ({"name": "Acme", "opened": "true"}, "opened", "Expected a boolean"),
        ({"name": "Acme", "revenue": 100}, "revenue", "Expected a string"),
        ({"name": "Acme", "phones": {"value": "1"}}, "phones", "Expected a list"),
    ],
)
def test_a_value_of_another_json_type_is_a_400(admin_api, data, field, message):
    """Bad input: values DRF would coerce ("1" for an id, "true" for a boolean, 5 for text)."""
    refused(admin_api, "post", COMPANIES, 400, data, field=field, match=message)


def test_unknown_keys_are_ignored(admin_api):
    created = admin_api.post(COMPANIES, {"name": "Acme", "colour": "red", "id": 999}, format="json")
    assert created.status_code == 201, created.content
    assert "colour" not in created.json() and created.json()["id"] != 999


def test_an_object_in_a_list_stays_whole_in_a_patch(admin_api, admin):
    """Bad input: a PATCH with a phone without its value (DRF relaxes required keys all the
    way down in a PATCH)."""
    company = admin_api.post(COMPANIES, {"name": "Acme"}, format="json").json()
    url = f"{COMPANIES}{company['id']}/"
    refused(admin_api, "patch", url, 400, {"phones": [{"kind": "work"}]}, field="phones")


def test_a_body_that_is_not_json_is_a_415(admin_api):
    """Bad input: a form-encoded body."""
    response = admin_api.post(
        COMPANIES, "name=Acme", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415 and "detail" in response.json()
    assert not Company.objects.exists()


@pytest.mark.parametrize("value", ["", "abc", "0", "-1", "1.5"])
def test_page_size_must_be_a_whole_number_from_1(admin_api, value):
    """Bad input: page sizes DRF would silently replace with the default."""
    response = admin_api.get(COMPANIES, {"page_size": value})
    assert response.status_code == 400 and "page_size" in response.json()


@pytest.mark.parametrize("value", ["maybe", "2x", "2"])
def test_a_flag_that_is_no_boolean_is_a_400(admin_api, value):
    assert admin_api.get("/api/v1/requisite-presets/", {"all": value}).status_code == 400
    assert admin_api.get("/api/v1/leads/", {"closed": value}).status_code == 400


@pytest.mark.parametrize(
    "url", ["/api/v1/nothing/", "/api/v1/companies/-5/requisites/x/", "/api/v1/a\nb/"]
)
def test_an_address_no_endpoint_answers_is_a_json_404(admin_api, url):
    for method in ("get", "delete"):
        response = getattr(admin_api, method)(url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}
