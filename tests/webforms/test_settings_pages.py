"""/webforms/ and /webforms/<id>/submissions/: the settings right, newest first, by
status, what each created as far as the reader may read it, retry, counts per day,
everything a visitor typed escaped."""

import json

import pytest
from django.utils import timezone

from companies.models import Contact
from webforms.models import Submission, SubmissionStatus

from .conftest import filled


def submit(client, form, **data):
    return client.post(f"/f/{form.key}/submit", json.dumps(filled(form, **data)),
                       content_type="application/json")  # fmt: skip


def page_of(form) -> str:
    return f"/webforms/{form.pk}/submissions/"


def test_the_pages_need_the_settings_right(user_client, client_form, client):
    # Bad input: a sales user (every item right, no settings right) opening both pages and
    # retrying a failed submission.
    submit(client, client_form, last_name="Roe")
    submission = Submission.objects.get()
    assert user_client.get("/webforms/").status_code == 403
    assert user_client.get(page_of(client_form)).status_code == 403
    retry = user_client.post(f"{page_of(client_form)}{submission.pk}/retry/")
    assert retry.status_code == 403
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED


def test_a_visitor_is_sent_to_the_login(client, client_form):
    response = client.get("/webforms/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_list_shows_each_form_with_its_submissions_per_day(admin_client, client_form):
    submit(admin_client, client_form, last_name="Doe", email="doe@example.com")
    submit(admin_client, client_form, last_name="Roe")
    response = admin_client.get("/webforms/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Contact us" in html
    assert f"/webforms/{client_form.pk}/submissions/" in html
    today = timezone.localdate()
    row = next(r for r in response.context["rows"] if r["form"] == client_form)
    assert row["days"][0] == (today, 2)
    assert [count for _day, count in row["days"][1:]] == [0] * 6
    assert 'href="/settings/' in html  # the settings tab bar, with its own tab
    assert '<a href="/webforms/" aria-current="page">' in html


def test_submissions_show_newest_first_with_what_they_created(admin_client, client_form):
    submit(admin_client, client_form, company="Acme", last_name="Doe", email="doe@example.com")
    submit(admin_client, client_form, last_name="Roe")  # no e-mail: failed
    response = admin_client.get(page_of(client_form))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["submission"].status for r in rows] == ["failed", "processed"]
    contact = Contact.objects.get()
    html = response.content.decode()
    assert f'href="{contact.get_absolute_url()}"' in html
    assert f'href="{contact.companies.get().get_absolute_url()}"' in html
    assert response.context["days"][0] == (timezone.localdate(), 2)
    assert html.count(">Retry</button>") == 1  # the failed one only


@pytest.mark.parametrize("status, names", [("failed", ["Roe"]), ("processed", ["Doe"]),
                                           ("spam", []), ("", ["Roe", "Doe"])])  # fmt: skip
def test_submissions_are_filtered_by_status(admin_client, client_form, status, names):
    submit(admin_client, client_form, last_name="Doe", email="doe@example.com")
    submit(admin_client, client_form, last_name="Roe")
    response = admin_client.get(page_of(client_form), {"status": status})
    assert [r["submission"].data["last_name"] for r in response.context["rows"]] == names


def test_an_unknown_status_is_a_400_that_says_so(admin_client, client_form):
    # Bad input: a status that is none of the four, with a script tag in it.
    response = admin_client.get(page_of(client_form), {"status": "<script>x</script>"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>x</script>" not in html
    assert "Select a valid choice" in html


def test_items_the_reader_may_not_read_are_not_named(settings_only, client, client_form):
    submit(client, client_form, company="Hidden Corp", last_name="Doe", email="doe@example.com")
    client.force_login(settings_only)
    response = client.get(page_of(client_form))
    assert response.status_code == 200
    assert response.context["rows"][0]["created"] == []
    html = response.content.decode()
    contact = Contact.objects.get()
    assert contact.get_absolute_url() not in html
    assert contact.companies.get().get_absolute_url() not in html


def test_what_a_visitor_typed_shows_as_text(admin_client, client_form):
    # Bad input: a script tag and a javascript: URL as the visitor's name and company.
    script = "<script>alert(1)</script>"
    submit(admin_client, client_form, company="javascript:alert(1)", last_name=script,
           email="doe@example.com")  # fmt: skip
    submit(admin_client, client_form, last_name=script)  # failed: the error names it too
    html = admin_client.get(page_of(client_form)).content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html


def test_a_failed_submission_is_retried_from_the_page(admin_client, client_form, responsible):
    # Bad input: the only responsible person deactivated when the post arrives.
    responsible.is_active = False
    responsible.save()
    submit(admin_client, client_form, last_name="Doe", email="doe@example.com")
    submission = Submission.objects.get()
    url = f"{page_of(client_form)}{submission.pk}/retry/"
    again = admin_client.post(url, {"status": "failed"})
    assert again.status_code == 302
    assert again["Location"] == f"{page_of(client_form)}?status=failed"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED  # the cause is still there
    responsible.is_active = True
    responsible.save()
    response = admin_client.post(url, follow=True)
    assert f"Submission {submission.pk} is processed." in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PROCESSED
    # Bad input: retrying it once more, now that it is processed.
    response = admin_client.post(url, follow=True)
    assert "Only a failed submission is retried." in response.content.decode()
    assert Contact.objects.count() == 1


def test_retry_is_post_only_and_needs_the_csrf_token(client, admin, client_form):
    # Bad input: a GET of the retry address; a POST without the CSRF token.
    submit(client, client_form, last_name="Roe")
    submission = Submission.objects.get()
    url = f"{page_of(client_form)}{submission.pk}/retry/"
    client.force_login(admin)
    assert client.get(url).status_code == 405
    client.handler.enforce_csrf_checks = True
    assert client.post(url).status_code == 403


def test_an_unknown_form_or_a_submission_of_another_is_404(admin_client, client_form):
    # Bad input: a form id that does not exist; a submission id under the wrong form.
    submit(admin_client, client_form, last_name="Roe")
    submission = Submission.objects.get()
    assert admin_client.get("/webforms/999999/submissions/").status_code == 404
    wrong = admin_client.post(f"/webforms/999999/submissions/{submission.pk}/retry/")
    assert wrong.status_code == 404
