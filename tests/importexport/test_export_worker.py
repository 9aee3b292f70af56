"""An export job run by a real Celery worker through Redis on PostgreSQL: the worker chooses
the rows, writes the file where the web process serves it from, and only the requester
downloads it."""

import os
import time

import pytest
from django.test import Client

from companies import services as client_services
from crm.celery import app as celery_app
from crm.models import Job, JobStatus
from tests.companies.helpers import phone
from tests.conftest import require_worker_services, sales_user, start_worker, stop_worker

from .helpers import csv_rows

COMPANIES = 30


@pytest.fixture
def export_worker(live_server_db, tmp_path, settings):
    """A worker of its own queue whose files land where this process reads them (one
    DATA_DIR), with exports of more than 10 rows sent to it."""
    require_worker_services()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_INLINE_ROWS = 10
    queue = f"export-test-{os.getpid()}"
    worker = start_worker("export@tests", f"--queues={queue}", DATA_DIR=str(tmp_path))
    conf = celery_app.conf
    previous = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager, conf.task_default_queue = False, queue
    yield worker
    conf.task_always_eager, conf.task_default_queue = previous
    stop_worker(worker)
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_delete(queue)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_the_export_and_only_its_requester_downloads_it(export_worker):
    """Bad input: another user asking for the worker's file (a 404)."""
    owner = sales_user()
    for n in range(COMPANIES):
        client_services.company_create(
            user=owner, name=f"Société {n:02} «Ёж»", phones=[phone("+1 202 555 0143")]
        )
    client = Client()
    client.force_login(owner)
    response = client.post(
        "/exports/new/company/",
        {"query": "", "format": "csv", "delimiter": ";", "arranged": "1",
         "place-name": "shown", "place-phones": "shown", "order-phones": "2"},
    )  # fmt: skip
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    deadline = time.monotonic() + 60
    while not job.is_finished:
        assert time.monotonic() < deadline, f"the worker did not finish: {job.status}"
        time.sleep(0.2)
        job.refresh_from_db()
    assert (job.status, job.error, job.total, job.done) == (JobStatus.DONE, "", 30, 30)
    download = client.get(f"/exports/{job.pk}/download/")
    rows = csv_rows(b"".join(download.streaming_content))
    assert rows[0] == ["Name", "Phones"]
    newest_first = reversed(range(COMPANIES))  # the list's order
    assert rows[1:] == [[f"Société {n:02} «Ёж»", "'+1 202 555 0143"] for n in newest_first]
    other = Client()
    other.force_login(sales_user())
    assert other.get(f"/exports/{job.pk}/download/").status_code == 404
