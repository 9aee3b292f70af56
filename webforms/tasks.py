"""The worker's side of web forms: the drain that processes stored submissions, run each
second by Celery beat (``celery -A crm worker --beat``)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True, expires=5)
def submissions_drain() -> int:
    return services.submissions_drain()
