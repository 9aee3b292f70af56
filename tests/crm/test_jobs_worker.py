"""A real worker killed (SIGKILL) in the middle of a bulk job on a whole filtered list: the
broker hands the job to the next worker, which resumes it, and every item is changed once."""

import os
import time
from itertools import count

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from companies.models import Company
from crm.celery import app as celery_app
from crm.models import Job, JobStatus
from tests.conftest import require_worker_services, sales_user, start_worker, stop_worker
from timeline.models import Event, EventKind

COMPANIES = 3000
CHUNK = 100
PAUSE = 0.5  # seconds each chunk waits before its commit


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}: {Job.objects.values().first()}")
        time.sleep(0.1)
    return found


@pytest.fixture
def job_workers(live_server_db, tmp_path):
    """Starts workers of their own queue (no other worker of the session takes their tasks)
    with small, slow chunks (``JOB_CHUNK_PAUSE``: each chunk done waits before it commits, and
    says so in the worker's log) and a broker that hands a dead worker's task on after 2 s.
    Returns the worker and its log; this test's tasks go to that queue."""
    require_worker_services()
    queue = f"jobs-kill-test-{os.getpid()}"
    numbers = count(1)
    workers = []

    def start():
        name = f"jobs{next(numbers)}@tests"
        log = tmp_path / f"{name}.log"
        worker = start_worker(
            name,
            f"--queues={queue}",
            "--loglevel=info",
            f"--logfile={log}",
            JOB_CHUNK_SIZE=str(CHUNK),
            JOB_CHUNK_PAUSE=str(PAUSE),
            CELERY_VISIBILITY_TIMEOUT="2",
            DEBUG="1",
        )
        workers.append(worker)
        return worker, log

    conf = celery_app.conf
    previous = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager, conf.task_default_queue = False, queue
    yield start
    conf.task_always_eager, conf.task_default_queue = previous
    for worker in workers:
        if worker.poll() is None:
            stop_worker(worker)
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_delete(queue)


def chunks_done(log) -> int:
    """How many chunks a worker has done (each one says so before it commits)."""
    return log.read_text().count("pausing before its commit") if log.exists() else 0


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
