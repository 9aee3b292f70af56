"""PostgreSQL only: keep per-user row counts of ``responsible`` in the planner's statistics.

With the default (100 most common values) the planner assumed every other user owns thousands
of companies and picked full index scans for a manager with few; 1000 covers every user of a
large sales team. SQLite does without.
"""

from django.db import migrations

TABLES = ("companies_company", "companies_contact")


def raise_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN responsible_id SET STATISTICS 1000"
        )


def reset_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN responsible_id SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("companies", "0003_shares")]

    operations = [migrations.RunPython(raise_statistics, reset_statistics)]
