"""PostgreSQL only: trigram indexes for searching names, phones and e-mails by any fragment.

Django's ``icontains`` compares ``UPPER(column)``, so the name indexes are on that expression.
SQLite (laptops) does without them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "company_name_trgm": "companies_company USING gin (UPPER(name) gin_trgm_ops)",
    "contact_first_name_trgm": "companies_contact USING gin (UPPER(first_name) gin_trgm_ops)",
    "contact_last_name_trgm": "companies_contact USING gin (UPPER(last_name) gin_trgm_ops)",
    "communication_normalized_trgm": (
        "companies_communication USING gin (normalized gin_trgm_ops)"
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("companies", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
