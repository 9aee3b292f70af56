"""The public contract of POST /f/<key>/submit, code by code, with the bad input it names."""

import json
from urllib.parse import urlencode

import pytest

from companies.models import Company, Contact
from webforms.models import Submission, SubmissionStatus
from webforms.services import webform_create, webform_update

from .conftest import filled

ALLOWED = "https://shop.example.com"
FORM_ENCODED = "application/x-www-form-urlencoded"


def post(client, form, data, **headers):
    return client.post(f"/f/{form.key}/submit", json.dumps(data),
                       content_type="application/json", headers=headers)  # fmt: skip


def test_a_valid_json_post_is_201_and_creates_the_client(client, client_form):
    data = filled(client_form, company="Acme", last_name="Doe", email="Doe@Example.com",
                  phone="+1 202 555 0143", unknown_field="ignored")  # fmt: skip
    response = post(client, client_form, data, Origin=ALLOWED)
    assert response.status_code == 201
    assert response.json() == {"ok": True, "message": "Thanks!", "redirect": None}
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Credentials" not in response
    assert "Set-Cookie" not in response.headers
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.PROCESSED
    assert submission.data["unknown_field"] == "ignored"  # stored as received
    contact = Contact.objects.get(pk=submission.created["contact"])
    assert contact.companies.get().name == "Acme"
    assert submission.origin == ALLOWED


@pytest.mark.parametrize("encoded", [True, False])
def test_a_form_post_is_201(client, client_form, encoded):
    data = filled(client_form, last_name="Doe", email="doe@example.com")
    url = f"/f/{client_form.key}/submit"
    if encoded:
        response = client.post(url, urlencode(data), content_type=FORM_ENCODED)
    else:
        response = client.post(url, data)  # multipart, as a form with enctype says
    assert response.status_code == 201
    assert Contact.objects.get().last_name == "Doe"


def test_missing_and_invalid_fields_are_every_error_at_once(client, client_form):
    # Bad input: the required last name and e-mail missing, a birthday that is no date, a
    # phone that is no phone.
    data = filled(client_form, birthday="not a date", phone="abc")
    response = post(client, client_form, data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert response.json()["ok"] is False
    assert set(errors) == {"last_name", "email", "birthday", "phone"}
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.FAILED  # kept all the same
    assert submission.data["birthday"] == "not a date"
    assert not Contact.objects.exists()


def test_a_nested_json_value_is_a_400_naming_the_field(client, client_form):
    # Bad input: an object and a list where one value goes.
    data = filled(client_form, last_name={"$gt": ""}, email=["a@example.com"])
    response = post(client, client_form, data)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"last_name", "email"}
    assert not Contact.objects.exists()


def test_json_nested_too_deeply_is_a_400(client, client_form):
    # Bad input: 50,000 nested arrays (under the size limit, over the parser's depth).
    body = "[" * 30_000 + "]" * 30_000
    response = client.post(f"/f/{client_form.key}/submit", body, content_type="application/json")
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_a_body_that_is_no_object_is_a_400(client, client_form):
    # Bad input: a JSON list as the body.
    response = client.post(f"/f/{client_form.key}/submit", "[1]", content_type="application/json")
    assert response.status_code == 400
    assert "_body" in response.json()["errors"]


def test_a_1_mb_body_is_a_413(client, client_form):
    # Bad input: a 1 MB body.
    data = filled(client_form, last_name="Doe", email="doe@example.com", comments="x" * 2**20)
    response = post(client, client_form, data)
    assert response.status_code == 413
    assert not Submission.objects.exists()


@pytest.mark.parametrize("length", ["100000", "lots"])
def test_a_content_length_over_the_limit_is_a_413_before_reading(client, client_form, length):
    # Bad input: a Content-Length of 100,000 bytes, and one that is no number.
    response = client.generic("POST", f"/f/{client_form.key}/submit", b"{}",
                              content_type="application/json", CONTENT_LENGTH=length)  # fmt: skip
    assert response.status_code == 413
    assert not Submission.objects.exists()


def test_another_content_type_is_a_415(client, client_form):
    # Bad input: an XML body.
    response = client.post(f"/f/{client_form.key}/submit", "<a/>", content_type="text/xml")
    assert response.status_code == 415


def test_a_disallowed_origin_is_a_403_and_stores_nothing(client, client_form):
    # Bad input: an Origin the form does not allow.
    data = filled(client_form, last_name="Doe", email="doe@example.com")
    response = post(client, client_form, data, Origin="https://evil.example.net")
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert not Submission.objects.exists()


def test_the_preflight_is_answered_for_allowed_origins_only(client, client_form):
    url = f"/f/{client_form.key}/submit"
    allowed = client.options(url, headers={"Origin": ALLOWED})
    assert allowed.status_code == 204
    assert allowed["Access-Control-Allow-Origin"] == ALLOWED
    assert "Idempotency-Key" in allowed["Access-Control-Allow-Headers"]
    # Bad input: a preflight from a site the form does not allow.
    refused = client.options(url, headers={"Origin": "https://evil.example.net"})
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused


def test_an_unknown_key_is_a_404(client, client_form):
    # Bad input: a key no form has.
    response = client.post("/f/no-such-key/submit", "{}", content_type="application/json")
    assert response.status_code == 404
    assert client.get("/f/no-such-key/").status_code == 404


