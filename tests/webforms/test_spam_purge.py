"""Spam is kept as spam until someone with the settings right deletes it: from the
submissions page, through the API and in the admin; nothing else goes with it."""

import json

import pytest
from django.contrib.auth import get_user_model

from tests.factories import UserFactory
from webforms.models import Submission, SubmissionStatus

from .conftest import filled


@pytest.fixture
def mixed(client, client_form):
    """Two spam posts (a filled honeypot, no token) and a person's post."""
    url = f"/f/{client_form.key}/submit"
    for data in ({"_hp": "bot", **filled(client_form, last_name="Bot")}, {"last_name": "Bot"},
                 filled(client_form, last_name="Doe", email="doe@example.com")):  # fmt: skip
        client.post(url, json.dumps(data), content_type="application/json")
    assert Submission.objects.filter(status=SubmissionStatus.SPAM).count() == 2
    return client_form


def kept() -> list[str]:
    return list(Submission.objects.values_list("status", flat=True))


def test_the_page_deletes_the_spam_only(admin_client, mixed):
    page = admin_client.get(f"/webforms/{mixed.pk}/submissions/").content.decode()
    assert "Delete 2 spam submissions" in page
    response = admin_client.post(f"/webforms/{mixed.pk}/submissions/spam/delete/")
    assert response.status_code == 302
    assert kept() == [SubmissionStatus.PROCESSED]


def test_the_api_deletes_the_spam_only(admin_api, mixed):
    response = admin_api.post(f"/api/v1/webforms/{mixed.pk}/submissions/purge-spam/")
    assert response.status_code == 200 and response.json() == {"deleted": 2}
    assert kept() == [SubmissionStatus.PROCESSED]


def test_deleting_spam_needs_the_settings_right(user_client, user_api, mixed):
    # Bad input: a sales user (every item right, no settings right) on each door.
    assert user_client.post(f"/webforms/{mixed.pk}/submissions/spam/delete/").status_code == 403
    assert user_api.post(f"/api/v1/webforms/{mixed.pk}/submissions/purge-spam/").status_code == 403
    assert len(kept()) == 3


def test_the_admin_shows_submissions_escaped_and_deletes_spam(admin_client, mixed, client):
    client.post(f"/f/{mixed.key}/submit", json.dumps(filled(mixed, last_name="<script>x</script>")),
                content_type="application/json")  # fmt: skip
    hostile = Submission.objects.latest("pk")
    page = admin_client.get(f"/admin/webforms/submission/{hostile.pk}/change/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    response = admin_client.post("/admin/webforms/submission/", {
        "action": "delete_spam", "_selected_action": [hostile.pk]})  # fmt: skip
    assert response.status_code == 302
    assert SubmissionStatus.SPAM not in kept()


def test_staff_without_the_settings_right_see_no_web_form_in_the_admin(client, mixed):
    # Bad input: a staff user with every model permission but not the CRM's settings right.
    staff = UserFactory(is_staff=True, is_superuser=False)
    client.force_login(staff)
    assert client.get("/admin/webforms/submission/").status_code == 403
    assert client.get("/admin/webforms/webform/").status_code == 403
    assert "webforms" not in client.get("/admin/").content.decode()


def test_the_admin_deletes_a_form_through_the_service(admin_client, mixed):
    response = admin_client.post(f"/admin/webforms/webform/{mixed.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Submission.objects.exists()


def test_the_admin_names_only_created_items_the_reader_may_read(client, client_form,
                                                                settings_only, admin):  # fmt: skip
    # Bad input: a staff user with the settings right but no right to read CRM items opening a
    # submission whose contact and company were created.
    client.post(f"/f/{client_form.key}/submit",
                json.dumps(filled(client_form, company="Hidden Corp", last_name="Hidden",
                                  email="hidden@example.com")),
                content_type="application/json")  # fmt: skip
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.PROCESSED
    settings_only.is_staff = True
    settings_only.save()
    client.force_login(settings_only)
    url = f"/admin/webforms/submission/{submission.pk}/change/"
    page = client.get(url).content.decode()
    company = submission.created["company"]
    assert f"&quot;company&quot;: {company}" not in page and f'"company": {company}' not in page
    assert f"/companies/{company}/" not in page
    client.force_login(get_user_model().objects.get(is_superuser=True))
    assert f"/companies/{company}/" in client.get(url).content.decode()  # a reader who may
