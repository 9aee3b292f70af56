"""Background jobs, run in-process: started after commit, status owned by the task base, work
in chunks that resume after a crash, bulk actions on a whole filtered list, the progress page."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from accessrights.models import Action, Scope
from companies import services
from companies.models import Company
from crm.celery import app as celery_app
from crm.jobs import KINDS, JobKind, JobTask, job_start, run_in_chunks
from crm.models import Job, JobStatus
from tests.companies.helpers import entry
from tests.conftest import sales_user
from tests.factories import UserFactory
from tests.helpers import give_role, tables_snapshot
from timeline.models import Event, EventKind

ran: list[int] = []


@celery_app.task(base=JobTask)
def probe(job):
    """A job that notes it ran, then fails as its parameters say."""
    ran.append(job.pk)
    if job.parameters.get("crash"):
        raise RuntimeError("disk on fire at /var/secret")
    if job.parameters.get("refuse"):
        raise ValidationError(job.parameters["refuse"])


@pytest.fixture
def probe_kind(monkeypatch):
    ran.clear()
    monkeypatch.setitem(KINDS, "test.probe", JobKind(f"{__name__}.probe", "Probe"))
    return "test.probe"


# Starting after commit


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_only_once_its_transaction_has_committed(probe_kind):
    user = UserFactory()
    with transaction.atomic():
        job = job_start(user=user, kind=probe_kind, parameters={})
        assert ran == []  # not before the commit
    assert ran == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.started_at is not None and job.finished_at >= job.started_at


@pytest.mark.django_db(transaction=True)
def test_a_job_started_in_a_transaction_that_rolls_back_never_runs(probe_kind):
    user = UserFactory()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        job_start(user=user, kind=probe_kind, parameters={})
        1 / 0  # noqa: B018
    assert ran == []
    assert not Job.objects.exists()


# The task base


@pytest.mark.django_db
def test_an_error_marks_the_job_failed_without_its_details(
    probe_kind, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(user=user, kind=probe_kind, parameters={"crash": True})
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "The job stopped on an unexpected error (RuntimeError)."
    assert job.finished_at is not None


@pytest.mark.django_db
def test_a_refusal_marks_the_job_failed_with_its_message(
    probe_kind, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(user=user, kind=probe_kind, parameters={"refuse": "That list is gone."})
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "That list is gone.")


@pytest.mark.django_db
def test_a_message_delivered_again_after_the_job_ended_does_nothing(
    probe_kind, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = job_start(user=user, kind=probe_kind, parameters={})
        failed = job_start(user=user, kind=probe_kind, parameters={"crash": True})
    probe.delay(done.pk)
    probe.delay(failed.pk)
    assert ran == [done.pk, failed.pk]
    assert Job.objects.get(pk=failed.pk).status == JobStatus.FAILED


@pytest.mark.django_db
def test_a_job_whose_task_cannot_be_queued_is_failed_not_left_waiting(
    probe_kind, user, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(*args):
        raise ConnectionRefusedError("redis:6379")

    monkeypatch.setattr(probe, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(user=user, kind=probe_kind, parameters={})
    job.refresh_from_db()
    assert (job.status, job.error) == (
        JobStatus.FAILED,
        "The job stopped on an unexpected error (ConnectionRefusedError).",
    )
    assert ran == []


def test_job_tasks_are_acknowledged_only_when_they_end():
    assert probe.acks_late and probe.reject_on_worker_lost


# Chunks


class Crash(Exception):
    pass


@pytest.mark.django_db
def test_a_run_stopped_midway_resumes_after_its_last_chunk_and_does_nothing_twice(user):
    companies = [services.company_create(user=user, name=f"Company {n}") for n in range(7)]
    job = Job.objects.create(kind="test.chunks", requester=user)
    crash_at = 3  # the chunk that crashes, after part of its work

    def bump(rows):
        nonlocal crash_at
        crash_at -= 1
        for row in rows:
            Company.objects.filter(pk=row.pk).update(version=F("version") + 1)
            if crash_at == 0:
                raise Crash
        return {}

    with pytest.raises(Crash):
        run_in_chunks(job, Company.objects.all(), bump, chunk_size=2)
    job.refresh_from_db()
    assert (job.total, job.done, job.cursor) == (7, 4, companies[3].pk)
    versions = dict(Company.objects.values_list("pk", "version"))
    assert [versions[c.pk] for c in companies] == [2, 2, 2, 2, 1, 1, 1]

    services.company_create(user=user, name="Added after the start")
    run_in_chunks(job, Company.objects.all(), bump, chunk_size=2)
    assert (job.total, job.done, job.failed, job.cursor) == (7, 7, 0, companies[-1].pk)
    assert set(
        Company.objects.filter(pk__in=[c.pk for c in companies]).values_list("version", flat=True)
    ) == {2}
    assert Company.objects.get(name="Added after the start").version == 1


@pytest.mark.django_db
def test_failed_rows_are_counted_with_their_reason_and_the_first_ones_kept(user, monkeypatch):
    monkeypatch.setattr(Job, "MAX_FAILURES", 3)
    for n in range(5):
        services.company_create(user=user, name=f"Company {n}")
    job = Job.objects.create(kind="test.chunks", requester=user)
    run_in_chunks(job, Company.objects.all(), lambda rows: {row.pk: "no" for row in rows}, 2)
    assert (job.done, job.failed) == (0, 5)
    assert [failure["reason"] for failure in job.failures] == ["no", "no", "no"]


# Bulk actions on a whole filtered list, through the page


@pytest.fixture
def own_updater(client):
    """A manager who reads every company and adds, changes or deletes their own only."""
    person = UserFactory()
    give_role(
        person,
        {
            "company": {
                Action.READ: Scope.ALL,
                Action.ADD: Scope.OWN,
                Action.UPDATE: Scope.OWN,
                Action.DELETE: Scope.OWN,
            }
        },
    )
    client.force_login(person)
    return person


@pytest.fixture
def clients(own_updater):
    """Companies by what a filter on CUSTOMER and the manager's rights make of them."""
    colleague = sales_user()
    customer, partner = entry("COMPANY_TYPE", "CUSTOMER"), entry("COMPANY_TYPE", "PARTNER")
    make = services.company_create
    return {
        "mine": [make(user=own_updater, name=f"Mine {n}", type=customer) for n in range(5)],
        "partner": [make(user=own_updater, name="My partner", type=partner)],
        "theirs": [make(user=colleague, name=f"Theirs {n}", type=customer) for n in range(2)],
    }


