"""/api/v1/webforms/: forms through the services, their submissions, retry; the settings
right; refusals as the rest of the API gives them."""

import json

import pytest

from accessrights.models import Role
from accessrights.rights import rights_changed
from companies.models import Contact
from dictionaries.models import Pipeline
from tests.conftest import token_client
from webforms.models import Submission, SubmissionStatus, WebForm
from webforms.services import webform_create

from .conftest import CLIENT_FIELDS, DEAL_FIELDS, filled

FORMS = "/api/v1/webforms/"


def new_form(responsible, **changes) -> dict:
    return {"name": "Contact us", "fields": CLIENT_FIELDS[:4], "responsibles": [responsible.pk],
            "allowed_origins": ["https://Shop.example.com/"], **changes}  # fmt: skip


def submit(client, form, **data):
    return client.post(f"/f/{form.key}/submit", json.dumps(filled(form, **data)),
                       content_type="application/json")  # fmt: skip


def test_a_form_is_created_with_its_fields_key_addresses_and_embed_snippet(admin_api, responsible):
    response = admin_api.post(FORMS, new_form(responsible), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    form = WebForm.objects.get()
    assert body["key"] == form.key
    assert body["page_url"] == f"http://testserver/f/{form.key}/"
    assert body["submit_url"] == f"http://testserver/f/{form.key}/submit"
    assert body["embed"] == (
        f'<script src="http://testserver/f/{form.key}/embed.js" async></script>'
    )
    assert [field["name"] for field in body["fields"]] == ["company", "first_name",
                                                          "last_name", "email"]  # fmt: skip
    assert body["allowed_origins"] == ["https://shop.example.com"]  # as the service cleans it
    assert body["responsibles"] == [responsible.pk]
    assert body["source"] is not None  # WEBFORM by default
    assert admin_api.get(f"{FORMS}{form.pk}/").json() == body
    assert admin_api.get(FORMS).json()["results"] == [body]


def test_a_patch_changes_what_it_gives_and_keeps_the_fields(admin_api, client_form):
    url = f"{FORMS}{client_form.pk}/"
    response = admin_api.patch(url, {"name": "Write to us", "active": False}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Write to us"
    assert response.json()["active"] is False
    assert len(response.json()["fields"]) == len(CLIENT_FIELDS)


def test_a_put_replaces_the_fields(admin_api, client_form, responsible):
    given = new_form(responsible, fields=CLIENT_FIELDS[2:4])
    response = admin_api.put(f"{FORMS}{client_form.pk}/", given, format="json")
    assert response.status_code == 200, response.json()
    assert list(client_form.fields.values_list("name", flat=True)) == ["last_name", "email"]


def test_a_delete_removes_the_form(admin_api, client_form):
    assert admin_api.delete(f"{FORMS}{client_form.pk}/").status_code == 204
    assert not WebForm.objects.exists()


@pytest.mark.parametrize(
    "changes, key",
    [
        ({"fields": [{"name": "x", "target": "contact", "code": "no_such_field", "label": "X"}]},
         "fields"),  # a field the catalogue does not have
        ({"fields": [{"name": "_hp", "target": "contact", "code": "last_name", "label": "X"}]},
         "fields"),  # a name kept for the honeypot
        ({"allowed_origins": ["javascript:alert(1)"]}, "allowed_origins"),
        ({"redirect_url": "javascript:alert(1)"}, "redirect_url"),
        ({"responsibles": [999999]}, "responsibles"),  # no such user
        ({"fields": {"name": "x"}}, "fields"),  # an object where a list belongs
        ({"name": 5}, "name"),  # a number where a string belongs
        ({"scheme": "invoice"}, "scheme"),  # a scheme not built
    ],
)  # fmt: skip
def test_invalid_forms_are_400_naming_the_field_and_nothing_is_written(
    admin_api, responsible, changes, key
):
    response = admin_api.post(FORMS, new_form(responsible, **changes), format="json")
    assert response.status_code == 400
    assert key in response.json()
    assert not WebForm.objects.exists()


def test_without_the_settings_right_forms_are_403_and_nothing_is_written(
    user_api, client_form, responsible
):
    # Bad input: a sales user (every item right, no settings right) at every operation.
    url = f"{FORMS}{client_form.pk}/"
    assert user_api.get(FORMS).status_code == 403
    assert user_api.get(url).status_code == 403
    assert user_api.get(f"{url}submissions/").status_code == 403
    assert user_api.post(FORMS, new_form(responsible), format="json").status_code == 403
    assert user_api.patch(url, {"name": "Mine"}, format="json").status_code == 403
    assert user_api.delete(url).status_code == 403
    assert WebForm.objects.get().name == "Contact us"


def test_unknown_forms_and_submissions_are_404(admin, admin_api, client_form, client, responsible):
    # Bad input: a form id that does not exist; a submission of another form.
    submit(client, client_form, last_name="Doe", email="doe@example.com")
    other = webform_create(user=admin, name="Other", fields=CLIENT_FIELDS[:4],
                           responsibles=[responsible])  # fmt: skip
    sid = Submission.objects.get().pk
    assert admin_api.get(f"{FORMS}999999/").status_code == 404
    assert admin_api.get(f"{FORMS}999999/submissions/").status_code == 404
    assert admin_api.post(f"{FORMS}{other.pk}/submissions/{sid}/retry/").status_code == 404


def test_submissions_are_listed_newest_first_and_filtered_by_status(admin_api, client_form, client):
    submit(client, client_form, last_name="Doe", email="doe@example.com")
    submit(client, client_form, last_name="Roe")  # the required e-mail missing: failed
    url = f"{FORMS}{client_form.pk}/submissions/"
    listed = admin_api.get(url).json()["results"]
    assert [s["status"] for s in listed] == ["failed", "processed"]
    assert listed[1]["data"]["last_name"] == "Doe"
    contact = Contact.objects.get()
    assert listed[1]["created"] == {"contact": contact.pk}
    failed = admin_api.get(url, {"status": "failed"}).json()["results"]
    assert [s["data"]["last_name"] for s in failed] == ["Roe"]
    # Bad input: a status that is none of the four.
    assert "status" in admin_api.get(url, {"status": "lost"}).json()


def test_created_items_the_reader_may_not_read_are_left_out(settings_only, client_form, client):
    submit(client, client_form, last_name="Doe", email="doe@example.com")
    api = token_client(settings_only)
    listed = api.get(f"{FORMS}{client_form.pk}/submissions/").json()["results"]
    assert listed[0]["status"] == "processed"
    assert listed[0]["created"] == {}


def test_a_failed_submission_is_retried_once_its_cause_is_fixed(
    admin, admin_api, client_form, client, responsible
):
    # Bad input: the only responsible person deactivated when the post arrives.
    responsible.is_active = False
    responsible.save()
    submit(client, client_form, last_name="Doe", email="doe@example.com")
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.FAILED
    url = f"{FORMS}{client_form.pk}/submissions/{submission.pk}/retry/"
    responsible.is_active = True
    responsible.save()
    response = admin_api.post(url)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "processed"
    assert response.json()["created"] == {"contact": Contact.objects.get().pk}
    # Bad input: retrying a submission that is already processed.
    again = admin_api.post(url)
    assert again.status_code == 400
    assert "detail" in again.json()
    assert Contact.objects.count() == 1


def test_retry_needs_the_settings_right(user_api, client_form, client):
    # Bad input: a sales user retrying a failed submission.
    submit(client, client_form, last_name="Roe")
    submission = Submission.objects.get()
    url = f"{FORMS}{client_form.pk}/submissions/{submission.pk}/retry/"
    assert user_api.post(url).status_code == 403
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED


def test_a_role_with_the_settings_right_opens_the_api(settings_only, client_form):
    api = token_client(settings_only)
    assert api.get(FORMS).status_code == 200
    Role.objects.filter(name="Settings only").update(can_change_settings=False)
    rights_changed()
    assert api.get(FORMS).status_code == 403


def test_a_deal_form_takes_its_pipeline_and_a_stage_of_it(admin_api, responsible):
    pipeline = Pipeline.objects.get(is_default=True)
    stage = pipeline.stages.order_by("sort").last()
    given = new_form(responsible, scheme="deal", pipeline=pipeline.pk, stage=stage.pk,
                     fields=DEAL_FIELDS)  # fmt: skip
    response = admin_api.post(FORMS, given, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["pipeline"], response.json()["stage"]) == (pipeline.pk, stage.pk)
    # Bad input: a stage of another pipeline.
    other = admin_api.post("/api/v1/pipelines/", {"name": "Partners"}, format="json").json()
    given["stage"] = other["stages"][0]["id"]
    refused = admin_api.post(FORMS, given, format="json")
    assert refused.status_code == 400
    assert "stage" in refused.json()
    assert WebForm.objects.count() == 1
