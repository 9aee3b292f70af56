"""Background work of CRM settings: a deleted custom field's values purged from its items."""

from celery import shared_task

from crm.entities import entity_type
from crm.jobs import JobTask, run_in_chunks


def purge_custom_values(job) -> None:
    """Take the deleted field ``job.parameters["code"]`` out of the ``custom`` column of every
    item of ``job.parameters["entity"]``: one UPDATE per chunk, resumable after its cursor. It
    is no change anybody made: no history."""
    code = job.parameters["code"]
    model = entity_type(job.parameters["entity"]).model
    holding = model._base_manager.filter(custom__has_key=code).only("pk", "custom")

    def purge(rows) -> dict:
        for row in rows:
            row.custom.pop(code, None)
        model._base_manager.bulk_update(rows, ["custom"])
        return {}

    run_in_chunks(job, holding, purge)


@shared_task(base=JobTask)
def purge_custom_values_job(job) -> None:
    """Kind ``custom_field.purge``."""
    purge_custom_values(job)
