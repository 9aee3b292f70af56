"""A real worker killed (SIGKILL) in the middle of a bulk job on a whole filtered list: the
broker hands the job to the next worker, which resumes it, and every item is changed once."""

import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from companies.models import Company
from crm.models import Job, JobStatus
from tests.conftest import JOB_TEST_CHUNK as CHUNK
from tests.conftest import chunks_done, sales_user, wait_for
from timeline.models import Event, EventKind

COMPANIES = 3000


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_is_killed_resumes_on_the_next_and_changes_each_item_once(
    client, job_workers
):
    began = time.monotonic()
    owner, successor = sales_user(), sales_user()
    Company.objects.bulk_create(
        Company(name=f"Company {n:04}", responsible=owner, created_by=owner, modified_by=owner)
        for n in range(COMPANIES)
    )
    first, log = job_workers()
    client.force_login(owner)
    response = client.post(
        "/companies/bulk/",
        {"scope": "filter", "query": "", "action": "responsible", "value": successor.pk},
    )
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"

    # Kill it once a chunk is done and before it commits, after five committed ones.
    wait_for(lambda: chunks_done(log) > max(Job.objects.get().done // CHUNK, 5), 120, "chunks")
    first.kill()  # SIGKILL: no warm shutdown
    first.wait()
    killed = Job.objects.get()
    assert killed.status == JobStatus.RUNNING
    assert chunks_done(log) == killed.done // CHUNK + 1, "not killed between a chunk and its commit"
    # The chunk done but not committed left nothing behind.
    assert Company.objects.filter(responsible=successor).count() == killed.done

    job_workers()
    job = wait_for(
        lambda: Job.objects.filter(status__in=(JobStatus.DONE, JobStatus.FAILED)).first(),
        240,
        "the job to end on the second worker",
    )
    assert (job.status, job.error) == (JobStatus.DONE, "")
    assert (job.total, job.done, job.failed) == (COMPANIES, COMPANIES, 0)
    assert job.cursor == job.last_pk == Company.objects.order_by("pk").last().pk
    assert set(Company.objects.values_list("responsible", "version")) == {(successor.pk, 2)}
    updates = (
        Event.objects.filter(
            kind=EventKind.UPDATED, item_type=ContentType.objects.get_for_model(Company)
        )
        .values("item_id")
        .annotate(events=Count("id"))
    )
    assert len(updates) == COMPANIES
    assert {row["events"] for row in updates} == {1}
    assert "3,000 of 3,000 done" in client.get(f"/jobs/{job.pk}/").content.decode()
    print(f"\nkill test: {time.monotonic() - began:.1f} s, killed after {killed.done} items")
