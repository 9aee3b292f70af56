"""A real worker killed (SIGKILL) in the middle of an import: the next worker resumes it after
its last committed chunk, and the counts come out exact: no row written twice, none lost."""

import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from companies.models import Company
from companies.services import company_bulk_create
from crm.models import Job, JobStatus
from importexport import imports
from importexport.models import ImportJob
from tests.conftest import JOB_TEST_CHUNK as CHUNK
from tests.conftest import chunks_done, sales_user, wait_for
from timeline.models import Event, EventKind

ROWS = 1200
EXISTING = 100  # rows of the file that are companies already there (same e-mail): merged


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_is_killed_resumes_with_exact_counts(job_workers, monkeypatch):
    began = time.monotonic()
    owner = sales_user()
    company_bulk_create(user=owner, rows=[
        {"name": f"Old {n}", "emails": [{"value": f"c{n}@example.com"}]} for n in range(EXISTING)
    ])  # fmt: skip
    lines = ["Name;E-mail;Mobile phone"] + [
        f"Company {n};c{n}@example.com;+1 202 555 {n:04d}" for n in range(ROWS)
    ]
    upload = SimpleUploadedFile("big.csv", "\n".join(lines).encode("utf-8-sig"))
    draft = imports.import_upload(user=owner, entity="company", file=upload, name="big.csv")
    monkeypatch.setenv("IMPORT_CHUNK_SIZE", str(CHUNK))  # the workers' settings read it
    first, log = job_workers()
    imports.import_start(user=owner, import_job=draft, duplicates="merge")

    wait_for(lambda: chunks_done(log) > max(Job.objects.get().done // CHUNK, 4), 120, "chunks")
    first.kill()
    first.wait()
    killed = Job.objects.get()
    assert killed.status == JobStatus.RUNNING

    job_workers()
    job = wait_for(
        lambda: Job.objects.filter(status__in=(JobStatus.DONE, JobStatus.FAILED)).first(),
        240, "the import to end on the second worker",
    )  # fmt: skip
    assert (job.status, job.error) == (JobStatus.DONE, "")
    done = ImportJob.objects.get(pk=draft.pk)
    assert (done.created, done.updated, done.skipped, done.failed) == (
        ROWS - EXISTING, EXISTING, 0, 0,
    )  # fmt: skip
    assert (job.total, job.done) == (ROWS, ROWS)
    assert Company.objects.count() == ROWS  # the old ones merged, no row written twice
    company_type = ContentType.objects.get_for_model(Company)
    created = (
        Event.objects.filter(kind=EventKind.CREATED, item_type=company_type, door="import")
        .values("item_id").annotate(events=Count("id"))
    )  # fmt: skip
    assert len(created) == ROWS - EXISTING
    assert {row["events"] for row in created} == {1}
    updated = Event.objects.filter(kind=EventKind.UPDATED, item_type=company_type)
    assert updated.values("item_id").distinct().count() == EXISTING
    assert updated.count() == EXISTING
    merged = Company.objects.get(name="Old 7")
    assert set(merged.communications.values_list("channel", flat=True)) == {"email", "phone"}
    print(f"\nimport kill test: {time.monotonic() - began:.1f} s, killed after {killed.done} rows")
