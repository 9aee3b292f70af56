"""The memory a report's queries sort and hash in. PostgreSQL's default ``work_mem`` (4 MB)
sends the per-item sort of a long period (a few hundred thousand rows) to disk; a report's
queries run in one transaction given ``settings.ANALYTICS_WORK_MEM`` for it alone (``SET
LOCAL``: other queries, and the next request on the connection, keep the server's setting)."""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction


@contextmanager
def report_memory():
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, true)",
                               [settings.ANALYTICS_WORK_MEM])  # fmt: skip
        yield
