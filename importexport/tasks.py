"""Background work of imports and exports."""

from celery import shared_task

from crm.jobs import JobTask

from .exports import export_run


@shared_task(base=JobTask)
def export_job(job) -> None:
    """Kind ``export.run``: write an export's file."""
    export_run(job)
