"""``Median``: the median of a column, in SQL on every database we run on (PostgreSQL's
``percentile_cont``; on SQLite a ``MEDIAN`` aggregate of our own, given to each connection as
it opens), so the reports read one number per group instead of every row."""

import statistics

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, function="MEDIAN", template="%(function)s(%(expressions)s)"
        )


class _SqliteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def _give_sqlite_median(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)


def install() -> None:
    """Give SQLite connections their ``MEDIAN`` (called once, by the app's ``ready()``)."""
    connection_created.connect(_give_sqlite_median, dispatch_uid="analytics-median")