def bulk_on_filter(client, query: str, action: str, value: str = ""):
    return client.post(
        "/companies/bulk/",
        {
            "scope": "filter",
            "query": query,
            "action": action,
            "value": value,
            "next": "/companies/?type=CUSTOMER",
        },
    )


def updates(company) -> list:
    return list(Event.objects.of_item(company).filter(kind=EventKind.UPDATED))


@pytest.mark.django_db
def test_a_bulk_change_on_a_filter_changes_every_permitted_item_of_it(
    client, clients, settings, django_capture_on_commit_callbacks
):
    settings.JOB_CHUNK_SIZE = 2  # several chunks, and the changed items leave the filter
    with django_capture_on_commit_callbacks(execute=True):
        response = bulk_on_filter(client, "type=CUSTOMER&per_page=20&page=2", "type", "COMPETITOR")
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.kind == "bulk.update"
    assert job.parameters["filter"] == {"type": ["CUSTOMER"]}
    assert (job.status, job.total, job.done, job.failed) == (JobStatus.DONE, 5, 5, 0)
    for company in clients["mine"]:
        company.refresh_from_db()
        assert (company.type.code, company.version) == ("COMPETITOR", 2)
        [event] = updates(company)
        assert [change["field"] for change in event.changes] == ["type"]
        assert (event.door, event.door_id) == ("job", job.pk)  # "via background job #N"
    for company in clients["partner"] + clients["theirs"]:
        company.refresh_from_db()
        assert company.version == 1 and not updates(company)
    page = client.get(response.url).content.decode()
    assert "5 of 5 done" in page and 'href="/companies/?type=CUSTOMER"' in page


