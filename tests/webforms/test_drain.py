"""With a worker (``WEBFORM_PROCESS_IN_WORKER``), a post is stored and answered at once and
the worker's drain processes it: nothing waits on the broker, nothing is processed twice."""

import json
import time

import pytest

from accessrights.rights import rights_changed
from companies.models import Contact
from tests.conftest import sales_user
from webforms.models import Submission, SubmissionStatus
from webforms.services import submission_process, submissions_drain, webform_create
from webforms.tasks import submissions_drain as drain_task

from .conftest import CLIENT_FIELDS, filled


@pytest.fixture
def in_worker(settings):
    settings.WEBFORM_PROCESS_IN_WORKER = True
    # Bad input: a broker nobody listens on; the answer must not wait on it.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    return settings


def post(client, form, n):
    data = filled(form, last_name=f"Doe {n}", email=f"doe{n}@example.com")
    return client.post(f"/f/{form.key}/submit", json.dumps(data), content_type="application/json")


def test_the_answer_comes_before_the_processing(client, client_form, in_worker):
    started = time.monotonic()
    responses = [post(client, client_form, n) for n in range(3)]
    assert all(r.status_code == 201 for r in responses)
    assert time.monotonic() - started < 2  # no broker reached, none waited for
    assert set(Submission.objects.values_list("status", flat=True)) == {SubmissionStatus.RECEIVED}
    assert not Contact.objects.exists()
    assert submissions_drain() == 3
    assert sorted(Contact.objects.values_list("last_name", flat=True)) == ["Doe 0", "Doe 1",
                                                                           "Doe 2"]  # fmt: skip
    assert submissions_drain() == 0


def test_invalid_and_spam_posts_are_not_drained(client, client_form, in_worker):
    # Bad input: a post without its required fields, and one with the honeypot filled.
    client.post(f"/f/{client_form.key}/submit", json.dumps(filled(client_form, company="X")),
                content_type="application/json")  # fmt: skip
    client.post(f"/f/{client_form.key}/submit", json.dumps(filled(client_form, _hp="x")),
                content_type="application/json")  # fmt: skip
    assert submissions_drain() == 0
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert statuses == {SubmissionStatus.FAILED, SubmissionStatus.SPAM}


def test_a_submission_processed_by_another_drain_is_left_alone(client, client_form, in_worker):
    # Bad input: two drains taking the same submission (the second one read it before the
    # first one committed).
    post(client, client_form, 1)
    stale = Submission.objects.get()
    submission_process(stale)
    submission_process(stale)
    assert Contact.objects.filter(last_name="Doe 1").count() == 1
    assert Submission.objects.get().status == SubmissionStatus.PROCESSED


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_drains_what_the_request_stored(client, client_form, real_worker,
                                                         settings):  # fmt: skip
    settings.WEBFORM_PROCESS_IN_WORKER = True
    assert post(client, client_form, 7).status_code == 201
    assert Submission.objects.get().status == SubmissionStatus.RECEIVED
    drain_task.delay()
    deadline = time.monotonic() + 30
    while Submission.objects.get().status == SubmissionStatus.RECEIVED:
        assert time.monotonic() < deadline, "the worker did not drain the submission"
        time.sleep(0.1)
    assert Submission.objects.get().status == SubmissionStatus.PROCESSED
    assert Contact.objects.filter(last_name="Doe 7").exists()


def test_a_failure_in_a_batch_fails_alone(client, admin, client_form, in_worker):
    # Bad input: between a good submission and the next, one whose form's responsible person
    # may no longer add contacts (the service refuses it inside the drain's batch).
    refusing = webform_create(user=admin, name="Refusing", fields=CLIENT_FIELDS,
                              responsibles=[sales_user()])  # fmt: skip
    post(client, client_form, 1)
    post(client, refusing, 2)
    post(client, client_form, 3)
    refusing.responsibles.get().crm_roles.clear()
    rights_changed()
    assert submissions_drain() == 3
    statuses = dict(Submission.objects.values_list("data__last_name", "status"))
    assert statuses == {"Doe 1": SubmissionStatus.PROCESSED, "Doe 2": SubmissionStatus.FAILED,
                        "Doe 3": SubmissionStatus.PROCESSED}  # fmt: skip
    assert sorted(Contact.objects.values_list("last_name", flat=True)) == ["Doe 1", "Doe 3"]
