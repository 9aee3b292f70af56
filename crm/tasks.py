"""Tasks of the project itself (domain apps keep theirs in their own tasks.py)."""

from celery import shared_task
from django.db import connection


@shared_task
def ping() -> dict:
    """Prove that a worker is alive and reaches the database: returns the database it uses."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"pong": True, "database": str(connection.settings_dict["NAME"])}
