"""Background work of imports and exports: thin tasks on the job spine (``crm.jobs``)."""

from celery import shared_task

from crm.jobs import JobTask

from .exports import export_run
from .imports import import_run


@shared_task(base=JobTask)
def import_job(job) -> None:
    """Kind ``import.run``."""
    import_run(job)


@shared_task(base=JobTask)
def export_job(job) -> None:
    """Kind ``export.run``: write an export's file."""
    export_run(job)
