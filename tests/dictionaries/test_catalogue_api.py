"""The catalogue served (``/api/v1/fields/<entity>/``) and card layouts in the API
(``/api/v1/layouts/<entity>/``)."""

import pytest

from dictionaries.models import CardLayout, CustomField
from tests.conftest import token_client
from tests.factories import UserFactory
from tests.helpers import refused

pytestmark = pytest.mark.django_db

TIER = {"label": "Tier", "kind": "list", "options": [{"label": "Gold"}, {"label": "Silver"}]}


def test_the_catalogue_lists_system_and_custom_fields(admin_api):
    fields = {f["code"]: f for f in admin_api.get("/api/v1/fields/company/").json()}
    assert fields["name"]["required"] and fields["name"]["bitrix24_code"] == "TITLE"
    assert fields["type"]["kind"] == "list" and fields["type"]["list"] == "COMPANY_TYPE"
    assert fields["revenue"]["kind"] == "money" and fields["phones"]["multiple"]
    assert not fields["name"]["is_custom"] and fields["name"]["usable_in"]["card"]
    created = admin_api.post("/api/v1/fields/company/", TIER, format="json")
    assert created.status_code == 201, created.content
    tier = created.json()
    assert tier["code"] == "UF_CRM_TIER" and tier["is_custom"] and tier["kind"] == "list"
    assert [o["label"] for o in tier["options"]] == ["Gold", "Silver"]
    listed = [f["code"] for f in admin_api.get("/api/v1/fields/company/").json()]
    assert listed[-1] == "UF_CRM_TIER"
    contacts = admin_api.get("/api/v1/fields/contact/").json()
    assert "UF_CRM_TIER" not in {f["code"] for f in contacts}
    assert admin_api.get("/api/v1/fields/spaceship/").status_code == 404


def test_custom_fields_are_changed_and_deleted_but_never_change_kind(admin_api):
    admin_api.post("/api/v1/fields/company/", TIER, format="json")
    url = "/api/v1/fields/company/UF_CRM_TIER/"
    changed = admin_api.patch(url, {"label": "Level", "options": [
        {"id": 2, "label": "Argent"}, {"id": 1, "label": "Or"}]}, format="json")  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert [(o["id"], o["label"]) for o in changed.json()["options"]] == [(2, "Argent"),
                                                                          (1, "Or")]  # fmt: skip
    admin_api.patch(url, {"kind": "string"}, format="json")  # an unknown key: ignored
    assert CustomField.objects.get().kind == "list"
    assert admin_api.delete(url).status_code == 204
    assert admin_api.get(url).status_code in (404, 405)
    assert admin_api.patch(url, {"label": "Again"}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"label": "Tier", "kind": "colour"}, "kind"),
        ({"label": "x" * 300, "kind": "string"}, "label"),
        ({"label": "Tier", "kind": "string", "options": [{"label": "Gold"}]}, "options"),
        ({"label": "Tier", "kind": "list", "options": []}, "options"),
        ({"label": "Tier", "kind": "list", "options": [{"id": 9, "label": "Gold"}]}, "options"),
        ({"label": 5, "kind": "string"}, "label"),
    ],
)
def test_bad_definitions_are_a_400_naming_the_field(admin_api, data, field):
    """Bad input: an unknown kind, a 300-character label, options where none belong, none
    where they must, an unknown option id, a number for a label."""
    refused(admin_api, "post", "/api/v1/fields/company/", 400, data, field=field)


def test_only_the_settings_right_changes_fields_and_layouts(api_client_for_manager):
    api = api_client_for_manager
    assert api.get("/api/v1/fields/company/").status_code == 200  # every signed-in user reads
    refused(api, "post", "/api/v1/fields/company/", 403, TIER)
    refused(api, "put", "/api/v1/layouts/company/", 403,
            {"sections": [{"name": "All", "fields": ["name"]}]})  # fmt: skip


@pytest.fixture
def api_client_for_manager(db):
    return token_client(UserFactory())


def test_a_layout_is_read_set_refused_with_its_reason_and_reset(admin_api):
    url = "/api/v1/layouts/company/"
    default = admin_api.get(url).json()
    assert default["sections"][0]["name"] == "About the company" and default["hidden"] == []
    arranged = {"sections": [{"name": "Who", "fields": ["name", "phones"]}],
                "hidden": ["comments"]}  # fmt: skip
    answer = admin_api.put(url, arranged, format="json")
    assert answer.status_code == 200, answer.content
    (who,) = answer.json()["sections"]  # the fields placed nowhere join the last section
    assert who["name"] == "Who" and who["fields"][:2] == ["name", "phones"]
    assert "type" in who["fields"] and "comments" not in who["fields"]
    assert answer.json()["hidden"] == ["comments"]
    refused(admin_api, "put", url, 400, {"sections": [{"name": "A", "fields": ["nope"]}]},
            field="sections", match="nope")  # fmt: skip
    hiding_the_name = {"sections": [{"name": "A", "fields": []}], "hidden": ["name"]}
    refused(admin_api, "put", url, 400, hiding_the_name, field="hidden", match="required")
    assert admin_api.delete(url).status_code == 204
    assert not CardLayout.objects.exists()
    assert admin_api.get("/api/v1/layouts/spaceship/").status_code == 404


def test_defaults_are_checked_like_values_and_given_to_new_items(admin_api, client, admin):
    created = admin_api.post("/api/v1/fields/company/", {**TIER, "default": "Silver"},
                             format="json")  # fmt: skip
    assert created.status_code == 201 and created.json()["default"] == 2
    seats = {"label": "Seats", "kind": "integer", "default": "many"}
    refused(admin_api, "post", "/api/v1/fields/company/", 400, seats, field="default")
    company = admin_api.post("/api/v1/companies/", {"name": "Acme"}, format="json").json()
    assert company["custom"] == {"UF_CRM_TIER": 2}
    client.force_login(admin)
    page = client.post("/settings/fields/company/", {"label": "Seats", "kind": "integer",
                                                     "sort": 1, "default_value": "5"})  # fmt: skip
    assert page.status_code == 302
    assert CustomField.objects.get(code="UF_CRM_SEATS").default == 5
