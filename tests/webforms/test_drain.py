"""With a worker (``WEBFORM_PROCESS_IN_WORKER``), a post is stored and answered at once and
the worker's drain processes it: nothing waits on the broker, nothing is processed twice."""

import json
import time

import pytest

from accessrights.rights import rights_changed
from companies.models import Company, Contact
from deals.models import Deal
from tests.conftest import sales_user
from timeline.models import Event
from webforms.models import Submission, SubmissionStatus
from webforms.services import submission_process, submissions_drain, webform_create
from webforms.tasks import submissions_drain as drain_task

from .conftest import CLIENT_FIELDS, DEAL_FIELDS, filled


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


def _shape(form) -> list[tuple]:
    """What the form's submissions made, independent of ids: per submission, its items'
    names, sources, responsible people, links and history kinds and doors."""
    shapes = []
    for submission in Submission.objects.filter(form=form).order_by("pk"):
        made = submission.created
        deal = Deal.objects.get(pk=made["deal"]) if "deal" in made else None
        contact = Contact.objects.get(pk=made["contact"]) if "contact" in made else None
        company = Company.objects.get(pk=made["company"]) if "company" in made else None
        items = [i for i in (company, contact, deal) if i is not None]
        shapes.append((
            submission.status, [str(i) for i in items], [i.source.code for i in items],
            [i.responsible.username for i in items],
            [str(c) for c in contact.companies.all()] if contact else [],
            (str(deal.company), [str(c) for c in deal.contacts.all()], deal.title) if deal else (),
            [sorted((e.kind, e.door, e.door_id == form.pk) for e in Event.objects.of_item(i))
             for i in items],
        ))  # fmt: skip
    return shapes


def test_the_bulk_drain_makes_what_one_by_one_processing_makes(client, admin, in_worker):
    # Bad input for the bulk path: a returning visitor (a stored contact's e-mail) and two
    # posts sharing a phone, which it leaves to the one-by-one path, among new visitors.
    people = [sales_user(username=f"rr{n}") for n in range(2)]
    posts = [
        {"company": "Acme", "last_name": "Doe", "email": "doe@example.com", "budget": "10"},
        {"last_name": "Roe", "email": "roe@example.com", "phone": "+1 202 555 0100"},
        {"company": "Beta", "last_name": "Poe", "email": "poe@example.com",
         "phone": "+1 202 555 0100"},
        {"company": "Gamma", "last_name": "Doe again", "email": "DOE@example.com"},
        {"company": "Delta", "last_name": "Zoe", "email": "zoe@example.com", "budget": "99.5"},
    ]  # fmt: skip
    shapes = []
    for processing_in_worker in (False, True):
        in_worker.WEBFORM_PROCESS_IN_WORKER = processing_in_worker
        form = webform_create(user=admin, name="Quote request", scheme="deal",
                              fields=DEAL_FIELDS, responsibles=people)  # fmt: skip
        for data in posts:
            client.post(f"/f/{form.key}/submit", json.dumps(filled(form, **data)),
                        content_type="application/json")  # fmt: skip
        if processing_in_worker:
            assert submissions_drain() == len(posts)
        shapes.append(_shape(form))
        Deal.objects.all().delete()
        Contact.objects.all().delete()
        Company.objects.all().delete()
    one_by_one, in_bulk = shapes
    assert in_bulk == one_by_one
    assert {s[0] for s in in_bulk} == {SubmissionStatus.PROCESSED}
    assert in_bulk[3][1][1] == "Doe"  # the returning visitor's stored contact, reused


def test_the_bulk_drain_writes_a_batch_in_a_constant_number_of_queries(client, admin,
                                                                        in_worker):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    form = webform_create(user=admin, name="Quote request", scheme="deal", fields=DEAL_FIELDS,
                          responsibles=[sales_user()])  # fmt: skip

    def drained(count: int) -> int:
        for n in range(count):
            data = filled(form, company=f"Co {count}-{n}", last_name=f"P {count}-{n}",
                          email=f"p{count}-{n}@example.com")  # fmt: skip
            client.post(f"/f/{form.key}/submit", json.dumps(data), content_type="application/json")
        with CaptureQueriesContext(connection) as queries:
            assert submissions_drain() == count
        return len(queries)

    drained(1)  # content types and the like read once for the process
    assert drained(3) == drained(12)
