"""The optional proof of work (ALTCHA v1): a form asking for it takes a post with a solved
challenge of its own, once; anything else is kept as spam, unprocessed."""

import base64
import json

import altcha
import pytest

from companies.models import Contact
from webforms.models import Submission, SubmissionStatus
from webforms.services import webform_create, webform_update

from .conftest import CLIENT_FIELDS, filled


@pytest.fixture
def pow_form(admin, client_form, settings):
    settings.WEBFORM_POW_MAX_NUMBER = 2000  # a quick puzzle: the test solves it in Python
    return webform_update(user=admin, form=client_form, proof_of_work=True)


def solved(client, form) -> str:
    challenge = client.get(f"/f/{form.key}/challenge").json()
    solution = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    return base64.b64encode(json.dumps({
        "algorithm": challenge["algorithm"], "challenge": challenge["challenge"],
        "number": solution.number, "salt": challenge["salt"],
        "signature": challenge["signature"],
    }).encode()).decode()  # fmt: skip


def post(client, form, n, **extra):
    data = filled(form, last_name=f"Doe {n}", email=f"doe{n}@example.com", **extra)
    return client.post(f"/f/{form.key}/submit", json.dumps(data),
                       content_type="application/json")  # fmt: skip


def test_a_solved_challenge_is_processed(client, pow_form):
    assert post(client, pow_form, 1, _altcha=solved(client, pow_form)).status_code == 201
    assert Submission.objects.get().status == SubmissionStatus.PROCESSED
    assert Contact.objects.filter(last_name="Doe 1").exists()


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (None, "No proof of work."),
        ("bm90IGpzb24=", "The proof of work is wrong or has expired."),
        ("{}", "The proof of work is wrong or has expired."),
    ],
)
def test_a_missing_or_wrong_proof_is_spam(client, pow_form, payload, reason):
    # Bad input: no proof, base64 of no JSON, a bare object instead of a payload.
    extra = {} if payload is None else {"_altcha": payload}
    assert post(client, pow_form, 1, **extra).status_code == 201  # bots are not told
    submission = Submission.objects.get()
    assert (submission.status, submission.error) == (SubmissionStatus.SPAM, reason)
    assert not Contact.objects.exists()


def test_a_proof_made_for_another_form_is_spam(client, admin, pow_form, responsible):
    # Bad input: a challenge solved for another form, posted to this one.
    other = webform_create(user=admin, name="Other", fields=CLIENT_FIELDS,
                           responsibles=[responsible], proof_of_work=True)  # fmt: skip
    payload = solved(client, other)
    post(client, pow_form, 1, _altcha=payload)
    assert Submission.objects.get().error == "The proof of work was made for another form."


def test_a_proof_is_taken_once(client, pow_form, redis_limits):
    # Bad input: one solved challenge replayed for a second submission.
    payload = solved(client, pow_form)
    post(client, pow_form, 1, _altcha=payload)
    post(client, pow_form, 2, _altcha=payload)
    first, second = Submission.objects.order_by("pk")
    assert first.status == SubmissionStatus.PROCESSED
    assert (second.status, second.error) == (SubmissionStatus.SPAM,
                                             "The proof of work was used before.")  # fmt: skip


def test_the_challenge_follows_the_form(client, admin, pow_form):
    # Bad input: a challenge asked from a site not allowed; of a form without proof of work.
    assert client.get(f"/f/{pow_form.key}/challenge",
                      headers={"Origin": "https://evil.test"}).status_code == 403  # fmt: skip
    webform_update(user=admin, form=pow_form, proof_of_work=False)
    assert client.get(f"/f/{pow_form.key}/challenge").status_code == 404


def test_the_page_carries_the_challenge_and_the_solver(client, pow_form):
    response = client.get(f"/f/{pow_form.key}/")
    page = response.content.decode()
    assert "data-altcha-challenge=" in page and "/static/js/webform-pow.js" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
