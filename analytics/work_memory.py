"""How a report's queries run on PostgreSQL: in one transaction given, for it alone (``SET
LOCAL``: other queries, and the next request on the connection, keep the server's settings),
``settings.ANALYTICS_WORK_MEM`` to sort and hash in (the default 4 MB sends the per-item sort
of a long period, a few hundred thousand rows, to disk) and no JIT compilation (a composed
period's query is costed high enough for the server to spend seconds compiling it, for a
query that runs in a few hundred milliseconds)."""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction


@contextmanager
def report_memory():
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, true), "
                               "set_config('jit', 'off', true)",
                               [settings.ANALYTICS_WORK_MEM])  # fmt: skip
        yield
