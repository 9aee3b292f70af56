"""Tasks of the project itself (domain apps keep theirs in their own tasks.py)."""

from celery import shared_task
from django.db import connection

from .bulk import bulk_job_run
from .jobs import JobTask


@shared_task
def ping() -> dict:
    """Prove that a worker is alive and reaches the database: returns the database it uses."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"pong": True, "database": str(connection.settings_dict["NAME"])}


@shared_task(base=JobTask)
def bulk_job(job) -> None:
    """A bulk action on every item of a filtered list (kinds ``bulk.update``, ``bulk.delete``)."""
    bulk_job_run(job)
