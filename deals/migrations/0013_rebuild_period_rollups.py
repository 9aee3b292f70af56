from django.db import migrations


def fill(apps, schema_editor):
    """The period rollups of the items that exist, rows and totals, from their moves: the
    app's own rebuild, run by the last migration that changes the rollups' tables (migrations
    before it only shape them), so it writes them as the code of this release reads them."""
    from deals.models import Deal, Lead
    from deals.period_rollups import rebuild

    rebuild(Deal)
    rebuild(Lead)


class Migration(migrations.Migration):

    dependencies = [
        ("deals", "0012_period_reader_index"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
