"""Background work of imports and exports: thin tasks on the job spine (``crm.jobs``)."""

from celery import shared_task

from crm.jobs import JobTask

from .imports import import_run


@shared_task(base=JobTask)
def import_job(job) -> None:
    """Kind ``import.run``."""
    import_run(job)
