"""PostgreSQL only: a trigram index for searching deals by any fragment of their title.

``DealFilterSet.search`` filters ``title__icontains``, which Django writes as
``UPPER(title::text) LIKE UPPER('%word%')``, so the index is on that expression (as the name
indexes of ``companies.0002_trigram_indexes``). Without it each kanban column's cards were a
scan of the whole stage with a sort, and the planner had no statistics on the expression: a
search on a board of 50,000 open deals took 8 x 25 ms for the cards plus 55 ms for the column
numbers; with it, about 20 ms and 7 ms (tests/benchmarks/bench_kanban.py).
SQLite (laptops) does without it.
"""

from django.db import migrations

INDEX = "deal_title_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON deals_deal USING gin (UPPER(title) gin_trgm_ops)"
    )
    # Statistics on the indexed expression at once: with them the planner walks a column's
    # newest cards for a frequent word instead of fetching every match.
    schema_editor.execute("ANALYZE deals_deal")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0001_initial"),
        ("companies", "0002_trigram_indexes"),  # creates the pg_trgm extension
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
