"""Background jobs (``crm.models.Job``): started after commit, run by a Celery task that owns
their status, worked through in chunks that commit their progress with their work.

A job's ``kind`` names its task in ``KINDS``; an app with jobs of its own adds its kinds there.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import celery
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.functions import Coalesce, Now
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Job, JobStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its task's dotted path (a JobTask) and label; ``result_url(job)``, for
    kinds whose job leaves a file, where its requester downloads it ("" while there is none,
    or no longer)."""

    task: str
    label: str
    result_url: Callable[[Job], str] | None = None

    def result_link(self, job: Job) -> str:
        return self.result_url(job) if self.result_url else ""


KINDS = {
    "bulk.update": JobKind("crm.tasks.bulk_job", gettext_lazy("Bulk change")),
    "bulk.delete": JobKind("crm.tasks.bulk_job", gettext_lazy("Bulk delete")),
}


def error_text(error: Exception) -> str:
    """What a requester reads of an error: the message of a refusal (ValidationError,
    PermissionDenied); of anything else only its kind, the details being in the worker's log."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, PermissionDenied):
        return str(error) or _("You do not have the right to do this.")
    return _("The job stopped on an unexpected error (%s).") % type(error).__name__


def job_start(*, user, kind: str, parameters: dict) -> Job:
    """Create a job and enqueue its task once the current transaction commits (at once when
    there is none): a job rolled back with its transaction never runs. Without a broker the
    task runs in-process then, through the same code. ``parameters`` must be JSON."""
    task = import_string(KINDS[kind].task)
    job = Job.objects.create(kind=kind, requester=user, parameters=parameters)
    transaction.on_commit(partial(_enqueue, task, job.pk))
    return job


def _enqueue(task, job_id: int) -> None:
    try:
        task.delay(job_id)
    except Exception as error:
        # In-process the task has marked its job failed already; here the broker was
        # unreachable, and the job would otherwise wait for ever.
        logger.exception("Job %s failed or could not be queued", job_id)
        _end(job_id, JobStatus.QUEUED, JobStatus.FAILED, error_text(error))


def _end(job_id: int, was: str, status: str, error: str = "") -> None:
    Job.objects.filter(pk=job_id, status=was).update(status=status, error=error, finished_at=Now())


class JobTask(celery.Task):
    """Base of the task of every kind of job: it is sent a job id and its ``run(job)`` gets
    the job; the base owns the job's status.

    Guarantees: a job runs only while queued or running, so a message delivered again after
    the job ended does nothing; the job is marked running (with its start time) before
    ``run``, and done when ``run`` returns; an exception marks it failed with
    ``error_text()``, and goes on to Celery (logged; the message is acknowledged: a failed
    job is not run again), so no error leaves a job running. ``acks_late`` and
    ``reject_on_worker_lost``: the message is acknowledged only when the task has ended, so a
    worker killed midway leaves it to the broker, which hands it to another worker (at once
    for a lost child process, after the broker's visibility timeout for a whole worker); that
    one resumes the job after its cursor (``run_in_chunks``).
    """

    acks_late = True
    reject_on_worker_lost = True

    def __call__(self, job_id: int):
        started = Job.objects.filter(
            pk=job_id, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)
        ).update(status=JobStatus.RUNNING, started_at=Coalesce("started_at", Now()))
        if not started:
            logger.info("Job %s is finished or gone: nothing to do", job_id)
            return None
        try:
            result = super().__call__(Job.objects.get(pk=job_id))
        except Exception as error:
            _end(job_id, JobStatus.RUNNING, JobStatus.FAILED, error_text(error))
            raise
        _end(job_id, JobStatus.RUNNING, JobStatus.DONE)
        return result


def run_in_chunks(job: Job, queryset, handle_chunk, chunk_size: int | None = None) -> None:
    """Work through the rows of ``queryset`` after ``job.cursor`` in primary-key order,
    ``chunk_size`` rows (``settings.JOB_CHUNK_SIZE``) at a time, until none is left (the
    task base then marks the job done: a task may have more to do, such as writing a file).

    ``handle_chunk(rows)`` does the work of one chunk and returns the rows that failed as
    ``{pk: reason}``. It runs in one transaction with the update of the job's counters and
    cursor, under a lock of the job's row: a chunk is done and recorded, or not at all. So a
    worker killed midway leaves only its unfinished chunk undone, which the next run does
    again, and two workers given the same job (a message delivered again while the first one
    still runs) take turns, neither doing a chunk the other did. The first chunk fixes
    ``total`` and ``last_pk``: rows added later are left out. An exception undoes its chunk
    and goes on to the caller. ``job`` is up to date when it returns.
    """
    while _run_chunk(job, queryset, handle_chunk, chunk_size or settings.JOB_CHUNK_SIZE):
        pass
    job.refresh_from_db()


@transaction.atomic
def _run_chunk(job: Job, queryset, handle_chunk, chunk_size: int) -> bool:
    """Do and record the next chunk; False when none is left (or the job has ended)."""
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if locked.is_finished:
        return False
    if locked.last_pk is None:
        counted = queryset.aggregate(total=Count("pk"), last=Max("pk"))
        locked.total, locked.last_pk = counted["total"], counted["last"] or 0
        locked.save(update_fields=["total", "last_pk"])
    rows = list(
        queryset.filter(pk__gt=locked.cursor, pk__lte=locked.last_pk).order_by("pk")[:chunk_size]
    )
    if not rows:
        return False
    failures = handle_chunk(rows)
    if settings.DEBUG and settings.JOB_CHUNK_PAUSE:
        # Tests kill a worker here: the chunk is done, not yet committed.
        logger.info("Job %s: chunk done up to %s, pausing before its commit", job.pk, rows[-1].pk)
        time.sleep(settings.JOB_CHUNK_PAUSE)
    locked.done += len(rows) - len(failures)
    locked.failed += len(failures)
    room = max(Job.MAX_FAILURES - len(locked.failures), 0)
    locked.failures += [{"id": pk, "reason": reason} for pk, reason in failures.items()][:room]
    locked.cursor = rows[-1].pk
    locked.save(update_fields=["done", "failed", "failures", "cursor"])
    return True