@pytest.mark.django_db
def test_an_item_its_service_refuses_is_counted_as_failed_with_the_reason(
    client, clients, settings, django_capture_on_commit_callbacks
):
    settings.JOB_CHUNK_SIZE = 2
    broken = clients["mine"][2]
    Company.objects.filter(pk=broken.pk).update(currency="usd")  # no longer a valid company
    with django_capture_on_commit_callbacks(execute=True):
        bulk_on_filter(client, "type=CUSTOMER", "type", "COMPETITOR")
    job = Job.objects.get()
    assert (job.status, job.total, job.done, job.failed) == (JobStatus.DONE, 5, 4, 1)
    assert job.failures == [
        {
            "id": broken.pk,
            "reason": "“usd” is not an ISO 4217 currency code such as USD, EUR or RUB.",
        }
    ]
    assert Company.objects.get(pk=broken.pk).version == 1
    assert Company.objects.filter(type__code="COMPETITOR").count() == 4
    assert f"#{broken.pk}" in client.get(f"/jobs/{job.pk}/").content.decode()


@pytest.mark.django_db
def test_a_bulk_delete_on_a_filter_deletes_every_permitted_item_of_it(
    client, clients, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bulk_on_filter(client, "type=CUSTOMER", "delete")
    job = Job.objects.get()
    assert (job.kind, job.status, job.done) == ("bulk.delete", JobStatus.DONE, 5)
    kept = clients["partner"] + clients["theirs"]
    assert set(Company.objects.all()) == set(kept)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("type=NOPE", "type: Select a valid choice. NOPE is not one of the available choices."),
        ("colour=red", "colour: There is no filter “colour” on this list."),
        ("created_at_after=yesterday", "created_at: Enter a valid date."),
    ],
)
def test_a_filter_that_is_not_valid_is_a_400_naming_it(client, clients, query, named):
    before = tables_snapshot()
    response = bulk_on_filter(client, query, "type", "COMPETITOR")
    assert response.status_code == 400
    assert named in response.content.decode()
    assert tables_snapshot() == before


@pytest.mark.django_db
def test_a_value_that_is_no_valid_choice_starts_no_job(client, clients):
    before = tables_snapshot()
    response = bulk_on_filter(client, "type=CUSTOMER", "type", "NOPE")
    assert response.url == "/companies/?type=CUSTOMER"
    assert "Choose the new type" in client.get(response.url).content.decode()
    assert tables_snapshot() == before


@pytest.mark.django_db
def test_the_list_offers_the_whole_filter_to_its_bulk_bar(client, clients):
    page = client.get("/companies/", {"type": "CUSTOMER", "per_page": "20"}).content.decode()
    assert 'name="scope" value="filter"' in page
    assert 'name="query" value="type=CUSTOMER&amp;per_page=20"' in page


# The progress page


@pytest.mark.django_db
def test_only_the_requester_or_a_superuser_sees_a_job(client, user, admin):
    job = Job.objects.create(kind="bulk.update", requester=user, total=10, done=4)
    client.force_login(UserFactory())
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    for reader in (user, admin):
        client.force_login(reader)
        assert "4 of 10 done" in client.get(f"/jobs/{job.pk}/").content.decode()
    client.logout()
    assert client.get(f"/jobs/{job.pk}/").status_code == 302


@pytest.mark.django_db
def test_the_progress_partial_polls_until_the_job_has_ended(user_client, user):
    job = Job.objects.create(kind="bulk.update", requester=user, status=JobStatus.RUNNING)
    url = f"/jobs/{job.pk}/"
    partial = user_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith(f'<section id="job-{job.pk}"') and 'hx-trigger="every 1s"' in partial
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="The list is gone.")
    partial = user_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and "The list is gone." in partial