def test_a_deactivated_form_is_a_410(client, admin, client_form):
    webform_update(user=admin, form=client_form, active=False)
    # Bad input: a post to a deactivated form.
    response = post(client, client_form, filled(client_form, last_name="Doe", email="d@e.com"))
    assert response.status_code == 410
    assert client.get(f"/f/{client_form.key}/").status_code == 410
    assert not Submission.objects.exists()


def test_a_filled_honeypot_is_spam_answered_like_success(client, client_form):
    # Bad input: the hidden honeypot field filled in.
    data = filled(client_form, last_name="Doe", email="doe@example.com", _hp="http://spam")
    response = post(client, client_form, data)
    assert response.status_code == 201
    assert response.json()["ok"] is True
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.SPAM
    assert not Contact.objects.exists()


@pytest.mark.parametrize("token", ["fresh", "none", "forged"])
def test_a_too_fast_or_tokenless_post_is_spam(client, client_form, token):
    # Bad input: a token issued just now (faster than a person), no token, a forged token.
    data = {"last_name": "Doe", "email": "doe@example.com"}
    if token == "fresh":
        data["_token"] = client.get(f"/f/{client_form.key}/token").json()["token"]
    elif token == "forged":
        data["_token"] = '{"form": 1, "at": 0}'
    response = post(client, client_form, data)
    assert response.status_code == 201
    assert Submission.objects.get().status == SubmissionStatus.SPAM
    assert not Contact.objects.exists()


def test_a_replayed_idempotency_key_gets_the_first_answer_and_creates_nothing(client, client_form):
    data = filled(client_form, last_name="Doe", email="doe@example.com")
    first = post(client, client_form, data, **{"Idempotency-Key": "abc-1"})
    # Bad input: the same key again (a double click), with other data.
    again = post(
        client, client_form, {**data, "last_name": "Other"}, **{"Idempotency-Key": "abc-1"}
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Submission.objects.count() == 1
    assert Contact.objects.count() == 1


def test_the_idempotency_field_works_like_the_header(client, client_form):
    data = filled(client_form, last_name="Doe", email="doe@example.com", _idempotency="k-2")
    post(client, client_form, data)
    # Bad input: the same _idempotency field posted twice.
    post(client, client_form, data)
    assert Submission.objects.count() == 1


def test_a_script_and_a_javascript_url_are_stored_as_sent_and_shown_escaped(client, client_form):
    # Bad input: a script tag in a name, a javascript: URL in the company name.
    script = "<script>alert(1)</script>"
    data = filled(client_form, last_name=script, company="javascript:alert(1)", email="x")
    response = client.post(f"/f/{client_form.key}/submit", data, headers={"Accept": "text/html"})
    assert response.status_code == 400  # the e-mail "x" is refused: the page comes back
    html = response.content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert Submission.objects.get().data["last_name"] == script
    ok = post(client, client_form, {**data, "email": "x@example.com"})
    assert ok.status_code == 201
    assert Contact.objects.get().last_name == script
    assert Company.objects.get().name == "javascript:alert(1)"


def test_a_browser_post_of_the_page_is_redirected_to_the_thanks_page(client, client_form):
    data = filled(client_form, last_name="Doe", email="doe@example.com")
    response = client.post(f"/f/{client_form.key}/submit", data, headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response["Location"] == f"/f/{client_form.key}/thanks"
    thanks = client.get(response["Location"])
    assert "Thanks!" in thanks.content.decode()


def test_a_nul_and_a_lone_surrogate_are_stored_not_a_500(client, client_form):
    # Bad input: a NUL character and a lone surrogate, which PostgreSQL's jsonb refuses.
    body = '{"last_name": "Do\\u0000e", "email": "d@example.com", "comments": "\\ud800"}'
    response = client.post(f"/f/{client_form.key}/submit", body, content_type="application/json")
    assert response.status_code == 201  # no token: spam, but stored
    stored = Submission.objects.get().data
    assert stored["last_name"] == "Do\ufffde"
    assert "\ud800" not in stored["comments"]


@pytest.mark.parametrize("value", [5, 1.5, True, False, None, ""])
def test_json_scalars_of_any_type_in_every_field_are_answered_not_a_500(client, client_form, value):
    # Bad input: a number, a boolean, null or empty text in each field.
    names = ["company", "first_name", "last_name", "email", "phone", "birthday"]
    response = post(client, client_form, filled(client_form, **dict.fromkeys(names, value)))
    assert response.status_code in (201, 400)
    assert Submission.objects.count() == 1


def test_an_empty_post_of_a_form_without_required_fields_is_a_400(client, admin, responsible):
    fields = [
        {"name": "company", "target": "company", "code": "name", "label": "Company"},
        {"name": "city", "target": "company", "code": "address_city", "label": "City"},
    ]
    form = webform_create(user=admin, name="Optional", fields=fields, responsibles=[responsible])
    # Bad input: nothing filled in, then a city without the company's name.
    empty = post(client, form, filled(form))
    assert empty.status_code == 400
    assert "_form" in empty.json()["errors"]
    nameless = post(client, form, filled(form, city="Paris"))
    assert nameless.status_code == 400
    assert "company" in nameless.json()["errors"]
    assert not Company.objects.exists()
